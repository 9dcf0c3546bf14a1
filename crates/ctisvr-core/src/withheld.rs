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
    /// Lower case, trimmed, never empty.
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
            text.split([',', ';', '\n']).map(|m| m.trim().to_lowercase()).filter(|m| !m.is_empty()).collect();
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
        let caller = caller.trim().to_lowercase();
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

    /// The markers, lower case (for the docs and the DOM).
    pub fn as_slice(&self) -> &[String] {
        &self.markers
    }
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
