//! What Salesforce Voice asks of the connector, as the core's commands
//! (issue 14). The session then applies its own rules to them (dialing
//! rules, one agent request at a time, what the calls allow), exactly as
//! for a click in the element.
//!
//! | Salesforce (`TelephonyConnector`) | command | CtiSVR |
//! |---|---|---|
//! | `acceptCall` | `Answer` | `answer` |
//! | `endCall`, the agent's own leg, no consultation | `HangUp` | `hangup` |
//! | `endCall`, the agent's own leg while consulting | `Transfer` (two-step) | `transfer` |
//! | `endCall`, an added participant in a conference | `DropParty` | `dropparty` |
//! | `endCall`, an added participant (consultation) | `Reconnect` | `reconnect` |
//! | `hold` / `resume` | `Hold` / `Retrieve` | `hold` / `retrieve` |
//! | `dial` | `Dial` (makecall, or consultation on a call) | `makecall` |
//! | `sendDigits` | `SendDtmf` | `dtmf` |
//! | `addParticipant(contact, call, false)` | `Consult` | `consultation` |
//! | `addParticipant(contact, call, true)` | `Transfer` to the number (single step) | `transfer` |
//! | `conference` | `Conference` | `conference` |
//! | `setAgentStatus` | by the presence table: `SetState` or `Logout` | `setstate` / `logout` |
//! | `wrapUpCall` | `SetState` to the table's first ready mode (else Auto-In) | `setstate` |
//! | `logout` | `Logout` | `logout` |
//!
//! Desk-phone mode (the agent's Avaya set carries the audio): `mute`,
//! `unmute`, recording, `swap` and `declineCall` (an ACD call cannot be
//! deflected from CtiSVR) are refused; the capabilities say so up front
//! ([`super::VoiceCapabilities::DESK_PHONE`]).

use super::presence::{Presence, PresenceTable};
use crate::agent::AgentCommand;
use crate::calls::CallCommand;
use crate::command::Command;
use crate::state::State;

/// A Salesforce Voice request, as the connector's JS layer decodes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoiceCommand {
    AcceptCall,
    DeclineCall,
    EndCall(Leg),
    Hold,
    Resume,
    /// `dial(contact)`: the contact's phone number as the CRM holds it.
    Dial {
        number: String,
    },
    SendDigits {
        digits: String,
    },
    AddParticipant {
        number: String,
        blind: bool,
    },
    Conference,
    Swap,
    /// `setAgentStatus(_, {statusId})`: an Omni-Channel presence status.
    SetAgentStatus {
        status_id: String,
    },
    WrapUpCall,
    Logout,
    Mute,
    Unmute,
    PauseRecording,
    ResumeRecording,
}

/// Which leg `endCall` ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leg {
    /// The agent's own (the initial call).
    Agent,
    /// An added participant, by number when Salesforce gives it.
    Participant { number: Option<String> },
}

/// Why a request has no CtiSVR counterpart. The JS layer answers the SDK
/// with an error naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoiceRefusal {
    /// Not in desk-phone mode: the audio is the Avaya set's (mute,
    /// recording) or CtiSVR has no such request (swap, decline).
    NotSupported(Unsupported),
    /// A presence status the contact center's table does not name.
    UnknownStatus(String),
}

/// The requests [`VoiceRefusal::NotSupported`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsupported {
    Mute,
    Unmute,
    PauseRecording,
    ResumeRecording,
    Swap,
    DeclineCall,
}

