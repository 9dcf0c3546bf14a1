//! Tests of the element's CSS minifier (`crates/ctisvr-softphone/css_minify.rs`,
//! run by that crate's `build.rs`): build scripts have no test harness, and
//! this native crate's tests run with the workspace's.

#[path = "../../ctisvr-softphone/css_minify.rs"]
mod css_minify;

use css_minify::minify;

#[test]
fn comments_and_needless_whitespace_go() {
    let css = "/* head */\n:host {\n  color: red; /* why */\n  margin : 0 auto ;\n}\n\n.a, .b > .c {\n  padding: 1px 2px;\n}\n";
    assert_eq!(minify(css), ":host{color:red;margin :0 auto}.a,.b > .c{padding:1px 2px}");
}

#[test]
fn a_comment_joins_what_it_stood_between_unless_two_names_would_merge() {
    assert_eq!(minify(".a/* c */.b{}"), ".a.b{}", "a compound selector stays one");
    assert_eq!(minify("a/**/:hover{}"), "a:hover{}");
    assert_eq!(minify("p{border:1px/**/solid red}"), "p{border:1px solid red}");
    assert_eq!(minify(".a /* c */ .b{}"), ".a .b{}", "whitespace around it stays a descendant");
}

#[test]
fn strings_escapes_and_urls_are_copied_as_written() {
    assert_eq!(minify(r#"a::after{content:"a  /* b */ ; }"}"#), r#"a::after{content:"a  /* b */ ; }"}"#);
    assert_eq!(minify(r".a\ {x:1}"), r".a\ {x:1}", "an escaped space is part of the name");
    assert_eq!(minify(r".a\{ {x:1}"), r".a\{{x:1}");
    assert_eq!(minify("a{b:url(data:x/*y) no-repeat}c{}"), "a{b:url(data:x/*y) no-repeat}c{}");
    assert_eq!(minify("a{b:URL( x.png )}"), "a{b:URL(x.png)}");
    assert_eq!(minify("a{b:url( 'x y.png' )}"), "a{b:url('x y.png' )}", "a quoted URL is a string");
}

#[test]
fn parentheses_keep_their_commas_and_media_queries_their_words() {
    assert_eq!(minify(":is( a , b ){}"), ":is( a , b ){}");
    assert_eq!(
        minify("@media (max-width: 300px) and (min-width: 10px) { a { b: c } }"),
        "@media (max-width:300px) and (min-width:10px){a{b:c}}"
    );
    assert_eq!(minify("a{--pad: clamp(8px, 3%, 12px);}"), "a{--pad:clamp(8px, 3%, 12px)}");
}

#[test]
fn unfinished_input_ends_without_panicking() {
    for css in ["a{b:\"open", "/* open", "a\\", "url(", "a{b:url(x", "é/**/é", "😀 url(😀"] {
        let _ = minify(css);
    }
}
