//! A page reloaded in the middle of a call: the call goes on from its real
//! start, keeps its direction, record and pop, and is logged whole.

use super::*;
use crate::call_memory::CallMemory;

/// Epoch milliseconds, as the element's clock gives them.
const T0: Millis = Millis(1_764_000_000_000);

fn at(seconds: u64) -> Millis {
    T0 + Duration::from_secs(seconds)
}

/// What the session last asked the page to keep about calls (`Some(None)`:
/// no call; the extension it keeps beside them is not a call).
fn stored(effects: &[Out]) -> Option<Option<String>> {
    effects.iter().rev().find_map(|e| match e {
        Out::Storage(StorageOrder::Write(text)) => {
            Some(Some(text.clone()).filter(|text| !CallMemory::decode(text).calls.is_empty()))
        }
        Out::Storage(StorageOrder::Remove) => Some(None),
        _ => None,
    })
}

/// A reloaded page: a new session given what the old one stored, started
/// for an agent who is on a call the server describes with `userdata`.
fn reloaded(now: Millis, memory: Option<&str>, userdata: Value) -> Harness {
    let mut h = Harness::new();
    h.now = now;
    if let Some(text) = memory {
        h.session.resume_calls(text);
    }
    h.start("1001", json!({"skillmode": "manual", "talkstate": "call"}), 1);
    let (id, _) = h.sent("userdata");
    h.reply(id, userdata);
    h
}

/// An inbound call answered at 0 s, popped (the pop found a Contact).
fn inbound_call() -> (Harness, String) {
    let mut h = Harness::new();
    h.now = T0;
    h.start_logged_out();
    h.event("offer", "4155550100", "2001");
    let call_id = h.session.state().calls[0].id;
    let found = json!({"003A": {"Id": "003A", "Name": "Ada", "RecordType": "Contact"}});
    h.session.handle_crm(h.now, CrmInput::ScreenPopResult { call_id, result: found });
    h.event("connect", "4155550100", "2001");
    let text = stored(&h.outputs()).flatten().expect("the call is kept for a reload");
    (h, text)
}

#[test]
fn an_inbound_call_reloaded_mid_call_keeps_its_start_is_not_popped_again_and_is_logged_whole() {
    let (_, text) = inbound_call();
    assert!(!text.contains("1234"), "no password: {text}");
    let userdata = json!({"calling": "4155550100", "called": "2001", "cli": "4155550100"});
    let mut h = reloaded(at(6), Some(&text), userdata);
    let effects = h.outputs();
    assert!(pops(&effects).is_empty(), "popped once per call, reloads included");
    assert!(!effects.contains(&Out::Crm(CrmRequest::ShowPanel)));
    let call = h.session.state().calls[0].clone();
    assert_eq!(call.age_seconds(at(6)), 6, "the timer goes on from the real start");
    assert_eq!(call.direction, Direction::Inbound);
    h.now = at(8);
    h.receive(json!({"msgtype": "event", "eventtype": "disconnect", "calling": "4155550100", "called": "2001"}));
    let effects = h.outputs();
    let log = logs(&effects).pop().expect("a log");
    assert_eq!(log.duration_seconds, 8, "the whole call");
    assert_eq!(log.subject, "Call from 4155550100");
    assert_eq!(log.who_id.as_deref(), Some("003A"), "the record the first page's pop found");
    assert_eq!(stored(&effects), Some(None), "the memory expires with the call");
}

