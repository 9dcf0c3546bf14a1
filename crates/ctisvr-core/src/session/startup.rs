//! Where the start-up sequence of the current connection stands, as a
//! type (rustls' `ClientState`), instead of a `ready` flag beside the
//! request purposes.
//!
//! ```text
//! socket opened ──myextension──▶ AwaitExtension
//!   ──answer: extension──▶ startmonitor + querydeviceinfo ──▶ AwaitDeviceInfo
//!   ──answer: agent or none──▶ queryagentstate or snapshot ──▶ AwaitCalls
//!   ──answer (or its failure: the agent can still work)──▶ Ready
//! socket lost (any phase) ──▶ Offline
//! ```

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
}
