//! Call model scenarios, including events in unexpected orders.

use super::*;
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
    calls.list().iter().map(|c| (c.state, c.other_party())).collect()
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
    assert_eq!(calls.list()[0].other_party(), "5551234");
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
    calls.apply(Millis(0), E, &ev(EventKind::Alert, E, "2002"));
    calls.placed(Millis(1), E, "2002");
    assert_eq!(calls.list().len(), 1);
}

#[test]
fn a_busy_number_fails_and_can_only_be_hung_up() {
    let mut calls = Calls::default();
    calls.placed(Millis(0), E, "94155550199");
    calls.apply(Millis(10), E, &ev(EventKind::Fail, E, "94155550199"));
    assert_eq!(calls.list()[0].state, CallState::Failed);
    assert_eq!(calls.list()[0].describe(), "Failed");
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
    assert_eq!(calls.list()[1].describe(), "Consultation");
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
    assert_eq!(calls.list()[0].other_party(), "5551234");
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
    // A connect with no offer (we missed it): the call is shown anyway.
    calls.apply(Millis(1), E, &ev(EventKind::Connect, "5551234", E));
    assert_eq!(calls.list().len(), 1);
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
    calls.restore(Millis(0), "5551234", E);
    calls.restore(Millis(5), "5551234", E);
    assert_eq!(states(&calls), vec![(CallState::Connected, "5551234".into())]);
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
}
