//! What a tab remembers of the CRM's call center settings, so that a
//! reloaded adapter page opens its socket without waiting for
//! `getCallCenterSettings` (issue 11; Salesforce's Open CTI answers it
//! through the Salesforce page, which can take a while). The CRM is still
//! asked at every load, and its answer wins: the same settings change
//! nothing, other settings reconnect with them (see
//! [`crate::session::Session::resume_crm_settings`]).
//!
//! Kept: the call center items the element reads ([`keys::ALL`]: server
//! addresses, dialling prefixes, options) and nothing else of the answer
//! (a call center may hold other items, of other integrations), with the
//! CRM they came from, as a small JSON object
//! `{"v":2,"crm":"classic","items":{"/ServerInfo/wsURIA":"ws://…",…}}`.
//! Nothing secret: the agent's password is never a setting. The element
//! keeps it in `sessionStorage` under [`KEY`] (one tab, gone with the tab),
//! where the browser gives storage. The key is the same for every user and
//! call center: a tab where another user logs in (Salesforce's "Login As")
//! connects with the previous user's server until the CRM answers, a few
//! milliseconds later, and its extension is checked by the server first
//! (`myextension`). Read leniently: a memo that cannot be read is ignored,
//! never an error; the CRM's answer comes anyway.
//!
//! ```
//! use ctisvr_core::settings_memory::SettingsMemo;
//! use ctisvr_core::Crm;
//! use serde_json::json;
//! let answer = json!({"result": r#"{"/ServerInfo/wsURIA": "ws://cti:9006", "/other/apiKey": "k"}"#});
//! let memo = SettingsMemo::from_answer(Crm::Classic, &answer).unwrap();
//! assert!(!memo.to_text().contains("apiKey"), "only what the element reads");
//! assert_eq!(SettingsMemo::from_text(&memo.to_text()), Some(memo.clone()));
//! assert_eq!(memo.settings().unwrap().ws_uri_a.as_str(), "ws://cti:9006");
//! assert_eq!(SettingsMemo::from_text("{not json"), None);
//! ```

use crate::crm::Crm;
use crate::settings::{keys, Settings, SettingsError};
use serde_json::{json, Map, Value};

/// The storage key of the remembered settings (`sessionStorage`).
pub const KEY: &str = "ctisvr-softphone:crm-settings";

/// The version of the text form; another version is ignored.
const VERSION: u64 = 2;

/// The call center items of a `getCallCenterSettings` answer, and the CRM
/// that gave them.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsMemo {
    /// Lightning or Classic: a memo of the other is not read as this one's.
    pub crm: Crm,
    /// The items of [`keys::ALL`] the answer has, as given (strings, or
    /// numbers where an admin typed a prefix as one).
    pub items: Map<String, Value>,
}

impl SettingsMemo {
    /// The memo of `crm`'s answer (the callback's argument), or `None` when
    /// its settings do not read (nothing worth remembering).
    pub fn from_answer(crm: Crm, answer: &Value) -> Option<SettingsMemo> {
        let given = crm.settings_items(answer).ok()?;
        let given = given.as_object()?;
        // Inserted one by one: collecting into the map would bring a sort
        // into the wasm (2.9 KB) for eleven keys.
        let mut items = Map::new();
        for key in keys::ALL {
            if let Some(value) = given.get(key) {
                items.insert(key.to_owned(), value.clone());
            }
        }
        let memo = SettingsMemo { crm, items };
        memo.settings().ok().map(|_| memo)
    }

    /// The settings the items give.
    pub fn settings(&self) -> Result<Settings, SettingsError> {
        Settings::from_lightning(&Value::Object(self.items.clone()))
    }

    /// The text form (JSON).
    pub fn to_text(&self) -> String {
        json!({"v": VERSION, "crm": crm_name(self.crm), "items": self.items}).to_string()
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
        Some(SettingsMemo { crm, items: value.get("items")?.as_object()?.clone() })
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
    fn a_memo_keeps_what_the_element_reads_of_either_crm() {
        let items =
            json!({"/ServerInfo/wsURIA": "ws://a:9006", "/reqDialingOptions/reqOutsidePrefix": 9, "/x/token": "t"});
        let lightning = json!({"success": true, "returnValue": items});
        let classic = json!({"result": items.to_string()});
        for (crm, answer) in [(Crm::Lightning, lightning), (Crm::Classic, classic)] {
            let memo = SettingsMemo::from_answer(crm, &answer).unwrap();
            assert_eq!(memo.items.len(), 2, "{crm:?}: {:?}", memo.items);
            assert_eq!(SettingsMemo::from_text(&memo.to_text()), Some(memo.clone()));
            let settings = memo.settings().unwrap();
            assert_eq!((settings.ws_uri_a.as_str(), settings.prefixes.outside.as_str()), ("ws://a:9006", "9"));
        }
    }

    #[test]
    fn an_answer_without_usable_settings_is_not_remembered() {
        for (crm, answer) in [
            (Crm::Classic, json!({"result": "{}"})),
            (Crm::Classic, json!({"result": "{oops"})),
            (Crm::Classic, json!({"result": null, "error": "no call center"})),
            (Crm::Lightning, json!({"success": false, "errors": [{"description": "no"}]})),
            (Crm::Lightning, json!({"success": true, "returnValue": {"/ServerInfo/wsURIA": "http://a"}})),
            (Crm::None, json!({"result": "{}"})),
        ] {
            assert_eq!(SettingsMemo::from_answer(crm, &answer), None, "{answer}");
        }
    }

    #[test]
    fn what_is_not_a_memo_is_ignored() {
        for text in [
            "",
            "null",
            "[]",
            r#"{"v":1,"crm":"classic","answer":{}}"#,
            r#"{"v":"2","crm":"classic","items":{}}"#,
            r#"{"v":2,"crm":"none","items":{}}"#,
            r#"{"v":2,"crm":"Classic","items":{}}"#,
            r#"{"v":2,"items":{}}"#,
            r#"{"v":2,"crm":"classic"}"#,
            r#"{"v":2,"crm":"classic","items":[]}"#,
            r#"{"v":2,"crm":"classic","items":{}"#,
        ] {
            assert_eq!(SettingsMemo::from_text(text), None, "{text}");
        }
    }
}
