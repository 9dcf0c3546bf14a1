//! What the core reports, as Salesforce Voice telephony events (issue 14;
//! the SDK's `publishEvent` types). The JS layer builds the SDK's result
//! classes from them (`CallResult`, `HangupResult`, `HoldToggleResult`, …).
//!
//! | the core reports | Salesforce Voice event |
//! |---|---|
//! | a call appears ringing (inbound or dialled) | `CALL_STARTED` |
//! | a consultation appears | `PARTICIPANT_ADDED` |
//! | a ringing call connects | `CALL_CONNECTED` (`PARTICIPANT_CONNECTED` for a consultation) |
//! | a connected call is held, a held one retrieved | `HOLD_TOGGLE` |
//! | calls joined in a conference | `PARTICIPANTS_CONFERENCED` |
//! | a call ends while another stays (the consultation, or the customer during one) | `PARTICIPANT_REMOVED` |
//! | the last call ends (either side, or busy) | `HANGUP` |
//! | the agent enters after-call work | `AFTER_CALL_WORK_STARTED` |
//! | the agent's state changes (either side) | `SET_AGENT_STATUS` with the table's status id |
//!
//! A call that appears already connected or held (the calls restored after
//! a reload or a reconnect) starts no event: Salesforce finds it through
//! `getActiveCalls` ([`super::active_calls`]). When Salesforce itself asked
//! (for example `acceptCall`), the SDK publishes the event from the
//! method's result; the JS layer then does not publish it a second time.

use super::calls::VoiceCall;
use super::presence::{Presence, PresenceTable};
use crate::agent::AgentStatus;
use crate::calls::{CallChange, CallId, CallState};
use crate::updates::Update;
use crate::wire::{SkillMode, WorkMode};

/// A Salesforce Voice telephony event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoiceEvent {
    CallStarted(VoiceCall),
    ParticipantAdded(VoiceCall),
    CallConnected(VoiceCall),
    ParticipantConnected(VoiceCall),
    HoldToggle {
        call: VoiceCall,
        held: bool,
    },
    ParticipantsConferenced(VoiceCall),
    ParticipantRemoved(VoiceCall),
    Hangup(VoiceCall),
    /// With the call that ended last, if one did (the SDK's demo sends its id).
    AfterCallWorkStarted {
        call: Option<CallId>,
    },
    /// The presence status of the agent's state, from the table.
    SetAgentStatus {
        status_id: String,
    },
}

impl VoiceEvent {
    /// The SDK's name of the event (`EVENT_TYPE` in its constants).
    pub fn name(&self) -> &'static str {
        match self {
            VoiceEvent::CallStarted(_) => "CALL_STARTED",
            VoiceEvent::ParticipantAdded(_) => "PARTICIPANT_ADDED",
            VoiceEvent::CallConnected(_) => "CALL_CONNECTED",
            VoiceEvent::ParticipantConnected(_) => "PARTICIPANT_CONNECTED",
            VoiceEvent::HoldToggle { .. } => "HOLD_TOGGLE",
            VoiceEvent::ParticipantsConferenced(_) => "PARTICIPANTS_CONFERENCED",
            VoiceEvent::ParticipantRemoved(_) => "PARTICIPANT_REMOVED",
            VoiceEvent::Hangup(_) => "HANGUP",
            VoiceEvent::AfterCallWorkStarted { .. } => "AFTER_CALL_WORK_STARTED",
            VoiceEvent::SetAgentStatus { .. } => "SET_AGENT_STATUS",
        }
    }
}

/// The agent's state as a presence: `None` while it is not known (or a
/// mode we do not know).
pub fn presence_of(status: &AgentStatus) -> Option<Presence> {
    match status {
        AgentStatus::Unknown => None,
        AgentStatus::LoggedOut => Some(Presence::LoggedOut),
        AgentStatus::LoggedIn { mode: Some(SkillMode::Mode(mode)), reason, .. } => {
            Some(Presence::Mode { mode: *mode, reason: *reason })
        }
        AgentStatus::LoggedIn { .. } => None,
    }
}

/// Turns the session's updates into events; remembers what it needs to
/// tell a change from the last (each call's state, the status shown).
#[derive(Debug, Clone, Default)]
pub struct VoiceEvents {
    calls: Vec<(CallId, CallState, bool)>,
    status: Option<String>,
    /// The call that ended last (for `AFTER_CALL_WORK_STARTED`).
    last_ended: Option<CallId>,
}

impl VoiceEvents {
    /// The events `update` makes, in order.
    pub fn update(&mut self, update: &Update, table: &PresenceTable) -> Vec<VoiceEvent> {
        match update {
            Update::Call(change) => self.call(change),
            Update::AgentChanged(status) => self.agent(status, table),
            _ => Vec::new(),
        }
    }

