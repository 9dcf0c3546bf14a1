// A page's use of <ctisvr-softphone> through the package's TypeScript
// declarations (dist/npm/ctisvr-softphone.d.ts). Type-checked, never run:
// each `@ts-expect-error` must be an error, so a declaration that turned
// into `any` fails the check.
import { ready, type CtisvrCall, type CtisvrConnectionDetail } from "ctisvr-softphone";

await ready;

const phone = document.querySelector("ctisvr-softphone");
if (phone) {
  phone.dial("+1 (415) 555-0100");
  phone.transfer();
  phone.transfer("2002");
  phone.dropParty();
  phone.sendDtmf("1234#");
  phone.setAttribute("ws-uri-a", "wss://cti.example.com:9006/");

  phone.addEventListener("ctisvr-call", (event) => {
    // Inferred, not annotated: a detail typed `any` would let the errors below pass.
    const { call, change } = event.detail;
    const typed: CtisvrCall = call;
    const parties: string[] = call.parties;
    if (change === "appeared" && call.direction === "inbound" && !call.withheld) console.log(call.caller, parties);
    // @ts-expect-error: a call has no duration
    console.log(call.duration);
    // @ts-expect-error: state is one of five texts
    if (call.state === "ringing") console.log("never");
    // @ts-expect-error: change is one of three texts
    if (change === "removed") console.log(typed);
  });

  // @ts-expect-error: dial needs a number
  phone.dial();
  // @ts-expect-error: numbers are text
  phone.dial(4155550100);
  // @ts-expect-error: not a method of the element
  phone.explode();
}

// The events bubble out of the element and are typed on the document too.
document.addEventListener("ctisvr-agent", (event) => {
  if (event.detail.status === "logged-in") {
    const agent: string = event.detail.agentId;
    const reason: number | null = event.detail.reasonCode;
    console.log(agent, reason);
  }
  // @ts-expect-error: agentId only once logged in
  console.log(event.detail.agentId);
});

window.addEventListener("ctisvr-connection", (event) => {
  const detail: CtisvrConnectionDetail = event.detail;
  if (detail.status === "waiting") console.log(detail.retryInMs / 1000, detail.reason);
});

document.addEventListener("ctisvr-ready", (event) => {
  const ready: boolean = event.detail.ready;
  console.log(ready);
});

document.addEventListener("ctisvr-server-event", (event) => {
  const type: string = event.detail.eventtype;
  console.log(type, event.detail["queue"]);
});

const created = document.createElement("ctisvr-softphone");
created.hold();
