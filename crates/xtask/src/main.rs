//! Build and test orchestration for the `<ctisvr-softphone>` workspace.
//!
//! Run as `cargo xtask <command>` (alias in `.cargo/config.toml`). Standard
//! library, plus ctisvr-core and serde_json for the element's API (the npm
//! package's declarations and manifest). Every external command is echoed before it runs; errors are
//! printed as one readable message and the exit status is non-zero.
//!
//! - [`setup`]: install what is missing (wasm target, wasm-bindgen-cli,
//!   Chromium, npm packages)
//! - [`dist`]: build the element to wasm and assemble `dist/`
//! - [`demo`]: `dist`, then run the mock CtiSVR serving it
//! - [`package`]: `dist`, then the Salesforce static resource and SFDX project
//! - [`bench`]: start-up and failover timings in Chromium, printed
//! - [`fuzz`]: the fuzz targets of `ctisvr-fuzz` for a given time
//! - [`load`]: N simulated softphones against the mock (`ctisvr-load`)
//! - [`test`]: every test (native, wasm in Chromium, Playwright end to end)

mod bench;
mod cmd;
#[cfg(test)]
mod css_minify_tests;
mod custom_elements;
mod declarations;
mod demo;
mod dist;
mod files;
mod fuzz;
mod load;
mod npm_package;
mod package;
mod setup;
mod test;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [-- args]

commands:
  setup   install what is missing: the wasm32 Rust target, wasm-bindgen-cli
          (the version in Cargo.lock), Debian chromium + chromium-driver, npm ci
  dist    setup, build the element (release wasm), wasm-bindgen, wasm-opt -Oz,
          copy site/ into dist/, print sizes
  package setup, dist, then dist/salesforce/: the static resource
          ctisvrsoftphone.zip and an SFDX project (Visualforce page, call
          center) to deploy with `sf project deploy start`
  demo    setup, dist, build and start the mock CtiSVR on 127.0.0.1:8080 and
          print the demo URL; args after `--` go to ctisvr-mock
  test    setup, native tests, wasm tests (headless Chromium), dist, mock
          build, Playwright; stops at the first failure
  bench   setup, dist, mock build, then the benchmarks in bench/ (start-up,
          reload, failover timings and round trips; our adapter page side by
          side with the plain-JS reference client), printed as BENCH lines
  fuzz    the fuzz targets of ctisvr-fuzz (frames, settings, click_to_dial,
          dialing, session) for a while: `cargo xtask fuzz -- --seconds 600`
          (also --target NAME, --seed N); prints cases run per target
  load    N simulated softphones (ctisvr-core sessions on real sockets)
          against the mock, both release builds: start-up and login, call
          traffic, a CtiSVR restart; prints LOAD lines (ready times, errors,
          the mock's CPU and memory, reconnects per 100 ms):
          `cargo xtask load -- --agents 10000` (`-- --help` for the rest)
  help    this text";

fn main() -> ExitCode {
    cmd::put_cargo_bin_on_path();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // `cargo xtask demo -- --http …`: drop the separator.
    let rest = match rest.split_first() {
        Some((sep, tail)) if sep == "--" => tail,
        _ => rest,
    };
    let takes_args = matches!(command, "demo" | "fuzz" | "load");
    if !rest.is_empty() && !takes_args {
        eprintln!("error: `{command}` takes no arguments (got {rest:?})\n\n{USAGE}");
        return ExitCode::from(2);
    }

    let result = match command {
        "setup" => setup::run(),
        "dist" => setup::run().and_then(|()| dist::run()),
        "package" => setup::run().and_then(|()| package::run()),
        "bench" => setup::run().and_then(|()| bench::run()),
        "fuzz" => fuzz::run(rest),
        "load" => load::run(rest),
        "demo" => setup::run().and_then(|()| dist::run()).and_then(|()| demo::run(rest)),
        "test" => {
            // Prints its own FAILED line and summary.
            return match test::run() {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::FAILURE,
            };
        }
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => {
            eprintln!("error: unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
