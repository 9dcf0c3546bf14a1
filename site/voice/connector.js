// The Salesforce Voice connector page's JS layer (issue 14;
// docs/salesforce-voice.md). Salesforce loads the connector page in a hidden
// iframe and talks to it through its SDK (@salesforce/scv-connector-base
// 3.6.2, loaded unmodified before this module as window.SCVConnectorBase).
// This layer only forwards: each SDK method call goes to the wasm engine
// (ctisvr_softphone's VoiceConnector: the session and the core's mapping,
// headless), and each output comes back as JSON that is turned into the
// SDK's classes here (the SDK checks them with instanceof). What a request
// means, which event answers it and which is news are the core's decisions
// (ctisvr_core::voice).
//
// Moving to SDK 4.x: the methods below are already grouped as 4.x splits
// them (`shared`: init, setAgentStatus, logout, handleMessage...;
// `telephony`: the call methods and getActiveCalls/getVoiceCapabilities).
// 4.x needs a VendorConnector whose getTelephonyConnector() returns a
// TelephonyConnector built from `telephony`, and getCapabilities renamed
// getVoiceCapabilities / getSharedCapabilities.
import init, { VoiceConnector } from "./pkg/ctisvr_softphone.js";

const sdk = window.SCVConnectorBase;
const { Constants } = sdk ?? {};

// The origins Salesforce's host pages have (the SDK's own test, 3.6.2).
const SALESFORCE =
  /^https:\/\/[\w-.]+(lightning\.[\w]+\.soma\.force\.com|\.lightning\.force\.com|\.lightning\.pc-rnd\.force\.com|\.stm\.force\.com|\.vf\.force\.com|\.salesforce\.com|\.my\.salesforce-sites\.com|\.lightning\.localhost\.[\w]+\.force.com)$/;

// The SDK stops listening after the first SETUP_CONNECTOR, from any origin:
// a forged one from another page would leave Salesforce's unanswered. This
// listener runs before the SDK's and drops those: Salesforce's comes from
// the page that frames the connector, at a Salesforce origin (a sibling
// frame or an opener, even of a Salesforce domain, is not it).
window.addEventListener("message", (event) => {
  if (event.data?.type !== "SETUP_CONNECTOR") return;
  let url = "";
  try {
    const origin = new URL(event.origin);
    url = `${origin.protocol}//${origin.hostname}`;
  } catch {}
  const fromHost = window.parent !== window && event.source === window.parent;
  if (!fromHost || !SALESFORCE.test(url)) event.stopImmediatePropagation();
});

/** The channel the login page sends the agent's login on (same origin). */
export const LOGIN_CHANNEL = "ctisvr-voice-login";

let engine = null;
let nextTicket = 1;
/** ticket -> { resolve(output), reject(output) } */
const waiting = new Map();
/** Our call ids -> their VoiceCall record ids, from the VoiceCall service. */
const voiceCallIds = new Map();
/** Numbers as Salesforce dialled them, by call id (CtiSVR's carry the dialing rules' prefixes). */
const dialledNumbers = new Map();
/** Published events and answers go out in the engine's order, one after another. */
let queue = Promise.resolve();

function inOrder(task) {
  queue = queue.then(task).catch((error) => console.error("ctisvr connector:", error));
}

function settle(output, how) {
  const waiter = waiting.get(output.ticket);
  if (!waiter) return;
  waiting.delete(output.ticket);
  inOrder(() => how(waiter));
}