impl VoiceCommand {
    /// The core command for this request, given the calls in `state` and
    /// the contact center's presence `table`.
    ///
    /// ```
    /// use ctisvr_core::voice::{PresenceTable, VoiceCommand};
    /// use ctisvr_core::{CallCommand, Command, State};
    /// let command = VoiceCommand::AcceptCall.command(&State::default(), &PresenceTable::default());
    /// assert_eq!(command, Ok(Command::Call(CallCommand::Answer)));
    /// ```
    pub fn command(&self, state: &State, table: &PresenceTable) -> Result<Command, VoiceRefusal> {
        let call = |command| Ok(Command::Call(command));
        let refuse = |what| Err(VoiceRefusal::NotSupported(what));
        // A consultation beside the held first call (not one left alone
        // after the customer hung up).
        let consulting = state.calls.iter().any(|c| c.consultation) && state.calls.iter().any(|c| !c.consultation);
        let conference = state.calls.iter().any(|c| c.conference);
        match self {
            VoiceCommand::AcceptCall => call(CallCommand::Answer),
            VoiceCommand::EndCall(Leg::Agent) if consulting => call(CallCommand::Transfer { number: None }),
            VoiceCommand::EndCall(Leg::Agent) => call(CallCommand::HangUp),
            VoiceCommand::EndCall(Leg::Participant { number }) if conference => {
                call(CallCommand::DropParty { party: number.clone() })
            }
            VoiceCommand::EndCall(Leg::Participant { .. }) if consulting => call(CallCommand::Reconnect),
            VoiceCommand::EndCall(Leg::Participant { .. }) => call(CallCommand::HangUp),
            VoiceCommand::Hold => call(CallCommand::Hold),
            VoiceCommand::Resume => call(CallCommand::Retrieve),
            VoiceCommand::Dial { number } => call(CallCommand::Dial { number: number.clone() }),
            VoiceCommand::SendDigits { digits } => call(CallCommand::SendDtmf { digits: digits.clone() }),
            VoiceCommand::AddParticipant { number, blind: false } => {
                call(CallCommand::Consult { number: number.clone() })
            }
            VoiceCommand::AddParticipant { number, blind: true } => {
                call(CallCommand::Transfer { number: Some(number.clone()) })
            }
            VoiceCommand::Conference => call(CallCommand::Conference { number: None }),
            VoiceCommand::SetAgentStatus { status_id } => match table.presence(status_id) {
                Some(presence) => Ok(agent_command(presence)),
                None => Err(VoiceRefusal::UnknownStatus(status_id.clone())),
            },
            VoiceCommand::WrapUpCall => Ok(agent_command(Presence::Mode { mode: table.ready_mode(), reason: None })),
            VoiceCommand::Logout => Ok(Command::Agent(AgentCommand::Logout)),
            VoiceCommand::DeclineCall => refuse(Unsupported::DeclineCall),
            VoiceCommand::Swap => refuse(Unsupported::Swap),
            VoiceCommand::Mute => refuse(Unsupported::Mute),
            VoiceCommand::Unmute => refuse(Unsupported::Unmute),
            VoiceCommand::PauseRecording => refuse(Unsupported::PauseRecording),
            VoiceCommand::ResumeRecording => refuse(Unsupported::ResumeRecording),
        }
    }
}

