//! Call model scenarios, including events in unexpected orders.

use super::*;
use crate::settings::DialingPrefixes;
use proptest::prelude::*;
use serde_json::json;

const E: &str = "2001";

fn ev(kind: EventKind, calling: &str, called: &str) -> Event {
    Event::new(kind).calling(calling).called(called)
}

fn disconnect(calling: &str, called: &str, party: &str) -> Event {
    let mut event = ev(EventKind::Disconnect, calling, called);
    event.extra.insert("party".into(), json!(party));
    event
}

fn states(calls: &Calls) -> Vec<(CallState, String)> {
    calls.list().iter().map(|c| (c.state, c.other_party().unwrap_or_default())).collect()
}

fn allowed(calls: &Calls) -> Vec<CallAction> {
    use CallAction::*;
    [Answer, Dial, Hold, Retrieve, HangUp, DropParty, Consult, Reconnect, Transfer, Conference, SendDtmf, SendExtension]
        .into_iter()
        .filter(|a| allows(calls.list(), *a))
        .collect()
}

#[test]
fn an_inbound_call_rings_connects_and_ends_when_the_far_end_leaves() {
    let mut calls = Calls::default();
    let changes = calls.apply(Millis(0), E, &ev(EventKind::Offer, "5551234", E));
    assert!(matches!(&changes[..], [CallChange::Appeared(c)] if c.caller == "5551234" && c.dialled == E));
    assert_eq!(allowed(&calls), vec![CallAction::Answer]);
    calls.apply(Millis(1_000), E, &ev(EventKind::Connect, "5551234", E));
    assert_eq!(states(&calls), vec![(CallState::Connected, "5551234".into())]);
    assert_eq!(calls.list()[0].age_seconds(Millis(6_000)), 5, "the timer counts from the answer");
    use CallAction::*;
    assert_eq!(allowed(&calls), vec![Dial, Hold, HangUp, Consult, Transfer, SendDtmf]);
    let changes = calls.apply(Millis(9_000), E, &disconnect("5551234", E, "5551234"));
    assert!(matches!(&changes[..], [CallChange::Ended(_)]));
    assert!(calls.list().is_empty());
    assert!(calls.apply(Millis(9_001), E, &Event::new(EventKind::Idle)).is_empty());
}

#[test]
fn a_transferred_offer_shows_the_original_caller() {
    let mut calls = Calls::default();
    calls.apply(Millis(0), E, &ev(EventKind::Offer, "2002", E).orig_calling("5551234"));
    assert_eq!(calls.list()[0].caller, "5551234");
    assert_eq!(calls.list()[0].other_party().as_deref(), Some("5551234"));
}

#[test]
fn an_outbound_call_is_shown_from_the_response_and_not_doubled_by_its_alert() {
    let mut calls = Calls::default();
    calls.placed(Millis(0), E, "94155550100");
    calls.apply(Millis(10), E, &ev(EventKind::Alert, E, "94155550100"));
    assert_eq!(states(&calls), vec![(CallState::RingingOut, "94155550100".into())]);
    assert_eq!(allowed(&calls), vec![CallAction::HangUp]);
    calls.apply(Millis(500), E, &ev(EventKind::Connect, E, "94155550100"));
    assert_eq!(states(&calls), vec![(CallState::Connected, "94155550100".into())]);

    // The events may also come before the response.
    let mut calls = Calls::default();
    calls.dialling("2002", None);
    calls.apply(Millis(0), E, &ev(EventKind::Alert, E, "2002"));
    calls.placed(Millis(1), E, "2002");
    assert_eq!(states(&calls), vec![(CallState::RingingOut, "2002".into())]);
    assert!(!calls.take_doubt());
}

