//! Client -> server requests: `{"id": <number>, "request": "<name>", ...}`.
//!
//! The softphone encodes them; the mock decodes them. A request name this
//! crate does not know decodes to [`Request::Unknown`] with its fields kept.

use super::lenient::{as_u64, take_id, DecodeError};
use super::values::{Password, ReasonCode, WorkMode};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A correlation id. The server echoes it in the response.
pub type RequestId = u64;

/// One request with its id, as it travels on the wire.
///
/// ```
/// use ctisvr_core::wire::{Request, RequestFrame};
/// let frame = RequestFrame { id: 7, request: Request::StartMonitor { extension: "2001".into() } };
/// let text = frame.encode();
/// assert_eq!(RequestFrame::decode(&text).unwrap(), frame);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RequestFrame {
    pub id: RequestId,
    pub request: Request,
}

/// Every request of the protocol page, plus `dtmf` (an assumption: the vendor
/// sample defines its id but never sends it) and `Unknown` for the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "lowercase")]
pub enum Request {
    MyExtension,
    StartMonitor {
        extension: String,
    },
    QueryDeviceInfo {
        extension: String,
    },
    QueryAgentState {
        extension: String,
    },
    Snapshot {
        extension: String,
    },
    UserData {
        extension: String,
        #[serde(rename = "type")]
        kind: UserDataKind,
    },
    Login {
        extension: String,
        #[serde(rename = "agentid")]
        agent_id: String,
        // Absent in the vendor sample's frames after a reload: read as empty.
        #[serde(default)]
        passwd: Password,
    },
    Logout {
        extension: String,
        #[serde(rename = "agentid")]
        agent_id: String,
    },
    SetState {
        extension: String,
        #[serde(rename = "agentid")]
        agent_id: String,
        #[serde(default)]
        passwd: Password,
        state: WorkMode,
        #[serde(rename = "reasoncode", default, skip_serializing_if = "Option::is_none")]
        reason_code: Option<ReasonCode>,
    },
    MakeCall {
        extension: String,
        destination: String,
    },
    Answer {
        extension: String,
    },
    Hold {
        extension: String,
    },
    Retrieve {
        extension: String,
    },
    Hangup {
        extension: String,
    },
    Reconnect {
        extension: String,
    },
    Consultation {
        extension: String,
        destination: String,
    },
    Transfer {
        extension: String,
        destination: String,
    },
    Conference {
        extension: String,
        destination: String,
    },
    DropParty {
        extension: String,
        party: String,
    },
    Dtmf {
        extension: String,
        digits: String,
    },
    /// A request name this crate does not know, with every other field.
    #[serde(skip)]
    Unknown {
        name: String,
        fields: Map<String, Value>,
    },
}

/// `type` of a `userdata` request. The vendor lists "alert" and "hangup".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserDataKind {
    Alert,
    Hangup,
}

/// The request names this crate knows, as they are spelled on the wire.
pub const KNOWN_REQUESTS: [&str; 20] = [
    "myextension",
    "startmonitor",
    "querydeviceinfo",
    "queryagentstate",
    "snapshot",
    "userdata",
    "login",
    "logout",
    "setstate",
    "makecall",
    "answer",
    "hold",
    "retrieve",
    "hangup",
    "reconnect",
    "consultation",
    "transfer",
    "conference",
    "dropparty",
    "dtmf",
];

impl Request {
    /// The wire name (`"makecall"`, ...).
    pub fn name(&self) -> &str {
        match self {
            Request::MyExtension => "myextension",
            Request::StartMonitor { .. } => "startmonitor",
            Request::QueryDeviceInfo { .. } => "querydeviceinfo",
            Request::QueryAgentState { .. } => "queryagentstate",
            Request::Snapshot { .. } => "snapshot",
            Request::UserData { .. } => "userdata",
            Request::Login { .. } => "login",
            Request::Logout { .. } => "logout",
            Request::SetState { .. } => "setstate",
            Request::MakeCall { .. } => "makecall",
            Request::Answer { .. } => "answer",
            Request::Hold { .. } => "hold",
            Request::Retrieve { .. } => "retrieve",
            Request::Hangup { .. } => "hangup",
            Request::Reconnect { .. } => "reconnect",
            Request::Consultation { .. } => "consultation",
            Request::Transfer { .. } => "transfer",
            Request::Conference { .. } => "conference",
            Request::DropParty { .. } => "dropparty",
            Request::Dtmf { .. } => "dtmf",
            Request::Unknown { name, .. } => name,
        }
    }

