//! What a number copied from anywhere looks like once the characters that
//! mean nothing to a phone are gone: invisible format characters dropped,
//! every Unicode decimal digit (general category Nd) read as its ASCII
//! digit, and the look-alikes of `+ ( ) - /` read as those.

/// The zero of every block of ten Unicode decimal digits (Nd) of Unicode
/// 15; a digit's value is its distance from its block's zero.
const DIGIT_ZEROS: [u32; 67] = [
    0x0660,  // Arabic-Indic
    0x06F0,  // Extended Arabic-Indic (Persian, Urdu)
    0x07C0,  // NKo
    0x0966,  // Devanagari
    0x09E6,  // Bengali
    0x0A66,  // Gurmukhi
    0x0AE6,  // Gujarati
    0x0B66,  // Oriya
    0x0BE6,  // Tamil
    0x0C66,  // Telugu
    0x0CE6,  // Kannada
    0x0D66,  // Malayalam
    0x0DE6,  // Sinhala Lith
    0x0E50,  // Thai
    0x0ED0,  // Lao
    0x0F20,  // Tibetan
    0x1040,  // Myanmar
    0x1090,  // Myanmar Shan
    0x17E0,  // Khmer
    0x1810,  // Mongolian
    0x1946,  // Limbu
    0x19D0,  // New Tai Lue
    0x1A80,  // Tai Tham Hora
    0x1A90,  // Tai Tham Tham
    0x1B50,  // Balinese
    0x1BB0,  // Sundanese
    0x1C40,  // Lepcha
    0x1C50,  // Ol Chiki
    0xA620,  // Vai
    0xA8D0,  // Saurashtra
    0xA900,  // Kayah Li
    0xA9D0,  // Javanese
    0xA9F0,  // Myanmar Tai Laing
    0xAA50,  // Cham
    0xABF0,  // Meetei Mayek
    0xFF10,  // Fullwidth
    0x104A0, // Osmanya
    0x10D30, // Hanifi Rohingya
    0x11066, // Brahmi
    0x110F0, // Sora Sompeng
    0x11136, // Chakma
    0x111D0, // Sharada
    0x112F0, // Khudawadi
    0x11450, // Newa
    0x114D0, // Tirhuta
    0x11650, // Modi
    0x116C0, // Takri
    0x11730, // Ahom
    0x118E0, // Warang Citi
    0x11950, // Dives Akuru
    0x11C50, // Bhaiksuki
    0x11D50, // Masaram Gondi
    0x11DA0, // Gunjala Gondi
    0x11F50, // Kawi
    0x16A60, // Mro
    0x16AC0, // Tangsa
    0x16B50, // Pahawh Hmong
    0x1D7CE, // Mathematical bold
    0x1D7D8, // Mathematical double-struck
    0x1D7E2, // Mathematical sans-serif
    0x1D7EC, // Mathematical sans-serif bold
    0x1D7F6, // Mathematical monospace
    0x1E140, // Nyiakeng Puachue Hmong
    0x1E2F0, // Wancho
    0x1E4F0, // Nag Mundari
    0x1E950, // Adlam
    0x1FBF0, // Segmented (legacy computing)
];

/// `input` with invisible format characters removed and digits and
/// punctuation look-alikes replaced by their ASCII forms; anything else is
/// kept as it is (the rules that follow judge it).
pub(crate) fn normalise(input: &str) -> String {
    input
        .chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| ascii_digit(c).or_else(|| ascii_punctuation(c)).unwrap_or(c))
        .collect()
}

/// Format characters that copy and paste leave in numbers: bidi marks,
/// embeddings, overrides and isolates, zero-width space, joiners and
/// non-joiners, word joiner, byte order mark, soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' // soft hyphen
            | '\u{061C}' // Arabic letter mark
            | '\u{180E}' // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}' // zero-width space, non-joiner, joiner, LRM, RLM
            | '\u{202A}'..='\u{202E}' // embeddings, pop, overrides
            | '\u{2060}'..='\u{2064}' // word joiner and invisible operators
            | '\u{2066}'..='\u{2069}' // isolates
            | '\u{FEFF}' // zero-width no-break space (byte order mark)
    )
}

/// The ASCII digit of a Unicode decimal digit in [`DIGIT_ZEROS`].
fn ascii_digit(c: char) -> Option<char> {
    let code = u32::from(c);
    DIGIT_ZEROS
        .iter()
        .find_map(|zero| code.checked_sub(*zero).filter(|value| *value < 10))
        .and_then(|value| char::from_digit(value, 10))
}

/// Dashes, minus signs and fullwidth punctuation, as their ASCII forms.
fn ascii_punctuation(c: char) -> Option<char> {
    Some(match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
        '\u{FF0B}' | '\u{FE62}' => '+',
        '\u{FF08}' | '\u{FE59}' => '(',
        '\u{FF09}' | '\u{FE5A}' => ')',
        '\u{FF0E}' => '.',
        '\u{FF0F}' => '/',
        '\u{FF0A}' => '*',
        '\u{FF03}' => '#',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_digit_of_every_block_is_numeric_in_the_standard_library() {
        for zero in DIGIT_ZEROS {
            for value in 0..10 {
                let digit = char::from_u32(zero + value).unwrap();
                assert!(digit.is_numeric(), "U+{:04X}", zero + value);
                assert_eq!(ascii_digit(digit), char::from_digit(value, 10));
            }
        }
    }
}
