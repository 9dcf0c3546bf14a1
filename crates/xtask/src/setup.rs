//! `cargo xtask setup`: makes a fresh Debian machine able to build and test.
//!
//! Each step checks first and says what it found or what it installs:
//!
//! 1. the `wasm32-unknown-unknown` Rust target (`rustup target add`);
//! 2. `wasm-bindgen-cli` at exactly the `wasm-bindgen` version in Cargo.lock
//!    (`cargo install wasm-bindgen-cli --version X`, deliberately without
//!    `--locked`: the CLI's own lock file pins a yanked crate). It also brings
//!    `wasm-bindgen-test-runner`, which cargo uses to run the wasm tests;
//! 3. Debian `chromium` and `chromium-driver` (headless browser for the wasm
//!    tests and Playwright; Playwright's own browser download is never used);
//! 4. `npm ci` (Playwright, TypeScript and npm `binaryen`, whose wasm-opt 132 we use:
//!    Debian's binaryen produces a bundle that crashes at start).
//!
//! Node.js and npm themselves are not installed: setup fails clearly without them.

use std::fs;
use std::path::Path;
use std::time::SystemTime;

use crate::cmd::{cargo, fail, rel, root, which, Cmd, Context, Result};

/// Salesforce's connector SDK, npm `@salesforce/scv-connector-base`
/// (pinned in package.json), where `npm ci` puts it: `dist` copies its
/// bundle, `package` checks the copy.
pub const VOICE_SDK_DIR: &str = "node_modules/@salesforce/scv-connector-base";
pub const VOICE_SDK_FILE: &str = "scv-connector-base.js";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Playwright 1.65 requires Node.js 20 or newer.
const MIN_NODE_MAJOR: u32 = 20;

pub fn run() -> Result<()> {
    println!("== setup: checking tools");
    wasm_target()?;
    lint_tools()?;
    wasm_bindgen_cli()?;
    chromium()?;
    npm_packages()?;
    println!("== setup: done");
    Ok(())
}

fn found(what: impl AsRef<str>) {
    println!("setup: found {}", what.as_ref());
}

fn installing(what: impl AsRef<str>) {
    println!("setup: installing {}", what.as_ref());
}

/// (1) The Rust wasm target.
/// rustfmt and clippy, for the `lint` stage of `cargo xtask test`.
fn lint_tools() -> Result<()> {
    for (tool, component) in [("fmt", "rustfmt"), ("clippy", "clippy")] {
        if cargo().args([tool, "--version"]).read().is_ok() {
            found(format!("cargo {tool}"));
        } else {
            installing(format!("{component} (rustup component add)"));
            Cmd::new("rustup").args(["component", "add", component]).run()?;
        }
    }
    Ok(())
}

fn wasm_target() -> Result<()> {
    let Ok(installed) = Cmd::new("rustup").args(["target", "list", "--installed"]).read() else {
        // No rustup (e.g. a distribution Rust): accept the target if its
        // standard library is present, otherwise say what is missing.
        let libdir =
            Cmd::new("rustc").args(["--print", "target-libdir", "--target", WASM_TARGET]).read().unwrap_or_default();
        if !libdir.is_empty() && Path::new(&libdir).is_dir() {
            found(format!("Rust target {WASM_TARGET} (no rustup; {libdir})"));
            return Ok(());
        }
        return fail(format!(
            "rustup not found and the Rust target {WASM_TARGET} is not installed; \
             install rustup (https://rustup.rs) or the target's standard library"
        ));
    };
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        found(format!("Rust target {WASM_TARGET}"));
        return Ok(());
    }
    installing(format!("Rust target {WASM_TARGET} (rustup target add)"));
    Cmd::new("rustup").args(["target", "add", WASM_TARGET]).run()
}

