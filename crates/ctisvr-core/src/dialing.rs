//! Click-to-dial number rules: what to dial for a number as a person or a
//! CRM record wrote it. The number typed in the dialer and the one clicked
//! in the CRM go through the same rules.
//!
//! First the number is read (see docs/protocol.md, "Click-to-dial number rules"):
//!
//! 1. invisible format characters (bidi marks, zero-width characters, soft
//!    hyphen) are dropped, Unicode decimal digits read as ASCII digits
//!    ([`characters`]);
//! 2. a `tel:` URI gives its number and `;ext=`; otherwise labels around
//!    the number (`Tel:`, `(cell)`, `home`) are dropped ([`labels`]) and an
//!    extension suffix (`x123`, `ext. 123`, `extension 123`, `;ext=123`,
//!    `,123`) is split off ([`extension`]);
//! 3. a national trunk `(0)` inside an international number is dropped
//!    (`+44 (0)20` is `+44 20`);
//! 4. the letters of a vanity number become digits ([`vanity`]).
//!
//! Then the vendor's sample rules apply:
//!
//! 5. a number containing `+` gets outside + international prefix;
//! 6. else one containing both `(` and `)` gets outside + long distance
//!    prefix, or the outside prefix alone when its digits already start with
//!    the long distance prefix (`1 (415) 555-0100`);
//! 7. `+`, white space, `(`, `)`, `-`, `.` and `/` are removed;
//! 8. with no prefix chosen, a number longer than the agent's extension gets
//!    the outside prefix; a shorter or equal one is dialled as is (internal).
//!
//! Anything else is refused with a reason; `*` and `#` are kept for feature
//! codes.
//!
//! ```
//! use ctisvr_core::dialing::{dial_target, DialTarget};
//! use ctisvr_core::DialingPrefixes;
//! let prefixes = DialingPrefixes { outside: "9".into(), long_distance: "1".into(), international: "01".into() };
//! assert_eq!(
//!     dial_target("415-555-0100 x123", &prefixes, "2001"),
//!     Ok(DialTarget { digits: "94155550100".into(), extension: Some("123".into()) })
//! );
//! ```

pub(crate) mod auto_send;
mod characters;
mod extension;
mod labels;
mod vanity;

use crate::settings::DialingPrefixes;

/// What to dial: the digits of the main number, with the prefixes, and the
/// extension to send as DTMF once the call is connected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialTarget {
    /// ASCII digits, `*` and `#`.
    pub digits: String,
    /// ASCII digits; `None` when the number had no extension.
    pub extension: Option<String>,
}

/// Why a number cannot be dialled. Shown to the agent
/// ([`crate::i18n::Catalogue::dial_error`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialError {
    Empty,
    /// `character` is the first one the rules refuse.
    Junk {
        number: String,
        character: char,
    },
    NoDigits(String),
}

impl std::error::Error for DialError {}

/// What to dial for `input`, given the call center's prefixes and the
/// agent's extension (whose length tells internal numbers from outside ones).
pub fn dial_target(input: &str, prefixes: &DialingPrefixes, extension: &str) -> Result<DialTarget, DialError> {
    let text = characters::normalise(input);
    let text = text.trim();
    if text.is_empty() {
        return Err(DialError::Empty);
    }
    let junk = |character| DialError::Junk { number: text.to_owned(), character };
    let split = match extension::tel_uri(text) {
        Some(uri) => uri.map_err(junk)?,
        None => extension::split(labels::without_labels(text)),
    };
    let number = without_trunk_zero(split.number);
    let number = vanity::letters_to_digits(&number).map_err(junk)?;
    if let Some(character) = number.chars().find(|c| !is_dialable(*c) && !is_separator(*c)) {
        return Err(junk(character));
    }
    let digits: String = number.chars().filter(|c| is_dialable(*c)).collect();
    if digits.is_empty() {
        return Err(DialError::NoDigits(text.to_owned()));
    }
    let prefix = if number.contains('+') {
        Some(format!("{}{}", prefixes.outside, prefixes.international))
    } else if number.contains('(') && number.contains(')') {
        // `1 (415)`: the long distance prefix is written already.
        let written = !prefixes.long_distance.is_empty() && digits.starts_with(&prefixes.long_distance);
        Some(if written { prefixes.outside.clone() } else { format!("{}{}", prefixes.outside, prefixes.long_distance) })
    } else {
        None
    };
    let digits = match prefix {
        Some(prefix) => prefix + &digits,
        None if digits.chars().count() > extension.chars().count() => format!("{}{digits}", prefixes.outside),
        None => digits,
    };
    Ok(DialTarget { digits, extension: split.extension })
}

/// An international number (`+`) without the national trunk `(0)` written
/// inside it: `+44 (0)20` is dialled `+44 20`. A national number keeps it.
fn without_trunk_zero(number: &str) -> String {
    if !number.contains('+') {
        return number.to_owned();
    }
    let chars: Vec<char> = number.chars().collect();
    let mut out = String::with_capacity(number.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '(' {
            // `(`, spaces, `0`, spaces, `)`
            let inner: String = chars.iter().skip(i + 1).take_while(|c| **c != ')').collect();
            let closed = chars.get(i + 1 + inner.chars().count()) == Some(&')');
            if closed && inner.trim() == "0" {
                out.push(' ');
                i += inner.chars().count() + 2;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn is_dialable(c: char) -> bool {
    c.is_ascii_digit() || c == '*' || c == '#'
}

/// What the rules remove (a lone `(` or `)` is removed too, as the sample does).
fn is_separator(c: char) -> bool {
    matches!(c, '+' | '(' | ')' | '-' | '.' | '/') || c.is_whitespace()
}

#[cfg(test)]
mod tests;
