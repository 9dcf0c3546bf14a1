//! The tracker fed with the events the mock's ACD sends each extension
//! (crates/ctisvr-mock/src/acd/flows.rs), by hand and with time moved by
//! hand.

use super::*;
use serde_json::Value;

const X: &str = "4155550100";
const T0: Millis = 1_796_130_000_000; // 2026-12-01T13:00:00.000Z

fn tracker() -> Tracker {
    Tracker::new(["2001", "2002", "2003"])
}

fn ev(kind: EventKind, calling: &str, called: &str) -> Event {
    Event::new(kind).calling(calling).called(called)
}

fn offer(calling: &str, called: &str) -> Event {
    ev(EventKind::Offer, calling, called)
}

fn idle() -> Event {
    Event::new(EventKind::Idle)
}

fn disconnect(calling: &str, called: &str, party: &str) -> Event {
    let mut event = ev(EventKind::Disconnect, calling, called);
    event.extra.insert("party".into(), Value::from(party));
    event
}

fn drain(t: &mut Tracker) -> Vec<Output> {
    std::iter::from_fn(|| t.poll_output()).collect()
}

/// The one create drained, as (key, body).
fn one_create(t: &mut Tracker) -> (String, NewVoiceCall) {
    match drain(t).as_slice() {
        [Output::Create { key, call, .. }] => (key.clone(), call.clone()),
        other => panic!("expected one create, got {other:?}"),
    }
}

fn one_close(t: &mut Tracker) -> (String, VoiceCallEnd) {
    match drain(t).as_slice() {
        [Output::Close { voice_call_id, end, .. }] => (voice_call_id.clone(), end.clone()),
        other => panic!("expected one close, got {other:?}"),
    }
}

fn found(t: &Tracker, extension: &str, from: Option<&str>) -> FoundCall {
    match t.lookup(extension, from) {
        Lookup::Found(found) => found,
        other => panic!("expected a record at {extension}, got {other:?}"),
    }
}

fn retryable(reason: &str) -> Failure {
    Failure { retryable: true, reason: reason.into() }
}

/// An inbound call from X answered at 2001, its record created as `id`.
fn answered_at_2001(t: &mut Tracker, id: &str) -> String {
    t.handle_event(T0, "2001", &offer(X, "2001"));
    let (key, _) = one_create(t);
    t.created(T0 + 100, &key, Ok(id.into()));
    t.handle_event(T0 + 2_000, "2001", &ev(EventKind::Connect, X, "2001"));
    key
}

#[test]
fn an_inbound_call_gets_one_record_closed_with_its_durations() {
    let mut t = tracker();
    t.handle_event(T0, "2001", &offer(X, "2001"));
    let (key, call) = one_create(&mut t);
    assert_eq!(key, format!("2001-{T0}-1"));
    assert_eq!(
        call,
        NewVoiceCall {
            vendor_call_key: key.clone(),
            from: X.into(),
            to: "2001".into(),
            initiation_method: InitiationMethod::Inbound,
            start_time: "2026-12-01T13:00:00.000Z".into(),
            participants: vec![Participant::end_user(X)],
            parent_voice_call_id: None,
            call_attributes: None,
        }
    );
    assert!(matches!(t.lookup("2001", Some(X)), Lookup::Pending { .. }));
    t.created(T0 + 300, &key, Ok("0LQ1".into()));
    assert_eq!(
        found(&t, "2001", Some(X)),
        FoundCall {
            voice_call_id: "0LQ1".into(),
            vendor_call_key: key,
            initiation_method: InitiationMethod::Inbound,
            parent_voice_call_id: None
        }
    );
    // Answered after 4 s, held 10 s, retrieved, over 60 s after the answer.
    t.handle_event(T0 + 4_000, "2001", &ev(EventKind::Connect, X, "2001"));
    t.handle_event(T0 + 20_000, "2001", &ev(EventKind::Hold, X, "2001"));
    t.handle_event(T0 + 30_000, "2001", &ev(EventKind::Retrieve, X, "2001"));
    t.handle_event(T0 + 64_000, "2001", &disconnect(X, "2001", X));
    assert!(drain(&mut t).is_empty(), "idle ends the call");
    t.handle_event(T0 + 64_000, "2001", &idle());
    let (id, end) = one_close(&mut t);
    assert_eq!(id, "0LQ1");
    assert_eq!(
        end,
        VoiceCallEnd {
            end_time: "2026-12-01T13:01:04.000Z".into(),
            agent_interaction_duration: 60,
            total_hold_duration: 10,
            is_active_call: false
        }
    );
    assert_eq!(t.lookup("2001", Some(X)), Lookup::NoCall);
    t.closed(T0 + 64_100, "0LQ1", Ok(()));
    assert_eq!(t.poll_timeout(), None);
    assert!(drain(&mut t).is_empty());
}

