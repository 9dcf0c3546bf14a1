// The demo page: two softphones on chosen stations, and a control panel
// driving the mock CtiSVR's control API (docs/mock.md).
import init from "./pkg/ctisvr_softphone.js";

const host = location.hostname || "127.0.0.1";
const $ = (selector) => document.querySelector(selector);

function configure(phone, extension) {
  // ?ext= is the mock's way to pick a station (the real server maps the client's IP).
  phone.setAttribute("ws-uri-a", `ws://${host}:9006/?ext=${extension}`);
  phone.setAttribute("ws-uri-b", `ws://${host}:9008/?ext=${extension}`);
  phone.setAttribute("outside-prefix", "9");
  phone.setAttribute("long-dist-prefix", "1");
  phone.setAttribute("international-prefix", "01");
}

for (const select of document.querySelectorAll("select.station")) {
  const phone = document.getElementById(select.dataset.for);
  configure(phone, select.value);
  select.addEventListener("change", () => configure(phone, select.value));
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

function showError(error) {
  $("#control-error").textContent = error ? String(error.message ?? error) : "";
}

$("#ring").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    await api("POST", "/api/calls", { from: form.get("from"), to: form.get("to") });
    showError(null);
    refresh();
  } catch (error) { showError(error); }
});

$("#reset").addEventListener("click", async () => {
  try { await api("POST", "/api/reset"); showError(null); refresh(); } catch (error) { showError(error); }
});

async function hangUpFarEnd(id) {
  try { await api("DELETE", `/api/calls/${encodeURIComponent(id)}`); refresh(); } catch (error) { showError(error); }
}

async function refresh() {
  let state;
  try { state = await api("GET", "/api/state"); } catch (error) { showError(error); return; }
  const calls = $("#calls");
  calls.replaceChildren();
  for (const call of state.calls ?? []) {
    const item = document.createElement("li");
    item.textContent = `${call.from} → ${call.to} (${call.state}) `;
    const button = document.createElement("button");
    button.textContent = "Far end hangs up";
    button.addEventListener("click", () => hangUpFarEnd(call.id));
    item.append(button);
    calls.append(item);
  }
  if (!calls.children.length) calls.innerHTML = '<li class="empty">none</li>';
  const rows = (state.agents ?? []).map((agent) => {
    const row = document.createElement("tr");
    const mode = agent.mode ? `${agent.mode}${agent.mode === "aux" ? " " + (agent.reasoncode ?? 0) : ""}` : "logged out";
    for (const text of [agent.id, agent.extension ?? "—", mode]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  });
  $("#agents tbody").replaceChildren(...rows);
}

for (const name of ["ctisvr-agent", "ctisvr-call", "ctisvr-notice", "ctisvr-ready"]) {
  document.addEventListener(name, (event) => {
    const item = document.createElement("li");
    item.textContent = `${event.target.id} ${name} ${JSON.stringify(event.detail)}`;
    $("#events").prepend(item);
  });
}

await init();
refresh();
setInterval(refresh, 1000);
