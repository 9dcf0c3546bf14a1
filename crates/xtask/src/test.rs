//! `cargo xtask test`: every test, in stages, stopping at the first failure.
//!
//! | stage   | what runs                                                         |
//! |---------|-------------------------------------------------------------------|
//! | setup   | `cargo xtask setup` (installs what is missing)                    |
//! | native  | `cargo test --workspace --exclude ctisvr-softphone` (the fuzz targets for fixed cases among them) |
//! | fuzz    | `cargo run -p ctisvr-fuzz -- --seconds 30`: every fuzz target, fresh seeds (printed) |
//! | lint    | `cargo fmt --check`; `cargo clippy -D warnings` on the native crates and on the element for wasm32 (the crates deny unwrap/expect/indexing/panic outside tests) |
//! | wasm    | `cargo test -p ctisvr-softphone --target wasm32-unknown-unknown` in headless Chromium (`CHROMEDRIVER=/usr/bin/chromedriver`, runner from `.cargo/config.toml`) |
//! | dist    | `cargo xtask dist`                                                |
//! | types   | `tsc -p e2e/types`: a page's TypeScript against the package's `.d.ts` |
//! | package | the Salesforce package from that `dist/` (`package::assemble`), validated |
//! | mock    | `cargo build -p ctisvr-mock -p ctisvr-voicecall` (Playwright's `webServer` starts the mock; e2e/voice.spec.ts the VoiceCall service) |
//! | load    | `ctisvr-load --agents 200` against that mock: start-up, traffic, a restart, no error |
//! | e2e     | `node_modules/.bin/playwright test` (`CI` passes through)          |
//!
//! A failure prints `FAILED: <stage>` and exits non-zero; either way a table
//! of stage timings ends the output.

use std::time::{Duration, Instant};

use crate::cmd::{cargo, root, Cmd, Result};
use crate::setup::{CHROMEDRIVER, WASM_TARGET};
use crate::{dist, fuzz, load, package, setup};

type Stage = (&'static str, fn() -> Result<()>);

const STAGES: &[Stage] = &[
    ("setup", setup::run),
    ("native", native),
    ("fuzz", fuzz::stage),
    ("lint", lint),
    ("wasm", wasm),
    ("dist", dist::run),
    ("types", types),
    ("package", package::assemble),
    ("mock", build_e2e_servers),
    ("load", load::stage),
    ("e2e", e2e),
];

fn native() -> Result<()> {
    cargo().args(["test", "--workspace", "--exclude", "ctisvr-softphone"]).run()
}

fn lint() -> Result<()> {
    cargo().args(["fmt", "--all", "--", "--check"]).run()?;
    cargo()
        .args(["clippy", "--workspace", "--exclude", "ctisvr-softphone", "--all-targets", "--", "-D", "warnings"])
        .run()?;
    cargo()
        .args([
            "clippy",
            "-p",
            "ctisvr-softphone",
            "--target",
            WASM_TARGET,
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ])
        .run()
}

fn wasm() -> Result<()> {
    cargo().args(["test", "-p", "ctisvr-softphone", "--target", WASM_TARGET]).env("CHROMEDRIVER", CHROMEDRIVER).run()
}

fn types() -> Result<()> {
    Cmd::new(root().join("node_modules/.bin/tsc").as_os_str()).arg("-p").arg(root().join("e2e/types")).run()
}

fn e2e() -> Result<()> {
    Cmd::new(root().join("node_modules/.bin/playwright").as_os_str()).arg("test").run()
}

/// Runs the stages; `Err` carries the name of the failed stage.
pub fn run() -> std::result::Result<(), String> {
    let mut timings: Vec<(&str, Duration)> = Vec::new();
    let mut failed = None;
    for &(name, stage) in STAGES {
        println!("\n==== stage {name}");
        let start = Instant::now();
        let result = stage();
        timings.push((name, start.elapsed()));
        if let Err(e) = result {
            eprintln!("error: {e}");
            failed = Some(name);
            break;
        }
    }
    println!("\n==== summary");
    let total: Duration = timings.iter().map(|(_, d)| *d).sum();
    for (name, d) in &timings {
        println!("stage {name}: {:.1} s", d.as_secs_f64());
    }
    println!("total: {:.1} s", total.as_secs_f64());
    match failed {
        Some(name) => {
            eprintln!("FAILED: {name}");
            Err(name.to_string())
        }
        None => {
            println!("all stages passed");
            Ok(())
        }
    }
}

/// The e2e's servers: the mock (Playwright's `webServer`) and the VoiceCall
/// service (e2e/voice.spec.ts starts it), debug builds.
fn build_e2e_servers() -> Result<()> {
    cargo().args(["build", "-p", "ctisvr-mock", "-p", "ctisvr-voicecall"]).run()
}
