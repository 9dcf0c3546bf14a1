//! Staying connected when the browser says the network or the page is back.
//!
//! The backoff and the liveness check run on timers, and a hidden or frozen
//! page runs its timers late or not at all. So the browser's own news ends a
//! wait at once:
//!
//! - `online`: a wait between rounds ends (a round starts at A); on an open
//!   socket the liveness check is sent now.
//! - `offline`: the wait says so; on an open socket the liveness check is
//!   sent now (a socket may die without a close; the answer, or its
//!   timeout, tells).
//! - the page shown or resumed after being hidden or frozen for at least the
//!   liveness interval: as `online` ([`super::away`] keeps the time).

use super::{Purpose, Session};
use crate::connection::Network;
use crate::tabs::PageEvent;
use crate::time::Millis;

impl Session {
    /// The browser said the network is up (`online`) or down (`offline`).
    /// Online ends a wait between reconnect rounds at once, or checks an
    /// open socket now; offline checks an open socket now.
    pub fn handle_network(&mut self, now: Millis, network: Network) {
        self.connection.set_network(network);
        match network {
            Network::Online => self.wake(now),
            Network::Offline => self.check_now(now),
        }
    }

    /// The connection side of a page event: a page back from being hidden
    /// or frozen for the liveness interval or longer acts as if `online`.
    pub(super) fn watch_page(&mut self, now: Millis, event: PageEvent) {
        if self.away.handle(now, event, self.liveness_interval()) {
            self.wake(now);
        }
    }

    /// Ends a wait between rounds, or checks an open socket now.
    fn wake(&mut self, now: Millis) {
        // Deadlines a sleeping page's timers missed count first.
        self.handle_timeout(now);
        if !self.connection.retry_now() {
            self.check_now(now);
        }
    }

    /// Sends the liveness check now, unless a request is already waiting
    /// for its answer (its timeout checks the socket as well).
    fn check_now(&mut self, now: Millis) {
        if self.startup.is_ready() && self.connection.is_open() && self.requests.is_idle() {
            self.ask(now, Purpose::QueryAgentState);
        }
    }
}
