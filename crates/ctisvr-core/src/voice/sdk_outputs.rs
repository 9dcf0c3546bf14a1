//! The connector's outputs as the JS layer reads them: plain JSON that it
//! turns into the SDK's classes (`PhoneCall`, `CallResult`,
//! `HangupResult`, `HoldToggleResult`, `ParticipantResult`, …; issue 14).
//! The shapes, one per kind:
//!
//! ```text
//! output  {"kind": "publish", "event": EVENT}
//!         {"kind": "resolve", "ticket": 7, "event": EVENT | null}
//!         {"kind": "reject",  "ticket": 7, "reason": "…", "error": "GENERIC_ERROR" | …}
//!         {"kind": "initialized", "ticket": 1, "showLogin": true}
//!         {"kind": "loggedIn", "ticket": 2}           (the login page's login went through)
//!         {"kind": "agentLoggedIn"} / {"kind": "agentLoggedOut"}  (publish LOGIN_RESULT / LOGOUT_RESULT)
//! EVENT   {"type": "CALL_STARTED" | … | "HANGUP", "call": CALL}
//!         {"type": "HOLD_TOGGLE", "call": CALL, "held": true}
//!         {"type": "AFTER_CALL_WORK_STARTED", "callId": "3" | null}
//!         {"type": "SET_AGENT_STATUS", "statusId": "0N51"}
//! CALL    {"callId": "3", "callType": "Inbound" | "Outbound" | "AddParticipant",
//!          "state": "ringing" | "connected" | "ended", "phoneNumber": "4155550100" | null,
//!          "dialled": "2001", "isOnHold": false, "consultation": false, "conference": false}
//! ```
//!
//! `phoneNumber` is null for a withheld caller. `callType` follows the
//! SDK's `CALL_TYPE`; a consultation is `AddParticipant`.

use super::calls::VoiceCall;
use super::capabilities::{DeskPhone, VoiceCapabilities};
use super::commands::VoiceRefusal;
use super::connector::{VoiceFailure, VoiceOutput};
use super::events::VoiceEvent;
use crate::calls::{CallState, Direction};
use crate::i18n::Catalogue;
use serde_json::{json, Map, Value};

/// One output, for the JS layer; refusals worded by `words`.
pub fn output_json(output: &VoiceOutput, words: &dyn Catalogue) -> Value {
    match output {
        VoiceOutput::Publish(event) => json!({"kind": "publish", "event": event_json(event)}),
        VoiceOutput::Resolve { ticket, event } => {
            json!({"kind": "resolve", "ticket": ticket, "event": event.as_ref().map(event_json)})
        }
        VoiceOutput::Reject { ticket, reason } => json!({
            "kind": "reject",
            "ticket": ticket,
            "reason": failure_text(reason, words),
            "error": error_type(reason),
        }),
        VoiceOutput::Initialized { ticket, show_login } => {
            json!({"kind": "initialized", "ticket": ticket, "showLogin": show_login})
        }
        VoiceOutput::LoggedIn { ticket } => json!({"kind": "loggedIn", "ticket": ticket}),
        VoiceOutput::AgentLoggedIn => json!({"kind": "agentLoggedIn"}),
        VoiceOutput::AgentLoggedOut => json!({"kind": "agentLoggedOut"}),
    }
}

/// One event.
pub fn event_json(event: &VoiceEvent) -> Value {
    let mut value = Map::new();
    value.insert("type".into(), json!(event.name()));
    match event {
        VoiceEvent::CallStarted(call)
        | VoiceEvent::ParticipantAdded(call)
        | VoiceEvent::CallConnected(call)
        | VoiceEvent::ParticipantConnected(call)
        | VoiceEvent::ParticipantsConferenced(call)
        | VoiceEvent::ParticipantRemoved(call) => {
            value.insert("call".into(), call_json(call, false));
        }
        VoiceEvent::Hangup(call) => {
            value.insert("call".into(), call_json(call, true));
        }
        VoiceEvent::HoldToggle { call, held } => {
            value.insert("call".into(), call_json(call, false));
            value.insert("held".into(), json!(held));
        }
        VoiceEvent::AfterCallWorkStarted { call } => {
            value.insert("callId".into(), json!(call.map(|id| id.to_string())));
        }
        VoiceEvent::SetAgentStatus { status_id } => {
            value.insert("statusId".into(), json!(status_id));
        }
    }
    Value::Object(value)
}

