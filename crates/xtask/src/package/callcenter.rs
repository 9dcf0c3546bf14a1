//! Salesforce call center definitions, in both forms we ship:
//!
//! - the importable file (`callcenter/ctisvr-softphone.xml`):
//!   `<callCenter><section sortOrder name label><item sortOrder name label>value`;
//! - the Metadata API / SFDX form (`callCenters/<Name>.callCenter-meta.xml`):
//!   `<CallCenter><sections><items><label/><name/><value/></items><label/><name/></sections>`,
//!   with `reqInternalName` being the file name and `reqDisplayName` the
//!   `displayName` field.
//!
//! [`check`] applies the definition file rules of the Open CTI developer
//! guide ("Call Center Definition Files"); [`check_voice`] the same file
//! rules with the items a Salesforce Voice partner telephony contact center
//! needs instead (Salesforce's `sampleContactCenter.xml` in
//! salesforce/demo-scv-connector: `reqVendorInfoApiName`, and the section
//! `reqHvcc` with `reqTelephonyIntegrationCertificate`).

use super::xml::{self, Element};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallCenter {
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// `None` in the metadata form (order is position).
    pub sort_order: Option<String>,
    pub name: String,
    pub label: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub sort_order: Option<String>,
    pub name: String,
    pub label: String,
    pub value: String,
}

/// Items of `reqGeneralInfo` every definition must have.
pub const REQUIRED_GENERAL: [&str; 7] = [
    "reqInternalName",
    "reqDisplayName",
    "reqAdapterUrl",
    "reqUseApi",
    "reqSoftphoneHeight",
    "reqSoftphoneWidth",
    "reqSalesforceCompatibilityMode",
];

const COMPATIBILITY_MODES: [&str; 3] = ["Classic", "Lightning", "Classic_and_Lightning"];

/// Items of `reqGeneralInfo` a partner telephony contact center must have:
/// its API name, its label, and the telephony provider's
/// `ConversationVendorInfo` developer name.
pub const VOICE_REQUIRED_GENERAL: [&str; 3] = ["reqInternalName", "reqDisplayName", "reqVendorInfoApiName"];

/// Items of `reqHvcc` ("SCV Settings") a partner telephony contact center
/// must have: the provider's X.509 certificate, which Salesforce checks the
/// Telephony Integration API's RS256 tokens against.
pub const VOICE_REQUIRED_HVCC: [&str; 1] = ["reqTelephonyIntegrationCertificate"];

impl CallCenter {
    /// `/section/item` keys, as `getCallCenterSettings` returns them.
    pub fn keys(&self) -> Vec<String> {
        self.sections.iter().flat_map(|s| s.items.iter().map(move |i| format!("/{}/{}", s.name, i.name))).collect()
    }

    /// The value of `/section/item`.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.sections
            .iter()
            .find_map(|s| s.items.iter().find(|i| format!("/{}/{}", s.name, i.name) == key).map(|i| i.value.as_str()))
    }
}

/// Reads the importable definition file.
pub fn parse(text: &str) -> Result<CallCenter, String> {
    let root = xml::parse(text).map_err(|e| e.to_string())?;
    if root.name != "callCenter" {
        return Err(format!("the root element is <{}>, not <callCenter>", root.name));
    }
    stray_text(&root)?;
    let mut sections = Vec::new();
    for section in root.elements() {
        if section.name != "section" {
            return Err(format!("<{}> in <callCenter>: only <section> is allowed", section.name));
        }
        stray_text(section)?;
        let mut items = Vec::new();
        for item in section.elements() {
            if item.name != "item" {
                return Err(format!("<{}> in a <section>: only <item> is allowed", item.name));
            }
            if item.elements().next().is_some() {
                return Err(format!("<item name={:?}> holds elements; its value is text", item.attribute("name")));
            }
            items.push(Item {
                sort_order: item.attribute("sortOrder").map(str::to_string),
                name: required(item, "name")?,
                label: required(item, "label")?,
                value: item.text(),
            });
        }
        sections.push(Section {
            sort_order: section.attribute("sortOrder").map(str::to_string),
            name: required(section, "name")?,
            label: required(section, "label")?,
            items,
        });
    }
    Ok(CallCenter { sections })
}

