//! What a tab remembers of the CRM's call center settings, so that a
//! reloaded adapter page opens its socket without waiting for
//! `getCallCenterSettings` (issue 11; Salesforce's Open CTI answers it
//! through the Salesforce page, which can take a while). The CRM is still
//! asked at every load, and its answer wins: the same settings change
//! nothing, other settings reconnect with them (see
//! [`crate::session::Session::resume_crm_settings`]).
//!
//! Kept as the CRM answered it, with the CRM it came from: a small JSON
//! object `{"v":1,"crm":"classic","answer":<the callback's argument>}`. The
//! call center settings hold server addresses, dialling prefixes and
//! options; nothing secret (the agent's password is never a setting). The
//! element keeps it in `sessionStorage` under [`KEY`] (one tab, gone with
//! the tab), where the browser gives storage. Read leniently: a memo that
//! cannot be read is ignored, never an error; the CRM's answer comes anyway.
//!
//! ```
//! use ctisvr_core::settings_memory::SettingsMemo;
//! use ctisvr_core::Crm;
//! use serde_json::json;
//! let memo = SettingsMemo { crm: Crm::Classic, answer: json!({"result": "{}"}) };
//! assert_eq!(SettingsMemo::from_text(&memo.to_text()), Some(memo));
//! assert_eq!(SettingsMemo::from_text("{not json"), None);
//! ```

use crate::crm::Crm;
use serde_json::{json, Value};

/// The storage key of the remembered settings (`sessionStorage`).
pub const KEY: &str = "ctisvr-softphone:crm-settings";

/// The version of the text form; another version is ignored.
const VERSION: u64 = 1;

/// A `getCallCenterSettings` answer and the CRM that gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsMemo {
    /// Lightning or Classic: a memo of the other is not read as this one's.
    pub crm: Crm,
    /// The callback's argument, as the CRM gave it.
    pub answer: Value,
}

impl SettingsMemo {
    /// The text form (JSON).
    pub fn to_text(&self) -> String {
        json!({"v": VERSION, "crm": crm_name(self.crm), "answer": self.answer}).to_string()
    }

    /// The memo in `text`, or `None` when it is not one (another version,
    /// another shape, no CRM).
    pub fn from_text(text: &str) -> Option<SettingsMemo> {
        let value: Value = serde_json::from_str(text).ok()?;
        if value.get("v")?.as_u64()? != VERSION {
            return None;
        }
        let crm = match value.get("crm")?.as_str()? {
            "lightning" => Crm::Lightning,
            "classic" => Crm::Classic,
            _ => return None,
        };
        Some(SettingsMemo { crm, answer: value.get("answer")?.clone() })
    }
}

fn crm_name(crm: Crm) -> &'static str {
    match crm {
        Crm::Lightning => "lightning",
        Crm::Classic => "classic",
        Crm::None => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memos_of_either_crm_round_trip() {
        for crm in [Crm::Lightning, Crm::Classic] {
            let memo = SettingsMemo { crm, answer: json!({"success": true, "returnValue": {"a": "b"}}) };
            assert_eq!(SettingsMemo::from_text(&memo.to_text()), Some(memo));
        }
    }

    #[test]
    fn what_is_not_a_memo_is_ignored() {
        for text in [
            "",
            "null",
            "[]",
            r#"{"v":2,"crm":"classic","answer":{}}"#,
            r#"{"v":"1","crm":"classic","answer":{}}"#,
            r#"{"v":1,"crm":"none","answer":{}}"#,
            r#"{"v":1,"crm":"Classic","answer":{}}"#,
            r#"{"v":1,"answer":{}}"#,
            r#"{"v":1,"crm":"classic"}"#,
            r#"{"v":1,"crm":"classic","answer":{}"#,
        ] {
            assert_eq!(SettingsMemo::from_text(text), None, "{text}");
        }
    }
}
