//! The CRM side of the softphone (Salesforce Open CTI, Classic and
//! Lightning) as pure data: which bridge to use, what a click-to-dial payload
//! means, which record a screen pop found, and the Task a finished call is
//! logged as. The element's `crm/` module only moves these to and from
//! `sforce.opencti` / `sforce.interaction`.

use crate::calls::{Call, CallState, Direction};
use crate::crm_fault::CrmFault;
use crate::settings::{Settings, SettingsError};
use crate::time::Millis;
use serde_json::{json, Map, Value};

/// Which CRM the element talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Crm {
    /// Salesforce Lightning Experience: `sforce.opencti`.
    Lightning,
    /// Salesforce Classic: `sforce.interaction`.
    Classic,
    /// No CRM: element attributes configure it.
    None,
}

impl Crm {
    /// The forced bridge of the `crm` attribute (`lightning`, `classic`, `none`).
    pub fn from_attribute(value: &str) -> Option<Crm> {
        match value.trim().to_ascii_lowercase().as_str() {
            "lightning" => Some(Crm::Lightning),
            "classic" => Some(Crm::Classic),
            "none" => Some(Crm::None),
            _ => None,
        }
    }

    /// Lightning when `sforce.opencti` is present, Classic when
    /// `sforce.interaction` is, none otherwise, unless `forced`.
    ///
    /// ```
    /// use ctisvr_core::crm::Crm;
    /// assert_eq!(Crm::detect(None, true, true), Crm::Lightning);
    /// assert_eq!(Crm::detect(None, false, true), Crm::Classic);
    /// assert_eq!(Crm::detect(Some(Crm::None), true, false), Crm::None);
    /// ```
    pub fn detect(forced: Option<Crm>, has_opencti: bool, has_interaction: bool) -> Crm {
        match (forced, has_opencti, has_interaction) {
            (Some(crm), _, _) => crm,
            (None, true, _) => Crm::Lightning,
            (None, false, true) => Crm::Classic,
            (None, false, false) => Crm::None,
        }
    }

    /// What a callback response says: the value it carries, or why the call
    /// failed. Lightning answers `{success, returnValue, errors: [{code,
    /// description, details}]}`; Classic `{result, error}` (`result` is a
    /// string, or a boolean for calls that only succeed or fail).
    ///
    /// ```
    /// use ctisvr_core::{Crm, CrmFault};
    /// use serde_json::json;
    /// assert_eq!(Crm::Lightning.read_response(&json!({"success": true, "returnValue": {"recordId": "00T1"}})), Ok(json!({"recordId": "00T1"})));
    /// assert_eq!(Crm::Classic.read_response(&json!({"result": false, "error": "no access"})), Err(CrmFault::Said("no access".into())));
    /// ```
    pub fn read_response(self, response: &Value) -> Result<Value, CrmFault> {
        match self {
            Crm::Lightning => {
                if response.get("success").and_then(Value::as_bool) == Some(true) {
                    return Ok(response.get("returnValue").cloned().unwrap_or(Value::Null));
                }
                Err(lightning_errors(response.get("errors")).map_or(CrmFault::NoReason, CrmFault::Said))
            }
            Crm::Classic => {
                if let Some(error) = response.get("error").and_then(Value::as_str).filter(|e| !e.trim().is_empty()) {
                    return Err(CrmFault::Said(clip(error)));
                }
                match response.get("result") {
                    None | Some(Value::Null) => Err(CrmFault::NoResult),
                    Some(Value::Bool(false)) => Err(CrmFault::AnsweredFalse),
                    Some(value) => Ok(value.clone()),
                }
            }
            Crm::None => Err(CrmFault::NoCrm),
        }
    }

    /// The settings in a `getCallCenterSettings` response: Lightning's
    /// `returnValue` object, Classic's `result` JSON text.
    pub fn settings(self, response: &Value) -> Result<Settings, SettingsError> {
        Settings::from_lightning(&self.settings_items(response)?)
    }

