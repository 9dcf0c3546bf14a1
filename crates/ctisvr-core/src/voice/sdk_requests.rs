//! Salesforce's connector-method calls, as the JS layer hands them over:
//! one JSON object per call, `{"method": <the SDK method's name>, …its
//! arguments, flattened}` (issue 14; the SDK's `VendorConnector` in 3.6.2,
//! `TelephonyConnector` / `VendorConnector` in 4.x). Decoding here keeps the
//! JS layer a plain forwarder.
//!
//! | `method` | other fields |
//! |---|---|
//! | `acceptCall`, `declineCall`, `hold`, `resume`, `conference`, `swap`, `wrapUpCall`, `logout`, `mute`, `unmute`, `pauseRecording`, `resumeRecording` | none |
//! | `endCall` | `callId`: the call Salesforce ends (ours, from `CALL_STARTED` or `getActiveCalls`); `participantType`: its `callAttributes.participantType` (`Third_Party` for an added participant); `number`: its `phoneNumber` |
//! | `dial` | `number`: `contact.phoneNumber` |
//! | `sendDigits` | `digits` |
//! | `addParticipant` | `number`: `contact.phoneNumber`; `blind`: `isBlindTransfer` |
//! | `setAgentStatus` | `statusId`: `statusInfo.statusId`; `agentStatus`: `Online`, `Offline`, `AfterCallWork` (Offline without a status id is `"0"`) |

use super::commands::{Leg, VoiceCommand};
use crate::state::State;
use serde_json::Value;
use std::fmt;

/// Why a method call cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SdkRequestError {
    /// Not an object with a string `method`.
    NoMethod,
    /// A method the connector does not implement.
    UnknownMethod(String),
    /// A field the method needs is missing or not text.
    Missing { method: String, field: &'static str },
}

impl std::error::Error for SdkRequestError {}

impl fmt::Display for SdkRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SdkRequestError::NoMethod => write!(f, "a connector request without a method"),
            SdkRequestError::UnknownMethod(method) => write!(f, "the connector does not implement {method}"),
            SdkRequestError::Missing { method, field } => write!(f, "{method} needs {field}"),
        }
    }
}

impl VoiceCommand {
    /// Decodes one method call; `state` tells which leg `endCall` names.
    ///
    /// ```
    /// use ctisvr_core::voice::VoiceCommand;
    /// use ctisvr_core::State;
    /// let request = serde_json::json!({"method": "dial", "number": "+1 415 555 0100"});
    /// let command = VoiceCommand::from_sdk(&request, &State::default()).unwrap();
    /// assert_eq!(command, VoiceCommand::Dial { number: "+1 415 555 0100".into() });
    /// ```
    pub fn from_sdk(request: &Value, state: &State) -> Result<VoiceCommand, SdkRequestError> {
        let method = request.get("method").and_then(Value::as_str).ok_or(SdkRequestError::NoMethod)?;
        let text = |field: &'static str| {
            request
                .get(field)
                .and_then(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| SdkRequestError::Missing { method: method.to_owned(), field })
        };
        Ok(match method {
            "acceptCall" => VoiceCommand::AcceptCall,
            "declineCall" => VoiceCommand::DeclineCall,
            "hold" => VoiceCommand::Hold,
            "resume" => VoiceCommand::Resume,
            "conference" => VoiceCommand::Conference,
            "swap" => VoiceCommand::Swap,
            "wrapUpCall" => VoiceCommand::WrapUpCall,
            "logout" => VoiceCommand::Logout,
            "mute" => VoiceCommand::Mute,
            "unmute" => VoiceCommand::Unmute,
            "pauseRecording" => VoiceCommand::PauseRecording,
            "resumeRecording" => VoiceCommand::ResumeRecording,
            "endCall" => {
                let third_party = request.get("participantType").and_then(Value::as_str) == Some("Third_Party");
                VoiceCommand::EndCall(leg(text("callId").ok(), third_party, text("number").ok(), state))
            }
            "dial" => VoiceCommand::Dial { number: text("number")? },
            "sendDigits" => VoiceCommand::SendDigits { digits: text("digits")? },
            "addParticipant" => VoiceCommand::AddParticipant {
                number: text("number")?,
                blind: request.get("blind").and_then(Value::as_bool).unwrap_or(false),
            },
            "setAgentStatus" => {
                let offline = request.get("agentStatus").and_then(Value::as_str) == Some("Offline");
                let status_id = match text("statusId") {
                    Ok(id) => id,
                    Err(_) if offline => "0".to_owned(),
                    Err(missing) => return Err(missing),
                };
                VoiceCommand::SetAgentStatus { status_id }
            }
            other => return Err(SdkRequestError::UnknownMethod(other.to_owned())),
        })
    }
}

