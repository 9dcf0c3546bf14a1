//! Whether the page runs freely, an owned part of the session: a hidden
//! page's timers run late and a frozen page's not at all, so a page back
//! after a long time away checks its connection at once
//! (see [`super::network`]).

use crate::tabs::PageEvent;
use crate::time::Millis;
use std::time::Duration;

/// Whether the page is hidden or frozen, and since when.
#[derive(Debug, Default)]
pub(crate) struct Away {
    hidden: bool,
    frozen: bool,
    /// When it was last hidden or frozen, until it came back.
    since: Option<Millis>,
}

impl Away {
    /// The page is hidden (another tab, a minimised window).
    pub(crate) fn hidden(&self) -> bool {
        self.hidden
    }

    /// A page event at `now`. Returns true when the page is back (neither
    /// hidden nor frozen) after being away for `long` or longer.
    pub(crate) fn handle(&mut self, now: Millis, event: PageEvent, long: Duration) -> bool {
        match event {
            PageEvent::Hidden => self.hidden = true,
            PageEvent::Frozen => self.frozen = true,
            PageEvent::Shown => self.hidden = false,
            PageEvent::Resumed => self.frozen = false,
            PageEvent::Focused | PageEvent::Closing => return false,
        }
        match (self.hidden || self.frozen, self.since) {
            (true, None) => {
                self.since = Some(now);
                false
            }
            (false, Some(since)) => {
                self.since = None;
                now.since(since) >= long
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: Duration = Duration::from_secs(30);

    #[test]
    fn back_after_a_long_time_away_counts_once() {
        let mut away = Away::default();
        assert!(!away.handle(Millis(1_000), PageEvent::Hidden, LONG));
        assert!(away.handle(Millis(31_000), PageEvent::Shown, LONG), "30 s hidden");
        assert!(!away.handle(Millis(90_000), PageEvent::Shown, LONG), "already back");
    }

    #[test]
    fn a_short_absence_is_not_a_return() {
        let mut away = Away::default();
        away.handle(Millis(0), PageEvent::Hidden, LONG);
        assert!(!away.handle(Millis(29_999), PageEvent::Shown, LONG));
    }

    #[test]
    fn away_lasts_while_either_hidden_or_frozen_and_counts_from_the_first() {
        let mut away = Away::default();
        away.handle(Millis(0), PageEvent::Hidden, LONG);
        away.handle(Millis(10_000), PageEvent::Frozen, LONG);
        assert!(!away.handle(Millis(40_000), PageEvent::Shown, LONG), "still frozen");
        assert!(!away.handle(Millis(41_000), PageEvent::Focused, LONG));
        assert!(away.handle(Millis(45_000), PageEvent::Resumed, LONG), "away since 0 s");
    }
}
