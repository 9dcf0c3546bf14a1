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

use super::calls::VoiceCall;
use super::commands::{Leg, VoiceCommand, VoiceRefusal};
use super::events::{presence_of, VoiceEvent, VoiceEvents};
use super::presence::{Presence, PresenceTable};
use super::sdk_requests::SdkRequestError;
use crate::agent::AgentCommand;
use crate::agent::AgentStatus;
use crate::calls::CallAction;
use crate::calls::CallId;
use crate::command::{Command, Rejected};
use crate::problem::Problem;
use crate::request_name::RequestName;
use crate::state::State;
use crate::time::Millis;
use crate::updates::Update;
use crate::wire::WorkMode;
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
    /// The login page's login (`ticket`) went through.
    LoggedIn { ticket: Ticket },
    /// After `init`, the agent became logged in (the login page, or
    /// elsewhere): publish `LOGIN_RESULT`, which makes the SDK send
    /// `CONNECTOR_READY`.
    AgentLoggedIn,
    /// After `init`, the agent became logged out, not at Salesforce's
    /// `logout` (an Offline status mapped to `logout`, the desk set, the
    /// ACD): publish `LOGOUT_RESULT`, so that Salesforce offers the login
    /// again.
    AgentLoggedOut,
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
    /// Whether Salesforce was last told the agent is logged in (`None`
    /// when it was told nothing: `init` failed).
    told_logged_in: Option<bool>,
    /// Participants leaving in this batch of updates: told at its end,
    /// unless the batch merged them into a conference.
    leaving: Vec<VoiceEvent>,
    conferenced: bool,
    /// The last status Salesforce set that CtiSVR took: where the agent
    /// goes back to after after-call work.
    chosen: Option<String>,
}

#[derive(Debug, Clone)]
struct Pending {
    ticket: Ticket,
    answer: Answer,
    deadline: Millis,
    /// The request sent for it, to tell which one a failure names.
    sent: Sent,
    /// `setAgentStatus`: the status to show once the ACD has it.
    status_id: Option<String>,
}

/// Which CtiSVR request a pending one sent (no password kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    Call(CallAction),
    ChangeTo(WorkMode),
    Logout,
    Login,
    Other,
}

impl Sent {
    fn of(command: &Command) -> Sent {
        match command {
            Command::Call(call) => Sent::Call(call.action()),
            Command::Agent(AgentCommand::SetState { mode, .. }) => Sent::ChangeTo(*mode),
            Command::Agent(AgentCommand::Logout) => Sent::Logout,
            Command::Agent(AgentCommand::Login { .. }) => Sent::Login,
            _ => Sent::Other,
        }
    }

