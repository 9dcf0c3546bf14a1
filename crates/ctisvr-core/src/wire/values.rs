//! Small wire values: work modes, skill modes, talk states, reason codes and
//! the password wrapper. Unknown values the server sends are kept as
//! `Unknown(String)` so that nothing the real server says is lost.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The work mode an agent asks for with `setstate` (`state` field).
///
/// Avaya names: AUTO_IN, MANUAL_IN, AFTCAL_WK, AUX_WORK.
///
/// ```
/// use ctisvr_core::wire::WorkMode;
/// assert_eq!(WorkMode::Acw.as_wire(), "acw");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkMode {
    Auto,
    Manual,
    Acw,
    Aux,
}

impl WorkMode {
    /// All modes, in the order the softphone shows their buttons.
    pub const ALL: [WorkMode; 4] = [WorkMode::Auto, WorkMode::Manual, WorkMode::Acw, WorkMode::Aux];

    /// The wire spelling (`auto`, `manual`, `acw`, `aux`).
    pub fn as_wire(self) -> &'static str {
        match self {
            WorkMode::Auto => "auto",
            WorkMode::Manual => "manual",
            WorkMode::Acw => "acw",
            WorkMode::Aux => "aux",
        }
    }

    /// The label an agent sees on the button.
    pub fn label(self) -> &'static str {
        match self {
            WorkMode::Auto => "Auto",
            WorkMode::Manual => "Manual",
            WorkMode::Acw => "ACW",
            WorkMode::Aux => "AUX",
        }
    }

    /// Parses the wire spelling; anything else is `None`.
    pub fn from_wire(text: &str) -> Option<WorkMode> {
        WorkMode::ALL.into_iter().find(|mode| mode.as_wire() == text)
    }
}

/// `skillmode` in a `queryagentstate` response.
///
/// The server says `"null"` (a string) when no agent is logged in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SkillMode {
    NotLoggedIn,
    Mode(WorkMode),
    Unknown(String),
}

impl SkillMode {
    /// The wire spelling: `"null"`, a work mode, or the unknown text as received.
    pub fn as_wire(&self) -> &str {
        match self {
            SkillMode::NotLoggedIn => "null",
            SkillMode::Mode(mode) => mode.as_wire(),
            SkillMode::Unknown(text) => text,
        }
    }

    /// Parses the wire spelling; never fails.
    pub fn from_wire(text: &str) -> SkillMode {
        match text {
            "null" | "" => SkillMode::NotLoggedIn,
            other => match WorkMode::from_wire(other) {
                Some(mode) => SkillMode::Mode(mode),
                None => SkillMode::Unknown(other.to_owned()),
            },
        }
    }
}

/// `talkstate` in a `queryagentstate` response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TalkState {
    Idle,
    Call,
    Unknown(String),
}

impl TalkState {
    pub fn as_wire(&self) -> &str {
        match self {
            TalkState::Idle => "idle",
            TalkState::Call => "call",
            TalkState::Unknown(text) => text,
        }
    }

    pub fn from_wire(text: &str) -> TalkState {
        match text {
            "idle" => TalkState::Idle,
            "call" => TalkState::Call,
            other => TalkState::Unknown(other.to_owned()),
        }
    }
}

/// An AUX reason code. Avaya allows 0..=99 (0 means "no reason given"); the
/// vendor's sample offers 0..=9. Sent as a string, as the sample does;
/// accepted as a string or a number.
///
/// ```
/// use ctisvr_core::wire::ReasonCode;
/// assert_eq!(ReasonCode::new(3).map(|c| c.value()), Some(3));
/// assert!(ReasonCode::new(100).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReasonCode(u8);

impl ReasonCode {
    pub const MAX: u8 = 99;

    pub fn new(value: u8) -> Option<ReasonCode> {
        (value <= Self::MAX).then_some(ReasonCode(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// Reads `3` or `"3"`; anything else is `None`.
    pub fn from_json(value: &serde_json::Value) -> Option<ReasonCode> {
        match value {
            serde_json::Value::Number(n) => n.as_u64().and_then(|v| u8::try_from(v).ok()).and_then(ReasonCode::new),
            serde_json::Value::String(s) => s.trim().parse::<u8>().ok().and_then(ReasonCode::new),
            _ => None,
        }
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for ReasonCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for ReasonCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        ReasonCode::from_json(&value).ok_or_else(|| serde::de::Error::custom("reasoncode must be 0..=99"))
    }
}

/// The agent's password. It goes on the wire (login, setstate) and nowhere
/// else: `Debug` hides it and it has no `Display`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub fn new(text: impl Into<String>) -> Password {
        Password(text.into())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text, for the one place that needs it: the request being encoded.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn skill_mode_reads_the_string_null_as_not_logged_in() {
        assert_eq!(SkillMode::from_wire("null"), SkillMode::NotLoggedIn);
        assert_eq!(SkillMode::from_wire("aux"), SkillMode::Mode(WorkMode::Aux));
        assert_eq!(SkillMode::from_wire("breakfast"), SkillMode::Unknown("breakfast".into()));
    }

    #[test]
    fn reason_code_accepts_strings_and_numbers() {
        assert_eq!(ReasonCode::from_json(&json!(7)), ReasonCode::new(7));
        assert_eq!(ReasonCode::from_json(&json!("7")), ReasonCode::new(7));
        assert_eq!(ReasonCode::from_json(&json!("x")), None);
        assert_eq!(ReasonCode::from_json(&json!(-1)), None);
        assert_eq!(ReasonCode::from_json(&json!(300)), None);
    }

    #[test]
    fn password_never_shows_in_debug_output() {
        let text = format!("{:?}", Password::new("s3cret"));
        assert!(!text.contains("s3cret"), "{text}");
    }
}
