//! Reading loosely typed JSON fields. The real server's field types are not
//! specified (an extension may come as `"2001"` or `2001`), so known fields
//! are read leniently, and a field that does not fit stays in `extra`
//! instead of failing the whole frame.
//!
//! The value readers [`as_text`] and [`as_u64`] are public so that the mock
//! reads what the softphone sends (and its own control API) by the same rules.

use serde_json::{Map, Value};

/// Why a frame could not be decoded at all.
/// Worded by [`crate::i18n`] (`Display` is the English, for logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// serde_json's reason.
    NotJson(String),
    NotAnObject,
    MissingId,
    MissingField(&'static str),
    /// serde_json's reason for the request's fields.
    BadFields {
        name: String,
        reason: String,
    },
}

impl std::error::Error for DecodeError {}

/// Removes `id` when it is a non-negative integer (or such a number in a string).
pub(crate) fn take_id(object: &mut Map<String, Value>) -> Option<u64> {
    take_with(object, "id", as_u64)
}

/// Removes `key` when it reads as text: a string, or a number written out.
pub(crate) fn take_text(object: &mut Map<String, Value>, key: &str) -> Option<String> {
    take_with(object, key, as_text)
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

/// Reads a value as text: a string as it is (untrimmed), or a JSON number
/// written out (`2001` -> `"2001"`, `1.5` -> `"1.5"`). `null`, booleans,
/// arrays and objects are `None`.
///
/// ```
/// use ctisvr_core::wire::lenient::as_text;
/// assert_eq!(as_text(&serde_json::json!(2001)).as_deref(), Some("2001"));
/// assert_eq!(as_text(&serde_json::json!(null)), None);
/// ```
pub fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Reads a value as a non-negative integer: a JSON number, or a string
/// holding one (spaces around it allowed), as ids and counts may come.
/// Negative, fractional, too large for `u64` or anything else is `None`.
///
/// ```
/// use ctisvr_core::wire::lenient::as_u64;
/// assert_eq!(as_u64(&serde_json::json!(" 7 ")), Some(7));
/// assert_eq!(as_u64(&serde_json::json!(-1)), None);
/// ```
pub fn as_u64(value: &Value) -> Option<u64> {
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

    #[test]
    fn text_is_a_string_or_a_number_written_out() {
        assert_eq!(as_text(&json!("2001")).as_deref(), Some("2001"));
        assert_eq!(as_text(&json!(" 2001 ")).as_deref(), Some(" 2001 "), "not trimmed");
        assert_eq!(as_text(&json!("")).as_deref(), Some(""));
        assert_eq!(as_text(&json!(2001)).as_deref(), Some("2001"));
        assert_eq!(as_text(&json!(-5)).as_deref(), Some("-5"));
        assert_eq!(as_text(&json!(1.5)).as_deref(), Some("1.5"));
        for other in [json!(null), json!(true), json!([1]), json!({"a": 1})] {
            assert_eq!(as_text(&other), None, "{other}");
        }
    }

    #[test]
    fn ids_are_non_negative_integers_or_such_strings() {
        assert_eq!(as_u64(&json!(0)), Some(0));
        assert_eq!(as_u64(&json!(u64::MAX)), Some(u64::MAX));
        assert_eq!(as_u64(&json!("42")), Some(42));
        assert_eq!(as_u64(&json!(" 42 ")), Some(42));
        for other in [json!(-1), json!(1.5), json!("-1"), json!("4x"), json!(""), json!("18446744073709551616")] {
            assert_eq!(as_u64(&other), None, "{other}");
        }
        for other in [json!(null), json!(true), json!([1]), json!({"id": 1})] {
            assert_eq!(as_u64(&other), None, "{other}");
        }
    }
}
