//! Labels that CRM records and pasted text write around a phone number:
//! `Tel: 415-555-0100`, `415-555-0100 (cell)`, `555-0100 home`,
//! `+44 20 7946 0958 - Office`. They name the number, they are not keys to
//! press: dropped before the letters of a vanity number are read (else
//! `555-0100 home` would dial `955501004663`).
//!
//! A label is: at the start, a known label word followed by `:`; at the
//! end, letters (and spaces) in parentheses, or a known label word after a
//! space (or ` - `). Known words: [`LABELS`], any case, with an optional `.`.

/// The words CRM records use to label a phone number.
pub(crate) const LABELS: [&str; 18] = [
    "tel",
    "phone",
    "telephone",
    "mobile",
    "mob",
    "cell",
    "cellular",
    "home",
    "work",
    "office",
    "business",
    "desk",
    "direct",
    "main",
    "fax",
    "pager",
    "other",
    "voicemail",
];

/// `number` without the labels around it.
pub(crate) fn without_labels(number: &str) -> &str {
    let mut text = number.trim();
    // `Tel: ...`, `Mobile: ...`
    if let Some((word, rest)) = text.split_once(':') {
        if is_label(word) {
            text = rest.trim();
        }
    }
    loop {
        let before = text;
        // `... (cell)`, `... (Main Office)`
        if let Some(open) = text.strip_suffix(')').and_then(|t| t.rfind('(')) {
            let inner = text.get(open + 1..text.len() - 1).unwrap_or_default();
            if !inner.trim().is_empty() && inner.chars().all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '.') {
                text = text.get(..open).unwrap_or_default().trim_end();
            }
        }
        // `... home`, `... - Office`: after a space (`1-800-CALL-HOME` is a
        // vanity number, its HOME keys to press).
        if let Some(at) = text.rfind(' ') {
            let word = text.get(at + 1..).unwrap_or_default();
            let rest = text.get(..at).unwrap_or_default().trim_end_matches([' ', '-']);
            if is_label(word) && rest.chars().any(|c| c.is_ascii_digit()) {
                text = rest;
            }
        }
        if text == before {
            return text;
        }
    }
}

fn is_label(word: &str) -> bool {
    let word = word.trim().trim_end_matches('.');
    LABELS.iter().any(|label| label.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_around_a_number_are_dropped() {
        for (input, number) in [
            ("Tel: 415-555-0100", "415-555-0100"),
            ("MOBILE:+44 7700 900123", "+44 7700 900123"),
            ("415-555-0100 (cell)", "415-555-0100"),
            ("415-555-0100 (Main Office)", "415-555-0100"),
            ("555-0100 home", "555-0100"),
            ("555-0100 Home.", "555-0100"),
            ("+44 20 7946 0958 - Office", "+44 20 7946 0958"),
            ("Phone: 415-555-0100 (work)", "415-555-0100"),
            ("415-555-0100", "415-555-0100"),
            ("1-800-FLOWERS", "1-800-FLOWERS"),
            ("+1 800 GOT JUNK", "+1 800 GOT JUNK"),
            ("1-800-CALL-HOME", "1-800-CALL-HOME"), // joined by a dash: keys of a vanity number
            ("home", "home"),                       // no number before it: left for the rules to refuse
            ("(415) 555-0100", "(415) 555-0100"),
        ] {
            assert_eq!(without_labels(input), number, "{input:?}");
        }
    }
}
