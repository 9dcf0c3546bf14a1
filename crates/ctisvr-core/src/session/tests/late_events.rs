//! Session scenarios of issue 9 (items 3 and 4): late and duplicate events
//! are checked with the server (`snapshot`), and a number already being
//! dialled or on the call is not dialled again.

use super::*;
use crate::dial_refusal::DialRefusal;
use crate::notice::NoticeLevel;

impl Harness {
    /// Logged in, idle, nothing left to send.
    fn logged_in_idle() -> Harness {
        let mut h = Harness::new();
        h.start_logged_out();
        h.login();
        h.outputs();
        h
    }

    /// An answered inbound call from `caller`, then the agent hung up:
    /// `disconnect` and `idle` came, and the agent state was read again.
    fn after_hanging_up(&mut self, caller: &str) {
        self.event("offer", caller, "2001");
        self.event("connect", caller, "2001");
        self.call(CallCommand::HangUp).unwrap();
        let (id, _) = self.sent("hangup");
        self.reply(id, json!({}));
        self.receive(json!({"msgtype": "event", "eventtype": "disconnect", "calling": caller, "called": "2001", "party": "2001"}));
        self.receive(json!({"msgtype": "event", "eventtype": "idle"}));
        let (id, _) = self.sent("queryagentstate");
        self.reply(id, json!({"skillmode": "aux", "talkstate": "idle"}));
        assert!(self.session.state().calls.is_empty());
        self.nothing_sent();
    }

    fn dial(&mut self, number: &str) -> Result<(), Rejected> {
        self.call(CallCommand::Dial { number: number.into() })
    }
}

#[test]
fn a_duplicate_connect_after_hanging_up_shows_no_call_and_asks_the_server() {
    let mut h = Harness::logged_in_idle();
    h.after_hanging_up("5551234");
    h.outputs();
    h.event("connect", "5551234", "2001");
    assert!(h.session.state().calls.is_empty(), "no ghost call");
    assert!(!h.outputs().iter().any(|e| matches!(e, Out::Page(Update::Call(_)))));
    let (id, frame) = h.sent("snapshot");
    assert_eq!(frame, json!({"id": id, "request": "snapshot", "extension": "2001"}));
    // More late events while the server is asked: one snapshot at a time.
    h.event("connect", "5551234", "2001");
    h.event("hold", "5551234", "2001");
    h.nothing_sent();
    h.reply(id, json!({"numcall": 0}));
    h.nothing_sent();
    assert!(h.session.state().calls.is_empty());
    // Late disconnect and idle of the ended call: nothing to ask.
    h.receive(
        json!({"msgtype": "event", "eventtype": "disconnect", "calling": "5551234", "called": "2001", "party": "2001"}),
    );
    h.nothing_sent();
}

#[test]
fn late_events_of_every_kind_after_a_call_are_checked_not_shown() {
    for (kind, calling, called) in [
        ("alert", "2001", "94155550100"),
        ("connect", "2001", "94155550100"),
        ("fail", "2001", "94155550199"),
        ("hold", "5551234", "2001"),
        ("retrieve", "5551234", "2001"),
    ] {
        let mut h = Harness::logged_in_idle();
        h.after_hanging_up("5551234");
        h.event(kind, calling, called);
        assert!(h.session.state().calls.is_empty(), "{kind}");
        let (id, _) = h.sent("snapshot");
        h.reply(id, json!({"numcall": "0"}));
        assert!(h.session.state().calls.is_empty(), "{kind}");
    }
}

#[test]
fn the_server_says_which_call_an_unknown_event_was_about() {
    // A call the softphone never saw (answered at the desk phone while this tab was busy).
    let mut h = Harness::logged_in_idle();
    h.event("hold", "5557777", "2001");
    assert!(h.session.state().calls.is_empty());
    let (id, _) = h.sent("snapshot");
    h.reply(id, json!({"numcall": 1}));
    let (id, _) = h.sent("userdata");
    h.reply(id, json!({"calling": "5557777", "called": "2001"}));
    assert_eq!(h.call_states(), vec![(CallState::Connected, "5557777".into())]);
    assert_eq!(h.session.state().calls[0].direction, Direction::Inbound);
}

