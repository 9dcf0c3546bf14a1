//! Which CtiSVR server to use and when: primary A, backup B.
//!
//! Policy (kept deliberately simple until failover gets its own issue):
//! try A; when a connection attempt fails or an open connection drops, try
//! the other server at once if it has not been tried in this round; when
//! both have failed, wait [`ConnectionPolicy::retry_delay`] and start again at A.

use crate::settings::{Settings, WsUri};
use crate::time::Millis;
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
    /// Both servers failed; the next attempt is at `retry_at`.
    Waiting {
        retry_at: Millis,
        reason: String,
    },
}

/// Timings of the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionPolicy {
    pub retry_delay: Duration,
}

impl Default for ConnectionPolicy {
    fn default() -> Self {
        ConnectionPolicy { retry_delay: Duration::from_secs(5) }
    }
}

/// The connection state machine, driven by the session.
#[derive(Debug, Clone, Default)]
pub(crate) struct Connection {
    policy: ConnectionPolicy,
    servers: Vec<(ServerRole, WsUri)>,
    status: ConnectionStatus,
    current: Option<ConnId>,
    next_id: u32,
    /// Servers that failed in this round.
    failed_this_round: Vec<ServerRole>,
    to_open: Option<Connect>,
}

impl Connection {
    pub(crate) fn new(policy: ConnectionPolicy) -> Connection {
        Connection { policy, ..Connection::default() }
    }

    pub(crate) fn status(&self) -> &ConnectionStatus {
        &self.status
    }

    pub(crate) fn is_open(&self) -> bool {
        matches!(self.status, ConnectionStatus::Connected { .. })
    }

    /// New settings: start over at A.
    pub(crate) fn configure(&mut self, settings: &Settings) {
        self.servers = std::iter::once((ServerRole::Primary, settings.ws_uri_a.clone()))
            .chain(settings.ws_uri_b.clone().map(|uri| (ServerRole::Backup, uri)))
            .collect();
        self.failed_this_round.clear();
        self.open(ServerRole::Primary);
    }

    pub(crate) fn poll_connect(&mut self) -> Option<Connect> {
        self.to_open.take()
    }

    /// The socket `id` opened. Returns false for a stale socket.
    pub(crate) fn opened(&mut self, id: ConnId) -> bool {
        if self.current != Some(id) {
            return false;
        }
        if let ConnectionStatus::Connecting { role, uri } = &self.status {
            self.status = ConnectionStatus::Connected { role: *role, uri: uri.clone() };
        }
        self.failed_this_round.clear();
        true
    }

    /// The socket `id` failed or closed (or the session gave up on it).
    /// Returns false for a stale socket.
    pub(crate) fn lost(&mut self, now: Millis, id: ConnId, reason: &str) -> bool {
        if self.current != Some(id) {
            return false;
        }
        self.current = None;
        let role = match &self.status {
            ConnectionStatus::Connecting { role, .. } | ConnectionStatus::Connected { role, .. } => *role,
            _ => return true,
        };
        self.failed_this_round.push(role);
        let untried = self.servers.iter().map(|(r, _)| *r).find(|r| !self.failed_this_round.contains(r));
        match untried {
            Some(next) => self.open(next),
            None => {
                self.failed_this_round.clear();
                self.status =
                    ConnectionStatus::Waiting { retry_at: now + self.policy.retry_delay, reason: reason.to_owned() };
            }
        }
        true
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
            self.open(ServerRole::Primary);
        }
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

    #[test]
    fn a_first_then_b_then_wait_then_a_again() {
        let mut c = Connection::new(ConnectionPolicy::default());
        c.configure(&settings(true));
        let first = c.poll_connect().unwrap();
        assert_eq!((first.role, first.uri.as_str()), (ServerRole::Primary, "ws://a:9006"));
        assert!(c.lost(Millis(10), first.id, "refused"));
        let second = c.poll_connect().unwrap();
        assert_eq!(second.role, ServerRole::Backup);
        c.lost(Millis(20), second.id, "refused");
        assert_eq!(c.poll_connect(), None);
        assert_eq!(c.deadline(), Some(Millis(5_020)));
        c.handle_timeout(Millis(5_019));
        assert_eq!(c.poll_connect(), None);
        c.handle_timeout(Millis(5_020));
        assert_eq!(c.poll_connect().map(|c| c.role), Some(ServerRole::Primary));
    }

    #[test]
    fn without_b_it_waits_and_retries_a() {
        let mut c = Connection::new(ConnectionPolicy::default());
        c.configure(&settings(false));
        let first = c.poll_connect().unwrap();
        c.lost(Millis(0), first.id, "refused");
        assert!(matches!(c.status(), ConnectionStatus::Waiting { .. }));
    }

    #[test]
    fn events_of_an_old_socket_are_ignored() {
        let mut c = Connection::new(ConnectionPolicy::default());
        c.configure(&settings(true));
        let first = c.poll_connect().unwrap();
        c.lost(Millis(0), first.id, "refused");
        let second = c.poll_connect().unwrap();
        assert!(!c.opened(first.id));
        assert!(!c.lost(Millis(1), first.id, "late close"));
        assert!(c.opened(second.id));
        assert!(c.is_open());
    }
}