    /// The call center items of a `getCallCenterSettings` response, as a
    /// JSON value: Lightning's `returnValue`, Classic's `result` text parsed.
    pub fn settings_items(self, response: &Value) -> Result<Value, SettingsError> {
        match self.read_response(response).map_err(SettingsError::Crm)? {
            Value::String(text) => serde_json::from_str(&text).map_err(|e| SettingsError::NotJson(e.to_string())),
            value => Ok(value),
        }
    }

    /// The `onClickToDial` payload for [`parse_click_to_dial`]: Classic's
    /// listener gets `{result: "<JSON text>"}`, Lightning's the payload itself.
    pub fn click_to_dial_payload(self, response: &Value) -> Value {
        match (self, response.get("result")) {
            (Crm::Classic, Some(result)) => result.clone(),
            _ => response.clone(),
        }
    }
}

/// The `description`s (else `code`s, or strings) of Lightning's `errors`.
fn lightning_errors(errors: Option<&Value>) -> Option<String> {
    let texts: Vec<String> = match errors? {
        Value::Array(errors) => errors
            .iter()
            .filter_map(|error| match error {
                Value::String(text) => Some(text.clone()),
                other => ["description", "message", "code"]
                    .iter()
                    .find_map(|key| other.get(*key).and_then(Value::as_str).filter(|t| !t.trim().is_empty()))
                    .map(str::to_owned),
            })
            .collect(),
        Value::String(text) => vec![text.clone()],
        _ => Vec::new(),
    };
    let joined = texts.join("; ");
    (!joined.trim().is_empty()).then(|| clip(&joined))
}

/// CRM error texts are shown to the agent: at most 300 characters.
fn clip(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or(text)),
        None => text.to_owned(),
    }
}

/// A CRM record the agent dialled from or a screen pop found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    /// `Contact`, `Lead`, `Account`, `Case`...
    pub object_type: Option<String>,
    pub name: Option<String>,
}

/// What the agent clicked: a number and, when known, its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialRequest {
    pub number: String,
    pub record: Option<Record>,
}

/// Why a CRM payload could not be used. Shown to the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrmError {
    /// serde_json's reason.
    NotJson(String),
    NoNumber,
}

impl std::error::Error for CrmError {}

/// Reads an `onClickToDial` payload of either flavour: Classic gives a JSON
/// string `{number, objectId, objectName, object, displayName}`, Lightning an
/// object `{number, recordId, recordName, objectType, ...}` (older versions:
/// under `returnValue`). `number` may be a string or a number.
///
/// ```
/// use ctisvr_core::crm::parse_click_to_dial;
/// use serde_json::json;
/// let lightning = parse_click_to_dial(&json!({"number": 4155550100u64, "recordId": "003A", "objectType": "Contact"})).unwrap();
/// let classic = parse_click_to_dial(&json!(r#"{"number":"4155550100","objectId":"003A","object":"Contact"}"#)).unwrap();
/// assert_eq!(lightning, classic);
/// ```
pub fn parse_click_to_dial(payload: &Value) -> Result<DialRequest, CrmError> {
    let parsed;
    let mut object = match payload {
        Value::String(text) => {
            parsed = serde_json::from_str::<Value>(text).map_err(|e| CrmError::NotJson(e.to_string()))?;
            &parsed
        }
        other => other,
    };
    if let Some(inner) = object.get("returnValue").filter(|v| v.is_object()) {
        object = inner;
    }
    let number = match object.get("number") {
        Some(Value::String(text)) if !text.trim().is_empty() => text.trim().to_owned(),
        Some(Value::Number(number)) => number.to_string(),
        _ => return Err(CrmError::NoNumber),
    };
    let text = |keys: &[&str]| keys.iter().find_map(|k| object.get(*k).and_then(Value::as_str)).map(str::to_owned);
    let record = text(&["recordId", "objectId"]).filter(|id| !id.is_empty()).map(|id| Record {
        id,
        object_type: text(&["objectType", "object"]),
        name: text(&["recordName", "objectName", "displayName"]),
    });
    Ok(DialRequest { number, record })
}

