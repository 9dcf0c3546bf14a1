//! Telling server frames apart by `msgtype`.

use super::event::Event;
use super::lenient::DecodeError;
use super::response::Response;
use serde_json::{Map, Value};

/// The longest text frame the softphone reads: 1 MiB, in UTF-8 bytes (the
/// edge checks the browser's length first, without copying). Protocol frames
/// are a few hundred bytes; a larger one is refused and shown, not parsed.
pub const MAX_FRAME_BYTES: usize = 1 << 20;

/// One frame from the server.
///
/// ```
/// use ctisvr_core::wire::ServerFrame;
/// let frame = ServerFrame::decode(r#"{"msgtype":"response","id":0,"result":"success","extension":"2001"}"#).unwrap();
/// assert!(matches!(frame, ServerFrame::Response(r) if r.extension.as_deref() == Some("2001")));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ServerFrame {
    Response(Response),
    Event(Event),
    /// A JSON object with a `msgtype` we do not know (or none): kept whole.
    Unknown(Map<String, Value>),
}

impl ServerFrame {
    /// Decodes one text frame. Only text that is not a JSON object is an error.
    pub fn decode(text: &str) -> Result<ServerFrame, DecodeError> {
        let value: Value = serde_json::from_str(text).map_err(|e| DecodeError::NotJson(e.to_string()))?;
        let Value::Object(object) = value else {
            return Err(DecodeError::NotAnObject);
        };
        Ok(match object.get("msgtype").and_then(Value::as_str) {
            Some("response") => ServerFrame::Response(Response::from_object(object)),
            Some("event") => ServerFrame::Event(Event::from_object(object)),
            _ => ServerFrame::Unknown(object),
        })
    }

    pub fn encode(&self) -> String {
        match self {
            ServerFrame::Response(response) => response.encode(),
            ServerFrame::Event(event) => event.encode(),
            ServerFrame::Unknown(object) => Value::Object(object.clone()).to_string(),
        }
    }
}
