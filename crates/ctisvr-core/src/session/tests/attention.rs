//! A call ringing while the page is hidden is notified, and withdrawn.

use super::*;
use crate::attention::Attention;
use crate::tabs::PageEvent;

fn attention(h: &mut Harness) -> Vec<Attention> {
    std::iter::from_fn(|| h.session.poll_attention()).collect()
}

fn offer(h: &mut Harness) {
    h.receive(json!({"msgtype": "event", "eventtype": "offer", "calling": "4155550100", "called": "2001"}));
}

#[test]
fn a_call_ringing_in_a_hidden_page_is_notified_and_withdrawn_once_answered() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.session.handle_page(h.now, PageEvent::Hidden);
    offer(&mut h);
    let notified = attention(&mut h);
    let [Attention::Notify { call, title, body, mark }] = notified.as_slice() else {
        panic!("one notification: {notified:?}")
    };
    assert_eq!((title.as_str(), body.as_str()), ("Incoming call", "4155550100"));
    assert_eq!(mark, "☎ Incoming call: 4155550100");
    let call = *call;
    h.receive(json!({"msgtype": "event", "eventtype": "connect", "calling": "4155550100", "called": "2001"}));
    assert_eq!(attention(&mut h), vec![Attention::Withdraw { call }]);
}

#[test]
fn a_visible_page_is_not_notified_and_showing_the_page_withdraws() {
    let mut h = Harness::new();
    h.start_logged_out();
    offer(&mut h);
    assert_eq!(attention(&mut h), vec![]);
    h.session.handle_page(h.now, PageEvent::Hidden);
    let notified = attention(&mut h);
    assert!(matches!(notified.as_slice(), [Attention::Notify { .. }]), "hidden while it rings: {notified:?}");
    h.session.handle_page(h.now, PageEvent::Shown);
    assert!(matches!(attention(&mut h).as_slice(), [Attention::Withdraw { .. }]));
}

#[test]
fn the_call_center_option_turns_it_off() {
    let mut h = Harness::new();
    let mut settings = h.session.settings().cloned().expect("settings");
    settings.options.notify_calls = false;
    h.session.configure(h.now, Ok(settings));
    h.start_logged_out();
    h.session.handle_page(h.now, PageEvent::Hidden);
    offer(&mut h);
    assert_eq!(attention(&mut h), vec![]);
}
