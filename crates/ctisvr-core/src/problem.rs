//! What went wrong, for the agent: one variant per problem, kept as data
//! (rustls' error enums) and worded in the agent's language when shown
//! ([`crate::i18n::Catalogue::problem`]; `Display` is the English). A
//! [`crate::Notice`] carries its problem (tests match the variant) and its
//! text.

use crate::command::Rejected;
use crate::crm::CrmError;
use crate::crm_fault::CrmFault;
use crate::request_name::RequestName;
use crate::settings::SettingsError;
use crate::transport_advice::Advice;
use crate::wire::DecodeError;

/// A problem the agent is told about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The settings are missing or invalid.
    NotConfigured(SettingsError),
    /// A binary WebSocket frame: CtiSVR speaks JSON text.
    BinaryFrame,
    /// A frame that is not the protocol's JSON; the decoder's reason.
    Unreadable(DecodeError),
    /// A text frame over [`crate::wire::MAX_FRAME_BYTES`]: `size` as measured.
    FrameTooLarge { size: usize },
    /// A response no request waits for: a duplicate, an id never sent
    /// (`id`), or no id at all. Ignored.
    StrayAnswer { id: Option<u64> },
    /// What the browser likely did to a socket it refused (see `transport_advice`).
    SocketRefused(Advice),
    /// The agent's request was not sent.
    Rejected(Rejected),
    /// `myextension` answered without an extension.
    NoExtension,
    /// The server refused a request: `what` names it, `reason` is the
    /// server's (empty when it gave none).
    RequestFailed { what: RequestName, reason: String },
    /// The agent's requests in flight when the connection was lost.
    NotConfirmed(Vec<RequestName>),
    /// A click-to-dial payload the softphone cannot read.
    ClickToDial(CrmError),
    /// A CRM call failed.
    CrmFailed { what: CrmTask, error: CrmFault },
    /// A call log the CRM refused, to be tried again in `seconds`.
    LogRetry { error: CrmFault, seconds: u64 },
    /// A call log given up on after `attempts`.
    LogGivenUp { subject: String, attempts: u32, error: CrmFault },
}

impl std::error::Error for Problem {}

/// A call the session made to the CRM's library, named for a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrmTask {
    /// `onClickToDial`.
    ListenClickToDial,
    /// `searchAndScreenPop` for this number.
    ScreenPop(String),
    /// `enableClickToDial` / `disableClickToDial`.
    ClickToDial { enabled: bool },
    /// `setSoftphonePanelVisibility`.
    ShowPanel,
    /// `notifyInitializationComplete` (Lightning) / `cti.notifyInitializationComplete` (Classic).
    InitializationComplete,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::CallAction;

    #[test]
    fn each_problem_reads_as_the_agent_sees_it() {
        let cases = [
            (Problem::BinaryFrame, "CtiSVR sent a message the softphone cannot read (a binary frame, not JSON text)."),
            (
                Problem::NotConfirmed(vec![
                    RequestName::Login,
                    RequestName::Call { action: CallAction::HangUp, number: None },
                ]),
                "Login, Hang up was not confirmed: the connection to CtiSVR was lost. Check the state and try again.",
            ),
            (
                Problem::LogRetry { error: CrmFault::Said("INSUFFICIENT_ACCESS".into()), seconds: 10 },
                "The call log was not saved (INSUFFICIENT_ACCESS); trying again in 10 s.",
            ),
            (
                Problem::RequestFailed {
                    what: RequestName::Call { action: CallAction::HangUp, number: None },
                    reason: "no call".into(),
                },
                "Hang up failed: no call",
            ),
            (Problem::Rejected(Rejected::NotReady), "The softphone is still starting; try again in a moment."),
        ];
        for (problem, text) in cases {
            assert_eq!(problem.to_string(), text);
        }
    }
}
