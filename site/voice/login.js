// The connector's login page (docs/salesforce-voice.md): the element's login
// view (ctisvr_softphone's mountLogin), whose agent id and password go to
// the connector page on a same-origin BroadcastChannel; the connector logs
// in to CtiSVR and answers. The password is never stored, and is gone from
// this page once sent.
import init, { mountLogin } from "./pkg/ctisvr_softphone.js";

const CHANNEL = "ctisvr-voice-login"; // connector.js's LOGIN_CHANNEL
/** How long the connector has to answer before the agent is told. */
const ANSWER_WITHIN_MS = 20_000;

function showProblem(text) {
  const problem = document.getElementById("login-problem");
  problem.textContent = text;
  problem.hidden = false;
}

try {
  await init();
  if (!("BroadcastChannel" in window)) throw new Error("This browser cannot reach the connector (no BroadcastChannel).");
  const channel = new BroadcastChannel(CHANNEL);
  let current = null;
  const view = mountLogin(document.getElementById("login"), (agentId, password) => {
    const id = crypto.randomUUID();
    const timer = setTimeout(() => {
      if (current === id) view.failed("The connector did not answer: reload Salesforce and try again.");
    }, ANSWER_WITHIN_MS);
    current = id;
    channel.postMessage({ type: "login", id, agentId, password });
    channel.onmessage = (event) => {
      const answer = event.data ?? {};
      if (answer.type !== "login-result" || answer.id !== current) return;
      clearTimeout(timer);
      current = null;
      if (answer.ok) view.done();
      else view.failed(answer.reason || "The login failed.");
    };
  });
} catch (error) {
  showProblem(`The login page could not start: ${error?.message ?? error}`);
}