/// Reads the Metadata API form; `internal_name` is the file's name
/// (`CtisvrSoftphone` for `CtisvrSoftphone.callCenter-meta.xml`). The
/// top-level `displayName` and `adapterUrl` become `reqDisplayName` and
/// (when the section lacks it) `reqAdapterUrl`, so both forms compare.
pub fn parse_metadata(text: &str, internal_name: &str) -> Result<CallCenter, String> {
    let root = xml::parse(text).map_err(|e| e.to_string())?;
    if root.name != "CallCenter" {
        return Err(format!("the root element is <{}>, not <CallCenter>", root.name));
    }
    if root.attribute("xmlns") != Some("http://soap.sforce.com/2006/04/metadata") {
        return Err("<CallCenter> lacks xmlns=\"http://soap.sforce.com/2006/04/metadata\"".into());
    }
    let field = |e: &Element, name: &str| e.child(name).map(Element::text);
    for name in ["displayName", "displayNameLabel", "internalNameLabel"] {
        if field(&root, name).is_none_or(|v| v.is_empty()) {
            return Err(format!("<CallCenter> needs <{name}>"));
        }
    }
    let mut sections = Vec::new();
    for section in root.all("sections") {
        let items = section
            .all("items")
            .map(|item| Item {
                sort_order: None,
                name: field(item, "name").unwrap_or_default(),
                label: field(item, "label").unwrap_or_default(),
                value: field(item, "value").unwrap_or_default(),
            })
            .collect();
        sections.push(Section {
            sort_order: None,
            name: field(section, "name").unwrap_or_default(),
            label: field(section, "label").unwrap_or_default(),
            items,
        });
    }
    if let Some(general) = sections.iter_mut().find(|s| s.name == "reqGeneralInfo") {
        let item = |name: &str, label: &str, value: String| Item {
            sort_order: None,
            name: name.into(),
            label: label.into(),
            value,
        };
        general.items.insert(0, item("reqInternalName", "Internal Name", internal_name.to_string()));
        general
            .items
            .insert(1, item("reqDisplayName", "Display Name", field(&root, "displayName").unwrap_or_default()));
        if !general.items.iter().any(|i| i.name == "reqAdapterUrl") {
            general.items.push(item(
                "reqAdapterUrl",
                "CTI Adapter URL",
                field(&root, "adapterUrl").unwrap_or_default(),
            ));
        }
    }
    Ok(CallCenter { sections })
}

fn required(e: &Element, attribute: &str) -> Result<String, String> {
    match e.attribute(attribute) {
        Some(v) => Ok(v.to_string()),
        None => Err(format!("<{}> without {attribute} ({:?})", e.name, e.attributes)),
    }
}

fn stray_text(e: &Element) -> Result<(), String> {
    if e.children.iter().any(|n| matches!(n, xml::Node::Text(t) if !t.trim().is_empty())) {
        return Err(format!("text directly in <{}>", e.name));
    }
    Ok(())
}

/// Every rule an Open CTI call center definition breaks (empty: it is fine).
pub fn check(center: &CallCenter) -> Vec<String> {
    let mut problems = file_rules(center);
    let Some(general) = general_info(center, &mut problems) else {
        return problems;
    };
    let mut problem = |text: String| problems.push(text);
    let value = |name: &str| general.items.iter().find(|i| i.name == name);
    for name in REQUIRED_GENERAL {
        if value(name).is_none() {
            problem(format!("reqGeneralInfo lacks {name}"));
        }
    }
    if let Some(item) = value("reqAdapterUrl") {
        let v = &item.value;
        if !(v.starts_with("https://") || (v.starts_with('/') && !v.starts_with("//"))) {
            problem(format!("reqAdapterUrl {v:?}: https:// (Lightning requires it) or a relative /apex/ path"));
        }
    }
    if let Some(item) = value("reqUseApi").filter(|i| i.value != "true") {
        problem(format!("reqUseApi is {:?}: Open CTI needs true", item.value));
    }
    for name in ["reqSoftphoneHeight", "reqSoftphoneWidth"] {
        if let Some(item) = value(name).filter(|i| i.value.parse::<u32>().is_err()) {
            problem(format!("{name} {:?} is not a number of pixels", item.value));
        }
    }
    if let Some(item) =
        value("reqSalesforceCompatibilityMode").filter(|i| !COMPATIBILITY_MODES.contains(&i.value.as_str()))
    {
        problem(format!("reqSalesforceCompatibilityMode {:?}: one of {COMPATIBILITY_MODES:?}", item.value));
    }
    if value("reqStandbyUrl").is_some() != value("reqTimeout").is_some() {
        problem("reqStandbyUrl and reqTimeout go together".into());
    }
    problems
}

