//! `cargo xtask package`: the softphone for Salesforce, deployable with the
//! Salesforce CLI in one SFDX project: the Open CTI adapter (a Visualforce
//! page plus a static resource) and the Salesforce Voice (partner
//! telephony) connector (two pages, a static resource, the telephony
//! provider and the org setting; `package/voice.rs`).
//!
//! 1. `cargo xtask dist` (the element in `dist/pkg/`, the connector in
//!    `dist/voice/` with its own build of the crate, its engine, in
//!    `dist/voice/pkg/`)
//! 2. checks `callcenter/ctisvr-softphone.xml` and `callcenter/ctisvr-voice.xml`
//!    against the definition rules
//! 3. `dist/salesforce/ctisvrsoftphone.zip`, the Open CTI static resource:
//!    `loader.js` (from `site/visualforce/resource/`), `adapter.css` and
//!    `dist/pkg/` (`ctisvr_softphone.js`, `ctisvr_softphone_bg.wasm`, and the
//!    `snippets/` the JS glue imports); stored entries, written with std only
//! 4. `dist/salesforce/ctisvrvoice.zip`, the Voice static resource, all as
//!    `voice/…`: the `.js`, `.css` and `.txt` of `dist/voice/`
//!    (`connector.js`, `login.js`, Salesforce's SDK bundle
//!    `scv-connector-base.js`, unmodified, with its licence and terms) and
//!    everything in `dist/voice/pkg/` (the engine: `ctisvr_softphone.js`,
//!    `ctisvr_softphone_bg.wasm`, `snippets/`); not the element's `dist/pkg/`
//! 5. `dist/salesforce/sfdx/`: the SFDX project of `site/visualforce/` (the
//!    call center, the pages `CtisvrSoftphone`, `CtisvrVoiceConnector` and
//!    `CtisvrVoiceLogin`, the resources' meta files, the telephony provider
//!    `CtisvrVoice`, the setting `ServiceCloudVoice`) with the zips as
//!    `force-app/main/default/staticresources/<name>.resource`
//! 6. validates the output: zip entries and CRCs, every module the glue
//!    imports present, the SDK byte-identical to npm's, every XML file
//!    well-formed and where the Salesforce CLI looks for its type, the
//!    resources' content type, every page loading only files the zip has,
//!    the SFDX call center against the importable one, the provider's URLs
//!    naming pages of the project, the contact center naming the provider
//!
//! Then: `cd dist/salesforce/sfdx && sf project deploy start --target-org <alias>`,
//! and import `callcenter/ctisvr-voice.xml` in Setup (docs/salesforce-voice.md).

mod callcenter;
mod voice;
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
    build(&root, &dist::dist_dir(), &root.join(voice::SDK_NPM))
}

