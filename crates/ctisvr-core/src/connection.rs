//! Which CtiSVR server to use and when: primary A, backup B.
//!
//! Policy, for as long as the page lives:
//!
//! - A round tries A, then B (when configured) at once.
//! - When a working connection goes, the softphone first waits a moment
//!   drawn uniformly between zero and `first_spread`, then goes on with the
//!   round (B when it was on A). Softphones dropped together by a server's
//!   restart or crash thus come back spread over that time instead of in
//!   the same instant (measured with `cargo xtask load`, docs/benchmarks.md).
//! - When every server of a round failed, wait, then start the next round at
//!   A. The wait grows exponentially with the rounds that failed in a row
//!   (`initial_backoff` * 2^(n-1), capped at `max_backoff`) and is drawn
//!   uniformly between `min_backoff` and that cap ("full jitter"), so that
//!   hundreds of softphones coming back after a server restart spread out.
//! - A connection counts as working once the session is ready on it (the
//!   start-up sequence answered); only then are the failures forgotten. A
//!   server that accepts and drops at once (flapping) is therefore backed off
//!   like one that refuses.
//! - Running on B, the softphone stays on B while it works: it never moves a
//!   working agent. It returns to A at the next reconnect, since every round
//!   starts at A.
//! - "Retry now" ends a wait and starts a round at once; so do the browser's
//!   `online` and a page back from a long sleep (see
//!   [`crate::Session::handle_network`]).
//! - While the browser says it is offline the rounds go on (a CtiSVR on this
//!   machine stays reachable) and the wait says "Offline: waiting for the
//!   network".

use crate::settings::{Settings, WsUri};
use crate::time::Millis;
use crate::transport_advice::{Advice, SocketLoss};
use std::time::Duration;

/// A or B, as the call center file names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerRole {
    /// `wsURIA`
    Primary,
    /// `wsURIB`
    Backup,
}

impl ServerRole {
    /// "A" or "B", as the agent sees it.
    pub fn letter(self) -> &'static str {
        match self {
            ServerRole::Primary => "A",
            ServerRole::Backup => "B",
        }
    }
}

/// Identifies one socket the session asked for, so that late events of an
/// old socket are told apart from the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ConnId(pub u32);

/// "Open a socket to `uri` now, and close any other."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    pub id: ConnId,
    pub uri: WsUri,
    pub role: ServerRole,
}

/// An order for the edge's socket, drained with
/// [`Session::poll_socket`](crate::Session::poll_socket), in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketOrder {
    /// Open a socket (closing any other).
    Open(Connect),
    /// Close socket `ConnId` without opening another (the session gave up
    /// on it: settings changed, or the server did not answer in time). A
    /// socket with another id is left alone: it is newer.
    Close(ConnId),
}

/// What the browser says about the network (`online` and `offline` events,
/// `navigator.onLine`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Online,
    Offline,
}

/// The connection as the agent sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ConnectionStatus {
    /// No usable settings yet.
    #[default]
    Unconfigured,
    Connecting {
        role: ServerRole,
        uri: WsUri,
    },
    Connected {
        role: ServerRole,
        uri: WsUri,
    },
    /// Both servers failed; the next attempt is at `retry_at`. `reason` is
    /// the last server's, with what the browser likely did (`advice`);
    /// `offline` while the browser says it is offline.
    Waiting {
        retry_at: Millis,
        reason: SocketLoss,
        advice: Option<Advice>,
        offline: bool,
    },
}

/// How well the connection goes, for the status dot: ready for calls,
/// on the way (connecting, or connected and starting), or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionLevel {
    Ok,
    Pending,
    Down,
}

impl ConnectionLevel {
    /// `ok`, `pending`, `down` (the view's class names).
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionLevel::Ok => "ok",
            ConnectionLevel::Pending => "pending",
            ConnectionLevel::Down => "down",
        }
    }
}

impl ConnectionStatus {
    /// Whole seconds until the next round while waiting, rounded up (the
    /// countdown "Reconnecting in 3 s", with the caller's `now`).
    pub fn seconds_to_retry(&self, now: Millis) -> Option<u64> {
        match self {
            // In u64, not as_millis' u128: 128-bit division and printing
            // would cost the wasm 1 KB (docs/benchmarks.md, row m).
            ConnectionStatus::Waiting { retry_at, .. } => {
                Some(u64::try_from(retry_at.since(now).as_millis()).unwrap_or(u64::MAX).div_ceil(1000))
            }
            _ => None,
        }
    }