#[test]
fn an_outbound_call_reloaded_mid_call_stays_outbound_with_its_record() {
    let mut h = Harness::new();
    h.now = T0;
    h.start_logged_out();
    let payload = json!({"number": "+1 415 555 0100", "recordId": "003A", "objectType": "Contact"});
    h.session.handle_crm(h.now, CrmInput::ClickToDial(payload));
    let (id, _) = h.sent("makecall");
    h.reply(id, json!({}));
    h.now = at(2);
    h.event("connect", "2001", "90114155550100");
    let text = stored(&h.outputs()).flatten().expect("kept");
    let userdata = json!({"calling": "2001", "called": "90114155550100", "cli": "2001"});
    let mut h = reloaded(at(5), Some(&text), userdata);
    let effects = h.outputs();
    assert!(pops(&effects).is_empty(), "an outbound call is never popped as an inbound caller");
    let call = h.session.state().calls[0].clone();
    assert_eq!(
        (call.direction, call.other_party().unwrap_or_default().as_str()),
        (Direction::Outbound, "90114155550100")
    );
    assert_eq!(call.age_seconds(at(5)), 3, "connected at 2 s");
    h.now = at(12);
    h.receive(json!({"msgtype": "event", "eventtype": "idle"}));
    let log = logs(&h.outputs()).pop().expect("a log");
    assert_eq!(log.call_type, crate::crm::CallType::Outbound);
    assert_eq!(log.subject, "Call to 90114155550100");
    assert_eq!(log.duration_seconds, 10);
    assert_eq!(log.who_id.as_deref(), Some("003A"), "the record it was dialled from");
}

#[test]
fn without_memory_the_numbers_still_tell_an_outbound_call() {
    let userdata = json!({"calling": "2001", "called": "90114155550100", "cli": "2001"});
    let mut h = reloaded(at(5), None, userdata);
    assert!(pops(&h.outputs()).is_empty());
    let call = h.session.state().calls[0].clone();
    assert_eq!((call.direction, call.dialled.as_str()), (Direction::Outbound, "90114155550100"));
}

#[test]
fn a_memory_of_another_call_or_of_no_call_is_not_used_and_is_dropped() {
    let (_, text) = inbound_call();
    // The server now has a different call: it is a new one, popped, timed from now.
    let userdata = json!({"calling": "4155550199", "called": "2001", "cli": "4155550199"});
    let mut h = reloaded(at(60), Some(&text), userdata);
    let effects = h.outputs();
    assert_eq!(pops(&effects), vec!["4155550199".to_string()]);
    assert_eq!(h.session.state().calls[0].age_seconds(at(60)), 0);
    let kept = stored(&effects).flatten().expect("the new call is kept");
    assert!(kept.contains("4155550199") && !kept.contains("4155550100"), "{kept}");

    // The call ended while the page was away: nothing is restored, the memory goes.
    let mut h = Harness::new();
    h.now = at(60);
    h.session.resume_calls(&text);
    h.start("", json!({"skillmode": "null"}), 0);
    let effects = h.outputs();
    assert!(h.session.state().calls.is_empty());
    assert_eq!(stored(&effects), Some(None));
    assert!(logs(&effects).is_empty(), "the first page's log duty is not this page's to invent");
}

#[test]
fn garbage_in_the_memory_is_ignored() {
    let userdata = json!({"calling": "4155550100", "called": "2001", "cli": "4155550100"});
    let mut h = reloaded(at(5), Some("{\"calls\": [{\"name\": 1}]}"), userdata);
    assert_eq!(pops(&h.outputs()), vec!["4155550100".to_string()]);
}

/// Carries every tab message `from` posts to each tab in `to` (itself
/// included: the channel brings a tab's own messages back).
fn deliver(from: usize, tabs: &mut [&mut Harness]) -> usize {
    let now = tabs[from].now;
    let sent: Vec<TabMessage> = std::iter::from_fn(|| tabs[from].session.poll_tab_message()).collect();
    for tab in tabs.iter_mut() {
        for message in &sent {
            tab.session.handle_tab_message(now, message.clone());
        }
    }
    sent.len()
}