#[test]
fn a_call_never_answered_is_closed_with_no_interaction() {
    let mut t = tracker();
    t.handle_event(T0, "2002", &offer(X, "2002"));
    let (key, _) = one_create(&mut t);
    t.created(T0, &key, Ok("0LQ1".into()));
    t.handle_event(T0 + 9_000, "2002", &idle());
    let (_, end) = one_close(&mut t);
    assert_eq!((end.agent_interaction_duration, end.total_hold_duration), (0, 0));
}

#[test]
fn a_withheld_caller_is_anonymous_and_any_read_finds_it() {
    let mut t = tracker();
    t.handle_event(T0, "2001", &Event::new(EventKind::Offer).called("2001"));
    let (key, call) = one_create(&mut t);
    assert_eq!(call.from, WITHHELD);
    assert_eq!(call.participants, vec![Participant::end_user(WITHHELD)]);
    t.created(T0, &key, Ok("0LQ1".into()));
    assert_eq!(found(&t, "2001", None).voice_call_id, "0LQ1");
    assert_eq!(found(&t, "2001", Some("anonymous")).voice_call_id, "0LQ1", "no digits: withheld");
    assert_eq!(found(&t, "2001", Some("")).voice_call_id, "0LQ1");
    assert_eq!(t.lookup("2001", Some(X)), Lookup::NoCall);
}

#[test]
fn reads_find_the_newest_call_of_that_caller() {
    let mut t = tracker();
    t.handle_event(T0, "2001", &offer(X, "2001"));
    let (first, _) = one_create(&mut t);
    t.created(T0, &first, Ok("0LQ1".into()));
    t.handle_event(T0 + 1, "2001", &offer("4155550111", "2001"));
    let (second, _) = one_create(&mut t);
    t.created(T0 + 1, &second, Ok("0LQ2".into()));
    assert_eq!(found(&t, "2001", Some("+1 (415) 555-0100")).voice_call_id, "0LQ1", "country code and punctuation");
    assert_eq!(found(&t, "2001", Some("94155550111")).voice_call_id, "0LQ2", "outside-line prefix");
    assert_eq!(found(&t, "2001", None).voice_call_id, "0LQ2", "no caller: the newest");
    assert_eq!(found(&t, "2001", Some("5550100")).voice_call_id, "0LQ1", "a local number ends the full one");
    assert_eq!(t.lookup("2001", Some("4155550")), Lookup::NoCall, "7 digits must end the number, not just be in it");
    assert_eq!(t.lookup("2001", Some("0100")), Lookup::NoCall, "too short to match a longer number");
    assert_eq!(t.lookup("2002", Some(X)), Lookup::NoCall);
    assert_eq!(t.lookup("2999", Some(X)), Lookup::NotMonitored);
}

#[test]
fn events_of_other_extensions_and_unknown_events_change_nothing() {
    let mut t = tracker();
    t.handle_event(T0, "2999", &offer(X, "2999"));
    t.handle_event(T0, "2001", &Event::new(EventKind::Unknown("divert".into())).calling(X));
    t.handle_event(T0, "2001", &Event::new(EventKind::Fail));
    t.handle_event(T0, "2001", &idle());
    t.handle_event(T0, "2001", &Event::new(EventKind::Hold));
    t.handle_event(T0, "2001", &Event::new(EventKind::Transfer));
    t.handle_event(T0, "2001", &Event::new(EventKind::Conference));
    t.handle_event(T0, "2001", &disconnect("", "", ""));
    assert!(drain(&mut t).is_empty());
    assert_eq!(t.live_calls("2001"), 0);
}

