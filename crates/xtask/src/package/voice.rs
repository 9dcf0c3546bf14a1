//! The Salesforce Voice (partner telephony) half of the package: the
//! `ctisvrvoice` static resource, and the checks of the metadata that goes
//! with it (the connector and login pages, the telephony provider, the org
//! setting) and of the importable contact center
//! (`callcenter/ctisvr-voice.xml`).
//!
//! Sources of the shapes: salesforce/scv-partner-telephony-quickstart
//! (`ConversationVendorInformation/sampleVendor.ConversationVendorInformation-meta.xml`,
//! `settings/ServiceCloudVoice.settings-meta.xml`), salesforce/demo-scv-connector
//! (`sampleContactCenter.xml`), the Metadata API's ConversationVendorInfo
//! page (fields; `serverAuthMode` "Deprecated in API 53.0 … Set this value to
//! None"), and the Salesforce CLI's metadata registry
//! (forcedotcom/source-deploy-retrieve: the type's folder and suffix are
//! `ConversationVendorInformation`).

use std::fs;
use std::path::Path;

use super::callcenter::{self, CallCenter};
use super::xml::{self, Element};
use super::{check_zip_contents, files_under};
use crate::cmd::{fail, rel, Context, Result};

/// The static resource's name (`$Resource.ctisvrvoice` in the pages).
pub const RESOURCE: &str = "ctisvrvoice";
/// The importable contact center.
pub const CONTACT_CENTER_FILE: &str = "callcenter/ctisvr-voice.xml";
/// The telephony provider's developer name (`reqVendorInfoApiName`).
pub const VENDOR: &str = "CtisvrVoice";
/// The provider's file, in the SFDX project.
pub const VENDOR_FILE: &str =
    "force-app/main/default/ConversationVendorInformation/CtisvrVoice.ConversationVendorInformation-meta.xml";
/// The org setting that turns partner telephony on.
pub const SETTINGS_FILE: &str = "force-app/main/default/settings/ServiceCloudVoice.settings-meta.xml";
/// The connector page (`connectorUrl`) and the login page (`customLoginUrl`).
pub const CONNECTOR_PAGE: &str = "CtisvrVoiceConnector";
pub const LOGIN_PAGE: &str = "CtisvrVoiceLogin";
/// Salesforce's SDK bundle in the zip, and where npm installs it
/// (`cargo xtask dist` copies one to the other; its terms require it
/// unmodified).
pub const SDK_ENTRY: &str = "voice/scv-connector-base.js";
pub const SDK_NPM: &str = "node_modules/@salesforce/scv-connector-base/dist/scv-connector-base.js";
const SDK_PACKAGE_JSON: &str = "node_modules/@salesforce/scv-connector-base/package.json";
/// Entries the zip must have (besides what the modules import). The
/// connector's engine is its own build of the crate (feature
/// [`crate::dist::VOICE_FEATURE`]) in `voice/pkg/`, where `connector.js` and
/// `login.js` import it (`./pkg/ctisvr_softphone.js`); the element's `pkg/`
/// is another build and has no place here.
const REQUIRED_ENTRIES: [&str; 5] = [
    "voice/connector.js",
    "voice/login.js",
    SDK_ENTRY,
    "voice/pkg/ctisvr_softphone.js",
    "voice/pkg/ctisvr_softphone_bg.wasm",
];
/// The files of `dist/voice/` the connector needs.
const REQUIRED_VOICE_FILES: [&str; 3] = ["connector.js", "login.js", "scv-connector-base.js"];
/// The engine's folder in `dist/voice/` (and in the zip's `voice/`), and the
/// files `cargo xtask dist` writes there (besides the glue's `snippets/`).
const ENGINE_DIR: &str = "pkg";
const REQUIRED_ENGINE_FILES: [&str; 2] = ["ctisvr_softphone.js", "ctisvr_softphone_bg.wasm"];

/// The fields of the Metadata API's ConversationVendorInfo, as a typing of
/// the Metadata API's WSDL lists them (an element the type lacks, such as
/// `isEnabled`, fails the deployment; a field added by a later release
/// belongs here once the package uses it).
const VENDOR_FIELDS: [&str; 30] = [
    "agentSSOSupported",
    "awsAccountKey",
    "awsRootEmail",
    "awsTenantVersion",
    "bridgeComponent",
    "clientAuthMode",
    "connectorUrl",
    "customConfig",
    "customIcon",
    "customLoginUrl",
    "developerName",
    "einsteinConversationInsightsSupported",
    "integrationClass",
    "integrationClassName",
    "intelligenceSupported",
    "isTaxCompliant",
    "keyProvisioningSupported",
    "masterLabel",
    "namedCredential",
    "namedCredentialSupported",
    "partnerContactCenterListSupported",
    "partnerPhoneNumbersSupported",
    "partnerTransferDestinationsSupported",
    "queueManagementSupported",
    "serverAuthMode",
    "telephonySettingsComponent",
    "unifiedRoutingSupported",
    "universalCallRecordingAccessSupported",
    "userSyncingSupported",
    "vendorType",
];
const CLIENT_AUTH_MODES: [&str; 3] = ["SSO", "Custom", "Mixed"];
const SERVER_AUTH_MODES: [&str; 2] = ["None", "OAuth"];
const METADATA_NS: &str = "http://soap.sforce.com/2006/04/metadata";