function onOutput(text) {
  const output = JSON.parse(text);
  switch (output.kind) {
    case "publish":
      inOrder(() => publish(output.event));
      break;
    case "resolve":
    case "initialized":
    case "loggedIn":
      settle(output, (waiter) => waiter.resolve(output));
      break;
    case "reject":
      settle(output, (waiter) => waiter.reject(output));
      break;
    // LOGIN_RESULT readies the connector (the SDK then sends CONNECTOR_READY);
    // LOGOUT_RESULT lets Salesforce offer the login again.
    case "agentLoggedIn":
      inOrder(() => sdk.publishEvent({ eventType: Constants.EVENT_TYPE.LOGIN_RESULT, payload: new sdk.GenericResult({ success: true }) }));
      break;
    case "agentLoggedOut":
      inOrder(() => sdk.publishEvent({ eventType: Constants.EVENT_TYPE.LOGOUT_RESULT, payload: new sdk.LogoutResult({ success: true, loginFrameHeight: 350 }) }));
      break;
  }
}

/** Asks the engine; resolves with its output, or rejects with the SDK's error shape. */
function ask(send) {
  return new Promise((resolve, reject) => {
    const ticket = nextTicket++;
    waiting.set(ticket, {
      resolve,
      reject: (output) => reject({ type: output.error, message: output.reason }),
    });
    send(ticket);
  });
}

function request(method, fields = {}) {
  if (!engine) return Promise.reject({ type: "GENERIC_ERROR", message: "the connector is not initialised" });
  return ask((ticket) => engine.request(ticket, JSON.stringify({ method, ...fields })));
}

// ---- the SDK's classes from the engine's JSON ----

function callInfo(call) {
  return new sdk.CallInfo({
    isOnHold: Boolean(call?.isOnHold),
    // Desk-phone mode: the Avaya set carries the audio.
    isSoftphoneCall: false,
    declineEnabled: false,
    muteEnabled: false,
    recordEnabled: false,
    swapEnabled: false,
    showMuteButton: false,
    showRecordButton: false,
    showSwapButton: false,
  });
}

function phoneCall(call) {
  const voiceCallId = voiceCallIds.get(call.callId);
  return new sdk.PhoneCall({
    callId: call.callId,
    callType: call.callType,
    phoneNumber: dialledNumbers.get(call.callId) ?? call.phoneNumber ?? undefined,
    state: call.state,
    callInfo: callInfo(call),
    callAttributes: new sdk.PhoneCallAttributes({
      voiceCallId,
      participantType: call.consultation ? Constants.PARTICIPANT_TYPE.THIRD_PARTY : Constants.PARTICIPANT_TYPE.INITIAL_CALLER,
      isOnHold: Boolean(call.isOnHold),
    }),
  });
}

function participant(call, initialCallHasEnded = false) {
  return new sdk.ParticipantResult({
    initialCallHasEnded,
    callInfo: callInfo(call),
    phoneNumber: call.phoneNumber ?? call.dialled,
    callId: call.callId,
  });
}

function holdToggle(call, held) {
  const onHold = Boolean(held);
  return new sdk.HoldToggleResult({
    isThirdPartyOnHold: call.consultation ? onHold : false,
    isCustomerOnHold: call.consultation ? false : onHold,
    calls: { [call.callId]: phoneCall(call) },
  });
}

/** The SDK payload of an engine event. */
function payload(event) {
  const call = event.call;
  switch (event.type) {
    case "CALL_STARTED":
    case "CALL_CONNECTED":
    case "PARTICIPANT_REMOVED":
      return new sdk.CallResult({ call: phoneCall(call) });
    case "HANGUP":
      return new sdk.HangupResult({ calls: [phoneCall(call)] });
    case "HOLD_TOGGLE":
      return holdToggle(call, event.held);
    case "PARTICIPANT_ADDED":
    case "PARTICIPANT_CONNECTED":
      return participant(call);
    case "PARTICIPANTS_CONFERENCED":
      return new sdk.HoldToggleResult({ isThirdPartyOnHold: false, isCustomerOnHold: false });
    case "SET_AGENT_STATUS":
      return new sdk.AgentStatusInfo({ statusId: event.statusId });
    case "AFTER_CALL_WORK_STARTED":
      return event.callId ? { callId: event.callId } : {};
    default:
      return {};
  }
}