    /// [`ConnectionLevel::Ok`] only when connected and `ready` for calls.
    pub fn level(&self, ready: bool) -> ConnectionLevel {
        match (self, ready) {
            (ConnectionStatus::Connected { .. }, true) => ConnectionLevel::Ok,
            (ConnectionStatus::Connected { .. }, false) | (ConnectionStatus::Connecting { .. }, _) => {
                ConnectionLevel::Pending
            }
            _ => ConnectionLevel::Down,
        }
    }

    /// The server's address while connecting or connected.
    pub fn uri(&self) -> Option<&WsUri> {
        match self {
            ConnectionStatus::Connecting { uri, .. } | ConnectionStatus::Connected { uri, .. } => Some(uri),
            _ => None,
        }
    }
}

/// Timings of the policy (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionPolicy {
    /// The shortest wait between rounds.
    pub min_backoff: Duration,
    /// The cap after the first failed round; doubles with each failed round.
    pub initial_backoff: Duration,
    /// The largest cap.
    pub max_backoff: Duration,
    /// The longest wait before the first attempt after a working connection
    /// went (drawn uniformly from zero); zero: at once.
    pub first_spread: Duration,
}

impl Default for ConnectionPolicy {
    fn default() -> Self {
        ConnectionPolicy {
            min_backoff: Duration::from_millis(500),
            initial_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(30),
            first_spread: Duration::from_secs(1),
        }
    }
}

impl ConnectionPolicy {
    /// The largest wait after `failed_rounds` failed rounds in a row (>= 1).
    pub fn cap(&self, failed_rounds: u32) -> Duration {
        let doublings = failed_rounds.saturating_sub(1).min(20);
        self.initial_backoff.saturating_mul(1 << doublings).min(self.max_backoff).max(self.min_backoff)
    }
}

/// A small deterministic random source (xorshift64*), seeded by the caller:
/// the core has no randomness of its own, so a test can replay a run.
#[derive(Debug, Clone)]
pub(crate) struct Jitter(u64);

impl Jitter {
    pub(crate) fn new(seed: u64) -> Jitter {
        Jitter(seed | 1)
    }

    /// Uniform in `[low, high]`.
    pub(crate) fn between(&mut self, low: Duration, high: Duration) -> Duration {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let random = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        let low_ms = u64::try_from(low.as_millis()).unwrap_or(u64::MAX);
        let high_ms = u64::try_from(high.as_millis()).unwrap_or(u64::MAX).max(low_ms);
        let span = (high_ms - low_ms).saturating_add(1);
        Duration::from_millis(low_ms + random % span)
    }
}

/// The connection state machine, driven by the session.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    policy: ConnectionPolicy,
    jitter: Jitter,
    /// Rounds that failed in a row since the last working connection.
    failed_rounds: u32,
    servers: Vec<(ServerRole, WsUri)>,
    status: ConnectionStatus,
    current: Option<ConnId>,
    next_id: u32,
    /// Servers that failed in this round.
    failed_this_round: Vec<ServerRole>,
    to_open: Option<Connect>,
    /// A socket the session gave up on, to close before any other opens.
    to_close: Option<ConnId>,
    /// The browser said it is offline (and has not said online since).
    offline: bool,
    /// The current connection works (the session was ready on it).
    working: bool,
}

impl Connection {
    pub(crate) fn new(policy: ConnectionPolicy, seed: u64) -> Connection {
        Connection {
            policy,
            jitter: Jitter::new(seed),
            failed_rounds: 0,
            servers: Vec::new(),
            status: ConnectionStatus::Unconfigured,
            current: None,
            next_id: 0,
            failed_this_round: Vec::new(),
            to_open: None,
            to_close: None,
            offline: false,
            working: false,
        }
    }

    pub(crate) fn status(&self) -> &ConnectionStatus {
        &self.status
    }

    pub(crate) fn is_open(&self) -> bool {
        matches!(self.status, ConnectionStatus::Connected { .. })
    }

    /// Failed rounds in a row.
    #[cfg(test)]
    pub(crate) fn failed_rounds(&self) -> u32 {
        self.failed_rounds
    }

    /// New settings: start over at A.
    pub(crate) fn configure(&mut self, settings: &Settings) {
        self.servers = std::iter::once((ServerRole::Primary, settings.ws_uri_a.clone()))
            .chain(settings.ws_uri_b.clone().map(|uri| (ServerRole::Backup, uri)))
            .collect();
        self.failed_this_round.clear();
        self.failed_rounds = 0;
        self.working = false;
        self.open(ServerRole::Primary);
    }

