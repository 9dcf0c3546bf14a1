//! What a host page may style: the element's CSS parts (`::part()`) and the
//! custom properties of `styles/softphone.css`.

/// One CSS part as documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CssPartDoc {
    pub name: &'static str,
    pub description: &'static str,
}

/// One custom property as documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CssPropertyDoc {
    pub name: &'static str,
    /// CSS syntax of its value.
    pub syntax: &'static str,
    /// Its value when the host sets none (the light scheme's).
    pub default: &'static str,
    pub description: &'static str,
}

pub const PART_STATUS: &str = "status";
pub const PART_AGENT: &str = "agent";
pub const PART_CALLS: &str = "calls";
pub const PART_DIALER: &str = "dialer";
pub const PART_KEYPAD: &str = "keypad";
pub const PART_NOTICE: &str = "notice";

/// The main regions, each a `part` of the shadow DOM.
pub const CSS_PARTS: [CssPartDoc; 6] = [
    CssPartDoc { name: PART_STATUS, description: "The connection line: status, server and extension, Retry now." },
    CssPartDoc {
        name: PART_AGENT,
        description: "Agent ID, password, Login and Logout, the work modes and reason code.",
    },
    CssPartDoc { name: PART_CALLS, description: "The list of calls with their state, party and timer." },
    CssPartDoc { name: PART_DIALER, description: "The Number field, Call and the call buttons." },
    CssPartDoc { name: PART_KEYPAD, description: "The keypad, when open." },
    CssPartDoc { name: PART_NOTICE, description: "The message bar, when it shows something." },
];

/// The custom properties a host may set on the element.
pub const CSS_PROPERTIES: [CssPropertyDoc; 8] = [
    CssPropertyDoc {
        name: "--cti-accent",
        syntax: "<color>",
        default: "#0b5cab",
        description: "Primary buttons, focus rings and links.",
    },
    CssPropertyDoc { name: "--cti-ok", syntax: "<color>", default: "#2e844a", description: "Connected and ready." },
    CssPropertyDoc {
        name: "--cti-warn",
        syntax: "<color>",
        default: "#dd7a01",
        description: "Connecting, reconnecting, ringing.",
    },
    CssPropertyDoc { name: "--cti-error", syntax: "<color>", default: "#ba0517", description: "Errors and Hang up." },
    CssPropertyDoc {
        name: "--cti-border",
        syntax: "<color>",
        default: "#c9c9c9",
        description: "Borders of fields, buttons and regions.",
    },
    CssPropertyDoc {
        name: "--cti-bg",
        syntax: "<color>",
        default: "#ffffff",
        description: "The element's background.",
    },
    CssPropertyDoc {
        name: "--cti-muted",
        syntax: "<color>",
        default: "#5c5c5c",
        description: "Secondary text: labels, timers, the URI.",
    },
    CssPropertyDoc {
        name: "--cti-pad",
        syntax: "<length-percentage>",
        default: "clamp(8px, 3%, 12px)",
        description: "Side padding; 8 px in a narrow panel, up to 12 px.",
    },
];
