//! The connector's bookkeeping between Salesforce and the session (issue
//! 14): which of the core's events answer a request Salesforce made, and
//! which Salesforce must be told of. Sans-IO like the session: requests and
//! updates go in with the time, outputs are drained.
//!
//! Salesforce's SDK awaits each connector method and publishes the event
//! from its result itself (`acceptCall` resolves with the call connected,
//! and the SDK sends `CALL_CONNECTED`), so an event that answers a request
//! must resolve it and must not be published too. Everything else (a call
//! ringing, the far end hanging up, the ACD starting after-call work) is
//! published.
//!
//! | request | resolved by | else |
//! |---|---|---|
//! | `acceptCall` | `CALL_CONNECTED` | |
//! | `hold` / `resume` | `HOLD_TOGGLE` (held / retrieved) | |
//! | `dial` | `CALL_STARTED`, or `PARTICIPANT_ADDED` when on a call | |
//! | `endCall` | the named call's `HANGUP` or `PARTICIPANT_REMOVED`; while consulting (a transfer), the last call's | |
//! | `addParticipant` | `PARTICIPANT_ADDED`; blind (a transfer): the last call's `HANGUP` | |
//! | `conference` | `PARTICIPANTS_CONFERENCED` | |
//! | `setAgentStatus`, `wrapUpCall`, `sendDigits`, `logout` | at once, once the session took the command | |
//! | `init` | CtiSVR reached and the agent known (logged in: ready; else the login page) | rejected after [`INIT_WITHIN`] |
//!
//! The agent's state as the start-up finds it is not published (it is no
//! change); from `init`'s answer on, the ACD's changes are.
//! | the login page's login | the agent logged in: `LOGIN_RESULT` | |
//! | any | | rejected: the session refused it, CtiSVR refused it, the connection went, or [`ANSWER_WITHIN`] passed |

use super::commands::{Leg, VoiceCommand, VoiceRefusal};
use super::events::{VoiceEvent, VoiceEvents};
use super::presence::PresenceTable;
use super::sdk_requests::SdkRequestError;
use crate::agent::AgentStatus;
use crate::calls::CallId;
use crate::command::{Command, Rejected};
use crate::problem::Problem;
use crate::state::State;
use crate::time::Millis;
use crate::updates::Update;
use serde_json::Value;
use std::collections::VecDeque;
use std::time::Duration;

/// How long a request waits for the event that answers it. Longer than
/// the session's own request timeout (10 s by default), which rejects it
/// first with CtiSVR's reason.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(15);

/// How long `init` waits for CtiSVR (both servers, with the retries
/// between) before Salesforce is told the connector cannot log in.
pub const INIT_WITHIN: Duration = Duration::from_secs(20);

/// The JS layer's number for one Salesforce request (its promise).
pub type Ticket = u32;

/// What the connector's edge must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoiceOutput {
    /// An event Salesforce did not ask for: publish it.
    Publish(VoiceEvent),
    /// Request `ticket` is done: resolve its promise, with the event it
    /// made when it made one (the SDK publishes it from the result).
    Resolve { ticket: Ticket, event: Option<VoiceEvent> },
    /// Request `ticket` failed: reject its promise.
    Reject { ticket: Ticket, reason: VoiceFailure },
    /// `init` (`ticket`) is answered: CtiSVR is reached and has said
    /// whether an agent is logged in at the extension. Without one the
    /// SDK shows the login page (`InitResult({showLogin: true})`); with
    /// one (a reload, or a login elsewhere) the connector is ready at once
    /// and Salesforce finds the calls through `getActiveCalls`.
    Initialized { ticket: Ticket, show_login: bool },
    /// The agent logged in (`ticket` was the login page's): publish
    /// `LOGIN_RESULT`, which makes the SDK send `CONNECTOR_READY`.
    LoggedIn { ticket: Ticket },
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoiceFailure {
    /// No CtiSVR counterpart in desk-phone mode, or a status the table
    /// does not name.
    Refused(VoiceRefusal),
    /// The session would not send it (not connected, the calls do not
    /// allow it, another request in flight…).
    Rejected(Rejected),
    /// CtiSVR refused it, or the connection went before it answered: the
    /// notice's words, as the agent would read them.
    Failed(String),
    /// Nothing answered within [`ANSWER_WITHIN`].
    TimedOut,
    /// `init`: CtiSVR could not be reached within [`INIT_WITHIN`].
    Unreachable,
    /// The JS layer's request could not be read.
    Unreadable(SdkRequestError),
}

/// The connector's state beside the session's.
#[derive(Debug, Clone, Default)]
pub struct VoiceConnector {
    table: PresenceTable,
    events: VoiceEvents,
    pending: VecDeque<Pending>,
    outputs: VecDeque<VoiceOutput>,
    /// `init`'s ticket and when it gives up, until CtiSVR is reached.
    init: Option<(Ticket, Millis)>,
    /// `init` was answered: from then on the agent's state is news to
    /// Salesforce (before, it is the start-up's, not a change).
    initialized: bool,
}