    /// The next order for the edge's socket: a close first, then an open.
    pub(crate) fn poll_socket(&mut self) -> Option<SocketOrder> {
        self.to_close.take().map(SocketOrder::Close).or_else(|| self.to_open.take().map(SocketOrder::Open))
    }

    /// The next socket to open, past any close (for tests about opening).
    #[cfg(test)]
    pub(crate) fn poll_connect(&mut self) -> Option<Connect> {
        std::iter::from_fn(|| self.poll_socket()).find_map(|order| match order {
            SocketOrder::Open(connect) => Some(connect),
            SocketOrder::Close(_) => None,
        })
    }

    /// The socket `id` opened. Returns false for a stale socket.
    pub(crate) fn opened(&mut self, id: ConnId) -> bool {
        if self.current != Some(id) {
            return false;
        }
        if let ConnectionStatus::Connecting { role, uri } = &self.status {
            self.status = ConnectionStatus::Connected { role: *role, uri: uri.clone() };
        }
        true
    }

    /// The session is ready on the current connection: it works.
    pub(crate) fn established(&mut self) {
        self.failed_this_round.clear();
        self.failed_rounds = 0;
        self.working = true;
    }

    /// The socket `id` failed or closed (or the session gave up on it).
    /// Returns false for a stale socket.
    pub(crate) fn lost(&mut self, now: Millis, id: ConnId, reason: &SocketLoss, advice: Option<Advice>) -> bool {
        if self.current != Some(id) {
            return false;
        }
        self.current = None;
        let was_working = std::mem::take(&mut self.working);
        let role = match &self.status {
            ConnectionStatus::Connecting { role, .. } | ConnectionStatus::Connected { role, .. } => *role,
            _ => return true,
        };
        self.failed_this_round.push(role);
        match self.untried() {
            Some(_) if was_working && !self.policy.first_spread.is_zero() => {
                let wait = self.jitter.between(Duration::ZERO, self.policy.first_spread);
                let (reason, offline) = (reason.clone(), self.offline);
                self.status = ConnectionStatus::Waiting { retry_at: now + wait, reason, advice, offline };
            }
            Some(next) => self.open(next),
            None => {
                self.failed_this_round.clear();
                self.failed_rounds = self.failed_rounds.saturating_add(1);
                let wait = self.jitter.between(self.policy.min_backoff, self.policy.cap(self.failed_rounds));
                let (reason, offline) = (reason.clone(), self.offline);
                self.status = ConnectionStatus::Waiting { retry_at: now + wait, reason, advice, offline };
            }
        }
        true
    }

    /// The session gives up on the current socket for `reason`: it is
    /// closed ([`SocketOrder::Close`]) and counts as lost. Returns false
    /// without a current socket.
    pub(crate) fn abandon(&mut self, now: Millis, reason: &SocketLoss) -> bool {
        let Some(id) = self.current else { return false };
        self.to_close = Some(id);
        self.lost(now, id, reason, None)
    }

    /// The settings were withdrawn: the current socket, if any, is closed
    /// ([`SocketOrder::Close`]) and nothing opens until new settings come
    /// ([`ConnectionStatus::Unconfigured`]). Returns whether a socket was
    /// open.
    pub(crate) fn stop(&mut self) -> bool {
        let current = self.current.take();
        if current.is_some() {
            self.to_close = current;
        }
        self.to_open = None;
        self.servers.clear();
        self.failed_this_round.clear();
        self.failed_rounds = 0;
        self.working = false;
        self.status = ConnectionStatus::Unconfigured;
        current.is_some()
    }

    /// The session leaves the current socket for a new one to the same
    /// server at once, without counting a failure (the socket works, but
    /// the start-up went for another extension). Returns false without a
    /// current socket.
    pub(crate) fn reopen(&mut self) -> bool {
        let Some(id) = self.current else { return false };
        let role = match &self.status {
            ConnectionStatus::Connecting { role, .. } | ConnectionStatus::Connected { role, .. } => *role,
            _ => return false,
        };
        self.to_close = Some(id);
        self.working = false;
        self.open(role);
        true
    }

