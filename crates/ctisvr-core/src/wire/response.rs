//! Server -> client responses: `{"msgtype": "response", "id": n, "result": ...}`.

use super::lenient::{put, take_id, take_text, take_u32, take_with};
use super::request::RequestId;
use super::values::{ReasonCode, SkillMode, TalkState};
use serde_json::{Map, Value};

/// `result` of a response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Outcome {
    #[default]
    Success,
    Error,
    Unknown(String),
}

impl Outcome {
    pub fn as_wire(&self) -> &str {
        match self {
            Outcome::Success => "success",
            Outcome::Error => "error",
            Outcome::Unknown(text) => text,
        }
    }

    pub fn from_wire(text: &str) -> Outcome {
        match text {
            "success" => Outcome::Success,
            "error" => Outcome::Error,
            other => Outcome::Unknown(other.to_owned()),
        }
    }
}

/// A response with every field the protocol page names; the fields a request
/// does not use are `None`. Anything else the server sent is kept in `extra`.
///
/// ```
/// use ctisvr_core::wire::{Outcome, Response};
/// let ok = Response::success(3).with_extension("2001");
/// assert_eq!(ok.result, Outcome::Success);
/// let err = Response::error(4, "wrong password");
/// assert_eq!(err.error.as_deref(), Some("wrong password"));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Response {
    /// The request's id; `None` when the server sent none we can read.
    pub id: Option<RequestId>,
    pub result: Outcome,
    pub error: Option<String>,
    /// `myextension`
    pub extension: Option<String>,
    /// `querydeviceinfo`: the agent logged in at the extension, empty when none.
    pub associated_device: Option<String>,
    /// `queryagentstate`
    pub skill_mode: Option<SkillMode>,
    pub reason_code: Option<ReasonCode>,
    pub talk_state: Option<TalkState>,
    /// `snapshot`
    pub num_call: Option<u32>,
    /// `userdata`: `cli` is preferred over `calling`.
    pub cli: Option<String>,
    pub calling: Option<String>,
    pub called: Option<String>,
    /// Fields this crate does not know, or known ones it could not read.
    pub extra: Map<String, Value>,
}

impl Response {
    /// A bare success response to request `id`.
    pub fn success(id: RequestId) -> Response {
        Response { id: Some(id), result: Outcome::Success, ..Response::default() }
    }

    /// An error response to request `id` with the server's text.
    pub fn error(id: RequestId, text: impl Into<String>) -> Response {
        Response { id: Some(id), result: Outcome::Error, error: Some(text.into()), ..Response::default() }
    }

    pub fn with_extension(mut self, extension: impl Into<String>) -> Response {
        self.extension = Some(extension.into());
        self
    }

    pub fn is_success(&self) -> bool {
        self.result == Outcome::Success
    }

    /// The caller of `userdata`: `cli` when present, else `calling`.
    pub fn caller(&self) -> Option<&str> {
        self.cli.as_deref().filter(|s| !s.is_empty()).or(self.calling.as_deref())
    }

    /// Reads the fields of a frame already known to be a response.
    pub(crate) fn from_object(mut object: Map<String, Value>) -> Response {
        object.remove("msgtype");
        Response {
            id: take_id(&mut object),
            result: take_text(&mut object, "result")
                .map(|t| Outcome::from_wire(&t))
                .unwrap_or(Outcome::Unknown(String::new())),
            error: take_text(&mut object, "error"),
            extension: take_text(&mut object, "extension"),
            associated_device: take_text(&mut object, "associateddevice"),
            skill_mode: take_with(&mut object, "skillmode", |v| match v {
                Value::Null => Some(SkillMode::NotLoggedIn),
                Value::String(text) => Some(SkillMode::from_wire(text)),
                _ => None,
            }),
            reason_code: take_with(&mut object, "reasoncode", ReasonCode::from_json),
            talk_state: take_with(&mut object, "talkstate", |v| v.as_str().map(TalkState::from_wire)),
            num_call: take_u32(&mut object, "numcall"),
            cli: take_text(&mut object, "cli"),
            calling: take_text(&mut object, "calling"),
            called: take_text(&mut object, "called"),
            extra: object,
        }
    }

    /// The frame as JSON (`msgtype` included).
    pub fn to_json(&self) -> Value {
        let mut object = self.extra.clone();
        let text = |s: &Option<String>| s.clone().map(Value::String);
        object.insert("msgtype".into(), Value::from("response"));
        put(&mut object, "id", self.id.map(Value::from));
        if !matches!(&self.result, Outcome::Unknown(t) if t.is_empty()) {
            object.insert("result".into(), Value::from(self.result.as_wire()));
        }
        put(&mut object, "error", text(&self.error));
        put(&mut object, "extension", text(&self.extension));
        put(&mut object, "associateddevice", text(&self.associated_device));
        put(&mut object, "skillmode", self.skill_mode.as_ref().map(|m| Value::from(m.as_wire())));
        put(&mut object, "reasoncode", self.reason_code.map(|c| Value::from(c.value())));
        put(&mut object, "talkstate", self.talk_state.as_ref().map(|t| Value::from(t.as_wire())));
        put(&mut object, "numcall", self.num_call.map(Value::from));
        put(&mut object, "cli", text(&self.cli));
        put(&mut object, "calling", text(&self.calling));
        put(&mut object, "called", text(&self.called));
        Value::Object(object)
    }

    pub fn encode(&self) -> String {
        self.to_json().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{ServerFrame, WorkMode};

    fn response(text: &str) -> Response {
        match ServerFrame::decode(text) {
            Ok(ServerFrame::Response(response)) => response,
            other => panic!("not a response: {other:?}"),
        }
    }

    #[test]
    fn queryagentstate_reads_reason_code_as_string_or_number() {
        let a = response(
            r#"{"msgtype":"response","id":5,"result":"success","skillmode":"aux","reasoncode":"4","talkstate":"idle"}"#,
        );
        let b = response(
            r#"{"msgtype":"response","id":5,"result":"success","skillmode":"aux","reasoncode":4,"talkstate":"idle"}"#,
        );
        assert_eq!(a, b);
        assert_eq!(a.skill_mode, Some(SkillMode::Mode(WorkMode::Aux)));
        assert_eq!(a.reason_code, ReasonCode::new(4));
        assert_eq!(a.talk_state, Some(TalkState::Idle));
    }

    #[test]
    fn unknown_fields_are_kept() {
        let r = response(r#"{"msgtype":"response","id":1,"result":"success","ucid":"00001","numcall":"x"}"#);
        assert_eq!(r.extra.get("ucid"), Some(&Value::from("00001")));
        assert_eq!(r.extra.get("numcall"), Some(&Value::from("x")), "an unreadable known field is kept, not dropped");
        assert_eq!(r.num_call, None);
    }

    #[test]
    fn userdata_prefers_cli_over_calling() {
        let r = response(
            r#"{"msgtype":"response","id":7,"result":"success","cli":"5551234","calling":"2002","called":"7000"}"#,
        );
        assert_eq!(r.caller(), Some("5551234"));
        let r = response(r#"{"msgtype":"response","id":7,"result":"success","calling":"2002","called":"7000"}"#);
        assert_eq!(r.caller(), Some("2002"));
    }
}
