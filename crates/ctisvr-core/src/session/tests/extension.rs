//! The extension of a dialled number (`415-555-0100 x123`): kept with the
//! call, sent as DTMF by the button or by itself (`dialExtension` = `auto N`).

use super::*;
use crate::calls::CallExtension;
use crate::settings::DialExtension;

/// A started session at 2001 whose call center sends extensions `mode`.
fn harness(mode: DialExtension) -> Harness {
    let mut h = Harness::new();
    if let Some(mut settings) = h.session.settings().cloned() {
        settings.options.dial_extension = mode;
        let mut session = Session::default();
        session.configure(Millis(0), Ok(settings));
        h.session = session;
    }
    h.start_logged_out();
    h
}

fn auto(seconds: u64) -> DialExtension {
    DialExtension::Auto { delay: Duration::from_secs(seconds) }
}

impl Harness {
    /// Dials `number` (idle), answers the `makecall`, and the far end answers at `connect_at`.
    fn dial_and_connect(&mut self, number: &str, destination: &str, connect_at: u64) {
        self.call(CallCommand::Dial { number: number.into() }).unwrap();
        let (id, frame) = self.sent("makecall");
        assert_eq!(frame["destination"], destination);
        self.reply(id, json!({}));
        self.now = Millis(connect_at);
        self.event("connect", "2001", destination);
    }

    fn extension(&self) -> Option<CallExtension> {
        self.session.state().calls.first().and_then(|c| c.extension.clone())
    }

    fn at(&mut self, ms: u64) {
        self.now = Millis(ms);
        self.session.handle_timeout(self.now);
    }

    fn call_id(&self) -> CallId {
        self.session.state().calls.first().map(|c| c.id).unwrap_or_default()
    }
}

fn unsent(digits: &str) -> Option<CallExtension> {
    Some(CallExtension { digits: digits.into(), sent: false })
}

#[test]
fn the_main_number_is_dialled_and_the_button_sends_the_extension_once_connected() {
    let mut h = harness(DialExtension::Button);
    h.call(CallCommand::Dial { number: "415-555-0100 x123".into() }).unwrap();
    let (id, frame) = h.sent("makecall");
    assert_eq!(frame, json!({"id": id, "request": "makecall", "extension": "2001", "destination": "94155550100"}));
    h.reply(id, json!({}));
    assert_eq!(h.extension(), unsent("123"));
    // Ringing: nobody to hear it yet.
    assert!(!h.session.state().allows_call(CallAction::SendExtension));
    let call = h.call_id();
    assert!(matches!(
        h.call(CallCommand::SendExtension { call }),
        Err(Rejected::NotAllowed(CallAction::SendExtension))
    ));
    h.nothing_sent();
    h.event("connect", "2001", "94155550100");
    assert!(h.session.state().allows_call(CallAction::SendExtension));
    // The button only: nothing goes by itself.
    h.at(20_000);
    h.nothing_sent();
    h.call(CallCommand::SendExtension { call }).unwrap();
    let (id, frame) = h.sent("dtmf");
    assert_eq!(frame, json!({"id": id, "request": "dtmf", "extension": "2001", "digits": "123"}));
    h.reply(id, json!({}));
    assert_eq!(h.extension(), Some(CallExtension { digits: "123".into(), sent: true }));
    assert!(!h.session.state().allows_call(CallAction::SendExtension), "sent: the button goes");
    assert!(h.call(CallCommand::SendExtension { call }).is_err());
    h.nothing_sent();
}

#[test]
fn a_number_without_extension_has_no_button() {
    let mut h = harness(auto(1));
    h.dial_and_connect("415-555-0100", "94155550100", 0);
    assert_eq!(h.extension(), None);
    assert!(!h.session.state().allows_call(CallAction::SendExtension));
    h.at(5_000);
    h.nothing_sent();
}

#[test]
fn click_to_dial_keeps_the_extension_of_a_tel_uri() {
    let mut h = harness(DialExtension::Button);
    h.session.handle_crm(h.now, CrmInput::ClickToDial(json!({"number": "tel:+1-415-555-0100;ext=77"})));
    let (id, frame) = h.sent("makecall");
    assert_eq!(frame["destination"], "90114155550100");
    h.reply(id, json!({}));
    assert_eq!(h.extension(), unsent("77"));
}

