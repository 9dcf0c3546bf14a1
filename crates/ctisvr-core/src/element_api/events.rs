//! The DOM events the element dispatches on itself (bubbling, composed, so
//! they cross shadow roots), and the `detail` of each: what an
//! [`Update`] becomes for the page around the softphone.

use serde_json::{json, Value};

use crate::agent::AgentStatus;
use crate::calls::{Call, CallChange, CallState, Direction};
use crate::connection::ConnectionStatus;
use crate::i18n::Catalogue;
use crate::notice::{Notice, NoticeLevel};
use crate::time::Millis;
use crate::updates::Update;

pub const READY: &str = "ctisvr-ready";
pub const CONNECTION: &str = "ctisvr-connection";
pub const AGENT: &str = "ctisvr-agent";
pub const CALL: &str = "ctisvr-call";
pub const NOTICE: &str = "ctisvr-notice";
pub const NOTICE_GONE: &str = "ctisvr-notice-gone";
pub const SERVER_EVENT: &str = "ctisvr-server-event";

/// One event as documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDoc {
    pub name: &'static str,
    /// TypeScript type of `event.detail` (names from [`TYPE_DECLARATIONS`]).
    pub detail_type: &'static str,
    pub description: &'static str,
}

/// The TypeScript types the event details name.
pub const TYPE_DECLARATIONS: &str = r#"/** `ctisvr-ready`: the start-up finished on a connection (true), or the connection went (false). */
export interface CtisvrReadyDetail {
  ready: boolean;
}

/** `ctisvr-connection`: every change of the connection to CtiSVR. */
export type CtisvrConnectionDetail =
  | { status: "unconfigured" }
  | { status: "connecting" | "connected"; server: "A" | "B"; uri: string }
  | { status: "waiting"; retryInMs: number; reason: string };

/** `ctisvr-agent`: the agent's state. `mode` is the server's text when it is none of the four. */
export type CtisvrAgentDetail =
  | { status: "unknown" | "logged-out" }
  | { status: "logged-in"; agentId: string; mode: "auto" | "manual" | "acw" | "aux" | (string & {}) | null; reasonCode: number | null };

/** A call as the softphone shows it. */
export interface CtisvrCall {
  /** CtiSVR's call id. */
  id: number;
  state: "ringing-in" | "ringing-out" | "connected" | "held" | "failed";
  direction: "inbound" | "outbound";
  /** The number shown as the caller ("" when the server gave none). */
  caller: string;
  /** The caller withheld their number. */
  withheld: boolean;
  /** The number dialled ("" for an inbound call). */
  dialled: string;
  /** The other parties' numbers. */
  parties: string[];
  /** This call is a consultation of a held call. */
  consultation: boolean;
  conference: boolean;
}

/** `ctisvr-call`: a call appeared, changed or ended. */
export interface CtisvrCallDetail {
  change: "appeared" | "changed" | "ended";
  call: CtisvrCall;
}

/** `ctisvr-notice` and `ctisvr-notice-gone`: what the message bar shows, or showed. */
export interface CtisvrNoticeDetail {
  level: "error" | "info";
  text: string;
}

/** `ctisvr-server-event`: CtiSVR's event frame as received, known types or not. */
export interface CtisvrServerEventDetail {
  msgtype: "event";
  eventtype: string;
  calling?: string;
  called?: string;
  origcalling?: string;
  [field: string]: unknown;
}
"#;

/// Every event, in the order of [`Update`]'s variants.
pub const EVENTS: [EventDoc; 7] = [
    EventDoc {
        name: READY,
        detail_type: "CtisvrReadyDetail",
        description: "The start-up sequence finished (the softphone takes calls), or the connection was lost.",
    },
    EventDoc {
        name: CONNECTION,
        detail_type: "CtisvrConnectionDetail",
        description:
            "The connection changed: connecting to A or B, connected, or waiting `retryInMs` before the next attempt.",
    },
    EventDoc {
        name: AGENT,
        detail_type: "CtisvrAgentDetail",
        description: "The agent logged in or out, or changed work mode or reason code.",
    },
    EventDoc {
        name: CALL,
        detail_type: "CtisvrCallDetail",
        description: "A call appeared, changed (answered, held, retrieved, joined) or ended.",
    },
    EventDoc {
        name: NOTICE,
        detail_type: "CtisvrNoticeDetail",
        description: "The message bar shows an error or a piece of information.",
    },
    EventDoc {
        name: NOTICE_GONE,
        detail_type: "CtisvrNoticeDetail",
        description: "The notice left the message bar: its cause ended or the agent dismissed it.",
    },
    EventDoc {
        name: SERVER_EVENT,
        detail_type: "CtisvrServerEventDetail",
        description: "Every event frame from CtiSVR, as received, known types or not.",
    },
];

/// The event name and `detail` of `update` at `now` (a waiting
/// connection's `retryInMs` counts from it); texts (a wait's `reason`) in
/// `words`, the agent's language (a notice is worded when shown).
pub fn dom_event(update: &Update, words: &dyn Catalogue, now: Millis) -> (&'static str, Value) {
    match update {
        Update::Ready(ready) => (READY, json!({ "ready": ready })),
        Update::ConnectionChanged(status) => (CONNECTION, connection_detail(status, words, now)),
        Update::AgentChanged(agent) => (AGENT, agent_detail(agent)),
        Update::Call(change) => {
            let (change, call) = match change {
                CallChange::Appeared(call) => ("appeared", call),
                CallChange::Changed(call) => ("changed", call),
                CallChange::Ended(call) => ("ended", call),
            };
            (CALL, json!({ "change": change, "call": call_detail(call) }))
        }
        Update::Notice(notice) => (NOTICE, notice_detail(notice)),
        Update::NoticeGone(notice) => (NOTICE_GONE, notice_detail(notice)),
        Update::ServerEvent(event) => (SERVER_EVENT, event.to_json()),
    }
}

fn connection_detail(status: &ConnectionStatus, words: &dyn Catalogue, now: Millis) -> Value {
    match status {
        ConnectionStatus::Unconfigured => json!({ "status": "unconfigured" }),
        ConnectionStatus::Connecting { role, uri } => {
            json!({ "status": "connecting", "server": role.letter(), "uri": uri.as_str() })
        }
        ConnectionStatus::Connected { role, uri } => {
            json!({ "status": "connected", "server": role.letter(), "uri": uri.as_str() })
        }
        ConnectionStatus::Waiting { retry_at, reason, advice, offline } => json!({
            "status": "waiting",
            "retryInMs": u64::try_from(retry_at.since(now).as_millis()).unwrap_or(u64::MAX),
            "reason": words.waiting(reason, advice.as_ref(), *offline),
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

#[cfg(test)]
mod tests;