/// Builds `<dist>/salesforce/` from `dist` (`pkg/`, `voice/`) and the
/// repository's sources under `root`; `sdk_npm` is the SDK bundle npm
/// installed, which the zip's copy must equal.
fn build(root: &Path, dist: &Path, sdk_npm: &Path) -> Result<()> {
    println!("== package: checking {CALL_CENTER_FILE} and {}", voice::CONTACT_CENTER_FILE);
    check_call_center(root)?;
    check_voice_contact_center(root)?;

    println!("== package: building the static resources");
    let pkg = dist.join("pkg");
    if !pkg.join("ctisvr_softphone_bg.wasm").is_file() {
        return fail(format!("{}/ctisvr_softphone_bg.wasm is missing: run `cargo xtask dist` first", rel(&pkg)));
    }
    let mut entries = vec![
        ("loader.js".to_string(), fs::read(root.join(LOADER)).ctx(|| format!("reading {LOADER}"))?),
        ("adapter.css".to_string(), fs::read(root.join(ADAPTER_CSS)).ctx(|| format!("reading {ADAPTER_CSS}"))?),
    ];
    entries.extend(pkg_entries(&pkg)?);
    let zip = zip::write(&entries).map_err(crate::cmd::Error)?;
    let voice_entries = voice::entries(&dist.join("voice"))?;
    let voice_zip = zip::write(&voice_entries).map_err(crate::cmd::Error)?;
    let out = dist.join("salesforce");
    if out.exists() {
        fs::remove_dir_all(&out).ctx(|| format!("emptying {}", rel(&out)))?;
    }
    fs::create_dir_all(&out).ctx(|| format!("creating {}", rel(&out)))?;
    for (name, bytes) in [(RESOURCE, &zip), (voice::RESOURCE, &voice_zip)] {
        let path = out.join(format!("{name}.zip"));
        fs::write(&path, bytes).ctx(|| format!("writing {}", rel(&path)))?;
    }

    println!("== package: SFDX project");
    let sfdx = out.join("sfdx");
    copy_sfdx(&root.join("site/visualforce"), &sfdx)?;
    for (name, bytes) in [(RESOURCE, &zip), (voice::RESOURCE, &voice_zip)] {
        let resource = sfdx.join(DEFAULT_DIR).join("staticresources").join(format!("{name}.resource"));
        fs::write(&resource, bytes).ctx(|| format!("writing {}", rel(&resource)))?;
    }

    println!("== package: validating");
    let sdk = fs::read(sdk_npm).ok();
    let problems = validate(&sfdx, &out, root, sdk.as_deref())?;
    if !problems.is_empty() {
        return fail(format!("the Salesforce package is not valid:\n  {}", problems.join("\n  ")));
    }
    println!("== package: written");
    for (name, count, bytes) in
        [(RESOURCE, entries.len(), zip.len()), (voice::RESOURCE, voice_entries.len(), voice_zip.len())]
    {
        let path = out.join(format!("{name}.zip"));
        println!("{}: {count} entries, {:.1} KB", rel(&path), bytes as f64 / 1024.0);
    }
    let sdk_version = voice::sdk_version(root).unwrap_or_else(|| "?".into());
    println!(
        "  {} is {} from @salesforce/scv-connector-base {sdk_version}, byte for byte",
        voice::SDK_ENTRY,
        rel(sdk_npm)
    );
    println!("{}: SFDX project:", rel(&sfdx));
    for path in files_under(&sfdx)? {
        println!("  {}", path.strip_prefix(&sfdx).unwrap_or(&path).display());
    }
    println!("Deploy both: cd {} && sf project deploy start --target-org <alias>", rel(&sfdx));
    println!(
        "  Open CTI only (an org without partner telephony): add --metadata ApexPage:CtisvrSoftphone \
         --metadata StaticResource:{RESOURCE} --metadata CallCenter:CtisvrSoftphone"
    );
    println!("  Voice: then import {} in Setup > Partner Telephony Contact Centers", voice::CONTACT_CENTER_FILE);
    Ok(())
}

/// `dist/pkg/` as zip entries `pkg/…`: the wasm, its JS glue and snippets.
fn pkg_entries(pkg: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut entries = Vec::new();
    for path in files_under(pkg)? {
        let relative = path.strip_prefix(pkg).unwrap_or(&path);
        let name = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        entries.push((format!("pkg/{name}"), fs::read(&path).ctx(|| format!("reading {}", rel(&path)))?));
    }
    Ok(entries)
}

fn check_voice_contact_center(root: &Path) -> Result<()> {
    let file = voice::CONTACT_CENTER_FILE;
    let text = fs::read_to_string(root.join(file)).ctx(|| format!("reading {file}"))?;
    let problems = voice::check_contact_center(&text, voice::VENDOR);
    if !problems.is_empty() {
        return fail(format!("{file}:\n  {}", problems.join("\n  ")));
    }
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

/// Everything wrong with a built package (empty: fine): `sfdx` the SFDX
/// project, `out` where the zips are, `sdk` the SDK bundle npm installed.
fn validate(sfdx: &Path, out: &Path, root: &Path, sdk: Option<&[u8]>) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let read_zip = |name: &str| {
        let path = out.join(format!("{name}.zip"));
        fs::read(&path).ctx(|| format!("reading {}", rel(&path)))
    };
    let zip = read_zip(RESOURCE)?;
    problems.extend(check_zip(&zip));
    let voice_zip = read_zip(voice::RESOURCE)?;
    problems.extend(voice::check_zip(&voice_zip, sdk));
    for (name, bytes) in [(RESOURCE, &zip), (voice::RESOURCE, &voice_zip)] {
        let resource = sfdx.join(DEFAULT_DIR).join("staticresources").join(format!("{name}.resource"));
        if fs::read(&resource).ok().as_deref() != Some(&bytes[..]) {
            problems.push(format!("{} is not the zip", rel(&resource)));
        }
    }
    let mut sources = Vec::new();
    let mut paths = Vec::new();
    for path in files_under(sfdx)? {
        let relative = path.strip_prefix(sfdx).unwrap_or(&path);
        let relative = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        paths.push(relative.clone());
        if relative.ends_with(".xml") || relative.ends_with(".page") {
            let text = fs::read_to_string(&path).ctx(|| format!("reading {}", rel(&path)))?;
            sources.push((relative, text));
        } else if relative == "sfdx-project.json" {
            let text = fs::read_to_string(&path).ctx(|| format!("reading {}", rel(&path)))?;
            if !text.contains("\"packageDirectories\"") || !text.contains("\"force-app\"") {
                problems.push("sfdx-project.json does not declare force-app".into());
            }
        }
    }
    problems.extend(check_layout(&paths));
    let voice_entries = zip::read(&voice_zip).unwrap_or_default();
    problems.extend(check_metadata(&sources, &voice_entries));
    let import = fs::read_to_string(root.join(CALL_CENTER_FILE)).ctx(|| format!("reading {CALL_CENTER_FILE}"))?;
    let deployed = fs::read_to_string(sfdx.join(SFDX_CALL_CENTER)).ctx(|| format!("reading {SFDX_CALL_CENTER}"))?;
    problems.extend(compare_call_centers(&import, &deployed));
    problems.extend(check_voice_project(&sources, root)?);
    Ok(problems)
}

