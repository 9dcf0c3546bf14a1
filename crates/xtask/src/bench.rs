//! `cargo xtask bench`: benchmarks that print figures, never assert them
//! (timed tests are flaky on shared machines). Builds `dist/` and the mock,
//! then runs `bench/*.bench.ts` with `playwright.bench.config.ts`; each
//! figure is a line starting with `BENCH`. `BENCH_RUNS` sets the runs (7).

use crate::cmd::{root, Cmd, Result};
use crate::{demo, dist};

pub fn run() -> Result<()> {
    dist::run()?;
    demo::build_mock()?;
    Cmd::new(root().join("node_modules/.bin/playwright").as_os_str())
        .args(["test", "--config", "playwright.bench.config.ts"])
        .run()
}
