//! `cargo xtask package`: the softphone for Salesforce, as a Visualforce
//! page plus a static resource, deployable with the Salesforce CLI.
//!
//! 1. `cargo xtask dist` (the element in `dist/pkg/`)
//! 2. checks `callcenter/ctisvr-softphone.xml` against the definition rules
//! 3. `dist/salesforce/ctisvrsoftphone.zip`, the static resource: `loader.js`
//!    (from `site/visualforce/resource/`) and `dist/pkg/` (`ctisvr_softphone.js`,
//!    `ctisvr_softphone_bg.wasm`, and the `snippets/` the JS glue imports);
//!    stored entries, written with std only
//! 4. `dist/salesforce/sfdx/`: the SFDX project of `site/visualforce/`
//!    (the call center, the page `CtisvrSoftphone`, the resource's meta file)
//!    with the zip as `force-app/main/default/staticresources/ctisvrsoftphone.resource`
//! 5. validates the output: zip entries and CRCs, every module the glue
//!    imports present, every XML file well-formed, the resource's content
//!    type, the SFDX call center against the importable one
//!
//! Then: `cd dist/salesforce/sfdx && sf project deploy start --target-org <alias>`.

mod callcenter;
mod xml;
mod zip;

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::{fail, rel, root, Context, Result};
use crate::dist;

/// The static resource's name (`$Resource.ctisvrsoftphone` in the page).
pub const RESOURCE: &str = "ctisvrsoftphone";
/// Salesforce's limit for one static resource.
const RESOURCE_LIMIT: usize = 5 * 1024 * 1024;
const DEFAULT_DIR: &str = "force-app/main/default";
const LOADER: &str = "site/visualforce/resource/loader.js";
/// The adapter page's own styles, shared with `site/index.html`.
const ADAPTER_CSS: &str = "site/adapter.css";
/// Entries the zip must have (besides the glue's snippets).
const REQUIRED_ENTRIES: [&str; 4] =
    ["loader.js", "adapter.css", "pkg/ctisvr_softphone.js", "pkg/ctisvr_softphone_bg.wasm"];
const CALL_CENTER_FILE: &str = "callcenter/ctisvr-softphone.xml";
const SFDX_CALL_CENTER: &str = "force-app/main/default/callCenters/CtisvrSoftphone.callCenter-meta.xml";

/// `cargo xtask package`: dist, then [`assemble`].
pub fn run() -> Result<()> {
    dist::run()?;
    assemble()
}

/// Builds `dist/salesforce/` from an existing `dist/` (the `package` stage
/// of `cargo xtask test` runs right after `dist`).
pub fn assemble() -> Result<()> {
    let root = root();
    println!("== package: checking {CALL_CENTER_FILE}");
    check_call_center(&root)?;

    println!("== package: building the static resource");
    let pkg = dist::dist_dir().join("pkg");
    if !pkg.join("ctisvr_softphone_bg.wasm").is_file() {
        return fail(format!("{}/ctisvr_softphone_bg.wasm is missing: run `cargo xtask dist` first", rel(&pkg)));
    }
    let mut entries = vec![
        ("loader.js".to_string(), fs::read(root.join(LOADER)).ctx(|| format!("reading {LOADER}"))?),
        ("adapter.css".to_string(), fs::read(root.join(ADAPTER_CSS)).ctx(|| format!("reading {ADAPTER_CSS}"))?),
    ];
    for path in files_under(&pkg)? {
        let relative = path.strip_prefix(&pkg).unwrap_or(&path);
        let name = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        entries.push((format!("pkg/{name}"), fs::read(&path).ctx(|| format!("reading {}", rel(&path)))?));
    }
    let zip = zip::write(&entries).map_err(crate::cmd::Error)?;
    let out = dist::dist_dir().join("salesforce");
    if out.exists() {
        fs::remove_dir_all(&out).ctx(|| format!("emptying {}", rel(&out)))?;
    }
    fs::create_dir_all(&out).ctx(|| format!("creating {}", rel(&out)))?;
    let zip_path = out.join(format!("{RESOURCE}.zip"));
    fs::write(&zip_path, &zip).ctx(|| format!("writing {}", rel(&zip_path)))?;

    println!("== package: SFDX project");
    let sfdx = out.join("sfdx");
    copy_sfdx(&root.join("site/visualforce"), &sfdx)?;
    let resource = sfdx.join(DEFAULT_DIR).join("staticresources").join(format!("{RESOURCE}.resource"));
    fs::write(&resource, &zip).ctx(|| format!("writing {}", rel(&resource)))?;

    println!("== package: validating");
    let problems = validate(&sfdx, &zip_path, &root)?;
    if !problems.is_empty() {
        return fail(format!("the Salesforce package is not valid:\n  {}", problems.join("\n  ")));
    }
    println!("{}: {} entries, {:.1} KB", rel(&zip_path), entries.len(), zip.len() as f64 / 1024.0);
    println!(
        "{}: SFDX project (deploy: cd {} && sf project deploy start --target-org <alias>)",
        rel(&sfdx),
        rel(&sfdx)
    );
    Ok(())
}