/// Every rule a Salesforce Voice partner telephony contact center breaks
/// (empty: it is fine): the file rules, the general items, the `reqHvcc`
/// section, and an API name for the telephony provider that a
/// `ConversationVendorInfo` can have (letters, digits and single
/// underscores, starting with a letter; `namespace__name` in a managed
/// package).
pub fn check_voice(center: &CallCenter) -> Vec<String> {
    let mut problems = file_rules(center);
    let Some(general) = general_info(center, &mut problems) else {
        return problems;
    };
    let value = |name: &str| general.items.iter().find(|i| i.name == name);
    for name in VOICE_REQUIRED_GENERAL {
        if value(name).is_none() {
            problems.push(format!("reqGeneralInfo lacks {name}"));
        }
    }
    if let Some(item) = value("reqVendorInfoApiName") {
        let v = &item.value;
        let name = v.split_once("__").map_or(v.as_str(), |(_, name)| name);
        let ok = name.len() <= 40
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.contains("__")
            && !name.ends_with('_');
        if !ok {
            problems.push(format!("reqVendorInfoApiName {v:?}: the telephony provider's developer name"));
        }
    }
    match center.sections.iter().find(|s| s.name == "reqHvcc") {
        None => problems.push("no reqHvcc section (SCV Settings)".into()),
        Some(hvcc) => {
            for name in VOICE_REQUIRED_HVCC {
                if !hvcc.items.iter().any(|i| i.name == name) {
                    problems.push(format!("reqHvcc lacks {name}"));
                }
            }
        }
    }
    problems
}

/// The rules every definition file follows: sections and items with
/// names, labels and sort orders.
fn file_rules(center: &CallCenter) -> Vec<String> {
    let mut problems = Vec::new();
    let mut problem = |text: String| problems.push(text);
    if center.sections.is_empty() {
        problem("no <section>".into());
    }
    if center.sections.iter().all(|s| s.sort_order.is_some()) {
        sort_orders("sections", center.sections.iter().map(|s| s.sort_order.as_deref()), &mut problem);
    } else if center.sections.iter().any(|s| s.sort_order.is_some()) {
        problem("some sections have a sortOrder and some do not".into());
    }
    let mut section_names = Vec::new();
    for section in &center.sections {
        name_rule(&format!("section {:?}", section.name), &section.name, &mut problem);
        if section_names.contains(&section.name) {
            problem(format!("section {} is defined twice", section.name));
        }
        section_names.push(section.name.clone());
        if section.label.trim().is_empty() {
            problem(format!("section {} has no label", section.name));
        }
        if section.items.is_empty() {
            problem(format!("section {} has no item", section.name));
        }
        if section.items.iter().all(|i| i.sort_order.is_some()) {
            let what = format!("items of section {}", section.name);
            sort_orders(&what, section.items.iter().map(|i| i.sort_order.as_deref()), &mut problem);
        } else if section.items.iter().any(|i| i.sort_order.is_some()) {
            problem(format!("some items of section {} have a sortOrder and some do not", section.name));
        }
        let salesforce_section = section.name.starts_with("req");
        let mut item_names: Vec<&str> = Vec::new();
        for item in &section.items {
            let what = format!("item {}/{}", section.name, item.name);
            name_rule(&what, &item.name, &mut problem);
            if item_names.contains(&item.name.as_str()) {
                problem(format!("{what} is defined twice"));
            }
            item_names.push(&item.name);
            if item.label.trim().is_empty() {
                problem(format!("{what} has no label"));
            }
            if !salesforce_section && item.name.starts_with("req") {
                problem(format!("{what}: names beginning with req are Salesforce's"));
            }
        }
    }
    problems
}

