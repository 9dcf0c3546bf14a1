//! `dist/npm/`: the npm package of the element, written by `cargo xtask
//! dist` after the site. `npm pack dist/npm` makes the tarball; the e2e
//! suite installs it into a scratch page (`e2e/package.spec.ts`).
//!
//! | file | from |
//! |---|---|
//! | `package.json` | here: the workspace's name, version and licence, `exports`, `types`, `customElements`, `files` |
//! | `ctisvr-softphone.js` | `site/ctisvr-softphone.js`: defines the element on import |
//! | `ctisvr-softphone.d.ts` | [`crate::declarations`], from ctisvr-core's `element_api` |
//! | `custom-elements.json` | [`crate::custom_elements`], from the same |
//! | `README.md` | `npm/README.md` |
//! | `pkg/` | `dist/pkg/`: the wasm and wasm-bindgen's glue |

use std::fs;
use std::path::Path;

use serde_json::json;

use crate::cmd::{fail, rel, root, Context, Result};
use crate::custom_elements::{self, MODULE};
use crate::declarations::declarations;
use crate::files::copy_dir;

/// The package's name on npm.
pub const NAME: &str = "ctisvr-softphone";
const TYPES: &str = "ctisvr-softphone.d.ts";
const MANIFEST: &str = "custom-elements.json";

/// Writes `dist/npm/` from the built `dist/`.
pub fn write(dist: &Path) -> Result<()> {
    let package = dist.join("npm");
    fs::create_dir_all(&package).ctx(|| format!("creating {}", rel(&package)))?;
    copy_dir(&dist.join("pkg"), &package.join("pkg"))?;
    let entry = dist.join(MODULE);
    if !entry.is_file() {
        return fail(format!("{} is missing: site/{MODULE} defines the element for the package", rel(&entry)));
    }
    fs::copy(&entry, package.join(MODULE)).ctx(|| format!("copying {}", rel(&entry)))?;
    let readme = root().join("npm/README.md");
    fs::copy(&readme, package.join("README.md")).ctx(|| format!("copying {}", rel(&readme)))?;
    let manifest = serde_json::to_string_pretty(&custom_elements::manifest()).ctx(|| "writing the manifest")?;
    write_file(&package.join(MANIFEST), &(manifest + "\n"))?;
    write_file(&package.join(TYPES), &declarations())?;
    let json = serde_json::to_string_pretty(&package_json()).ctx(|| "writing package.json")?;
    write_file(&package.join("package.json"), &(json + "\n"))?;
    println!("npm package: {} ({NAME} {})", rel(&package), env!("CARGO_PKG_VERSION"));
    Ok(())
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).ctx(|| format!("writing {}", rel(path)))
}

fn package_json() -> serde_json::Value {
    json!({
        "name": NAME,
        "version": env!("CARGO_PKG_VERSION"),
        "description": "<ctisvr-softphone>: a CtiSVR call center softphone as one custom element (Rust, WebAssembly), with Salesforce Open CTI",
        "license": env!("CARGO_PKG_LICENSE"),
        "type": "module",
        "main": MODULE,
        "module": MODULE,
        "types": TYPES,
        "customElements": MANIFEST,
        "exports": {
            ".": { "types": format!("./{TYPES}"), "default": format!("./{MODULE}") },
            "./custom-elements.json": format!("./{MANIFEST}"),
            "./pkg/*": "./pkg/*",
            "./package.json": "./package.json",
        },
        "files": [MODULE, TYPES, MANIFEST, "pkg/", "README.md"],
        // Importing the entry defines the element: bundlers must keep it.
        "sideEffects": [format!("./{MODULE}")],
        "keywords": ["ctisvr", "ivrsvr", "softphone", "cti", "avaya", "salesforce", "open-cti", "web-component", "custom-element", "webassembly"],
    })
}
