//! `cargo xtask dist`: builds the servable site into `dist/`.
//!
//! 1. `cargo build -p ctisvr-softphone --target wasm32-unknown-unknown --release`
//! 2. `wasm-bindgen --target web --no-typescript --out-dir dist/pkg …` gives
//!    `dist/pkg/ctisvr_softphone.js` and `dist/pkg/ctisvr_softphone_bg.wasm`
//! 3. npm binaryen's `wasm-opt -Oz` on the `_bg.wasm`, in place (never
//!    Debian's binaryen: its output crashes at start)
//! 4. `site/` copied into `dist/` recursively (pages import `./pkg/…`)
//! 5. sizes, raw and gzip, against the 150 KB gzip budget for the wasm
//!
//! `dist/` is emptied first so nothing stale is served.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::{cargo, fail, rel, root, target_dir, Cmd, Context, Result};
use crate::setup::WASM_TARGET;

const CRATE: &str = "ctisvr-softphone";
const LIB: &str = "ctisvr_softphone";
/// Target for the gzip size of the wasm, in KiB.
const WASM_GZIP_BUDGET_KB: f64 = 150.0;

/// wasm-opt features. rustc 1.95 uses these by default for
/// wasm32-unknown-unknown (memory.copy/fill, multivalue shims, the externref
/// table). wasm-bindgen 0.2.130 keeps the `target_features` section, from which
/// wasm-opt 132 reads them, so today the flags change nothing (same output
/// bytes); without that section wasm-opt 132 rejects the module ("memory.copy
/// operations require bulk memory", "requires --enable-reference-types", …).
/// Passing them keeps the build working if the section ever goes.
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
    "--enable-reference-types",
];

pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

pub fn run() -> Result<()> {
    let dist = dist_dir();
    let pkg = dist.join("pkg");
    let site = root().join("site");
    if !site.is_dir() {
        return fail(format!("{} is missing: nothing to copy into dist/", site.display()));
    }

    println!("== dist: building the element for {WASM_TARGET}");
    cargo().args(["build", "-p", CRATE, "--target", WASM_TARGET, "--release"]).run()?;
    let wasm_in = target_dir().join(WASM_TARGET).join("release").join(format!("{LIB}.wasm"));
    if !wasm_in.is_file() {
        return fail(format!("{} was not produced: is `{CRATE}` a cdylib with lib name `{LIB}`?", rel(&wasm_in)));
    }

    if dist.exists() {
        fs::remove_dir_all(&dist).ctx(|| format!("emptying {}", rel(&dist)))?;
    }
    fs::create_dir_all(&pkg).ctx(|| format!("creating {}", rel(&pkg)))?;

    println!("== dist: wasm-bindgen");
    Cmd::new("wasm-bindgen").args(["--target", "web", "--no-typescript", "--out-dir"]).arg(&pkg).arg(&wasm_in).run()?;
    let wasm = pkg.join(format!("{LIB}_bg.wasm"));
    let js = pkg.join(format!("{LIB}.js"));
    for f in [&wasm, &js] {
        if !f.is_file() {
            return fail(format!("wasm-bindgen did not produce {}", rel(f)));
        }
    }

    println!("== dist: wasm-opt -Oz");
    let before = size(&wasm)?;
    let wasm_opt = root().join("node_modules/.bin/wasm-opt");
    if !wasm_opt.is_file() {
        return fail(format!("{} is missing: run `cargo xtask setup` (npm ci installs binaryen)", rel(&wasm_opt)));
    }
    let tmp = pkg.join(format!("{LIB}_bg.opt.wasm"));
    Cmd::new(wasm_opt.as_os_str())
        .arg("-Oz")
        .args(WASM_OPT_FEATURES.iter().copied())
        .arg(&wasm)
        .arg("-o")
        .arg(&tmp)
        .run()?;
    fs::rename(&tmp, &wasm).ctx(|| format!("replacing {}", rel(&wasm)))?;
    println!("wasm-opt: {} -> {}", kb(before), kb(size(&wasm)?));

    println!("== dist: copying site/ into dist/");
    let copied = copy_dir(&site, &dist)?;
    println!("copied {copied} file(s) from site/");

    report_sizes(&wasm, &js)
}

/// Prints raw and gzip sizes of the wasm and the JS glue.
fn report_sizes(wasm: &Path, js: &Path) -> Result<()> {
    println!("== dist: sizes");
    let wasm_gz = gzip_size(wasm)?;
    for (label, path, gz) in [("wasm", wasm, wasm_gz), ("JS glue", js, gzip_size(js)?)] {
        println!("{label:8} {:40} raw {:>10}  gzip {:>10}", rel(path), kb(size(path)?), kb(gz));
    }
    let gz_kb = wasm_gz as f64 / 1024.0;
    let verdict = if gz_kb <= WASM_GZIP_BUDGET_KB { "within budget" } else { "OVER BUDGET" };
    println!("budget: wasm gzip {gz_kb:.1} KB of {WASM_GZIP_BUDGET_KB:.0} KB ({verdict})");
    Ok(())
}

fn size(path: &Path) -> Result<u64> {
    Ok(fs::metadata(path).ctx(|| format!("reading {}", rel(path)))?.len())
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// Bytes of `gzip -9 -c FILE` (std only: shells out to gzip).
fn gzip_size(path: &Path) -> Result<u64> {
    let out = Cmd::new("gzip").args(["-9", "-c"]).arg(path).output()?;
    if !out.status.success() {
        return fail(format!("gzip -9 -c {} failed ({})", rel(path), out.status));
    }
    Ok(out.stdout.len() as u64)
}

/// Copies the files under `from` into `to` (recursively), returning how many.
fn copy_dir(from: &Path, to: &Path) -> Result<usize> {
    fs::create_dir_all(to).ctx(|| format!("creating {}", rel(to)))?;
    let mut n = 0;
    let entries = fs::read_dir(from).ctx(|| format!("reading {}", rel(from)))?;
    for entry in entries {
        let entry = entry.ctx(|| format!("reading {}", rel(from)))?;
        let src = entry.path();
        let dst = to.join(entry.file_name());
        let ty = entry.file_type().ctx(|| format!("reading {}", rel(&src)))?;
        if ty.is_dir() {
            n += copy_dir(&src, &dst)?;
        } else {
            // Follows symlinks: dist/ gets real files.
            fs::copy(&src, &dst).ctx(|| format!("copying {} to {}", rel(&src), rel(&dst)))?;
            n += 1;
        }
    }
    Ok(n)
}