/// The Voice part across files: the provider's URLs name pages of the
/// project, the contact center names the provider, and the softphone's
/// items carry over from the Open CTI call center unchanged.
fn check_voice_project(sources: &[(String, String)], root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let source = |path: &str| sources.iter().find(|(p, _)| p == path).map(|(_, text)| text.as_str());
    let pages: Vec<&str> = sources
        .iter()
        .filter_map(|(path, _)| path.strip_prefix(&format!("{DEFAULT_DIR}/pages/"))?.strip_suffix(".page"))
        .collect();
    let vendor_name = match source(voice::VENDOR_FILE) {
        None => {
            problems.push(format!("the SFDX project lacks {}", voice::VENDOR_FILE));
            None
        }
        Some(text) => {
            problems.extend(voice::check_vendor(text, &pages));
            xml::parse(text).ok().and_then(|root| root.child("developerName").map(xml::Element::text))
        }
    };
    match source(voice::SETTINGS_FILE) {
        None => problems.push(format!("the SFDX project lacks {}", voice::SETTINGS_FILE)),
        Some(text) => problems.extend(voice::check_settings(text)),
    }
    let file = voice::CONTACT_CENTER_FILE;
    let contact_center = fs::read_to_string(root.join(file)).ctx(|| format!("reading {file}"))?;
    let vendor = vendor_name.as_deref().unwrap_or(voice::VENDOR);
    problems.extend(voice::check_contact_center(&contact_center, vendor).into_iter().map(|p| format!("{file}: {p}")));
    let open_cti = fs::read_to_string(root.join(CALL_CENTER_FILE)).ctx(|| format!("reading {CALL_CENTER_FILE}"))?;
    if let (Ok(ours), Ok(theirs)) = (callcenter::parse(&contact_center), callcenter::parse(&open_cti)) {
        problems.extend(voice::compare_with_open_cti(&ours, &theirs));
    }
    Ok(problems)
}

/// The static resource holds the loader, the JS glue, the wasm and every
/// module they import (wasm-bindgen's `snippets/`), and nothing else.
fn check_zip(zip: &[u8]) -> Vec<String> {
    let belongs = |name: &str| name == "loader.js" || name == "adapter.css" || name.starts_with("pkg/");
    check_zip_contents(zip, &REQUIRED_ENTRIES, belongs).0
}

