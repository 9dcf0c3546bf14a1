//! The readers of outside data: frames, call center settings, click-to-dial
//! payloads, dial strings.

use crate::inputs::{json, number, object_with, text};
use ctisvr_core::crm::parse_click_to_dial;
use ctisvr_core::dialing::dial_target;
use ctisvr_core::settings::{attributes, keys};
use ctisvr_core::wire::{RequestFrame, ServerFrame};
use ctisvr_core::{DialingPrefixes, Settings};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{json, Value};

/// Frames as CtiSVR (or a broken proxy) might send them, and as the mock reads them.
fn frame_text() -> impl Strategy<Value = String> {
    let response = object_with(vec![("msgtype", json!("response"))]);
    let event = object_with(vec![("msgtype", json!("event"))]);
    let request = object_with(vec![]);
    prop_oneof![
        2 => text(),
        2 => json().prop_map(|value| value.to_string()),
        3 => response.prop_map(|object| Value::Object(object).to_string()),
        3 => event.prop_map(|object| Value::Object(object).to_string()),
        2 => request.prop_map(|object| Value::Object(object).to_string()),
    ]
}

/// Whether two JSON values are the same, floats within 1e-12 of each other:
/// serde_json's default float parsing is not exact (`-7.666093075608028e90`
/// reads back as `...027e90`), and no field of the protocol is a float.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(key, x)| y.get(key).is_some_and(|y| same_json(x, y)))
        }
        _ => a == b,
    }
}

/// Whether two encoded frames say the same.
fn same_text(a: &str, b: &str) -> bool {
    match (serde_json::from_str::<Value>(a), serde_json::from_str::<Value>(b)) {
        (Ok(a), Ok(b)) => same_json(&a, &b),
        _ => false,
    }
}

/// `ServerFrame::decode` and `RequestFrame::decode` never panic; a decoded
/// frame re-encodes to text that decodes to the same frame.
pub fn frames(runner: &mut TestRunner) -> Result<(), String> {
    runner
        .run(&frame_text(), |text| {
            if let Ok(frame) = ServerFrame::decode(&text) {
                let encoded = frame.encode();
                let again = ServerFrame::decode(&encoded).map(|frame| frame.encode());
                prop_assert!(
                    again.as_ref().is_ok_and(|again| same_text(again, &encoded)),
                    "server frame {} re-read as {:?}",
                    text,
                    again
                );
            }
            if let Ok(frame) = RequestFrame::decode(&text) {
                let encoded = frame.encode();
                let again = RequestFrame::decode(&encoded).map(|frame| frame.encode());
                prop_assert!(
                    again.as_ref().is_ok_and(|again| same_text(again, &encoded)),
                    "request frame {} re-read as {:?}",
                    text,
                    again
                );
            }
            Ok(())
        })
        .map_err(|failure| failure.to_string())
}

/// A value for a setting: an address, a number, a flag, or anything.
fn setting_value() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "wss?://[a-z0-9.\\[\\]:@]{0,20}(:[0-9]{1,5})?/?[a-z?=&0-9]{0,8}",
        1 => "(WS|Ws|wS)S?://[A-Za-z0-9.]{0,12}",
        1 => "[0-9]{0,4}",
        1 => prop::sample::select(vec!["true", "false", "0", "no", "off", "auto", "auto 5", "button", "auto=61"]).prop_map(str::to_owned),
        2 => text(),
    ]
}

/// The call center's items and the attributes: never a panic; accepted
/// settings name a WebSocket server A.
pub fn settings(runner: &mut TestRunner) -> Result<(), String> {
    let items = prop::collection::vec(
        (
            prop_oneof![3 => prop::sample::select(keys::ALL.to_vec()).prop_map(str::to_owned), 1 => text()],
            setting_value(),
        ),
        0..8,
    );
    let attribute_values =
        prop::collection::vec((prop::sample::select(attributes::ALL.to_vec()), setting_value()), 0..8);
    let input = (items, attribute_values, json(), text());
    runner
        .run(&input, |(items, attribute_values, any_value, any_text)| {
            let lightning = Value::Object(items.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect());
            let readings = [
                Settings::from_lightning(&lightning),
                Settings::from_classic(&lightning.to_string()),
                Settings::from_lightning(&any_value),
                Settings::from_classic(&any_text),
                Settings::from_attributes(|name| {
                    attribute_values.iter().rev().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
                }),
            ];
            for settings in readings.into_iter().flatten() {
                let a = settings.ws_uri_a.as_str().to_ascii_lowercase();
                prop_assert!(a.starts_with("ws://") || a.starts_with("wss://"), "{}", a);
            }
            Ok(())
        })
        .map_err(|failure| failure.to_string())
}

/// Click-to-dial payloads of both flavours (Classic's is JSON text).
pub fn click_to_dial(runner: &mut TestRunner) -> Result<(), String> {
    let lightning = || {
        (number(), object_with(vec![])).prop_map(|(number, mut object)| {
            object.insert("number".into(), Value::String(number));
            Value::Object(object)
        })
    };
    let payload = prop_oneof![
        2 => lightning(),
        1 => lightning().prop_map(|value| Value::String(value.to_string())),
        2 => json(),
        1 => text().prop_map(Value::String),
    ];
    runner
        .run(&payload, |payload| {
            if let Ok(request) = parse_click_to_dial(&payload) {
                prop_assert!(!request.number.trim().is_empty(), "{:?} from {}", request, payload);
            }
            Ok(())
        })
        .map_err(|failure| failure.to_string())
}

/// Dial strings: what is dialled is `0-9`, `*` and `#`, never empty; an
/// extension is digits.
pub fn dialing(runner: &mut TestRunner) -> Result<(), String> {
    let prefixes = ("[0-9]{0,2}", "[0-9]{0,2}", "[0-9]{0,3}")
        .prop_map(|(outside, long_distance, international)| DialingPrefixes { outside, long_distance, international });
    let input = (number(), prefixes, "[0-9]{0,6}");
    runner
        .run(&input, |(number, prefixes, extension)| {
            if let Ok(target) = dial_target(&number, &prefixes, &extension) {
                let dialable = |c: char| c.is_ascii_digit() || c == '*' || c == '#';
                prop_assert!(
                    !target.digits.is_empty() && target.digits.chars().all(dialable),
                    "{:?} from {:?}",
                    target,
                    number
                );
                if let Some(extension) = &target.extension {
                    prop_assert!(
                        !extension.is_empty() && extension.chars().all(|c| c.is_ascii_digit()),
                        "{:?}",
                        target
                    );
                }
            }
            Ok(())
        })
        .map_err(|failure| failure.to_string())
}
