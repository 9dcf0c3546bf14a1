//! JavaScript plumbing shared by the edges: property reads (`Reflect`),
//! plain objects, JSON both ways, and what
//! the page says about itself (`location`, `navigator.onLine`). No
//! decisions: what the text means is the core's business.

use ctisvr_core::PageOrigin;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

/// `target[key]`, when reading it does not throw (`undefined` included).
pub fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    js_sys::Reflect::get(target, &JsValue::from_str(key)).ok()
}

/// `globalThis.a.b.c`, when it is an object or a function.
pub fn lookup(path: &[&str]) -> Option<JsValue> {
    path.iter().try_fold(js_sys::global().into(), |object: JsValue, key| {
        let value = get(&object, key)?;
        (value.is_object() || value.is_function()).then_some(value)
    })
}

/// A plain object `{key: value, ...}`.
pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in fields {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}

/// A JavaScript value as JSON (functions and `undefined` drop out; what
/// cannot be serialised is `null`).
pub fn to_json(value: &JsValue) -> Value {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null)
}

/// JSON as a JavaScript value.
pub fn to_js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

/// The message of a thrown JS error, or its string form.
pub fn describe_js_error(error: wasm_bindgen::JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown browser error".to_owned())
}

/// The page's `location.protocol` and `location.hostname`, for the core's
/// advice on refused sockets.
pub fn page_origin() -> PageOrigin {
    let location = get(&js_sys::global(), "location");
    let read = |key: &str| {
        location
            .as_ref()
            .and_then(|location| get(location, key))
            .and_then(|value| value.as_string())
            .unwrap_or_default()
    };
    PageOrigin::new(read("protocol"), read("hostname"))
}

/// `navigator.onLine` (true when the browser cannot tell).
pub fn navigator_online() -> bool {
    get(&js_sys::global(), "navigator")
        .and_then(|navigator| get(&navigator, "onLine"))
        .and_then(|online| online.as_bool())
        .unwrap_or(true)
}

/// Whether a `pageshow` comes from the back/forward cache (`event.persisted`).
pub fn persisted(event: &web_sys::Event) -> bool {
    get(event, "persisted").and_then(|v| v.as_bool()).unwrap_or(false)
}
