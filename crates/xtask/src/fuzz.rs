//! `cargo xtask fuzz [--seconds N] [--target T] [--seed S]`: the fuzz
//! targets of `ctisvr-fuzz` (release build) for N seconds (default 60),
//! round-robin with fresh seeds; a failure prints its shrunk input and the
//! seed to reproduce it. `cargo xtask test` runs them for a short fixed time
//! ([`stage`]).

use crate::cmd::{cargo, Result};

/// Seconds the `fuzz` stage of `cargo xtask test` runs the targets.
const STAGE_SECONDS: &str = "30";

/// Runs the fuzzer with `args` (passed on to `ctisvr-fuzz`).
pub fn run(args: &[String]) -> Result<()> {
    cargo().args(["run", "-p", "ctisvr-fuzz", "--release", "--"]).args(args).run()
}

/// The test stage: every target for [`STAGE_SECONDS`], from a seed of the
/// clock (printed), in the debug build the native stage made.
pub fn stage() -> Result<()> {
    cargo().args(["run", "-p", "ctisvr-fuzz", "--", "--seconds", STAGE_SECONDS]).run()
}
