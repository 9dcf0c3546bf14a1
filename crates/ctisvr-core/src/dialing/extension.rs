//! The extension written after a number, and `tel:` URIs (RFC 3966), which
//! carry theirs in `;ext=`.
//!
//! A suffix is an extension when it is digits at the end, after one of the
//! markers `x`, `ext`, `ext.`, `extn`, `extension` (any case, not part of a
//! word: `1-800-NEXT` has none), `;ext=`, or pause commas (`,`), with a
//! number before it. `#` is not a marker: it is a key the PBX may need
//! (`*79#`), so it stays in the number.

/// A number and the extension written after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    pub number: &'a str,
    pub extension: Option<String>,
}

/// Markers, longest first so that `extension` is not read as `ext` + `ension`.
const MARKERS: [&str; 5] = ["extension", "extn", "ext", "x", ","];

/// Between a marker and the extension's digits (`ext. 123`, `ext: 123`, `x-123`, `;ext=123`).
fn is_gap(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | ':' | '=' | '-')
}

/// Splits `text` (already normalised) into number and extension.
pub(crate) fn split(text: &str) -> Split<'_> {
    let whole = Split { number: text, extension: None };
    let body = text.trim_end();
    let number_end = body.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (before, digits) = body.split_at(number_end);
    if digits.is_empty() {
        return whole;
    }
    let before = before.trim_end_matches(is_gap);
    let lower = before.to_ascii_lowercase();
    let Some(marker) = MARKERS.iter().find(|m| lower.ends_with(*m)) else { return whole };
    let number = &before[..before.len() - marker.len()];
    // `NEXT123`: the marker is the end of a word, not a marker.
    if number.chars().next_back().is_some_and(|c| c.is_ascii_alphabetic()) {
        return whole;
    }
    let number = number.trim_end_matches(|c: char| c.is_whitespace() || c == ';' || c == ',');
    if !number.chars().any(|c| c.is_ascii_digit()) {
        return whole;
    }
    Split { number, extension: Some(digits.to_owned()) }
}

/// A `tel:` URI: its number and `ext` parameter; other parameters
/// (`isub`, `phone-context`, any other) are ignored. `None`: not a `tel:` URI.
pub(crate) fn tel_uri(text: &str) -> Option<Result<Split<'_>, char>> {
    let scheme = text.get(..4)?;
    if !scheme.eq_ignore_ascii_case("tel:") {
        return None;
    }
    let rest = text.get(4..)?;
    let mut parts = rest.split(';');
    let number = parts.next().unwrap_or_default();
    let mut extension = None;
    for parameter in parts {
        let (name, value) = parameter.split_once('=').unwrap_or((parameter, ""));
        if name.trim().eq_ignore_ascii_case("ext") {
            // RFC 3966 allows visual separators in the extension too.
            let digits: String = value.chars().filter(|c| !matches!(c, '-' | '.' | '(' | ')')).collect();
            if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
                return Some(Err(bad));
            }
            extension = Some(digits).filter(|d| !d.is_empty());
        }
    }
    Some(Ok(Split { number, extension }))
}
