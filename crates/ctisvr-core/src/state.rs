//! The snapshot the view renders: everything the agent sees, nothing secret.

use crate::agent::{AgentAction, AgentStatus};
use crate::calls::{self, Call, CallAction, CallId, CallState};
use crate::connection::ConnectionStatus;
use crate::i18n::{Catalogue, Lang};
use crate::notice::Notice;
use crate::time::Millis;

/// What the softphone shows. Cheap to clone; the password is never in it.
///
/// ## Usage
///
/// Render it after each turn of the loop ([`crate::Session::state`]); the
/// view asks it which controls to enable and reads the core's wording:
///
/// ```
/// use ctisvr_core::{AgentAction, CallAction, Session};
///
/// let state = Session::default().state();
/// assert!(!state.ready, "not configured, not connected");
/// assert!(!state.allows(AgentAction::Login) && !state.allows_call(CallAction::Dial));
/// assert!(state.calls.is_empty() && state.notice.is_none());
/// ```
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
    /// The calls at the extension (a held call and its consultation, or one call).
    pub calls: Vec<Call>,
    /// An agent request is waiting for its response (buttons wait too).
    pub busy: bool,
    /// The server is being asked which calls the extension has (`snapshot`,
    /// then `userdata`): after a reload or a reconnect, `calls` may not
    /// hold them yet.
    pub reading_calls: bool,
    /// The last message for the agent, worded in `lang`.
    pub notice: Option<Notice>,
    /// The agent's language: every word shown comes from its catalogue.
    pub lang: Lang,
}

impl State {
    /// The catalogue of the agent's language.
    pub fn words(&self) -> &'static dyn Catalogue {
        self.lang.words()
    }

    /// The status bar's words for the extension: "Ext 2001" (empty until
    /// the server has said it).
    pub fn extension_label(&self) -> String {
        self.extension.as_deref().map(|extension| self.words().extension(extension)).unwrap_or_default()
    }

    /// The status bar's line: "Connected to A", "Reconnecting in 3 s"
    /// (with the caller's `now` for the countdown).
    pub fn connection_words(&self, now: Millis) -> String {
        self.words().connection(&self.connection, self.ready, now)
    }

    /// Why the softphone waits to reconnect (empty unless it waits).
    pub fn waiting_words(&self) -> String {
        match &self.connection {
            ConnectionStatus::Waiting { reason, advice, offline, .. } => {
                self.words().waiting(reason, advice.as_ref(), *offline)
            }
            _ => String::new(),
        }
    }

    /// The agent's line: "Logged out", "Agent 1001 · AUX 3".
    pub fn agent_words(&self) -> String {
        self.words().agent(&self.agent)
    }

    /// Who is on the other side of `call`: the numbers, or "Unknown caller".
    pub fn party_words(&self, call: &Call) -> String {
        call.other_party().unwrap_or_else(|| self.words().unknown_caller().to_owned())
    }

    /// Whether the view should enable the control for `action`.
    pub fn allows(&self, action: AgentAction) -> bool {
        self.ready && !self.busy && self.agent.allows(action)
    }

    /// Whether the view should enable the call button for `action`.
    pub fn allows_call(&self, action: CallAction) -> bool {
        self.ready && !self.busy && calls::allows(&self.calls, action)
    }

    /// Whether the view should enable the "Send ext." button of call `id`:
    /// connected, with an extension not sent yet.
    pub fn allows_extension(&self, id: CallId) -> bool {
        self.ready && !self.busy && self.calls.iter().any(|c| c.id == id && c.extension_to_send())
    }

    /// The call whose numbers the Caller and Dialled number fields show:
    /// the first one (the held call during a consultation).
    pub fn current_call(&self) -> Option<&Call> {
        self.calls.first()
    }

    /// What a screen reader announces at once (the view's assertive live
    /// region): "Incoming call from 4155550100" while an inbound call rings,
    /// else nothing. Connection, agent state and notices have their own
    /// (polite) regions.
    pub fn announcement(&self) -> String {
        self.calls
            .iter()
            .find(|call| call.state == CallState::RingingIn)
            .map(|call| self.words().incoming_call_from(call.caller_known()))
            .unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn call(id: CallId, state: CallState, caller: &str, withheld: bool) -> Call {
        Call { withheld, ..calls::test_call(id, state, caller) }
    }

    #[test]
    fn a_ringing_inbound_call_is_announced_with_its_caller_and_nothing_else_is() {
        let mut state = State::default();
        assert_eq!(state.announcement(), "");
        state.calls = vec![call(1, CallState::Connected, "4155550100", false)];
        assert_eq!(state.announcement(), "");
        state.calls.push(call(2, CallState::RingingIn, "4155550188", false));
        assert_eq!(state.announcement(), "Incoming call from 4155550188");
        for (caller, withheld) in [("anonymous", true), ("", false), ("  ", false)] {
            state.calls = vec![call(3, CallState::RingingIn, caller, withheld)];
            assert_eq!(state.announcement(), "Incoming call from an unknown caller", "{caller:?}");
        }
        state.calls = vec![call(4, CallState::RingingOut, "4155550100", false)];
        assert_eq!(state.announcement(), "");
        state.calls = vec![call(5, CallState::RingingIn, "4155550100", false)];
        state.lang = Lang::Fr;
        assert_eq!(state.announcement(), "Appel entrant de 4155550100");
    }
}
