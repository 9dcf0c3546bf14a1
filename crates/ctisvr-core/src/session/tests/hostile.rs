//! Frames a broken or hostile server sends: answers no request waits for,
//! frames too large to read, an event storm. Each is shown, none ends the
//! connection or the agent's call.

use super::*;
use crate::notice::NoticeLevel;

/// Logged out and idle, with a call from 4155550100 connected.
fn on_a_call() -> Harness {
    let mut h = Harness::new();
    h.start_logged_out();
    h.event("offer", "4155550100", "2001");
    h.event("connect", "4155550100", "2001");
    h.outputs();
    h
}

fn problem(h: &Harness) -> Option<Problem> {
    h.session.state().notice.map(|n| n.problem)
}

#[test]
fn an_answer_no_request_waits_for_is_shown_and_ignored() {
    let mut h = on_a_call();
    h.receive(json!({"msgtype": "response", "result": "success"}));
    assert_eq!(problem(&h), Some(Problem::StrayAnswer { id: None }));
    assert_eq!(h.notice(), "CtiSVR sent an answer without a request id; it was ignored.");
    h.receive(json!({"msgtype": "response", "id": 999_999, "result": "error", "error": "nope"}));
    assert_eq!(problem(&h), Some(Problem::StrayAnswer { id: Some(999_999) }));
    // A duplicate: the second answer to a hang-up waits for nothing.
    h.call(CallCommand::Hold).unwrap();
    let (id, _) = h.sent("hold");
    h.reply(id, json!({}));
    h.reply(id, json!({}));
    assert_eq!(problem(&h), Some(Problem::StrayAnswer { id: Some(id) }));
    let state = h.session.state();
    assert!(state.ready && state.calls.len() == 1, "still connected, the call still up: {state:?}");
    assert_eq!(state.notice.map(|n| n.level), Some(NoticeLevel::Info));
}

#[test]
fn a_frame_too_large_is_shown_not_read_and_the_call_goes_on() {
    let mut h = on_a_call();
    let pad = "x".repeat(crate::wire::MAX_FRAME_BYTES);
    h.receive(json!({"msgtype": "event", "eventtype": "idle", "pad": pad}));
    assert!(matches!(problem(&h), Some(Problem::FrameTooLarge { size }) if size > crate::wire::MAX_FRAME_BYTES));
    assert_eq!(h.session.state().calls.len(), 1, "the idle in it was not read");
    // The edge measures in the browser and does not copy it.
    let id = h.conn.as_ref().unwrap().id;
    h.session.handle_transport(h.now, TransportEvent::TooLarge { id, size: 16 << 20 });
    assert!(h.notice().starts_with("CtiSVR sent a message too large to read (16777216 bytes"), "{}", h.notice());
    // Just under the limit is read.
    let pad = "x".repeat(crate::wire::MAX_FRAME_BYTES - 200);
    h.receive(json!({"msgtype": "event", "eventtype": "hold", "calling": "4155550100", "called": "2001", "pad": pad}));
    assert_eq!(h.session.state().calls.first().map(|c| c.state), Some(CallState::Held));
    assert!(h.session.state().ready);
}

#[test]
fn a_storm_of_a_thousand_events_leaves_the_calls_the_server_says() {
    let mut h = on_a_call();
    for n in 0..500 {
        h.event("hold", "4155550100", "2001");
        h.event(if n % 2 == 0 { "retrieve" } else { "hold" }, "4155550100", "2001");
    }
    let state = h.session.state();
    assert_eq!(state.calls.len(), 1);
    assert_eq!(state.calls.first().map(|c| c.state), Some(CallState::Held));
    assert!(state.ready && state.notice.is_none(), "{state:?}");
}