    /// The browser went offline or online. Online does not end a wait by
    /// itself: the session decides (see [`Connection::retry_now`]).
    pub(crate) fn set_network(&mut self, network: Network) {
        let offline = network == Network::Offline;
        if offline == self.offline {
            return;
        }
        self.offline = offline;
        if let ConnectionStatus::Waiting { offline: shown, .. } = &mut self.status {
            *shown = offline;
        }
    }

    /// The agent asked to retry now: end the wait. Returns whether it did.
    pub(crate) fn retry_now(&mut self) -> bool {
        let waiting = matches!(self.status, ConnectionStatus::Waiting { .. });
        if waiting {
            self.open(self.resume_at());
        }
        waiting
    }

    pub(crate) fn current(&self) -> Option<ConnId> {
        self.current
    }

    pub(crate) fn deadline(&self) -> Option<Millis> {
        match self.status {
            ConnectionStatus::Waiting { retry_at, .. } => Some(retry_at),
            _ => None,
        }
    }

    pub(crate) fn handle_timeout(&mut self, now: Millis) {
        if matches!(self.status, ConnectionStatus::Waiting { retry_at, .. } if retry_at <= now) {
            self.open(self.resume_at());
        }
    }

    /// The first server not yet tried in this round.
    fn untried(&self) -> Option<ServerRole> {
        self.servers.iter().map(|(r, _)| *r).find(|r| !self.failed_this_round.contains(r))
    }

    /// Where a wait ends: the round goes on after the first spread (B when A
    /// went); after a failed round, a new one starts at A.
    fn resume_at(&self) -> ServerRole {
        self.untried().unwrap_or(ServerRole::Primary)
    }