fn agent_command(presence: Presence) -> Command {
    match presence {
        Presence::LoggedOut => Command::Agent(AgentCommand::Logout),
        // The password: the session has it from the login, or asks for it.
        Presence::Mode { mode, reason } => Command::Agent(AgentCommand::SetState { mode, reason, password: None }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::{Call, CallState};
    use crate::voice::test_call;
    use crate::wire::{ReasonCode, WorkMode};

    fn call(state: CallState, consultation: bool, conference: bool) -> Call {
        Call { consultation, conference, ..test_call(1, state) }
    }

    fn with(calls: Vec<Call>) -> State {
        State { calls, ..State::default() }
    }

    #[test]
    fn call_requests_map_to_the_calls_commands() {
        let table = PresenceTable::default();
        let one = with(vec![call(CallState::Connected, false, false)]);
        let cases = [
            (VoiceCommand::AcceptCall, CallCommand::Answer),
            (VoiceCommand::EndCall(Leg::Agent), CallCommand::HangUp),
            (VoiceCommand::Hold, CallCommand::Hold),
            (VoiceCommand::Resume, CallCommand::Retrieve),
            (
                VoiceCommand::Dial { number: "+1 (415) 555-0100".into() },
                CallCommand::Dial { number: "+1 (415) 555-0100".into() },
            ),
            (VoiceCommand::SendDigits { digits: "12#".into() }, CallCommand::SendDtmf { digits: "12#".into() }),
            (
                VoiceCommand::AddParticipant { number: "2002".into(), blind: false },
                CallCommand::Consult { number: "2002".into() },
            ),
            (
                VoiceCommand::AddParticipant { number: "2002".into(), blind: true },
                CallCommand::Transfer { number: Some("2002".into()) },
            ),
            (VoiceCommand::Conference, CallCommand::Conference { number: None }),
        ];
        for (voice, expected) in cases {
            assert_eq!(voice.command(&one, &table), Ok(Command::Call(expected)), "{voice:?}");
        }
    }

    #[test]
    fn ending_a_leg_depends_on_the_calls() {
        let table = PresenceTable::default();
        let consulting = with(vec![call(CallState::Held, false, false), call(CallState::Connected, true, false)]);
        let agent = VoiceCommand::EndCall(Leg::Agent);
        let participant = VoiceCommand::EndCall(Leg::Participant { number: Some("2002".into()) });
        // The agent leaves a consultation: the two others stay together.
        assert_eq!(agent.command(&consulting, &table), Ok(Command::Call(CallCommand::Transfer { number: None })));
        // The added participant is let go: back to the held caller.
        assert_eq!(participant.command(&consulting, &table), Ok(Command::Call(CallCommand::Reconnect)));
        let conference = with(vec![call(CallState::Connected, false, true)]);
        assert_eq!(
            participant.command(&conference, &table),
            Ok(Command::Call(CallCommand::DropParty { party: Some("2002".into()) }))
        );
        assert_eq!(agent.command(&conference, &table), Ok(Command::Call(CallCommand::HangUp)));
    }

    #[test]
    fn presence_statuses_go_through_the_table() {
        let table = PresenceTable::parse("0N51=manual; 0N52=aux/3; 0N53=acw; 0=logout").unwrap_or_default();
        let set = |id: &str| VoiceCommand::SetAgentStatus { status_id: id.into() }.command(&State::default(), &table);
        let state = |mode, reason| Ok(Command::Agent(AgentCommand::SetState { mode, reason, password: None }));
        assert_eq!(set("0N51"), state(WorkMode::Manual, None));
        assert_eq!(set("0N52"), state(WorkMode::Aux, ReasonCode::new(3)));
        assert_eq!(set("0N53"), state(WorkMode::Acw, None));
        assert_eq!(set("0"), Ok(Command::Agent(AgentCommand::Logout)));
        assert_eq!(set("0N59"), Err(VoiceRefusal::UnknownStatus("0N59".into())));
        // Wrap-up returns to the table's first ready mode; without one, Auto-In.
        assert_eq!(VoiceCommand::WrapUpCall.command(&State::default(), &table), state(WorkMode::Manual, None));
        assert_eq!(
            VoiceCommand::WrapUpCall.command(&State::default(), &PresenceTable::default()),
            state(WorkMode::Auto, None)
        );
    }

    #[test]
    fn desk_phone_mode_refuses_what_the_set_or_ctisvr_does_not_do() {
        for (voice, what) in [
            (VoiceCommand::Mute, Unsupported::Mute),
            (VoiceCommand::Unmute, Unsupported::Unmute),
            (VoiceCommand::PauseRecording, Unsupported::PauseRecording),
            (VoiceCommand::ResumeRecording, Unsupported::ResumeRecording),
            (VoiceCommand::Swap, Unsupported::Swap),
            (VoiceCommand::DeclineCall, Unsupported::DeclineCall),
        ] {
            assert_eq!(
                voice.command(&State::default(), &PresenceTable::default()),
                Err(VoiceRefusal::NotSupported(what))
            );
        }
    }
}
