//! Minifies the element's stylesheet for `element.rs` (`include_str!` of
//! `$OUT_DIR/softphone.css`) with `css_minify.rs`, which says what it keeps.
//! Chromium reads the same rules from both (`cssText` of each rule compared).

#[path = "css_minify.rs"]
mod css_minify;

use std::error::Error;
use std::path::PathBuf;
use std::{env, fs};

const SOURCE: &str = "../../styles/softphone.css";

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed={SOURCE}");
    let css = fs::read_to_string(SOURCE).map_err(|e| format!("reading {SOURCE}: {e}"))?;
    let out = PathBuf::from(env::var("OUT_DIR")?).join("softphone.css");
    fs::write(&out, css_minify::minify(&css)).map_err(|e| format!("writing {}: {e}", out.display()))?;
    Ok(())
}
