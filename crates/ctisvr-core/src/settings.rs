//! Call center settings: the two CtiSVR WebSocket URIs and the dialing
//! prefixes, from either Open CTI shape or from element attributes.
//!
//! | source | shape |
//! |---|---|
//! | Salesforce Classic `getCallCenterSettings` | a JSON *string* of a flat object |
//! | Salesforce Lightning `getCallCenterSettings` | the flat object itself |
//! | no CRM | attributes `ws-uri-a`, `ws-uri-b`, `outside-prefix`, `long-dist-prefix`, `international-prefix`, and the options' attributes |
//!
//! Keys of the flat object are `/<section>/<item>`, e.g. `/ServerInfo/wsURIA`.

use crate::crm_fault::CrmFault;
use crate::withheld::WithheldMarkers;
use serde_json::Value;
use std::fmt;
use std::time::Duration;

/// Validated settings: a primary URI is required, the backup optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub ws_uri_a: WsUri,
    pub ws_uri_b: Option<WsUri>,
    pub prefixes: DialingPrefixes,
    pub options: Options,
}

/// Our own call center options (section `ctisvrOptions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Save a Task for every call that ends (`logCalls`, default true).
    pub log_calls: bool,
    /// Pop the caller's record on an inbound call (`screenPop`, default true).
    pub screen_pop: bool,
    /// How long a request may go unanswered before the server is taken for
    /// dead (`answerTimeoutSeconds`, 1-300; `None`: the session's default).
    pub request_timeout: Option<Duration>,
    /// Silence after which a liveness request is sent (`livenessSeconds`, 1-3600).
    pub liveness_interval: Option<Duration>,
    /// What a withheld caller's number reads as (`withheldCallers`, a
    /// comma-separated list; see [`WithheldMarkers`]).
    pub withheld_callers: WithheldMarkers,
    /// How a dialled number's extension is sent (`dialExtension`).
    pub dial_extension: DialExtension,
    /// Notify the agent of a call ringing while the page is hidden
    /// (`notifyCalls`, default true; see [`crate::attention`]).
    pub notify_calls: bool,
}

/// How the extension of a dialled number (`415-555-0100 x123`) is sent, as
/// DTMF on the connected call (`dialExtension`).
///
/// | value | meaning |
/// |---|---|
/// | `button` (default; also anything not below) | the agent presses "Send ext. 123" |
/// | `auto` | sent by itself 2 s after the call is connected |
/// | `auto N` (also `auto:N`, `auto=N`) | sent by itself N whole seconds (0-60) after the call is connected |
///
/// ```
/// use ctisvr_core::settings::DialExtension;
/// use std::time::Duration;
/// assert_eq!(DialExtension::parse("Auto 5"), DialExtension::Auto { delay: Duration::from_secs(5) });
/// assert_eq!(DialExtension::parse("auto 61"), DialExtension::Button);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DialExtension {
    #[default]
    Button,
    Auto {
        delay: Duration,
    },
}

impl DialExtension {
    /// The delay of a bare `auto`.
    pub const DEFAULT_DELAY: Duration = Duration::from_secs(2);

    /// Reads the option's value (see the type's table).
    pub fn parse(value: &str) -> DialExtension {
        let value = value.trim().to_ascii_lowercase();
        let Some(rest) = value.strip_prefix("auto") else { return DialExtension::Button };
        let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ':' || c == '=').trim();
        if rest.is_empty() {
            return DialExtension::Auto { delay: DialExtension::DEFAULT_DELAY };
        }
        match rest.parse::<u64>() {
            Ok(seconds) if seconds <= 60 => DialExtension::Auto { delay: Duration::from_secs(seconds) },
            _ => DialExtension::Button,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            log_calls: true,
            screen_pop: true,
            request_timeout: None,
            liveness_interval: None,
            withheld_callers: WithheldMarkers::default(),
            dial_extension: DialExtension::Button,
            notify_calls: true,
        }
    }
}

