//! Fuzz targets for `ctisvr-core`, on stable Rust (no cargo-fuzz: this
//! toolchain has no nightly). Each target is a proptest strategy for its
//! inputs and the invariants its outputs must keep, so a failure shrinks
//! to a small input and prints it:
//!
//! | target | input | invariants |
//! |---|---|---|
//! | `frames` | any text, JSON, and frames shaped like CtiSVR's | `ServerFrame::decode` and `RequestFrame::decode` never panic; what decodes re-encodes to the same frame |
//! | `settings` | call center items (Lightning object, Classic text) and attributes | never panic; accepted settings name a `ws://`/`wss://` server A |
//! | `click_to_dial` | Open CTI `onClickToDial` payloads of both flavours | never panic; an accepted click has a number |
//! | `dialing` | numbers as CRM records hold them, and junk | never panic; what is dialled is digits, `*` and `#` only; an extension is digits |
//! | `session` | sequences of socket events, server frames (answers, errors, duplicates, unknown ids, events, junk), agent commands, CRM answers, tab messages, page and network events, language changes and clock jumps | never panic; the password is in no output but the `login`/`setstate` frames; at most one agent request waits for its answer; no call appears from a response that cannot create one; at most `MAX_CALLS` calls; the snapshot agrees with itself |
//!
//! `cargo test -p ctisvr-fuzz` runs each target for a fixed number of cases
//! with a fixed seed (part of `cargo xtask test`); `cargo xtask fuzz
//! --seconds N` runs them, round-robin with fresh seeds, for N seconds and
//! prints cases per target (docs/testing.md).

pub mod inputs;
pub mod parsers;
pub mod session;

use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// One fuzz target: `check` runs `cases` cases with `runner`.
pub struct Target {
    pub name: &'static str,
    pub check: fn(&mut TestRunner) -> Result<(), String>,
}

/// Every target, in the order the loop runs them.
pub const TARGETS: [Target; 5] = [
    Target { name: "frames", check: parsers::frames },
    Target { name: "settings", check: parsers::settings },
    Target { name: "click_to_dial", check: parsers::click_to_dial },
    Target { name: "dialing", check: parsers::dialing },
    Target { name: "session", check: session::sequences },
];

/// A runner of `cases` cases from `seed`, shrinking failures, persisting
/// nothing (a failure is printed, and becomes a test by hand).
pub fn runner(cases: u32, seed: u64) -> TestRunner {
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    let mut bytes = [0u8; 32];
    for (i, byte) in seed.to_le_bytes().iter().enumerate() {
        if let Some(slot) = bytes.get_mut(i) {
            *slot = *byte;
        }
    }
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// Runs `target` for `cases` cases from `seed`.
pub fn run(target: &Target, cases: u32, seed: u64) -> Result<(), String> {
    (target.check)(&mut runner(cases, seed)).map_err(|failure| format!("{} (seed {seed}): {failure}", target.name))
}
