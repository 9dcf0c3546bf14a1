//! One softphone per agent across tabs: every softphone of the same origin
//! and extension shows the state, but only the leader performs the side
//! effects that must happen once per call (screen pop, call log).
//!
//! The edge connects the tabs with a `BroadcastChannel` (it works in a
//! cross-site iframe even when third-party storage, and with it Web Locks,
//! is blocked) and passes the messages in and out. The rules:
//!
//! - every tab announces itself every [`Election::HEARTBEAT`] and says goodbye
//!   when it closes;
//! - a tab not heard from for [`Election::EXPIRY`] is gone;
//! - the leader is the tab with the smallest id among those alive, so all
//!   tabs agree without a vote, and a new leader takes over within
//!   `EXPIRY` (under a second) when the leader disappears without a goodbye,
//!   at once when it says goodbye.
//!
//! ```
//! use ctisvr_core::leader::{Election, TabMessage};
//! use ctisvr_core::Millis;
//! let mut a = Election::new(7);
//! let mut b = Election::new(3);
//! a.handle_message(Millis(0), TabMessage::Alive { tab: 3 });
//! b.handle_message(Millis(0), TabMessage::Alive { tab: 7 });
//! assert!(!a.is_leader(Millis(0)) && b.is_leader(Millis(0)));
//! a.handle_message(Millis(10), TabMessage::Gone { tab: 3 });
//! assert!(a.is_leader(Millis(10)));
//! ```

use crate::time::Millis;
use std::collections::BTreeMap;
use std::time::Duration;

/// A tab's id: random, chosen by the edge.
pub type TabId = u64;

/// What tabs tell each other: `alive:<id>` or `gone:<id>` on the channel
/// (plain text: the channel is ours, and serde's tagged enums cost the
/// bundle kilobytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TabMessage {
    Alive { tab: TabId },
    Gone { tab: TabId },
}

impl TabMessage {
    pub fn encode(&self) -> String {
        match self {
            TabMessage::Alive { tab } => format!("alive:{tab}"),
            TabMessage::Gone { tab } => format!("gone:{tab}"),
        }
    }

    /// `None` for anything that is not one of ours.
    pub fn decode(text: &str) -> Option<TabMessage> {
        let (kind, tab) = text.split_once(':')?;
        let tab = tab.parse().ok()?;
        match kind {
            "alive" => Some(TabMessage::Alive { tab }),
            "gone" => Some(TabMessage::Gone { tab }),
            _ => None,
        }
    }
}

/// This tab's view of the others.
#[derive(Debug, Clone)]
pub struct Election {
    me: TabId,
    /// Other tabs and when they were last heard.
    others: BTreeMap<TabId, Millis>,
    next_heartbeat: Millis,
    outbox: Vec<TabMessage>,
}

impl Election {
    pub const HEARTBEAT: Duration = Duration::from_millis(250);
    pub const EXPIRY: Duration = Duration::from_millis(800);

    pub fn new(me: TabId) -> Election {
        Election { me, others: BTreeMap::new(), next_heartbeat: Millis(0), outbox: Vec::new() }
    }

    pub fn me(&self) -> TabId {
        self.me
    }

    /// A message from another tab.
    pub fn handle_message(&mut self, now: Millis, message: TabMessage) {
        match message {
            TabMessage::Alive { tab } if tab != self.me => {
                let new = self.others.insert(tab, now).is_none();
                if new {
                    // Answer a newcomer at once so it learns who leads.
                    self.next_heartbeat = now;
                }
            }
            TabMessage::Gone { tab } => {
                self.others.remove(&tab);
            }
            TabMessage::Alive { .. } => {}
        }
    }

    /// Time passes: drop silent tabs, queue the heartbeat when due.
    pub fn handle_timeout(&mut self, now: Millis) {
        self.others.retain(|_, heard| now < *heard + Self::EXPIRY);
        if now >= self.next_heartbeat {
            self.outbox.push(TabMessage::Alive { tab: self.me });
            self.next_heartbeat = now + Self::HEARTBEAT;
        }
    }

    /// This tab is closing.
    pub fn leave(&mut self) {
        self.outbox.push(TabMessage::Gone { tab: self.me });
    }