/// What is wrong with a static resource zip, and its entries: within
/// Salesforce's size limit, readable (CRCs), holding the `required` entries
/// and only entries that `belong`, WebAssembly that is WebAssembly, and every
/// module a `.js` entry imports.
fn check_zip_contents(
    zip: &[u8],
    required: &[&str],
    belongs: impl Fn(&str) -> bool,
) -> (Vec<String>, Vec<(String, Vec<u8>)>) {
    let mut problems = Vec::new();
    if zip.len() > RESOURCE_LIMIT {
        problems.push(format!("the static resource is {} bytes; Salesforce allows {RESOURCE_LIMIT}", zip.len()));
    }
    let entries = match zip::read(zip) {
        Ok(entries) => entries,
        Err(e) => return (vec![format!("the zip cannot be read: {e}")], Vec::new()),
    };
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    for required in required {
        if !names.contains(required) {
            problems.push(format!("the zip lacks {required} (it has {names:?})"));
        }
    }
    for (name, data) in &entries {
        if !belongs(name) {
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
    (problems, entries)
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

/// The metadata kinds the package ships: folder under `force-app/main/default`
/// and file suffix, as the Salesforce CLI's registry
/// (forcedotcom/source-deploy-retrieve, `metadataRegistry.json`) names them.
/// A file elsewhere, or with another suffix, is not deployed as meant.
const METADATA_KINDS: [(&str, &str); 7] = [
    ("pages", ".page"),
    ("pages", ".page-meta.xml"),
    ("staticresources", ".resource"),
    ("staticresources", ".resource-meta.xml"),
    ("callCenters", ".callCenter-meta.xml"),
    ("ConversationVendorInformation", ".ConversationVendorInformation-meta.xml"),
    ("settings", ".settings-meta.xml"),
];

/// The SFDX project's files (`paths` relative to it, `/`-separated): each
/// metadata file in its type's folder with its type's suffix, and each page
/// and static resource with its meta file.
fn check_layout(paths: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let prefix = format!("{DEFAULT_DIR}/");
    for path in paths {
        let Some(inside) = path.strip_prefix(&prefix) else {
            if path.starts_with("force-app/") {
                problems.push(format!("{path} is outside {DEFAULT_DIR}"));
            }
            continue;
        };
        let known = METADATA_KINDS.iter().any(|(dir, suffix)| {
            inside
                .strip_prefix(dir)
                .and_then(|rest| rest.strip_prefix('/'))
                .and_then(|file| file.strip_suffix(suffix))
                .is_some_and(|name| !name.is_empty() && !name.contains('/') && !name.contains('.'))
        });
        if !known {
            let kinds: Vec<String> = METADATA_KINDS.iter().map(|(dir, suffix)| format!("{dir}/*{suffix}")).collect();
            problems
                .push(format!("{path}: the Salesforce CLI would not deploy it as meant (one of {})", kinds.join(", ")));
        }
    }
    for (content, meta) in [(".page", ".page-meta.xml"), (".resource", ".resource-meta.xml")] {
        for (from, to) in [(content, meta), (meta, content)] {
            for path in paths.iter().filter(|p| p.starts_with(&prefix)) {
                let Some(stem) = path.strip_suffix(from) else { continue };
                if !paths.contains(&format!("{stem}{to}")) {
                    problems.push(format!("{path} has no {to} beside it"));
                }
            }
        }
    }
    problems
}

/// SFDX metadata files (`(path in the project, text)`): well-formed, with
/// the content and names Salesforce expects; the Voice pages load only
/// files the Voice zip (`voice_zip`: its entries) has.
fn check_metadata(files: &[(String, String)], voice_zip: &[(String, Vec<u8>)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for (path, text) in files {
        let name = path.rsplit('/').next().unwrap_or(path);
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
            let cache = root.child("cacheControl").map(xml::Element::text);
            expect(
                matches!(cache.as_deref(), Some("Private" | "Public")),
                &mut problems,
                "cacheControl must be Private or Public",
            );
            let resources = [format!("{RESOURCE}.resource-meta.xml"), format!("{}.resource-meta.xml", voice::RESOURCE)];
            expect(resources.iter().any(|r| r == name), &mut problems, "named after the resource");
        } else if name.ends_with(".page-meta.xml") {
            seen.push("page meta");
            expect(root.name == "ApexPage" && metadata, &mut problems, "not an ApexPage");
            expect(
                root.child("apiVersion").is_some() && root.child("label").is_some(),
                &mut problems,
                "needs apiVersion and label",
            );
        } else if name == "CtisvrSoftphone.page" {
            seen.push("page");
            expect(root.name == "apex:page", &mut problems, "the root must be <apex:page>");
            expect(text.contains(&format!("$Resource.{RESOURCE}")), &mut problems, "does not load the static resource");
            expect(text.contains("/lightning/opencti_min.js"), &mut problems, "does not load opencti_min.js");
        } else if name.ends_with(".page") {
            seen.push("voice page");
            problems.extend(voice::check_page(name, text, voice_zip));
        } else if name.ends_with(".callCenter-meta.xml") {
            seen.push("call center");
            expect(root.name == "CallCenter" && metadata, &mut problems, "not a CallCenter");
        }
    }
    for kind in ["resource", "page meta", "page", "voice page", "call center"] {
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

    /// The SDK bundle of the fixtures (the real one is npm's).
    const FIXTURE_SDK: &[u8] = b"!function(t,e){t.SCVConnectorBase=e()}(this,function(){return {}});\n";

    /// Writes a package from fixture bytes (no wasm build) into `dir` the way
    /// `assemble` does: both zips in `dir`, the SFDX project in `dir/sfdx`.
    fn fixture_package(dir: &Path) -> (PathBuf, Vec<(String, Vec<u8>)>) {
        let _ = fs::remove_dir_all(dir);
        let sfdx = dir.join("sfdx");
        copy_sfdx(&root().join("site/visualforce"), &sfdx).unwrap();
        let pkg: Vec<(String, Vec<u8>)> = vec![
            (
                "pkg/ctisvr_softphone.js".into(),
                b"import { define_element } from './snippets/x-1/inline0.js';\nexport default async function init() {}\n"
                    .to_vec(),
            ),
            ("pkg/ctisvr_softphone_bg.wasm".into(), b"\0asm\x01\0\0\0".to_vec()),
            ("pkg/snippets/x-1/inline0.js".into(), b"export function define_element() {}\n".to_vec()),
        ];
        let mut entries: Vec<(String, Vec<u8>)> = vec![("loader.js".into(), b"export {};\n".to_vec())];
        entries.extend(pkg.iter().cloned());
        entries.push(("adapter.css".into(), b"body { margin: 0; }\n".to_vec()));
        let mut voice_entries: Vec<(String, Vec<u8>)> = vec![
            ("voice/connector.js".into(), b"import init from './pkg/ctisvr_softphone.js';\n".to_vec()),
            (
                "voice/login.js".into(),
                b"import init from './pkg/ctisvr_softphone.js';\ndocument.getElementById('login');\n".to_vec(),
            ),
            ("voice/login.css".into(), b"#login { margin: 0; }\n".to_vec()),
            (voice::SDK_ENTRY.into(), FIXTURE_SDK.to_vec()),
        ];
        // The connector's engine: its own build, in voice/pkg/.
        voice_entries.extend(pkg.into_iter().map(|(name, bytes)| (format!("voice/{name}"), bytes)));
        for (name, entries) in [(RESOURCE, &entries), (voice::RESOURCE, &voice_entries)] {
            let bytes = zip::write(entries).unwrap();
            fs::write(dir.join(format!("{name}.zip")), &bytes).unwrap();
            fs::write(sfdx.join(DEFAULT_DIR).join("staticresources").join(format!("{name}.resource")), &bytes).unwrap();
        }
        (sfdx, entries)
    }

    /// Builds a package from fixture bytes and validates it like `assemble`
    /// does; then breaks it in the ways that matter.
    #[test]
    fn a_package_built_from_fixture_bytes_validates() {
        let dir = std::env::temp_dir().join(format!("xtask-package-{}", std::process::id()));
        let (sfdx, entries) = fixture_package(&dir);
        assert!(!sfdx.join("resource").exists(), "the zip's sources stay out of the SFDX project");
        assert_eq!(validate(&sfdx, &dir, &root(), Some(FIXTURE_SDK)).unwrap(), Vec::<String>::new());

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

        // The SDK as npm has it, or the package is refused.
        let problems = validate(&sfdx, &dir, &root(), Some(b"a patched SDK")).unwrap();
        assert!(problems.iter().any(|p| p.contains("only unmodified")), "{problems:?}");

        let meta = sfdx.join(DEFAULT_DIR).join("staticresources").join(format!("{RESOURCE}.resource-meta.xml"));
        let text = fs::read_to_string(&meta).unwrap();
        fs::write(&meta, text.replace("application/zip", "application/octet-stream")).unwrap();
        let problems = validate(&sfdx, &dir, &root(), Some(FIXTURE_SDK)).unwrap();
        assert!(problems.iter().any(|p| p.contains("contentType")), "{problems:?}");
        fs::write(&meta, text.replace("</StaticResource>", "")).unwrap();
        let problems = validate(&sfdx, &dir, &root(), Some(FIXTURE_SDK)).unwrap();
        assert!(problems.iter().any(|p| p.contains("not well-formed")), "{problems:?}");
        let _ = fs::remove_dir_all(&dir);
    }

    /// The Voice half of a built package, broken across files.
    #[test]
    fn the_voice_metadata_is_checked_across_files() {
        let dir = std::env::temp_dir().join(format!("xtask-package-voice-{}", std::process::id()));
        let (sfdx, _) = fixture_package(&dir);
        let default = sfdx.join(DEFAULT_DIR);
        let validate = || validate(&sfdx, &dir, &root(), Some(FIXTURE_SDK)).unwrap();

        // The login page gone: the provider's login URL names no page.
        let login = default.join("pages").join(format!("{}.page", voice::LOGIN_PAGE));
        let login_text = fs::read_to_string(&login).unwrap();
        fs::remove_file(&login).unwrap();
        let problems = validate();
        assert!(problems.iter().any(|p| p.contains("names the page CtisvrVoiceLogin")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("CtisvrVoiceLogin.page-meta.xml has no .page")), "{problems:?}");
        fs::write(&login, login_text).unwrap();

        // The provider in a folder the Salesforce CLI does not know.
        let vendor = sfdx.join(voice::VENDOR_FILE);
        let vendor_text = fs::read_to_string(&vendor).unwrap();
        fs::remove_file(&vendor).unwrap();
        let misplaced = default.join("conversationVendorInfo/CtisvrVoice.conversationVendorInfo-meta.xml");
        fs::create_dir_all(misplaced.parent().unwrap()).unwrap();
        fs::write(&misplaced, &vendor_text).unwrap();
        let problems = validate();
        assert!(problems.iter().any(|p| p.contains("would not deploy it as meant")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("lacks force-app/main/default/ConversationVendorInformation")));
        fs::remove_dir_all(misplaced.parent().unwrap()).unwrap();

        // A provider of another name: the contact center no longer names it.
        fs::write(&vendor, vendor_text.replace("<developerName>CtisvrVoice<", "<developerName>Other<")).unwrap();
        let problems = validate();
        assert!(problems.iter().any(|p| p.contains("but the telephony provider is Other")), "{problems:?}");
        fs::write(&vendor, &vendor_text).unwrap();

        // The connector page loading a file the zip lacks.
        let connector = default.join("pages").join(format!("{}.page", voice::CONNECTOR_PAGE));
        let connector_text = fs::read_to_string(&connector).unwrap();
        fs::write(&connector, connector_text.replace("voice/connector.js", "voice/main.js")).unwrap();
        let problems = validate();
        assert!(problems.iter().any(|p| p.contains("voice/main.js")), "{problems:?}");
        fs::write(&connector, &connector_text).unwrap();

        // The Voice resource not the zip; partner telephony off.
        let resource = default.join("staticresources").join(format!("{}.resource", voice::RESOURCE));
        fs::write(&resource, b"PK").unwrap();
        let settings = sfdx.join(voice::SETTINGS_FILE);
        let settings_text = fs::read_to_string(&settings).unwrap();
        fs::write(&settings, settings_text.replace(">true<", ">false<")).unwrap();
        let problems = validate();
        assert!(problems.iter().any(|p| p.contains("ctisvrvoice.resource is not the zip")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("enableSCVExternalTelephony")), "{problems:?}");
        let _ = fs::remove_dir_all(&dir);
    }

    /// `build` end to end from a `dist/` of fixture files: what it writes,
    /// and what makes it fail.
    #[test]
    fn a_package_assembled_from_a_dist_validates() {
        let dir = std::env::temp_dir().join(format!("xtask-package-build-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let dist = dir.join("dist");
        for (file, bytes) in [
            ("pkg/ctisvr_softphone.js", &b"import { d } from './snippets/x-1/inline0.js';\n"[..]),
            ("pkg/ctisvr_softphone_bg.wasm", b"\0asm\x01\0\0\0"),
            ("pkg/snippets/x-1/inline0.js", b"export function d() {}\n"),
            ("voice/connector.js", b"import init from './pkg/ctisvr_softphone.js';\n"),
            ("voice/login.js", b"import init from './pkg/ctisvr_softphone.js';\n"),
            ("voice/pkg/ctisvr_softphone.js", b"import { v } from './snippets/v-1/inline0.js';\n"),
            ("voice/pkg/ctisvr_softphone_bg.wasm", b"\0asm\x01\0\0\0voice"),
            ("voice/pkg/snippets/v-1/inline0.js", b"export function v() {}\n"),
            ("voice/login.css", b"#login { margin: 0; }\n"),
            ("voice/scv-connector-base.js", FIXTURE_SDK),
            ("voice/README.md", b"not shipped"),
        ] {
            let path = dist.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        let sdk = dir.join("scv-connector-base.js");
        fs::write(&sdk, FIXTURE_SDK).unwrap();
        build(&root(), &dist, &sdk).unwrap();
        let out = dist.join("salesforce");
        let voice_zip = zip::read(&fs::read(out.join("ctisvrvoice.zip")).unwrap()).unwrap();
        let names: Vec<&str> = voice_zip.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "voice/connector.js",
                "voice/login.css",
                "voice/login.js",
                "voice/pkg/ctisvr_softphone.js",
                "voice/pkg/ctisvr_softphone_bg.wasm",
                "voice/pkg/snippets/v-1/inline0.js",
                "voice/scv-connector-base.js",
            ]
        );
        // The engine is the connector's build, not the element's.
        let wasm = voice_zip.iter().find(|(n, _)| n == "voice/pkg/ctisvr_softphone_bg.wasm").unwrap();
        assert_eq!(wasm.1, b"\0asm\x01\0\0\0voice");
        for file in [
            "ctisvrsoftphone.zip",
            "sfdx/sfdx-project.json",
            "sfdx/force-app/main/default/staticresources/ctisvrvoice.resource",
            "sfdx/force-app/main/default/staticresources/ctisvrsoftphone.resource",
            "sfdx/force-app/main/default/pages/CtisvrVoiceConnector.page",
            "sfdx/force-app/main/default/pages/CtisvrVoiceLogin.page",
            "sfdx/force-app/main/default/ConversationVendorInformation/CtisvrVoice.ConversationVendorInformation-meta.xml",
            "sfdx/force-app/main/default/settings/ServiceCloudVoice.settings-meta.xml",
        ] {
            assert!(out.join(file).is_file(), "{file}");
        }

        fs::write(&sdk, b"another release").unwrap();
        let err = build(&root(), &dist, &sdk).unwrap_err();
        assert!(err.0.contains("only unmodified"), "{}", err.0);
        fs::remove_file(&sdk).unwrap();
        let err = build(&root(), &dist, &sdk).unwrap_err();
        assert!(err.0.contains("cannot be compared"), "{}", err.0);
        fs::write(&sdk, FIXTURE_SDK).unwrap();
        fs::remove_file(dist.join("voice/pkg/ctisvr_softphone_bg.wasm")).unwrap();
        let err = build(&root(), &dist, &sdk).unwrap_err();
        assert!(err.0.contains("lacks ctisvr_softphone_bg.wasm: run `cargo xtask dist`"), "{}", err.0);
        fs::remove_file(dist.join("voice/login.js")).unwrap();
        let err = build(&root(), &dist, &sdk).unwrap_err();
        assert!(err.0.contains("lacks login.js"), "{}", err.0);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_layout_is_what_the_salesforce_cli_reads() {
        let paths: Vec<String> = [
            "sfdx-project.json",
            "force-app/main/default/pages/A.page",
            "force-app/main/default/pages/A.page-meta.xml",
            "force-app/main/default/staticresources/r.resource",
            "force-app/main/default/staticresources/r.resource-meta.xml",
            "force-app/main/default/settings/ServiceCloudVoice.settings-meta.xml",
            "force-app/main/default/ConversationVendorInformation/V.ConversationVendorInformation-meta.xml",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(check_layout(&paths), Vec::<String>::new());
        let mut more = paths.clone();
        more.push("force-app/main/default/pages/B.page".into());
        more.push("force-app/main/default/staticresources/s.resource-meta.xml".into());
        more.push("force-app/main/default/pages/C.callCenter-meta.xml".into());
        more.push("force-app/x.txt".into());
        let problems = check_layout(&more);
        assert!(problems.iter().any(|p| p.contains("B.page has no .page-meta.xml")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("s.resource-meta.xml has no .resource beside")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("C.callCenter-meta.xml: the Salesforce CLI")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("force-app/x.txt is outside")), "{problems:?}");
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