/// The one record a `searchAndScreenPop` found, if exactly one: Lightning's
/// `returnValue` and Classic's JSON `result` are both maps of id to record.
pub fn record_from_search(payload: &Value) -> Option<Record> {
    let parsed;
    let mut value = payload;
    if let Value::String(text) = value {
        parsed = serde_json::from_str::<Value>(text).ok()?;
        value = &parsed;
    }
    if let Some(inner) = value.get("returnValue") {
        value = inner;
    }
    let matches = value.as_object()?;
    let mut records = matches.iter().filter(|(_, record)| record.is_object());
    let (id, record) = records.next()?;
    if records.next().is_some() {
        return None; // several matches: the agent chooses; we cannot tell which
    }
    let field = |keys: &[&str]| keys.iter().find_map(|k| record.get(*k).and_then(Value::as_str)).map(str::to_owned);
    Some(Record {
        id: field(&["Id"]).unwrap_or_else(|| id.clone()),
        object_type: field(&["RecordType", "object", "objectType"]),
        name: field(&["Name", "displayName"]),
    })
}

/// Task `CallType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallType {
    Inbound,
    Outbound,
    Internal,
}

impl CallType {
    pub fn as_str(self) -> &'static str {
        match self {
            CallType::Inbound => "Inbound",
            CallType::Outbound => "Outbound",
            CallType::Internal => "Internal",
        }
    }

    /// Internal when the other side is an extension (no longer than ours).
    pub fn of(call: &Call, extension: &str) -> CallType {
        let other = match call.direction {
            Direction::Inbound => &call.caller,
            Direction::Outbound => &call.dialled,
        };
        // A withheld caller came from outside: "O" or "P" is no extension.
        let withheld = call.withheld && call.direction == Direction::Inbound;
        let internal = !withheld && !other.is_empty() && other.chars().count() <= extension.chars().count().max(1);
        match (internal, call.direction) {
            (true, _) => CallType::Internal,
            (false, Direction::Inbound) => CallType::Inbound,
            (false, Direction::Outbound) => CallType::Outbound,
        }
    }
}

/// The Task saved for a call that ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallLog {
    pub subject: String,
    pub call_type: CallType,
    pub duration_seconds: u64,
    /// Identifies the call in the CRM (our session's call id and start).
    pub call_object: String,
    /// A Contact or Lead.
    pub who_id: Option<String>,
    /// Any other record (Account, Case...).
    pub what_id: Option<String>,
    /// At most 255 characters.
    pub disposition: Option<String>,
    pub description: String,
}

/// What a call log's subject says, worded in the agent's language
/// ([`crate::i18n::Catalogue::log_subject`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogSubject {
    /// An answered inbound call; `None` for a withheld caller.
    CallFrom(Option<String>),
    MissedCallFrom(Option<String>),
    /// An outbound call the far end did not take (busy, unreachable).
    FailedCallTo(String),
    CallTo(String),
    UnansweredCallTo(String),
}

impl LogSubject {
    /// The subject of `call`'s log.
    pub fn of(call: &Call) -> LogSubject {
        let withheld = call.withheld && call.direction == Direction::Inbound;
        let caller = (!withheld).then(|| call.caller.clone());
        let dialled = call.dialled.clone();
        match (call.direction, call.connected_at.is_some(), call.state) {
            (Direction::Inbound, true, _) => LogSubject::CallFrom(caller),
            (Direction::Inbound, false, _) => LogSubject::MissedCallFrom(caller),
            (Direction::Outbound, _, CallState::Failed) => LogSubject::FailedCallTo(dialled),
            (Direction::Outbound, true, _) => LogSubject::CallTo(dialled),
            (Direction::Outbound, false, _) => LogSubject::UnansweredCallTo(dialled),
        }
    }
}

