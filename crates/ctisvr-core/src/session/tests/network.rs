//! The browser's `online`/`offline` and a page back from sleep end the
//! waits of the timers at once (see `session/network.rs`).

use super::*;
use crate::connection::Network;
use crate::tabs::PageEvent;

/// A session whose rounds wait exactly `wait` after failing (no jitter).
fn harness_waiting(wait: Duration) -> Harness {
    let policy =
        ConnectionPolicy { min_backoff: wait, initial_backoff: wait, max_backoff: wait, first_spread: Duration::ZERO };
    let mut session = Session::new(SessionOptions { connection: policy, ..SessionOptions::default() });
    let settings = Harness::new().session.settings().cloned().unwrap();
    session.configure(Millis(0), Ok(settings));
    Harness { session, now: Millis(0), conn: None }
}

impl Harness {
    /// Every server refuses: a round fails, and the session waits.
    fn fail_round(&mut self) {
        while let Some(connect) = self.session.poll_connect() {
            let closed = TransportEvent::Closed { id: connect.id, code: 1006, reason: String::new(), clean: false };
            self.session.handle_transport(self.now, closed);
        }
        assert!(matches!(self.session.state().connection, ConnectionStatus::Waiting { .. }));
    }

    fn network(&mut self, network: Network) {
        self.session.handle_network(self.now, network);
    }

    fn page(&mut self, event: PageEvent) {
        self.session.handle_page(self.now, event);
    }
}

#[test]
fn online_ends_a_long_wait_at_once() {
    let mut h = harness_waiting(Duration::from_secs(30));
    h.now = Millis(1_000);
    h.fail_round();
    h.network(Network::Offline);
    assert_eq!(h.session.poll_connect(), None, "offline starts nothing");
    h.now = Millis(3_000);
    h.network(Network::Online);
    let connect = h.session.poll_connect().expect("a round now, not in 28 s");
    assert_eq!(connect.role, ServerRole::Primary);
    assert!(matches!(h.session.state().connection, ConnectionStatus::Connecting { role: ServerRole::Primary, .. }));
    h.conn = Some(connect.clone());
    h.session.handle_transport(h.now, TransportEvent::Opened(connect.id));
    h.answer_start_up();
    assert!(h.session.state().ready);
}

#[test]
fn online_while_connected_checks_the_socket_now() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.now = Millis(2_000);
    h.network(Network::Online);
    let (id, _) = h.sent("queryagentstate");
    h.network(Network::Online);
    h.nothing_sent(); // one check at a time: its answer or its timeout tells
    h.reply(id, json!({"skillmode": "null", "talkstate": "idle"}));
    // While connecting, the attempt under way is left to finish.
    let mut h = Harness::new();
    h.open();
    h.sent("myextension");
    h.network(Network::Online);
    h.nothing_sent();
    assert_eq!(h.session.poll_connect(), None);
}

#[test]
fn offline_checks_an_open_socket_and_leaves_it_if_it_does_not_answer() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.outputs();
    h.now = Millis(5_000);
    h.network(Network::Offline);
    h.sent("queryagentstate");
    h.now = Millis(15_000);
    h.session.handle_timeout(h.now);
    h.assert_abandoned("dead at 15 s, not at 40 s");
    // Both servers out of reach: the wait says why.
    h.fail_round();
    let why = h.session.state().waiting_words();
    assert!(why.starts_with("Offline: waiting for the network"), "{why}");
}

#[test]
fn a_page_back_after_a_long_hide_checks_the_socket_at_once() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.page(PageEvent::Hidden);
    h.now = Millis(25_000);
    h.event("offer", "5551234", "2001"); // heard from: the timer says 55 s
    assert_eq!(h.session.poll_timeout(), Some(Millis(55_000)));
    h.now = Millis(31_000);
    h.page(PageEvent::Shown);
    h.sent("queryagentstate");

    // Hidden for less than the liveness interval: the timer is trusted.
    let mut h = Harness::new();
    h.start_logged_out();
    h.page(PageEvent::Hidden);
    h.now = Millis(29_000);
    h.page(PageEvent::Shown);
    h.nothing_sent();
    // Focus and a second "shown" do not count as coming back.
    h.now = Millis(29_500);
    h.page(PageEvent::Focused);
    h.page(PageEvent::Shown);
    h.nothing_sent();
}

#[test]
fn a_page_resumed_after_a_long_freeze_ends_the_wait() {
    let mut h = harness_waiting(Duration::from_secs(60));
    h.fail_round();
    h.page(PageEvent::Hidden);
    h.now = Millis(5_000);
    h.page(PageEvent::Frozen);
    h.now = Millis(20_000);
    h.page(PageEvent::Resumed);
    assert_eq!(h.session.poll_connect(), None, "away 20 s: the wait (60 s) stands");
    h.now = Millis(51_000);
    h.page(PageEvent::Frozen);
    h.now = Millis(52_000);
    h.page(PageEvent::Resumed);
    assert_eq!(h.session.poll_connect(), None, "still hidden: away since 20 s only");
    h.page(PageEvent::Shown);
    assert_eq!(h.session.poll_connect().map(|c| c.role), Some(ServerRole::Primary), "back after 32 s");
}