#[derive(Debug, Clone)]
struct Pending {
    ticket: Ticket,
    answer: Answer,
    deadline: Millis,
}

/// The event that answers a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Connected,
    HoldToggle {
        held: bool,
    },
    Started,
    Ended(CallId),
    /// A transfer: every call ends; the legs' ends before the last are
    /// part of it, not news.
    AllEnded,
    Added,
    Conferenced,
    LoggedIn,
}

impl Answer {
    fn answers(self, event: &VoiceEvent) -> bool {
        match (self, event) {
            (Answer::Connected, VoiceEvent::CallConnected(_)) => true,
            (Answer::HoldToggle { held }, VoiceEvent::HoldToggle { held: now, .. }) => held == *now,
            (Answer::Started, VoiceEvent::CallStarted(_) | VoiceEvent::ParticipantAdded(_)) => true,
            (Answer::Ended(id), VoiceEvent::Hangup(call) | VoiceEvent::ParticipantRemoved(call)) => call.id == id,
            (Answer::AllEnded, VoiceEvent::Hangup(_) | VoiceEvent::ParticipantRemoved(_)) => true,
            (Answer::Added, VoiceEvent::ParticipantAdded(_)) => true,
            (Answer::Conferenced, VoiceEvent::ParticipantsConferenced(_)) => true,
            _ => false,
        }
    }
}

impl VoiceConnector {
    /// A connector mapping presence through `table`.
    pub fn new(table: PresenceTable) -> VoiceConnector {
        VoiceConnector { table, ..VoiceConnector::default() }
    }

    pub fn table(&self) -> &PresenceTable {
        &self.table
    }

    /// Salesforce asks `command` (its promise is `ticket`) of the calls in
    /// `state`. Returns the core command to give the session, or `None`
    /// when the request is already answered (refused: see
    /// [`VoiceConnector::poll_output`]). After giving it, report the
    /// session's verdict with [`VoiceConnector::handle_verdict`].
    pub fn handle_request(&mut self, ticket: Ticket, command: &VoiceCommand, state: &State) -> Option<Command> {
        match command.command(state, &self.table) {
            Ok(core) => Some(core),
            Err(refusal) => {
                self.outputs.push_back(VoiceOutput::Reject { ticket, reason: VoiceFailure::Refused(refusal) });
                None
            }
        }
    }

    /// As [`VoiceConnector::handle_request`], from the JS layer's JSON
    /// ([`super::sdk_requests`]): the decoded request and the core command
    /// to give the session, or `None` (the request is rejected).
    pub fn handle_sdk_request(
        &mut self,
        ticket: Ticket,
        request: &Value,
        state: &State,
    ) -> Option<(VoiceCommand, Command)> {
        match VoiceCommand::from_sdk(request, state) {
            Ok(command) => self.handle_request(ticket, &command, state).map(|core| (command, core)),
            Err(error) => {
                self.outputs.push_back(VoiceOutput::Reject { ticket, reason: VoiceFailure::Unreadable(error) });
                None
            }
        }
    }

    /// The session's verdict on request `ticket`'s command: refused, or
    /// taken, and then either answered at once or when its event comes.
    pub fn handle_verdict(
        &mut self,
        now: Millis,
        ticket: Ticket,
        command: &VoiceCommand,
        state: &State,
        verdict: Result<(), Rejected>,
    ) {
        if let Err(rejected) = verdict {
            self.outputs.push_back(VoiceOutput::Reject { ticket, reason: VoiceFailure::Rejected(rejected) });
            return;
        }
        let answer = match command {
            VoiceCommand::AcceptCall => Answer::Connected,
            VoiceCommand::Hold => Answer::HoldToggle { held: true },
            VoiceCommand::Resume => Answer::HoldToggle { held: false },
            VoiceCommand::Dial { .. } => Answer::Started,
            VoiceCommand::EndCall(Leg::Agent) if state.calls.iter().any(|c| c.consultation) => Answer::AllEnded,
            VoiceCommand::EndCall(leg) => match ended_call(leg, state) {
                Some(id) => Answer::Ended(id),
                None => return self.resolve(ticket, None),
            },
            VoiceCommand::AddParticipant { blind: false, .. } => Answer::Added,
            VoiceCommand::AddParticipant { blind: true, .. } => Answer::AllEnded,
            VoiceCommand::Conference => Answer::Conferenced,
            VoiceCommand::SetAgentStatus { status_id } => {
                // Salesforce chose this status: the change it makes is not news to it.
                self.events.show_status(status_id, &self.table);
                return self.resolve(ticket, None);
            }
            _ => return self.resolve(ticket, None),
        };
        self.pending.push_back(Pending { ticket, answer, deadline: now + ANSWER_WITHIN });
    }

    /// Salesforce called `init` (its promise is `ticket`), with the
    /// session configured: answered once the session is ready and knows
    /// the agent, or rejected after [`INIT_WITHIN`].
    pub fn handle_init(&mut self, now: Millis, ticket: Ticket, state: &State) {
        self.init = Some((ticket, now + INIT_WITHIN));
        self.check_init(state);
    }

