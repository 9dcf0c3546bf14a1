//! The element's attributes: the settings of a page without a CRM
//! ([`crate::settings::attributes`]) and `crm`.

use crate::settings::attributes as names;

/// One attribute as documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeDoc {
    pub name: &'static str,
    /// TypeScript type of the attribute's text.
    pub type_text: &'static str,
    /// What an absent attribute means, as the attribute would spell it.
    pub default: Option<&'static str>,
    pub description: &'static str,
}

const SWITCH: &str = r#""true" | "false" | "1" | "0" | "yes" | "no" | "on" | "off""#;

/// Forces the light or the dark scheme (styles only: the core never reads it).
pub const COLOR_SCHEME: &str = "color-scheme";

/// HTML's global `lang`: the agent's language ([`crate::i18n::Lang::choose`]).
pub const LANG: &str = "lang";

/// Every attribute, in the order of [`names::SETTINGS`], then `crm`,
/// [`COLOR_SCHEME`] and [`LANG`].
pub const ATTRIBUTES: [AttributeDoc; 15] = [
    AttributeDoc {
        name: names::WS_URI_A,
        type_text: "string",
        default: None,
        description: "CtiSVR WebSocket URI of server A (`ws://` or `wss://`). Required without a CRM; a missing or malformed one is shown in the element.",
    },
    AttributeDoc {
        name: names::WS_URI_B,
        type_text: "string",
        default: None,
        description: "WebSocket URI of the backup server B, tried when A fails.",
    },
    AttributeDoc {
        name: names::OUTSIDE_PREFIX,
        type_text: "string",
        default: None,
        description: "Dialling prefix for an outside line (often `9`), added to numbers longer than an extension. None when absent.",
    },
    AttributeDoc {
        name: names::LONG_DIST_PREFIX,
        type_text: "string",
        default: None,
        description: "Long-distance prefix (often `1`), added after the outside prefix to numbers written with an area code in brackets. None when absent.",
    },
    AttributeDoc {
        name: names::INTERNATIONAL_PREFIX,
        type_text: "string",
        default: None,
        description: "International prefix (often `011` or `00`), added after the outside prefix to numbers written with `+`. None when absent.",
    },
    AttributeDoc {
        name: names::LOG_CALLS,
        type_text: SWITCH,
        default: Some("true"),
        description: "With a CRM: save a Task for every finished call.",
    },
    AttributeDoc {
        name: names::SCREEN_POP,
        type_text: SWITCH,
        default: Some("true"),
        description: "With a CRM: search and pop the caller of inbound calls and show the softphone panel.",
    },
    AttributeDoc {
        name: names::REQUEST_TIMEOUT,
        type_text: "string",
        default: Some("10"),
        description: "Seconds (1-300) a request may go unanswered before the server is taken for dead and the softphone reconnects.",
    },
    AttributeDoc {
        name: names::LIVENESS,
        type_text: "string",
        default: Some("30"),
        description: "Seconds (1-3600) of silence from the server after which a `queryagentstate` checks it is alive.",
    },
    AttributeDoc {
        name: names::WITHHELD_CALLERS,
        type_text: "string",
        default: Some("anonymous, private, restricted, unknown, unavailable, withheld, blocked"),
        description: "Comma-separated texts (any case) a withheld caller's number reads as; a blank caller is always withheld. Such a caller shows as \"Unknown caller\" and is popped and logged without a search.",
    },
    AttributeDoc {
        name: names::DIAL_EXTENSION,
        type_text: r#""button" | "auto" | `auto ${number}`"#,
        default: Some("button"),
        description: "How the extension of a dialled number (`415-555-0100 x123`) is sent as DTMF: a button on the connected call, or by itself 2 s (or N whole seconds, 0-60) after the call is connected.",
    },
    AttributeDoc {
        name: names::NOTIFY_CALLS,
        type_text: SWITCH,
        default: Some("true"),
        description: "Notify the agent of an inbound call that rings while the page is hidden: a system notification with the caller when the page has the Notification permission (clicking it focuses the softphone's Answer button), else a mark on the page's title.",
    },
    AttributeDoc {
        name: names::CRM,
        type_text: r#""lightning" | "classic" | "none""#,
        default: None,
        description: "Forces the CRM bridge. Without it the element uses Salesforce Lightning when `sforce.opencti` is on the page, Classic when `sforce.interaction` is, none otherwise. Read when the element connects; with a CRM the settings come from its call center and the other attributes are ignored.",
    },
    AttributeDoc {
        name: COLOR_SCHEME,
        type_text: r#""light" | "dark""#,
        default: None,
        description: "Forces the light or the dark scheme. Without it the element follows the system's preference (`prefers-color-scheme`).",
    },
    AttributeDoc {
        name: LANG,
        type_text: r#""en" | "fr" | (string & {})"#,
        default: None,
        description: "The agent's language, English or French (`fr`, `fr-CA`...): every word the element shows, the texts of its events and the CRM's call logs. Without it the nearest `lang` of an ancestor (up to `<html lang>`) is used, then the browser's languages; English when none is one of these. Read when the element connects and whenever its own `lang` changes.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attribute_the_settings_read_is_documented_once_in_their_order() {
        let documented: Vec<&str> = ATTRIBUTES.iter().map(|a| a.name).collect();
        let mut read: Vec<&str> = names::SETTINGS.to_vec();
        read.extend([names::CRM, COLOR_SCHEME, LANG]);
        assert_eq!(documented, read);
    }

    #[test]
    fn defaults_are_what_the_settings_take_for_an_absent_attribute() {
        use crate::settings::Settings;
        use crate::SessionOptions;
        // Absent timings are the session's own, which the settings leave unset.
        let effective = |settings: Result<Settings, _>| {
            settings.map(|mut settings: Settings| {
                let session = SessionOptions::default();
                let options = &mut settings.options;
                options.request_timeout = Some(options.request_timeout.unwrap_or(session.request_timeout));
                options.liveness_interval = Some(options.liveness_interval.unwrap_or(session.liveness_interval));
                settings
            })
        };
        let given = |name: &str| (name == names::WS_URI_A).then(|| "ws://cti.example:9006/".to_owned());
        let absent = effective(Settings::from_attributes(given));
        assert!(absent.is_ok(), "A alone is valid");
        for attribute in ATTRIBUTES.iter().filter(|a| a.default.is_some()) {
            let written = |name: &str| match name {
                n if n == names::WS_URI_A => Some("ws://cti.example:9006/".to_owned()),
                n if n == attribute.name => attribute.default.map(str::to_owned),
                _ => None,
            };
            assert_eq!(effective(Settings::from_attributes(written)), absent.clone(), "{}", attribute.name);
        }
    }
}
