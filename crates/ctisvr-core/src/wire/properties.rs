//! Properties of the wire codec: decoding never panics, and what we encode
//! decodes to the same value.

use super::*;
use proptest::prelude::*;
use serde_json::{Map, Value};

const KNOWN_FIELDS: [&str; 18] = [
    "msgtype",
    "id",
    "result",
    "error",
    "extension",
    "associateddevice",
    "skillmode",
    "reasoncode",
    "talkstate",
    "numcall",
    "cli",
    "calling",
    "called",
    "eventtype",
    "origcalling",
    "request",
    "type",
    "agentid",
];

fn text() -> impl Strategy<Value = String> {
    "[ -~]{0,12}"
}

fn extra() -> impl Strategy<Value = Map<String, Value>> {
    proptest::collection::btree_map("[a-z]{1,8}", text(), 0..3).prop_map(|m| {
        m.into_iter().filter(|(k, _)| !KNOWN_FIELDS.contains(&k.as_str())).map(|(k, v)| (k, Value::String(v))).collect()
    })
}

fn work_mode() -> impl Strategy<Value = WorkMode> {
    prop::sample::select(WorkMode::ALL.to_vec())
}

fn skill_mode() -> impl Strategy<Value = SkillMode> {
    prop_oneof![
        Just(SkillMode::NotLoggedIn),
        work_mode().prop_map(SkillMode::Mode),
        "x[a-z]{1,6}".prop_map(SkillMode::Unknown),
    ]
}

fn response() -> impl Strategy<Value = Response> {
    (
        (
            proptest::option::of(any::<u64>()),
            prop_oneof![Just(Outcome::Success), Just(Outcome::Error)],
            proptest::option::of(text()),
        ),
        (proptest::option::of(text()), proptest::option::of(text()), proptest::option::of(skill_mode())),
        (
            proptest::option::of(0u8..=99),
            proptest::option::of(prop_oneof![Just(TalkState::Idle), Just(TalkState::Call)]),
        ),
        (
            proptest::option::of(any::<u32>()),
            proptest::option::of(text()),
            proptest::option::of(text()),
            proptest::option::of(text()),
        ),
        extra(),
    )
        .prop_map(
            |((id, result, error), (extension, device, skill), (reason, talk), (num, cli, calling, called), extra)| {
                Response {
                    id,
                    result,
                    error,
                    extension,
                    associated_device: device,
                    skill_mode: skill,
                    reason_code: reason.and_then(ReasonCode::new),
                    talk_state: talk,
                    num_call: num,
                    cli,
                    calling,
                    called,
                    extra,
                }
            },
        )
}

fn event() -> impl Strategy<Value = Event> {
    let kind =
        prop_oneof![prop::sample::select(EventKind::KNOWN.to_vec()), "x[a-z]{1,6}".prop_map(EventKind::Unknown),];
    (kind, proptest::option::of(text()), proptest::option::of(text()), proptest::option::of(text()), extra())
        .prop_map(|(kind, calling, called, orig_calling, extra)| Event { kind, calling, called, orig_calling, extra })
}

fn request() -> impl Strategy<Value = Request> {
    let ext = "[0-9]{1,6}";
    prop_oneof![
        Just(Request::MyExtension),
        ext.prop_map(|extension| Request::StartMonitor { extension }),
        ext.prop_map(|extension| Request::Snapshot { extension }),
        ext.prop_map(|extension| Request::UserData { extension, kind: UserDataKind::Alert }),
        (ext, text(), text()).prop_map(|(extension, agent_id, p)| Request::Login {
            extension,
            agent_id,
            passwd: Password::new(p)
        }),
        (ext, text(), text(), work_mode(), proptest::option::of(0u8..=99)).prop_map(
            |(extension, agent_id, p, state, code)| {
                Request::SetState {
                    extension,
                    agent_id,
                    passwd: Password::new(p),
                    state,
                    reason_code: code.and_then(ReasonCode::new),
                }
            }
        ),
        (ext, text()).prop_map(|(extension, destination)| Request::MakeCall { extension, destination }),
        (ext, text()).prop_map(|(extension, party)| Request::DropParty { extension, party }),
        (ext, text()).prop_map(|(extension, digits)| Request::Dtmf { extension, digits }),
        ("x[a-z]{1,8}", extra()).prop_map(|(name, fields)| Request::Unknown { name, fields }),
    ]
}

proptest! {
    #[test]
    fn decoding_arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = ServerFrame::decode(&text);
        let _ = RequestFrame::decode(&text);
    }

    #[test]
    fn decoding_arbitrary_json_objects_never_panics(
        fields in proptest::collection::btree_map(
            prop::sample::select(KNOWN_FIELDS.to_vec()),
            prop_oneof![
                Just(Value::Null), any::<bool>().prop_map(Value::from), any::<i64>().prop_map(Value::from),
                any::<f64>().prop_map(Value::from), text().prop_map(Value::from),
                Just(serde_json::json!([1, {"a": null}])),
            ],
            0..10,
        ),
        msgtype in prop_oneof![Just("response"), Just("event"), Just("other")],
    ) {
        let mut object: Map<String, Value> = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        object.insert("msgtype".into(), Value::from(msgtype));
        let text = Value::Object(object).to_string();
        let _ = ServerFrame::decode(&text);
        let _ = RequestFrame::decode(&text);
    }

    #[test]
    fn responses_round_trip(response in response()) {
        let frame = ServerFrame::Response(response);
        prop_assert_eq!(ServerFrame::decode(&frame.encode()), Ok(frame));
    }

    #[test]
    fn events_round_trip(event in event()) {
        let frame = ServerFrame::Event(event);
        prop_assert_eq!(ServerFrame::decode(&frame.encode()), Ok(frame));
    }

    #[test]
    fn requests_round_trip(id in any::<u64>(), request in request()) {
        let frame = RequestFrame { id, request };
        prop_assert_eq!(RequestFrame::decode(&frame.encode()), Ok(frame));
    }
}