#[test]
fn a_busy_number_fails_and_can_only_be_hung_up() {
    let mut calls = Calls::default();
    calls.placed(Millis(0), E, "94155550199");
    calls.apply(Millis(10), E, &ev(EventKind::Fail, E, "94155550199"));
    assert_eq!(calls.list()[0].state, CallState::Failed);
    assert_eq!(calls.list()[0].state, CallState::Failed);
    assert_eq!(allowed(&calls), vec![CallAction::HangUp]);
}

/// A connected inbound call from X, then a consultation to 2002 that answered.
fn consulting() -> Calls {
    let mut calls = Calls::default();
    calls.apply(Millis(0), E, &ev(EventKind::Offer, "5551234", E));
    calls.apply(Millis(0), E, &ev(EventKind::Connect, "5551234", E));
    calls.apply(Millis(5), E, &ev(EventKind::Hold, "5551234", E));
    calls.placed(Millis(5), E, "2002");
    calls.apply(Millis(6), E, &ev(EventKind::Alert, E, "2002"));
    calls.apply(Millis(9), E, &ev(EventKind::Connect, E, "2002"));
    calls
}

#[test]
fn a_consultation_shows_the_held_call_and_the_consulted_party_together() {
    let calls = consulting();
    assert_eq!(states(&calls), vec![(CallState::Held, "5551234".into()), (CallState::Connected, "2002".into())]);
    assert!(calls.list()[1].consultation && !calls.list()[0].consultation);
    assert!(calls.list()[1].consultation);
    use CallAction::*;
    assert_eq!(allowed(&calls), vec![Hold, HangUp, Reconnect, Transfer, Conference, SendDtmf]);
}

#[test]
fn reconnect_drops_the_consultation_and_retrieves_the_held_call() {
    let mut calls = consulting();
    calls.apply(Millis(20), E, &disconnect(E, "2002", E));
    assert_eq!(states(&calls), vec![(CallState::Held, "5551234".into())]);
    assert_eq!(allowed(&calls), vec![CallAction::Retrieve]);
    calls.apply(Millis(21), E, &ev(EventKind::Retrieve, "5551234", E));
    assert_eq!(states(&calls), vec![(CallState::Connected, "5551234".into())]);
}

#[test]
fn a_transfer_ends_both_of_the_agents_calls() {
    let mut calls = consulting();
    let changes = calls.apply(Millis(30), E, &ev(EventKind::Transfer, "5551234", "2002"));
    assert_eq!(changes.iter().filter(|c| matches!(c, CallChange::Ended(_))).count(), 2);
    assert!(calls.list().is_empty());
}

#[test]
fn the_consulted_agent_sees_the_original_caller_after_the_transfer() {
    let mut calls = Calls::default();
    calls.apply(Millis(0), "2002", &ev(EventKind::Offer, E, "2002"));
    calls.apply(Millis(1), "2002", &ev(EventKind::Connect, E, "2002"));
    calls.apply(Millis(2), "2002", &ev(EventKind::Transfer, E, "2002").orig_calling("5551234"));
    assert_eq!(calls.list()[0].caller, "5551234");
    assert_eq!(calls.list()[0].other_party().as_deref(), Some("5551234"));
}

#[test]
fn a_conference_joins_three_parties_and_drop_party_removes_one() {
    let mut calls = consulting();
    calls.apply(Millis(40), E, &ev(EventKind::Conference, "5551234", E));
    assert_eq!(states(&calls), vec![(CallState::Connected, "5551234, 2002".into())]);
    assert!(calls.list()[0].conference);
    assert!(allows(calls.list(), CallAction::DropParty));
    assert_eq!(calls.conference().map(|c| c.parties.last().cloned()), Some(Some("2002".into())));
    calls.apply(Millis(50), E, &disconnect("5551234", E, "2002"));
    assert_eq!(states(&calls), vec![(CallState::Connected, "5551234".into())]);
    assert!(!calls.list()[0].conference && !allows(calls.list(), CallAction::DropParty));
}

