use super::*;

fn prefixes() -> DialingPrefixes {
    DialingPrefixes { outside: "9".into(), long_distance: "1".into(), international: "01".into() }
}

/// The digits dialled for `input` at extension 2001 (no extension expected).
fn digits(input: &str) -> Result<String, DialError> {
    dial_target(input, &prefixes(), "2001").map(|target| {
        assert_eq!(target.extension, None, "{input:?} has no extension");
        target.digits
    })
}

/// Digits and extension for `input` at extension 2001.
fn with_extension(input: &str) -> (String, Option<String>) {
    let target = dial_target(input, &prefixes(), "2001").unwrap_or_else(|e| panic!("{input:?}: {e}"));
    (target.digits, target.extension)
}

fn refused_at(input: &str) -> char {
    match dial_target(input, &prefixes(), "2001") {
        Err(DialError::Junk { character, .. }) => character,
        other => panic!("{input:?} should be refused, got {other:?}"),
    }
}

fn check(cases: &[(&str, &str)]) {
    for (input, expected) in cases {
        assert_eq!(digits(input).as_deref(), Ok(*expected), "{input:?}");
    }
}

#[test]
fn the_vendor_rules_table() {
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
        let target = dial_target(input, &prefixes(), extension);
        assert_eq!(target.map(|t| t.digits).as_deref(), Ok(expected), "{input}");
    }
}

#[test]
fn empty_prefixes_dial_the_bare_number() {
    let target = dial_target("+1 (415) 555-0100", &DialingPrefixes::default(), "2001");
    assert_eq!(target.map(|t| t.digits).as_deref(), Ok("14155550100"));
}

/// The five inputs of the issue, as CRM records hold them.
#[test]
fn numbers_as_crm_records_hold_them() {
    assert_eq!(digits("415.555.0100").as_deref(), Ok("94155550100"));
    assert_eq!(digits("+44 (0)20 7946 0958").as_deref(), Ok("901442079460958"));
    assert_eq!(with_extension("415-555-0100 x123"), ("94155550100".into(), Some("123".into())));
    assert_eq!(digits("\u{202A}+1 415 555 0100\u{202C}").as_deref(), Ok("90114155550100"));
    assert_eq!(digits("tel:+1-415-555-0100").as_deref(), Ok("90114155550100"));
}

#[test]
fn dots_and_slashes_separate_groups() {
    check(&[
        ("415/555-0100", "94155550100"),
        ("+44.20.7946.0958", "901442079460958"),
        ("(415) 555.0100", "914155550100"),
        ("415 / 555 / 0100", "94155550100"),
    ]);
}

#[test]
fn invisible_format_characters_are_ignored() {
    check(&[
        ("\u{200E}415-555-0100\u{200E}", "94155550100"), // left-to-right mark
        ("\u{200F}+44 20 7946 0958", "901442079460958"), // right-to-left mark
        ("415\u{200B}555\u{200B}0100", "94155550100"),   // zero-width space
        ("415\u{200D}555\u{200C}0100", "94155550100"),   // zero-width joiner, non-joiner
        ("415\u{00AD}555\u{00AD}0100", "94155550100"),   // soft hyphen
        ("\u{FEFF}2002", "2002"),                        // byte order mark
        ("\u{2066}+1 415 555 0100\u{2069}", "90114155550100"), // isolates
        ("\u{202B}\u{202E}(415) 555 0100\u{202C}", "914155550100"), // embedding, override
        ("415\u{2060}555\u{2060}0100", "94155550100"),   // word joiner
        ("\u{061C}415-555-0100", "94155550100"),         // Arabic letter mark
        ("415\u{00A0}555\u{00A0}0100", "94155550100"),   // no-break space is a space
    ]);
    assert_eq!(digits("\u{200B}\u{200E} "), Err(DialError::Empty), "nothing visible is nothing");
}

