//! `cargo xtask dist`: builds the servable site into `dist/`.
//!
//! 1. `cargo build -p ctisvr-softphone --target wasm32-unknown-unknown --release`
//! 2. `wasm-bindgen --target web --no-typescript --encode-into always
//!    --out-dir dist/pkg …` gives `dist/pkg/ctisvr_softphone.js` and
//!    `dist/pkg/ctisvr_softphone_bg.wasm`
//! 3. npm binaryen's `wasm-opt -Oz --strip-debug --strip-producers`, twice, on
//!    the `_bg.wasm`, in place (never Debian's binaryen: its output crashes at
//!    start)
//!    (1-3 twice: the element in `dist/pkg/`, and the Salesforce Voice
//!    connector's engine, feature `voice-connector`, in `dist/voice/pkg/`)
//! 4. `site/` copied into `dist/` recursively (pages import `./pkg/…`), and
//!    Salesforce's connector SDK from node_modules into `dist/voice/`
//! 5. the npm package in `dist/npm/` (`npm_package.rs`): the element's
//!    entry module, the wasm, its TypeScript declarations and Custom
//!    Elements Manifest (from ctisvr-core's `element_api`)
//! 6. sizes, raw and gzip, of the wasm and the JS glue, and their total
//!    against the budget (enforced: `dist` fails over it) and the 100 KB
//!    gzip target of issue 11 (printed); the stylesheet is compiled into
//!    the wasm, so its bytes are counted there
//!
//! docs/benchmarks.md ("Bundle size") has what each flag saves, measured.
//!
//! `dist/` is emptied first so nothing stale is served.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::{cargo, fail, rel, root, target_dir, Cmd, Context, Result};
use crate::files;
use crate::setup::{VOICE_SDK_DIR, VOICE_SDK_FILE, WASM_TARGET};

const CRATE: &str = "ctisvr-softphone";
const LIB: &str = "ctisvr_softphone";
/// The element's stylesheet. It is compiled into the wasm (`include_str!` in
/// `element.rs`) and no page, package or test loads it as a file, so `dist/`
/// does not ship it and the total does not count it again: its bytes are
/// inside the wasm's figure.
const CSS: &str = "styles/softphone.css";
/// The most the bundle (wasm + JS glue, gzip; the CSS is inside the wasm)
/// may weigh, in KiB: `dist` fails above it, so what was cut stays cut.
/// A ratchet: set a little above the bundle of the day (rustc 1.95; the
/// margin absorbs another toolchain's few KB) and lowered with each cut,
/// down to the target. Raised only for a feature, with its cost written in
/// docs/benchmarks.md: 200 KB for the 195.6 KB bundle of 2026-12-01, 205 KB
/// the same day for issue 12's features (200.2 KB), 212 KB for English and
/// French (210.0 KB).
const TOTAL_GZIP_BUDGET_KB: f64 = 212.0;
/// Issue 11's target for the same total, in KiB: printed until met, then
/// the budget.
const TOTAL_GZIP_TARGET_KB: f64 = 100.0;

/// wasm-bindgen flags beyond `--target web --no-typescript`. `--encode-into
/// always` drops the glue's fallback for browsers without
/// `TextEncoder.encodeInto` (every browser that runs this module, which needs
/// reference types and bulk memory, has it): 61 bytes gzip less JS.
const WASM_BINDGEN_FLAGS: &[&str] = &["--encode-into", "always"];

/// wasm-opt passes, one run per entry. A second `-Oz` run finds more to
/// shrink (1.3 KB gzip, docs/benchmarks.md); a third, `--converge`, `--gufa`,
/// `-Os`, `-O3` or `-O4` do no better. Stripping debug sections and the
/// producers section (tool names and versions) saves 0.1 KB.
const WASM_OPT_RUNS: &[&[&str]] =
    &[&["-Oz", "--strip-debug", "--strip-producers"], &["-Oz", "--strip-debug", "--strip-producers"]];

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

/// The Salesforce Voice connector's build of the crate (its cargo feature),
/// in `dist/voice/pkg/`: the element's users do not download it.
pub const VOICE_FEATURE: &str = "voice-connector";