#[test]
fn the_disconnect_of_a_party_we_dropped_ourselves_does_not_end_the_call() {
    let mut calls = consulting();
    calls.apply(Millis(40), E, &ev(EventKind::Conference, "5551234", E));
    calls.party_dropped("2002"); // the dropparty response came first
    calls.apply(Millis(50), E, &disconnect("5551234", E, "2002"));
    assert_eq!(states(&calls), vec![(CallState::Connected, "5551234".into())]);
}

#[test]
fn the_far_end_of_the_held_call_hanging_up_leaves_the_consultation_as_a_plain_call() {
    let mut calls = consulting();
    calls.apply(Millis(60), E, &disconnect("5551234", E, "5551234"));
    assert_eq!(states(&calls), vec![(CallState::Connected, "2002".into())]);
    assert!(!calls.list()[0].consultation);
}

#[test]
fn events_in_unexpected_orders_do_not_invent_or_lose_calls() {
    let mut calls = Calls::default();
    // Nothing to act on: ignored.
    for kind in [EventKind::Hold, EventKind::Retrieve, EventKind::Fail, EventKind::Disconnect, EventKind::Transfer] {
        calls.apply(Millis(0), E, &Event::new(kind));
    }
    assert!(calls.list().is_empty());
    // A connect with no offer and no call being placed: late, or a call we
    // never saw. Nothing is invented; the server is asked.
    calls.apply(Millis(1), E, &ev(EventKind::Connect, "5551234", E));
    assert!(calls.list().is_empty());
    assert!(calls.take_doubt());
    // The same offer twice is one call.
    let mut calls = Calls::default();
    calls.apply(Millis(0), E, &ev(EventKind::Offer, "5551234", E));
    calls.apply(Millis(0), E, &ev(EventKind::Offer, "5551234", E));
    assert_eq!(calls.list().len(), 1);
    // Events without numbers fall back to what they can only mean.
    calls.apply(Millis(1), E, &Event::new(EventKind::Connect));
    calls.apply(Millis(2), E, &Event::new(EventKind::Hold));
    assert_eq!(calls.list()[0].state, CallState::Held);
    calls.apply(Millis(3), E, &Event::new(EventKind::Retrieve));
    assert_eq!(calls.list()[0].state, CallState::Connected);
    calls.apply(Millis(4), E, &Event::new(EventKind::Disconnect));
    assert!(calls.list().is_empty());
}

#[test]
fn a_reload_restores_one_connected_call_from_userdata() {
    let mut calls = Calls::default();
    let restored = Restored { extension: E, calling: "5551234", called: E, caller: "5551234" };
    calls.restore(Millis(0), restored, None);
    calls.restore(Millis(5), restored, None);
    assert_eq!(states(&calls), vec![(CallState::Connected, "5551234".into())]);
    assert_eq!(calls.list()[0].direction, Direction::Inbound);
}

#[test]
fn a_call_restored_with_our_extension_calling_is_one_we_placed() {
    let mut calls = Calls::default();
    let restored = Restored { extension: E, calling: E, called: "90114155550100", caller: E };
    calls.restore(Millis(0), restored, None);
    let call = &calls.list()[0];
    assert_eq!((call.direction, call.dialled.as_str()), (Direction::Outbound, "90114155550100"));
    assert_eq!(call.other_party().as_deref(), Some("90114155550100"));
}

/// The agent hung up an answered inbound call from 5551234: `disconnect` and `idle` came.
fn after_a_call() -> Calls {
    let mut calls = Calls::default();
    calls.apply(Millis(0), E, &ev(EventKind::Offer, "5551234", E));
    calls.apply(Millis(1), E, &ev(EventKind::Connect, "5551234", E));
    calls.apply(Millis(9), E, &disconnect("5551234", E, E));
    calls.apply(Millis(9), E, &Event::new(EventKind::Idle));
    assert!(calls.list().is_empty() && !calls.take_doubt());
    calls
}