/// The zip's entries, all under `voice/`: every `.js`, `.css` and `.txt` of
/// `dist/voice/` (the connector, the login page's script and styles, the SDK
/// bundle with its licence and terms) and everything in `dist/voice/pkg/`
/// (the connector's engine: the wasm, its JS glue and snippets).
pub fn entries(voice_dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let missing: Vec<&str> = REQUIRED_VOICE_FILES.into_iter().filter(|f| !voice_dir.join(f).is_file()).collect();
    if !missing.is_empty() {
        return fail(format!(
            "{} lacks {}: `cargo xtask dist` copies site/voice/ and the SDK bundle ({SDK_NPM}) there",
            rel(voice_dir),
            missing.join(", ")
        ));
    }
    let engine = voice_dir.join(ENGINE_DIR);
    let missing: Vec<&str> = REQUIRED_ENGINE_FILES.into_iter().filter(|f| !engine.join(f).is_file()).collect();
    if !missing.is_empty() {
        return fail(format!(
            "{} lacks {}: run `cargo xtask dist` first (it builds the connector's engine, feature `{}`, there)",
            rel(&engine),
            missing.join(", "),
            crate::dist::VOICE_FEATURE
        ));
    }
    let mut entries = Vec::new();
    for path in files_under(voice_dir)? {
        let relative = path.strip_prefix(voice_dir).unwrap_or(&path);
        let name = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        if belongs(&name) {
            entries.push((format!("voice/{name}"), fs::read(&path).ctx(|| format!("reading {}", rel(&path)))?));
        }
    }
    Ok(entries)
}

/// A file of `dist/voice/` (`name` relative to it) the zip ships: the
/// engine's, and the scripts, styles and licence texts.
fn belongs(name: &str) -> bool {
    name.strip_prefix(ENGINE_DIR).is_some_and(|rest| rest.starts_with('/')) || shipped(name)
}

/// A file of `dist/voice/` the zip ships: scripts, styles, licence texts.
fn shipped(name: &str) -> bool {
    name.ends_with(".js") || name.ends_with(".css") || name.ends_with(".txt")
}

/// The static resource holds, under `voice/`, the connector, the login
/// script, the SDK bundle byte for byte as npm installed it (`sdk`: `None`
/// when it is not installed, which is a problem: nothing to compare with),
/// the connector's engine in `voice/pkg/` and every module they import, and
/// nothing else (no top-level `pkg/`: the element's build).
pub fn check_zip(zip: &[u8], sdk: Option<&[u8]>) -> Vec<String> {
    let in_voice = |name: &str| name.strip_prefix("voice/").is_some_and(belongs);
    let (mut problems, entries) = check_zip_contents(zip, &REQUIRED_ENTRIES, in_voice);
    let bundled = entries.iter().find(|(name, _)| name == SDK_ENTRY).map(|(_, data)| data.as_slice());
    match (bundled, sdk) {
        (None, _) => {}
        (Some(_), None) => problems
            .push(format!("{SDK_NPM} is missing, so {SDK_ENTRY} cannot be compared with it: run `cargo xtask setup`")),
        (Some(bundled), Some(sdk)) if bundled != sdk => problems
            .push(format!("{SDK_ENTRY} differs from {SDK_NPM}: Salesforce's terms allow the SDK only unmodified")),
        (Some(_), Some(_)) => {}
    }
    problems
}

/// The installed SDK's version (`package.json`), for the summary.
pub fn sdk_version(root: &Path) -> Option<String> {
    let text = fs::read_to_string(root.join(SDK_PACKAGE_JSON)).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.get("version")?.as_str().map(str::to_string)
}

