//! Scenarios with hand-carried messages and a hand-moved clock; the
//! property tests over random interleavings are in `tests/model.rs`.

use super::*;

mod model;

fn pop(call: &str) -> Task {
    Task { duty: Duty::Pop, call: call.into() }
}

fn log(call: &str) -> Task {
    Task { duty: Duty::Log, call: call.into() }
}

/// Tabs on one channel: `deliver` carries every queued message to the
/// others, except to those listed as stopped.
struct Browser {
    tabs: Vec<Tabs>,
    now: Millis,
    stopped: Vec<usize>,
    /// Messages a stopped tab will get when it runs again.
    backlog: Vec<Vec<TabMessage>>,
}

impl Browser {
    fn new(ids: &[TabId]) -> Browser {
        let tabs = ids.iter().map(|id| Tabs::new(*id, Millis(0))).collect();
        let mut browser = Browser { tabs, now: Millis(0), stopped: Vec::new(), backlog: vec![Vec::new(); ids.len()] };
        browser.settle();
        browser.advance(Tabs::LISTEN.as_millis() as u64 + 100);
        browser
    }

    fn deliver(&mut self) {
        loop {
            let mut sent = Vec::new();
            // A stopped tab posts nothing new, but what it posted before goes.
            for (i, tab) in self.tabs.iter_mut().enumerate() {
                while let Some(m) = tab.poll_transmit() {
                    sent.push((i, m));
                }
            }
            if sent.is_empty() {
                return;
            }
            // Every tab gets it, the sender too (its echo).
            for (_, message) in sent {
                for to in 0..self.tabs.len() {
                    if self.stopped.contains(&to) {
                        self.backlog[to].push(message.clone());
                    } else {
                        self.tabs[to].handle_message(self.now, message.clone());
                    }
                }
            }
        }
    }

    fn settle(&mut self) {
        self.deliver();
        for i in 0..self.tabs.len() {
            if !self.stopped.contains(&i) {
                self.tabs[i].handle_timeout(self.now);
            }
        }
        self.deliver();
    }

    /// Moves time in 100 ms steps, firing the running tabs' timers on time.
    fn advance(&mut self, ms: u64) {
        for _ in 0..ms / 100 {
            self.now = self.now + Duration::from_millis(100);
            self.settle();
        }
    }

    /// The call reaches `tabs` at once: each wants `task`; then the channel runs.
    fn want(&mut self, tabs: &[usize], task: Task) {
        for &tab in tabs {
            self.tabs[tab].want(self.now, task.clone());
        }
        self.settle();
    }

    fn performs(&mut self, tab: usize) -> Vec<Task> {
        std::iter::from_fn(|| self.tabs[tab].poll_agreed())
            .filter_map(|o| match o {
                Agreed::Perform(task) => Some(task),
                _ => None,
            })
            .collect()
    }

    fn stop(&mut self, tab: usize) {
        self.stopped.push(tab);
    }

    /// The tab runs again: its backlog first, then whatever comes.
    fn restart(&mut self, tab: usize) {
        self.stopped.retain(|t| *t != tab);
        for message in std::mem::take(&mut self.backlog[tab]) {
            self.tabs[tab].handle_message(self.now, message);
        }
        self.settle();
    }
}

#[test]
fn a_lone_tab_does_its_duties_after_listening_briefly() {
    let mut b = Browser { tabs: vec![Tabs::new(5, Millis(0))], now: Millis(0), stopped: vec![], backlog: vec![vec![]] };
    b.tabs[0].want(Millis(10), pop("a"));
    b.settle();
    assert!(b.performs(0).is_empty(), "still listening for other tabs");
    b.advance(Tabs::LISTEN.as_millis() as u64);
    assert_eq!(b.performs(0), vec![pop("a")]);
}

#[test]
fn two_tabs_that_both_see_the_call_pop_it_once() {
    let mut b = Browser::new(&[10, 20]);
    b.want(&[0, 1], pop("a"));
    let (first, second) = (b.performs(0), b.performs(1));
    assert_eq!(first.len() + second.len(), 1, "{first:?} {second:?}");
    // The smaller id wins between equals; the winner says it is done.
    assert_eq!(first, vec![pop("a")]);
    b.tabs[0].done(b.now, &pop("a"));
    b.settle();
    assert!(std::iter::from_fn(|| b.tabs[1].poll_agreed()).any(|o| o == Agreed::Settled(pop("a"))));
}

#[test]
fn the_visible_tab_pops_even_when_a_hidden_tab_hears_of_the_call_first() {
    let mut b = Browser::new(&[10, 20]);
    b.tabs[1].handle_page(b.now, PageEvent::Shown);
    b.tabs[0].handle_page(b.now, PageEvent::Hidden);
    b.settle();
    // The hidden tab (smaller id) claims first; the visible one holds its answer back.
    b.tabs[0].want(b.now, pop("a"));
    b.settle();
    assert!(b.performs(0).is_empty());
    b.advance(100);
    b.tabs[1].want(b.now, pop("a"));
    b.settle();
    assert_eq!(b.performs(1), vec![pop("a")]);
    b.tabs[1].done(b.now, &pop("a"));
    b.advance(10_000);
    assert!(b.performs(0).is_empty(), "the hidden tab never pops it");
}

