//! What went wrong, for the agent: one variant per problem, worded once by
//! `Display` (rustls' error enums). A [`crate::Notice`] carries its problem
//! (tests match the variant) and its text (what the element shows).

use crate::command::Rejected;
use crate::crm::CrmError;
use crate::settings::SettingsError;

/// A problem the agent is told about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The settings are missing or invalid.
    #[error("Softphone not configured: {0}.")]
    NotConfigured(SettingsError),
    /// A binary WebSocket frame: CtiSVR speaks JSON text.
    #[error("CtiSVR sent a message the softphone cannot read (a binary frame, not JSON text).")]
    BinaryFrame,
    /// A frame that is not the protocol's JSON; the decoder's reason.
    #[error("CtiSVR sent a message the softphone cannot read ({0}).")]
    Unreadable(String),
    /// What the browser likely did to a socket it refused (see `transport_advice`).
    #[error("{0}")]
    SocketRefused(String),
    /// The agent's request was not sent.
    #[error("{0}")]
    Rejected(Rejected),
    /// `myextension` answered without an extension.
    #[error("CtiSVR did not say which extension this workstation uses.")]
    NoExtension,
    /// The server refused a request: `what` names it ("Hang up"), `reason` is the server's.
    #[error("{what} failed: {reason}")]
    RequestFailed { what: String, reason: String },
    /// The agent's requests in flight when the connection was lost.
    #[error("{} was not confirmed: the connection to CtiSVR was lost. Check the state and try again.", .0.join(", "))]
    NotConfirmed(Vec<String>),
    /// A click-to-dial payload the softphone cannot read.
    #[error("Click-to-dial failed: {0}.")]
    ClickToDial(CrmError),
    /// A CRM call failed: `what` names it ("Screen pop"), `error` is the CRM's reason.
    #[error("{what} failed: {error}")]
    CrmFailed { what: String, error: String },
    /// A call log the CRM refused, to be tried again in `seconds`.
    #[error("The call log was not saved ({error}); trying again in {seconds} s.")]
    LogRetry { error: String, seconds: u64 },
    /// A call log given up on after `attempts`.
    #[error(
        "The call log \"{subject}\" could not be saved after {attempts} attempts ({error}). Log the call by hand."
    )]
    LogGivenUp { subject: String, attempts: u32, error: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_reads_as_the_agent_sees_it() {
        let cases = [
            (Problem::BinaryFrame, "CtiSVR sent a message the softphone cannot read (a binary frame, not JSON text)."),
            (
                Problem::NotConfirmed(vec!["Login".into(), "Hang up".into()]),
                "Login, Hang up was not confirmed: the connection to CtiSVR was lost. Check the state and try again.",
            ),
            (
                Problem::LogRetry { error: "INSUFFICIENT_ACCESS".into(), seconds: 10 },
                "The call log was not saved (INSUFFICIENT_ACCESS); trying again in 10 s.",
            ),
            (Problem::RequestFailed { what: "Hang up".into(), reason: "no call".into() }, "Hang up failed: no call"),
            (Problem::Rejected(Rejected::NotReady), "The softphone is still starting; try again in a moment."),
        ];
        for (problem, text) in cases {
            assert_eq!(problem.to_string(), text);
        }
    }
}