/// A Voice page (`name` is the file name, `CtisvrVoiceConnector.page` or
/// `CtisvrVoiceLogin.page`): an `<apex:page>`, scripts only from the static
/// resource (no inline script or style, for a strict CSP), every resource
/// file it names in the zip (`zip`: the zip's entries), every element its
/// scripts look up by id (`getElementById("…")`) present, and what each
/// page is for.
pub fn check_page(name: &str, text: &str, zip: &[(String, Vec<u8>)]) -> Vec<String> {
    let zip_names: Vec<&str> = zip.iter().map(|(n, _)| n.as_str()).collect();
    let mut problems = Vec::new();
    let root = match xml::parse(text) {
        Ok(root) => root,
        Err(e) => return vec![format!("{name} is not well-formed XML: {e}")],
    };
    if root.name != "apex:page" {
        problems.push(format!("{name}: the root must be <apex:page>"));
    }
    let mut elements = Vec::new();
    descendants(&root, &mut elements);
    let scripts: Vec<&Element> = elements.iter().copied().filter(|e| e.name == "script").collect();
    for script in &scripts {
        if script.attribute("src").is_none() || !script.text().is_empty() {
            problems.push(format!("{name}: an inline <script> (the pages load scripts from the resource only)"));
        }
    }
    if elements.iter().any(|e| e.name == "style" || e.attribute("style").is_some()) {
        problems.push(format!("{name}: inline style (a strict CSP refuses it)"));
    }
    for file in resource_files(text) {
        if !zip_names.contains(&file.as_str()) {
            problems.push(format!("{name} loads {file} from $Resource.{RESOURCE}, which is not in the zip"));
        }
    }
    let ids: Vec<&str> = elements.iter().filter_map(|e| e.attribute("id")).collect();
    for file in resource_files(text).iter().filter(|f| f.ends_with(".js")) {
        let Some((_, script)) = zip.iter().find(|(n, _)| n == file) else { continue };
        for id in looked_up_ids(&String::from_utf8_lossy(script)) {
            if !ids.contains(&id.as_str()) {
                problems.push(format!("{name} has no element with id \"{id}\", which {file} looks up"));
            }
        }
    }
    let src_of = |file: &str| format!("{{!URLFOR($Resource.{RESOURCE}, '{file}')}}");
    let position = |file: &str| scripts.iter().position(|s| s.attribute("src") == Some(src_of(file).as_str()));
    let is_module = |at: usize| scripts.get(at).and_then(|s| s.attribute("type")) == Some("module");
    if name == format!("{CONNECTOR_PAGE}.page") {
        match (position(SDK_ENTRY), position("voice/connector.js")) {
            (Some(sdk), Some(connector)) => {
                if is_module(sdk) {
                    problems.push(format!("{name}: the SDK bundle is a classic script (UMD), not a module"));
                }
                if !is_module(connector) {
                    problems.push(format!("{name}: voice/connector.js must load as type=\"module\""));
                }
                if sdk > connector {
                    problems.push(format!("{name}: the SDK must load before the connector"));
                }
            }
            (sdk, connector) => {
                if sdk.is_none() {
                    problems.push(format!("{name} does not load {SDK_ENTRY} with <script src>"));
                }
                if connector.is_none() {
                    problems.push(format!("{name} does not load voice/connector.js with <script src>"));
                }
            }
        }
    } else if name == format!("{LOGIN_PAGE}.page") {
        match position("voice/login.js") {
            Some(at) if is_module(at) => {}
            Some(_) => problems.push(format!("{name}: voice/login.js must load as type=\"module\"")),
            None => problems.push(format!("{name} does not load voice/login.js with <script type=\"module\" src>")),
        }
        if !elements.iter().any(|e| e.name == "div" && e.attribute("id") == Some("login")) {
            problems.push(format!("{name} has no <div id=\"login\"> for login.js to fill"));
        }
    } else {
        problems.push(format!("{name} is not a page of the Voice package"));
    }
    problems
}

/// The ids a script looks up with `getElementById` and a string literal.
fn looked_up_ids(js: &str) -> Vec<String> {
    let marker = "getElementById(";
    js.match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = js.get(at + marker.len()..)?.trim_start();
            let quote = rest.chars().next().filter(|c| matches!(c, '\'' | '"' | '`'))?;
            let inner = rest.get(1..)?;
            let id = inner.find(quote).and_then(|end| inner.get(..end))?;
            (!id.is_empty() && !id.contains("${")).then(|| id.to_string())
        })
        .collect()
}

/// The files a page names in `URLFOR($Resource.ctisvrvoice, '…')`.
fn resource_files(text: &str) -> Vec<String> {
    let marker = format!("URLFOR($Resource.{RESOURCE},");
    text.match_indices(&marker)
        .filter_map(|(at, _)| {
            let rest = text.get(at + marker.len()..)?.trim_start();
            let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
            let inner = rest.get(1..)?;
            inner.find(quote).and_then(|end| inner.get(..end)).map(str::to_string)
        })
        .collect()
}