fn check_call_center(root: &Path) -> Result<()> {
    let text = fs::read_to_string(root.join(CALL_CENTER_FILE)).ctx(|| format!("reading {CALL_CENTER_FILE}"))?;
    let center = callcenter::parse(&text).map_err(|e| crate::cmd::Error(format!("{CALL_CENTER_FILE}: {e}")))?;
    let problems = callcenter::check(&center);
    if !problems.is_empty() {
        return fail(format!("{CALL_CENTER_FILE}:\n  {}", problems.join("\n  ")));
    }
    Ok(())
}

/// Copies the SFDX project (everything but `resource/`, the zip's sources).
fn copy_sfdx(from: &Path, to: &Path) -> Result<()> {
    for path in files_under(from)? {
        let relative = path.strip_prefix(from).unwrap_or(&path);
        if relative.starts_with("resource") {
            continue;
        }
        let target = to.join(relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).ctx(|| format!("creating {}", rel(parent)))?;
        }
        fs::copy(&path, &target).ctx(|| format!("copying {} to {}", rel(&path), rel(&target)))?;
    }
    Ok(())
}

/// Every file under `dir`, sorted.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).ctx(|| format!("reading {}", rel(&dir)))? {
            let path = entry.ctx(|| format!("reading {}", rel(&dir)))?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Everything wrong with a built package (empty: fine).
fn validate(sfdx: &Path, zip_path: &Path, root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let zip = fs::read(zip_path).ctx(|| format!("reading {}", rel(zip_path)))?;
    problems.extend(check_zip(&zip));
    let resource = sfdx.join(DEFAULT_DIR).join("staticresources").join(format!("{RESOURCE}.resource"));
    if fs::read(&resource).ok().as_deref() != Some(&zip[..]) {
        problems.push(format!("{} is not the zip", rel(&resource)));
    }
    let mut sources = Vec::new();
    for path in files_under(sfdx)? {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.ends_with(".xml") || name.ends_with(".page") {
            let text = fs::read_to_string(&path).ctx(|| format!("reading {}", rel(&path)))?;
            sources.push((name, text));
        } else if name == "sfdx-project.json" {
            let text = fs::read_to_string(&path).ctx(|| format!("reading {}", rel(&path)))?;
            if !text.contains("\"packageDirectories\"") || !text.contains("\"force-app\"") {
                problems.push("sfdx-project.json does not declare force-app".into());
            }
        }
    }
    problems.extend(check_metadata(&sources));
    let import = fs::read_to_string(root.join(CALL_CENTER_FILE)).ctx(|| format!("reading {CALL_CENTER_FILE}"))?;
    let deployed = fs::read_to_string(sfdx.join(SFDX_CALL_CENTER)).ctx(|| format!("reading {SFDX_CALL_CENTER}"))?;
    problems.extend(compare_call_centers(&import, &deployed));
    Ok(problems)
}