/** An inbound call's VoiceCall record, from the VoiceCall service (which
 * made it when CtiSVR offered the call); none when there is no service or
 * it has none: Salesforce then makes the record itself. */
async function lookUpVoiceCall(call) {
  const service = engine?.voiceCallService();
  const extension = JSON.parse(engine?.phone() ?? "{}").number;
  if (!service || !extension || call.callType !== "Inbound" || voiceCallIds.has(call.callId)) return;
  try {
    const url = new URL(`${service}/voicecalls`);
    url.searchParams.set("extension", extension);
    if (call.phoneNumber) url.searchParams.set("from", call.phoneNumber);
    const response = await fetch(url, { credentials: "omit", signal: AbortSignal.timeout(8000) });
    const body = await response.json().catch(() => ({}));
    if (response.ok && body.voiceCallId) {
      voiceCallIds.set(call.callId, body.voiceCallId);
    } else {
      sdk.publishLog({ eventType: "CALL_STARTED", payload: { voiceCallService: response.status, error: body.error }, isError: true });
    }
  } catch (error) {
    sdk.publishLog({ eventType: "CALL_STARTED", payload: { voiceCallService: String(error) }, isError: true });
  }
}

async function publish(event) {
  if (event.type === "CALL_STARTED") await lookUpVoiceCall(event.call);
  sdk.publishEvent({ eventType: event.type, payload: payload(event) });
  if (event.type === "HANGUP") forget(event.call.callId);
}

function forget(callId) {
  voiceCallIds.delete(callId);
  dialledNumbers.delete(callId);
}

// ---- the login page's login, over a same-origin BroadcastChannel ----

const loginChannel = "BroadcastChannel" in window ? new BroadcastChannel(LOGIN_CHANNEL) : null;
loginChannel?.addEventListener("message", (event) => {
  const { type, id, agentId, password } = event.data ?? {};
  if (type !== "login" || typeof agentId !== "string" || typeof password !== "string") return;
  // Only a connector whose agent is logged out answers (the agent's other
  // Salesforce tabs have connectors too); the engine publishes LOGIN_RESULT.
  if (!engine?.awaitsLogin()) return;
  ask((ticket) => engine.login(ticket, agentId, password)).then(
    () => loginChannel.postMessage({ type: "login-result", id, ok: true }),
    (error) => loginChannel.postMessage({ type: "login-result", id, ok: false, reason: error.message }),
  );
});

// ---- the connector: 3.6.2's single VendorConnector, grouped as 4.x splits it ----

const shared = {
  async init(config) {
    await wasmReady;
    try {
      engine = new VoiceConnector(config ?? {}, onOutput);
    } catch (error) {
      throw { type: Constants.ERROR_TYPE.INVALID_PARAMS, message: String(error?.message ?? error) };
    }
    const answer = await ask((ticket) => engine.init(ticket));
    // A reload mid-call: find the calls' VoiceCall records again before
    // Salesforce asks getActiveCalls.
    await Promise.all(JSON.parse(engine.activeCalls()).map(lookUpVoiceCall));
    return new sdk.InitResult({ showLogin: answer.showLogin, loginFrameHeight: 350 });
  },
  async setAgentStatus(agentStatus, statusInfo) {
    await request("setAgentStatus", { agentStatus, statusId: statusInfo?.statusId });
    return new sdk.GenericResult({ success: true });
  },
  async logout() {
    await request("logout");
    return new sdk.LogoutResult({ success: true, loginFrameHeight: 350 });
  },
  handleMessage() {},
  downloadLogs() {},
  logMessageToVendor() {},
};