#[test]
fn a_failed_send_leaves_the_button() {
    let mut h = harness(DialExtension::Button);
    h.dial_and_connect("4155550100 ext. 9", "94155550100", 0);
    let call = h.call_id();
    h.call(CallCommand::SendExtension { call }).unwrap();
    let (id, _) = h.sent("dtmf");
    h.fail(id, "no connected call");
    assert!(h.notice().contains("Send ext. 9 failed: no connected call"), "{}", h.notice());
    assert_eq!(h.extension(), unsent("9"));
    assert!(h.session.state().allows_call(CallAction::SendExtension));
}

#[test]
fn auto_sends_the_extension_once_the_delay_after_connect_has_passed() {
    let mut h = harness(auto(3));
    h.dial_and_connect("415-555-0100 x123", "94155550100", 1_000);
    assert_eq!(h.session.poll_timeout(), Some(Millis(4_000)), "the liveness check comes later");
    h.at(3_999);
    h.nothing_sent();
    h.at(4_000);
    let (id, frame) = h.sent("dtmf");
    assert_eq!(frame["digits"], "123");
    h.reply(id, json!({}));
    assert_eq!(h.extension(), Some(CallExtension { digits: "123".into(), sent: true }));
    // Once: held and retrieved, nothing goes again.
    h.event("hold", "2001", "94155550100");
    h.event("retrieve", "2001", "94155550100");
    h.at(20_000);
    assert!(h.session.poll_transmit().is_none_or(|f| !f.contains("dtmf")));
}

#[test]
fn auto_sends_nothing_for_a_call_held_or_ended_before_the_delay() {
    let mut h = harness(auto(3));
    h.dial_and_connect("415-555-0100 x123", "94155550100", 0);
    h.now = Millis(2_000);
    h.event("hold", "2001", "94155550100");
    h.at(3_000);
    h.nothing_sent();
    h.event("retrieve", "2001", "94155550100");
    h.at(10_000);
    h.nothing_sent();
    // The button is still there for the agent.
    assert!(h.session.state().allows_call(CallAction::SendExtension));

    let mut h = harness(auto(3));
    h.dial_and_connect("415-555-0100 x123", "94155550100", 0);
    h.now = Millis(1_000);
    h.event("disconnect", "2001", "94155550100");
    assert!(h.session.state().calls.is_empty());
    assert!(h.session.poll_timeout().is_none_or(|at| at > Millis(3_000)), "no extension timer left");
    h.at(3_000);
    h.nothing_sent();
}

#[test]
fn auto_waits_for_another_request_to_be_answered() {
    let mut h = harness(auto(3));
    h.dial_and_connect("415-555-0100 x123", "94155550100", 0);
    h.now = Millis(2_900);
    h.call(CallCommand::SendDtmf { digits: "5".into() }).unwrap();
    let (id, _) = h.sent("dtmf");
    h.at(3_000);
    h.nothing_sent();
    assert_eq!(h.notice(), "", "waiting is not an error");
    h.now = Millis(3_100);
    h.reply(id, json!({}));
    let next = h.session.poll_timeout().unwrap_or(Millis(u64::MAX));
    assert!(next <= Millis(3_250), "{next:?}");
    h.at(next.0);
    let (_, frame) = h.sent("dtmf");
    assert_eq!(frame["digits"], "123");
}

#[test]
fn a_consultation_dialled_with_an_extension_carries_it() {
    let mut h = harness(DialExtension::Button);
    h.event("offer", "5551234", "2001");
    h.call(CallCommand::Answer).unwrap();
    let (id, _) = h.sent("answer");
    h.reply(id, json!({}));
    h.event("connect", "5551234", "2001");
    h.call(CallCommand::Consult { number: "(415) 555-0100 extension 42".into() }).unwrap();
    let (id, frame) = h.sent("consultation");
    assert_eq!(frame["destination"], "914155550100");
    h.reply(id, json!({}));
    h.event("hold", "5551234", "2001");
    h.event("connect", "2001", "914155550100");
    let calls = h.session.state().calls;
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].extension, None, "the held caller's call has none");
    assert_eq!(calls[1].extension, unsent("42"));
    h.call(CallCommand::SendExtension { call: calls[1].id }).unwrap();
    assert_eq!(h.sent("dtmf").1["digits"], "42");
}