#[test]
fn the_last_focused_of_two_visible_tabs_pops() {
    let mut b = Browser::new(&[10, 20, 30]);
    for tab in 0..3 {
        b.tabs[tab].handle_page(b.now, PageEvent::Shown);
        b.settle();
    }
    b.tabs[1].handle_page(b.now, PageEvent::Focused);
    b.settle();
    for tab in 0..3 {
        b.tabs[tab].want(b.now, pop("a"));
    }
    b.settle();
    assert_eq!((b.performs(0), b.performs(1), b.performs(2)), (vec![], vec![pop("a")], vec![]));
}

#[test]
fn a_silently_stopped_tab_is_passed_over_and_does_not_pop_when_it_comes_back() {
    let mut b = Browser::new(&[10, 20]);
    b.tabs[0].handle_page(b.now, PageEvent::Shown);
    b.settle();
    b.stop(0);
    // The stopped tab's socket event is queued like its messages.
    b.tabs[1].want(b.now, pop("a"));
    b.settle();
    assert!(b.performs(1).is_empty(), "waits for the visible tab's answer");
    b.advance(Tabs::WAIT.as_millis() as u64 + 100);
    assert_eq!(b.performs(1), vec![pop("a")]);
    b.tabs[1].done(b.now, &pop("a"));
    b.settle();
    b.advance(5_000);
    // Back: the socket's backlog first (the worst order), then the channel's.
    b.stopped.clear();
    b.tabs[0].want(b.now, pop("a"));
    for message in std::mem::take(&mut b.backlog[0]) {
        b.tabs[0].handle_message(b.now, message);
    }
    b.settle();
    b.advance(5_000);
    assert!(b.performs(0).is_empty(), "it learned the pop was done");
}

#[test]
fn a_stopped_owner_that_comes_back_before_the_hang_up_leaves_one_log() {
    let mut b = Browser::new(&[10, 20]);
    b.want(&[0, 1], pop("a"));
    assert_eq!(b.performs(0), vec![pop("a")]);
    b.tabs[0].own("a");
    b.tabs[0].done(b.now, &pop("a"));
    b.settle();
    b.stop(0);
    b.advance(8_000);
    b.restart(0);
    b.advance(1_000);
    // The hang-up reaches both.
    b.want(&[1, 0], log("a"));
    b.advance(1_000);
    let (owner, other) = (b.performs(0), b.performs(1));
    assert_eq!((owner, other), (vec![log("a")], vec![]), "the owner logs it");
}

#[test]
fn a_log_whose_owner_leaves_during_its_retries_is_logged_by_another_tab_once() {
    let mut b = Browser::new(&[10, 20]);
    b.tabs[0].own("a");
    b.want(&[0, 1], log("a"));
    assert_eq!(b.performs(0), vec![log("a")]);
    // The save failed; the owner waits to retry while the other keeps asking.
    b.tabs[0].retry(b.now, &log("a"), b.now + Duration::from_secs(10));
    b.settle();
    b.advance(9_000);
    assert!(b.performs(1).is_empty(), "the owner holds it while it retries");
    b.tabs[0].handle_page(b.now, PageEvent::Closing);
    b.settle();
    assert_eq!(b.performs(1), vec![log("a")]);
}

#[test]
fn a_frozen_tab_hands_its_duties_over_at_once() {
    let mut b = Browser::new(&[10, 20]);
    b.want(&[0, 1], log("a"));
    assert_eq!(b.performs(0), vec![log("a")]);
    b.tabs[0].handle_page(b.now, PageEvent::Frozen);
    assert!(!b.tabs[0].is_performing(&log("a")), "the session must not save it now");
    b.stop(0);
    b.settle();
    assert_eq!(b.performs(1), vec![log("a")]);
    b.tabs[1].done(b.now, &log("a"));
    b.settle();
    b.tabs[0].handle_page(b.now, PageEvent::Resumed);
    b.restart(0);
    b.advance(5_000);
    assert!(b.performs(0).is_empty());
}

#[test]
fn a_newcomer_learns_what_was_done_before_it_came() {
    let mut b = Browser::new(&[10]);
    b.tabs[0].want(b.now, pop("a"));
    b.settle();
    assert_eq!(b.performs(0), vec![pop("a")]);
    b.tabs[0].done(b.now, &pop("a"));
    b.settle();
    b.tabs.push(Tabs::new(20, b.now));
    b.backlog.push(Vec::new());
    b.tabs[1].want(b.now, pop("a"));
    b.advance(1_000);
    assert!(b.performs(1).is_empty());
}

