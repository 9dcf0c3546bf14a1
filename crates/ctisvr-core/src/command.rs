//! What the agent (or the page's script) asks of the session, and why a
//! request is refused: one variant per reason, worded once by `Display`
//! (rustls' error enums); tests match the variants.

use crate::agent::AgentCommand;
use crate::calls::{CallAction, CallCommand};
use crate::dial_refusal::DialRefusal;
use crate::dialing::DialError;

/// What the agent (or the page's script) asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Agent(AgentCommand),
    Call(CallCommand),
    /// The agent closed the message.
    DismissNotice,
    /// End the wait between reconnect rounds and try now.
    RetryNow,
}

/// Why a command was not sent. The text is shown to the agent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("The softphone is not connected to CtiSVR.")]
    NotConnected,
    #[error("The softphone is still starting; try again in a moment.")]
    NotReady,
    #[error("Waiting for CtiSVR to answer the previous request.")]
    Busy,
    /// The calls as they are do not allow this action.
    #[error("{}", .0.refusal())]
    NotAllowed(CallAction),
    #[error("The softphone is not waiting to reconnect.")]
    NotWaitingToReconnect,
    #[error("An agent is already logged in at this extension.")]
    AgentLoggedIn,
    #[error("No agent is logged in at this extension.")]
    NoAgent,
    #[error("There is no conference party to drop.")]
    NoPartyToDrop,
    #[error("Keypad digits are 1 to 100 of 0-9, *, # and A-D.")]
    BadDtmf,
    #[error("That call has no extension to send.")]
    NoExtensionToSend,
    #[error("Enter your agent ID.")]
    MissingAgentId,
    #[error("Enter your password.")]
    MissingPassword,
    #[error("{0}")]
    Dial(#[from] DialError),
    #[error("{0}")]
    Repeated(#[from] DialRefusal),
}
