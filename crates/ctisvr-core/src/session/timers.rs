//! The session's timers in one table (quinn-proto's `TimerTable`): what it
//! waits on, when each is due, and the order they are handled in. Each
//! deadline belongs to the part that owns it (requests, connection, tabs,
//! auto-sent extensions); the table gathers them, so `poll_timeout` is one
//! `next()` and `handle_timeout` one loop.

use crate::time::Millis;

/// What the session waits on, in the order `handle_timeout` handles them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timer {
    /// The wait between reconnect rounds ends.
    Reconnect,
    /// The tabs' agreement: listening, silent tabs, held-back answers, retries.
    Tabs,
    /// A request's answer is overdue: the server is taken for dead.
    Answer,
    /// An extension to send by itself (`dialExtension` = `auto`).
    AutoSend,
    /// Nothing heard for the liveness interval: check the server.
    Liveness,
}

impl Timer {
    pub(crate) const ALL: [Timer; 5] = [Timer::Reconnect, Timer::Tabs, Timer::Answer, Timer::AutoSend, Timer::Liveness];

    fn index(self) -> usize {
        match self {
            Timer::Reconnect => 0,
            Timer::Tabs => 1,
            Timer::Answer => 2,
            Timer::AutoSend => 3,
            Timer::Liveness => 4,
        }
    }
}

/// When each timer is due (`None`: not armed).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Timers {
    due: [Option<Millis>; 5],
}

impl Timers {
    pub(crate) fn set(&mut self, timer: Timer, at: Option<Millis>) {
        if let Some(slot) = self.due.get_mut(timer.index()) {
            *slot = at;
        }
    }

    /// Whether `timer` is due at `now`.
    pub(crate) fn expired(&self, timer: Timer, now: Millis) -> bool {
        self.due.get(timer.index()).copied().flatten().is_some_and(|at| at <= now)
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<Millis> {
        self.due.iter().flatten().min().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_earliest_armed_timer_is_next_and_each_expires_on_its_own() {
        let mut timers = Timers::default();
        assert_eq!(timers.next(), None);
        timers.set(Timer::Liveness, Some(Millis(30_000)));
        timers.set(Timer::Answer, Some(Millis(10_000)));
        assert_eq!(timers.next(), Some(Millis(10_000)));
        assert!(timers.expired(Timer::Answer, Millis(10_000)));
        assert!(!timers.expired(Timer::Liveness, Millis(10_000)));
        assert!(!timers.expired(Timer::Tabs, Millis(99_000)), "not armed");
        timers.set(Timer::Answer, None);
        assert_eq!(timers.next(), Some(Millis(30_000)));
    }
}