fn descendants<'a>(element: &'a Element, out: &mut Vec<&'a Element>) {
    for child in element.elements() {
        out.push(child);
        descendants(child, out);
    }
}

/// The telephony provider: a ConversationVendorInfo of the fields the
/// Metadata API knows, named [`VENDOR`], for partner telephony with our own
/// login, whose connector and login URLs are pages of the project (`pages`:
/// the page names, without `.page`).
pub fn check_vendor(text: &str, pages: &[&str]) -> Vec<String> {
    let what = VENDOR_FILE;
    let root = match xml::parse(text) {
        Ok(root) => root,
        Err(e) => return vec![format!("{what} is not well-formed XML: {e}")],
    };
    let mut problems = Vec::new();
    if root.name != "ConversationVendorInfo" || root.attribute("xmlns") != Some(METADATA_NS) {
        problems.push(format!("{what}: not a ConversationVendorInfo of the Metadata API"));
    }
    let mut seen: Vec<&str> = Vec::new();
    for field in root.elements() {
        if !VENDOR_FIELDS.contains(&field.name.as_str()) {
            problems.push(format!("{what}: <{}> is not a field of ConversationVendorInfo", field.name));
        }
        if seen.contains(&field.name.as_str()) {
            problems.push(format!("{what}: <{}> twice", field.name));
        }
        seen.push(&field.name);
        if field.name.ends_with("Supported") && !matches!(field.text().as_str(), "true" | "false") {
            problems.push(format!("{what}: <{}> is true or false", field.name));
        }
    }
    let field = |name: &str| root.child(name).map(Element::text);
    let mut expect = |name: &str, want: &str| {
        if field(name).as_deref() != Some(want) {
            problems.push(format!("{what}: <{name}> must be {want}, not {:?}", field(name)));
        }
    };
    expect("developerName", VENDOR);
    expect("vendorType", "ServiceCloudVoicePartner");
    expect("clientAuthMode", "Custom");
    expect("serverAuthMode", "None");
    expect("connectorUrl", &format!("/apex/{CONNECTOR_PAGE}"));
    expect("customLoginUrl", &format!("/apex/{LOGIN_PAGE}"));
    if field("masterLabel").is_none_or(|label| label.is_empty()) {
        problems.push(format!("{what}: <masterLabel> names the provider in Setup"));
    }
    if let Some(mode) = field("clientAuthMode").filter(|m| !CLIENT_AUTH_MODES.contains(&m.as_str())) {
        problems.push(format!("{what}: clientAuthMode {mode:?} is one of {CLIENT_AUTH_MODES:?}"));
    }
    if let Some(mode) = field("serverAuthMode").filter(|m| !SERVER_AUTH_MODES.contains(&m.as_str())) {
        problems.push(format!("{what}: serverAuthMode {mode:?} is one of {SERVER_AUTH_MODES:?}"));
    }
    for name in ["connectorUrl", "customLoginUrl"] {
        let Some(url) = field(name) else { continue };
        match url.strip_prefix("/apex/") {
            Some(page) if pages.contains(&page) => {}
            Some(page) => problems.push(format!("{what}: {name} {url} names the page {page}, which the project lacks")),
            None => problems.push(format!("{what}: {name} {url} is not a Visualforce page of the project (/apex/…)")),
        }
    }
    problems
}

/// The org setting: ServiceCloudVoiceSettings with partner telephony on.
pub fn check_settings(text: &str) -> Vec<String> {
    let what = SETTINGS_FILE;
    match xml::parse(text) {
        Err(e) => vec![format!("{what} is not well-formed XML: {e}")],
        Ok(root) => {
            let mut problems = Vec::new();
            if root.name != "ServiceCloudVoiceSettings" || root.attribute("xmlns") != Some(METADATA_NS) {
                problems.push(format!("{what}: not the Metadata API's ServiceCloudVoiceSettings"));
            }
            if root.child("enableSCVExternalTelephony").map(Element::text).as_deref() != Some("true") {
                problems.push(format!("{what}: enableSCVExternalTelephony must be true"));
            }
            problems
        }
    }
}

