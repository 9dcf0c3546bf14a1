// A plain-JavaScript reference softphone for `cargo xtask bench` (issue 11):
// what a CtiSVR softphone without a framework does at start-up, written for
// the benchmark from the protocol notes (docs/protocol.md), in the vendor
// sample's order: Salesforce Classic's library, getCallCenterSettings, a
// socket to wsURIA, then myextension, startmonitor, querydeviceinfo and
// snapshot (queryagentstate when an agent is logged in; userdata when a call
// is up), each sent when the previous one is answered, and last
// enableClickToDial. The bench times it from the host page's navigation to
// that enableClickToDial, as it times our adapter page.
//
// Deliberately minimal: no reconnect, no B server, no call handling beyond
// the dial button. It is a yardstick, not a product.
(() => {
  const params = new URLSearchParams(location.search);
  const origin = params.get("sfdcIFrameOrigin");
  const status = document.getElementById("status");
  const dial = document.getElementById("dial");

  function loadLibrary() {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = `${origin}/support/api/62.0/interaction.js`;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`${script.src} did not load`));
      document.head.append(script);
    });
  }

  function callCenterSettings() {
    return new Promise((resolve) => {
      sforce.interaction.cti.getCallCenterSettings((response) => resolve(JSON.parse(response.result)));
    });
  }

  function open(uri) {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(uri);
      socket.onopen = () => resolve(socket);
      socket.onerror = () => reject(new Error(`${uri} refused the connection`));
    });
  }

  // One request at a time: each waits for the answer with its id.
  let nextId = 0;
  const waiting = new Map();
  function request(socket, name, fields = {}) {
    const id = nextId++;
    socket.send(JSON.stringify({ id, request: name, ...fields }));
    return new Promise((resolve, reject) => {
      waiting.set(id, (answer) => (answer.result === "success" ? resolve(answer) : reject(new Error(`${name}: ${answer.error}`))));
    });
  }
  function onFrame(event) {
    const frame = JSON.parse(event.data);
    const answered = frame.msgtype === "response" ? waiting.get(frame.id) : undefined;
    if (answered) {
      waiting.delete(frame.id);
      answered(frame);
    }
  }

  async function start() {
    await loadLibrary();
    const settings = await callCenterSettings();
    const socket = await open(settings["/ServerInfo/wsURIA"]);
    socket.onmessage = onFrame;
    const { extension } = await request(socket, "myextension");
    await request(socket, "startmonitor", { extension });
    const device = await request(socket, "querydeviceinfo", { extension });
    let callUp;
    if (device.associateddevice) {
      callUp = (await request(socket, "queryagentstate", { extension })).talkstate === "call";
    } else {
      callUp = Number((await request(socket, "snapshot", { extension })).numcall) > 0;
    }
    if (callUp) await request(socket, "userdata", { extension, type: "alert" });
    sforce.interaction.cti.onClickToDial(() => {});
    sforce.interaction.cti.enableClickToDial(() => {});
    dial.disabled = false;
    status.textContent = `Ready: extension ${extension}`;
  }

  start().catch((error) => {
    status.textContent = `Failed: ${error.message}`;
  });
})();