/// Tab A, on an inbound call from 4155550100 answered at 0 s and popped by A;
/// and tab B, just reloaded at 6 s in a frame the browser gives no storage.
fn a_tab_and_a_reloaded_tab() -> (Harness, Harness) {
    let mut a = lone_tab();
    a.now = T0;
    a.event("offer", "4155550100", "2001");
    a.carry();
    a.carry();
    assert_eq!(pops(&a.outputs()), vec!["4155550100".to_string()]);
    a.event("connect", "4155550100", "2001");
    a.outputs();
    let mut b = Harness::new();
    let settings = b.session.settings().cloned().unwrap();
    b.session = Session::new(SessionOptions { tab: Some(21), ..SessionOptions::default() });
    b.session.configure(at(6), Ok(settings));
    b.now = at(6);
    a.now = at(6);
    b.session.join_tabs(b.now);
    (a, b)
}

fn start_on_the_call(b: &mut Harness) {
    b.start("", json!({"skillmode": "null"}), 1);
    let (id, _) = b.sent("userdata");
    b.reply(id, json!({"calling": "4155550100", "called": "2001", "cli": "4155550100"}));
}

#[test]
fn without_storage_a_reloaded_tab_learns_its_call_from_another_tab() {
    let (mut a, mut b) = a_tab_and_a_reloaded_tab();
    // B's Hello, then A's answer (its calls among it), before the server's.
    while deliver(1, &mut [&mut a, &mut b]) + deliver(0, &mut [&mut a, &mut b]) > 0 {}
    start_on_the_call(&mut b);
    assert_eq!(b.session.state().calls[0].age_seconds(at(6)), 6, "the timer goes on from A's start");
    assert!(pops(&b.outputs()).is_empty());
}

#[test]
fn another_tabs_word_that_comes_after_the_servers_still_corrects_the_call() {
    let (mut a, mut b) = a_tab_and_a_reloaded_tab();
    start_on_the_call(&mut b);
    assert_eq!(b.session.state().calls[0].age_seconds(at(6)), 0, "blind: timed from the reload");
    while deliver(1, &mut [&mut a, &mut b]) + deliver(0, &mut [&mut a, &mut b]) > 0 {}
    assert_eq!(b.session.state().calls[0].age_seconds(at(6)), 6, "corrected by A");
    b.now = at(20);
    b.session.handle_timeout(b.now);
    a.now = at(20);
    a.session.handle_timeout(a.now);
    while deliver(1, &mut [&mut a, &mut b]) + deliver(0, &mut [&mut a, &mut b]) > 0 {}
    assert!(pops(&b.outputs()).is_empty(), "A popped the call before B's reload");
}

#[test]
fn when_the_server_will_not_name_the_call_the_memory_starts_over() {
    let (_, text) = inbound_call();
    // userdata refused: the old memo expires, the calls to come are kept again.
    let mut h = Harness::new();
    h.now = at(6);
    h.session.resume_calls(&text);
    h.start("1001", json!({"skillmode": "manual", "talkstate": "call"}), 1);
    let (id, _) = h.sent("userdata");
    h.fail(id, "no such call");
    h.outputs();
    h.event("offer", "4155550177", "2001");
    let kept = stored(&h.outputs()).flatten().expect("the next call is kept for a reload");
    assert!(kept.contains("4155550177"), "{kept}");
}

#[test]
fn the_memory_finds_the_call_when_the_switch_writes_the_number_with_a_prefix() {
    let mut h = Harness::new();
    h.now = T0;
    h.start_logged_out();
    h.login();
    h.call(CallCommand::Dial { number: "415-555-0100".into() }).unwrap();
    let (id, _) = h.sent("makecall");
    h.reply(id, json!({}));
    h.now = at(1);
    h.event("connect", "2001", "94155550100");
    let text = stored(&h.outputs()).flatten().expect("kept");
    // The switch names the far end without our outside prefix.
    let userdata = json!({"calling": "2001", "called": "4155550100", "cli": "2001"});
    let h = reloaded(at(5), Some(&text), userdata);
    assert_eq!(h.session.state().calls[0].age_seconds(at(5)), 4, "the remembered call, timed from its answer");
}