#[test]
fn outbound_calls_get_no_record() {
    let mut t = tracker();
    t.handle_event(T0, "2001", &ev(EventKind::Alert, "2001", "94155550100"));
    t.handle_event(T0 + 300, "2001", &ev(EventKind::Connect, "2001", "94155550100"));
    assert_eq!(t.live_calls("2001"), 1);
    assert_eq!(t.lookup("2001", None), Lookup::NoCall);
    t.handle_event(T0 + 900, "2001", &idle());
    assert!(drain(&mut t).is_empty());
    assert_eq!(t.live_calls("2001"), 0);
}

/// What the mock sends for 2001 consulting 2002 about X's call, 2002
/// answering, 2001 completing the transfer.
#[test]
fn a_consultation_makes_a_transfer_record_whose_parent_is_the_held_call() {
    let mut t = tracker();
    answered_at_2001(&mut t, "0LQ1");
    t.handle_event(T0 + 5_000, "2001", &ev(EventKind::Hold, X, "2001"));
    t.handle_event(T0 + 5_000, "2001", &ev(EventKind::Alert, "2001", "2002"));
    t.handle_event(T0 + 5_000, "2002", &offer("2001", "2002"));
    let (key, call) = one_create(&mut t);
    assert!(key.starts_with("2002-"), "{key}");
    assert_eq!(call.initiation_method, InitiationMethod::Transfer);
    assert_eq!(call.parent_voice_call_id.as_deref(), Some("0LQ1"));
    assert_eq!(call.from, X, "the customer, not the agent who consults");
    assert_eq!(call.to, "2002");
    t.created(T0 + 5_100, &key, Ok("0LQ2".into()));
    // The connector at 2002 sees the consulting extension as the caller.
    let child = found(&t, "2002", Some("2001"));
    assert_eq!(child.parent_voice_call_id.as_deref(), Some("0LQ1"));
    assert_eq!(child.initiation_method, InitiationMethod::Transfer);
    assert_eq!(found(&t, "2002", Some(X)).voice_call_id, "0LQ2");

    t.handle_event(T0 + 8_000, "2001", &ev(EventKind::Connect, "2001", "2002"));
    t.handle_event(T0 + 8_000, "2002", &ev(EventKind::Connect, "2001", "2002"));
    // 2001 completes the transfer: its calls end, its record closes.
    t.handle_event(T0 + 12_000, "2001", &ev(EventKind::Transfer, X, "2002"));
    let (id, end) = one_close(&mut t);
    assert_eq!(id, "0LQ1");
    assert_eq!((end.agent_interaction_duration, end.total_hold_duration), (10, 7));
    t.handle_event(T0 + 12_000, "2001", &idle());
    assert_eq!(t.live_calls("2001"), 0);
    let transferred = Event::new(EventKind::Transfer).calling("2001").called("2002").orig_calling(X);
    t.handle_event(T0 + 12_000, "2002", &transferred);
    assert!(drain(&mut t).is_empty(), "2002's call goes on");
    assert_eq!(found(&t, "2002", Some(X)).voice_call_id, "0LQ2");
    t.handle_event(T0 + 42_000, "2002", &idle());
    let (id, end) = one_close(&mut t);
    assert_eq!((id.as_str(), end.agent_interaction_duration), ("0LQ2", 34));
}

#[test]
fn a_transfer_while_the_consultation_rings_keeps_one_record() {
    let mut t = tracker();
    answered_at_2001(&mut t, "0LQ1");
    t.handle_event(T0 + 5_000, "2001", &ev(EventKind::Hold, X, "2001"));
    t.handle_event(T0 + 5_000, "2002", &offer("2001", "2002"));
    let (key, _) = one_create(&mut t);
    t.created(T0 + 5_000, &key, Ok("0LQ2".into()));
    t.handle_event(T0 + 6_000, "2001", &ev(EventKind::Transfer, X, "2002"));
    let (closed, _) = one_close(&mut t);
    assert_eq!(closed, "0LQ1");
    // The mock offers the ringing call again, now with origcalling.
    t.handle_event(T0 + 6_000, "2002", &Event::new(EventKind::Offer).calling("2001").called("2002").orig_calling(X));
    assert!(drain(&mut t).is_empty(), "the same call: no second record");
    assert_eq!(t.live_calls("2002"), 1);
}