/// Everything wrong with the importable contact center (`text`) for the
/// provider `vendor`: the file rules, the items partner telephony needs,
/// every item the connector reads ([`ctisvr_core::settings::keys::ALL`] and
/// [`ctisvr_core::voice::settings::keys::ALL`]) defined, and values the
/// core accepts.
pub fn check_contact_center(text: &str, vendor: &str) -> Vec<String> {
    let center = match callcenter::parse(text) {
        Ok(center) => center,
        Err(e) => return vec![e],
    };
    let mut problems = callcenter::check_voice(&center);
    let api_name = center.value("/reqGeneralInfo/reqVendorInfoApiName");
    if api_name.is_some_and(|name| name != vendor) {
        problems.push(format!("reqVendorInfoApiName is {api_name:?}, but the telephony provider is {vendor}"));
    }
    let keys = center.keys();
    let read = ctisvr_core::settings::keys::ALL.into_iter().chain(ctisvr_core::voice::settings::keys::ALL);
    for key in read {
        if !keys.iter().any(|k| k == key) {
            problems.push(format!("{key} is not defined (the connector reads it)"));
        }
    }
    let object: serde_json::Map<String, serde_json::Value> =
        keys.iter().map(|k| (k.clone(), serde_json::Value::from(center.value(k).unwrap_or_default()))).collect();
    if let Err(e) = ctisvr_core::voice::VoiceSettings::from_contact_center(&serde_json::Value::Object(object)) {
        problems.push(format!("the connector refuses the values: {e}"));
    }
    problems
}

