//! Callers who withheld their number. Networks and PBXs name them in many
//! ways: no `calling` at all, an empty one, or a word in place of the number
//! (`anonymous`, `Private`, `RESTRICTED`, `Unknown caller`,
//! `sip:anonymous@anonymous.invalid` as RFC 3323 recommends). None of these
//! is a number to search the CRM for: searching Salesforce for "anonymous"
//! pops and links whatever record happens to hold that word.
//!
//! The markers are a call center option (`withheldCallers`, attribute
//! `withheld-callers`: a comma-separated list; default [`DEFAULT_MARKERS`]).
//!
//! "Any case" is `fold`: the letters of Latin (ASCII, Latin-1, Latin
//! Extended-A), Greek and Cyrillic compare without their case; letters of
//! other scripts compare exactly. `str::to_lowercase` would cover every
//! script, but its Unicode tables cost the wasm 7.3 KB gzip
//! (docs/benchmarks.md, row i) for callers that are ASCII in practice.
//!
//! ```
//! use ctisvr_core::withheld::WithheldMarkers;
//! let markers = WithheldMarkers::default();
//! assert!(markers.is_withheld(""));
//! assert!(markers.is_withheld("Anonymous"));
//! assert!(markers.is_withheld("sip:anonymous@anonymous.invalid"));
//! assert!(!markers.is_withheld("4155550100"));
//! ```

/// The words that stand for a withheld number when no option says otherwise.
pub const DEFAULT_MARKERS: [&str; 7] =
    ["anonymous", "private", "restricted", "unknown", "unavailable", "withheld", "blocked"];

/// The caller texts that mean "number withheld".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithheldMarkers {
    /// Folded (`fold`), trimmed, never empty.
    markers: Vec<String>,
}

impl Default for WithheldMarkers {
    fn default() -> Self {
        WithheldMarkers { markers: DEFAULT_MARKERS.iter().map(|m| (*m).to_owned()).collect() }
    }
}

impl WithheldMarkers {
    /// From the option's text: markers separated by commas, semicolons or
    /// line breaks, any case. A list with no marker in it is the default.
    ///
    /// ```
    /// use ctisvr_core::withheld::WithheldMarkers;
    /// let markers = WithheldMarkers::parse("Anonymous; 0000000000, out of area");
    /// assert!(markers.is_withheld("OUT OF AREA"));
    /// assert!(markers.is_withheld("0000000000"));
    /// assert!(!markers.is_withheld("private"));
    /// ```
    pub fn parse(text: &str) -> WithheldMarkers {
        let markers: Vec<String> =
            text.split([',', ';', '\n']).map(|m| fold(m.trim())).filter(|m| !m.is_empty()).collect();
        if markers.is_empty() {
            WithheldMarkers::default()
        } else {
            WithheldMarkers { markers }
        }
    }

    /// Whether `caller` (a `calling` or `origcalling` as the server sent it)
    /// stands for a withheld number: blank, a marker (any case), or text
    /// without digits in which a marker is a word (`Private Number`,
    /// `<unknown>`, `sip:anonymous@anonymous.invalid`).
    pub fn is_withheld(&self, caller: &str) -> bool {
        let caller = fold(caller.trim());
        if caller.chars().all(|c| !c.is_alphanumeric()) {
            return true; // blank, or only punctuation
        }
        if self.markers.contains(&caller) {
            return true;
        }
        // The host of a SIP address is no part of the caller's number.
        let user = without_hosts(&caller);
        if user.chars().any(|c| c.is_ascii_digit()) {
            return false; // a number, however written
        }
        let words = words_of(&user);
        self.markers.iter().any(|marker| {
            let marker = words_of(marker);
            !marker.is_empty() && words.windows(marker.len()).any(|w| w == marker.as_slice())
        })
    }

    /// The markers, folded (`fold`; for the docs and the DOM).
    pub fn as_slice(&self) -> &[String] {
        &self.markers
    }
}

/// `text` in lower case for comparing: the letters of ASCII, Latin-1, Latin
/// Extended-A, the Romanian and other pairs of Latin Extended-B
/// (U+0200–U+021F, U+0222–U+0233), Latin Extended Additional (Vietnamese,
/// Welsh; `ẞ` becomes `ß`), Greek and Cyrillic as `char::to_lowercase` maps
/// them, except
/// that `İ` becomes `i` (not `i` and a combining dot) and the final sigma `ς`
/// becomes `σ` (so `ΑΠΌΡΡΗΤΟΣ` and `Απόρρητος` compare equal, as they do
/// under Unicode case folding). Other characters stay as they are.
fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    let u = c as u32;
    let lower = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE => u + 0x20,
        0x130 => 'i' as u32,
        0x178 => 0xFF,
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if u & 1 == 0 => u + 1,
        0x139..=0x148 | 0x179..=0x17E if u & 1 == 1 => u + 1,
        0x200..=0x21F | 0x222..=0x233 if u & 1 == 0 => u + 1,
        0x1E00..=0x1E95 | 0x1EA0..=0x1EFF if u & 1 == 0 => u + 1,
        0x1E9E => 0xDF,
        0x370..=0x373 | 0x376 | 0x3D8..=0x3EF if u & 1 == 0 => u + 1,
        0x37F => 0x3F3,
        0x386 => 0x3AC,
        0x388..=0x38A => u + 0x25,
        0x38C => 0x3CC,
        0x38E..=0x38F => u + 0x3F,
        0x391..=0x3A1 | 0x3A3..=0x3AB => u + 0x20,
        0x3C2 => 0x3C3,
        0x3CF => 0x3D7,
        0x3F4 => 0x3B8,
        0x3F7 | 0x3FA => u + 1,
        0x3F9 => 0x3F2,
        0x3FD..=0x3FF => u - 0x82,
        0x400..=0x40F => u + 0x50,
        0x410..=0x42F => u + 0x20,
        0x460..=0x481 | 0x48A..=0x4BF | 0x4D0..=0x52F if u & 1 == 0 => u + 1,
        0x4C0 => 0x4CF,
        0x4C1..=0x4CE if u & 1 == 1 => u + 1,
        _ => u,
    };
    char::from_u32(lower).unwrap_or(c)
}

