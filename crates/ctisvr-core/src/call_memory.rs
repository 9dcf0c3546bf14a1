//! What a tab remembers about its live calls so that a reload in the middle
//! of a call picks the call up where it was: CtiSVR's `userdata` after a
//! reload gives only the call's numbers, not when it started, which way it
//! went, which CRM record it belongs to or whether it was popped.
//!
//! It also keeps the workstation's extension once the server confirmed it,
//! so a reloaded page sends its whole start-up at once (see
//! `session/startup.rs`).
//!
//! Nothing in it is secret (an extension, numbers, times, Salesforce record
//! ids, a flag), and the agent's password is never in it. The element keeps it in
//! `sessionStorage` (one tab, gone with the tab) under
//! `ctisvr-softphone:calls:<wsURIA>`, and the agent's other tabs share it on
//! the tabs' channel for pages where the browser gives no storage (a
//! cross-site frame with third-party storage blocked). It expires with the
//! call: a call that ended, or that the server no longer has after a reload,
//! is forgotten.
//!
//! Times are the caller's clock ([`Millis`]); the element's clock is
//! `performance.timeOrigin + performance.now()`, milliseconds since the Unix
//! epoch, so they mean the same in the page after a reload.
//!
//! The text form is a small JSON object, read leniently: a memo that cannot
//! be read is dropped, never an error.
//!
//! ```
//! use ctisvr_core::call_memory::{CallMemo, CallMemory};
//! use ctisvr_core::{Direction, Millis};
//! let memo = CallMemo {
//!     name: "2001>90114155550100#1".into(),
//!     extension: "2001".into(),
//!     calling: "2001".into(),
//!     called: "90114155550100".into(),
//!     direction: Direction::Outbound,
//!     dialled: "90114155550100".into(),
//!     started_at: Millis(1_764_000_000_000),
//!     connected_at: Some(Millis(1_764_000_002_000)),
//!     record: None,
//!     popped: None,
//!     extension_digits: None,
//! };
//! let memory = CallMemory { extension: Some("2001".into()), calls: vec![memo] };
//! assert_eq!(CallMemory::decode(&memory.encode()), memory);
//! ```

use crate::calls::{Call, CallExtension, Direction, Remembered};
use crate::crm::Record;
use crate::numbers::same_number;
use crate::time::Millis;
use serde_json::{json, Map, Value};

/// What survives a reload about one live call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallMemo {
    /// The call's name among the agent's tabs (`4155550100>2001#2`).
    pub name: String,
    /// The agent's extension it was at.
    pub extension: String,
    /// `calling` and `called` as the server names the call (how a reloaded
    /// tab finds it again in `userdata`).
    pub calling: String,
    pub called: String,
    pub direction: Direction,
    /// The number that was dialled (DNIS inbound, the destination outbound).
    pub dialled: String,
    /// When the call appeared (ringing or dialling), caller's clock.
    pub started_at: Millis,
    /// When it was first connected.
    pub connected_at: Option<Millis>,
    /// The CRM record it was dialled from or the screen pop found (its id
    /// and type: the name is not kept).
    pub record: Option<Record>,
    /// The caller it was popped with (`None`: not popped).
    pub popped: Option<String>,
    /// The extension dialled with it (`415-555-0100 x123`), and whether it was sent.
    pub extension_digits: Option<CallExtension>,
}

/// An order for the edge's storage of the calls' memory, drained with
/// [`Session::poll_storage`](crate::Session::poll_storage): only the newest
/// counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageOrder {
    /// Keep this text (a [`CallMemory`] encoded) for a reload of the page;
    /// give it back with [`Session::resume_calls`](crate::Session::resume_calls).
    Write(String),
    /// No call is up: remove what was kept.
    Remove,
}

/// The memos of every live call of one tab, or what the tab read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallMemory {
    /// The workstation's extension as the server last confirmed it: a
    /// reloaded page sends its whole start-up with it at once, and starts
    /// over when `myextension` names another (free seating).
    pub extension: Option<String>,
    pub calls: Vec<CallMemo>,
}

impl CallMemo {
    /// Whether the call between `calling` and `called` at `extension` is
    /// the call this memo is about: same extension, and the same numbers as
    /// [`same_number`] reads them (a switch may write `14155550100` for the
    /// `94155550100` dialled).
    pub fn is_about(&self, extension: &str, calling: &str, called: &str) -> bool {
        self.extension == extension && same_number(&self.calling, calling) && same_number(&self.called, called)
    }

    /// The memo of `call`.
    pub fn of(call: &Call, name: &str, extension: &str, record: Option<&Record>, popped: Option<&String>) -> CallMemo {
        CallMemo {
            name: name.to_owned(),
            extension: extension.to_owned(),
            calling: call.calling.clone(),
            called: call.called.clone(),
            direction: call.direction,
            dialled: call.dialled.clone(),
            started_at: call.started_at,
            connected_at: call.connected_at,
            record: record.map(|r| Record { name: None, ..r.clone() }),
            popped: popped.cloned(),
            extension_digits: call.extension.clone(),
        }
    }

    /// What the calls take from the memo when `userdata` names its call again.
    pub fn remembered(&self) -> Remembered {
        Remembered {
            direction: self.direction,
            dialled: self.dialled.clone(),
            started_at: self.started_at,
            connected_at: self.connected_at,
            extension: self.extension_digits.clone(),
        }
    }

