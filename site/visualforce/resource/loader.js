// Starts <ctisvr-softphone> on the Visualforce adapter page, from the
// ctisvrsoftphone static resource (a zip: loader.js, pkg/ctisvr_softphone.js,
// pkg/ctisvr_softphone_bg.wasm). The page has already loaded Salesforce's
// Open CTI library (it is a classic script; this module runs after it), so
// the element finds sforce.opencti or sforce.interaction and takes its
// settings from the call center.
//
// Salesforce may serve the .wasm inside a zip resource without the
// application/wasm type, which WebAssembly.compileStreaming refuses: then
// compile from the bytes.
const base = new URL("./", import.meta.url);
const wasmUrl = new URL("pkg/ctisvr_softphone_bg.wasm", base);
const element = document.getElementById("softphone");

function showProblem(text) {
  const message = document.getElementById("adapter-problem");
  if (message) {
    message.textContent = text;
    message.hidden = false;
  }
  element?.setAttribute("data-crm-problem", text);
}

async function compile() {
  try {
    return await WebAssembly.compileStreaming(fetch(wasmUrl));
  } catch (streamingError) {
    const response = await fetch(wasmUrl);
    if (!response.ok) throw new Error(`${wasmUrl.pathname}: HTTP ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

if (!window.sforce?.opencti && !window.sforce?.interaction) {
  showProblem("Salesforce's Open CTI library did not load on this page: the softphone cannot reach Salesforce.");
}
try {
  const { default: init } = await import(new URL("pkg/ctisvr_softphone.js", base).href);
  await init({ module_or_path: await compile() });
} catch (error) {
  showProblem(`The softphone could not start: ${error.message}`);
}