/// The wasm-bindgen version the build uses: the `[[package]]` entry of
/// Cargo.lock, else the `wasm-bindgen = "=X"` pin in the workspace Cargo.toml
/// (before the element crate first pulls wasm-bindgen into the lock file).
pub fn wasm_bindgen_version() -> Result<(String, &'static str)> {
    let lock_path = root().join("Cargo.lock");
    if let Ok(lock) = fs::read_to_string(&lock_path) {
        let versions = locked_versions(&lock, "wasm-bindgen");
        match versions.as_slice() {
            [] => {}
            [one] => return Ok((one.clone(), "Cargo.lock")),
            many => {
                return fail(format!(
                    "Cargo.lock has several wasm-bindgen versions ({}); \
                     pin one with `wasm-bindgen = \"=X\"` so the CLI can match it",
                    many.join(", ")
                ))
            }
        }
    }
    let toml_path = root().join("Cargo.toml");
    let toml = fs::read_to_string(&toml_path).ctx(|| format!("reading {}", toml_path.display()))?;
    for line in toml.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("wasm-bindgen") else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        // `"=0.2.130"` or `{ version = "=0.2.130", … }`
        if let Some(v) = value.split('"').nth(1).and_then(|v| v.strip_prefix('=')) {
            return Ok((v.trim().to_string(), "the pin in Cargo.toml"));
        }
    }
    fail(
        "cannot tell which wasm-bindgen-cli to install: no wasm-bindgen in Cargo.lock \
         and no exact `wasm-bindgen = \"=X\"` pin in Cargo.toml",
    )
}

/// Versions of every `[[package]]` named `name` in a Cargo.lock text.
fn locked_versions(lock: &str, name: &str) -> Vec<String> {
    let mut versions = Vec::new();
    let mut in_match = false;
    for line in lock.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_match = false;
        } else if let Some(v) = toml_string(line, "name") {
            in_match = v == name;
        } else if let Some(v) = toml_string(line, "version") {
            if in_match && !versions.iter().any(|x: &String| x == v) {
                versions.push(v.to_string());
            }
        }
    }
    versions
}

/// The string value of `key = "value"`, if `line` is that.
fn toml_string<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(key)?.trim_start().strip_prefix('=')?;
    rest.trim().strip_prefix('"')?.strip_suffix('"')
}

/// (2) wasm-bindgen-cli matching the library version.
fn wasm_bindgen_cli() -> Result<()> {
    let (want, source) = wasm_bindgen_version()?;
    // `wasm-bindgen 0.2.130`
    let have = Cmd::new("wasm-bindgen")
        .arg("--version")
        .read()
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).map(str::to_string));
    let runner = which("wasm-bindgen-test-runner").is_some();
    match have {
        Some(v) if v == want && runner => {
            let at = which("wasm-bindgen").map(|p| p.display().to_string());
            found(format!("wasm-bindgen-cli {v} ({}), matching {source}", at.unwrap_or_default()));
            return Ok(());
        }
        Some(v) if v == want => installing(format!("wasm-bindgen-cli {want} (wasm-bindgen-test-runner is missing)")),
        Some(v) => installing(format!("wasm-bindgen-cli {want} (found {v}, {source} wants {want}; takes ~2 min)")),
        None => installing(format!("wasm-bindgen-cli {want} (not found; takes ~2 min)")),
    }
    // Not `--locked`: the published lock file pins a yanked crate.
    cargo().args(["install", "wasm-bindgen-cli", "--version", &want]).run()?;
    let now = Cmd::new("wasm-bindgen").arg("--version").read()?;
    if !now.ends_with(&want) {
        return fail(format!(
            "installed wasm-bindgen-cli {want} but `wasm-bindgen --version` on PATH says `{now}`; \
             another wasm-bindgen earlier on PATH shadows $CARGO_HOME/bin"
        ));
    }
    Ok(())
}