    /// A message to broadcast.
    pub fn poll_transmit(&mut self) -> Option<TabMessage> {
        (!self.outbox.is_empty()).then(|| self.outbox.remove(0))
    }

    /// When to call `handle_timeout` next.
    pub fn poll_timeout(&self) -> Millis {
        let expiry = self.others.values().map(|heard| *heard + Self::EXPIRY).min();
        expiry.map_or(self.next_heartbeat, |e| e.min(self.next_heartbeat))
    }

    /// Whether this tab performs the once-per-call side effects.
    pub fn is_leader(&self, now: Millis) -> bool {
        self.others.iter().filter(|(_, heard)| now < **heard + Self::EXPIRY).all(|(tab, _)| *tab > self.me)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Delivers every queued message of `from` to the others.
    fn deliver(now: Millis, tabs: &mut [Election], from: usize) {
        let mut sent = Vec::new();
        if let Some(tab) = tabs.get_mut(from) {
            while let Some(m) = tab.poll_transmit() {
                sent.push(m);
            }
        }
        for (i, tab) in tabs.iter_mut().enumerate() {
            if i != from {
                for m in &sent {
                    tab.handle_message(now, *m);
                }
            }
        }
    }

    fn run(tabs: &mut [Election], from: u64, to: u64) {
        for t in (from..to).step_by(50) {
            let now = Millis(t);
            for i in 0..tabs.len() {
                tabs[i].handle_timeout(now);
                deliver(now, tabs, i);
            }
        }
    }

    fn leaders(tabs: &[Election], now: Millis) -> Vec<TabId> {
        tabs.iter().filter(|t| t.is_leader(now)).map(|t| t.me()).collect()
    }

    #[test]
    fn exactly_one_leader_among_three_tabs() {
        let mut tabs = vec![Election::new(30), Election::new(10), Election::new(20)];
        run(&mut tabs, 0, 1_000);
        assert_eq!(leaders(&tabs, Millis(1_000)), vec![10]);
    }

    #[test]
    fn the_next_tab_takes_over_within_a_second_when_the_leader_vanishes() {
        let mut tabs = vec![Election::new(10), Election::new(20), Election::new(30)];
        run(&mut tabs, 0, 1_000);
        tabs.remove(0); // crashed: no goodbye
        let mut took_over = None;
        for t in (1_000..3_000).step_by(50) {
            run(&mut tabs, t, t + 50);
            if leaders(&tabs, Millis(t + 50)) == vec![20] {
                took_over = Some(t + 50);
                break;
            }
        }
        let at = took_over.expect("a new leader");
        assert!(at - 1_000 <= 1_000, "took {} ms", at - 1_000);
        assert_eq!(leaders(&tabs, Millis(at)), vec![20], "never two leaders");
    }

    #[test]
    fn a_goodbye_hands_over_at_once() {
        let mut tabs = vec![Election::new(10), Election::new(20)];
        run(&mut tabs, 0, 500);
        tabs[0].leave();
        deliver(Millis(500), &mut tabs, 0);
        assert!(tabs[1].is_leader(Millis(500)));
    }

    #[test]
    fn a_lone_tab_leads_and_a_newcomer_learns_at_once() {
        let mut lone = Election::new(5);
        assert!(lone.is_leader(Millis(0)));
        let mut tabs = vec![lone.clone(), Election::new(9)];
        run(&mut tabs, 0, 100);
        assert_eq!(leaders(&tabs, Millis(100)), vec![5]);
        lone.handle_message(Millis(0), TabMessage::Alive { tab: 5 });
        assert!(lone.is_leader(Millis(0)), "its own echo changes nothing");
    }

    #[test]
    fn messages_round_trip_and_strangers_are_ignored() {
        for message in [TabMessage::Alive { tab: 4 }, TabMessage::Gone { tab: u64::MAX }] {
            assert_eq!(TabMessage::decode(&message.encode()), Some(message));
        }
        assert_eq!(TabMessage::encode(&TabMessage::Alive { tab: 4 }), "alive:4");
        for junk in ["", "alive", "alive:", "alive:x", "hello:4", "{\"kind\":\"alive\"}"] {
            assert_eq!(TabMessage::decode(junk), None, "{junk}");
        }
    }
}