    /// Whether `name`, a request CtiSVR refused or did not confirm, is this one.
    fn is(self, name: &RequestName) -> bool {
        match (self, name) {
            (Sent::Call(sent), RequestName::Call { action, .. }) => sent == *action,
            (Sent::ChangeTo(sent), RequestName::ChangeTo(mode)) => sent == *mode,
            (Sent::Logout, RequestName::Logout) | (Sent::Login, RequestName::Login) => true,
            _ => false,
        }
    }
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
    /// The agent in this presence (`setAgentStatus`, `wrapUpCall`).
    Presence(Presence),
    LoggedOut,
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
        if *command == VoiceCommand::WrapUpCall {
            // Only after-call work ends; the agent goes back to the status
            // last shown (their choice), else the table's ready mode.
            if !matches!(presence_of(&state.agent), Some(Presence::Mode { mode: WorkMode::Acw, .. })) {
                self.resolve(ticket, None);
                return None;
            }
            let back = self
                .chosen
                .as_deref()
                .and_then(|id| self.table.presence(id))
                .filter(|p| !matches!(p, Presence::Mode { mode: WorkMode::Acw, .. } | Presence::LoggedOut));
            let presence = back.unwrap_or(Presence::Mode { mode: self.table.ready_mode(), reason: None });
            if let Presence::Mode { mode, reason } = presence {
                return Some(Command::Agent(AgentCommand::SetState { mode, reason, password: None }));
            }
        }
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
        sent: &Command,
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
            VoiceCommand::EndCall(Leg::Agent) if consulting(state) => Answer::AllEnded,
            VoiceCommand::EndCall(Leg::Participant { number }) if state.calls.iter().any(|c| c.conference) => {
                // dropparty: the conference stays, one party less.
                let call = state
                    .calls
                    .iter()
                    .find(|c| c.conference)
                    .map(|c| VoiceCall { other_party: number.clone().or_else(|| c.other_party()), ..VoiceCall::of(c) });
                return self.resolve(ticket, call.map(VoiceEvent::ParticipantRemoved));
            }
            VoiceCommand::EndCall(leg) => match ended_call(leg, state) {
                Some(id) => Answer::Ended(id),
                None => return self.resolve(ticket, None),
            },
            VoiceCommand::AddParticipant { blind: false, .. } => Answer::Added,
            VoiceCommand::AddParticipant { blind: true, .. } => Answer::AllEnded,
            VoiceCommand::Conference => Answer::Conferenced,
            VoiceCommand::SetAgentStatus { .. } | VoiceCommand::WrapUpCall => match sent {
                Command::Agent(AgentCommand::Logout) => Answer::LoggedOut,
                Command::Agent(AgentCommand::SetState { mode, reason, .. }) => {
                    let wanted = Presence::Mode { mode: *mode, reason: *reason };
                    if presence_of(&state.agent) == Some(wanted) {
                        self.show(command);
                        return self.resolve(ticket, None);
                    }
                    Answer::Presence(wanted)
                }
                _ => return self.resolve(ticket, None),
            },
            VoiceCommand::Logout => Answer::LoggedOut,
            _ => return self.resolve(ticket, None),
        };
        let status_id = match command {
            VoiceCommand::SetAgentStatus { status_id } => Some(status_id.clone()),
            _ => None,
        };
        self.pending.push_back(Pending {
            ticket,
            answer,
            deadline: now + ANSWER_WITHIN,
            sent: Sent::of(sent),
            status_id,
        });
    }

    /// The status Salesforce chose is shown: the change it makes is no news to it.
    fn show(&mut self, command: &VoiceCommand) {
        if let VoiceCommand::SetAgentStatus { status_id } = command {
            self.events.show_status(status_id, &self.table);
            self.chosen = Some(status_id.clone());
        }
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
            Ok(()) => self.pending.push_back(Pending {
                ticket,
                answer: Answer::LoggedIn,
                deadline: now + ANSWER_WITHIN,
                sent: Sent::Login,
                status_id: None,
            }),
        }
    }

    /// After every batch of updates: the state the session is now in.
    pub fn handle_state(&mut self, state: &State) {
        self.check_init(state);
        let logged_in = match state.agent {
            AgentStatus::LoggedIn { .. } => Some(true),
            AgentStatus::LoggedOut => Some(false),
            AgentStatus::Unknown => None,
        };
        if logged_in == Some(true) {
            while let Some(index) = self.pending.iter().position(|p| p.answer == Answer::LoggedIn) {
                if let Some(pending) = self.pending.remove(index) {
                    self.outputs.push_back(VoiceOutput::LoggedIn { ticket: pending.ticket });
                }
            }
        }
        if let Some(logged_in) = logged_in.filter(|now| self.initialized && self.told_logged_in != Some(*now)) {
            self.told_logged_in = Some(logged_in);
            let news = if logged_in { VoiceOutput::AgentLoggedIn } else { VoiceOutput::AgentLoggedOut };
            self.outputs.push_back(news);
        }
        // A consultation merged into a conference is no participant leaving.
        let leaving = std::mem::take(&mut self.leaving);
        if !std::mem::take(&mut self.conferenced) {
            self.outputs.extend(leaving.into_iter().map(VoiceOutput::Publish));
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
        self.told_logged_in = Some(!show_login);
        self.outputs.push_back(VoiceOutput::Initialized { ticket, show_login });
    }

    /// An update from the session: its events answer requests or are
    /// published; a refused request's notice rejects the request it names.
    pub fn handle_update(&mut self, update: &Update) {
        match update {
            Update::Notice(notice) => {
                let refused: &[RequestName] = match &notice.problem {
                    Problem::RequestFailed { what, .. } => std::slice::from_ref(what),
                    Problem::NotConfirmed(names) => names,
                    _ => &[],
                };
                for name in refused {
                    if let Some(index) = self.pending.iter().position(|p| p.sent.is(name)) {
                        if let Some(pending) = self.pending.remove(index) {
                            let reason = VoiceFailure::Failed(notice.text.clone());
                            self.outputs.push_back(VoiceOutput::Reject { ticket: pending.ticket, reason });
                        }
                    }
                }
                return;
            }
            Update::AgentChanged(status) => self.agent_changed(status),
            _ => {}
        }
        for event in self.events.update(update, &self.table) {
            let agent_state =
                matches!(event, VoiceEvent::SetAgentStatus { .. } | VoiceEvent::AfterCallWorkStarted { .. });
            if agent_state && !self.initialized {
                continue;
            }
            if matches!(event, VoiceEvent::ParticipantsConferenced(_)) {
                self.conferenced = true;
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
                None if matches!(event, VoiceEvent::ParticipantRemoved(_)) => self.leaving.push(event),
                None => self.outputs.push_back(VoiceOutput::Publish(event)),
            }
        }
    }

    /// The agent's state changed: the status or logout Salesforce asked for
    /// is done (before the events, so that it is not told back as news).
    fn agent_changed(&mut self, status: &AgentStatus) {
        let now = presence_of(status);
        while let Some(index) = self.pending.iter().position(|p| match p.answer {
            Answer::Presence(wanted) => now == Some(wanted),
            Answer::LoggedOut => now == Some(Presence::LoggedOut),
            _ => false,
        }) {
            let Some(pending) = self.pending.remove(index) else { break };
            if let Some(id) = &pending.status_id {
                self.events.show_status(id, &self.table);
                self.chosen = Some(id.clone());
            }
            if pending.answer == Answer::LoggedOut && pending.status_id.is_none() {
                // Salesforce's own logout: its answer is the news. (An
                // Offline status mapped to logout is told as a logout.)
                self.told_logged_in = Some(false);
            }
            self.resolve(pending.ticket, None);
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
            // Salesforce was told nothing: once CtiSVR answers, the agent's
            // login or logout is published (LOGIN_RESULT readies the connector).
            self.initialized = true;
            self.told_logged_in = None;
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

/// A consultation beside the held first call (a transfer ends both).
fn consulting(state: &State) -> bool {
    state.calls.iter().any(|c| c.consultation) && state.calls.iter().any(|c| !c.consultation)
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