/// The static resource holds the loader, the JS glue, the wasm and every
/// module they import (wasm-bindgen's `snippets/`), and nothing else.
fn check_zip(zip: &[u8]) -> Vec<String> {
    let mut problems = Vec::new();
    if zip.len() > RESOURCE_LIMIT {
        problems.push(format!("the static resource is {} bytes; Salesforce allows {RESOURCE_LIMIT}", zip.len()));
    }
    let entries = match zip::read(zip) {
        Ok(entries) => entries,
        Err(e) => return vec![format!("the zip cannot be read: {e}")],
    };
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    for required in REQUIRED_ENTRIES {
        if !names.contains(&required) {
            problems.push(format!("the zip lacks {required} (it has {names:?})"));
        }
    }
    for (name, data) in &entries {
        if !(name == "loader.js" || name == "adapter.css" || name.starts_with("pkg/")) {
            problems.push(format!("{name} does not belong in the static resource"));
        }
        if name.ends_with(".wasm") && !data.starts_with(b"\0asm") {
            problems.push(format!("{name} is not WebAssembly"));
        }
        if !name.ends_with(".js") {
            continue;
        }
        let Ok(text) = std::str::from_utf8(data) else {
            problems.push(format!("{name} is not UTF-8 text"));
            continue;
        };
        for import in relative_imports(text) {
            if !names.contains(&resolve(name, &import).as_str()) {
                problems.push(format!("{name} imports {import}, which is not in the zip"));
            }
        }
    }
    problems
}

/// The relative module specifiers of static `import … from './x.js'` lines.
fn relative_imports(js: &str) -> Vec<String> {
    js.lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with("import ") || line.starts_with("export "))
        .filter_map(|line| {
            let from = line.rsplit_once(" from ")?.1.trim().trim_end_matches(';');
            let spec = from.strip_prefix('\'').and_then(|s| s.strip_suffix('\''));
            let spec = spec.or_else(|| from.strip_prefix('"').and_then(|s| s.strip_suffix('"')))?;
            (spec.starts_with("./") || spec.starts_with("../")).then(|| spec.to_string())
        })
        .collect()
}