    /// The JSON object of one memo.
    pub fn to_value(&self) -> Value {
        let mut object = Map::new();
        object.insert("name".into(), json!(self.name));
        object.insert("ext".into(), json!(self.extension));
        object.insert("calling".into(), json!(self.calling));
        object.insert("called".into(), json!(self.called));
        let direction = match self.direction {
            Direction::Inbound => "in",
            Direction::Outbound => "out",
        };
        object.insert("dir".into(), json!(direction));
        object.insert("dialled".into(), json!(self.dialled));
        object.insert("started".into(), json!(self.started_at.0));
        if let Some(at) = self.connected_at {
            object.insert("connected".into(), json!(at.0));
        }
        if let Some(record) = &self.record {
            // The id and type link the log; the record's name is not kept.
            object.insert("record".into(), json!({"id": record.id, "type": record.object_type}));
        }
        if let Some(caller) = &self.popped {
            object.insert("popped".into(), json!(caller));
        }
        if let Some(extension) = &self.extension_digits {
            object.insert("x".into(), json!({"digits": extension.digits, "sent": extension.sent}));
        }
        Value::Object(object)
    }

    /// One memo from its JSON object; `None` when a required field is missing.
    pub fn from_value(value: &Value) -> Option<CallMemo> {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        let direction = match value.get("dir")?.as_str()? {
            "in" => Direction::Inbound,
            "out" => Direction::Outbound,
            _ => return None,
        };
        let record = value.get("record").and_then(|r| {
            let field = |key: &str| r.get(key).and_then(Value::as_str).map(str::to_owned);
            Some(Record { id: field("id")?, object_type: field("type"), name: None })
        });
        Some(CallMemo {
            name: text("name")?,
            extension: text("ext")?,
            calling: text("calling")?,
            called: text("called")?,
            direction,
            dialled: text("dialled").unwrap_or_default(),
            started_at: Millis(value.get("started")?.as_u64()?),
            connected_at: value.get("connected").and_then(Value::as_u64).map(Millis),
            record,
            popped: text("popped"),
            extension_digits: value.get("x").and_then(|x| {
                let digits = x.get("digits")?.as_str()?.to_owned();
                Some(CallExtension { digits, sent: x.get("sent").and_then(Value::as_bool).unwrap_or(false) })
            }),
        })
    }
}

impl CallMemory {
    /// The text the element stores: `{"v":1,"ext":"2001","calls":[...]}`.
    pub fn encode(&self) -> String {
        let calls: Vec<Value> = self.calls.iter().map(CallMemo::to_value).collect();
        match &self.extension {
            Some(extension) => json!({"v": 1, "ext": extension, "calls": calls}).to_string(),
            None => json!({"v": 1, "calls": calls}).to_string(),
        }
    }

    /// Nothing to keep: no extension known and no call up.
    pub fn is_empty(&self) -> bool {
        self.extension.is_none() && self.calls.is_empty()
    }

    /// What the element read back; anything unreadable is left out.
    pub fn decode(text: &str) -> CallMemory {
        let Ok(value) = serde_json::from_str::<Value>(text) else { return CallMemory::default() };
        let calls = value
            .get("calls")
            .and_then(Value::as_array)
            .map(|calls| calls.iter().filter_map(CallMemo::from_value).collect())
            .unwrap_or_default();
        let extension = value.get("ext").and_then(Value::as_str).filter(|e| !e.trim().is_empty()).map(str::to_owned);
        CallMemory { extension, calls }
    }

    /// The memo of the call at `extension` named by these numbers.
    pub fn find(&self, extension: &str, calling: &str, called: &str) -> Option<&CallMemo> {
        self.calls.iter().find(|m| m.is_about(extension, calling, called))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memo() -> CallMemo {
        CallMemo {
            name: "4155550100>2001#2".into(),
            extension: "2001".into(),
            calling: "4155550100".into(),
            called: "2001".into(),
            direction: Direction::Inbound,
            dialled: "2001".into(),
            started_at: Millis(1_764_000_000_000),
            connected_at: Some(Millis(1_764_000_004_000)),
            record: Some(Record { id: "003A".into(), object_type: Some("Contact".into()), name: None }),
            popped: Some("4155550100".into()),
            extension_digits: None,
        }
    }

    #[test]
    fn memos_survive_their_text_form() {
        let other = CallMemo {
            connected_at: None,
            record: None,
            popped: None,
            extension_digits: Some(CallExtension { digits: "123".into(), sent: true }),
            ..memo()
        };
        let memory = CallMemory { extension: Some("2001".into()), calls: vec![memo(), other] };
        assert_eq!(CallMemory::decode(&memory.encode()), memory);
    }

    #[test]
    fn unreadable_text_and_memos_are_dropped_not_errors() {
        for text in ["", "{", "null", "[]", "{\"calls\": 3}", "{\"calls\": [1, {\"name\": \"x\"}]}"] {
            assert_eq!(CallMemory::decode(text), CallMemory::default(), "{text}");
        }
        let mut value: Value =
            serde_json::from_str(&CallMemory { extension: None, calls: vec![memo()] }.encode()).unwrap();
        value["calls"].as_array_mut().unwrap().push(json!({"name": "half", "dir": "sideways"}));
        assert_eq!(CallMemory::decode(&value.to_string()).calls, vec![memo()]);
    }

    #[test]
    fn a_memo_is_found_by_extension_and_numbers() {
        let memory = CallMemory { extension: None, calls: vec![memo()] };
        assert!(memory.find("2001", "4155550100", "2001").is_some());
        assert!(memory.find("2002", "4155550100", "2001").is_none(), "another extension's call");
        assert!(memory.find("2001", "4155550199", "2001").is_none());
        assert!(memory.find("2001", "14155550100", "2001").is_some(), "the same number, written with a prefix");
    }
}