#[test]
fn a_single_step_transfer_seen_after_the_transferring_side_still_has_its_parent() {
    let mut t = tracker();
    answered_at_2001(&mut t, "0LQ1");
    t.handle_event(T0 + 5_000, "2001", &ev(EventKind::Transfer, X, "2002"));
    let (closed, _) = one_close(&mut t);
    assert_eq!(closed, "0LQ1");
    t.handle_event(T0 + 5_000, "2001", &idle());
    t.handle_event(T0 + 5_001, "2002", &Event::new(EventKind::Offer).calling("2001").called("2002").orig_calling(X));
    let (_, call) = one_create(&mut t);
    assert_eq!(call.initiation_method, InitiationMethod::Transfer);
    assert_eq!(call.parent_voice_call_id.as_deref(), Some("0LQ1"));
    assert_eq!(call.from, X);
    // Long after, a call from 2001 is no transfer of that one.
    t.handle_event(T0 + 5_002 + RECENT_MS + 1, "2003", &offer("2001", "2003"));
    let (_, call) = one_create(&mut t);
    assert_eq!((call.initiation_method, call.from.as_str()), (InitiationMethod::Inbound, "2001"));
}

#[test]
fn an_internal_call_from_an_idle_agent_is_inbound() {
    let mut t = tracker();
    t.handle_event(T0, "2001", &ev(EventKind::Alert, "2001", "2002"));
    t.handle_event(T0, "2002", &offer("2001", "2002"));
    let (_, call) = one_create(&mut t);
    assert_eq!(
        (call.initiation_method, call.from.as_str(), call.parent_voice_call_id),
        (InitiationMethod::Inbound, "2001", None)
    );
}

#[test]
fn a_child_waits_for_its_parents_record() {
    let mut t = tracker();
    t.handle_event(T0, "2001", &offer(X, "2001"));
    let (parent, _) = one_create(&mut t);
    t.handle_event(T0 + 10, "2001", &ev(EventKind::Connect, X, "2001"));
    t.handle_event(T0 + 20, "2001", &ev(EventKind::Hold, X, "2001"));
    t.handle_event(T0 + 20, "2002", &offer("2001", "2002"));
    assert!(drain(&mut t).is_empty(), "no create before the parent's id");
    assert!(
        matches!(t.lookup("2002", Some("2001")), Lookup::Pending { reason } if reason.contains("transferred from"))
    );
    t.created(T0 + 500, &parent, Ok("0LQ1".into()));
    let (_, call) = one_create(&mut t);
    assert_eq!(
        (call.initiation_method, call.parent_voice_call_id.as_deref()),
        (InitiationMethod::Transfer, Some("0LQ1"))
    );
}

#[test]
fn a_child_whose_parent_gets_no_record_is_inbound() {
    let mut t = tracker();
    t.handle_event(T0, "2001", &offer(X, "2001"));
    let (parent, _) = one_create(&mut t);
    t.handle_event(T0 + 10, "2001", &ev(EventKind::Connect, X, "2001"));
    t.handle_event(T0 + 20, "2001", &ev(EventKind::Hold, X, "2001"));
    t.handle_event(T0 + 20, "2002", &offer("2001", "2002"));
    let refused = Failure { retryable: false, reason: "400 INVALID_INPUT".into() };
    t.created(T0 + 500, &parent, Err(refused));
    let outputs = drain(&mut t);
    assert!(matches!(&outputs[0], Output::GaveUp { reason, .. } if reason.contains("400")), "{outputs:?}");
    let [_, Output::Create { call, .. }] = outputs.as_slice() else { panic!("{outputs:?}") };
    assert_eq!(
        (call.initiation_method, call.from.as_str(), call.parent_voice_call_id.as_deref()),
        (InitiationMethod::Inbound, "2001", None)
    );
    assert!(matches!(t.lookup("2001", Some(X)), Lookup::Failed { reason } if reason.contains("400")));
}

