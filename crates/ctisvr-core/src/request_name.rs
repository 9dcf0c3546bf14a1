//! A request to CtiSVR as the agent would name it, for a refusal, a lost
//! request or a request the server did not answer.

use crate::agent::AgentCommand;
use crate::calls::CallAction;
use crate::wire::WorkMode;

/// A request to CtiSVR as the agent would name it ("Hang up 4155550100",
/// "Change to AUX"), for a refusal or a lost request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestName {
    /// `myextension`.
    FindExtension,
    /// `startmonitor`.
    Monitor,
    /// `querydeviceinfo`.
    ReadAgent,
    /// `queryagentstate`.
    ReadAgentState,
    /// `snapshot`.
    ReadCalls,
    /// `userdata`.
    ReadNumbers,
    Login,
    Logout,
    /// `setstate` to this work mode.
    ChangeTo(WorkMode),
    /// The DTMF of a dialled number's extension.
    SendExtension(String),
    /// A call request, with the number it named if any.
    Call {
        action: CallAction,
        number: Option<String>,
    },
}

impl RequestName {
    /// The agent's request (the password is not kept).
    pub fn of_agent(command: &AgentCommand) -> RequestName {
        match command {
            AgentCommand::Login { .. } => RequestName::Login,
            AgentCommand::Logout => RequestName::Logout,
            AgentCommand::SetState { mode, .. } => RequestName::ChangeTo(*mode),
        }
    }
}
