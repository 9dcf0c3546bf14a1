//! The snapshot the view renders: everything the agent sees, nothing secret.

use crate::agent::{AgentAction, AgentStatus};
use crate::connection::ConnectionStatus;
use crate::effects::Notice;

/// What the softphone shows. Cheap to clone; the password is never in it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    pub connection: ConnectionStatus,
    /// The agent's extension, once the server has said it.
    pub extension: Option<String>,
    /// The start-up sequence has finished on the current connection.
    pub ready: bool,
    pub agent: AgentStatus,
    /// The agent's password is known to this page (needed by `setstate`).
    pub password_known: bool,
    /// The current call's numbers, when there is a call.
    pub call: Option<CallInfo>,
    /// An agent request is waiting for its response (buttons wait too).
    pub busy: bool,
    /// The last message for the agent.
    pub notice: Option<Notice>,
}

/// The caller and dialled numbers of the current call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallInfo {
    /// `origcalling` when present, else `calling` (or `cli` from `userdata`).
    pub caller: String,
    /// `called`: the number that was dialled.
    pub dialled: String,
}

impl State {
    /// Whether the view should enable the control for `action`.
    pub fn allows(&self, action: AgentAction) -> bool {
        self.ready && !self.busy && self.agent.allows(action)
    }

    /// The password field must be filled: to log in, or because `setstate`
    /// re-sends the password and this page does not know it (after a reload).
    pub fn password_needed(&self) -> bool {
        match self.agent {
            AgentStatus::LoggedOut => true,
            AgentStatus::LoggedIn { .. } => !self.password_known,
            AgentStatus::Unknown => false,
        }
    }
}