    fn call(&mut self, change: &CallChange) -> Vec<VoiceEvent> {
        match change {
            CallChange::Appeared(call) => {
                self.calls.push((call.id, call.state, call.conference));
                let voice = VoiceCall::of(call);
                match call.state {
                    CallState::RingingIn | CallState::RingingOut if call.consultation => {
                        vec![VoiceEvent::ParticipantAdded(voice)]
                    }
                    CallState::RingingIn | CallState::RingingOut => vec![VoiceEvent::CallStarted(voice)],
                    CallState::Failed => vec![VoiceEvent::CallStarted(voice.clone()), VoiceEvent::Hangup(voice)],
                    CallState::Connected | CallState::Held => Vec::new(),
                }
            }
            CallChange::Changed(call) => {
                let Some(known) = self.calls.iter_mut().find(|(id, ..)| *id == call.id) else {
                    return self.call(&CallChange::Appeared(call.clone()));
                };
                let (was, was_conference) = (known.1, known.2);
                *known = (call.id, call.state, call.conference);
                let voice = VoiceCall::of(call);
                if call.conference && !was_conference {
                    // Joining retrieves the held leg: one event, not a hold toggle too.
                    return vec![VoiceEvent::ParticipantsConferenced(voice)];
                }
                let mut events = Vec::with_capacity(1);
                match (was, call.state) {
                    (CallState::RingingIn | CallState::RingingOut, CallState::Connected) if call.consultation => {
                        events.push(VoiceEvent::ParticipantConnected(voice.clone()))
                    }
                    (CallState::RingingIn | CallState::RingingOut, CallState::Connected) => {
                        events.push(VoiceEvent::CallConnected(voice.clone()))
                    }
                    (CallState::Connected, CallState::Held) => {
                        events.push(VoiceEvent::HoldToggle { call: voice.clone(), held: true })
                    }
                    (CallState::Held, CallState::Connected) => {
                        events.push(VoiceEvent::HoldToggle { call: voice.clone(), held: false })
                    }
                    (was, CallState::Failed) if was != CallState::Failed => {
                        events.push(VoiceEvent::Hangup(voice.clone()))
                    }
                    _ => {}
                }
                events
            }
            CallChange::Ended(call) => {
                let failed = self.calls.iter().any(|(id, state, _)| *id == call.id && *state == CallState::Failed);
                self.calls.retain(|(id, ..)| *id != call.id);
                if failed {
                    return Vec::new(); // its HANGUP went when it failed
                }
                self.last_ended = Some(call.id);
                let voice = VoiceCall::of(call);
                // A leg that ends while another stays (the consultation, or
                // the customer hanging up during one) is a participant leaving.
                if self.calls.is_empty() {
                    vec![VoiceEvent::Hangup(voice)]
                } else {
                    vec![VoiceEvent::ParticipantRemoved(voice)]
                }
            }
        }
    }

    /// Whether a call is still up, as the updates so far told.
    pub fn has_calls(&self) -> bool {
        !self.calls.is_empty()
    }

    /// Salesforce set status `status_id` itself: the state change it
    /// causes is not published back (a status the table does not name is
    /// ignored).
    pub fn show_status(&mut self, status_id: &str, table: &PresenceTable) {
        if table.presence(status_id).is_some() {
            self.status = Some(status_id.to_owned());
        }
    }

    /// The status id shown to Salesforce, if any.
    pub fn shown(&self) -> Option<&str> {
        self.status.as_deref()
    }

