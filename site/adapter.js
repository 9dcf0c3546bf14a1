// Configures <ctisvr-softphone> on the adapter page and loads the element.
// Without a CRM, the settings come from the page's query, falling back to the
// CtiSVR ports of the vendor's sample (9006 for A, 9008 for B) on this host.
import init from "./pkg/ctisvr_softphone.js";

const params = new URLSearchParams(location.search);
const host = location.hostname || "127.0.0.1";
const element = document.getElementById("softphone");

const settings = {
  "ws-uri-a": params.get("wsURIA") ?? `ws://${host}:9006/`,
  "ws-uri-b": params.get("wsURIB") ?? `ws://${host}:9008/`,
  "outside-prefix": params.get("outsidePrefix") ?? "9",
  "long-dist-prefix": params.get("longDistPrefix") ?? "1",
  "international-prefix": params.get("internationalPrefix") ?? "01",
};
for (const [name, value] of Object.entries(settings)) {
  if (value) element.setAttribute(name, value);
}

await init();
