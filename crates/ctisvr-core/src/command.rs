//! What the agent (or the page's script) asks of the session, and why a
//! request is refused: one variant per reason (rustls' error enums), worded
//! in the agent's language by [`crate::i18n`]; tests match the variants.

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

/// Why a command was not sent. Shown to the agent
/// ([`crate::i18n::Catalogue::rejected`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    NotConnected,
    NotReady,
    Busy,
    /// The calls as they are do not allow this action.
    NotAllowed(CallAction),
    NotWaitingToReconnect,
    AgentLoggedIn,
    NoAgent,
    NoPartyToDrop,
    BadDtmf,
    NoExtensionToSend,
    MissingAgentId,
    MissingPassword,
    Dial(DialError),
    Repeated(DialRefusal),
}

impl std::error::Error for Rejected {}

impl From<DialError> for Rejected {
    fn from(error: DialError) -> Rejected {
        Rejected::Dial(error)
    }
}

impl From<DialRefusal> for Rejected {
    fn from(refusal: DialRefusal) -> Rejected {
        Rejected::Repeated(refusal)
    }
}