#[test]
fn a_late_or_duplicate_event_after_the_call_ended_invents_no_call() {
    // Each event of the ended call again, and of an outbound call that ended.
    let late = [
        ev(EventKind::Connect, "5551234", E),
        ev(EventKind::Alert, E, "94155550100"),
        ev(EventKind::Connect, E, "94155550100"),
        ev(EventKind::Fail, E, "94155550199"),
        ev(EventKind::Hold, "5551234", E),
        ev(EventKind::Retrieve, "5551234", E),
        Event::new(EventKind::Connect),
        Event::new(EventKind::Hold),
    ];
    for event in late {
        let mut calls = after_a_call();
        let changes = calls.apply(Millis(20), E, &event);
        assert!(changes.is_empty() && calls.list().is_empty(), "{event:?} made {changes:?}");
        assert!(calls.take_doubt(), "{event:?}: the server is asked what calls there are");
    }
    // A disconnect or idle with no call left is late: nothing to ask.
    for event in [disconnect("5551234", E, E), disconnect("5551234", E, "5551234"), Event::new(EventKind::Idle)] {
        let mut calls = after_a_call();
        assert!(calls.apply(Millis(20), E, &event).is_empty());
        assert!(calls.list().is_empty() && !calls.take_doubt(), "{event:?}");
    }
}

#[test]
fn events_for_a_call_never_seen_change_nothing_shown_and_raise_doubt() {
    let mut calls = Calls::default();
    calls.apply(Millis(0), E, &ev(EventKind::Offer, "5551234", E));
    calls.apply(Millis(1), E, &ev(EventKind::Connect, "5551234", E));
    let shown = calls.list().to_vec();
    for event in [
        ev(EventKind::Connect, "5559999", E),
        ev(EventKind::Alert, E, "2003"),
        ev(EventKind::Hold, "5559999", E),
        ev(EventKind::Retrieve, "5559999", E),
        disconnect("5559999", E, "5559999"),
    ] {
        assert!(calls.apply(Millis(5), E, &event).is_empty(), "{event:?}");
        assert_eq!(calls.list(), &shown[..], "{event:?}");
        assert!(calls.take_doubt(), "{event:?}");
    }
}

#[test]
fn a_duplicate_event_for_a_live_call_in_that_state_is_a_no_op() {
    let mut calls = Calls::default();
    calls.apply(Millis(0), E, &ev(EventKind::Offer, "5551234", E));
    calls.apply(Millis(1_000), E, &ev(EventKind::Connect, "5551234", E));
    let connected = calls.list().to_vec();
    // The same connect again later keeps the answer time (the timer does not restart).
    assert!(calls.apply(Millis(5_000), E, &ev(EventKind::Connect, "5551234", E)).is_empty());
    assert!(calls.apply(Millis(5_000), E, &ev(EventKind::Offer, "5551234", E)).is_empty());
    assert!(calls.apply(Millis(5_000), E, &ev(EventKind::Retrieve, "5551234", E)).is_empty());
    assert_eq!(calls.list(), &connected[..]);
    calls.apply(Millis(6_000), E, &ev(EventKind::Hold, "5551234", E));
    let held = calls.list().to_vec();
    assert!(calls.apply(Millis(6_001), E, &ev(EventKind::Hold, "5551234", E)).is_empty());
    // A late connect does not take the call off hold.
    assert!(calls.apply(Millis(6_002), E, &ev(EventKind::Connect, "5551234", E)).is_empty());
    assert_eq!(calls.list(), &held[..]);
    // An outbound call: alert twice, connect twice, and a late alert after it connected.
    let mut calls = Calls::default();
    calls.placed(Millis(0), E, "2002");
    for kind in [EventKind::Alert, EventKind::Alert, EventKind::Connect, EventKind::Connect, EventKind::Alert] {
        calls.apply(Millis(1), E, &ev(kind, E, "2002"));
    }
    assert_eq!(states(&calls), vec![(CallState::Connected, "2002".into())]);
    // A late fail of a connected call does not fail it.
    calls.apply(Millis(2), E, &ev(EventKind::Fail, E, "2002"));
    assert_eq!(states(&calls), vec![(CallState::Connected, "2002".into())]);
    assert!(!calls.take_doubt());
}