impl CallLog {
    /// The log of `call`, ended at `ended_at`, for the agent at `extension`,
    /// with its `subject` and `description` worded in the agent's language
    /// ([`crate::i18n::Catalogue::log_subject`], `log_description`). A
    /// withheld caller is linked to no record (whatever `record` says: no
    /// search can have found it).
    pub fn for_call(
        call: &Call,
        ended_at: Millis,
        extension: &str,
        record: Option<&Record>,
        (subject, description): (String, String),
    ) -> CallLog {
        let call_type = CallType::of(call, extension);
        let duration_seconds = call.connected_at.map_or(0, |at| ended_at.since(at).as_secs());
        let withheld = call.withheld && call.direction == Direction::Inbound;
        let record = record.filter(|_| !withheld);
        let (who_id, what_id) = match record {
            Some(record) if is_person(record) => (Some(record.id.clone()), None),
            Some(record) => (None, Some(record.id.clone())),
            None => (None, None),
        };
        CallLog {
            description,
            subject,
            call_type,
            duration_seconds,
            call_object: format!("ctisvr-{extension}-{}-{}", call.id, call.started_at.0),
            who_id,
            what_id,
            disposition: None,
        }
    }

    /// `saveLog({value})` for Lightning: the Task's fields.
    pub fn lightning_value(&self) -> Value {
        let mut value = Map::new();
        value.insert("entityApiName".into(), json!("Task"));
        for (key, field) in self.fields() {
            value.insert(key.into(), json!(field));
        }
        Value::Object(value)
    }

    /// `saveLog('Task', params)` for Classic: `Field=value&...`, URL-encoded.
    pub fn classic_params(&self) -> String {
        self.fields().iter().map(|(k, v)| format!("{k}={}", url_encode(v))).collect::<Vec<_>>().join("&")
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("Subject", self.subject.clone()),
            ("Status", "Completed".to_owned()),
            ("Type", "Call".to_owned()),
            ("CallType", self.call_type.as_str().to_owned()),
            ("CallDurationInSeconds", self.duration_seconds.to_string()),
            ("CallObject", self.call_object.clone()),
            ("Description", self.description.clone()),
        ];
        if let Some(id) = &self.who_id {
            fields.push(("WhoId", id.clone()));
        }
        if let Some(id) = &self.what_id {
            fields.push(("WhatId", id.clone()));
        }
        if let Some(disposition) = &self.disposition {
            fields.push(("CallDisposition", disposition.chars().take(255).collect()));
        }
        fields
    }
}

/// Contacts and Leads go in `WhoId` (by type, or by Id prefix 003 / 00Q).
fn is_person(record: &Record) -> bool {
    match record.object_type.as_deref() {
        Some(kind) => kind.eq_ignore_ascii_case("Contact") || kind.eq_ignore_ascii_case("Lead"),
        None => record.id.starts_with("003") || record.id.starts_with("00Q"),
    }
}

