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
//! ```text
//! socket opened ──myextension──▶ AwaitExtension
//!   ──answer: extension──▶ startmonitor + querydeviceinfo + queryagentstate + snapshot ──▶ AwaitReads(3)
//!   ──each of the three reads answered (or failed: the agent can still work)──▶ Ready
//! socket lost (any phase) ──▶ Offline
//! ```
//!
//! The session reads the answers themselves (who is logged in, which
//! calls); this part says only what comes next and when it is over.

use super::requests::Purpose;

/// The reads of the burst that must be answered before the agent works.
const READS: [Purpose; 3] = [Purpose::QueryDeviceInfo, Purpose::QueryAgentState, Purpose::Snapshot];

/// The start-up phase of the current connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Startup {
    /// No socket is open.
    #[default]
    Offline,
    /// `myextension` was sent.
    AwaitExtension,
    /// The burst was sent; this many of its reads are not answered yet.
    AwaitReads(u8),
    /// The sequence is done: the agent's requests may be sent.
    Ready,
}

impl Startup {
    pub(crate) fn is_ready(self) -> bool {
        self == Startup::Ready
    }

    /// In the start-up, before it is over.
    pub(crate) fn is_starting(self) -> bool {
        matches!(self, Startup::AwaitExtension | Startup::AwaitReads(_))
    }

    /// A socket opened: ask which extension this workstation is.
    pub(crate) fn opened(&mut self) -> Purpose {
        *self = Startup::AwaitExtension;
        Purpose::MyExtension
    }

    /// The extension is known: monitor it and read its agent, the agent's
    /// state and its calls, all at once.
    pub(crate) fn extension_known(&mut self) -> [Purpose; 4] {
        *self = Startup::AwaitReads(READS.len() as u8);
        [Purpose::StartMonitor, Purpose::QueryDeviceInfo, Purpose::QueryAgentState, Purpose::Snapshot]
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
    fn the_extension_then_one_burst_then_ready_once_its_reads_are_answered() {
        let mut startup = Startup::default();
        assert_eq!(startup.opened(), Purpose::MyExtension);
        let burst = startup.extension_known();
        assert_eq!(
            burst,
            [Purpose::StartMonitor, Purpose::QueryDeviceInfo, Purpose::QueryAgentState, Purpose::Snapshot]
        );
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
    fn nothing_but_the_burst_ends_the_start_up() {
        let mut startup = Startup::default();
        startup.opened();
        assert!(!startup.read_answered(&Purpose::Snapshot), "before the extension");
        startup.extension_known();
        assert!(!startup.read_answered(&Purpose::UserData));
        assert!(!startup.lost(), "lost before ready");
        assert!(!startup.is_starting());
    }
}
