//! The agent: logged in or not, work mode, reason code, and which agent
//! commands make sense in each state.

use crate::wire::{Password, ReasonCode, SkillMode, WorkMode};

/// What the softphone knows about the agent at its extension.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AgentStatus {
    /// Not known yet (before the start-up sequence says).
    #[default]
    Unknown,
    LoggedOut,
    LoggedIn {
        agent_id: String,
        /// `None` until the server has told us.
        mode: Option<SkillMode>,
        reason: Option<ReasonCode>,
    },
}

/// An agent request the user can make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentCommand {
    Login {
        agent_id: String,
        password: Password,
    },
    Logout,
    /// `password` is needed only when the page does not know it (after a reload).
    SetState {
        mode: WorkMode,
        reason: Option<ReasonCode>,
        password: Option<Password>,
    },
}

/// The kind of an agent command, for asking whether it is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentAction {
    Login,
    Logout,
    SetState,
}

impl AgentStatus {
    pub fn agent_id(&self) -> Option<&str> {
        match self {
            AgentStatus::LoggedIn { agent_id, .. } => Some(agent_id),
            _ => None,
        }
    }

    /// The current work mode, when logged in and known.
    pub fn work_mode(&self) -> Option<WorkMode> {
        match self {
            AgentStatus::LoggedIn { mode: Some(SkillMode::Mode(mode)), .. } => Some(*mode),
            _ => None,
        }
    }

    /// Whether `action` makes sense for this agent (connection aside).
    pub fn allows(&self, action: AgentAction) -> bool {
        match action {
            AgentAction::Login => matches!(self, AgentStatus::LoggedOut),
            AgentAction::Logout | AgentAction::SetState => {
                matches!(self, AgentStatus::LoggedIn { .. })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_only_when_logged_out_and_state_changes_only_when_logged_in() {
        let out = AgentStatus::LoggedOut;
        let unknown = AgentStatus::Unknown;
        let inn = AgentStatus::LoggedIn { agent_id: "1001".into(), mode: None, reason: None };
        assert!(
            out.allows(AgentAction::Login) && !out.allows(AgentAction::Logout) && !out.allows(AgentAction::SetState)
        );
        assert!(!unknown.allows(AgentAction::Login) && !unknown.allows(AgentAction::SetState));
        assert!(
            !inn.allows(AgentAction::Login) && inn.allows(AgentAction::Logout) && inn.allows(AgentAction::SetState)
        );
    }
}