/// `spec` relative to the zip entry `from` (`pkg/a.js` + `./b/c.js` = `pkg/b/c.js`).
fn resolve(from: &str, spec: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in spec.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// SFDX metadata files (`(file name, text)`): well-formed, with the content
/// and names Salesforce expects.
fn check_metadata(files: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for (name, text) in files {
        let root = match xml::parse(text) {
            Ok(root) => root,
            Err(e) => {
                problems.push(format!("{name} is not well-formed XML: {e}"));
                continue;
            }
        };
        let metadata = root.attribute("xmlns") == Some("http://soap.sforce.com/2006/04/metadata");
        let expect = |ok: bool, problems: &mut Vec<String>, what: &str| {
            if !ok {
                problems.push(format!("{name}: {what}"));
            }
        };
        if name.ends_with(".resource-meta.xml") {
            seen.push("resource");
            expect(root.name == "StaticResource" && metadata, &mut problems, "not a StaticResource");
            let content_type = root.child("contentType").map(xml::Element::text);
            expect(
                content_type.as_deref() == Some("application/zip"),
                &mut problems,
                "contentType must be application/zip",
            );
            expect(name == &format!("{RESOURCE}.resource-meta.xml"), &mut problems, "named after the resource");
        } else if name.ends_with(".page-meta.xml") {
            seen.push("page meta");
            expect(root.name == "ApexPage" && metadata, &mut problems, "not an ApexPage");
            expect(
                root.child("apiVersion").is_some() && root.child("label").is_some(),
                &mut problems,
                "needs apiVersion and label",
            );
        } else if name.ends_with(".page") {
            seen.push("page");
            expect(root.name == "apex:page", &mut problems, "the root must be <apex:page>");
            expect(text.contains(&format!("$Resource.{RESOURCE}")), &mut problems, "does not load the static resource");
            expect(text.contains("/lightning/opencti_min.js"), &mut problems, "does not load opencti_min.js");
        } else if name.ends_with(".callCenter-meta.xml") {
            seen.push("call center");
            expect(root.name == "CallCenter" && metadata, &mut problems, "not a CallCenter");
        }
    }
    for kind in ["resource", "page meta", "page", "call center"] {
        if !seen.contains(&kind) {
            problems.push(format!("the SFDX project has no {kind} file"));
        }
    }
    problems
}

/// The SFDX call center defines the same items, with the same values, as the
/// importable file, except where a Visualforce deployment differs: the
/// adapter is the page (`/apex/CtisvrSoftphone`) and the internal name is the
/// file name.
fn compare_call_centers(import: &str, deployed: &str) -> Vec<String> {
    let import = match callcenter::parse(import) {
        Ok(c) => c,
        Err(e) => return vec![format!("{CALL_CENTER_FILE}: {e}")],
    };
    let deployed = match callcenter::parse_metadata(deployed, "CtisvrSoftphone") {
        Ok(c) => c,
        Err(e) => return vec![format!("{SFDX_CALL_CENTER}: {e}")],
    };
    let mut problems: Vec<String> =
        callcenter::check(&deployed).into_iter().map(|p| format!("{SFDX_CALL_CENTER}: {p}")).collect();
    let differ = ["/reqGeneralInfo/reqInternalName", "/reqGeneralInfo/reqAdapterUrl"];
    let mut import_keys = import.keys();
    let mut deployed_keys = deployed.keys();
    import_keys.sort();
    deployed_keys.sort();
    if import_keys != deployed_keys {
        problems.push(format!("the SFDX call center has items {deployed_keys:?}, the importable one {import_keys:?}"));
    }
    for key in import.keys().iter().filter(|k| !differ.contains(&k.as_str())) {
        if import.value(key) != deployed.value(key) {
            problems.push(format!(
                "{key}: {:?} in {CALL_CENTER_FILE}, {:?} in SFDX",
                import.value(key),
                deployed.value(key)
            ));
        }
    }
    if deployed.value("/reqGeneralInfo/reqAdapterUrl") != Some("/apex/CtisvrSoftphone") {
        problems.push("the SFDX call center's adapter must be /apex/CtisvrSoftphone".into());
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_file(path: &str) -> String {
        fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn the_call_center_file_follows_the_rules() {
        let center = callcenter::parse(&repo_file(CALL_CENTER_FILE)).unwrap();
        assert_eq!(callcenter::check(&center), Vec::<String>::new());
        assert_eq!(center.value("/reqGeneralInfo/reqInternalName"), Some("ctisvrSoftphone"));
        assert_eq!(center.value("/reqGeneralInfo/reqSalesforceCompatibilityMode"), Some("Classic_and_Lightning"));
        assert_eq!(center.value("/reqGeneralInfo/reqSoftphoneHeight"), Some("600"));
        assert_eq!(center.value("/reqGeneralInfo/reqSoftphoneWidth"), Some("420"));
        assert_eq!(center.value("/ServerInfo/wsURIA"), Some("ws://127.0.0.1:9006"));
        assert_eq!(center.value("/ServerInfo/wsURIB"), Some("ws://127.0.0.1:9008"));
        assert_eq!(center.value("/ctisvrOptions/logCalls"), Some("true"));
        assert_eq!(center.value("/ctisvrOptions/screenPop"), Some("true"));
    }

    /// Every item the softphone reads is defined (else getCallCenterSettings
    /// would not return it and the agent could not configure it).
    #[test]
    fn the_call_center_file_defines_every_key_the_softphone_reads() {
        let center = callcenter::parse(&repo_file(CALL_CENTER_FILE)).unwrap();
        let keys = center.keys();
        for key in ctisvr_core::settings::keys::ALL {
            assert!(keys.iter().any(|k| k == key), "{CALL_CENTER_FILE} lacks {key}");
        }
        // And the settings it gives are valid for the core.
        let object: serde_json::Map<String, serde_json::Value> =
            keys.iter().map(|k| (k.clone(), serde_json::Value::from(center.value(k).unwrap_or_default()))).collect();
        let settings = ctisvr_core::Settings::from_lightning(&serde_json::Value::Object(object)).unwrap();
        assert_eq!(settings.prefixes.international, "01");
    }

    #[test]
    fn the_sfdx_call_center_matches_the_importable_one() {
        let problems = compare_call_centers(
            &repo_file(CALL_CENTER_FILE),
            &repo_file(&format!("site/visualforce/{SFDX_CALL_CENTER}")),
        );
        assert_eq!(problems, Vec::<String>::new());
        let changed = repo_file(&format!("site/visualforce/{SFDX_CALL_CENTER}"))
            .replace("<value>01</value>", "<value>011</value>");
        let problems = compare_call_centers(&repo_file(CALL_CENTER_FILE), &changed);
        assert!(problems.iter().any(|p| p.contains("reqInternationalPrefix")), "{problems:?}");
    }

    /// Builds a package from fixture bytes (no wasm build) and validates it
    /// like `assemble` does; then breaks it in the ways that matter.
    #[test]
    fn a_package_built_from_fixture_bytes_validates() {
        let dir = std::env::temp_dir().join(format!("xtask-package-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let sfdx = dir.join("sfdx");
        copy_sfdx(&root().join("site/visualforce"), &sfdx).unwrap();
        assert!(!sfdx.join("resource").exists(), "the zip's sources stay out of the SFDX project");
        let entries: Vec<(String, Vec<u8>)> = vec![
            ("loader.js".into(), b"export {};\n".to_vec()),
            (
                "pkg/ctisvr_softphone.js".into(),
                b"import { define_element } from './snippets/x-1/inline0.js';\nexport default async function init() {}\n"
                    .to_vec(),
            ),
            ("pkg/ctisvr_softphone_bg.wasm".into(), b"\0asm\x01\0\0\0".to_vec()),
            ("pkg/snippets/x-1/inline0.js".into(), b"export function define_element() {}\n".to_vec()),
            ("adapter.css".into(), b"body { margin: 0; }\n".to_vec()),
        ];
        let zip_bytes = zip::write(&entries).unwrap();
        let zip_path = dir.join("r.zip");
        fs::write(&zip_path, &zip_bytes).unwrap();
        let resource = sfdx.join(DEFAULT_DIR).join("staticresources").join(format!("{RESOURCE}.resource"));
        fs::write(&resource, &zip_bytes).unwrap();
        assert_eq!(validate(&sfdx, &zip_path, &root()).unwrap(), Vec::<String>::new());

        let no_wasm = zip::write(&[entries[0].clone(), entries[1].clone(), entries[3].clone()]).unwrap();
        assert!(check_zip(&no_wasm).iter().any(|p| p.contains("lacks pkg/ctisvr_softphone_bg.wasm")));
        let no_snippet = zip::write(&entries[..3]).unwrap();
        let problems = check_zip(&no_snippet);
        assert!(problems.iter().any(|p| p.contains("imports ./snippets/x-1/inline0.js")), "{problems:?}");
        let mut bad = entries.clone();
        bad[2].1 = b"MZ".to_vec();
        bad.push(("index.html".into(), Vec::new()));
        let problems = check_zip(&zip::write(&bad).unwrap());
        assert!(problems.iter().any(|p| p.contains("not WebAssembly")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("index.html does not belong")), "{problems:?}");

        let meta = sfdx.join(DEFAULT_DIR).join("staticresources").join(format!("{RESOURCE}.resource-meta.xml"));
        let text = fs::read_to_string(&meta).unwrap();
        fs::write(&meta, text.replace("application/zip", "application/octet-stream")).unwrap();
        let problems = validate(&sfdx, &zip_path, &root()).unwrap();
        assert!(problems.iter().any(|p| p.contains("contentType")), "{problems:?}");
        fs::write(&meta, text.replace("</StaticResource>", "")).unwrap();
        let problems = validate(&sfdx, &zip_path, &root()).unwrap();
        assert!(problems.iter().any(|p| p.contains("not well-formed")), "{problems:?}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn imports_resolve_within_the_zip() {
        let js = "import { a } from './snippets/c-1/inline0.js';\nimport * as b from \"../x.js\";\nimport c from 'leptos';\nconst d = 1; // from './no.js'\n";
        assert_eq!(relative_imports(js), vec!["./snippets/c-1/inline0.js", "../x.js"]);
        assert_eq!(resolve("pkg/a.js", "./snippets/c-1/inline0.js"), "pkg/snippets/c-1/inline0.js");
        assert_eq!(resolve("pkg/snippets/c/i.js", "../../a.js"), "pkg/a.js");
    }

    #[test]
    fn the_visualforce_page_and_site_pages_are_well_formed() {
        let page = repo_file("site/visualforce/force-app/main/default/pages/CtisvrSoftphone.page");
        let root = xml::parse(&page).unwrap();
        assert_eq!(root.name, "apex:page");
        assert!(page.contains("{!URLFOR($Resource.ctisvrsoftphone, 'loader.js')}"));
        assert!(page.contains("{!URLFOR($Resource.ctisvrsoftphone, 'adapter.css')}"));
        assert!(!page.contains("<style") && !page.contains("style="), "no inline style (a strict CSP)");
    }
}
