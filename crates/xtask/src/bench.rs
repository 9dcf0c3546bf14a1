//! `cargo xtask bench`: benchmarks that print figures, never assert them
//! (timed tests are flaky on shared machines). Builds `dist/` and the mock,
//! copies the plain-JavaScript reference client (`bench/reference/`) to
//! `dist/reference/` so that the mock serves it beside our adapter page,
//! then runs `bench/*.bench.ts` with `playwright.bench.config.ts`; each
//! figure is a line starting with `BENCH`. `BENCH_RUNS` sets the runs (7);
//! `BENCH_LEAK_CYCLES` the reconnects and calls of `bench/leaks.bench.ts`
//! (500).
//! docs/benchmarks.md has the figures and how each is measured.

use crate::cmd::{root, Cmd, Result};
use crate::{demo, dist, files};

pub fn run() -> Result<()> {
    dist::run()?;
    // Only for the bench: `dist` empties dist/ first, so it never ships.
    files::copy_dir(&root().join("bench/reference"), &root().join("dist/reference"))?;
    demo::build_mock()?;
    Cmd::new(root().join("node_modules/.bin/playwright").as_os_str())
        .args(["test", "--config", "playwright.bench.config.ts"])
        .run()
}