/// One call; `ended` for a call that is gone.
pub fn call_json(call: &VoiceCall, ended: bool) -> Value {
    let call_type = match call.direction {
        _ if call.consultation => "AddParticipant",
        Direction::Inbound => "Inbound",
        Direction::Outbound => "Outbound",
    };
    let state = match call.state {
        _ if ended => "ended",
        CallState::RingingIn | CallState::RingingOut => "ringing",
        CallState::Connected | CallState::Held => "connected",
        CallState::Failed => "ended",
    };
    json!({
        "callId": call.id.to_string(),
        "callType": call_type,
        "state": state,
        "phoneNumber": call.other_party,
        "dialled": call.dialled,
        "isOnHold": call.on_hold(),
        "consultation": call.consultation,
        "conference": call.conference,
    })
}

/// The capabilities, with the SDK's `CapabilitiesResult` field names.
pub fn capabilities_json(capabilities: &VoiceCapabilities) -> Value {
    json!({
        "hasMute": capabilities.has_mute,
        "hasRecord": capabilities.has_record,
        "hasMerge": capabilities.has_merge,
        "hasSwap": capabilities.has_swap,
        "hasBlindTransfer": capabilities.has_blind_transfer,
        "canDial": capabilities.can_dial,
        "canDecline": capabilities.can_decline,
    })
}

/// The agent's phone for `AgentConfigResult`: `{"type": "DESK_PHONE", "number": "2001" | null}`.
pub fn phone_json(phone: &DeskPhone) -> Value {
    json!({"type": DeskPhone::TYPE, "number": phone.extension})
}

/// The words of a failure, for the SDK's error and Salesforce's log.
fn failure_text(failure: &VoiceFailure, words: &dyn Catalogue) -> String {
    match failure {
        VoiceFailure::Refused(VoiceRefusal::NotSupported(what)) => {
            format!("{what:?} is not available: the agent's desk phone carries the call")
        }
        VoiceFailure::Refused(VoiceRefusal::UnknownStatus(id)) => {
            format!("presence status {id} is not in the contact center's presence table")
        }
        VoiceFailure::Rejected(rejected) => words.rejected(rejected),
        VoiceFailure::Failed(text) => text.clone(),
        VoiceFailure::TimedOut => "CtiSVR did not confirm the request in time".to_owned(),
        VoiceFailure::Unreadable(error) => error.to_string(),
        VoiceFailure::Unreachable => {
            "CtiSVR cannot be reached: check the contact center's WebSocket addresses".to_owned()
        }
    }
}

/// The SDK's `ERROR_TYPE` for a failure: a status the table lacks is
/// `INVALID_AGENT_STATUS`, everything else the generic error (the SDK
/// then picks its per-request error).
fn error_type(failure: &VoiceFailure) -> &'static str {
    match failure {
        VoiceFailure::Refused(VoiceRefusal::UnknownStatus(_)) => "INVALID_AGENT_STATUS",
        VoiceFailure::Unreachable => "CAN_NOT_LOG_IN",
        _ => "GENERIC_ERROR",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::Call;
    use crate::voice::test_call;

    #[test]
    fn a_withheld_inbound_call_has_no_number_and_a_consultation_is_an_added_participant() {
        let mut withheld = test_call(3, CallState::RingingIn);
        withheld.withheld = true;
        let call = call_json(&VoiceCall::of(&withheld), false);
        assert_eq!(call["callId"], "3");
        assert_eq!(call["callType"], "Inbound");
        assert_eq!(call["state"], "ringing");
        assert_eq!(call["phoneNumber"], Value::Null);
        let consult = Call { consultation: true, ..test_call(4, CallState::Held) };
        let call = call_json(&VoiceCall::of(&consult), false);
        assert_eq!((call["callType"].as_str(), call["isOnHold"].as_bool()), (Some("AddParticipant"), Some(true)));
    }

    #[test]
    fn outputs_name_their_kind_ticket_and_event() {
        let words = crate::Lang::En.words();
        let hangup = VoiceEvent::Hangup(VoiceCall::of(&test_call(1, CallState::Connected)));
        let resolve = output_json(&VoiceOutput::Resolve { ticket: 7, event: Some(hangup) }, words);
        assert_eq!((resolve["kind"].as_str(), resolve["ticket"].as_u64()), (Some("resolve"), Some(7)));
        assert_eq!(
            (resolve["event"]["type"].as_str(), resolve["event"]["call"]["state"].as_str()),
            (Some("HANGUP"), Some("ended"))
        );
        let status = output_json(&VoiceOutput::Publish(VoiceEvent::SetAgentStatus { status_id: "0N51".into() }), words);
        assert_eq!(status, json!({"kind": "publish", "event": {"type": "SET_AGENT_STATUS", "statusId": "0N51"}}));
        let reject =
            VoiceOutput::Reject { ticket: 2, reason: VoiceFailure::Refused(VoiceRefusal::UnknownStatus("x".into())) };
        let reject = output_json(&reject, words);
        assert_eq!(reject["error"], "INVALID_AGENT_STATUS");
        assert!(reject["reason"].as_str().is_some_and(|r| r.contains("presence table")));
    }
}