#[test]
fn unicode_decimal_digits_are_read_as_digits() {
    check(&[
        ("٤١٥-٥٥٥-٠١٠٠", "94155550100"),                        // Arabic-Indic
        ("۴۱۵ ۵۵۵ ۰۱۰۰", "94155550100"),                        // Extended Arabic-Indic (Persian)
        ("४१५-५५५-०१००", "94155550100"),                        // Devanagari
        ("৪১৫-৫৫৫-০১০০", "94155550100"),                        // Bengali
        ("＋１ （４１５） ５５５－０１００", "90114155550100"), // fullwidth digits and punctuation
        ("๔๑๕ ๕๕๕ ๐๑๐๐", "94155550100"),                        // Thai
        ("௪௧௫ ௫௫௫ ௦௧௦௦", "94155550100"),                        // Tamil
        ("၄၁၅ ၅၅၅ ၀၁၀၀", "94155550100"),                        // Myanmar
        ("𝟒𝟏𝟓 𝟓𝟓𝟓 𝟎𝟏𝟎𝟎", "94155550100"),                        // mathematical bold
        ("\u{1E954}\u{1E951}\u{1E955}-\u{1E955}\u{1E955}\u{1E955}-\u{1E950}\u{1E951}\u{1E950}\u{1E950}", "94155550100"), // Adlam
        ("\u{104A4}\u{104A1}\u{104A5} \u{104A5}\u{104A5}\u{104A5} \u{104A0}\u{104A1}\u{104A0}\u{104A0}", "94155550100"), // Osmanya
        ("١ (٤١٥) ٥٥٥-٠١٠٠", "914155550100"), // long distance written, Arabic-Indic
        ("٢٠٠٢", "2002"),                     // internal, Arabic-Indic
        ("415–555—0100", "94155550100"),      // en and em dashes
        ("415\u{2212}555\u{2011}0100", "94155550100"), // minus sign, non-breaking hyphen
    ]);
    // Numeric, but not decimal digits: superscripts, fractions, Roman numerals.
    assert_eq!(refused_at("415²"), '²');
    assert_eq!(refused_at("2½"), '½');
    assert_eq!(refused_at("Ⅻ"), 'Ⅻ');
}

#[test]
fn tel_uris_give_their_number_and_extension() {
    check(&[
        ("tel:+44-20-7946-0958", "901442079460958"),
        ("TEL:2002", "2002"),
        ("tel:(415)555.0100", "914155550100"),
        ("tel:2002;phone-context=example.com", "2002"),
        ("tel:+1-415-555-0100;isub=1411", "90114155550100"),
    ]);
    assert_eq!(with_extension("tel:+1-415-555-0100;ext=123"), ("90114155550100".into(), Some("123".into())));
    assert_eq!(
        with_extension("tel:+1-415-555-0100;phone-context=x;ext=1-23;foo=bar"),
        ("90114155550100".into(), Some("123".into()))
    );
    assert_eq!(with_extension("tel:+1-415-555-0100;ext="), ("90114155550100".into(), None));
    assert_eq!(refused_at("tel:+1-415-555-0100;ext=12a"), 'a');
    assert_eq!(refused_at("tel:john"), 'j');
    assert_eq!(refused_at("sip:2002@pbx"), 's', "only tel: URIs are read");
}

#[test]
fn a_trunk_zero_is_dropped_from_international_numbers_only() {
    check(&[
        ("+44 (0) 20 7946 0958", "901442079460958"),
        ("+44(0)2079460958", "901442079460958"),
        ("+49 (0)30 1234 5678", "901493012345678"),
        ("tel:+44(0)20-7946-0958", "901442079460958"),
    ]);
    // Not international: the (0) is the area code's, dialled as written.
    assert_eq!(digits("(0)20 7946 0958").as_deref(), Ok("9102079460958"));
    // Not a lone 0: kept.
    assert_eq!(digits("+39 (06) 1234 5678").as_deref(), Ok("901390612345678"));
}