/// The three dialing prefixes of `reqDialingOptions` (empty when not set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DialingPrefixes {
    pub outside: String,
    pub long_distance: String,
    pub international: String,
}

/// A `ws://` or `wss://` URI with a host, read once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WsUri {
    text: String,
    secure: bool,
    /// Without port, user info or IPv6 brackets, lower case.
    host: String,
}

/// Why settings could not be used. Shown to the agent
/// ([`crate::i18n::Catalogue::settings_error`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsError {
    /// No primary address: the call center item or attribute it should be in.
    MissingPrimary(&'static str),
    InvalidUri {
        key: &'static str,
        value: String,
        reason: UriFault,
    },
    NotJson(String),
    NotAnObject,
    /// The CRM did not give the settings (its call failed, or no CRM library).
    Crm(CrmFault),
}

impl std::error::Error for SettingsError {}

/// What is wrong with a CtiSVR address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriFault {
    /// Not `ws://` or `wss://`.
    Scheme,
    WhiteSpace,
    NoHost,
}

/// Call center item keys, as `getCallCenterSettings` returns them.
pub mod keys {
    pub const WS_URI_A: &str = "/ServerInfo/wsURIA";
    pub const WS_URI_B: &str = "/ServerInfo/wsURIB";
    pub const OUTSIDE_PREFIX: &str = "/reqDialingOptions/reqOutsidePrefix";
    pub const LONG_DIST_PREFIX: &str = "/reqDialingOptions/reqLongDistPrefix";
    pub const INTERNATIONAL_PREFIX: &str = "/reqDialingOptions/reqInternationalPrefix";
    pub const LOG_CALLS: &str = "/ctisvrOptions/logCalls";
    pub const SCREEN_POP: &str = "/ctisvrOptions/screenPop";
    pub const REQUEST_TIMEOUT: &str = "/ctisvrOptions/answerTimeoutSeconds";
    pub const LIVENESS: &str = "/ctisvrOptions/livenessSeconds";
    pub const WITHHELD_CALLERS: &str = "/ctisvrOptions/withheldCallers";
    pub const DIAL_EXTENSION: &str = "/ctisvrOptions/dialExtension";
    pub const NOTIFY_CALLS: &str = "/ctisvrOptions/notifyCalls";
    /// Every item the element reads (the call center file must define them all).
    pub const ALL: [&str; 12] = [
        WS_URI_A,
        WS_URI_B,
        OUTSIDE_PREFIX,
        LONG_DIST_PREFIX,
        INTERNATIONAL_PREFIX,
        LOG_CALLS,
        SCREEN_POP,
        REQUEST_TIMEOUT,
        LIVENESS,
        WITHHELD_CALLERS,
        DIAL_EXTENSION,
        NOTIFY_CALLS,
    ];
}

/// Element attribute names, for pages without a CRM.
pub mod attributes {
    pub const WS_URI_A: &str = "ws-uri-a";
    pub const WS_URI_B: &str = "ws-uri-b";
    pub const OUTSIDE_PREFIX: &str = "outside-prefix";
    pub const LONG_DIST_PREFIX: &str = "long-dist-prefix";
    pub const INTERNATIONAL_PREFIX: &str = "international-prefix";
    pub const LOG_CALLS: &str = "log-calls";
    pub const SCREEN_POP: &str = "screen-pop";
    pub const REQUEST_TIMEOUT: &str = "request-timeout";
    pub const LIVENESS: &str = "liveness-interval";
    pub const WITHHELD_CALLERS: &str = "withheld-callers";
    pub const DIAL_EXTENSION: &str = "dial-extension";
    pub const NOTIFY_CALLS: &str = "notify-calls";
    /// Forces the CRM bridge: `lightning`, `classic` or `none`.
    pub const CRM: &str = "crm";
    /// Every setting attribute, in the order of `keys::ALL`.
    pub const SETTINGS: [&str; 12] = [
        WS_URI_A,
        WS_URI_B,
        OUTSIDE_PREFIX,
        LONG_DIST_PREFIX,
        INTERNATIONAL_PREFIX,
        LOG_CALLS,
        SCREEN_POP,
        REQUEST_TIMEOUT,
        LIVENESS,
        WITHHELD_CALLERS,
        DIAL_EXTENSION,
        NOTIFY_CALLS,
    ];
    /// Every attribute the element observes.
    pub const ALL: [&str; 13] = [
        WS_URI_A,
        WS_URI_B,
        OUTSIDE_PREFIX,
        LONG_DIST_PREFIX,
        INTERNATIONAL_PREFIX,
        LOG_CALLS,
        SCREEN_POP,
        REQUEST_TIMEOUT,
        LIVENESS,
        WITHHELD_CALLERS,
        DIAL_EXTENSION,
        NOTIFY_CALLS,
        CRM,
    ];
}

