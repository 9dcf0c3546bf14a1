//! Vanity numbers (`1-800-FLOWERS`): letters read as the keypad digits
//! they are printed on (ITU-T E.161: ABC 2, DEF 3, GHI 4, JKL 5, MNO 6,
//! PQRS 7, TUV 8, WXYZ 9).
//!
//! Letters are read only in something that is a number first: it starts
//! with digits (`+` and separators aside) before any letter, its digits and
//! letters together are at most 15 (the longest number E.164 allows), and
//! its last word is not an extension marker left without digits (`ext`).
//! Text such as `call me`, `bob@example.com` or `4155550100 call me` is not
//! read.

/// `number` with its letters as digits, or the first letter (or other
/// character) that keeps it from being a vanity number.
pub(crate) fn letters_to_digits(number: &str) -> Result<String, char> {
    let Some(first_letter) = number.chars().find(char::is_ascii_alphabetic) else {
        return Ok(number.to_owned());
    };
    let before: String = number.chars().take_while(|c| !c.is_ascii_alphabetic()).collect();
    if !before.chars().any(|c| c.is_ascii_digit()) {
        return Err(first_letter);
    }
    let keys = number.chars().filter(|c| c.is_ascii_alphanumeric()).count();
    let last_word = number.rsplit(|c: char| !c.is_ascii_alphabetic()).find(|w| !w.is_empty()).unwrap_or_default();
    let marker = ["x", "ext", "extn", "extension"].iter().any(|m| last_word.eq_ignore_ascii_case(m));
    if keys > 15 || marker {
        return Err(first_letter);
    }
    Ok(number.chars().map(|c| key_of(c).unwrap_or(c)).collect())
}

/// The E.161 key of an ASCII letter, any case.
fn key_of(letter: char) -> Option<char> {
    Some(match letter.to_ascii_uppercase() {
        'A'..='C' => '2',
        'D'..='F' => '3',
        'G'..='I' => '4',
        'J'..='L' => '5',
        'M'..='O' => '6',
        'P'..='S' => '7',
        'T'..='V' => '8',
        'W'..='Z' => '9',
        _ => return None,
    })
}
