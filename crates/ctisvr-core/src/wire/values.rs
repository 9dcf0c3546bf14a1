//! Small wire values: work modes, skill modes, talk states, reason codes,
//! DTMF digits and the password wrapper. Unknown values the server sends are kept as
//! `Unknown(String)` so that nothing the real server says is lost.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

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

    /// Whether a reason code may go with `mode`: AUX only (Avaya's reason
    /// codes are AUX reasons). The mock refuses a `setstate` that breaks this.
    pub fn allowed_with(mode: WorkMode) -> bool {
        mode == WorkMode::Aux
    }

    /// The reason code that goes with `mode`: for AUX the one given, or 0
    /// ("no reason given") when none is; for every other mode none, whatever
    /// was given. Used for the `setstate` the softphone sends and for the
    /// reason the mock reports for an agent.
    ///
    /// ```
    /// use ctisvr_core::wire::{ReasonCode, WorkMode};
    /// assert_eq!(ReasonCode::for_mode(WorkMode::Aux, None), ReasonCode::new(0));
    /// assert_eq!(ReasonCode::for_mode(WorkMode::Auto, ReasonCode::new(3)), None);
    /// ```
    pub fn for_mode(mode: WorkMode, reason: Option<ReasonCode>) -> Option<ReasonCode> {
        if ReasonCode::allowed_with(mode) {
            reason.or(Some(ReasonCode(0)))
        } else {
            None
        }
    }

    /// Reads `3` or `"3"`; anything else is `None`.
    pub fn from_json(value: &serde_json::Value) -> Option<ReasonCode> {
        super::lenient::as_u64(value).and_then(|v| u8::try_from(v).ok()).and_then(ReasonCode::new)
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

/// The digits of one `dtmf` request: 1 to [`Dtmf::MAX_LEN`] of the sixteen
/// DTMF tones of ITU-T Q.23, `0-9 * # A B C D` (A-D upper case only).
/// Anything else, spaces included, is refused: a caller that takes typed
/// input strips spaces before parsing.
///
/// ```
/// use ctisvr_core::wire::{Dtmf, DtmfError};
/// assert_eq!(Dtmf::parse("12#A").map(|d| d.to_string()), Ok("12#A".to_owned()));
/// assert_eq!(Dtmf::parse("1x"), Err(DtmfError::NotADigit('x')));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dtmf(String);

/// Why text is not [`Dtmf`] digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtmfError {
    Empty,
    /// The number of digits given (chars), above [`Dtmf::MAX_LEN`].
    TooLong(usize),
    /// The first character that is not one of `0-9 * # A B C D`.
    NotADigit(char),
}

impl std::error::Error for DtmfError {}

/// The mock's words for a refused `dtmf` request (the softphone checks the
/// digits first and says [`crate::Rejected::BadDtmf`]).
impl fmt::Display for DtmfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DtmfError::Empty => f.write_str("no DTMF digits"),
            DtmfError::TooLong(count) => write!(f, "{count} DTMF digits, at most {} in one request", Dtmf::MAX_LEN),
            DtmfError::NotADigit(character) => write!(f, "{character:?} is not a DTMF digit (0-9 * # A B C D)"),
        }
    }
}

impl Dtmf {
    /// The most digits one request may carry.
    pub const MAX_LEN: usize = 100;

    /// Whether `c` is a DTMF tone: `0-9`, `*`, `#` or `A`-`D`.
    pub fn is_digit(c: char) -> bool {
        c.is_ascii_digit() || matches!(c, '*' | '#' | 'A'..='D')
    }

