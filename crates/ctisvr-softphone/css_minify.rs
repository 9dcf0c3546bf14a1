//! The stylesheet minifier of `build.rs` (the element embeds
//! `styles/softphone.css` minified: 0.6 KB gzip less wasm, docs/benchmarks.md
//! row l). Comments and the whitespace CSS does not need go; nothing else
//! changes. Build scripts have no test harness, so its tests are in
//! `crates/xtask` (`css_minify_tests.rs`), which includes this file.
//!
//! - Strings, escapes (`\ `, `\{`) and unquoted `url(…)` are copied as
//!   written.
//! - Whitespace is dropped only next to `{`, `}`, `;` and `,` (outside
//!   parentheses, so custom properties such as `--pad: clamp(8px, 3%, 12px)`
//!   keep their text) and after `:`, where it never separates two selectors
//!   or values; a `;` right before `}` goes too.
//! - A comment separates nothing by itself (`.a/**/.b` is `.a.b`), except
//!   between two name characters, where a space keeps the tokens apart.

/// `css` without comments and needless whitespace.
pub fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut space = false; // whitespace since the last character kept
    let mut comment = false; // a comment since the last character kept
    let mut depth = 0_usize; // parentheses open
    while let Some(c) = chars.next() {
        if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut last = ' ';
            for c in chars.by_ref() {
                if last == '*' && c == '/' {
                    break;
                }
                last = c;
            }
            comment = true;
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let glued = |c: char| matches!(c, '{' | '}' | ';') || (c == ',' && depth == 0);
        let prev = out.chars().last();
        let needs_space = if space {
            prev.is_some_and(|p| !glued(p) && p != ':') && !glued(c)
        } else {
            comment && prev.is_some_and(is_name) && is_name(c)
        };
        if needs_space {
            out.push(' ');
        }
        space = false;
        comment = false;
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(c);
        match c {
            '\\' => {
                // An escape: the next character, whatever it is, is part of the name.
                if let Some(escaped) = chars.next() {
                    out.push(escaped);
                }
            }
            '"' | '\'' => {
                // A string, as written (a backslash escapes the next character).
                while let Some(s) = chars.next() {
                    out.push(s);
                    if s == '\\' {
                        if let Some(escaped) = chars.next() {
                            out.push(escaped);
                        }
                    } else if s == c {
                        break;
                    }
                }
            }
            '(' if out.get(out.len().saturating_sub(4)..).is_some_and(|tail| tail.eq_ignore_ascii_case("url(")) => {
                // An unquoted URL is one token: copied up to its `)`.
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if !matches!(chars.peek(), Some('"' | '\'')) {
                    for u in chars.by_ref() {
                        if u == ')' {
                            depth = depth.saturating_sub(1);
                            out.truncate(out.trim_end().len());
                            out.push(u);
                            break;
                        }
                        out.push(u);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A character of a CSS name or number.
fn is_name(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '%') || !c.is_ascii()
}
