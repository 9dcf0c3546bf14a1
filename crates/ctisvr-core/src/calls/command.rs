//! What the agent can ask of the calls ([`CallCommand`]), which action each
//! needs the calls to allow, and why an action is refused: the rule
//! ([`super::allows`]) and its wording side by side.

use super::{CallAction, CallId};

/// A call request. Numbers are dialled through the click-to-dial rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallCommand {
    /// `makecall` when idle, `consultation` when on a call.
    Dial {
        number: String,
    },
    Answer,
    Hold,
    Retrieve,
    HangUp,
    /// Drops `party` from the conference; `None`: the party added last.
    DropParty {
        party: Option<String>,
    },
    Consult {
        number: String,
    },
    Reconnect,
    /// Two-step with a consultation (the number is not needed), else single-step to `number`.
    Transfer {
        number: Option<String>,
    },
    /// Joins the held call and the consultation.
    Conference {
        number: Option<String>,
    },
    SendDtmf {
        digits: String,
    },
    /// Sends the extension of `call` (connected) as DTMF.
    SendExtension {
        call: CallId,
    },
}

impl CallCommand {
    /// The action this command needs the calls to allow (see [`super::allows`]).
    pub fn action(&self) -> CallAction {
        match self {
            CallCommand::Dial { .. } => CallAction::Dial,
            CallCommand::Answer => CallAction::Answer,
            CallCommand::Hold => CallAction::Hold,
            CallCommand::Retrieve => CallAction::Retrieve,
            CallCommand::HangUp => CallAction::HangUp,
            CallCommand::DropParty { .. } => CallAction::DropParty,
            CallCommand::Consult { .. } => CallAction::Consult,
            CallCommand::Reconnect => CallAction::Reconnect,
            CallCommand::Transfer { .. } => CallAction::Transfer,
            CallCommand::Conference { .. } => CallAction::Conference,
            CallCommand::SendDtmf { .. } => CallAction::SendDtmf,
            CallCommand::SendExtension { .. } => CallAction::SendExtension,
        }
    }
}
