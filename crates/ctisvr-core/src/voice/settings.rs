//! The connector's settings: the partner telephony contact center's items,
//! as Salesforce hands them to `init(callCenterConfig)` (an object of
//! `"/section/item"` keys, the same form as Open CTI's
//! `getCallCenterSettings`; `../shared/research/salesforce-voice.md` §1.6).
//! The softphone's own items ([`crate::settings::keys`]: the CtiSVR
//! addresses, the dialing prefixes, the options) keep their names, so an
//! admin moving from our Open CTI call center copies them over; two items
//! are the connector's own ([`keys`]). The softphone's notifications,
//! screen pops and call logs are off: Salesforce Voice does those.

use super::presence::{PresenceError, PresenceTable};
use crate::settings::{Settings, SettingsError};
use serde_json::Value;
use std::fmt;

/// The contact center items only the connector reads.
pub mod keys {
    /// The presence table ([`super::PresenceTable::parse`]).
    pub const PRESENCE_STATUSES: &str = "/ctisvrVoice/presenceStatuses";
    /// The VoiceCall service's base URL (`https://…`), where the connector
    /// asks for each inbound call's record.
    pub const VOICE_CALL_SERVICE: &str = "/ctisvrVoice/voiceCallService";
    /// Every item of the connector's own section.
    pub const ALL: [&str; 2] = [PRESENCE_STATUSES, VOICE_CALL_SERVICE];
}

/// What the connector runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiceSettings {
    /// The softphone's settings (servers, dialing rules, options).
    pub softphone: Settings,
    pub presence: PresenceTable,
    /// The VoiceCall service's base URL, without a trailing `/`; `None`
    /// when the contact center names none (calls then start without a
    /// VoiceCall id, and Salesforce makes the record itself).
    pub voice_call_service: Option<String>,
}

/// Why the contact center's items cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum VoiceSettingsError {
    Softphone(SettingsError),
    Presence(PresenceError),
    /// Not an `http://` or `https://` URL.
    ServiceUrl(String),
}

impl std::error::Error for VoiceSettingsError {}

impl fmt::Display for VoiceSettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VoiceSettingsError::Softphone(e) => write!(f, "{e}"),
            VoiceSettingsError::Presence(e) => write!(f, "{}: {e}", keys::PRESENCE_STATUSES),
            VoiceSettingsError::ServiceUrl(url) => {
                write!(f, "{}: {url:?} is not an http:// or https:// address", keys::VOICE_CALL_SERVICE)
            }
        }
    }
}

impl VoiceSettings {
    /// From `init(callCenterConfig)`: an object of `"/section/item"` keys
    /// with string values.
    ///
    /// ```
    /// use ctisvr_core::voice::VoiceSettings;
    /// let config = serde_json::json!({
    ///     "/ServerInfo/wsURIA": "wss://cti.example:9006",
    ///     "/ctisvrVoice/presenceStatuses": "0N51=auto; 0=logout",
    ///     "/ctisvrVoice/voiceCallService": "https://voicecall.example/",
    /// });
    /// let settings = VoiceSettings::from_contact_center(&config).unwrap();
    /// assert_eq!(settings.voice_call_service.as_deref(), Some("https://voicecall.example"));
    /// assert_eq!(settings.presence.entries().count(), 2);
    /// ```
    pub fn from_contact_center(config: &Value) -> Result<VoiceSettings, VoiceSettingsError> {
        let mut softphone = Settings::from_lightning(config).map_err(VoiceSettingsError::Softphone)?;
        // Salesforce shows the call, pops the record and keeps the VoiceCall:
        // the softphone's own notifications, pops and Task logs would double them.
        softphone.options.notify_calls = false;
        softphone.options.screen_pop = false;
        softphone.options.log_calls = false;
        let item = |key: &str| {
            config.get(key).and_then(Value::as_str).map(str::trim).filter(|text| !text.is_empty()).map(str::to_owned)
        };
        let presence = match item(keys::PRESENCE_STATUSES) {
            Some(text) => PresenceTable::parse(&text).map_err(VoiceSettingsError::Presence)?,
            None => PresenceTable::default(),
        };
        let voice_call_service = item(keys::VOICE_CALL_SERVICE)
            .map(|url| {
                let lower = url.to_ascii_lowercase();
                let scheme = lower.starts_with("https://") || lower.starts_with("http://");
                if scheme
                    && !url.contains(char::is_whitespace)
                    && url.split("://").nth(1).is_some_and(|r| !r.is_empty())
                {
                    Ok(url.trim_end_matches('/').to_owned())
                } else {
                    Err(VoiceSettingsError::ServiceUrl(url))
                }
            })
            .transpose()?;
        Ok(VoiceSettings { softphone, presence, voice_call_service })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(extra: &[(&str, &str)]) -> Value {
        let mut value = json!({"/ServerInfo/wsURIA": "ws://127.0.0.1:9006"});
        for (key, item) in extra {
            value[*key] = json!(item);
        }
        value
    }

    #[test]
    fn the_softphone_items_keep_their_open_cti_names() {
        let settings = VoiceSettings::from_contact_center(&config(&[("/reqDialingOptions/reqOutsidePrefix", "9")]));
        let settings = settings.unwrap();
        assert_eq!(settings.softphone.prefixes.outside, "9");
        assert_eq!(settings.presence, PresenceTable::default());
        assert_eq!(settings.voice_call_service, None);
        let options = &settings.softphone.options;
        assert!(!options.notify_calls && !options.screen_pop && !options.log_calls, "Salesforce's to do");
    }

    #[test]
    fn a_bad_presence_table_names_its_item_and_entry() {
        let err = VoiceSettings::from_contact_center(&config(&[(keys::PRESENCE_STATUSES, "0N51=lunch")])).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with(keys::PRESENCE_STATUSES) && text.contains("lunch"), "{text}");
    }

    #[test]
    fn the_service_must_be_an_http_address() {
        for bad in ["ftp://x", "voicecall.example", "https://", "https://a b"] {
            let err = VoiceSettings::from_contact_center(&config(&[(keys::VOICE_CALL_SERVICE, bad)])).unwrap_err();
            assert_eq!(err, VoiceSettingsError::ServiceUrl(bad.to_owned()), "{bad}");
        }
        let ok =
            VoiceSettings::from_contact_center(&config(&[(keys::VOICE_CALL_SERVICE, " HTTP://127.0.0.1:7000// ")]));
        assert_eq!(ok.unwrap().voice_call_service.as_deref(), Some("HTTP://127.0.0.1:7000"));
    }

    #[test]
    fn without_a_primary_server_the_softphone_error_says_which_item() {
        let err = VoiceSettings::from_contact_center(&json!({})).unwrap_err();
        assert!(err.to_string().contains("/ServerInfo/wsURIA"), "{err}");
    }
}