/// (3) Debian Chromium and its WebDriver.
fn chromium() -> Result<()> {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER].into_iter().filter(|p| !Path::new(p).exists()).collect();
    if missing.is_empty() {
        let version = Cmd::new(CHROMIUM).arg("--version").read().unwrap_or_default();
        found(format!("{CHROMIUM} ({version}) and {CHROMEDRIVER}"));
        return Ok(());
    }
    if which("apt-get").is_none() {
        return fail(format!(
            "{} missing and apt-get is not available: install Chromium and chromedriver \
             at {CHROMIUM} and {CHROMEDRIVER}",
            missing.join(" and ")
        ));
    }
    let root_user = Cmd::new("id").arg("-u").read().map(|u| u == "0").unwrap_or(false);
    let sudo = if root_user {
        None
    } else if which("sudo").is_some() {
        Some("sudo")
    } else {
        return fail(format!(
            "{} missing; installing Debian chromium and chromium-driver needs root, \
             and sudo is not available. Run as root: \
             apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver",
            missing.join(" and ")
        ));
    };
    installing(format!("Debian packages chromium and chromium-driver ({} missing; apt-get)", missing.join(" and ")));
    let apt = |args: &[&str]| {
        let cmd = match sudo {
            Some(s) => Cmd::new(s).arg("apt-get"),
            None => Cmd::new("apt-get"),
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive")
    };
    apt(&["update"]).run()?;
    apt(&["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"]).run()?;
    for p in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(p).exists() {
            return fail(format!("apt-get finished but {p} is still missing"));
        }
    }
    Ok(())
}

/// (4) node_modules from package-lock.json.
fn npm_packages() -> Result<()> {
    let node = Cmd::new("node").arg("--version").read().map_err(|_| {
        crate::cmd::Error(format!(
            "Node.js not found: install Node.js {MIN_NODE_MAJOR}+ with npm \
             (needed for Playwright and wasm-opt)"
        ))
    })?;
    let major: u32 = node.trim_start_matches('v').split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
    if major < MIN_NODE_MAJOR {
        return fail(format!("Node.js {node} is too old: Playwright needs Node.js {MIN_NODE_MAJOR} or newer"));
    }
    let npm = Cmd::new("npm")
        .arg("--version")
        .read()
        .map_err(|_| crate::cmd::Error(format!("npm not found (node {node} is installed): install npm")))?;
    found(format!("node {node}, npm {npm}"));

    let root = root();
    let lock = root.join("package-lock.json");
    let modules = root.join("node_modules");
    let marker = modules.join(".package-lock.json");
    let reason = if !modules.is_dir() {
        Some("node_modules is missing".to_string())
    } else if !marker.is_file() {
        Some(format!("{} is missing", rel(&marker)))
    } else if mtime(&lock)? > mtime(&marker)? {
        Some("package-lock.json is newer than node_modules".to_string())
    } else if ["wasm-opt", "playwright", "tsc"].iter().any(|bin| !root.join("node_modules/.bin").join(bin).is_file()) {
        Some("node_modules lacks wasm-opt, playwright or tsc".to_string())
    } else if !root.join(VOICE_SDK_DIR).join("dist").join(VOICE_SDK_FILE).is_file() {
        Some("node_modules lacks Salesforce's connector SDK".to_string())
    } else {
        None
    };
    match reason {
        None => {
            found("node_modules up to date with package-lock.json");
            Ok(())
        }
        Some(why) => {
            installing(format!(
                "npm packages: @playwright/test, typescript, binaryen, @salesforce/scv-connector-base (npm ci; {why})"
            ));
            Cmd::new("npm").arg("ci").run()
        }
    }
}

fn mtime(path: &Path) -> Result<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ctx(|| format!("reading the time of {}", rel(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_locked_wasm_bindgen() {
        let lock = r#"
[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"
"#;
        assert_eq!(locked_versions(lock, "wasm-bindgen"), vec!["0.2.130"]);
        assert!(locked_versions(lock, "leptos").is_empty());
    }
}