impl Settings {
    /// From Salesforce Classic: `result` of `getCallCenterSettings` is JSON text.
    ///
    /// ```
    /// use ctisvr_core::Settings;
    /// let s = Settings::from_classic(r#"{"/ServerInfo/wsURIA":"ws://cti:9006","/reqDialingOptions/reqOutsidePrefix":"9"}"#).unwrap();
    /// assert_eq!(s.ws_uri_a.as_str(), "ws://cti:9006");
    /// assert_eq!(s.prefixes.outside, "9");
    /// ```
    pub fn from_classic(json_text: &str) -> Result<Settings, SettingsError> {
        let value: Value = serde_json::from_str(json_text).map_err(|e| SettingsError::NotJson(e.to_string()))?;
        Settings::from_lightning(&value)
    }

    /// From Salesforce Lightning: `returnValue` of `getCallCenterSettings` is an object.
    pub fn from_lightning(value: &Value) -> Result<Settings, SettingsError> {
        let object = value.as_object().ok_or(SettingsError::NotAnObject)?;
        // Values are strings; a number (a prefix typed as 9) is accepted too.
        Settings::from_lookup(
            |key| match object.get(key) {
                Some(Value::String(text)) => Some(text.clone()),
                Some(Value::Number(number)) => Some(number.to_string()),
                _ => None,
            },
            keys::ALL,
        )
    }

