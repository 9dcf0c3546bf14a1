//! DOM events the element dispatches on itself (bubbling, composed), so the
//! page around it can follow the softphone. Documented in docs/element.md.
//!
//! | event | `detail` |
//! |---|---|
//! | `ctisvr-ready` | `{ready}`: the session is (not) ready for calls |
//! | `ctisvr-connection` | `{status: "unconfigured"\|"connecting"\|"connected"\|"waiting", server: "A"\|"B", uri, retryInMs, reason}` |
//! | `ctisvr-agent` | `{status: "unknown"\|"logged-out"\|"logged-in", agentId, mode, reasonCode}` |
//! | `ctisvr-call` | `{change: "appeared"\|"changed"\|"ended", call: {id, state, direction, caller, withheld, dialled, parties, consultation, conference}}` |
//! | `ctisvr-notice` | `{level: "error"\|"info", text}` |
//! | `ctisvr-notice-gone` | `{level, text}` of the notice that went (its cause ended, or dismissed) |
//! | `ctisvr-server-event` | the server's event frame as JSON, known or not |

use ctisvr_core::{AgentStatus, Call, CallChange, CallState, ConnectionStatus, Direction, Notice, NoticeLevel, Update};
use serde_json::{json, Value};
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

/// Dispatches the DOM event of `update`.
pub fn dispatch(host: &HtmlElement, update: &Update) {
    let (name, detail) = dom_event(update);
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    // JSON from serde_json always parses; a failure would only lose the detail.
    init.set_detail(&js_sys::JSON::parse(&detail.to_string()).unwrap_or(wasm_bindgen::JsValue::NULL));
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        // A throwing listener must not break the softphone.
        let _ = host.dispatch_event(&event);
    }
}

/// The event name and detail of an update (pure, for tests and docs).
pub fn dom_event(update: &Update) -> (&'static str, Value) {
    match update {
        Update::Ready(ready) => ("ctisvr-ready", json!({ "ready": ready })),
        Update::ConnectionChanged(status) => ("ctisvr-connection", connection_detail(status)),
        Update::AgentChanged(agent) => ("ctisvr-agent", agent_detail(agent)),
        Update::Call(change) => {
            let (change, call) = match change {
                CallChange::Appeared(call) => ("appeared", call),
                CallChange::Changed(call) => ("changed", call),
                CallChange::Ended(call) => ("ended", call),
            };
            ("ctisvr-call", json!({ "change": change, "call": call_detail(call) }))
        }
        Update::Notice(notice) => ("ctisvr-notice", notice_detail(notice)),
        Update::NoticeGone(notice) => ("ctisvr-notice-gone", notice_detail(notice)),
        Update::ServerEvent(event) => ("ctisvr-server-event", event.to_json()),
    }
}

fn connection_detail(status: &ConnectionStatus) -> Value {
    match status {
        ConnectionStatus::Unconfigured => json!({ "status": "unconfigured" }),
        ConnectionStatus::Connecting { role, uri } => {
            json!({ "status": "connecting", "server": role.letter(), "uri": uri.as_str() })
        }
        ConnectionStatus::Connected { role, uri } => {
            json!({ "status": "connected", "server": role.letter(), "uri": uri.as_str() })
        }
        ConnectionStatus::Waiting { retry_at, reason } => json!({
            "status": "waiting",
            "retryInMs": u64::try_from(retry_at.since(crate::clock::now()).as_millis()).unwrap_or(u64::MAX),
            "reason": reason,
        }),
    }
}

fn notice_detail(notice: &Notice) -> Value {
    let level = match notice.level {
        NoticeLevel::Error => "error",
        NoticeLevel::Info => "info",
    };
    json!({ "level": level, "text": notice.text })
}

fn call_detail(call: &Call) -> Value {
    let state = match call.state {
        CallState::RingingIn => "ringing-in",
        CallState::RingingOut => "ringing-out",
        CallState::Connected => "connected",
        CallState::Held => "held",
        CallState::Failed => "failed",
    };
    let direction = match call.direction {
        Direction::Inbound => "inbound",
        Direction::Outbound => "outbound",
    };
    json!({
        "id": call.id,
        "state": state,
        "direction": direction,
        "caller": call.caller,
        "withheld": call.withheld,
        "dialled": call.dialled,
        "parties": call.parties,
        "consultation": call.consultation,
        "conference": call.conference,
    })
}

fn agent_detail(agent: &AgentStatus) -> Value {
    match agent {
        AgentStatus::Unknown => json!({ "status": "unknown" }),
        AgentStatus::LoggedOut => json!({ "status": "logged-out" }),
        AgentStatus::LoggedIn { agent_id, mode, reason } => json!({
            "status": "logged-in",
            "agentId": agent_id,
            "mode": mode.as_ref().map(|m| m.as_wire()),
            "reasonCode": reason.map(|r| r.value()),
        }),
    }
}