    /// The login page's login (`ticket`), and the session's verdict on it.
    pub fn handle_login(&mut self, now: Millis, ticket: Ticket, verdict: Result<(), Rejected>) {
        match verdict {
            Err(rejected) => {
                self.outputs.push_back(VoiceOutput::Reject { ticket, reason: VoiceFailure::Rejected(rejected) })
            }
            Ok(()) => {
                self.pending.push_back(Pending { ticket, answer: Answer::LoggedIn, deadline: now + ANSWER_WITHIN })
            }
        }
    }

    /// After every batch of updates: the state the session is now in.
    pub fn handle_state(&mut self, state: &State) {
        self.check_init(state);
        if matches!(state.agent, AgentStatus::LoggedIn { .. }) {
            while let Some(index) = self.pending.iter().position(|p| p.answer == Answer::LoggedIn) {
                if let Some(pending) = self.pending.remove(index) {
                    self.outputs.push_back(VoiceOutput::LoggedIn { ticket: pending.ticket });
                }
            }
        }
    }

    fn check_init(&mut self, state: &State) {
        let Some((ticket, _)) = self.init else { return };
        let show_login = match state.agent {
            // Salesforce asks getActiveCalls next: the calls must be in.
            _ if !state.ready || state.reading_calls => return,
            AgentStatus::Unknown => return,
            AgentStatus::LoggedOut => true,
            AgentStatus::LoggedIn { .. } => false,
        };
        self.init = None;
        self.initialized = true;
        self.outputs.push_back(VoiceOutput::Initialized { ticket, show_login });
    }

    /// An update from the session: its events answer requests or are published;
    /// a failed request's notice rejects the request waiting longest.
    pub fn handle_update(&mut self, update: &Update) {
        if let Update::Notice(notice) = update {
            if matches!(notice.problem, Problem::RequestFailed { .. } | Problem::NotConfirmed(_)) {
                if let Some(pending) = self.pending.pop_front() {
                    let reason = VoiceFailure::Failed(notice.text.clone());
                    self.outputs.push_back(VoiceOutput::Reject { ticket: pending.ticket, reason });
                }
            }
            return;
        }
        for event in self.events.update(update, &self.table) {
            let agent_state = matches!(event, VoiceEvent::SetAgentStatus { .. } | VoiceEvent::AfterCallWorkStarted);
            if agent_state && !self.initialized {
                continue;
            }
            match self.pending.iter().position(|p| p.answer.answers(&event)) {
                Some(index) if self.pending.get(index).is_some_and(|p| p.answer == Answer::AllEnded) => {
                    if self.events.has_calls() {
                        continue; // a leg of the transfer
                    }
                    if let Some(pending) = self.pending.remove(index) {
                        self.resolve(pending.ticket, Some(event));
                    }
                }
                Some(index) => {
                    let ticket = self.pending.remove(index).map(|p| p.ticket);
                    if let Some(ticket) = ticket {
                        self.resolve(ticket, Some(event));
                    }
                }
                None => self.outputs.push_back(VoiceOutput::Publish(event)),
            }
        }
    }

    /// When [`VoiceConnector::handle_timeout`] must next be called.
    pub fn poll_timeout(&self) -> Option<Millis> {
        self.pending.iter().map(|p| p.deadline).chain(self.init.map(|(_, at)| at)).min()
    }

    /// Rejects the requests whose answer is overdue.
    pub fn handle_timeout(&mut self, now: Millis) {
        let (late, waiting): (VecDeque<Pending>, VecDeque<Pending>) =
            self.pending.drain(..).partition(|p| p.deadline <= now);
        self.pending = waiting;
        if let Some((ticket, _)) = self.init.filter(|(_, at)| *at <= now) {
            self.init = None;
            self.outputs.push_back(VoiceOutput::Reject { ticket, reason: VoiceFailure::Unreachable });
        }
        for pending in late {
            self.outputs.push_back(VoiceOutput::Reject { ticket: pending.ticket, reason: VoiceFailure::TimedOut });
        }
    }

    /// The next thing to do.
    pub fn poll_output(&mut self) -> Option<VoiceOutput> {
        self.outputs.pop_front()
    }

    fn resolve(&mut self, ticket: Ticket, event: Option<VoiceEvent>) {
        self.outputs.push_back(VoiceOutput::Resolve { ticket, event });
    }
}

/// The call `endCall` ends: the consultation for an added participant,
/// else the agent's first call.
fn ended_call(leg: &Leg, state: &State) -> Option<CallId> {
    let consultation = state.calls.iter().find(|c| c.consultation);
    let first = state.calls.iter().find(|c| !c.consultation);
    match leg {
        Leg::Participant { .. } if state.calls.iter().any(|c| c.conference) => None,
        Leg::Participant { .. } => consultation.or(first).map(|c| c.id),
        Leg::Agent => first.or(consultation).map(|c| c.id),
    }
}