pub fn run() -> Result<()> {
    let dist = dist_dir();
    let pkg = dist.join("pkg");
    let site = root().join("site");
    if !site.is_dir() {
        return fail(format!("{} is missing: nothing to copy into dist/", site.display()));
    }
    if dist.exists() {
        fs::remove_dir_all(&dist).ctx(|| format!("emptying {}", rel(&dist)))?;
    }

    println!("== dist: the element for {WASM_TARGET}");
    let wasm = build_wasm(None, &pkg)?;
    println!("== dist: the Salesforce Voice connector's engine (feature {VOICE_FEATURE})");
    let voice_pkg = dist.join("voice").join("pkg");
    let voice_wasm = build_wasm(Some(VOICE_FEATURE), &voice_pkg)?;

    println!("== dist: copying site/ into dist/");
    let copied = files::copy_dir(&site, &dist)?;
    println!("copied {copied} file(s) from site/");
    preload_snippets(&dist, &pkg)?;
    copy_voice_sdk(&dist)?;

    println!("== dist: the npm package");
    crate::npm_package::write(&dist)?;

    println!("== dist: the connector's engine (not the element's budget)");
    let voice_total = wasm_and_glue_gzip(&voice_wasm, &voice_pkg)?;
    println!("connector engine: wasm + JS glue gzip {:.1} KB ({})", voice_total as f64 / 1024.0, rel(&voice_pkg));
    report_sizes(&wasm, &pkg)
}

/// Builds the crate (with `feature`), runs wasm-bindgen into `out` and
/// wasm-opt on the result; returns the optimised `_bg.wasm`.
fn build_wasm(feature: Option<&str>, out: &Path) -> Result<PathBuf> {
    let build = cargo().args(["build", "-p", CRATE, "--target", WASM_TARGET, "--release"]);
    match feature {
        Some(feature) => build.args(["--features", feature]).run()?,
        None => build.run()?,
    }
    let wasm_in = target_dir().join(WASM_TARGET).join("release").join(format!("{LIB}.wasm"));
    if !wasm_in.is_file() {
        return fail(format!("{} was not produced: is `{CRATE}` a cdylib with lib name `{LIB}`?", rel(&wasm_in)));
    }
    fs::create_dir_all(out).ctx(|| format!("creating {}", rel(out)))?;

    println!("== dist: wasm-bindgen");
    Cmd::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript"])
        .args(WASM_BINDGEN_FLAGS.iter().copied())
        .arg("--out-dir")
        .arg(out)
        .arg(&wasm_in)
        .run()?;
    let wasm = out.join(format!("{LIB}_bg.wasm"));
    let js = out.join(format!("{LIB}.js"));
    for f in [&wasm, &js] {
        if !f.is_file() {
            return fail(format!("wasm-bindgen did not produce {}", rel(f)));
        }
    }

    println!("== dist: wasm-opt");
    let before = size(&wasm)?;
    let wasm_opt = root().join("node_modules/.bin/wasm-opt");
    if !wasm_opt.is_file() {
        return fail(format!("{} is missing: run `cargo xtask setup` (npm ci installs binaryen)", rel(&wasm_opt)));
    }
    let tmp = out.join(format!("{LIB}_bg.opt.wasm"));
    for passes in WASM_OPT_RUNS {
        Cmd::new(wasm_opt.as_os_str())
            .args(passes.iter().copied())
            .args(WASM_OPT_FEATURES.iter().copied())
            .arg(&wasm)
            .arg("-o")
            .arg(&tmp)
            .run()?;
        fs::rename(&tmp, &wasm).ctx(|| format!("replacing {}", rel(&wasm)))?;
    }
    println!("wasm-opt: {} -> {}", kb(before), kb(size(&wasm)?));
    Ok(wasm)
}

/// gzip bytes of `wasm` and the JS files under `pkg`.
fn wasm_and_glue_gzip(wasm: &Path, pkg: &Path) -> Result<u64> {
    let mut js_files = Vec::new();
    list_files(pkg, "js", &mut js_files)?;
    let mut total = gzip_size(wasm)?;
    for file in &js_files {
        total += gzip_size(file)?;
    }
    Ok(total)
}

/// Salesforce's connector SDK (npm, installed by setup), unmodified as its
/// terms require, beside the Salesforce Voice connector page that loads it:
/// `dist/voice/scv-connector-base.js`, with its licence and terms of use.
fn copy_voice_sdk(dist: &Path) -> Result<()> {
    let sdk = root().join(VOICE_SDK_DIR);
    let voice = dist.join("voice");
    fs::create_dir_all(&voice).ctx(|| format!("creating {}", rel(&voice)))?;
    let copies = [
        (sdk.join("dist").join(VOICE_SDK_FILE), voice.join(VOICE_SDK_FILE)),
        (sdk.join("LICENSE.txt"), voice.join("scv-connector-base.LICENSE.txt")),
        (sdk.join("TERMSOFUSE.txt"), voice.join("scv-connector-base.TERMSOFUSE.txt")),
    ];
    for (from, to) in copies {
        if !from.is_file() {
            return fail(format!("{} is missing: run `cargo xtask setup` (npm ci)", rel(&from)));
        }
        fs::copy(&from, &to).ctx(|| format!("copying {} to {}", rel(&from), rel(&to)))?;
    }
    println!("voice/: Salesforce's connector SDK, unmodified, from {VOICE_SDK_DIR}");
    Ok(())
}