/// `text` without the `@host` of any address in it
/// (`Anonymous <sip:anonymous@10.0.0.5>` is `Anonymous <sip:anonymous>`).
fn without_hosts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_host = false;
    for c in text.chars() {
        match c {
            '@' => in_host = true,
            '>' | ';' | ',' if in_host => {
                in_host = false;
                out.push(c);
            }
            c if in_host && c.is_whitespace() => {
                in_host = false;
                out.push(c);
            }
            _ if in_host => {}
            c => out.push(c),
        }
    }
    out
}

/// The letter-and-digit runs of `text`.
fn words_of(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_marker_callers_are_withheld_in_any_case_and_wrapping() {
        let markers = WithheldMarkers::default();
        for caller in [
            "",
            "   ",
            "-",
            "anonymous",
            "ANONYMOUS",
            "Private",
            "restricted",
            "Unknown",
            "unavailable",
            "Withheld",
            "BLOCKED",
            " anonymous ",
            "<unknown>",
            "\"Anonymous\"",
            "Private Number",
            "Unknown caller",
            "sip:anonymous@anonymous.invalid",
            "Anonymous <sip:anonymous@anonymous.invalid>",
            "sip:anonymous@192.0.2.1",
            "Anonymous <sip:anonymous@10.0.0.5:5060>",
            "sips:restricted@[2001:db8::1]",
        ] {
            assert!(markers.is_withheld(caller), "{caller:?} should be withheld");
        }
    }

    #[test]
    fn numbers_and_names_are_not_withheld() {
        let markers = WithheldMarkers::default();
        for caller in [
            "4155550100",
            "+1 (415) 555-0100",
            "2002",
            "Ada Lovelace",
            "Privateer Ltd",
            "sip:2002@pbx",
            "sip:+14155550100@10.0.0.5",
        ] {
            assert!(!markers.is_withheld(caller), "{caller:?} is a caller to search for");
        }
    }

    #[test]
    fn fold_is_std_lower_case_on_latin_greek_and_cyrillic() {
        for u in (0..=0x52F_u32).chain(0x1E00..=0x1EFF) {
            let Some(c) = char::from_u32(u) else { continue };
            let std: Vec<char> = c.to_lowercase().collect();
            let expected = match u {
                0x130 => 'i',
                0x3C2 => 'σ',
                // The rest of Latin Extended-B, IPA, modifiers, combining
                // marks: compared exactly.
                0x180..=0x1FF | 0x220..=0x221 | 0x234..=0x36F => c,
                _ => match std.as_slice() {
                    [one] => *one,
                    _ => panic!("U+{u:04X} lowercases to {std:?}"),
                },
            };
            assert_eq!(fold_char(c), expected, "U+{u:04X} {c}");
        }
        assert_eq!(fold("ＡＢ Ա"), "ＡＢ Ա", "other scripts are compared exactly");
    }

    #[test]
    fn non_ascii_markers_compare_without_case_in_latin_greek_and_cyrillic_scripts() {
        let markers = WithheldMarkers::parse(
            "Número oculto; Zastrzeżony; Απόρρητος; Скрытый номер; Գաղտնի; Număr restricționat; Số ẩn; Straße",
        );
        for caller in [
            "NÚMERO OCULTO",
            "número Oculto",
            "ZASTRZEŻONY",
            "ΑΠΌΡΡΗΤΟΣ",
            "απόρρητος",
            "СКРЫТЫЙ НОМЕР",
            "Գաղտնի",
            "NUMĂR RESTRICȚIONAT",
            "SỐ ẨN",
            "STRAẞE",
        ] {
            assert!(markers.is_withheld(caller), "{caller:?} should be withheld");
        }
        // Armenian has case too, but only the scripts above are folded: its
        // capitals are compared as written.
        assert!(!markers.is_withheld("ԳԱՂՏՆԻ"));
        assert!(!markers.is_withheld("NUMERO OCULTO"), "accents are not dropped");
    }

    #[test]
    fn the_option_replaces_the_list() {
        let markers = WithheldMarkers::parse("Nicht übermittelt, 0000000000\nO");
        assert!(markers.is_withheld("nicht übermittelt"));
        assert!(markers.is_withheld("NICHT ÜBERMITTELT"));
        assert!(markers.is_withheld("0000000000"));
        assert!(markers.is_withheld("o"));
        assert!(!markers.is_withheld("anonymous"), "the default list is replaced, not extended");
        assert!(markers.is_withheld(""), "blank is always withheld");
        assert!(!markers.is_withheld("00000000001"));
        assert_eq!(WithheldMarkers::parse(" , ;"), WithheldMarkers::default());
    }
}