#[test]
fn a_retryable_failure_is_retried_with_backoff_while_the_call_lives() {
    let mut t = tracker();
    t.handle_event(T0, "2001", &offer(X, "2001"));
    let (key, first) = one_create(&mut t);
    t.created(T0 + 50, &key, Err(retryable("Salesforce answered 503")));
    assert_eq!(t.poll_timeout(), Some(T0 + 50 + 250));
    assert!(matches!(t.lookup("2001", Some(X)), Lookup::Pending { reason } if reason.contains("503")));
    t.handle_timeout(T0 + 299);
    assert!(drain(&mut t).is_empty(), "not yet");
    t.handle_timeout(T0 + 300);
    let outputs = drain(&mut t);
    let [Output::Create { key: again, call, attempt: 2 }] = outputs.as_slice() else { panic!("{outputs:?}") };
    assert_eq!((again, call), (&key, &first), "the same key and body: Salesforce finds it if the first got through");
    t.created(T0 + 350, &key, Err(retryable("no answer")));
    assert_eq!(t.poll_timeout(), Some(T0 + 350 + 500));
    t.handle_timeout(T0 + 850);
    assert!(matches!(drain(&mut t).as_slice(), [Output::Create { attempt: 3, .. }]));
    t.created(T0 + 900, &key, Ok("0LQ1".into()));
    assert_eq!(found(&t, "2001", Some(X)).voice_call_id, "0LQ1");
    assert_eq!(t.poll_timeout(), None);
}

#[test]
fn a_call_that_ends_while_its_create_waits_gets_none() {
    let mut t = tracker();
    t.handle_event(T0, "2001", &offer(X, "2001"));
    let (key, _) = one_create(&mut t);
    t.created(T0 + 50, &key, Err(retryable("503")));
    t.handle_event(T0 + 100, "2001", &idle());
    assert!(matches!(drain(&mut t).as_slice(), [Output::GaveUp { .. }]));
    assert_eq!(t.poll_timeout(), None);
    t.handle_timeout(T0 + 10_000);
    assert!(drain(&mut t).is_empty());
}

#[test]
fn a_record_that_arrives_after_the_call_ended_is_closed_at_once() {
    let mut t = tracker();
    t.handle_event(T0, "2001", &offer(X, "2001"));
    let (key, _) = one_create(&mut t);
    t.handle_event(T0 + 1_000, "2001", &ev(EventKind::Connect, X, "2001"));
    t.handle_event(T0 + 3_000, "2001", &idle());
    assert!(drain(&mut t).is_empty());
    t.created(T0 + 4_000, &key, Ok("0LQ1".into()));
    let (id, end) = one_close(&mut t);
    assert_eq!((id.as_str(), end.agent_interaction_duration), ("0LQ1", 2));
    assert_eq!(end.end_time, "2026-12-01T13:00:03.000Z", "the call's end, not the record's arrival");
}

#[test]
fn a_close_is_tried_a_few_times() {
    let mut t = tracker();
    answered_at_2001(&mut t, "0LQ1");
    t.handle_event(T0 + 5_000, "2001", &idle());
    let (id, _) = one_close(&mut t);
    let mut now = T0 + 5_000;
    for attempt in 2..=CLOSE_ATTEMPTS {
        t.closed(now, &id, Err(retryable("503")));
        now = t.poll_timeout().unwrap();
        t.handle_timeout(now);
        let outputs = drain(&mut t);
        assert!(matches!(outputs.as_slice(), [Output::Close { attempt: a, .. }] if *a == attempt), "{outputs:?}");
    }
    t.closed(now, &id, Err(retryable("503")));
    assert!(matches!(drain(&mut t).as_slice(), [Output::GaveUp { reason, .. }] if reason.contains("4 attempt")));
    assert_eq!(t.poll_timeout(), None);
    // A refusal is not retried.
    answered_at_2001(&mut t, "0LQ2");
    t.handle_event(T0 + 9_000, "2001", &idle());
    let (id, _) = one_close(&mut t);
    t.closed(T0 + 9_000, &id, Err(Failure { retryable: false, reason: "404".into() }));
    assert!(matches!(drain(&mut t).as_slice(), [Output::GaveUp { .. }]));
}

