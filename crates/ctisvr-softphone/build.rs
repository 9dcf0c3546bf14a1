//! Minifies the element's stylesheet for `element.rs` (`include_str!` of
//! `$OUT_DIR/softphone.css`): comments and the whitespace CSS does not need
//! go, which saves the wasm 0.6 KB gzip (docs/benchmarks.md, row l). Strings
//! are copied as written; whitespace is dropped only next to `{`, `}`, `;`
//! and `,` (outside parentheses, so that custom properties such as
//! `--cti-pad: clamp(8px, 3%, 12px)` keep their text) and after `:`, where it
//! never separates two selectors or values; a `;` right before `}` goes too.
//! Chromium reads the same rules from both (`cssText` of each rule compared).

use std::error::Error;
use std::path::PathBuf;
use std::{env, fs};

const SOURCE: &str = "../../styles/softphone.css";

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed={SOURCE}");
    let css = fs::read_to_string(SOURCE).map_err(|e| format!("reading {SOURCE}: {e}"))?;
    let out = PathBuf::from(env::var("OUT_DIR")?).join("softphone.css");
    fs::write(&out, minify(&css)).map_err(|e| format!("writing {}: {e}", out.display()))?;
    Ok(())
}

fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut space = false; // whitespace (or a comment) since the last character kept
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
            space = true;
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let glued = |c: char| matches!(c, '{' | '}' | ';') || (c == ',' && depth == 0);
        if space && !out.is_empty() && !glued(c) && !out.ends_with(|p: char| glued(p) || p == ':') {
            out.push(' ');
        }
        space = false;
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(c);
        if c == '"' || c == '\'' {
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
    }
    out
}
