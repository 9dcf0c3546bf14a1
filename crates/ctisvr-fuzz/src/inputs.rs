//! Strategies for the messy inputs the softphone meets: any text, phone
//! numbers as CRM records hold them, JSON of any shape with the protocol's
//! field names among its keys.

use proptest::prelude::*;
use serde_json::{Map, Value};

/// Numbers as they come from records, servers and agents.
const NUMBERS: &[&str] = &[
    "4155550100",
    "+1 (415) 555-0100",
    "415.555.0100 x123",
    "tel:+14155550100;ext=12",
    "1-800-FLOWERS",
    "2001",
    "2002",
    "9,4155550100",
    "+44 (0)20 7946 0958",
    "anonymous",
    "Private Number",
    "sip:anonymous@anonymous.invalid",
    "",
    "  ",
    "０１２３",
    "555;1",
    "#*1",
];

/// Keys of the protocol's frames and of the Open CTI payloads.
const KEYS: &[&str] = &[
    "msgtype",
    "id",
    "result",
    "error",
    "extension",
    "eventtype",
    "calling",
    "called",
    "origcalling",
    "numcall",
    "agentid",
    "skillmode",
    "talkstate",
    "reasoncode",
    "request",
    "number",
    "objectId",
    "recordId",
    "displayName",
    "success",
    "returnValue",
    "errors",
    "party",
    "destination",
    "userdata",
    "dtmf",
    "digits",
];

/// Any text: unicode, control characters, numbers, protocol words.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "\\PC{0,24}",
        1 => ".{0,8}",
        3 => prop::sample::select(NUMBERS).prop_map(str::to_owned),
        1 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => "[0-9+()x .\\-]{0,24}",
    ]
}

/// A phone number as a record or an agent writes it, or junk.
pub fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(NUMBERS).prop_map(str::to_owned),
        3 => "[0-9+() .\\-/x*#A-Za-z;=:,]{0,30}",
        1 => "\\PC{0,16}",
    ]
}

/// A key: a protocol field name, or any text.
pub fn key() -> impl Strategy<Value = String> {
    prop_oneof![3 => prop::sample::select(KEYS).prop_map(str::to_owned), 1 => text()]
}

/// Any JSON value, a few levels deep; objects favour the protocol's keys.
pub fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8).prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A JSON object with `fixed` fields and others of any kind.
pub fn object_with(fixed: Vec<(&'static str, Value)>) -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec((key(), json()), 0..5).prop_map(move |extra| {
        let mut object: Map<String, Value> = extra.into_iter().collect();
        for (key, value) in &fixed {
            object.insert((*key).to_owned(), value.clone());
        }
        object
    })
}
