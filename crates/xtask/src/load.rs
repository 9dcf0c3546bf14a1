//! `cargo xtask load [-- --agents N ...]`: builds ctisvr-mock and
//! ctisvr-load in release mode and runs the load (N simulated softphones:
//! start-up, traffic, a CtiSVR restart; see the ctisvr-load crate). Args
//! after `--` go to ctisvr-load (`--help` lists them). `cargo xtask test`
//! runs a small load ([`stage`]) so the tool keeps working.

use crate::cmd::{cargo, target_dir, Cmd, Result};

/// Builds both in release mode, then runs the load with `args`.
pub fn run(args: &[String]) -> Result<()> {
    cargo().args(["build", "--release", "-p", "ctisvr-mock", "-p", "ctisvr-load"]).run()?;
    let release = target_dir().join("release");
    Cmd::new(release.join("ctisvr-load").as_os_str())
        .arg("--mock")
        .arg(release.join("ctisvr-mock").as_os_str())
        .arg("--work-dir")
        .arg(target_dir().join("load").as_os_str())
        .args(args)
        .run()
}

/// The test stage: 200 softphones against the debug mock the `mock` stage
/// built, a short traffic and a CtiSVR down for 1 s; fails on any error or
/// a softphone that does not come back.
pub fn stage() -> Result<()> {
    let mock = target_dir().join("debug/ctisvr-mock");
    cargo()
        .args(["run", "-p", "ctisvr-load", "--", "--agents", "200", "--traffic-seconds", "5", "--talk-ms", "2000"])
        .args(["--down-ms", "1000", "--phase-limit", "60", "--mock"])
        .arg(mock.as_os_str())
        .arg("--work-dir")
        .arg(target_dir().join("load").as_os_str())
        .run()
}