    /// From element attributes, read through `get(name)`.
    ///
    /// ```
    /// use ctisvr_core::Settings;
    /// let err = Settings::from_attributes(|_| None).unwrap_err();
    /// assert!(err.to_string().contains("ws-uri-a"));
    /// ```
    pub fn from_attributes(get: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingsError> {
        Settings::from_lookup(get, attributes::SETTINGS)
    }

    /// `names` are the keys of: URI A, URI B, outside, long distance,
    /// international, log calls, screen pop, timeout, liveness, withheld
    /// callers, dial extension, notify calls.
    fn from_lookup(get: impl Fn(&str) -> Option<String>, names: [&'static str; 12]) -> Result<Settings, SettingsError> {
        let [a, b, outside, long_distance, international, log_calls, screen_pop, timeout, liveness, withheld, dial_extension, notify_calls] =
            names;
        let read = |key: &str| get(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let ws_uri_a = read(a).ok_or(SettingsError::MissingPrimary(a))?;
        Ok(Settings {
            ws_uri_a: WsUri::parse(a, &ws_uri_a)?,
            ws_uri_b: read(b).map(|uri| WsUri::parse(b, &uri)).transpose()?,
            prefixes: DialingPrefixes {
                outside: read(outside).unwrap_or_default(),
                long_distance: read(long_distance).unwrap_or_default(),
                international: read(international).unwrap_or_default(),
            },
            options: Options {
                log_calls: read(log_calls).is_none_or(|v| flag(&v)),
                screen_pop: read(screen_pop).is_none_or(|v| flag(&v)),
                request_timeout: read(timeout).and_then(|v| seconds(&v, 300)),
                liveness_interval: read(liveness).and_then(|v| seconds(&v, 3600)),
                withheld_callers: read(withheld).map_or_else(WithheldMarkers::default, |v| WithheldMarkers::parse(&v)),
                dial_extension: read(dial_extension).map(|v| DialExtension::parse(&v)).unwrap_or_default(),
                notify_calls: read(notify_calls).is_none_or(|v| flag(&v)),
            },
        })
    }
}

/// Whole seconds from 1 to `max`; anything else means "the default".
fn seconds(value: &str, max: u64) -> Option<Duration> {
    value.parse::<u64>().ok().filter(|s| (1..=max).contains(s)).map(Duration::from_secs)
}

/// "false", "0", "no" and "off" (any case) are off; anything else is on.
fn flag(value: &str) -> bool {
    !matches!(value.to_ascii_lowercase().as_str(), "false" | "0" | "no" | "off")
}

impl WsUri {
    /// Checks the scheme and that there is a host; `key` names the setting in errors.
    pub fn parse(key: &'static str, text: &str) -> Result<WsUri, SettingsError> {
        let text = text.trim();
        let invalid = |reason| SettingsError::InvalidUri { key, value: text.to_owned(), reason };
        let lower = text.to_ascii_lowercase();
        let (secure, rest) = match lower.strip_prefix("wss://") {
            Some(rest) => (true, rest),
            None => (false, lower.strip_prefix("ws://").ok_or_else(|| invalid(UriFault::Scheme))?),
        };
        if text.chars().any(char::is_whitespace) {
            return Err(invalid(UriFault::WhiteSpace));
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let authority = authority.rsplit('@').next().unwrap_or_default();
        let host = match authority.strip_prefix('[') {
            Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
            None => authority.split(':').next().unwrap_or_default(),
        };
        if host.is_empty() {
            return Err(invalid(UriFault::NoHost));
        }
        Ok(WsUri { text: text.to_owned(), secure, host: host.to_owned() })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `wss://`: TLS, the only kind an https page may open.
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// The host, lower case, without port, user info or IPv6 brackets.
    pub fn host(&self) -> &str {
        &self.host
    }
}

impl fmt::Display for WsUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn classic_and_lightning_shapes_give_the_same_settings() {
        let object = json!({
            "/reqGeneralInfo/reqInternalName": "ctisvrSoftphone",
            "/ServerInfo/wsURIA": "ws://10.0.0.5:9006",
            "/ServerInfo/wsURIA/label": "WebSocket URI A",
            "/ServerInfo/wsURIB": "ws://10.0.0.6:9008",
            "/reqDialingOptions/reqOutsidePrefix": "9",
            "/reqDialingOptions/reqLongDistPrefix": "1",
            "/reqDialingOptions/reqInternationalPrefix": "01"
        });
        let lightning = Settings::from_lightning(&object).unwrap();
        let classic = Settings::from_classic(&object.to_string()).unwrap();
        assert_eq!(lightning, classic);
        assert_eq!(lightning.ws_uri_b.as_ref().map(WsUri::as_str), Some("ws://10.0.0.6:9008"));
        assert_eq!(
            lightning.prefixes,
            DialingPrefixes { outside: "9".into(), long_distance: "1".into(), international: "01".into() }
        );
    }

    #[test]
    fn backup_is_optional_and_blank_means_absent() {
        let s =
            Settings::from_lightning(&json!({"/ServerInfo/wsURIA": "wss://cti.example", "/ServerInfo/wsURIB": "  "}))
                .unwrap();
        assert_eq!(s.ws_uri_b, None);
        assert!(s.ws_uri_a.is_secure());
        assert_eq!(s.ws_uri_a.host(), "cti.example");
        let v6 = WsUri::parse("a", "WS://user@[FD00::1]:9006/?ext=1").unwrap();
        assert_eq!((v6.is_secure(), v6.host()), (false, "fd00::1"));
    }

    #[test]
    fn missing_or_malformed_primary_is_a_clear_error() {
        assert_eq!(Settings::from_lightning(&json!({})), Err(SettingsError::MissingPrimary(keys::WS_URI_A)));
        let missing = |key| SettingsError::MissingPrimary(key).to_string();
        assert_eq!(missing(keys::WS_URI_A), "no CtiSVR address is configured (call center item /ServerInfo/wsURIA)");
        assert_eq!(missing(attributes::WS_URI_A), "no CtiSVR address is configured (attribute ws-uri-a)");
        let err = Settings::from_lightning(&json!({"/ServerInfo/wsURIA": "http://cti:9006"})).unwrap_err();
        assert!(err.to_string().contains("ws:// or wss://"), "{err}");
        let err = Settings::from_lightning(&json!({"/ServerInfo/wsURIA": "ws://"})).unwrap_err();
        assert!(err.to_string().contains("no host"), "{err}");
        let err = Settings::from_lightning(&json!({"/ServerInfo/wsURIA": "ws://a b"})).unwrap_err();
        assert!(err.to_string().contains("white space"), "{err}");
        assert!(matches!(Settings::from_classic("{not json"), Err(SettingsError::NotJson(_))));
        assert_eq!(Settings::from_lightning(&json!("ws://x")), Err(SettingsError::NotAnObject));
    }

    #[test]
    fn a_malformed_backup_is_an_error_too() {
        let err = Settings::from_lightning(&json!({"/ServerInfo/wsURIA": "ws://a:1", "/ServerInfo/wsURIB": "b:2"}))
            .unwrap_err();
        assert!(matches!(err, SettingsError::InvalidUri { key: keys::WS_URI_B, .. }), "{err}");
    }

    #[test]
    fn attributes_configure_when_there_is_no_crm() {
        let s = Settings::from_attributes(|name| match name {
            "ws-uri-a" => Some("ws://127.0.0.1:9006/?ext=2001".into()),
            "outside-prefix" => Some("9".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(s.ws_uri_a.as_str(), "ws://127.0.0.1:9006/?ext=2001");
        assert_eq!(s.prefixes.outside, "9");
        assert_eq!(s.prefixes.international, "");
        assert_eq!(s.options, Options::default());
    }

    #[test]
    fn timeouts_are_whole_seconds_within_bounds() {
        let s = Settings::from_attributes(|name| match name {
            "ws-uri-a" => Some("ws://a".into()),
            "request-timeout" => Some("3".into()),
            "liveness-interval" => Some("0".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(s.options.request_timeout, Some(Duration::from_secs(3)));
        assert_eq!(s.options.liveness_interval, None, "0 is out of bounds: the default applies");
    }

    #[test]
    fn dial_extension_is_a_button_unless_auto_with_a_delay() {
        let read = |value: &str| {
            let object = json!({"/ServerInfo/wsURIA": "ws://a", "/ctisvrOptions/dialExtension": value});
            Settings::from_lightning(&object).map(|s| s.options.dial_extension)
        };
        let auto = |seconds| Ok(DialExtension::Auto { delay: Duration::from_secs(seconds) });
        assert_eq!(read("button"), Ok(DialExtension::Button));
        assert_eq!(read("auto"), auto(2));
        assert_eq!(read(" AUTO 3 "), auto(3));
        assert_eq!(read("auto:0"), auto(0));
        assert_eq!(read("auto=60"), auto(60));
        assert_eq!(read("auto 61"), Ok(DialExtension::Button), "past a minute: the default");
        assert_eq!(read("auto soon"), Ok(DialExtension::Button));
        assert_eq!(read("automatic"), Ok(DialExtension::Button));
        let attribute = Settings::from_attributes(|name| match name {
            "ws-uri-a" => Some("ws://a".into()),
            "dial-extension" => Some("auto 4".into()),
            _ => None,
        });
        assert_eq!(attribute.map(|s| s.options.dial_extension), auto(4));
    }

    #[test]
    fn options_switch_logging_and_screen_pop_off() {
        let s = Settings::from_lightning(
            &json!({"/ServerInfo/wsURIA": "ws://a", "/ctisvrOptions/logCalls": "false", "/ctisvrOptions/screenPop": "Off"}),
        )
        .unwrap();
        assert_eq!(s.options, Options { log_calls: false, screen_pop: false, ..Options::default() });
    }
}
