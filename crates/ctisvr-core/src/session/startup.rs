//! Where the start-up sequence of the current connection stands, an owned
//! part of the session: a phase type (rustls' `ClientState`) whose
//! transitions return the requests to send next, instead of a `ready` flag
//! beside the request purposes.
//!
//! ```text
//! socket opened ──myextension──▶ AwaitExtension
//!   ──answer: extension──▶ startmonitor + querydeviceinfo ──▶ AwaitDeviceInfo
//!   ──answer: agent or none──▶ queryagentstate or snapshot ──▶ AwaitCalls
//!   ──answer (or its failure: the agent can still work)──▶ Ready
//! socket lost (any phase) ──▶ Offline
//! ```
//!
//! The session reads the answers themselves (who is logged in, which
//! calls); this part says only what comes next.

use super::requests::Purpose;

/// The start-up phase of the current connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Startup {
    /// No socket is open.
    #[default]
    Offline,
    /// `myextension` was sent.
    AwaitExtension,
    /// `startmonitor` and `querydeviceinfo` were sent (pipelined).
    AwaitDeviceInfo,
    /// `queryagentstate` (an agent is logged in) or `snapshot` was sent.
    AwaitCalls,
    /// The sequence is done: the agent's requests may be sent.
    Ready,
}

impl Startup {
    pub(crate) fn is_ready(self) -> bool {
        self == Startup::Ready
    }

    /// A socket opened: ask which extension this workstation is.
    pub(crate) fn opened(&mut self) -> Purpose {
        *self = Startup::AwaitExtension;
        Purpose::MyExtension
    }

    /// The extension is known: monitor it and ask who is logged in on it.
    /// Pipelined: both need only the extension, and the server answers in
    /// order, so one round trip is saved.
    pub(crate) fn extension_known(&mut self) -> [Purpose; 2] {
        *self = Startup::AwaitDeviceInfo;
        [Purpose::StartMonitor, Purpose::QueryDeviceInfo]
    }

    /// Whether an agent is logged in is known: ask the agent's state (which
    /// also says whether a call is up), or else the extension's calls.
    pub(crate) fn device_known(&mut self, agent_logged_in: bool) -> Purpose {
        *self = Startup::AwaitCalls;
        if agent_logged_in {
            Purpose::QueryAgentState
        } else {
            Purpose::Snapshot
        }
    }

    /// The agent's state or the calls were answered, or failed (the agent
    /// can still work). Returns true when this ends the start-up; later
    /// reads of the same kind (liveness, after a call) change nothing.
    pub(crate) fn calls_known(&mut self) -> bool {
        let ends = *self == Startup::AwaitCalls;
        if ends {
            *self = Startup::Ready;
        }
        ends
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
    fn the_sequence_asks_in_order_and_ends_ready() {
        let mut startup = Startup::default();
        assert_eq!(startup.opened(), Purpose::MyExtension);
        assert_eq!(startup.extension_known(), [Purpose::StartMonitor, Purpose::QueryDeviceInfo]);
        assert_eq!(startup.device_known(false), Purpose::Snapshot);
        assert!(!startup.is_ready());
        assert!(startup.calls_known());
        assert!(startup.is_ready());
        assert!(!startup.calls_known(), "a later read does not start-up again");
        assert!(startup.lost());
        assert_eq!(startup, Startup::Offline);
    }

    #[test]
    fn a_logged_in_agent_is_asked_for_its_state() {
        let mut startup = Startup::default();
        startup.opened();
        startup.extension_known();
        assert_eq!(startup.device_known(true), Purpose::QueryAgentState);
    }

    #[test]
    fn a_read_before_the_calls_are_asked_does_not_end_the_start_up() {
        let mut startup = Startup::default();
        startup.opened();
        assert!(!startup.calls_known());
        startup.extension_known();
        assert!(!startup.calls_known());
        assert!(!startup.lost(), "lost before ready");
    }
}
