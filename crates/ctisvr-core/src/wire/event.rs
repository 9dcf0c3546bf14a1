//! Server -> client events: `{"msgtype": "event", "eventtype": "<name>", ...}`,
//! sent unsolicited for a monitored extension.

use super::lenient::{put, take_text};
use serde_json::{Map, Value};

/// `eventtype`. Unknown types are passed through: the real server has more
/// events than the vendor's sample handles.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventKind {
    Offer,
    Alert,
    Connect,
    Hold,
    Retrieve,
    Transfer,
    Conference,
    Disconnect,
    Fail,
    Idle,
    Unknown(String),
}

impl EventKind {
    pub const KNOWN: [EventKind; 10] = [
        EventKind::Offer,
        EventKind::Alert,
        EventKind::Connect,
        EventKind::Hold,
        EventKind::Retrieve,
        EventKind::Transfer,
        EventKind::Conference,
        EventKind::Disconnect,
        EventKind::Fail,
        EventKind::Idle,
    ];

    pub fn as_wire(&self) -> &str {
        match self {
            EventKind::Offer => "offer",
            EventKind::Alert => "alert",
            EventKind::Connect => "connect",
            EventKind::Hold => "hold",
            EventKind::Retrieve => "retrieve",
            EventKind::Transfer => "transfer",
            EventKind::Conference => "conference",
            EventKind::Disconnect => "disconnect",
            EventKind::Fail => "fail",
            EventKind::Idle => "idle",
            EventKind::Unknown(text) => text,
        }
    }

    pub fn from_wire(text: &str) -> EventKind {
        EventKind::KNOWN
            .into_iter()
            .find(|kind| kind.as_wire() == text)
            .unwrap_or_else(|| EventKind::Unknown(text.to_owned()))
    }
}

/// The number an agent sees as the caller of a call: its original caller
/// (`origcalling`, set on a transferred call) when there is one and it is
/// not empty, else `calling`. The softphone shows it; the mock answers it as
/// `cli` to `userdata`.
///
/// ```
/// use ctisvr_core::wire::shown_caller;
/// assert_eq!(shown_caller(Some("5551234"), Some("2002")), Some("5551234"));
/// assert_eq!(shown_caller(Some(""), Some("2002")), Some("2002"));
/// ```
pub fn shown_caller<'a>(orig_calling: Option<&'a str>, calling: Option<&'a str>) -> Option<&'a str> {
    orig_calling.filter(|number| !number.is_empty()).or(calling)
}

/// An event with the fields the protocol page names; the rest kept in `extra`.
///
/// ```
/// use ctisvr_core::wire::{Event, EventKind};
/// let offer = Event::new(EventKind::Offer).calling("5551234").called("7000");
/// assert_eq!(offer.caller(), Some("5551234"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: EventKind,
    pub calling: Option<String>,
    pub called: Option<String>,
    /// The original caller of a transferred call; preferred over `calling`.
    pub orig_calling: Option<String>,
    pub extra: Map<String, Value>,
}

impl Event {
    pub fn new(kind: EventKind) -> Event {
        Event { kind, calling: None, called: None, orig_calling: None, extra: Map::new() }
    }

    pub fn calling(mut self, number: impl Into<String>) -> Event {
        self.calling = Some(number.into());
        self
    }

    pub fn called(mut self, number: impl Into<String>) -> Event {
        self.called = Some(number.into());
        self
    }

    pub fn orig_calling(mut self, number: impl Into<String>) -> Event {
        self.orig_calling = Some(number.into());
        self
    }

    /// The number the agent sees as the caller: see [`shown_caller`].
    pub fn caller(&self) -> Option<&str> {
        shown_caller(self.orig_calling.as_deref(), self.calling.as_deref())
    }

    pub(crate) fn from_object(mut object: Map<String, Value>) -> Event {
        object.remove("msgtype");
        Event {
            kind: EventKind::from_wire(&take_text(&mut object, "eventtype").unwrap_or_default()),
            calling: take_text(&mut object, "calling"),
            called: take_text(&mut object, "called"),
            orig_calling: take_text(&mut object, "origcalling"),
            extra: object,
        }
    }

    pub fn to_json(&self) -> Value {
        let mut object = self.extra.clone();
        object.insert("msgtype".into(), Value::from("event"));
        object.insert("eventtype".into(), Value::from(self.kind.as_wire()));
        put(&mut object, "calling", self.calling.clone().map(Value::String));
        put(&mut object, "called", self.called.clone().map(Value::String));
        put(&mut object, "origcalling", self.orig_calling.clone().map(Value::String));
        Value::Object(object)
    }

    pub fn encode(&self) -> String {
        self.to_json().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ServerFrame;

    #[test]
    fn unknown_event_types_pass_through_with_their_fields() {
        let frame = ServerFrame::decode(r#"{"msgtype":"event","eventtype":"divert","to":"3000"}"#).unwrap();
        let ServerFrame::Event(event) = frame else { panic!("not an event") };
        assert_eq!(event.kind, EventKind::Unknown("divert".into()));
        assert_eq!(event.extra.get("to"), Some(&Value::from("3000")));
    }

    #[test]
    fn the_caller_shown_is_the_original_one_when_there_is_one() {
        assert_eq!(shown_caller(Some("5551234"), Some("2002")), Some("5551234"));
        assert_eq!(shown_caller(Some("5551234"), None), Some("5551234"));
        assert_eq!(shown_caller(None, Some("2002")), Some("2002"));
        assert_eq!(shown_caller(Some(""), Some("2002")), Some("2002"), "an empty origcalling is none");
        assert_eq!(shown_caller(Some(""), None), None);
        assert_eq!(shown_caller(None, Some("")), Some(""), "calling is kept as it came");
        assert_eq!(shown_caller(None, None), None);
    }

    #[test]
    fn a_transferred_offer_shows_the_original_caller() {
        let frame = ServerFrame::decode(
            r#"{"msgtype":"event","eventtype":"offer","calling":"2002","called":"2001","origcalling":"5551234"}"#,
        )
        .unwrap();
        let ServerFrame::Event(event) = frame else { panic!("not an event") };
        assert_eq!(event.caller(), Some("5551234"));
    }
}
