//! `custom-elements.json`: the Custom Elements Manifest (schema 2.1.0,
//! <https://github.com/webcomponents/custom-elements-manifest>) of the
//! package, written by `cargo xtask dist` from ctisvr-core's `element_api`.
//! Editors and catalogues (Storybook, the VS Code custom data generators)
//! read it.

use ctisvr_core::element_api::{ATTRIBUTES, CLASS, CSS_PARTS, CSS_PROPERTIES, EVENTS, METHODS, TAG};
use serde_json::{json, Value};

/// The module that defines the element, relative to the package root.
pub const MODULE: &str = "ctisvr-softphone.js";

/// The manifest as JSON.
pub fn manifest() -> Value {
    let attributes: Vec<Value> = ATTRIBUTES
        .iter()
        .map(|a| {
            let mut attribute =
                json!({ "name": a.name, "type": { "text": a.type_text }, "description": a.description });
            if let Some(default) = a.default {
                attribute["default"] = json!(format!("{default:?}"));
            }
            attribute
        })
        .collect();
    let members: Vec<Value> = METHODS
        .iter()
        .map(|m| {
            let parameters: Vec<Value> = m
                .parameter
                .iter()
                .map(|p| json!({ "name": p.name, "type": { "text": "string" }, "optional": p.optional, "description": p.description }))
                .collect();
            json!({
                "kind": "method",
                "name": m.name,
                "description": m.description,
                "parameters": parameters,
                "return": { "type": { "text": "void" } },
            })
        })
        .collect();
    let events: Vec<Value> = EVENTS
        .iter()
        .map(|e| json!({ "name": e.name, "type": { "text": format!("CustomEvent<{}>", e.detail_type) }, "description": e.description }))
        .collect();
    let parts: Vec<Value> = CSS_PARTS.iter().map(|p| json!({ "name": p.name, "description": p.description })).collect();
    let properties: Vec<Value> = CSS_PROPERTIES
        .iter()
        .map(|p| {
            let description = if p.dark == p.default {
                p.description.to_owned()
            } else {
                format!("{} Dark scheme: `{}`.", p.description, p.dark)
            };
            json!({ "name": p.name, "syntax": p.syntax, "default": p.default, "description": description })
        })
        .collect();
    json!({
        "schemaVersion": "2.1.0",
        "readme": "README.md",
        "modules": [{
            "kind": "javascript-module",
            "path": MODULE,
            "declarations": [{
                "kind": "class",
                "name": CLASS,
                "tagName": TAG,
                "customElement": true,
                "description": "A CtiSVR softphone: agent login and work modes, calls, dialling, Salesforce Open CTI.",
                "superclass": { "name": "HTMLElement", "package": "global:" },
                "attributes": attributes,
                "members": members,
                "events": events,
                "cssParts": parts,
                "cssProperties": properties,
            }],
            "exports": [
                { "kind": "custom-element-definition", "name": TAG, "declaration": { "name": CLASS, "module": MODULE } },
                { "kind": "js", "name": "ready", "declaration": { "name": "ready", "module": MODULE } },
                { "kind": "js", "name": "init", "declaration": { "name": "init", "module": MODULE } },
            ],
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_declares_the_element_with_everything_documented() {
        let manifest = manifest();
        let class = &manifest["modules"][0]["declarations"][0];
        assert_eq!(class["tagName"], TAG);
        let names = |list: &Value| -> Vec<String> {
            list.as_array().into_iter().flatten().filter_map(|v| v["name"].as_str().map(str::to_owned)).collect()
        };
        assert_eq!(names(&class["attributes"]), ATTRIBUTES.map(|a| a.name.to_owned()));
        assert_eq!(names(&class["members"]), METHODS.map(|m| m.name.to_owned()));
        assert_eq!(names(&class["events"]), EVENTS.map(|e| e.name.to_owned()));
        assert_eq!(names(&class["cssParts"]), CSS_PARTS.map(|p| p.name.to_owned()));
        assert_eq!(names(&class["cssProperties"]), CSS_PROPERTIES.map(|p| p.name.to_owned()));
        let definition = &manifest["modules"][0]["exports"][0];
        assert_eq!(definition["kind"], "custom-element-definition");
        assert_eq!(definition["declaration"]["module"], MODULE);
    }

    /// The custom properties the stylesheet defines on `:host`, with their
    /// light and dark values (`light-dark(light, dark)`), are the documented ones.
    #[test]
    fn the_stylesheet_defines_exactly_the_documented_custom_properties() {
        let Ok(text) = std::fs::read_to_string(crate::cmd::root().join("styles/softphone.css")) else {
            panic!("styles/softphone.css")
        };
        let mut css = String::new();
        for (i, piece) in text.split("/*").enumerate() {
            css.push_str(if i == 0 { piece } else { piece.split_once("*/").map_or("", |(_, after)| after) });
        }
        let mut defined: Vec<(String, String, String)> = Vec::new();
        for declaration in css.split([';', '{', '}']) {
            let Some((name, value)) = declaration.trim().split_once(':') else { continue };
            if name.starts_with("--cti-") && !defined.iter().any(|(n, _, _)| n == name) {
                let value = value.trim();
                let (light, dark) = value
                    .strip_prefix("light-dark(")
                    .and_then(|v| v.strip_suffix(')'))
                    .and_then(|v| v.split_once(','))
                    .map_or((value, value), |(light, dark)| (light.trim(), dark.trim()));
                defined.push((name.to_owned(), light.to_owned(), dark.to_owned()));
            }
        }
        let documented: Vec<(String, String, String)> =
            CSS_PROPERTIES.iter().map(|p| (p.name.to_owned(), p.default.to_owned(), p.dark.to_owned())).collect();
        assert_eq!(defined, documented);
    }
}