    /// The extension the request is about (`None` for `myextension`).
    pub fn extension(&self) -> Option<&str> {
        match self {
            Request::MyExtension => None,
            Request::StartMonitor { extension }
            | Request::QueryDeviceInfo { extension }
            | Request::QueryAgentState { extension }
            | Request::Snapshot { extension }
            | Request::UserData { extension, .. }
            | Request::Login { extension, .. }
            | Request::Logout { extension, .. }
            | Request::SetState { extension, .. }
            | Request::MakeCall { extension, .. }
            | Request::Answer { extension }
            | Request::Hold { extension }
            | Request::Retrieve { extension }
            | Request::Hangup { extension }
            | Request::Reconnect { extension }
            | Request::Consultation { extension, .. }
            | Request::Transfer { extension, .. }
            | Request::Conference { extension, .. }
            | Request::DropParty { extension, .. }
            | Request::Dtmf { extension, .. } => Some(extension),
            Request::Unknown { fields, .. } => fields.get("extension").and_then(Value::as_str),
        }
    }
}

impl RequestFrame {
    /// The JSON text of this frame.
    pub fn encode(&self) -> String {
        let mut object = match &self.request {
            Request::Unknown { name, fields } => {
                let mut object = fields.clone();
                object.insert("request".into(), Value::String(name.clone()));
                object
            }
            // A derived Serialize of these plain enums cannot fail.
            known => match serde_json::to_value(known) {
                Ok(Value::Object(object)) => object,
                _ => Map::new(),
            },
        };
        object.insert("id".into(), Value::from(self.id));
        Value::Object(object).to_string()
    }

    /// The id of a request frame read the lenient way [`decode`](Self::decode)
    /// reads it (a non-negative integer, or one in a string), from text that
    /// may not decode as a whole: so that an error response to a malformed
    /// frame still carries the id the client is waiting on. `None` when the
    /// text is not a JSON object or has no such id.
    ///
    /// ```
    /// use ctisvr_core::wire::RequestFrame;
    /// assert_eq!(RequestFrame::peek_id(r#"{"id": "9", "request": "makecall"}"#), Some(9));
    /// assert_eq!(RequestFrame::peek_id("not json"), None);
    /// ```
    pub fn peek_id(text: &str) -> Option<RequestId> {
        let value: Value = serde_json::from_str(text).ok()?;
        value.as_object()?.get("id").and_then(as_u64)
    }

