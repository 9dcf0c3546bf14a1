//! Where the start-up sequence of the current connection stands, an owned
//! part of the session: a phase type (rustls' `ClientState`) whose
//! transitions return the requests to send next, instead of a `ready` flag
//! beside the request purposes.
//!
//! Two round trips from a cold page: the extension must come first, and
//! everything else needs only the extension, so it goes in one burst (the
//! server answers in order, so `querydeviceinfo`'s agent is known before
//! `queryagentstate`'s mode is read). `userdata` follows only when a call
//! is up.
//!
//! One round trip when the extension is already known (a reload kept it, or
//! a reconnect learned it on the last socket): the burst goes with
//! `myextension`, for that extension. When the answer names another one
//! (free seating moved the agent) the burst was for the wrong extension:
//! the session leaves the socket (the server drops its monitors with the
//! connection) and starts cold on a new one, so no event of another
//! agent's extension is ever read.
//!
//! ```text
//! socket opened, extension unknown ──myextension──▶ AwaitExtension{sent_with: None}
//!   ──answer: extension──▶ startmonitor + querydeviceinfo + queryagentstate + snapshot ──▶ AwaitReads(3)
//! socket opened, extension known ──myextension + the burst──▶ AwaitExtension{sent_with: Some(ext)}
//!   ──answer: the same extension──▶ AwaitReads(3)
//!   ──answer: another extension──▶ Moved: leave the socket, start cold
//! AwaitReads ──each of the three reads answered (or failed: the agent can still work)──▶ Ready
//! socket lost (any phase) ──▶ Offline
//! ```
//!
//! The session reads the answers themselves (who is logged in, which
//! calls); this part says only what comes next and when it is over.

use super::requests::Purpose;

/// The reads of the burst that must be answered before the agent works.
const READS: [Purpose; 3] = [Purpose::QueryDeviceInfo, Purpose::QueryAgentState, Purpose::Snapshot];

/// Everything after `myextension`: each needs only the extension.
const BURST: [Purpose; 4] =
    [Purpose::StartMonitor, Purpose::QueryDeviceInfo, Purpose::QueryAgentState, Purpose::Snapshot];

/// `myextension` named another extension than the burst was sent for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Moved;

/// The start-up phase of the current connection.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Startup {
    /// No socket is open.
    #[default]
    Offline,
    /// `myextension` was sent, with the burst for `sent_with` when the
    /// extension was already known.
    AwaitExtension { sent_with: Option<String> },
    /// The burst was sent; this many of its reads are not answered yet.
    AwaitReads(u8),
    /// The sequence is done: the agent's requests may be sent.
    Ready,
}

impl Startup {
    pub(crate) fn is_ready(&self) -> bool {
        *self == Startup::Ready
    }

    /// In the start-up, before it is over.
    pub(crate) fn is_starting(&self) -> bool {
        matches!(self, Startup::AwaitExtension { .. } | Startup::AwaitReads(_))
    }

    /// A socket opened: ask which extension this workstation is, and, when
    /// it is `known` already, send the rest for it at once. Returns the
    /// requests to send, for that extension.
    pub(crate) fn opened(&mut self, known: Option<&str>) -> Vec<Purpose> {
        *self = Startup::AwaitExtension { sent_with: known.map(str::to_owned) };
        let burst = known.map(|_| BURST.to_vec()).unwrap_or_default();
        std::iter::once(Purpose::MyExtension).chain(burst).collect()
    }

    /// `myextension` answered `extension`: the burst to send now (none
    /// when it went with `myextension`), or [`Moved`] when it went for
    /// another extension.
    pub(crate) fn extension_known(&mut self, extension: &str) -> Result<Vec<Purpose>, Moved> {
        let Startup::AwaitExtension { sent_with } = self else { return Ok(Vec::new()) };
        let next = match sent_with.as_deref() {
            None => BURST.to_vec(),
            Some(sent) if sent == extension => Vec::new(),
            Some(_) => return Err(Moved),
        };
        *self = Startup::AwaitReads(READS.len() as u8);
        Ok(next)
    }

    /// A read of the burst (`purpose`) was answered or failed. Returns true
    /// when this ends the start-up; other answers, and the same reads later
    /// (liveness, after a call), change nothing.
    pub(crate) fn read_answered(&mut self, purpose: &Purpose) -> bool {
        let Startup::AwaitReads(left) = *self else { return false };
        if !READS.contains(purpose) {
            return false;
        }
        if left > 1 {
            *self = Startup::AwaitReads(left - 1);
            false
        } else {
            *self = Startup::Ready;
            true
        }
    }

    /// The socket is gone. Returns whether the session was ready on it.
    pub(crate) fn lost(&mut self) -> bool {
        std::mem::take(self).is_ready()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cold_the_extension_then_one_burst_then_ready_once_its_reads_are_answered() {
        let mut startup = Startup::default();
        assert_eq!(startup.opened(None), vec![Purpose::MyExtension]);
        assert_eq!(startup.extension_known("2001"), Ok(BURST.to_vec()));
        assert!(!startup.read_answered(&Purpose::StartMonitor), "not a read");
        assert!(!startup.read_answered(&Purpose::QueryDeviceInfo));
        assert!(!startup.read_answered(&Purpose::QueryAgentState));
        assert!(startup.is_starting());
        assert!(startup.read_answered(&Purpose::Snapshot));
        assert!(startup.is_ready());
        assert!(!startup.read_answered(&Purpose::QueryAgentState), "a later liveness read starts nothing");
        assert!(startup.lost());
        assert_eq!(startup, Startup::Offline);
    }

    #[test]
    fn a_known_extension_sends_everything_at_once() {
        let mut startup = Startup::default();
        let first = startup.opened(Some("2001"));
        assert_eq!(first[0], Purpose::MyExtension);
        assert_eq!(first[1..], BURST);
        assert_eq!(startup.extension_known("2001"), Ok(Vec::new()), "already sent");
        assert_eq!(startup, Startup::AwaitReads(3));
    }

    #[test]
    fn a_burst_for_another_extension_is_refused() {
        let mut startup = Startup::default();
        startup.opened(Some("2001"));
        assert_eq!(startup.extension_known("2002"), Err(Moved));
        assert!(!startup.is_ready());
    }

    #[test]
    fn nothing_but_the_burst_ends_the_start_up() {
        let mut startup = Startup::default();
        startup.opened(None);
        assert!(!startup.read_answered(&Purpose::Snapshot), "before the extension");
        startup.extension_known("2001").unwrap();
        assert!(!startup.read_answered(&Purpose::UserData));
        assert!(!startup.lost(), "lost before ready");
        assert!(!startup.is_starting());
    }
}