    /// Checks `text` as it stands (no trimming). Errors: [`DtmfError::Empty`],
    /// then [`DtmfError::TooLong`], then the first [`DtmfError::NotADigit`].
    pub fn parse(text: &str) -> Result<Dtmf, DtmfError> {
        let len = text.chars().count();
        if len == 0 {
            return Err(DtmfError::Empty);
        }
        if len > Dtmf::MAX_LEN {
            return Err(DtmfError::TooLong(len));
        }
        match text.chars().find(|&c| !Dtmf::is_digit(c)) {
            Some(bad) => Err(DtmfError::NotADigit(bad)),
            None => Ok(Dtmf(text.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl FromStr for Dtmf {
    type Err = DtmfError;

    fn from_str(text: &str) -> Result<Dtmf, DtmfError> {
        Dtmf::parse(text)
    }
}

impl fmt::Display for Dtmf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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
    fn a_reason_code_goes_with_aux_only() {
        assert!(ReasonCode::allowed_with(WorkMode::Aux));
        for mode in [WorkMode::Auto, WorkMode::Manual, WorkMode::Acw] {
            assert!(!ReasonCode::allowed_with(mode), "{mode:?}");
            assert_eq!(ReasonCode::for_mode(mode, ReasonCode::new(5)), None, "{mode:?}");
            assert_eq!(ReasonCode::for_mode(mode, None), None, "{mode:?}");
        }
    }

    #[test]
    fn aux_keeps_its_reason_code_and_defaults_to_zero() {
        assert_eq!(ReasonCode::for_mode(WorkMode::Aux, ReasonCode::new(7)), ReasonCode::new(7));
        assert_eq!(ReasonCode::for_mode(WorkMode::Aux, ReasonCode::new(99)), ReasonCode::new(99));
        assert_eq!(ReasonCode::for_mode(WorkMode::Aux, None), ReasonCode::new(0));
    }

    #[test]
    fn dtmf_takes_the_sixteen_q23_tones() {
        let all = "0123456789*#ABCD";
        assert_eq!(Dtmf::parse(all).map(Dtmf::into_string), Ok(all.to_owned()));
        assert_eq!("5".parse::<Dtmf>().map(|d| d.as_str().to_owned()), Ok("5".to_owned()));
        assert_eq!(Dtmf::parse("#*A").map(|d| d.to_string()), Ok("#*A".to_owned()));
    }

    #[test]
    fn dtmf_refuses_other_characters() {
        assert_eq!(Dtmf::parse("12a"), Err(DtmfError::NotADigit('a')));
        assert_eq!(Dtmf::parse("E"), Err(DtmfError::NotADigit('E')));
        assert_eq!(Dtmf::parse("1 2"), Err(DtmfError::NotADigit(' ')));
        assert_eq!(Dtmf::parse(" 1"), Err(DtmfError::NotADigit(' ')));
        assert_eq!(Dtmf::parse("+1"), Err(DtmfError::NotADigit('+')));
        assert_eq!(Dtmf::parse("١"), Err(DtmfError::NotADigit('١')), "an Arabic-Indic digit is not a tone");
        assert_eq!(Dtmf::parse("１"), Err(DtmfError::NotADigit('１')), "nor is a fullwidth one");
    }

    #[test]
    fn dtmf_is_one_to_a_hundred_digits() {
        assert_eq!(Dtmf::parse(""), Err(DtmfError::Empty));
        assert!(Dtmf::parse(&"9".repeat(Dtmf::MAX_LEN)).is_ok());
        assert_eq!(Dtmf::parse(&"9".repeat(101)), Err(DtmfError::TooLong(101)));
        // Counted in characters, not bytes; the length is checked before the digits.
        assert_eq!(Dtmf::parse(&"é".repeat(60)), Err(DtmfError::NotADigit('é')));
        assert_eq!(Dtmf::parse(&"é".repeat(101)), Err(DtmfError::TooLong(101)));
    }

    #[test]
    fn dtmf_errors_say_what_is_wrong() {
        assert_eq!(DtmfError::Empty.to_string(), "no DTMF digits");
        assert_eq!(DtmfError::TooLong(101).to_string(), "101 DTMF digits, at most 100 in one request");
        assert_eq!(DtmfError::NotADigit('x').to_string(), "'x' is not a DTMF digit (0-9 * # A B C D)");
    }

    #[test]
    fn password_never_shows_in_debug_output() {
        let text = format!("{:?}", Password::new("s3cret"));
        assert!(!text.contains("s3cret"), "{text}");
    }
}