    /// Reads a request frame. Unknown request names decode to
    /// [`Request::Unknown`]; a known name with missing or ill-typed fields is
    /// an error that says which request it was.
    pub fn decode(text: &str) -> Result<RequestFrame, DecodeError> {
        let value: Value = serde_json::from_str(text).map_err(|e| DecodeError::NotJson(e.to_string()))?;
        let Value::Object(mut object) = value else {
            return Err(DecodeError::NotAnObject);
        };
        let id = take_id(&mut object).ok_or(DecodeError::MissingId)?;
        let name = match object.get("request") {
            Some(Value::String(name)) => name.clone(),
            _ => return Err(DecodeError::MissingField("request")),
        };
        let known = KNOWN_REQUESTS.contains(&name.as_str());
        let request = if known {
            serde_json::from_value(Value::Object(object))
                .map_err(|e| DecodeError::BadFields { name: name.clone(), reason: e.to_string() })?
        } else {
            object.remove("request");
            Request::Unknown { name, fields: object }
        };
        Ok(RequestFrame { id, request })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn as_json(frame: &RequestFrame) -> Value {
        serde_json::from_str(&frame.encode()).unwrap()
    }

    #[test]
    fn myextension_carries_no_extension() {
        let frame = RequestFrame { id: 0, request: Request::MyExtension };
        assert_eq!(as_json(&frame), json!({"id": 0, "request": "myextension"}));
    }

    #[test]
    fn setstate_aux_sends_the_vendor_fields() {
        let frame = RequestFrame {
            id: 11,
            request: Request::SetState {
                extension: "2001".into(),
                agent_id: "1001".into(),
                passwd: Password::new("1234"),
                state: WorkMode::Aux,
                reason_code: ReasonCode::new(3),
            },
        };
        assert_eq!(
            as_json(&frame),
            json!({"id": 11, "request": "setstate", "extension": "2001", "agentid": "1001",
                   "passwd": "1234", "state": "aux", "reasoncode": "3"})
        );
    }

    #[test]
    fn setstate_auto_has_no_reason_code() {
        let frame = RequestFrame {
            id: 8,
            request: Request::SetState {
                extension: "2001".into(),
                agent_id: "1001".into(),
                passwd: Password::new("1234"),
                state: WorkMode::Auto,
                reason_code: None,
            },
        };
        assert!(as_json(&frame).get("reasoncode").is_none());
    }

    #[test]
    fn userdata_alert_and_dropparty_use_the_wire_field_names() {
        let userdata =
            RequestFrame { id: 7, request: Request::UserData { extension: "2001".into(), kind: UserDataKind::Alert } };
        assert_eq!(as_json(&userdata), json!({"id": 7, "request": "userdata", "extension": "2001", "type": "alert"}));
        let drop =
            RequestFrame { id: 18, request: Request::DropParty { extension: "2001".into(), party: "2002".into() } };
        assert_eq!(as_json(&drop), json!({"id": 18, "request": "dropparty", "extension": "2001", "party": "2002"}));
    }

    #[test]
    fn unknown_requests_keep_their_fields() {
        let frame =
            RequestFrame::decode(r#"{"id": 4, "request": "pickupcall", "extension": "2001", "x": [1]}"#).unwrap();
        assert_eq!(frame.request.name(), "pickupcall");
        assert_eq!(frame.request.extension(), Some("2001"));
        let again = RequestFrame::decode(&frame.encode()).unwrap();
        assert_eq!(again, frame);
    }

    #[test]
    fn known_request_with_missing_fields_is_a_clear_error() {
        let err = RequestFrame::decode(r#"{"id": 1, "request": "makecall", "extension": "2001"}"#).unwrap_err();
        assert!(matches!(err, DecodeError::BadFields { ref name, .. } if name == "makecall"), "{err}");
        assert!(err.to_string().contains("destination"), "{err}");
    }

    #[test]
    fn an_id_can_be_peeked_from_a_frame_that_does_not_decode() {
        let missing_destination = r#"{"id": 12, "request": "makecall", "extension": "2001"}"#;
        assert!(RequestFrame::decode(missing_destination).is_err());
        assert_eq!(RequestFrame::peek_id(missing_destination), Some(12));
        assert_eq!(RequestFrame::peek_id(r#"{"id": " 3 ", "request": 5}"#), Some(3));
        assert_eq!(RequestFrame::peek_id(r#"{"id": 0}"#), Some(0));
    }

    #[test]
    fn no_id_is_peeked_where_decode_would_find_none() {
        for text in [
            "",
            "not json",
            "[1]",
            "7",
            r#"{"request": "myextension"}"#,
            r#"{"id": -1}"#,
            r#"{"id": 1.5}"#,
            r#"{"id": "x"}"#,
            r#"{"id": null}"#,
            r#"[{"id": 1}]"#,
            r#"{"id": 1"#,
        ] {
            assert_eq!(RequestFrame::peek_id(text), None, "{text}");
        }
    }

    #[test]
    fn ids_must_be_numbers() {
        assert_eq!(RequestFrame::decode(r#"{"request": "myextension"}"#), Err(DecodeError::MissingId));
        assert!(RequestFrame::decode(r#"{"id": "1", "request": "myextension"}"#).is_ok());
    }
}