const telephony = {
  async getActiveCalls() {
    const calls = engine ? JSON.parse(engine.activeCalls()) : [];
    return new sdk.ActiveCallsResult({ activeCalls: calls.map(phoneCall) });
  },
  async getAgentConfig() {
    const phone = engine ? JSON.parse(engine.phone()) : {};
    const selectedPhone = new sdk.Phone({ type: Constants.PHONE_TYPE.DESK_PHONE, number: phone.number ?? undefined });
    return new sdk.AgentConfigResult({ phones: [Constants.PHONE_TYPE.DESK_PHONE], selectedPhone });
  },
  async getCapabilities() {
    const c = JSON.parse(engine?.capabilities() ?? "{}");
    return new sdk.CapabilitiesResult({
      hasMute: Boolean(c.hasMute),
      hasRecord: Boolean(c.hasRecord),
      hasMerge: Boolean(c.hasMerge),
      hasSwap: Boolean(c.hasSwap),
      hasBlindTransfer: Boolean(c.hasBlindTransfer),
      hasSignedRecordingUrl: false,
      debugEnabled: false,
    });
  },
  async acceptCall() {
    const { event } = await request("acceptCall");
    return new sdk.CallResult({ call: phoneCall(event.call) });
  },
  async declineCall() {
    await request("declineCall");
  },
  async endCall(call) {
    const { event } = await request("endCall", {
      callId: call?.callId,
      participantType: call?.callAttributes?.participantType,
      number: call?.phoneNumber,
    });
    const calls = event?.call ? [phoneCall(event.call)] : [];
    if (event?.type === "HANGUP") forget(event.call.callId);
    return new sdk.HangupResult({ calls });
  },
  async hold() {
    const { event } = await request("hold");
    return holdToggle(event.call, true);
  },
  async resume() {
    const { event } = await request("resume");
    return holdToggle(event.call, false);
  },
  async dial(contact) {
    const { event } = await request("dial", { number: contact?.phoneNumber });
    if (contact?.phoneNumber) dialledNumbers.set(event.call.callId, contact.phoneNumber);
    return new sdk.CallResult({ call: phoneCall(event.call) });
  },
  async sendDigits(digits) {
    await request("sendDigits", { digits });
  },
  async getPhoneContacts() {
    return new sdk.PhoneContactsResult({ contacts: [] });
  },
  async swap() {
    await request("swap");
  },
  async conference() {
    await request("conference");
    return new sdk.HoldToggleResult({ isThirdPartyOnHold: false, isCustomerOnHold: false });
  },
  async addParticipant(contact, call, isBlindTransfer) {
    const { event } = await request("addParticipant", { number: contact?.phoneNumber, blind: Boolean(isBlindTransfer) });
    return participant(event.call, Boolean(isBlindTransfer));
  },
  async pauseRecording() {
    await request("pauseRecording");
  },
  async resumeRecording() {
    await request("resumeRecording");
  },
  async mute() {
    await request("mute");
  },
  async unmute() {
    await request("unmute");
  },
  // The SDK calls wrapUpCall without awaiting it: a failure is logged to
  // Salesforce here, or it would go nowhere.
  async wrapUpCall() {
    try {
      await request("wrapUpCall");
    } catch (error) {
      sdk.publishLog({ eventType: "WRAP_UP_CALL", payload: { error: error?.message ?? String(error) }, isError: true });
    }
  },
};

class CtisvrConnector extends (sdk?.VendorConnector ?? Object) {}
Object.assign(CtisvrConnector.prototype, shared, telephony);

// The SDK listens for SETUP_CONNECTOR from the start; the engine's wasm
// compiles meanwhile and `init` waits for it.
const wasmReady = sdk ? compileWasm().then((module) => init({ module_or_path: module })) : null;
if (sdk) {
  sdk.initializeConnector(new CtisvrConnector());
  window.addEventListener("pagehide", () => engine?.shutDown());
} else {
  console.error("ctisvr connector: Salesforce's SDK (scv-connector-base.js) did not load before connector.js");
}

// A Visualforce static resource may serve the .wasm without the
// application/wasm type, which compileStreaming refuses: then from the bytes.
async function compileWasm() {
  const url = new URL("./pkg/ctisvr_softphone_bg.wasm", import.meta.url);
  try {
    return await WebAssembly.compileStreaming(fetch(url));
  } catch {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