/// The softphone's items carry over from the Open CTI call center: in the
/// contact center with the same names and default values (the labels may
/// say what Voice ignores).
pub fn compare_with_open_cti(voice: &CallCenter, open_cti: &CallCenter) -> Vec<String> {
    let mut problems = Vec::new();
    for key in ctisvr_core::settings::keys::ALL {
        let (ours, theirs) = (voice.value(key), open_cti.value(key));
        if ours.is_some() && ours != theirs {
            problems.push(format!("{key}: {ours:?} in {CONTACT_CENTER_FILE}, {theirs:?} in the Open CTI call center"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::super::zip;
    use super::*;
    use crate::cmd::root;

    fn repo_file(path: &str) -> String {
        fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn site_file(path: &str) -> String {
        repo_file(&format!("site/visualforce/{path}"))
    }

    const PAGES: [&str; 3] = ["CtisvrSoftphone", CONNECTOR_PAGE, LOGIN_PAGE];
    /// The Voice zip's entries, as the pages see them.
    fn zip_entries() -> Vec<(String, Vec<u8>)> {
        [
            ("voice/connector.js", "import init from './pkg/ctisvr_softphone.js';\n"),
            (
                "voice/login.js",
                "const view = mount(document.getElementById(\"login\"));\nconst p = document.getElementById('login-problem');\n",
            ),
            ("voice/login.css", "#login { margin: 0; }\n"),
            (SDK_ENTRY, "!function(){}();\n"),
            ("voice/pkg/ctisvr_softphone.js", "export default function init() {}\n"),
            ("voice/pkg/ctisvr_softphone_bg.wasm", "\0asm"),
        ]
        .into_iter()
        .map(|(name, text)| (name.to_string(), text.as_bytes().to_vec()))
        .collect()
    }

    #[test]
    fn the_contact_center_file_follows_the_rules() {
        let text = repo_file(CONTACT_CENTER_FILE);
        assert_eq!(check_contact_center(&text, VENDOR), Vec::<String>::new());
        let center = callcenter::parse(&text).unwrap();
        assert_eq!(center.value("/reqGeneralInfo/reqInternalName"), Some("CtisvrVoice"));
        assert_eq!(center.value("/reqGeneralInfo/reqVendorInfoApiName"), Some(VENDOR));
        assert!(center.value("/reqHvcc/reqTelephonyIntegrationCertificate").is_some());
        assert_eq!(
            center.value(ctisvr_core::voice::settings::keys::PRESENCE_STATUSES),
            Some("0N5000000000001=auto; 0N5000000000002=aux/3; 0=logout")
        );
        assert_eq!(
            center.value(ctisvr_core::voice::settings::keys::VOICE_CALL_SERVICE),
            Some("https://voicecall.example.com")
        );
    }

    /// Every item the connector reads is defined, so Salesforce hands it to
    /// `init(callCenterConfig)` and the admin can edit it.
    #[test]
    fn the_contact_center_defines_every_key_the_connector_reads() {
        let text = repo_file(CONTACT_CENTER_FILE);
        let center = callcenter::parse(&text).unwrap();
        let keys = center.keys();
        let read = ctisvr_core::settings::keys::ALL.into_iter().chain(ctisvr_core::voice::settings::keys::ALL);
        for key in read {
            assert!(keys.iter().any(|k| k == key), "{CONTACT_CENTER_FILE} lacks {key}");
            // Without it (renamed in its section), the package's check says which.
            let (section, item) = key.trim_start_matches('/').split_once('/').unwrap();
            let at = text.find(&format!("name=\"{section}\"")).unwrap();
            let (before, after) = text.split_at(at);
            let without = format!("{before}{}", after.replacen(&format!("name=\"{item}\""), "name=\"removedItem\"", 1));
            assert_ne!(without, text, "{key}");
            let problems = check_contact_center(&without, VENDOR);
            assert!(problems.iter().any(|p| p.contains(key)), "{key}: {problems:?}");
        }
    }

    #[test]
    fn a_misnumbered_or_wrong_contact_center_is_refused() {
        let text = repo_file(CONTACT_CENTER_FILE);
        let cases = [
            ("sortOrder=\"1\" name=\"voiceCallService\"", "sortOrder=\"2\" name=\"voiceCallService\"", "without gaps"),
            ("sortOrder=\"5\" name=\"ctisvrVoice\"", "sortOrder=\"6\" name=\"ctisvrVoice\"", "sections: sortOrder"),
            ("sortOrder=\"2\" name=\"reqVendorInfoApiName\"", "name=\"reqVendorInfoApiName\"", "some items"),
            (">CtisvrVoice</item>\n  </section>", ">OtherVendor</item>\n  </section>", "the telephony provider is"),
            ("=aux/3;", "=lunch;", "refuses the values"),
            (">https://voicecall.example.com<", ">voicecall.example.com<", "refuses the values"),
            ("name=\"presenceStatuses\"", "name=\"presence_statuses\"", "letters and digits"),
            ("</callCenter>", "", "not closed"),
        ];
        for (from, to, why) in cases {
            let changed = text.replacen(from, to, 1);
            assert_ne!(changed, text, "{from}");
            let problems = check_contact_center(&changed, VENDOR);
            assert!(problems.iter().any(|p| p.contains(why)), "{to}: {problems:?}");
        }
    }

    #[test]
    fn the_softphone_items_carry_over_from_the_open_cti_call_center() {
        let voice = callcenter::parse(&repo_file(CONTACT_CENTER_FILE)).unwrap();
        let open_cti = callcenter::parse(&repo_file("callcenter/ctisvr-softphone.xml")).unwrap();
        assert_eq!(compare_with_open_cti(&voice, &open_cti), Vec::<String>::new());
        let changed = repo_file(CONTACT_CENTER_FILE).replace(">ws://127.0.0.1:9006<", ">wss://cti:9443<");
        let problems = compare_with_open_cti(&callcenter::parse(&changed).unwrap(), &open_cti);
        assert!(problems.iter().any(|p| p.contains("/ServerInfo/wsURIA")), "{problems:?}");
    }

    #[test]
    fn the_telephony_provider_points_at_the_pages() {
        let text = site_file(VENDOR_FILE);
        assert_eq!(check_vendor(&text, &PAGES), Vec::<String>::new());
        let problems = check_vendor(&text, &["CtisvrSoftphone", LOGIN_PAGE]);
        assert!(problems.iter().any(|p| p.contains("the project lacks")), "{problems:?}");
        let cases = [
            ("<vendorType>ServiceCloudVoicePartner<", "<vendorType>Amazon_Connect<", "vendorType"),
            ("<serverAuthMode>None<", "<serverAuthMode>Sometimes<", "one of"),
            ("<clientAuthMode>Custom<", "<clientAuthMode>SSO<", "clientAuthMode> must be Custom"),
            ("/apex/CtisvrVoiceLogin", "https://login.example.com", "not a Visualforce page"),
            ("<developerName>CtisvrVoice<", "<developerName>Other<", "developerName"),
            ("<vendorType>", "<isEnabled>true</isEnabled><vendorType>", "not a field"),
            ("<keyProvisioningSupported>false<", "<keyProvisioningSupported>no<", "true or false"),
            ("</ConversationVendorInfo>", "", "not well-formed"),
        ];
        for (from, to, why) in cases {
            let changed = text.replacen(from, to, 1);
            assert_ne!(changed, text, "{from}");
            let problems = check_vendor(&changed, &PAGES);
            assert!(problems.iter().any(|p| p.contains(why)), "{to}: {problems:?}");
        }
    }

    #[test]
    fn the_org_setting_turns_partner_telephony_on() {
        let text = site_file(SETTINGS_FILE);
        assert_eq!(check_settings(&text), Vec::<String>::new());
        let off = text.replace(">true<", ">false<");
        assert!(check_settings(&off).iter().any(|p| p.contains("must be true")));
    }

    #[test]
    fn the_pages_load_the_sdk_then_the_connector_and_the_login() {
        let connector = site_file(&format!("force-app/main/default/pages/{CONNECTOR_PAGE}.page"));
        let login = site_file(&format!("force-app/main/default/pages/{LOGIN_PAGE}.page"));
        let connector_name = format!("{CONNECTOR_PAGE}.page");
        let login_name = format!("{LOGIN_PAGE}.page");
        let zip = zip_entries();
        assert_eq!(check_page(&connector_name, &connector, &zip), Vec::<String>::new());
        assert_eq!(check_page(&login_name, &login, &zip), Vec::<String>::new());
        assert_eq!(looked_up_ids("a.getElementById( `x` ); b.getElementById(id); getElementById(\"y\")"), ["x", "y"]);
        assert_eq!(resource_files(&connector), vec![SDK_ENTRY, "voice/connector.js"]);

        let broken = [
            (&connector_name, &connector, "type=\"module\" src", "src", "must load as type=\"module\""),
            (&connector_name, &connector, "<script src=", "<script type=\"module\" src=", "classic script"),
            (&connector_name, &connector, "voice/connector.js", "voice/main.js", "not in the zip"),
            (&connector_name, &connector, "</head>", "<script>start()</script></head>", "inline <script>"),
            (&connector_name, &connector, "<body>", "<body style=\"margin:0\">", "inline style"),
            (&login_name, &login, "id=\"login\"", "id=\"form\"", "no <div id=\"login\">"),
            (&login_name, &login, "id=\"login-problem\"", "id=\"problem\"", "no element with id \"login-problem\""),
            (&login_name, &login, "voice/login.css", "voice/login2.css", "not in the zip"),
            (&login_name, &login, "voice/login.js", "voice/connector.js", "does not load voice/login.js"),
            (&login_name, &login, "</apex:page>", "", "not well-formed"),
        ];
        for (name, text, from, to, why) in broken {
            let changed = text.replacen(from, to, 1);
            assert_ne!(&changed, text, "{from}");
            let problems = check_page(name, &changed, &zip);
            assert!(problems.iter().any(|p| p.contains(why)), "{to}: {problems:?}");
        }
        // The SDK after the connector.
        let head = connector.find("  <script src=").unwrap();
        let sdk_line_end = connector[head..].find('\n').unwrap() + head + 1;
        let sdk_line = &connector[head..sdk_line_end];
        let swapped = connector.replacen(sdk_line, "", 1).replacen("</head>", &format!("{sdk_line}</head>"), 1);
        let problems = check_page(&connector_name, &swapped, &zip);
        assert!(problems.iter().any(|p| p.contains("before the connector")), "{problems:?}");
        // Without the SDK in the zip.
        let problems = check_page(&connector_name, &connector, &zip[..3]);
        assert!(problems.iter().any(|p| p.contains(SDK_ENTRY)), "{problems:?}");
        // login.js looking up an element the page lacks.
        let mut other = zip.clone();
        other[1].1 = b"document.getElementById('agent-id');\n".to_vec();
        let problems = check_page(&login_name, &login, &other);
        assert!(problems.iter().any(|p| p.contains("no element with id \"agent-id\"")), "{problems:?}");
    }

    fn fixture_entries(sdk: &[u8]) -> Vec<(String, Vec<u8>)> {
        vec![
            (
                "voice/connector.js".into(),
                b"import init from './pkg/ctisvr_softphone.js';\nimport { a } from './presence.js';\n".to_vec(),
            ),
            ("voice/presence.js".into(), b"export const a = 1;\n".to_vec()),
            ("voice/login.js".into(), b"import init from './pkg/ctisvr_softphone.js';\n".to_vec()),
            ("voice/login.css".into(), b"#login { margin: 0; }\n".to_vec()),
            (SDK_ENTRY.into(), sdk.to_vec()),
            (
                "voice/pkg/ctisvr_softphone.js".into(),
                b"import { s } from './snippets/x-1/inline0.js';\nexport default async function init() {}\n".to_vec(),
            ),
            ("voice/pkg/ctisvr_softphone_bg.wasm".into(), b"\0asm\x01\0\0\0".to_vec()),
            ("voice/pkg/snippets/x-1/inline0.js".into(), b"export function s() {}\n".to_vec()),
        ]
    }

    #[test]
    fn the_zip_holds_the_unmodified_sdk_and_every_module() {
        let sdk = b"!function(t,e){t.SCVConnectorBase=e()}(this,function(){return {}});\n";
        let entries = fixture_entries(sdk);
        let zip_bytes = zip::write(&entries).unwrap();
        assert_eq!(check_zip(&zip_bytes, Some(sdk)), Vec::<String>::new());

        let problems = check_zip(&zip_bytes, Some(b"another version"));
        assert!(problems.iter().any(|p| p.contains("only unmodified")), "{problems:?}");
        let problems = check_zip(&zip_bytes, None);
        assert!(problems.iter().any(|p| p.contains("cannot be compared")), "{problems:?}");

        let without = |name: &str| {
            let kept: Vec<_> = entries.iter().filter(|(n, _)| n != name).cloned().collect();
            check_zip(&zip::write(&kept).unwrap(), Some(sdk))
        };
        for required in REQUIRED_ENTRIES {
            assert!(without(required).iter().any(|p| p.contains(&format!("lacks {required}"))), "{required}");
        }
        let problems = without("voice/presence.js");
        assert!(problems.iter().any(|p| p.contains("imports ./presence.js")), "{problems:?}");
        let problems = without("voice/pkg/snippets/x-1/inline0.js");
        assert!(problems.iter().any(|p| p.contains("imports ./snippets/x-1/inline0.js")), "{problems:?}");
        let mut extra = entries.clone();
        extra.push(("voice/index.html".into(), Vec::new()));
        // The element's build, where the connector's used to be.
        extra.push(("pkg/ctisvr_softphone_bg.wasm".into(), b"\0asm\x01\0\0\0".to_vec()));
        let problems = check_zip(&zip::write(&extra).unwrap(), Some(sdk));
        assert!(problems.iter().any(|p| p.contains("voice/index.html does not belong")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("pkg/ctisvr_softphone_bg.wasm does not belong")), "{problems:?}");
        // The connector importing the engine from the top-level pkg/.
        let mut old_layout = entries.clone();
        old_layout[0].1 = b"import init from '../pkg/ctisvr_softphone.js';\n".to_vec();
        let problems = check_zip(&zip::write(&old_layout).unwrap(), Some(sdk));
        assert!(problems.iter().any(|p| p.contains("imports ../pkg/ctisvr_softphone.js")), "{problems:?}");
        let mut bad_wasm = entries.clone();
        bad_wasm[6].1 = b"MZ".to_vec();
        let problems = check_zip(&zip::write(&bad_wasm).unwrap(), Some(sdk));
        assert!(problems.iter().any(|p| p.contains("voice/pkg/ctisvr_softphone_bg.wasm is not WebAssembly")));
        // Salesforce's limit.
        let mut big = entries.clone();
        big.push(("voice/big.txt".into(), vec![b'x'; 5 * 1024 * 1024]));
        let problems = check_zip(&zip::write(&big).unwrap(), Some(sdk));
        assert!(problems.iter().any(|p| p.contains("Salesforce allows")), "{problems:?}");
    }

    #[test]
    fn the_entries_come_from_dist_voice_and_its_pkg() {
        let dir = std::env::temp_dir().join(format!("xtask-voice-entries-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let voice = dir.join("voice");
        fs::create_dir_all(voice.join("lib")).unwrap();
        fs::create_dir_all(voice.join("pkg/snippets/x-1")).unwrap();
        let err = entries(&voice).unwrap_err();
        assert!(err.0.contains("connector.js, login.js, scv-connector-base.js"), "{}", err.0);
        for (file, text) in [
            ("connector.js", "c"),
            ("login.js", "l"),
            ("scv-connector-base.js", "s"),
            ("lib/presence.js", "p"),
            ("scv-connector-base.LICENSE.txt", "BSD-3-Clause"),
            ("notes.md", "not shipped"),
            ("pkg/ctisvr_softphone.js", "glue"),
        ] {
            fs::write(voice.join(file), text).unwrap();
        }
        // The engine's wasm missing: `cargo xtask dist` builds it.
        let err = entries(&voice).unwrap_err();
        assert!(err.0.contains("lacks ctisvr_softphone_bg.wasm"), "{}", err.0);
        assert!(err.0.contains("run `cargo xtask dist`"), "{}", err.0);
        fs::write(voice.join("pkg/ctisvr_softphone_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        fs::write(voice.join("pkg/snippets/x-1/inline0.js"), "snippet").unwrap();
        // A file of another kind in the engine's folder ships too.
        fs::write(voice.join("pkg/ctisvr_softphone.wasm.map"), "map").unwrap();
        let names: Vec<String> = entries(&voice).unwrap().into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "voice/connector.js",
                "voice/lib/presence.js",
                "voice/login.js",
                "voice/pkg/ctisvr_softphone.js",
                "voice/pkg/ctisvr_softphone.wasm.map",
                "voice/pkg/ctisvr_softphone_bg.wasm",
                "voice/pkg/snippets/x-1/inline0.js",
                "voice/scv-connector-base.LICENSE.txt",
                "voice/scv-connector-base.js",
            ]
        );
        assert!(!belongs("pkgs/x.wasm") && !belongs("pkg") && belongs("pkg/x.wasm") && !belongs("notes.md"));
        let _ = fs::remove_dir_all(&dir);
    }
}