/// The leg `endCall` names: a consultation's call, or a third party
/// (who may be in a conference, where the consultation's call is gone),
/// is an added participant; any other call the agent's own.
fn leg(call_id: Option<String>, third_party: bool, number: Option<String>, state: &State) -> Leg {
    let call =
        call_id.and_then(|id| id.trim().parse::<u32>().ok()).and_then(|id| state.calls.iter().find(|c| c.id == id));
    match call {
        Some(call) if call.consultation => Leg::Participant { number: call.other_party() },
        _ if third_party => Leg::Participant { number },
        _ => Leg::Agent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::{Call, CallState};
    use crate::voice::test_call;
    use serde_json::json;

    fn decode(request: Value) -> Result<VoiceCommand, SdkRequestError> {
        let consult = Call {
            consultation: true,
            calling: "2001".into(),
            called: "2002".into(),
            ..test_call(2, CallState::Connected)
        };
        let state = State { calls: vec![test_call(1, CallState::Held), consult], ..State::default() };
        VoiceCommand::from_sdk(&request, &state)
    }

    #[test]
    fn each_method_decodes() {
        assert_eq!(decode(json!({"method": "acceptCall", "call": {}})), Ok(VoiceCommand::AcceptCall));
        assert_eq!(decode(json!({"method": "endCall", "callId": "1"})), Ok(VoiceCommand::EndCall(Leg::Agent)));
        assert!(matches!(
            decode(json!({"method": "endCall", "callId": 2})),
            Ok(VoiceCommand::EndCall(Leg::Participant { .. }))
        ));
        assert_eq!(decode(json!({"method": "endCall"})), Ok(VoiceCommand::EndCall(Leg::Agent)), "no id: the agent's");
        // In a conference the third party's call is gone: its type and number say who.
        assert_eq!(
            decode(json!({"method": "endCall", "callId": "9", "participantType": "Third_Party", "number": "2002"})),
            Ok(VoiceCommand::EndCall(Leg::Participant { number: Some("2002".into()) }))
        );
        assert_eq!(
            decode(json!({"method": "addParticipant", "number": "2003", "blind": true})),
            Ok(VoiceCommand::AddParticipant { number: "2003".into(), blind: true })
        );
        assert_eq!(
            decode(json!({"method": "sendDigits", "digits": "12#"})),
            Ok(VoiceCommand::SendDigits { digits: "12#".into() })
        );
        assert_eq!(
            decode(json!({"method": "setAgentStatus", "agentStatus": "Offline"})),
            Ok(VoiceCommand::SetAgentStatus { status_id: "0".into() })
        );
        assert_eq!(
            decode(json!({"method": "setAgentStatus", "agentStatus": "Online", "statusId": "0N51"})),
            Ok(VoiceCommand::SetAgentStatus { status_id: "0N51".into() })
        );
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        assert_eq!(decode(json!("dial")), Err(SdkRequestError::NoMethod));
        assert_eq!(decode(json!({"method": 3})), Err(SdkRequestError::NoMethod));
        assert_eq!(
            decode(json!({"method": "superviseCall"})),
            Err(SdkRequestError::UnknownMethod("superviseCall".into()))
        );
        for request in [
            json!({"method": "dial"}),
            json!({"method": "dial", "number": "  "}),
            json!({"method": "dial", "number": {}}),
        ] {
            assert_eq!(decode(request), Err(SdkRequestError::Missing { method: "dial".into(), field: "number" }));
        }
        assert!(decode(json!({"method": "setAgentStatus", "agentStatus": "Online"})).is_err());
    }
}