/// The `reqGeneralInfo` section, with the rules both kinds share: the
/// internal name first (a name Salesforce accepts), the display name second.
fn general_info<'a>(center: &'a CallCenter, problems: &mut Vec<String>) -> Option<&'a Section> {
    let Some(general) = center.sections.iter().find(|s| s.name == "reqGeneralInfo") else {
        problems.push("no reqGeneralInfo section".into());
        return None;
    };
    let value = |name: &str| general.items.iter().find(|i| i.name == name);
    for (name, order) in [("reqInternalName", "0"), ("reqDisplayName", "1")] {
        if let Some(item) = value(name).filter(|i| i.sort_order.as_deref().is_some_and(|o| o != order)) {
            problems.push(format!("{name} must have sortOrder {order}, not {:?}", item.sort_order));
        }
    }
    if let Some(item) = value("reqInternalName") {
        let v = &item.value;
        let ok = v.len() <= 40
            && v.starts_with(|c: char| c.is_ascii_alphabetic())
            && v.chars().all(|c| c.is_ascii_alphanumeric());
        if !ok {
            problems.push(format!("reqInternalName {v:?}: at most 40 letters and digits, starting with a letter"));
        }
    }
    Some(general)
}

/// Letters and digits, at most 40.
fn name_rule(what: &str, name: &str, problem: &mut impl FnMut(String)) {
    if name.is_empty() || name.len() > 40 || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        problem(format!("{what}: a name is 1 to 40 letters and digits"));
    }
}

