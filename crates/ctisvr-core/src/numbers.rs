//! When two telephone numbers name the same party.
//!
//! The same far end is written differently in different places: the agent
//! clicks `415-555-0188`, the softphone dials `94155550188` (outside prefix,
//! [`crate::dialing`]), the switch may report `4155550188` or
//! `14155550188`. So two numbers are the same party when, with formatting
//! removed (spaces, `+`, `(`, `)`, `-`, `.`), they are equal, or both are
//! outside numbers ([`SIGNIFICANT_DIGITS`] digits or more) and the longer one
//! ends with the shorter: the digits in front can only be prefixes (outside,
//! long distance, international), whatever the call center's prefixes are.
//! Internal numbers (extensions, shorter) must be equal: `2002` is not
//! `92002`.
//!
//! Two numbers that both carry prefixes, but not the same ones
//! (`94155550188` and `914155550188`), need the call center's prefixes:
//! [`same_party`] also compares them with a leading outside prefix, then a
//! long-distance or international prefix, removed.
//!
//! ```
//! use ctisvr_core::numbers::{same_number, same_party};
//! use ctisvr_core::DialingPrefixes;
//! assert!(same_number("415-555-0188", "914155550188"));
//! assert!(!same_number("4155550188", "2125550188"));
//! assert!(!same_number("2002", "92002"));
//! let prefixes = DialingPrefixes { outside: "9".into(), long_distance: "1".into(), international: "01".into() };
//! assert!(same_party("94155550188", "914155550188", &prefixes));
//! ```

use crate::settings::DialingPrefixes;

/// The fewest digits of a number dialled from outside without an area code
/// (a North American local number); shorter numbers are internal.
pub const SIGNIFICANT_DIGITS: usize = 7;

/// Whether `a` and `b` name the same party (see the module docs). Never
/// fails; numbers with letters (`anonymous`) are the same only when equal.
pub fn same_number(a: &str, b: &str) -> bool {
    let (a, b) = (unformatted(a), unformatted(b));
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    digits(short) && digits(long) && short.len() >= SIGNIFICANT_DIGITS && long.ends_with(short.as_str())
}

/// Whether `a` and `b` name the same party, also when both carry prefixes
/// and not the same ones: [`same_number`] of any of their forms with a
/// leading outside prefix, then a long-distance or international prefix,
/// removed (a form shorter than [`SIGNIFICANT_DIGITS`] is not an outside
/// number and is not tried).
pub fn same_party(a: &str, b: &str, prefixes: &DialingPrefixes) -> bool {
    let (a, b) = (forms(a, prefixes), forms(b, prefixes));
    a.iter().any(|a| b.iter().any(|b| same_number(a, b)))
}

/// `number` unformatted, and without the prefixes it may start with.
fn forms(number: &str, prefixes: &DialingPrefixes) -> Vec<String> {
    let strip = |form: &str, prefix: &str| {
        let rest = form.strip_prefix(prefix).filter(|_| !prefix.is_empty())?;
        (rest.len() >= SIGNIFICANT_DIGITS).then(|| rest.to_owned())
    };
    let whole = unformatted(number);
    let mut forms: Vec<String> = std::iter::once(whole.clone()).chain(strip(&whole, &prefixes.outside)).collect();
    let national: Vec<String> = forms
        .iter()
        .flat_map(|form| [strip(form, &prefixes.long_distance), strip(form, &prefixes.international)])
        .flatten()
        .collect();
    forms.extend(national);
    forms
}

/// The number without the characters people write between digits.
fn unformatted(number: &str) -> String {
    number.chars().filter(|c| !matches!(c, '+' | '(' | ')' | '-' | '.') && !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_in_front_of_an_outside_number_do_not_make_another_party() {
        let same = [
            ("4155550188", "94155550188"),         // outside prefix
            ("4155550188", "914155550188"),        // outside + long distance
            ("+1 (415) 555-0188", "914155550188"), // as clicked, as dialled
            ("14155550188", "4155550188"),         // the switch's form
            ("442079460958", "901442079460958"),   // outside + international
            ("5550188", "4155550188"),             // a local number and its area code
            ("2002", "2002"),
            ("*79#", "*79#"),
            ("anonymous", "anonymous"),
        ];
        for (a, b) in same {
            assert!(same_number(a, b), "{a} {b}");
            assert!(same_number(b, a), "{b} {a}");
        }
    }

    #[test]
    fn numbers_with_different_prefixes_are_one_party_given_the_prefixes() {
        let prefixes = DialingPrefixes { outside: "9".into(), long_distance: "1".into(), international: "01".into() };
        let same = [
            ("94155550188", "914155550188"),      // 415-555-0188 and (415) 555-0188, dialled
            ("94155550188", "+1 415 555 0188"),   // ... and as a caller's number
            ("901442079460958", "9442079460958"), // international, with and without its prefix
            ("95550188", "4155550188"),           // a local number dialled, and in full
        ];
        for (a, b) in same {
            assert!(same_party(a, b, &prefixes), "{a} {b}");
            assert!(same_party(b, a, &prefixes), "{b} {a}");
            assert!(!same_party(a, b, &DialingPrefixes::default()) || same_number(a, b), "{a} {b} need the prefixes");
        }
        let other = [("94155550188", "914155550189"), ("92002", "2002"), ("12002", "2002"), ("9*79#", "*79#")];
        for (a, b) in other {
            assert!(!same_party(a, b, &prefixes), "{a} {b}");
            assert!(!same_party(b, a, &prefixes), "{b} {a}");
        }
    }

    #[test]
    fn other_numbers_are_other_parties() {
        let other = [
            ("4155550188", "2125550188"), // another area code
            ("4155550188", "4155550189"),
            ("2002", "92002"), // an extension is not an outside number ending in it
            ("2002", "12002"),
            ("555018", "4155550188"), // too short to be an outside number
            ("anonymous", "unknown"),
            ("*79#", "9*79#"),
            ("", "4155550188"),
        ];
        for (a, b) in other {
            assert!(!same_number(a, b), "{a} {b}");
            assert!(!same_number(b, a), "{b} {a}");
        }
    }
}