#[test]
fn a_stopped_tab_reads_its_backlog_before_its_claim_goes_through() {
    // The echo is the barrier: a tab stopped while another popped finds the
    // Done in its backlog before its own claim comes back, whatever it
    // handled first after resuming.
    let mut b = Browser::new(&[10, 20]);
    b.stop(1);
    b.tabs[0].want(b.now, pop("a"));
    b.settle();
    b.advance(Tabs::WAIT.as_millis() as u64 + 100);
    assert_eq!(b.performs(0), vec![pop("a")]);
    b.tabs[0].done(b.now, &pop("a"));
    b.settle();
    // Tab 1 runs again and handles its socket's event first.
    b.stopped.clear();
    b.tabs[1].want(b.now, pop("a"));
    let claim: Vec<TabMessage> = std::iter::from_fn(|| b.tabs[1].poll_transmit()).collect();
    b.backlog[1].extend(claim.iter().cloned());
    for message in claim {
        b.tabs[0].handle_message(b.now, message);
    }
    for message in std::mem::take(&mut b.backlog[1]) {
        b.tabs[1].handle_message(b.now, message);
    }
    b.settle();
    b.advance(5_000);
    assert!(b.performs(1).is_empty());
}

#[test]
fn a_refused_log_is_claimed_again_before_each_retry_and_kept_by_its_holder() {
    let mut b = Browser::new(&[10, 20]);
    b.tabs[1].handle_page(b.now, PageEvent::Shown);
    b.settle();
    b.tabs[0].want(b.now, log("a"));
    b.settle();
    b.tabs[1].want(b.now, log("a"));
    b.settle();
    let first = (b.performs(0), b.performs(1));
    let holder = if first.0.is_empty() { 1 } else { 0 };
    let retry_at = b.now + Duration::from_secs(10);
    b.tabs[holder].retry(b.now, &log("a"), retry_at);
    b.advance(9_000);
    assert!(b.performs(0).is_empty() && b.performs(1).is_empty(), "nobody saves before the retry");
    b.advance(1_500);
    assert_eq!(b.performs(holder), vec![log("a")], "the holder retries");
    assert!(b.performs(1 - holder).is_empty());
}

#[test]
fn messages_round_trip_and_strangers_are_ignored() {
    let rank = Rank { visible: true, focus: 7 };
    let record = Record { id: "003A".into(), object_type: Some("Contact".into()), name: None };
    let messages = [
        TabMessage::Hello { from: 1, rank },
        TabMessage::Here { from: 2, rank, to: 9_007_199_254_740_991 },
        TabMessage::Rank { from: 3, rank },
        TabMessage::Bye { from: 4 },
        TabMessage::Claim {
            from: 5,
            task: pop("4155550100>2001/4155550100"),
            bid: Bid { holding: false, owner: true, rank, tab: 5 },
            seq: 3,
        },
        TabMessage::Grant { from: 6, to: 5, task: log("x|y\"z"), seq: 3 },
        TabMessage::Deny { from: 6, to: 5, task: log("a"), seq: 4 },
        TabMessage::Hold { from: 7, task: log("a"), bid: Bid { holding: true, owner: false, rank, tab: 7 } },
        TabMessage::Release { from: 7, task: pop("a") },
        TabMessage::Done { from: 8, task: pop("a") },
        TabMessage::Record { from: 9, call: "a".into(), record: record.clone() },
        TabMessage::Calls {
            from: 10,
            calls: crate::call_memory::CallMemory {
                extension: None,
                calls: vec![crate::call_memory::CallMemo {
                    name: "2001>90114155550100#1".into(),
                    extension: "2001".into(),
                    calling: "2001".into(),
                    called: "90114155550100".into(),
                    direction: crate::calls::Direction::Outbound,
                    dialled: "90114155550100".into(),
                    started_at: Millis(1_764_000_000_000),
                    connected_at: None,
                    record: Some(record),
                    popped: None,
                    extension_digits: None,
                }],
            },
        },
    ];
    for message in messages {
        let text = message.encode();
        assert_eq!(TabMessage::decode(&text), Some(message.clone()), "{text}");
    }
    for junk in [
        "",
        "alive:4",
        "{}",
        "{\"k\":\"hello\",\"f\":\"x\"}",
        "{\"k\":\"nope\",\"f\":\"1\"}",
        "[1]",
        "{\"k\":\"claim\",\"f\":\"1\"}",
        "{\"k\":\"bye\"}",
    ] {
        assert_eq!(TabMessage::decode(junk), None, "{junk}");
    }
}

#[test]
fn bids_rank_holder_then_owner_then_visible_then_focus_then_smaller_id() {
    let bid = |owner, visible, focus, tab| Bid { holding: false, owner, rank: Rank { visible, focus }, tab };
    let holding = Bid { holding: true, ..bid(false, false, 0, 9) };
    assert!(holding > bid(true, true, 9, 1));
    assert!(bid(true, false, 0, 9) > bid(false, true, 9, 1));
    assert!(bid(false, true, 0, 9) > bid(false, false, 9, 1));
    assert!(bid(false, true, 5, 9) > bid(false, true, 4, 1));
    assert!(bid(false, true, 5, 1) > bid(false, true, 5, 9));
}
