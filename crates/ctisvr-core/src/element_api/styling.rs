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
    /// Its value in the light scheme when the host sets none.
    pub default: &'static str,
    /// Its value in the dark scheme (the same for sizes).
    pub dark: &'static str,
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

/// The custom properties a host may set on the element. The stylesheet
/// gives each colour as `light-dark(default, dark)`; the element follows the
/// page's or the system's preference unless its `color-scheme` attribute
/// forces `light` or `dark`.
pub const CSS_PROPERTIES: [CssPropertyDoc; 11] = [
    color(
        "--cti-accent",
        "#0b5cab",
        "#78b0fd",
        "Buttons' text, primary buttons, the current work mode, focus rings, information notices.",
    ),
    color("--cti-ok", "#2e844a", "#45c65a", "Connected and ready; Answer."),
    color("--cti-warn", "#dd7a01", "#f9a23a", "Connecting, reconnecting, ringing."),
    color("--cti-error", "#ba0517", "#fe8a7d", "Errors, a lost connection, Hang up."),
    color(
        "--cti-border",
        "#c9c9c9",
        "#5c5c66",
        "Borders of the element, fields and buttons; dividers are mixed from it.",
    ),
    color("--cti-bg", "#ffffff", "#1f1f23", "The element's background, fields and buttons; tints are mixed into it."),
    color("--cti-muted", "#5c5c5c", "#b0b0b8", "Secondary text: labels, timers, the extension, the agent's state."),
    color("--cti-text", "#181818", "#ececf0", "Text."),
    color("--cti-surface", "#f3f3f3", "#2a2a30", "The status bar and disabled fields."),
    color("--cti-on-accent", "#ffffff", "#0d0d10", "Text on filled buttons (accent, ok, error)."),
    CssPropertyDoc {
        name: "--cti-pad",
        syntax: "<length-percentage>",
        default: "clamp(8px, 3%, 12px)",
        dark: "clamp(8px, 3%, 12px)",
        description: "Side padding; 8 px in a narrow panel, up to 12 px.",
    },
];

const fn color(
    name: &'static str,
    default: &'static str,
    dark: &'static str,
    description: &'static str,
) -> CssPropertyDoc {
    CssPropertyDoc { name, syntax: "<color>", default, dark, description }
}
