// The CTI adapter page: loads Salesforce's Open CTI library when Salesforce
// frames this page, then the element.
//
// Salesforce appends to the call center's "CTI Adapter URL":
//   Lightning: ?sfdcIframeOrigin=<origin of the Salesforce frame>&mode=Lightning&nonce=...
//   Classic:   ?sfdcIFrameOrigin=<origin>&nonce=...            (capital F)
// and the library is served by that origin:
//   Lightning: <origin>/support/api/<ver>/lightning/opencti_min.js  (sforce.opencti)
//   Classic:   <origin>/support/api/<ver>/interaction.js            (sforce.interaction)
// so one adapter page serves every org. `apiVersion` in the query overrides
// the API version. The element then takes its settings from the call center
// (getCallCenterSettings) and reports calls to Salesforce.
//
// Without those parameters the page runs standalone, configured from the
// query (?wsURIA=...&wsURIB=...&outsidePrefix=9&longDistPrefix=1&internationalPrefix=01,
// and the options requestTimeout, livenessInterval, dialExtension, notifyCalls;
// ?lang=fr sets the language, else the browser's is used),
// falling back to the CtiSVR ports of the vendor's sample (9006 for A, 9008
// for B) on this host. If the library cannot be loaded, the page says why and
// runs standalone too.
const DEFAULT_API_VERSION = "62.0";
const LOAD_TIMEOUT_MS = 15000;

const params = new URLSearchParams(location.search);
const element = document.getElementById("softphone");
// The agent's language (English or French): ?lang= in the call center's
// adapter URL, else the browser's. The element falls back to English.
element.lang = params.get("lang") || navigator.language || "en";

/** `{crm, url}` of the Salesforce library to load, `{error}`, or null (no Salesforce). */
export function salesforceLibrary(params) {
  const lightningOrigin = params.get("sfdcIframeOrigin");
  const classicOrigin = params.get("sfdcIFrameOrigin");
  const lightning = params.get("mode") === "Lightning" || (lightningOrigin !== null && classicOrigin === null);
  const given = lightning ? lightningOrigin ?? classicOrigin : classicOrigin;
  if (given === null) return null;
  const origin = checkedOrigin(given);
  if (!origin) return { error: `the Salesforce origin "${given}" is not an http(s) origin` };
  const version = params.get("apiVersion") ?? DEFAULT_API_VERSION;
  if (!/^\d{1,3}\.0$/.test(version)) return { error: `the API version "${version}" is not like ${DEFAULT_API_VERSION}` };
  return lightning
    ? { crm: "lightning", url: `${origin}/support/api/${version}/lightning/opencti_min.js` }
    : { crm: "classic", url: `${origin}/support/api/${version}/interaction.js` };
}

/** `scheme://host[:port]` when `text` is exactly an http(s) origin, else null. */
function checkedOrigin(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const bare = url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
  const http = url.protocol === "https:" || url.protocol === "http:";
  return http && bare && text.replace(/\/$/, "").toLowerCase() === url.origin ? url.origin : null;
}

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    const timer = setTimeout(() => reject(new Error(`no answer in ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS);
    script.src = url;
    script.onload = () => {
      clearTimeout(timer);
      resolve();
    };
    script.onerror = () => {
      clearTimeout(timer);
      reject(new Error("the browser could not load it"));
    };
    document.head.append(script);
  });
}

/** Shows why the page runs without Salesforce, above the element and on it. */
function showProblem(text) {
  const message = document.getElementById("adapter-problem");
  message.textContent = `Salesforce is not connected: ${text}. The softphone runs on its own.`;
  message.hidden = false;
  element.setAttribute("data-crm-problem", text);
}

function configureStandalone() {
  const host = location.hostname || "127.0.0.1";
  const settings = {
    "ws-uri-a": params.get("wsURIA") ?? `ws://${host}:9006/`,
    "ws-uri-b": params.get("wsURIB") ?? `ws://${host}:9008/`,
    "outside-prefix": params.get("outsidePrefix") ?? "9",
    "long-dist-prefix": params.get("longDistPrefix") ?? "1",
    "international-prefix": params.get("internationalPrefix") ?? "01",
    "request-timeout": params.get("requestTimeout"),
    "liveness-interval": params.get("livenessInterval"),
    "dial-extension": params.get("dialExtension"),
    "notify-calls": params.get("notifyCalls"),
  };
  for (const [name, value] of Object.entries(settings)) {
    if (value) element.setAttribute(name, value);
  }
}

// Fetch and compile the wasm, and load its JS glue, while Salesforce's
// library loads: the element itself must wait for the library (it reads
// `crm` when it connects), its code need not. The glue is imported
// dynamically so that this script runs (and asks for the library) without
// waiting for it. A browser that cannot compile while streaming (a server
// that does not say application/wasm) falls back to compiling the bytes.
const glue = import("./pkg/ctisvr_softphone.js");
const wasmUrl = new URL("./pkg/ctisvr_softphone_bg.wasm", import.meta.url);
const compiled = WebAssembly.compileStreaming(fetch(wasmUrl)).catch(() =>
  fetch(wasmUrl)
    .then((response) => response.arrayBuffer())
    .then((bytes) => WebAssembly.compile(bytes)),
);

const library = salesforceLibrary(params);
if (library === null) {
  configureStandalone();
} else if (library.error) {
  showProblem(library.error);
  element.setAttribute("crm", "none");
  configureStandalone();
} else {
  try {
    await loadScript(library.url);
    element.setAttribute("crm", library.crm);
  } catch (error) {
    showProblem(`${library.url} did not load (${error.message})`);
    element.setAttribute("crm", "none");
    configureStandalone();
  }
}

// A module that failed to compile is left to init(), which then says why.
const { default: init } = await glue;
await init({ module_or_path: await compiled.catch(() => wasmUrl) });