/// The glue imports wasm-bindgen's snippets (our `inline_js`), which the
/// browser would only find once the glue is parsed: one more request in
/// series at every load. `dist/index.html` gets a `modulepreload` for each,
/// next to the glue's, so all are fetched at once.
fn preload_snippets(dist: &Path, pkg: &Path) -> Result<()> {
    const GLUE_PRELOAD: &str = r#"<link rel="modulepreload" href="./pkg/ctisvr_softphone.js">"#;
    let snippets_dir = pkg.join("snippets");
    let mut snippets = Vec::new();
    if snippets_dir.is_dir() {
        list_files(&snippets_dir, "js", &mut snippets)?;
    }
    let page = dist.join("index.html");
    let html = fs::read_to_string(&page).ctx(|| format!("reading {}", rel(&page)))?;
    if !html.contains(GLUE_PRELOAD) {
        return fail(format!("{} lost its `{GLUE_PRELOAD}`: the snippets' preloads go after it", rel(&page)));
    }
    let mut links = String::from(GLUE_PRELOAD);
    for snippet in &snippets {
        let href = snippet.strip_prefix(dist).unwrap_or(snippet).to_string_lossy().replace('\\', "/");
        links.push_str(&format!("\n  <link rel=\"modulepreload\" href=\"./{href}\">"));
    }
    fs::write(&page, html.replacen(GLUE_PRELOAD, &links, 1)).ctx(|| format!("writing {}", rel(&page)))?;
    println!("index.html: preloads the glue and {} snippet(s)", snippets.len());
    Ok(())
}

/// Prints raw and gzip sizes of the wasm and the JS glue (wasm-bindgen's
/// module and its snippets, each served and compressed on its own), and
/// their total against the target.
fn report_sizes(wasm: &Path, pkg: &Path) -> Result<()> {
    println!("== dist: sizes (gzip -9)");
    let mut js_files = Vec::new();
    list_files(pkg, "js", &mut js_files)?;
    let parts: [(&str, Vec<PathBuf>); 2] = [("wasm", vec![wasm.to_path_buf()]), ("JS glue", js_files)];
    let (mut total_raw, mut total_gz) = (0, 0);
    for (label, files) in &parts {
        let (mut raw, mut gz) = (0, 0);
        for file in files {
            raw += size(file)?;
            gz += gzip_size(file)?;
        }
        let what = match files.as_slice() {
            [one] => rel(one),
            many => format!("{} files in {}", many.len(), rel(pkg)),
        };
        println!("{label:8} {what:40} raw {:>10}  gzip {:>10}", kb(raw), kb(gz));
        total_raw += raw;
        total_gz += gz;
    }
    println!("{:8} {:40} raw {:>10}  gzip {:>10}", "total", "wasm + JS glue", kb(total_raw), kb(total_gz));
    println!("(the CSS, {CSS}, is compiled into the wasm and counted there)");
    let gz_kb = total_gz as f64 / 1024.0;
    println!(
        "budget: total gzip {gz_kb:.1} KB of {TOTAL_GZIP_BUDGET_KB:.0} KB; target {TOTAL_GZIP_TARGET_KB:.0} KB ({:.1} KB to cut)",
        (gz_kb - TOTAL_GZIP_TARGET_KB).max(0.0)
    );
    if gz_kb > TOTAL_GZIP_BUDGET_KB {
        return fail(format!(
            "the bundle is {gz_kb:.1} KB gzip, over its {TOTAL_GZIP_BUDGET_KB:.0} KB budget \
             (TOTAL_GZIP_BUDGET_KB in crates/xtask/src/dist.rs): find what grew (docs/benchmarks.md, \"Where the bytes go\")"
        ));
    }
    Ok(())
}

/// The files under `dir` (recursively) whose name ends in `.{ext}`, sorted.
fn list_files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).ctx(|| format!("reading {}", rel(dir)))? {
        entries.push(entry.ctx(|| format!("reading {}", rel(dir)))?.path());
    }
    entries.sort();
    for path in entries {
        if path.is_dir() {
            list_files(&path, ext, out)?;
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
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
