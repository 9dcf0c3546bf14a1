//! Each fuzz target for a fixed number of cases from a fixed seed: the
//! short run `cargo xtask test` does (`cargo xtask fuzz` runs them longer).

use ctisvr_fuzz::{run, TARGETS};

fn target(name: &str, cases: u32) {
    let Some(target) = TARGETS.iter().find(|t| t.name == name) else { panic!("no target {name}") };
    if let Err(failure) = run(target, cases, 0x5eed) {
        panic!("{failure}");
    }
}

#[test]
fn frames() {
    target("frames", 2_000);
}

#[test]
fn settings() {
    target("settings", 1_000);
}

#[test]
fn click_to_dial() {
    target("click_to_dial", 1_000);
}

#[test]
fn dialing() {
    target("dialing", 2_000);
}

#[test]
fn session() {
    target("session", 300);
}