/// Percent-encoding for a query-string value.
fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::CallState;

    fn call(direction: Direction, caller: &str, dialled: &str, connected: Option<u64>) -> Call {
        Call {
            id: 7,
            state: CallState::Connected,
            direction,
            calling: caller.into(),
            called: dialled.into(),
            caller: caller.into(),
            withheld: false,
            dialled: dialled.into(),
            parties: vec![if direction == Direction::Inbound { caller.into() } else { dialled.into() }],
            consultation: false,
            conference: false,
            started_at: Millis(1_000),
            connected_at: connected.map(Millis),
            extension: None,
        }
    }

    #[test]
    fn responses_of_both_flavours() {
        let ok = json!({"success": true, "returnValue": null, "errors": null});
        assert_eq!(Crm::Lightning.read_response(&ok), Ok(Value::Null));
        let failed = json!({"success": false, "returnValue": null, "errors": [
            {"code": "GENERIC_ERROR", "description": "INSUFFICIENT_ACCESS", "details": null},
            {"code": "OTHER"}, "plain"]});
        assert_eq!(
            Crm::Lightning.read_response(&failed),
            Err(CrmFault::Said("INSUFFICIENT_ACCESS; OTHER; plain".into()))
        );
        assert_eq!(Crm::Lightning.read_response(&json!({})), Err(CrmFault::NoReason));
        assert_eq!(Crm::Lightning.read_response(&json!({"success": "true"})), Err(CrmFault::NoReason));
        assert_eq!(Crm::Classic.read_response(&json!({"result": true})), Ok(json!(true)));
        assert_eq!(Crm::Classic.read_response(&json!({"result": "{}", "error": ""})), Ok(json!("{}")));
        assert_eq!(Crm::Classic.read_response(&json!({"result": false})), Err(CrmFault::AnsweredFalse));
        assert_eq!(Crm::Classic.read_response(&json!(null)), Err(CrmFault::NoResult));
        assert!(Crm::None.read_response(&ok).is_err());
        let long = "x".repeat(400);
        let clipped = Crm::Classic.read_response(&json!({"error": long}));
        assert!(matches!(clipped, Err(CrmFault::Said(text)) if text.chars().count() == 301));
    }

    #[test]
    fn settings_from_either_response() {
        let lightning = json!({"success": true, "returnValue": {"/ServerInfo/wsURIA": "ws://a:9006", "/reqDialingOptions/reqOutsidePrefix": "9"}});
        let classic =
            json!({"result": r#"{"/ServerInfo/wsURIA":"ws://a:9006","/reqDialingOptions/reqOutsidePrefix":"9"}"#});
        assert_eq!(Crm::Lightning.settings(&lightning), Crm::Classic.settings(&classic));
        assert_eq!(Crm::Lightning.settings(&lightning).unwrap().prefixes.outside, "9");
        let refused = json!({"success": false, "errors": [{"description": "not in a call center"}]});
        let err = Crm::Lightning.settings(&refused).unwrap_err();
        assert_eq!(err, SettingsError::Crm(CrmFault::Said("not in a call center".into())));
        assert_eq!(err.to_string(), "the CRM did not give the call center settings (not in a call center)");
        assert!(matches!(Crm::Classic.settings(&json!({"result": "{oops"})), Err(SettingsError::NotJson(_))));
    }

    #[test]
    fn click_to_dial_responses_become_payloads() {
        let classic = json!({"result": r#"{"number":"4155550100","objectId":"003A"}"#});
        let payload = Crm::Classic.click_to_dial_payload(&classic);
        assert_eq!(parse_click_to_dial(&payload).unwrap().number, "4155550100");
        let lightning = json!({"number": "4155550100", "recordId": "003A"});
        assert_eq!(Crm::Lightning.click_to_dial_payload(&lightning), lightning);
        assert_eq!(parse_click_to_dial(&Crm::Classic.click_to_dial_payload(&lightning)).unwrap().number, "4155550100");
    }

    #[test]
    fn click_to_dial_payloads_of_both_flavours() {
        let older =
            parse_click_to_dial(&json!({"returnValue": {"number": "+1 (415) 555-0100", "recordId": "001X"}})).unwrap();
        assert_eq!(older.number, "+1 (415) 555-0100");
        assert_eq!(older.record.map(|r| r.id), Some("001X".into()));
        let bare = parse_click_to_dial(&json!({"number": "2002"})).unwrap();
        assert_eq!(bare.record, None);
        assert_eq!(parse_click_to_dial(&json!({"recordId": "x"})), Err(CrmError::NoNumber));
        assert!(matches!(parse_click_to_dial(&json!("{nope")), Err(CrmError::NotJson(_))));
    }

    #[test]
    fn a_single_search_match_is_the_record_several_are_not() {
        let one = json!({"003A": {"Id": "003A", "Name": "Ada", "RecordType": "Contact"}});
        assert_eq!(
            record_from_search(&one).map(|r| (r.id, r.object_type)),
            Some(("003A".into(), Some("Contact".into())))
        );
        let classic = json!(r#"{"001B": {"object": "Account", "Name": "Acme"}}"#);
        assert_eq!(record_from_search(&classic).map(|r| r.id), Some("001B".into()));
        assert_eq!(record_from_search(&json!({"a": {}, "b": {}})), None);
        assert_eq!(record_from_search(&json!({})), None);
    }

    /// Words are the catalogue's business (`i18n` tests them).
    fn words() -> (String, String) {
        ("subject".into(), "description".into())
    }

    #[test]
    fn call_types_and_durations() {
        let inbound = call(Direction::Inbound, "4155550100", "2001", Some(2_000));
        let log = CallLog::for_call(&inbound, Millis(44_000), "2001", None, words());
        assert_eq!((log.call_type, log.duration_seconds), (CallType::Inbound, 42));
        assert_eq!(LogSubject::of(&inbound), LogSubject::CallFrom(Some("4155550100".into())));
        let internal = call(Direction::Outbound, "2001", "2002", Some(0));
        assert_eq!(CallType::of(&internal, "2001"), CallType::Internal);
        let missed = call(Direction::Inbound, "4155550100", "2001", None);
        let log = CallLog::for_call(&missed, Millis(9_000), "2001", None, words());
        assert_eq!(log.duration_seconds, 0);
        assert_eq!(LogSubject::of(&missed), LogSubject::MissedCallFrom(Some("4155550100".into())));
        let failed = Call { state: CallState::Failed, ..call(Direction::Outbound, "2001", "4155550100", None) };
        assert_eq!(LogSubject::of(&failed), LogSubject::FailedCallTo("4155550100".into()));
        let unanswered = call(Direction::Outbound, "2001", "4155550100", None);
        assert_eq!(LogSubject::of(&unanswered), LogSubject::UnansweredCallTo("4155550100".into()));
    }

    #[test]
    fn a_withheld_caller_is_logged_as_unknown_and_linked_to_nothing() {
        for raw in ["", "anonymous", "O"] {
            let mut withheld = call(Direction::Inbound, raw, "2001", Some(2_000));
            withheld.withheld = true;
            let found = Record { id: "003A".into(), object_type: Some("Contact".into()), name: None };
            let log = CallLog::for_call(&withheld, Millis(10_000), "2001", Some(&found), words());
            assert_eq!(LogSubject::of(&withheld), LogSubject::CallFrom(None), "{raw:?}");
            assert_eq!(log.call_type, CallType::Inbound, "{raw:?}: a withheld caller is no extension");
            assert_eq!((log.who_id.as_deref(), log.what_id.as_deref()), (None, None), "{raw:?}");
            assert!(!log.lightning_value().as_object().is_some_and(|v| v.contains_key("WhoId")));
            withheld.connected_at = None;
            assert_eq!(LogSubject::of(&withheld), LogSubject::MissedCallFrom(None));
        }
    }

    #[test]
    fn the_task_in_both_shapes_with_who_or_what() {
        let outbound = call(Direction::Outbound, "2001", "914155550100", Some(1_000));
        let contact = Record { id: "003A".into(), object_type: Some("Contact".into()), name: None };
        let subject = ("Call to 914155550100".to_owned(), String::new());
        let log = CallLog::for_call(&outbound, Millis(11_000), "2001", Some(&contact), subject);
        let value = log.lightning_value();
        assert_eq!(value["entityApiName"], "Task");
        assert_eq!(value["CallType"], "Outbound");
        assert_eq!(value["CallDurationInSeconds"], "10");
        assert_eq!(value["Status"], "Completed");
        assert_eq!(value["WhoId"], "003A");
        assert!(value.get("WhatId").is_none());
        let params = log.classic_params();
        assert!(
            params.starts_with("Subject=Call%20to%20914155550100&Status=Completed&Type=Call&CallType=Outbound"),
            "{params}"
        );
        let account = Record { id: "001B".into(), object_type: None, name: None };
        assert_eq!(
            CallLog::for_call(&outbound, Millis(2_000), "2001", Some(&account), words()).what_id.as_deref(),
            Some("001B")
        );
    }
}
