//! Reading loosely typed JSON fields. The real server's field types are not
//! specified (an extension may come as `"2001"` or `2001`), so known fields
//! are read leniently, and a field that does not fit stays in `extra`
//! instead of failing the whole frame.

use serde_json::{Map, Value};

/// Why a frame could not be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("not a JSON object")]
    NotAnObject,
    #[error("no numeric id")]
    MissingId,
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    #[error("request `{name}` has bad fields: {reason}")]
    BadFields { name: String, reason: String },
}

/// Removes `id` when it is a non-negative integer (or such a number in a string).
pub(crate) fn take_id(object: &mut Map<String, Value>) -> Option<u64> {
    take_with(object, "id", as_u64)
}

/// Removes `key` when it reads as text: a string, or a number written out.
pub(crate) fn take_text(object: &mut Map<String, Value>, key: &str) -> Option<String> {
    take_with(object, key, |value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    })
}

/// Removes `key` when it reads as a non-negative integer.
pub(crate) fn take_u32(object: &mut Map<String, Value>, key: &str) -> Option<u32> {
    take_with(object, key, |value| as_u64(value).and_then(|n| u32::try_from(n).ok()))
}

/// Removes `key` when `read` accepts its value; otherwise leaves it in place.
pub(crate) fn take_with<T>(
    object: &mut Map<String, Value>,
    key: &str,
    read: impl Fn(&Value) -> Option<T>,
) -> Option<T> {
    let parsed = object.get(key).and_then(read)?;
    object.remove(key);
    Some(parsed)
}

fn as_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// Inserts `key` when there is a value (the encoding side of `take_*`).
pub(crate) fn put(object: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        object.insert(key.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ill_typed_fields_stay_where_they_are() {
        let Value::Object(mut object) = json!({"numcall": [1], "extension": 2001}) else { unreachable!() };
        assert_eq!(take_u32(&mut object, "numcall"), None);
        assert_eq!(take_text(&mut object, "extension").as_deref(), Some("2001"));
        assert_eq!(Value::Object(object), json!({"numcall": [1]}));
    }
}
