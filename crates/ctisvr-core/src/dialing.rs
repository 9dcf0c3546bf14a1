//! Click-to-dial number rules, exactly as the vendor's sample applies them:
//!
//! 1. a number containing `+` gets outside + international prefix;
//! 2. else one containing both `(` and `)` gets outside + long distance prefix;
//! 3. `+`, white space, `(`, `)` and `-` are removed;
//! 4. with no prefix chosen, a number longer than the agent's extension gets
//!    the outside prefix; a shorter or equal one is dialled as is (internal).
//!
//! Anything else (letters, `.`, `/`) is refused with a reason; `*` and `#`
//! are kept for feature codes.
//!
//! ```
//! use ctisvr_core::dialing::dial_string;
//! use ctisvr_core::DialingPrefixes;
//! let prefixes = DialingPrefixes { outside: "9".into(), long_distance: "1".into(), international: "01".into() };
//! assert_eq!(dial_string("+1 (415) 555-0100", &prefixes, "2001").unwrap(), "90114155550100");
//! ```

use crate::settings::DialingPrefixes;

/// Why a number cannot be dialled. The text is shown to the agent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialError {
    #[error("Enter a number to dial.")]
    Empty,
    #[error("\"{number}\" cannot be dialled: '{character}' is not allowed (use digits, spaces, + ( ) -, * and #).")]
    Junk { number: String, character: char },
    #[error("\"{0}\" has no digits to dial.")]
    NoDigits(String),
}

/// The digits to send for `input`, given the call center's prefixes and the
/// agent's extension (whose length tells internal numbers from outside ones).
pub fn dial_string(input: &str, prefixes: &DialingPrefixes, extension: &str) -> Result<String, DialError> {
    let number = input.trim();
    if number.is_empty() {
        return Err(DialError::Empty);
    }
    if let Some(character) = number.chars().find(|c| !is_dialable(*c) && !is_separator(*c)) {
        return Err(DialError::Junk { number: number.to_owned(), character });
    }
    let prefix = if number.contains('+') {
        Some(format!("{}{}", prefixes.outside, prefixes.international))
    } else if number.contains('(') && number.contains(')') {
        Some(format!("{}{}", prefixes.outside, prefixes.long_distance))
    } else {
        None
    };
    let digits: String = number.chars().filter(|c| is_dialable(*c)).collect();
    if digits.is_empty() {
        return Err(DialError::NoDigits(number.to_owned()));
    }
    Ok(match prefix {
        Some(prefix) => prefix + &digits,
        None if digits.chars().count() > extension.chars().count() => format!("{}{digits}", prefixes.outside),
        None => digits,
    })
}

fn is_dialable(c: char) -> bool {
    c.is_ascii_digit() || c == '*' || c == '#'
}

/// What the rules remove (a lone `(` or `)` is removed too, as the sample does).
fn is_separator(c: char) -> bool {
    c == '+' || c == '(' || c == ')' || c == '-' || c.is_whitespace()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefixes() -> DialingPrefixes {
        DialingPrefixes { outside: "9".into(), long_distance: "1".into(), international: "01".into() }
    }

    #[test]
    fn the_rules_table() {
        let cases = [
            ("+1 (415) 555-0100", "2001", "90114155550100"), // + wins over ( )
            ("+44 20 7946 0958", "2001", "901442079460958"),
            ("(415) 555-0100", "2001", "914155550100"), // both parentheses: long distance
            ("415) 555-0100", "2001", "94155550100"),   // one parenthesis: no prefix, longer than ext
            ("555-0100", "2001", "95550100"),           // longer than the extension: outside
            ("2002", "2001", "2002"),                   // same length: internal
            ("123", "2001", "123"),                     // shorter: internal
            (" 2002 ", "2001", "2002"),                 // trimmed
            ("*79#", "2001", "*79#"),                   // feature codes kept, length 4 = internal
            ("1-800-555-0199", "20001", "918005550199"), // longer than a 5-digit extension
        ];
        for (input, extension, expected) in cases {
            assert_eq!(dial_string(input, &prefixes(), extension).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn empty_prefixes_dial_the_bare_number() {
        assert_eq!(dial_string("+1 (415) 555-0100", &DialingPrefixes::default(), "2001").as_deref(), Ok("14155550100"));
    }

    #[test]
    fn junk_is_refused_with_the_offending_character() {
        assert_eq!(
            dial_string("415-CALL-NOW", &prefixes(), "2001"),
            Err(DialError::Junk { number: "415-CALL-NOW".into(), character: 'C' })
        );
        assert!(matches!(
            dial_string("415.555.0100", &prefixes(), "2001"),
            Err(DialError::Junk { character: '.', .. })
        ));
        assert_eq!(dial_string("   ", &prefixes(), "2001"), Err(DialError::Empty));
        assert_eq!(dial_string("+ ( ) -", &prefixes(), "2001"), Err(DialError::NoDigits("+ ( ) -".into())));
        let text = dial_string("x1", &prefixes(), "2001").unwrap_err().to_string();
        assert!(text.contains("'x' is not allowed"), "{text}");
    }
}