#[test]
fn a_conference_merges_the_consultation_into_the_held_call() {
    let mut t = tracker();
    answered_at_2001(&mut t, "0LQ1");
    t.handle_event(T0 + 5_000, "2001", &ev(EventKind::Hold, X, "2001"));
    t.handle_event(T0 + 5_000, "2001", &ev(EventKind::Alert, "2001", "2002"));
    t.handle_event(T0 + 5_000, "2002", &offer("2001", "2002"));
    let (key, _) = one_create(&mut t);
    t.created(T0 + 5_000, &key, Ok("0LQ2".into()));
    t.handle_event(T0 + 6_000, "2001", &ev(EventKind::Connect, "2001", "2002"));
    t.handle_event(T0 + 6_000, "2002", &ev(EventKind::Connect, "2001", "2002"));
    t.handle_event(T0 + 9_000, "2001", &ev(EventKind::Conference, X, "2001"));
    t.handle_event(T0 + 9_000, "2002", &ev(EventKind::Conference, X, "2001"));
    assert_eq!(t.live_calls("2001"), 1, "one call: the conference");
    // 2001 leaves the conference.
    t.handle_event(T0 + 15_000, "2001", &disconnect(X, "2001", "2001"));
    t.handle_event(T0 + 15_000, "2001", &idle());
    let (id, end) = one_close(&mut t);
    assert_eq!((id.as_str(), end.agent_interaction_duration, end.total_hold_duration), ("0LQ1", 13, 4));
    t.handle_event(T0 + 15_000, "2002", &disconnect(X, "2001", "2001"));
    assert!(drain(&mut t).is_empty(), "2002 and X talk on");
    t.handle_event(T0 + 20_000, "2002", &disconnect(X, "2001", X));
    t.handle_event(T0 + 20_000, "2002", &idle());
    assert_eq!(one_close(&mut t).0, "0LQ2");
}

#[test]
fn the_customer_hanging_up_during_a_consultation_ends_only_that_call() {
    let mut t = tracker();
    answered_at_2001(&mut t, "0LQ1");
    t.handle_event(T0 + 5_000, "2001", &ev(EventKind::Hold, X, "2001"));
    t.handle_event(T0 + 5_000, "2001", &ev(EventKind::Alert, "2001", "4155550123"));
    t.handle_event(T0 + 7_000, "2001", &disconnect(X, "2001", X));
    let (id, end) = one_close(&mut t);
    assert_eq!((id.as_str(), end.total_hold_duration), ("0LQ1", 2));
    assert_eq!(t.live_calls("2001"), 1, "the consultation goes on");
}

#[test]
fn reconnect_ends_the_consultation_leg_and_retrieves_the_call() {
    let mut t = tracker();
    answered_at_2001(&mut t, "0LQ1");
    t.handle_event(T0 + 5_000, "2001", &ev(EventKind::Hold, X, "2001"));
    t.handle_event(T0 + 5_000, "2001", &ev(EventKind::Alert, "2001", "2002"));
    t.handle_event(T0 + 5_000, "2002", &offer("2001", "2002"));
    let (key, _) = one_create(&mut t);
    t.created(T0 + 5_000, &key, Ok("0LQ2".into()));
    t.handle_event(T0 + 8_000, "2001", &disconnect("2001", "2002", "2001"));
    t.handle_event(T0 + 8_000, "2002", &disconnect("2001", "2002", "2001"));
    t.handle_event(T0 + 8_000, "2002", &idle());
    assert_eq!(one_close(&mut t).0, "0LQ2");
    t.handle_event(T0 + 8_000, "2001", &ev(EventKind::Retrieve, X, "2001"));
    assert_eq!(t.live_calls("2001"), 1);
    t.handle_event(T0 + 10_000, "2001", &idle());
    let (id, end) = one_close(&mut t);
    assert_eq!((id.as_str(), end.total_hold_duration), ("0LQ1", 3));
}