#[test]
fn a_row_the_server_does_not_know_is_dropped_when_hang_up_fails() {
    // The disconnect was lost: the row stays until the server is asked.
    let mut h = Harness::logged_in_idle();
    h.event("offer", "5551234", "2001");
    h.event("connect", "5551234", "2001");
    h.call(CallCommand::HangUp).unwrap();
    let (id, _) = h.sent("hangup");
    h.fail(id, "no call at 2001");
    assert!(h.notice().contains("no call at 2001"), "{}", h.notice());
    let (id, _) = h.sent("snapshot");
    h.reply(id, json!({"numcall": 0}));
    assert!(h.session.state().calls.is_empty());
}

#[test]
fn a_double_click_on_a_number_that_answers_at_once_places_one_call() {
    let mut h = Harness::logged_in_idle();
    h.dial("415-555-0188").unwrap();
    let (id, frame) = h.sent("makecall");
    assert_eq!(frame["destination"], "94155550188");
    // The second click while the makecall waits for its answer.
    let repeated = Err(Rejected::Repeated(DialRefusal::AlreadyDialling("4155550188".into())));
    assert_eq!(h.dial("415-555-0188"), repeated);
    let notice = h.session.state().notice.unwrap();
    assert_eq!((notice.level, notice.text.as_str()), (NoticeLevel::Info, "Already dialling 4155550188"));
    h.nothing_sent();
    h.reply(id, json!({}));
    // ... while it rings at the far end, written with other prefixes.
    assert_eq!(h.dial("(415) 555-0188"), Err(Rejected::Repeated(DialRefusal::AlreadyDialling("4155550188".into()))));
    h.nothing_sent();
    h.event("alert", "2001", "94155550188");
    h.event("connect", "2001", "94155550188");
    // ... once it answered: a consultation to the party on the call.
    let on_call = Err(Rejected::Repeated(DialRefusal::AlreadyOnCall("4155550188".into())));
    assert_eq!(h.dial("415-555-0188"), on_call);
    let notice = h.session.state().notice.unwrap();
    assert_eq!((notice.level, notice.text.as_str()), (NoticeLevel::Error, "Already on a call with 4155550188"));
    h.nothing_sent();
    assert_eq!(h.call_states(), vec![(CallState::Connected, "94155550188".into())]);
    // Another number still consults.
    h.dial("2002").unwrap();
    h.sent("consultation");
}

#[test]
fn consult_or_transfer_to_the_party_on_the_call_is_refused_with_the_reason() {
    let mut h = Harness::logged_in_idle();
    h.event("offer", "4155550188", "2001");
    h.event("connect", "4155550188", "2001");
    for command in [
        CallCommand::Consult { number: "+1 (415) 555-0188".into() },
        CallCommand::Dial { number: "415 555 0188".into() },
        CallCommand::Transfer { number: Some("(415) 555-0188".into()) },
        CallCommand::Conference { number: Some("4155550188".into()) },
    ] {
        let refused = h.call(command.clone());
        assert!(matches!(refused, Err(Rejected::Repeated(DialRefusal::AlreadyOnCall(_)))), "{command:?}: {refused:?}");
        assert!(h.notice().starts_with("Already on a call with "), "{}", h.notice());
        h.nothing_sent();
    }
    assert_eq!(h.notice(), "Already on a call with 4155550188");
    h.call(CallCommand::Transfer { number: Some("415-555-0199".into()) }).unwrap();
    assert_eq!(h.sent("transfer").1["destination"], "94155550199");
}

#[test]
fn a_repeated_click_to_dial_keeps_the_record_of_the_call_being_placed() {
    let mut h = Harness::logged_in_idle();
    let click = |record: &str| json!({"number": "415-555-0188", "recordId": record, "objectType": "Contact"});
    h.session.handle_crm(h.now, CrmInput::ClickToDial(click("003A")));
    let (id, _) = h.sent("makecall");
    h.session.handle_crm(h.now, CrmInput::ClickToDial(click("003B")));
    h.nothing_sent();
    h.reply(id, json!({}));
    h.event("connect", "2001", "94155550188");
    h.outputs();
    h.receive(json!({"msgtype": "event", "eventtype": "disconnect", "calling": "2001", "called": "94155550188", "party": "94155550188"}));
    let logs = logs(&h.outputs());
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].who_id.as_deref(), Some("003A"));
}