    fn agent(&mut self, status: &AgentStatus, table: &PresenceTable) -> Vec<VoiceEvent> {
        // Logged in, mode not known yet (or one we do not know): nothing to say.
        let Some(presence) = presence_of(status) else { return Vec::new() };
        let mut events = Vec::new();
        let entering_acw = matches!(presence, Presence::Mode { mode: WorkMode::Acw, .. })
            && !self
                .status
                .as_deref()
                .and_then(|id| table.presence(id))
                .is_some_and(|shown| matches!(shown, Presence::Mode { mode: WorkMode::Acw, .. }));
        if entering_acw {
            events.push(VoiceEvent::AfterCallWorkStarted { call: self.last_ended });
        }
        let shown = self.status.as_deref().and_then(|id| table.presence(id));
        if let Some(id) = table.status_of(presence) {
            // Two statuses may name one mode: the one shown stays if it fits.
            if shown != Some(presence) && self.status.as_deref() != Some(id) {
                self.status = Some(id.to_owned());
                events.push(VoiceEvent::SetAgentStatus { status_id: id.to_owned() });
            }
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::Direction;
    use crate::voice::test_call as call;
    use crate::wire::ReasonCode;

    fn names(events: &[VoiceEvent]) -> Vec<&'static str> {
        events.iter().map(VoiceEvent::name).collect()
    }

    #[test]
    fn an_inbound_call_answered_held_retrieved_and_hung_up() {
        let (mut events, table) = (VoiceEvents::default(), PresenceTable::default());
        let mut run = |change| names(&events.update(&Update::Call(change), &table));
        assert_eq!(run(CallChange::Appeared(call(1, CallState::RingingIn))), ["CALL_STARTED"]);
        assert_eq!(run(CallChange::Changed(call(1, CallState::Connected))), ["CALL_CONNECTED"]);
        assert_eq!(run(CallChange::Changed(call(1, CallState::Connected))), Vec::<&str>::new(), "no change");
        assert_eq!(run(CallChange::Changed(call(1, CallState::Held))), ["HOLD_TOGGLE"]);
        assert_eq!(run(CallChange::Changed(call(1, CallState::Connected))), ["HOLD_TOGGLE"]);
        assert_eq!(run(CallChange::Ended(call(1, CallState::Connected))), ["HANGUP"]);
    }

    #[test]
    fn a_consultation_is_a_participant_then_a_conference() {
        let (mut events, table) = (VoiceEvents::default(), PresenceTable::default());
        let mut run = |change| events.update(&Update::Call(change), &table);
        run(CallChange::Appeared(call(1, CallState::Connected)));
        run(CallChange::Changed(call(1, CallState::Held)));
        let mut consult = call(2, CallState::RingingOut);
        consult.consultation = true;
        assert_eq!(names(&run(CallChange::Appeared(consult.clone()))), ["PARTICIPANT_ADDED"]);
        consult.state = CallState::Connected;
        assert_eq!(names(&run(CallChange::Changed(consult.clone()))), ["PARTICIPANT_CONNECTED"]);
        // Let go while the caller is held: the participant goes, the call stays.
        assert_eq!(names(&run(CallChange::Ended(consult))), ["PARTICIPANT_REMOVED"]);
        let mut joined = call(1, CallState::Connected);
        joined.conference = true;
        assert_eq!(names(&run(CallChange::Changed(joined))), ["PARTICIPANTS_CONFERENCED"]);
    }

    #[test]
    fn a_busy_number_starts_and_hangs_up_once_and_a_restored_call_starts_nothing() {
        let (mut events, table) = (VoiceEvents::default(), PresenceTable::default());
        let mut run = |change| names(&events.update(&Update::Call(change), &table));
        let mut dialled = call(1, CallState::RingingOut);
        dialled.direction = Direction::Outbound;
        assert_eq!(run(CallChange::Appeared(dialled.clone())), ["CALL_STARTED"]);
        dialled.state = CallState::Failed;
        assert_eq!(run(CallChange::Changed(dialled.clone())), ["HANGUP"]);
        assert_eq!(run(CallChange::Ended(dialled)), Vec::<&str>::new());
        assert_eq!(run(CallChange::Appeared(call(2, CallState::Connected))), Vec::<&str>::new());
        assert_eq!(run(CallChange::Ended(call(2, CallState::Connected))), ["HANGUP"]);
    }

    #[test]
    fn agent_states_become_presence_statuses_once_each() {
        let table = PresenceTable::parse("0N51=auto; 0N52=aux/3; 0N53=acw; 0=logout").unwrap_or_default();
        let mut events = VoiceEvents::default();
        let mut run = |mode: WorkMode, reason: Option<u8>| {
            let status = AgentStatus::LoggedIn {
                agent_id: "1001".into(),
                mode: Some(SkillMode::Mode(mode)),
                reason: reason.and_then(ReasonCode::new),
            };
            events.update(&Update::AgentChanged(status), &table)
        };
        assert_eq!(run(WorkMode::Auto, None), [VoiceEvent::SetAgentStatus { status_id: "0N51".into() }]);
        assert_eq!(run(WorkMode::Auto, None), [], "the same status is not sent twice");
        assert_eq!(
            run(WorkMode::Acw, None),
            [VoiceEvent::AfterCallWorkStarted { call: None }, VoiceEvent::SetAgentStatus { status_id: "0N53".into() }]
        );
        assert_eq!(run(WorkMode::Aux, Some(3)), [VoiceEvent::SetAgentStatus { status_id: "0N52".into() }]);
        // A mode the table does not name: nothing is claimed.
        assert_eq!(run(WorkMode::Manual, None), []);
        let out = events.update(&Update::AgentChanged(AgentStatus::LoggedOut), &table);
        assert_eq!(out, [VoiceEvent::SetAgentStatus { status_id: "0".into() }]);
        assert_eq!(events.update(&Update::AgentChanged(AgentStatus::Unknown), &table), []);
    }
}