#[test]
fn a_snapshot_of_no_calls_ends_what_was_missed() {
    let mut t = tracker();
    answered_at_2001(&mut t, "0LQ1");
    assert!(!t.handle_snapshot(T0 + 9_000, "2001", 1), "the one call it knows");
    assert!(drain(&mut t).is_empty());
    assert!(!t.handle_snapshot(T0 + 9_000, "2001", 0));
    assert_eq!(one_close(&mut t).0, "0LQ1");
    assert!(!t.handle_snapshot(T0, "2999", 3), "not monitored");
}

#[test]
fn a_call_that_rang_while_nobody_listened_is_recorded_once_found() {
    let mut t = tracker();
    assert!(t.handle_snapshot(T0, "2002", 1), "CtiSVR has a call the tracker does not know");
    t.handle_current_call(T0, "2002", X, "2002", X);
    let (key, call) = one_create(&mut t);
    assert_eq!((call.from.as_str(), call.initiation_method), (X, InitiationMethod::Inbound));
    assert!(!t.handle_snapshot(T0 + 1, "2002", 1));
    t.handle_current_call(T0 + 1, "2002", X, "2002", X);
    assert!(drain(&mut t).is_empty(), "known: no second record");
    t.created(T0 + 2, &key, Ok("0LQ1".into()));
    // Taken as ringing: a connect or a hold still finds it.
    t.handle_event(T0 + 3_000, "2002", &Event::new(EventKind::Hold).calling(X).called("2002"));
    t.handle_event(T0 + 5_000, "2002", &idle());
    let (_, end) = one_close(&mut t);
    assert_eq!(end.total_hold_duration, 2);
    // A transferred call shows its original caller as `cli`.
    t.handle_current_call(T0, "2003", "2001", "2003", X);
    let (_, call) = one_create(&mut t);
    assert_eq!(call.from, X);
    // An outbound one gets no record; an empty answer changes nothing.
    t.handle_current_call(T0, "2001", "2001", "4155550123", "2001");
    t.handle_current_call(T0, "2001", "", "", "");
    t.handle_current_call(T0, "2999", X, "2999", X);
    assert!(drain(&mut t).is_empty());
    assert_eq!(t.live_calls("2001"), 1);
}

#[test]
fn a_call_first_seen_connected_is_still_recorded_when_inbound() {
    let mut t = tracker();
    t.handle_event(T0, "2001", &ev(EventKind::Connect, X, "2001"));
    let (_, call) = one_create(&mut t);
    assert_eq!(call.from, X);
    t.handle_event(T0, "2002", &ev(EventKind::Connect, "2002", "4155550123"));
    assert!(drain(&mut t).is_empty(), "outbound");
    // A connect with only `called` (as the vendor sample reads it) answers the ringing call.
    t.handle_event(T0, "2003", &offer(X, "2003"));
    one_create(&mut t);
    t.handle_event(T0 + 1_000, "2003", &Event::new(EventKind::Connect).called("2003"));
    t.handle_event(T0 + 3_000, "2003", &idle());
    assert!(drain(&mut t).is_empty(), "no record yet: closed when it comes");
}

#[test]
fn an_extension_keeps_a_bounded_number_of_calls() {
    let mut t = tracker();
    for n in 0..(MAX_CALLS_PER_EXTENSION as u64 + 5) {
        t.handle_event(T0 + n, "2001", &offer(&format!("41555501{n:02}"), "2001"));
    }
    assert_eq!(t.live_calls("2001"), MAX_CALLS_PER_EXTENSION);
}

#[test]
fn numbers_times_and_backoff() {
    assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(iso8601(T0), "2026-12-01T13:00:00.000Z");
    assert_eq!(iso8601(951_868_799_123), "2000-02-29T23:59:59.123Z");
    assert!(same_number("14155550100", "4155550100"));
    assert!(same_number("2001", "2001"));
    assert!(!same_number("12001", "2001"));
    assert!(!same_number("", ""));
    assert_eq!(digits("+1 (415) 555-0100"), "14155550100");
    assert_eq!([1, 2, 3, 8, 9, 50].map(backoff), [250, 500, 1000, 30_000, 30_000, 30_000]);
    assert_eq!(seconds(1_499), 1);
    assert_eq!(seconds(1_500), 2);
}