#[test]
fn events_of_a_call_being_placed_start_it_before_the_response() {
    for (kind, state) in [
        (EventKind::Alert, CallState::RingingOut),
        (EventKind::Connect, CallState::Connected),
        (EventKind::Fail, CallState::Failed),
    ] {
        let mut calls = Calls::default();
        calls.dialling("94155550100", None);
        calls.apply(Millis(0), E, &ev(kind.clone(), E, "94155550100"));
        calls.placed(Millis(1), E, "94155550100");
        assert_eq!(states(&calls), vec![(state, "94155550100".into())], "{kind:?}");
        // Once answered, the same event again starts nothing.
        calls.apply(Millis(2), E, &Event::new(EventKind::Idle));
        calls.apply(Millis(3), E, &ev(kind.clone(), E, "94155550100"));
        assert!(calls.list().is_empty() && calls.take_doubt(), "{kind:?}");
    }
    // A refused request is not being placed any more.
    let mut calls = Calls::default();
    calls.dialling("2002", None);
    calls.not_placed("2002");
    calls.apply(Millis(0), E, &ev(EventKind::Connect, E, "2002"));
    assert!(calls.list().is_empty());
    // Nor one lost with the connection.
    calls.dialling("2002", None);
    calls.lost();
    calls.apply(Millis(0), E, &ev(EventKind::Alert, E, "2002"));
    assert!(calls.list().is_empty());
}

#[test]
fn a_ringing_call_is_connected_by_its_connect_even_with_prefixes_written_differently() {
    let mut calls = Calls::default();
    calls.placed(Millis(0), E, "914155550100");
    // The switch names the far end without the outside and long-distance prefixes.
    calls.apply(Millis(5), E, &ev(EventKind::Connect, E, "4155550100"));
    assert_eq!(states(&calls), vec![(CallState::Connected, "914155550100".into())]);
    let mut calls = Calls::default();
    calls.apply(Millis(0), E, &ev(EventKind::Offer, "+1 415 555 0100", E));
    calls.apply(Millis(5), E, &ev(EventKind::Connect, "14155550100", E));
    assert_eq!(calls.list()[0].state, CallState::Connected);
    assert!(!calls.take_doubt());
}

#[test]
fn the_consulted_agent_follows_the_conference_by_its_numbers() {
    // 2002 was consulted by 2001 (holding 5551234); the conference's events carry the held call's numbers.
    let mut calls = Calls::default();
    calls.apply(Millis(0), "2002", &ev(EventKind::Offer, E, "2002"));
    calls.apply(Millis(1), "2002", &ev(EventKind::Connect, E, "2002"));
    calls.apply(Millis(2), "2002", &ev(EventKind::Conference, "5551234", E));
    assert_eq!(states(&calls), vec![(CallState::Connected, "2001, 5551234".into())]);
    calls.apply(Millis(3), "2002", &disconnect("5551234", E, "5551234"));
    assert_eq!(states(&calls), vec![(CallState::Connected, "2001".into())]);
    assert!(!calls.take_doubt());
}