    fn open(&mut self, role: ServerRole) {
        let Some(uri) = self.servers.iter().find(|(r, _)| *r == role).map(|(_, uri)| uri.clone()) else {
            return;
        };
        self.next_id = self.next_id.wrapping_add(1);
        let id = ConnId(self.next_id);
        self.current = Some(id);
        self.status = ConnectionStatus::Connecting { role, uri: uri.clone() };
        self.to_open = Some(Connect { id, uri, role });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(b: bool) -> Settings {
        Settings {
            ws_uri_a: WsUri::parse("a", "ws://a:9006").unwrap(),
            ws_uri_b: b.then(|| WsUri::parse("b", "ws://b:9008").unwrap()),
            prefixes: Default::default(),
            options: Default::default(),
        }
    }

    fn refused() -> SocketLoss {
        SocketLoss::Failed("refused".into())
    }

    #[test]
    fn the_status_level_and_countdown() {
        let uri = WsUri::parse("a", "ws://a:9006").unwrap();
        let connected = ConnectionStatus::Connected { role: ServerRole::Backup, uri: uri.clone() };
        assert_eq!((connected.level(true), connected.level(false)), (ConnectionLevel::Ok, ConnectionLevel::Pending));
        let connecting = ConnectionStatus::Connecting { role: ServerRole::Primary, uri: uri.clone() };
        assert_eq!(connecting.level(true), ConnectionLevel::Pending);
        assert_eq!(connecting.uri(), Some(&uri));
        assert_eq!(connecting.seconds_to_retry(Millis(0)), None);
        let waiting =
            ConnectionStatus::Waiting { retry_at: Millis(10_000), reason: refused(), advice: None, offline: false };
        // Whole seconds, rounded up; never negative.
        assert_eq!(waiting.seconds_to_retry(Millis(7_001)), Some(3));
        assert_eq!(waiting.seconds_to_retry(Millis(7_000)), Some(3));
        assert_eq!(waiting.seconds_to_retry(Millis(20_000)), Some(0));
        assert_eq!((waiting.level(true), waiting.uri()), (ConnectionLevel::Down, None));
        assert_eq!(ConnectionStatus::Unconfigured.level(false).as_str(), "down");
    }

    #[test]
    fn a_first_then_b_then_wait_then_a_again() {
        let mut c = Connection::new(ConnectionPolicy::default(), 42);
        c.configure(&settings(true));
        let first = c.poll_connect().unwrap();
        assert_eq!((first.role, first.uri.as_str()), (ServerRole::Primary, "ws://a:9006"));
        assert!(c.lost(Millis(10), first.id, &refused(), None));
        let second = c.poll_connect().unwrap();
        assert_eq!(second.role, ServerRole::Backup);
        c.lost(Millis(20), second.id, &refused(), None);
        assert_eq!(c.poll_connect(), None);
        let retry_at = c.deadline().unwrap();
        assert!(retry_at >= Millis(520) && retry_at <= Millis(2_020), "{retry_at:?}");
        c.handle_timeout(Millis(retry_at.0 - 1));
        assert_eq!(c.poll_connect(), None);
        c.handle_timeout(retry_at);
        assert_eq!(c.poll_connect().map(|c| c.role), Some(ServerRole::Primary));
    }

    #[test]
    fn without_b_it_waits_and_retries_a() {
        let mut c = Connection::new(ConnectionPolicy::default(), 42);
        c.configure(&settings(false));
        let first = c.poll_connect().unwrap();
        c.lost(Millis(0), first.id, &refused(), None);
        assert!(matches!(c.status(), ConnectionStatus::Waiting { .. }));
    }

    /// Fails a whole round (A, then B) at `now`; returns the wait chosen.
    fn fail_round(c: &mut Connection, now: Millis) -> u64 {
        while let Some(connect) = c.poll_connect() {
            c.lost(now, connect.id, &refused(), None);
        }
        c.deadline().unwrap().0 - now.0
    }

    #[test]
    fn both_down_for_minutes_backs_off_exponentially_with_full_jitter_within_bounds() {
        let policy = ConnectionPolicy::default();
        let mut c = Connection::new(policy.clone(), 7);
        c.configure(&settings(true));
        let mut now = Millis(0);
        let mut waits = Vec::new();
        while now < Millis(10 * 60_000) {
            let wait = fail_round(&mut c, now);
            let cap = policy.cap(c.failed_rounds()).as_millis() as u64;
            assert!(wait >= 500 && wait <= cap, "round {}: {wait} ms not in [500, {cap}]", c.failed_rounds());
            waits.push(wait);
            now = Millis(now.0 + wait);
            c.handle_timeout(now);
        }
        assert!(waits.iter().all(|w| *w <= 30_000), "never more than max_backoff");
        let late: Vec<_> = waits.iter().skip(6).collect();
        let distinct: std::collections::HashSet<_> = late.iter().collect();
        assert!(distinct.len() > late.len() / 2, "jittered, not a fixed schedule: {late:?}");
        // The cap doubles: 2 s, 4 s, 8 s, 16 s, then 30 s.
        assert_eq!((1..=6).map(|n| policy.cap(n).as_secs()).collect::<Vec<_>>(), vec![2, 4, 8, 16, 30, 30]);
    }

    #[test]
    fn different_seeds_spread_a_crowd_of_softphones() {
        let firsts: std::collections::HashSet<u64> = (0..200u64)
            .map(|seed| {
                let mut c = Connection::new(ConnectionPolicy::default(), seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
                c.configure(&settings(true));
                fail_round(&mut c, Millis(0))
            })
            .collect();
        assert!(firsts.len() > 150, "200 softphones picked only {} distinct waits", firsts.len());
    }

    /// A softphone working on A when A goes.
    fn working_on_a(seed: u64, b: bool) -> (Connection, ConnId) {
        let mut c = Connection::new(ConnectionPolicy::default(), seed);
        c.configure(&settings(b));
        let a = c.poll_connect().unwrap();
        assert!(c.opened(a.id));
        c.established();
        (c, a.id)
    }

    #[test]
    fn a_working_connection_lost_waits_at_most_the_first_spread_then_goes_on_to_b() {
        let (mut c, a) = working_on_a(7, true);
        assert!(c.lost(Millis(1_000), a, &refused(), None));
        assert_eq!(c.poll_connect(), None, "not at once");
        let retry_at = c.deadline().unwrap();
        assert!(retry_at >= Millis(1_000) && retry_at <= Millis(2_000), "{retry_at:?}");
        c.handle_timeout(retry_at);
        let b = c.poll_connect().unwrap();
        assert_eq!(b.role, ServerRole::Backup, "the round goes on where it was");
        // B refuses too: the usual wait, then A.
        c.lost(retry_at, b.id, &refused(), None);
        let next = c.deadline().unwrap();
        assert!(next >= retry_at + Duration::from_millis(500) && next <= retry_at + Duration::from_secs(2), "{next:?}");
        c.handle_timeout(next);
        assert_eq!(c.poll_connect().map(|c| c.role), Some(ServerRole::Primary));

        // "Retry now" during the spread goes on to B at once.
        let (mut c, a) = working_on_a(7, true);
        c.lost(Millis(0), a, &refused(), None);
        assert!(c.retry_now());
        assert_eq!(c.poll_connect().map(|c| c.role), Some(ServerRole::Backup));

        // With A alone the usual wait applies (it is already spread).
        let (mut c, a) = working_on_a(7, false);
        c.lost(Millis(0), a, &refused(), None);
        let retry_at = c.deadline().unwrap();
        assert!(retry_at >= Millis(500) && retry_at <= Millis(2_000), "{retry_at:?}");

        // No spread: on to B at once, as before.
        let mut c =
            Connection::new(ConnectionPolicy { first_spread: Duration::ZERO, ..ConnectionPolicy::default() }, 7);
        c.configure(&settings(true));
        let a = c.poll_connect().unwrap();
        c.opened(a.id);
        c.established();
        c.lost(Millis(0), a.id, &refused(), None);
        assert_eq!(c.poll_connect().map(|c| c.role), Some(ServerRole::Backup));
    }

    #[test]
    fn a_crowd_dropped_at_once_comes_back_spread_over_the_first_spread() {
        // 2,000 softphones lose their working server at the same instant.
        let mut bins = [0u32; 10];
        for seed in 0..2_000u64 {
            let (mut c, a) = working_on_a(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15), true);
            c.lost(Millis(0), a, &refused(), None);
            let retry_at = c.deadline().unwrap();
            assert!(retry_at <= Millis(1_000), "{retry_at:?}");
            bins[(retry_at.0 / 100).min(9) as usize] += 1;
        }
        // Uniform: 200 per 100 ms expected; none at twice that.
        assert!(bins.iter().all(|n| (120..=280).contains(n)), "attempts per 100 ms: {bins:?}");
    }

    #[test]
    fn flapping_servers_are_backed_off_until_the_session_is_ready() {
        let mut c = Connection::new(ConnectionPolicy::default(), 1);
        c.configure(&settings(true));
        for _ in 0..3 {
            // Each server accepts and drops at once.
            while let Some(connect) = c.poll_connect() {
                assert!(c.opened(connect.id));
                c.lost(Millis(0), connect.id, &refused(), None);
            }
            assert!(matches!(c.status(), ConnectionStatus::Waiting { .. }), "no hot loop");
            c.handle_timeout(c.deadline().unwrap());
        }
        assert_eq!(c.failed_rounds(), 3);
        let connect = c.poll_connect().unwrap();
        c.opened(connect.id);
        c.established();
        assert_eq!(c.failed_rounds(), 0);
    }

    #[test]
    fn retry_now_ends_the_wait_at_a() {
        let mut c = Connection::new(ConnectionPolicy::default(), 3);
        c.configure(&settings(true));
        assert!(!c.retry_now(), "nothing to retry while connecting");
        fail_round(&mut c, Millis(0));
        assert!(c.retry_now());
        assert_eq!(c.poll_connect().map(|c| c.role), Some(ServerRole::Primary));
    }

    #[test]
    fn offline_says_so_in_the_wait_and_online_restores_the_reason() {
        let mut c = Connection::new(ConnectionPolicy::default(), 5);
        c.configure(&settings(true));
        fail_round(&mut c, Millis(0));
        let reason = |c: &Connection| match c.status() {
            ConnectionStatus::Waiting { reason, offline, .. } => (reason.clone(), *offline),
            other => panic!("{other:?}"),
        };
        assert_eq!(reason(&c), (refused(), false));
        c.set_network(Network::Offline);
        assert_eq!(reason(&c), (refused(), true));
        c.set_network(Network::Offline);
        assert_eq!(reason(&c), (refused(), true), "said twice");
        c.set_network(Network::Online);
        assert_eq!(reason(&c), (refused(), false));
        // A round that fails while offline says so too, and still waits to retry.
        c.set_network(Network::Offline);
        c.retry_now();
        let wait = fail_round(&mut c, Millis(100));
        assert!(wait >= 500, "rounds go on while offline, backed off");
        assert_eq!(reason(&c), (refused(), true));
    }

    #[test]
    fn events_of_an_old_socket_are_ignored() {
        let mut c = Connection::new(ConnectionPolicy::default(), 42);
        c.configure(&settings(true));
        let first = c.poll_connect().unwrap();
        c.lost(Millis(0), first.id, &refused(), None);
        let second = c.poll_connect().unwrap();
        assert!(!c.opened(first.id));
        assert!(!c.lost(Millis(1), first.id, &refused(), None));
        assert!(c.opened(second.id));
        assert!(c.is_open());
    }
}