#[test]
fn an_extension_not_yet_sent_is_still_there_after_a_reload() {
    let mut h = Harness::new();
    h.now = T0;
    h.start_logged_out();
    h.login();
    h.call(CallCommand::Dial { number: "415-555-0100 x123".into() }).unwrap();
    let (id, _) = h.sent("makecall");
    h.reply(id, json!({}));
    h.event("connect", "2001", "94155550100");
    let text = stored(&h.outputs()).flatten().expect("kept");
    let userdata = json!({"calling": "2001", "called": "94155550100", "cli": "2001"});
    let h = reloaded(at(5), Some(&text), userdata);
    let call = h.session.state().calls[0].clone();
    assert_eq!(call.extension.map(|e| (e.digits, e.sent)), Some(("123".to_string(), false)), "Send ext. 123 is back");
}

#[test]
fn the_extension_is_kept_and_a_reloaded_page_starts_in_one_round_trip() {
    let mut h = Harness::new();
    h.start_logged_out();
    let kept = h.outputs().into_iter().rev().find_map(|out| match out {
        Out::Storage(StorageOrder::Write(text)) => Some(text),
        _ => None,
    });
    let kept = kept.expect("the confirmed extension is kept, with no call up");
    assert_eq!(CallMemory::decode(&kept).extension.as_deref(), Some("2001"));

    let mut h = Harness::new();
    h.session.resume_calls(&kept);
    h.open();
    // Everything goes before any answer: one round trip.
    let ids: Vec<u64> = ["myextension", "startmonitor", "querydeviceinfo", "queryagentstate", "snapshot"]
        .map(|request| h.sent(request).0)
        .to_vec();
    h.nothing_sent();
    assert_eq!(h.session.state().extension, None, "not shown before the server confirms it");
    h.reply(ids[0], json!({"extension": "2001"}));
    h.nothing_sent();
    h.reply(ids[1], json!({}));
    h.reply(ids[2], json!({"associateddevice": ""}));
    h.reply(ids[3], json!({"skillmode": "null"}));
    h.reply(ids[4], json!({"numcall": 0}));
    assert!(h.session.state().ready);
    assert_eq!(h.session.state().extension.as_deref(), Some("2001"));
}

#[test]
fn a_reloaded_page_moved_to_another_extension_leaves_the_socket_and_starts_cold() {
    let mut h = Harness::new();
    h.session.resume_calls(r#"{"v":1,"ext":"2001","calls":[]}"#);
    let first = h.open();
    let ids: Vec<u64> = ["myextension", "startmonitor", "querydeviceinfo", "queryagentstate", "snapshot"]
        .map(|request| h.sent(request).0)
        .to_vec();
    // Free seating: this workstation is now 2002.
    h.reply(ids[0], json!({"extension": "2002"}));
    h.assert_abandoned("the burst went for 2001: its monitor must go with the socket");
    // Answers and events that were on their way on that socket change nothing.
    h.reply(ids[2], json!({"associateddevice": "1001"}));
    h.receive(json!({"msgtype": "event", "eventtype": "offer", "calling": "5551234", "called": "2001"}));
    let state = h.session.state();
    assert!(state.calls.is_empty() && state.agent == AgentStatus::Unknown && state.extension.is_none(), "{state:?}");
    // A new socket to the same server, cold: the extension first, alone.
    let second = h.open();
    assert_eq!((second.role, first.role), (ServerRole::Primary, ServerRole::Primary));
    assert_ne!(second.id, first.id);
    let (id, _) = h.sent("myextension");
    h.nothing_sent();
    h.reply(id, json!({"extension": "2002"}));
    for request in ["startmonitor", "querydeviceinfo", "queryagentstate", "snapshot"] {
        let (_, frame) = h.sent(request);
        assert_eq!(frame["extension"], "2002");
    }
    assert_eq!(h.notice(), "", "nothing went wrong the agent must act on");
}