#[test]
fn the_number_being_dialled_and_the_parties_on_a_call_are_known_prefixes_aside() {
    let p = DialingPrefixes { outside: "9".into(), long_distance: "1".into(), international: "01".into() };
    let mut calls = Calls::default();
    calls.dialling("94155550188", None);
    assert!(calls.is_dialling("914155550188", &p) && calls.is_dialling("4155550188", &p));
    assert!(!calls.is_dialling("94155550189", &p) && !calls.is_on_call_with("94155550188", &p));
    calls.placed(Millis(0), E, "94155550188");
    assert!(calls.is_dialling("914155550188", &p), "ringing at the far end");
    calls.apply(Millis(1), E, &ev(EventKind::Connect, E, "94155550188"));
    assert!(!calls.is_dialling("94155550188", &p));
    assert!(calls.is_on_call_with("914155550188", &p));
    assert!(!calls.is_on_call_with("2002", &p));
    // A failed call has nobody on it; a held caller is on the call.
    calls.apply(Millis(2), E, &ev(EventKind::Offer, "+1 212 555 0100", E));
    assert!(calls.is_on_call_with("912125550100", &p));
}

fn any_event() -> impl Strategy<Value = Event> {
    let number = prop::sample::select(vec!["", E, "2002", "5551234"]);
    let kind = prop::sample::select(EventKind::KNOWN.to_vec());
    (kind, number.clone(), number.clone(), proptest::option::of(number.clone()), proptest::option::of(number)).prop_map(
        |(kind, calling, called, orig, party)| {
            let mut event = Event::new(kind);
            if !calling.is_empty() {
                event.calling = Some(calling.into());
            }
            if !called.is_empty() {
                event.called = Some(called.into());
            }
            event.orig_calling = orig.map(str::to_owned);
            if let Some(party) = party {
                event.extra.insert("party".into(), json!(party));
            }
            event
        },
    )
}

proptest! {
    #[test]
    fn any_event_sequence_keeps_the_model_sane(events in proptest::collection::vec(any_event(), 0..40)) {
        let mut calls = Calls::default();
        for (i, event) in events.iter().enumerate() {
            calls.apply(Millis(i as u64), E, event);
            let list = calls.list();
            let ids: std::collections::HashSet<_> = list.iter().map(|c| c.id).collect();
            prop_assert_eq!(ids.len(), list.len());
            prop_assert_eq!(allows(list, CallAction::Answer), list.iter().any(|c| c.state == CallState::RingingIn));
            prop_assert!(!(list.len() == 1 && list[0].consultation));
            if event.kind == EventKind::Idle {
                prop_assert!(list.is_empty());
            }
        }
    }

    #[test]
    fn no_event_but_an_offer_starts_a_call_the_agent_is_not_placing(events in proptest::collection::vec(any_event(), 0..40)) {
        let mut calls = Calls::default();
        for (i, event) in events.iter().filter(|e| e.kind != EventKind::Offer).enumerate() {
            prop_assert!(calls.apply(Millis(i as u64), E, event).is_empty(), "{:?}", event);
            prop_assert!(calls.list().is_empty());
        }
    }
}

#[test]
fn a_late_event_of_the_last_call_is_not_the_call_being_dialled() {
    let mut calls = after_a_call();
    calls.dialling("94155550199", None);
    calls.apply(Millis(10), E, &ev(EventKind::Connect, "5551234", E));
    assert!(calls.list().is_empty(), "the late connect invents no call");
    assert!(calls.take_doubt(), "and the server is asked");
    // The dial's own events still start it before the response.
    calls.apply(Millis(11), E, &ev(EventKind::Alert, E, "94155550199"));
    assert_eq!(states(&calls), vec![(CallState::RingingOut, "94155550199".into())]);
}

#[test]
fn a_storm_of_offers_keeps_at_most_max_calls_and_asks_the_server() {
    let mut calls = Calls::default();
    for n in 0..50 {
        calls.apply(Millis(n), "2001", &ev(EventKind::Offer, &format!("41555501{n:02}"), "2001"));
    }
    assert_eq!(calls.list().len(), MAX_CALLS);
    assert!(calls.take_doubt(), "the calls not shown make the model doubt");
    // The calls kept are the first offered, and go as usual.
    calls.apply(Millis(60), "2001", &ev(EventKind::Idle, "", ""));
    assert!(calls.list().is_empty());
}