/// sortOrder values are 0, 1, 2... in some order, each once.
fn sort_orders<'a>(what: &str, orders: impl Iterator<Item = Option<&'a str>>, problem: &mut impl FnMut(String)) {
    let mut numbers = Vec::new();
    for order in orders.flatten() {
        match order.parse::<usize>() {
            Ok(n) if order.chars().all(|c| c.is_ascii_digit()) => numbers.push(n),
            _ => problem(format!("{what}: sortOrder {order:?} is not a number")),
        }
    }
    numbers.sort_unstable();
    if numbers.iter().enumerate().any(|(i, n)| i != *n) {
        problem(format!("{what}: sortOrder must count from 0 without gaps or repeats, got {numbers:?}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General Information">
    <item sortOrder="0" name="reqInternalName" label="Internal Name">abc1</item>
    <item sortOrder="1" name="reqDisplayName" label="Display Name">A</item>
    <item sortOrder="2" name="reqAdapterUrl" label="CTI Adapter URL">/apex/Phone</item>
    <item sortOrder="3" name="reqUseApi" label="Use CTI API">true</item>
    <item sortOrder="4" name="reqSoftphoneHeight" label="Softphone Height">300</item>
    <item sortOrder="5" name="reqSoftphoneWidth" label="Softphone Width">200</item>
    <item sortOrder="6" name="reqSalesforceCompatibilityMode" label="Mode">Lightning</item>
  </section>
</callCenter>"#;

    fn problems(text: &str) -> Vec<String> {
        check(&parse(text).unwrap())
    }

    #[test]
    fn a_minimal_definition_passes() {
        assert_eq!(problems(MINIMAL), Vec::<String>::new());
        assert_eq!(parse(MINIMAL).unwrap().value("/reqGeneralInfo/reqUseApi"), Some("true"));
    }

    #[test]
    fn each_rule_is_enforced() {
        let cases = [
            ("sortOrder=\"6\" name=\"reqSalesforce", "sortOrder=\"7\" name=\"reqSalesforce", "without gaps"),
            ("sortOrder=\"1\" name=\"reqDisplayName", "sortOrder=\"0\" name=\"reqDisplayName", "without gaps"),
            ("name=\"reqGeneralInfo\"", "name=\"req_General\"", "letters and digits"),
            (">abc1<", ">1abc<", "starting with a letter"),
            (">/apex/Phone<", ">http://cti.example.com/<", "https://"),
            (">true<", ">false<", "needs true"),
            (">300<", ">tall<", "not a number"),
            (">Lightning<", ">Both<", "one of"),
            ("name=\"reqUseApi\"", "name=\"reqUseApiX\"", "lacks reqUseApi"),
        ];
        for (from, to, why) in cases {
            let text = MINIMAL.replacen(from, to, 1);
            assert_ne!(text, MINIMAL, "{from}");
            let found = problems(&text);
            assert!(found.iter().any(|p| p.contains(why)), "{to}: {found:?}");
        }
        let custom = MINIMAL.replace(
            "</callCenter>",
            r#"<section sortOrder="1" name="Mine" label="M"><item sortOrder="0" name="reqX" label="X">1</item></section></callCenter>"#,
        );
        assert!(problems(&custom).iter().any(|p| p.contains("Salesforce's")));
        let long = MINIMAL.replace(">abc1<", &format!(">{}<", "a".repeat(41)));
        assert!(problems(&long).iter().any(|p| p.contains("at most 40")));
    }

    const VOICE_MINIMAL: &str = r#"<callCenter>
  <section sortOrder="0" name="reqGeneralInfo" label="General Information">
    <item sortOrder="0" name="reqInternalName" label="Internal Name">Voice1</item>
    <item sortOrder="1" name="reqDisplayName" label="Display Name">V</item>
    <item sortOrder="2" name="reqVendorInfoApiName" label="Vendor">Vendor_1</item>
  </section>
  <section sortOrder="1" name="reqHvcc" label="SCV Settings">
    <item sortOrder="0" name="reqTelephonyIntegrationCertificate" label="Certificate">C</item>
  </section>
  <section sortOrder="2" name="mine" label="Mine">
    <item sortOrder="0" name="a" label="A">1</item>
    <item sortOrder="1" name="b" label="B">2</item>
  </section>
</callCenter>"#;

    #[test]
    fn a_minimal_voice_contact_center_passes() {
        assert_eq!(check_voice(&parse(VOICE_MINIMAL).unwrap()), Vec::<String>::new());
        // It is not an Open CTI call center (no adapter), and the other way round.
        assert!(problems(VOICE_MINIMAL).iter().any(|p| p.contains("lacks reqAdapterUrl")));
        assert!(check_voice(&parse(MINIMAL).unwrap()).iter().any(|p| p.contains("lacks reqVendorInfoApiName")));
        let managed = VOICE_MINIMAL.replace(">Vendor_1<", ">ns__Vendor_1<");
        assert_eq!(check_voice(&parse(&managed).unwrap()), Vec::<String>::new());
    }

    #[test]
    fn each_voice_rule_is_enforced() {
        let cases = [
            ("name=\"reqVendorInfoApiName\"", "name=\"reqVendorInfo\"", "lacks reqVendorInfoApiName"),
            (
                "name=\"reqTelephonyIntegrationCertificate\"",
                "name=\"cert\"",
                "lacks reqTelephonyIntegrationCertificate",
            ),
            ("name=\"reqHvcc\"", "name=\"hvcc\"", "no reqHvcc"),
            (">Vendor_1<", ">Vendor 1<", "developer name"),
            (">Vendor_1<", ">Vendor_<", "developer name"),
            (">Voice1<", ">Voice_1<", "at most 40 letters and digits"),
            ("sortOrder=\"1\" name=\"b\"", "sortOrder=\"2\" name=\"b\"", "without gaps"),
            ("sortOrder=\"1\" name=\"b\"", "sortOrder=\"0\" name=\"b\"", "without gaps"),
            ("sortOrder=\"1\" name=\"b\"", "name=\"b\"", "some items of section mine have a sortOrder"),
            ("sortOrder=\"2\" name=\"mine\"", "sortOrder=\"3\" name=\"mine\"", "sections: sortOrder"),
            ("name=\"a\"", "name=\"a-b\"", "letters and digits"),
            ("name=\"b\"", "name=\"reqB\"", "Salesforce's"),
            ("name=\"b\" label=\"B\"", "name=\"a\" label=\"B\"", "defined twice"),
            ("label=\"B\"", "label=\" \"", "has no label"),
        ];
        for (from, to, why) in cases {
            let text = VOICE_MINIMAL.replacen(from, to, 1);
            assert_ne!(text, VOICE_MINIMAL, "{from}");
            let found = check_voice(&parse(&text).unwrap());
            assert!(found.iter().any(|p| p.contains(why)), "{to}: {found:?}");
        }
    }

    #[test]
    fn the_structure_is_checked() {
        assert!(parse("<callCenter><item/></callCenter>").unwrap_err().contains("only <section>"));
        assert!(parse("<CallCenter/>").unwrap_err().contains("not <callCenter>"));
        assert!(parse("<callCenter><section name='a' label='b'><item name='c'/></section></callCenter>")
            .unwrap_err()
            .contains("without label"));
    }
}