#[test]
fn the_long_distance_prefix_is_not_added_twice() {
    check(&[
        ("1 (415) 555-0100", "914155550100"),
        ("1-(415)-555-0100", "914155550100"),
        ("(415) 555-0100", "914155550100"),
        ("1(800) FLOWERS", "918003569377"),
    ]);
}

#[test]
fn extension_suffixes_are_split_off() {
    let ext = |input: &str| with_extension(input);
    let expected = ("94155550100".to_owned(), Some("123".to_owned()));
    for input in [
        "415-555-0100 x123",
        "415-555-0100x123",
        "415-555-0100 X 123",
        "415-555-0100 ext 123",
        "415-555-0100 ext. 123",
        "415-555-0100 Ext.123",
        "415-555-0100 extn 123",
        "415-555-0100 extension 123",
        "415-555-0100 Extension: 123",
        "415-555-0100;ext=123",
        "415-555-0100,,123",
        "415.555.0100 x-123",
        "\u{202A}415-555-0100 x١٢٣\u{202C}",
    ] {
        assert_eq!(ext(input), expected, "{input:?}");
    }
    assert_eq!(ext("+44 (0)20 7946 0958 ext 7"), ("901442079460958".into(), Some("7".into())));
    assert_eq!(ext("2002 x5"), ("2002".into(), Some("5".into())), "an internal number can have one too");
    // `#` is a key the PBX may need, not an extension marker: dialled as written.
    assert_eq!(digits("415-555-0100 #123").as_deref(), Ok("94155550100#123"));
}

#[test]
fn vanity_letters_become_keypad_digits() {
    check(&[
        ("1-800-FLOWERS", "918003569377"),
        ("1-800-flowers", "918003569377"),
        ("+1 800 GOT JUNK", "90118004685865"),
        ("415-CALL-NOW", "94152255669"),
        ("1-800-PQRS-TUV", "918007777888"),
        ("0800 WXYZ ABC", "908009999222"),
        ("1-800-NEXT-123", "918006398123"), // `EXT` inside a word is no extension marker
    ]);
    assert_eq!(with_extension("1-800-FLOWERS x12"), ("918003569377".into(), Some("12".into())));
}

#[test]
fn labels_that_records_write_around_a_number_are_not_dialled() {
    check(&[
        ("415-555-0100 (cell)", "94155550100"),
        ("555-0100 home", "95550100"),
        ("2002 (desk)", "2002"),
        ("Tel: +1 415 555 0100", "90114155550100"),
        ("+44 (0)20 7946 0958 - Office", "901442079460958"),
        ("1-800-CALL-HOME", "9180022554663"),
    ]);
    assert_eq!(with_extension("415-555-0100 x123 (work)"), ("94155550100".into(), Some("123".into())));
}

#[test]
fn text_that_is_not_a_number_is_refused_with_the_reason() {
    assert_eq!(refused_at("call me"), 'c');
    assert_eq!(refused_at("bob@example.com"), 'b');
    assert_eq!(refused_at("415@example.com"), '@');
    assert_eq!(refused_at("4155550100 call me"), 'c', "16 keys: longer than any number");
    assert_eq!(refused_at("415-555-0100 ext"), 'e', "a marker with no extension");
    assert_eq!(refused_at("x123"), 'x', "an extension with no number");
    assert_eq!(refused_at("ext. 123"), 'e');
    assert_eq!(refused_at("FLOWERS-1"), 'F', "letters before the digits");
    assert_eq!(refused_at("415_555_0100"), '_');
    assert_eq!(digits("   "), Err(DialError::Empty));
    assert_eq!(digits("+ ( ) - . /"), Err(DialError::NoDigits("+ ( ) - . /".into())));
    let text = dial_target("call me", &prefixes(), "2001").unwrap_err().to_string();
    assert!(text.contains("'c' is not allowed") && text.contains("\"call me\""), "{text}");
}
