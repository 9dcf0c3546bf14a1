//! The softphone session: a sans-IO state machine in the manner of
//! quinn-proto's `Connection`.
//!
//! Inputs go in through `configure`, `handle_transport`, `handle_frame`,
//! `command` and `handle_timeout`, each with the caller's `now`. The caller
//! then drains the outputs: [`Session::poll_connect`] (open a socket),
//! [`Session::poll_transmit`] (send a frame), [`Session::poll_event`]
//! (side effects) and [`Session::poll_timeout`] (when to call
//! `handle_timeout`), and renders [`Session::state`].
//!
//! Start-up on every connection, as the vendor's sample does it:
//! `myextension`, then `startmonitor` and `querydeviceinfo` pipelined, then
//! `queryagentstate` (an agent is logged in: `userdata` when on a call) or
//! `snapshot` (`userdata` when `numcall > 0`). Then click-to-dial is enabled.

use crate::agent::{AgentAction, AgentCommand, AgentStatus};
use crate::call_memory::{CallMemo, CallMemory};
use crate::calls::{Call, CallAction, CallChange, CallId, Calls, Direction, Restored};
use crate::connection::{ConnId, Connect, Connection, ConnectionPolicy, ConnectionStatus};
use crate::crm::{parse_click_to_dial, record_from_search, CallLog, Crm, Record};
use crate::crm_requests::{read_answer, CrmAnswer, CrmInput, CrmRequest, CrmRequests};
use crate::dial_refusal::DialRefusal;
use crate::dialing::auto_send::{AutoSend, BUSY_RETRY};
use crate::dialing::{dial_target, DialError};
use crate::effects::Effect;
use crate::notice::{Notice, NoticeCause, Resolved};
use crate::settings::{Settings, SettingsError};
use crate::state::State;
use crate::tabs::{Duty, Outcome, PageEvent, TabId, TabMessage, Tabs, Task};
use crate::time::Millis;
use crate::transport_advice::{advise, describe_close, PageOrigin, NOT_TEXT};
use crate::wire::{
    Event, EventKind, Password, ReasonCode, Request, RequestFrame, RequestId, Response, ServerFrame, SkillMode,
    TalkState, UserDataKind, WorkMode,
};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

/// Tunables of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionOptions {
    /// How long a request may wait for its response; past it the connection
    /// is taken for dead and replaced.
    pub request_timeout: Duration,
    /// With nothing heard for this long, a cheap request (`queryagentstate`)
    /// checks that the server is still there.
    pub liveness_interval: Duration,
    pub connection: ConnectionPolicy,
    /// Seeds the backoff jitter (the edge passes a random number).
    pub seed: u64,
    /// This tab's id when the edge connects the agent's tabs (see
    /// [`crate::tabs`] and [`Session::join_tabs`]).
    pub tab: Option<TabId>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            request_timeout: Duration::from_secs(10),
            liveness_interval: Duration::from_secs(30),
            connection: ConnectionPolicy::default(),
            seed: 0x5eed,
            tab: None,
        }
    }
}

/// What happened to a socket the session asked for. The session words it
/// for the agent ([`crate::transport_advice::describe_close`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportEvent {
    Opened(ConnId),
    /// The browser's `CloseEvent`: `code` (1000 normal, 1006 no close frame:
    /// refused or dropped), the server's `reason` (often empty), and `clean`
    /// (whether a close handshake took place).
    Closed {
        id: ConnId,
        code: u16,
        reason: String,
        clean: bool,
    },
    /// Opening or sending failed: `error` is the browser's message (a
    /// malformed URL, a `ws://` address refused on an https page, a socket
    /// no longer open).
    Failed {
        id: ConnId,
        error: String,
    },
    /// A frame that is not text arrived (CtiSVR speaks JSON text only).
    NotText(ConnId),
}

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

/// Why a command was not sent. The text is shown to the agent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("The softphone is not connected to CtiSVR.")]
    NotConnected,
    #[error("The softphone is still starting; try again in a moment.")]
    NotReady,
    #[error("Waiting for CtiSVR to answer the previous request.")]
    Busy,
    #[error("{0}")]
    NotAllowed(&'static str),
    #[error("Enter your agent ID.")]
    MissingAgentId,
    #[error("Enter your password.")]
    MissingPassword,
    #[error("{0}")]
    Dial(#[from] DialError),
    #[error("{0}")]
    Repeated(#[from] DialRefusal),
}

/// The softphone's session with CtiSVR. See the module docs.
#[derive(Debug)]
pub struct Session {
    options: SessionOptions,
    settings: Option<Settings>,
    connection: Connection,
    next_id: RequestId,
    pending: BTreeMap<RequestId, Pending>,
    transmit: VecDeque<String>,
    effects: VecDeque<Effect>,
    extension: Option<String>,
    ready: bool,
    agent: AgentStatus,
    /// In memory only, never in `State`, never in an effect.
    password: Option<Password>,
    calls: Calls,
    crm: CrmState,
    /// Which CRM, and the requests for it not yet drained ([`Session::poll_crm`]).
    crm_requests: CrmRequests,
    /// When the server last sent anything (liveness).
    last_heard: Millis,
    /// The connection status the edge was last told about.
    reported_connection: ConnectionStatus,
    /// Who pops and logs each call: alone until the edge connects the
    /// agent's other tabs ([`Session::join_tabs`]).
    tabs: Tabs,
    notice: Option<Notice>,
    /// The page the edge runs in, to explain refused sockets.
    page: Option<PageOrigin>,
    /// Extensions to send by themselves (`dialExtension` = `auto`).
    auto_send: AutoSend,
    /// Whether the page is hidden or frozen, and since when.
    away: network::Away,
}

/// What the session remembers for the CRM.
#[derive(Debug, Default)]
struct CrmState {
    /// `notifyInitializationComplete` was asked for.
    initialized: bool,
    /// The record of the last click-to-dial, for the call it places.
    dial_record: Option<Record>,
    /// Records of calls (dialled from, or found by the screen pop), for their logs.
    records: BTreeMap<CallId, Record>,
    /// The caller number each inbound call was popped with.
    popped: BTreeMap<CallId, String>,
    /// Each call's name across tabs (its numbers when it appeared, and
    /// which call between those numbers it is).
    keys: BTreeMap<CallId, String>,
    /// Calls seen between each pair of numbers, for the names.
    occurrences: BTreeMap<String, Occurrences>,
    /// Pops wanted from the tabs: task call name -> (call, caller to search
    /// for; `None`: withheld, show the panel without a search).
    pending_pops: BTreeMap<String, (CallId, Option<String>)>,
    /// Ended calls whose log the tabs have to agree on, by call name.
    pending_logs: BTreeMap<String, PendingLog>,
    /// What the page kept about its calls before a reload, until the server
    /// says which calls are still up ([`Session::resume_calls`]).
    resumable: CallMemory,
    /// The memory text last given to the edge (or read back from it).
    stored: Option<String>,
    /// Calls restored after a reload with nothing remembered about them:
    /// another tab may still tell (its answer to our `Hello` can come after
    /// the server's).
    blind: BTreeSet<CallId>,
}

/// How many calls between one pair of numbers this tab has seen, and when
/// the last ended.
#[derive(Debug, Default)]
struct Occurrences {
    count: u32,
    ended_at: Option<Millis>,
}

/// An ended call waiting for its log to be saved by one of the tabs.
#[derive(Debug)]
struct PendingLog {
    call: Call,
    ended_at: Millis,
    /// Failed saves so far.
    attempts: u32,
}

/// How often, and how far apart, a failed call log is tried again.
const LOG_ATTEMPTS: u32 = 5;
const LOG_RETRY: Duration = Duration::from_secs(10);

/// A request waiting for its response, and what to do with the response.
#[derive(Debug)]
struct Pending {
    purpose: Purpose,
    deadline: Millis,
}

#[derive(Debug)]
enum Purpose {
    MyExtension,
    StartMonitor,
    QueryDeviceInfo,
    QueryAgentState,
    Snapshot,
    UserData,
    /// The agent's request as sent (agent id trimmed, AUX reason filled in,
    /// `password` only when the agent typed it with this request).
    Agent(AgentCommand),
    /// A call request; `number` is the destination or party it named.
    Call {
        action: CallAction,
        number: Option<String>,
    },
    /// The DTMF of `call`'s extension.
    Extension {
        call: CallId,
        digits: String,
    },
}

impl Purpose {
    /// A read of the agent or the calls (at start-up, after a call, or a liveness check).
    fn is_read(&self) -> bool {
        matches!(self, Purpose::QueryAgentState | Purpose::Snapshot | Purpose::UserData)
    }

    /// The user's own request, agent or call (as opposed to the session's bookkeeping).
    fn is_user_request(&self) -> bool {
        matches!(self, Purpose::Agent(_) | Purpose::Call { .. } | Purpose::Extension { .. })
    }

    /// How the agent would name it: "Login", "Change to AUX".
    fn describe(&self) -> String {
        match self {
            Purpose::MyExtension => "Finding this workstation's extension".into(),
            Purpose::StartMonitor => "Monitoring the extension".into(),
            Purpose::QueryDeviceInfo => "Reading the extension's agent".into(),
            Purpose::QueryAgentState => "Reading the agent state".into(),
            Purpose::Snapshot => "Reading the extension's calls".into(),
            Purpose::UserData => "Reading the call's numbers".into(),
            Purpose::Agent(AgentCommand::Login { .. }) => "Login".into(),
            Purpose::Agent(AgentCommand::Logout) => "Logout".into(),
            Purpose::Agent(AgentCommand::SetState { mode, .. }) => format!("Change to {}", mode.label()),
            Purpose::Extension { digits, .. } => format!("Send ext. {digits}"),
            Purpose::Call { action, number } => {
                let name = match action {
                    CallAction::Answer => "Answer",
                    CallAction::Dial => "Call",
                    CallAction::Hold => "Hold",
                    CallAction::Retrieve => "Retrieve",
                    CallAction::HangUp => "Hang up",
                    CallAction::DropParty => "Drop party",
                    CallAction::Consult => "Consult",
                    CallAction::Reconnect => "Reconnect",
                    CallAction::Transfer => "Transfer",
                    CallAction::Conference => "Conference",
                    CallAction::SendDtmf => "Keypad",
                    CallAction::SendExtension => "Send ext.",
                };
                match number {
                    Some(number) => format!("{name} {number}"),
                    None => name.to_owned(),
                }
            }
        }
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new(SessionOptions::default())
    }
}

impl Session {
    pub fn new(options: SessionOptions) -> Session {
        Session {
            tabs: Tabs::alone(options.tab.unwrap_or_default()),
            connection: Connection::new(options.connection.clone(), options.seed),
            options,
            settings: None,
            next_id: 1,
            pending: BTreeMap::new(),
            transmit: VecDeque::new(),
            effects: VecDeque::new(),
            extension: None,
            ready: false,
            agent: AgentStatus::Unknown,
            password: None,
            calls: Calls::default(),
            crm: CrmState::default(),
            crm_requests: CrmRequests::default(),
            last_heard: Millis(0),
            reported_connection: ConnectionStatus::Unconfigured,
            notice: None,
            page: None,
            auto_send: AutoSend::default(),
            away: network::Away::default(),
        }
    }

    // ----- inputs -------------------------------------------------------

    /// The page's protocol and host: a socket the browser refuses (an https
    /// page and a `ws://` address, a blocked local network address) is then
    /// explained in the close reason and shown to the agent
    /// (see [`crate::transport_advice`]).
    pub fn set_page(&mut self, page: PageOrigin) {
        self.page = Some(page);
    }

    /// Settings arrived (from the CRM or the attributes). Valid settings
    /// (re)start the connection at A; an error is shown to the agent.
    pub fn configure(&mut self, now: Millis, settings: Result<Settings, SettingsError>) {
        match settings {
            Ok(settings) if self.settings.as_ref() == Some(&settings) => {}
            Ok(settings) => {
                if let Some(id) = self.connection.current() {
                    self.effects.push_back(Effect::CloseSocket);
                    self.connection.lost(now, id, "settings changed");
                    self.connection_lost();
                }
                self.connection.configure(&settings);
                self.calls.set_withheld_markers(settings.options.withheld_callers.clone());
                self.settings = Some(settings);
                self.resolve(Resolved::Settings);
                if !self.crm.initialized {
                    self.crm.initialized = true;
                    self.crm_requests.push(CrmRequest::InitializationComplete);
                }
            }
            Err(error) => {
                self.show(Notice::error(NoticeCause::Settings, format!("Softphone not configured: {error}.")))
            }
        }
    }

    /// A socket opened or closed.
    pub fn handle_transport(&mut self, now: Millis, event: TransportEvent) {
        match event {
            TransportEvent::Opened(id) => {
                if self.connection.opened(id) {
                    self.last_heard = now;
                    self.send(now, Request::MyExtension, Purpose::MyExtension);
                }
            }
            TransportEvent::NotText(id) => {
                if self.connection.current() == Some(id) {
                    self.last_heard = now;
                    self.show(Notice::error(NoticeCause::Event, NOT_TEXT.to_owned()));
                }
            }
            TransportEvent::Closed { id, code, reason, clean } => {
                self.socket_lost(now, id, describe_close(code, &reason, clean))
            }
            TransportEvent::Failed { id, error } => self.socket_lost(now, id, error),
        }
    }

    /// Socket `id` closed or failed for `reason` (shown with any advice).
    fn socket_lost(&mut self, now: Millis, id: ConnId, reason: String) {
        let advice = self.advice(id, &reason);
        let reason = match &advice {
            Some(advice) => format!("{reason}. {advice}"),
            None => reason,
        };
        if self.connection.lost(now, id, &reason) {
            self.connection_lost();
            let shown = self.notice.as_ref().map(|n| n.text.as_str());
            if let Some(advice) = advice.filter(|advice| shown != Some(advice.as_str())) {
                self.show(Notice::error(NoticeCause::Connection, advice));
            }
        }
    }

    /// A text frame arrived on socket `id`.
    pub fn handle_frame(&mut self, now: Millis, id: ConnId, text: &str) {
        if self.connection.current() != Some(id) {
            return; // a late frame of a socket we already left
        }
        self.last_heard = now;
        match ServerFrame::decode(text) {
            Ok(ServerFrame::Response(response)) => self.on_response(now, response),
            Ok(ServerFrame::Event(event)) => self.on_event(now, event),
            // Another msgtype: nothing of ours, but not an error either.
            Ok(ServerFrame::Unknown(_)) => {}
            Err(error) => {
                let text = format!("CtiSVR sent a message the softphone cannot read ({error}).");
                self.show(Notice::error(NoticeCause::Event, text))
            }
        }
    }

    /// The agent asks for something. A rejected command is also shown.
    pub fn command(&mut self, now: Millis, command: Command) -> Result<(), Rejected> {
        let cause = rejection_cause(&command);
        let result = match command {
            Command::DismissNotice => {
                self.dismiss_notice();
                Ok(())
            }
            Command::RetryNow => {
                if self.connection.retry_now() {
                    Ok(())
                } else {
                    Err(Rejected::NotAllowed("The softphone is not waiting to reconnect."))
                }
            }
            Command::Agent(command) => self.agent_command(now, command),
            Command::Call(command) => self.call_command(now, command),
        };
        if let Err(rejected) = &result {
            let cause = match rejected {
                Rejected::NotConnected | Rejected::NotReady => NoticeCause::Connection,
                Rejected::Busy => NoticeCause::Busy,
                _ => cause,
            };
            match rejected {
                // A repeated click is ignored, not an error.
                Rejected::Repeated(DialRefusal::AlreadyDialling(_)) => {
                    self.show(Notice::info(cause, rejected.to_string()))
                }
                _ => self.show(Notice::error(cause, rejected.to_string())),
            }
        }
        result
    }

    /// The time from [`Session::poll_timeout`] has come (early calls are harmless).
    pub fn handle_timeout(&mut self, now: Millis) {
        self.connection.handle_timeout(now);
        self.tabs.handle_timeout(now);
        self.run_tabs(now);
        let expired: Vec<RequestId> =
            self.pending.iter().filter(|(_, p)| p.deadline <= now).map(|(id, _)| *id).collect();
        if let Some(first) = expired.first().and_then(|id| self.pending.get(id)) {
            // A server that does not answer is gone: leave it for a working one.
            let seconds = self.request_timeout().as_secs();
            let reason = format!("CtiSVR did not answer {} within {seconds} s", first.purpose.describe());
            if let Some(conn) = self.connection.current() {
                self.effects.push_back(Effect::CloseSocket);
                self.connection.lost(now, conn, &reason);
                self.connection_lost();
            }
            return;
        }
        self.send_due_extensions(now);
        let quiet_since = self.last_heard;
        if self.ready && self.pending.is_empty() && now >= quiet_since + self.liveness_interval() {
            self.send_for_extension(now, |extension| Request::QueryAgentState { extension }, Purpose::QueryAgentState);
        }
    }

    // ----- outputs ------------------------------------------------------

    /// A socket to open (closing any other).
    pub fn poll_connect(&mut self) -> Option<Connect> {
        self.connection.poll_connect()
    }

    /// A text frame to send on the current socket.
    pub fn poll_transmit(&mut self) -> Option<String> {
        self.transmit.pop_front()
    }

    /// A side effect for the edge.
    pub fn poll_event(&mut self) -> Option<Effect> {
        // Reported here, the one place every change passes before the edge sees it.
        let status = self.connection.status();
        if *status != self.reported_connection {
            self.reported_connection = status.clone();
            self.effects.push_back(Effect::ConnectionChanged(status.clone()));
        }
        self.effects.pop_front()
    }

    /// When to call [`Session::handle_timeout`] next.
    pub fn poll_timeout(&self) -> Option<Millis> {
        let requests = self.pending.values().map(|p| p.deadline);
        let liveness = (self.ready && self.pending.is_empty()).then(|| self.last_heard + self.liveness_interval());
        let tabs = self.tabs.poll_timeout();
        let extensions = self.auto_send.poll_timeout();
        requests.chain(self.connection.deadline()).chain(liveness).chain(tabs).chain(extensions).min()
    }

    /// What the view renders.
    pub fn state(&self) -> State {
        State {
            connection: self.connection.status().clone(),
            extension: self.extension.clone(),
            ready: self.ready,
            agent: self.agent.clone(),
            password_known: self.password.is_some(),
            calls: self.calls.list().to_vec(),
            busy: self.pending.values().any(|p| p.purpose.is_user_request()),
            notice: self.notice.clone(),
        }
    }

    pub fn settings(&self) -> Option<&Settings> {
        self.settings.as_ref()
    }

    // ----- logic --------------------------------------------------------

    fn agent_command(&mut self, now: Millis, command: AgentCommand) -> Result<(), Rejected> {
        let extension = self.extension_for_request()?;
        let (request, purpose) = match command {
            AgentCommand::Login { agent_id, password } => {
                if !self.agent.allows(AgentAction::Login) {
                    return Err(Rejected::NotAllowed("An agent is already logged in at this extension."));
                }
                let agent_id = agent_id.trim().to_owned();
                if agent_id.is_empty() {
                    return Err(Rejected::MissingAgentId);
                }
                if password.is_empty() {
                    return Err(Rejected::MissingPassword);
                }
                let request = Request::Login { extension, agent_id: agent_id.clone(), passwd: password.clone() };
                (request, Purpose::Agent(AgentCommand::Login { agent_id, password }))
            }
            AgentCommand::Logout => {
                let agent_id = self.logged_in_agent()?;
                (Request::Logout { extension, agent_id }, Purpose::Agent(AgentCommand::Logout))
            }
            AgentCommand::SetState { mode, reason, password } => {
                let agent_id = self.logged_in_agent()?;
                let given = password.filter(|p| !p.is_empty());
                let passwd = given.clone().or_else(|| self.password.clone()).ok_or(Rejected::MissingPassword)?;
                // The reason code belongs to AUX only; AUX without one is "0", no reason.
                let reason = (mode == WorkMode::Aux).then(|| reason.or(ReasonCode::new(0))).flatten();
                let request = Request::SetState { extension, agent_id, passwd, state: mode, reason_code: reason };
                (request, Purpose::Agent(AgentCommand::SetState { mode, reason, password: given }))
            }
        };
        self.resolve(Resolved::RequestSent);
        self.send(now, request, purpose);
        Ok(())
    }

    /// The extension to send a user request for, when one can be sent now:
    /// connected, started, and no other user request waiting for its answer.
    fn extension_for_request(&self) -> Result<String, Rejected> {
        if !self.connection.is_open() {
            return Err(Rejected::NotConnected);
        }
        let extension = self.extension.clone().filter(|_| self.ready).ok_or(Rejected::NotReady)?;
        if self.pending.values().any(|p| p.purpose.is_user_request()) {
            return Err(Rejected::Busy);
        }
        Ok(extension)
    }

    fn call_command(&mut self, now: Millis, command: CallCommand) -> Result<(), Rejected> {
        let ready = self.extension_for_request();
        let prefixes = self.settings.as_ref().map(|s| s.prefixes.clone()).unwrap_or_default();
        // Before "busy" and "not allowed": a repeated click says what it repeats.
        if let (Ok(_) | Err(Rejected::Busy), Some(own)) = (&ready, &self.extension) {
            crate::dial_refusal::check(&self.calls, &command, &prefixes, own)?;
        }
        let extension = ready?;
        let action = call_action(&command);
        if !crate::calls::allows(self.calls.list(), action) {
            return Err(Rejected::NotAllowed(not_allowed_text(action)));
        }
        let dial = |number: &str| dial_target(number, &prefixes, &extension);
        let consultation = self.calls.consultation_pair().map(|(_, c)| c.dialled.clone());
        let ext = extension.clone();
        let (request, number) = match command {
            CallCommand::Dial { number } if self.calls.list().is_empty() => {
                let target = dial(&number)?;
                self.calls.dialling(&target.digits, target.extension);
                (Request::MakeCall { extension: ext, destination: target.digits.clone() }, Some(target.digits))
            }
            CallCommand::Dial { number } | CallCommand::Consult { number } => {
                let target = dial(&number)?;
                self.calls.dialling(&target.digits, target.extension);
                (Request::Consultation { extension: ext, destination: target.digits.clone() }, Some(target.digits))
            }
            CallCommand::Answer => (Request::Answer { extension: ext }, None),
            CallCommand::Hold => (Request::Hold { extension: ext }, None),
            CallCommand::Retrieve => (Request::Retrieve { extension: ext }, None),
            CallCommand::HangUp => (Request::Hangup { extension: ext }, None),
            CallCommand::Reconnect => (Request::Reconnect { extension: ext }, None),
            CallCommand::DropParty { party } => {
                let last = self.calls.conference().and_then(|c| c.parties.last().cloned());
                let party = party.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).or(last);
                let party = party.ok_or(Rejected::NotAllowed("There is no conference party to drop."))?;
                (Request::DropParty { extension: ext, party: party.clone() }, Some(party))
            }
            CallCommand::Transfer { number } | CallCommand::Conference { number } => {
                let is_transfer = action == CallAction::Transfer;
                // Two-step: the destination is the consulted party; single-step: the number given.
                let destination = match (consultation, number.filter(|n| !n.trim().is_empty())) {
                    (Some(consulted), _) => consulted,
                    // The call leaves us: its extension is for the caller to key in.
                    (None, Some(number)) => dial(&number)?.digits,
                    (None, None) => return Err(Rejected::Dial(DialError::Empty)),
                };
                let request = if is_transfer {
                    Request::Transfer { extension: ext, destination: destination.clone() }
                } else {
                    Request::Conference { extension: ext, destination: destination.clone() }
                };
                (request, Some(destination))
            }
            CallCommand::SendDtmf { digits } => {
                let digits: String = digits.chars().filter(|c| !c.is_whitespace()).collect();
                if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '*' || c == '#') {
                    return Err(Rejected::NotAllowed("Keypad digits are 0-9, * and #."));
                }
                (Request::Dtmf { extension: ext, digits: digits.clone() }, Some(digits))
            }
            CallCommand::SendExtension { call } => {
                let found = self.calls.list().iter().find(|c| c.id == call && c.extension_to_send());
                let digits = found.and_then(|c| c.extension.as_ref()).map(|e| e.digits.clone());
                let digits = digits.ok_or(Rejected::NotAllowed("That call has no extension to send."))?;
                self.resolve(Resolved::RequestSent);
                self.send(
                    now,
                    Request::Dtmf { extension: ext, digits: digits.clone() },
                    Purpose::Extension { call, digits },
                );
                return Ok(());
            }
        };
        self.resolve(Resolved::RequestSent);
        self.send(now, request, Purpose::Call { action, number });
        Ok(())
    }

    /// Sends the extensions that are due (`dialExtension` = `auto`); while
    /// another request waits for its answer they wait a little longer.
    fn send_due_extensions(&mut self, now: Millis) {
        while let Some(call) = self.auto_send.take_due(now) {
            match self.extension_for_request() {
                Err(Rejected::Busy) => self.auto_send.postpone(call, now + BUSY_RETRY),
                // Not connected: the chance passed (the button stays).
                Err(_) => {}
                Ok(_) => {
                    let _ = self.command(now, Command::Call(CallCommand::SendExtension { call }));
                }
            }
        }
    }

    /// The call center's timeout, else the session's default.
    fn request_timeout(&self) -> Duration {
        self.settings.as_ref().and_then(|s| s.options.request_timeout).unwrap_or(self.options.request_timeout)
    }

    fn liveness_interval(&self) -> Duration {
        self.settings.as_ref().and_then(|s| s.options.liveness_interval).unwrap_or(self.options.liveness_interval)
    }

    fn logged_in_agent(&self) -> Result<String, Rejected> {
        self.agent.agent_id().map(str::to_owned).ok_or(Rejected::NotAllowed("No agent is logged in at this extension."))
    }

    fn send(&mut self, now: Millis, request: Request, purpose: Purpose) {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        self.transmit.push_back(RequestFrame { id, request }.encode());
        let deadline = now + self.request_timeout();
        self.pending.insert(id, Pending { purpose, deadline });
    }

    /// Sends a request about our extension (known once `myextension` answered).
    fn send_for_extension(&mut self, now: Millis, make: impl FnOnce(String) -> Request, purpose: Purpose) {
        if let Some(extension) = self.extension.clone() {
            self.send(now, make(extension), purpose);
        }
    }

    fn on_response(&mut self, now: Millis, response: Response) {
        let Some(pending) = response.id.and_then(|id| self.pending.remove(&id)) else {
            // Unknown id: the answer to a request that already timed out.
            return;
        };
        if pending.purpose.is_user_request() && !self.pending.values().any(|p| p.purpose.is_user_request()) {
            self.resolve(Resolved::NothingWaiting);
        }
        if response.is_success() {
            if pending.purpose.is_read() {
                self.resolve(Resolved::Read);
            }
            self.on_success(now, pending.purpose, response);
        } else {
            self.on_error(now, pending.purpose, response);
        }
    }

    fn on_success(&mut self, now: Millis, purpose: Purpose, response: Response) {
        match purpose {
            Purpose::MyExtension => match response.extension.filter(|e| !e.trim().is_empty()) {
                Some(extension) => {
                    self.extension = Some(extension);
                    // Pipelined: both need only the extension, and the server
                    // answers in order, so one round trip is saved.
                    self.send_for_extension(
                        now,
                        |extension| Request::StartMonitor { extension },
                        Purpose::StartMonitor,
                    );
                    self.send_for_extension(
                        now,
                        |extension| Request::QueryDeviceInfo { extension },
                        Purpose::QueryDeviceInfo,
                    );
                }
                None => self.show(Notice::error(
                    self.startup_cause(),
                    "CtiSVR did not say which extension this workstation uses.",
                )),
            },
            // Nothing follows from it: querydeviceinfo went with it.
            Purpose::StartMonitor => {}
            Purpose::QueryDeviceInfo => {
                match response.associated_device.filter(|a| !a.trim().is_empty()) {
                    Some(agent_id) => {
                        // Already logged in (a reload, or another softphone): ask how.
                        let keep = self.agent.agent_id() == Some(agent_id.as_str());
                        if !keep {
                            self.password = None;
                            self.set_agent(AgentStatus::LoggedIn { agent_id, mode: None, reason: None });
                        }
                        self.send_for_extension(
                            now,
                            |extension| Request::QueryAgentState { extension },
                            Purpose::QueryAgentState,
                        );
                    }
                    None => {
                        self.password = None;
                        self.set_agent(AgentStatus::LoggedOut);
                        self.send_for_extension(now, |extension| Request::Snapshot { extension }, Purpose::Snapshot);
                    }
                }
            }
            Purpose::QueryAgentState => {
                match (response.skill_mode, self.agent.agent_id().map(str::to_owned)) {
                    (Some(SkillMode::NotLoggedIn), _) => {
                        self.password = None;
                        self.set_agent(AgentStatus::LoggedOut);
                    }
                    (Some(mode), Some(agent_id)) => {
                        let reason = response.reason_code.filter(|_| mode == SkillMode::Mode(WorkMode::Aux));
                        self.set_agent(AgentStatus::LoggedIn { agent_id, mode: Some(mode), reason });
                    }
                    _ => {}
                }
                match response.talk_state {
                    Some(TalkState::Call) => self.request_userdata(now),
                    Some(TalkState::Idle) => {
                        let changes = self.calls.clear_all();
                        self.forget_resumable();
                        self.emit_calls(now, changes);
                    }
                    // The server will not say which call: what the page kept
                    // before a reload cannot be matched; keep the calls' memory
                    // from now on.
                    _ => self.forget_resumable(),
                }
                self.finish_startup();
            }
            Purpose::Snapshot => {
                if response.num_call.unwrap_or(0) > 0 {
                    self.request_userdata(now);
                } else {
                    let changes = self.calls.clear_all();
                    self.forget_resumable();
                    self.emit_calls(now, changes);
                }
                self.finish_startup();
            }
            Purpose::UserData => {
                let extension = self.extension.clone().unwrap_or_default();
                let caller = response.caller().unwrap_or_default().to_owned();
                let calling = response.calling.clone().filter(|c| !c.is_empty()).unwrap_or_else(|| caller.clone());
                let called = response.called.clone().unwrap_or_default();
                let memo = self
                    .crm
                    .resumable
                    .find(&extension, &calling, &called)
                    .or_else(|| self.tabs.call_memo(&extension, &calling, &called))
                    .cloned();
                let restored = Restored { extension: &extension, calling: &calling, called: &called, caller: &caller };
                let changes = self.calls.restore(now, restored, memo.as_ref());
                for change in &changes {
                    if let CallChange::Appeared(call) = change {
                        match &memo {
                            Some(memo) => self.resume(call, memo),
                            None => {
                                self.crm.blind.insert(call.id);
                            }
                        }
                    }
                }
                self.forget_resumable();
                self.emit_calls(now, changes);
            }
            Purpose::Agent(AgentCommand::Login { agent_id, password }) => {
                self.password = Some(password);
                self.set_agent(AgentStatus::LoggedIn { agent_id, mode: None, reason: None });
                self.send_for_extension(
                    now,
                    |extension| Request::QueryAgentState { extension },
                    Purpose::QueryAgentState,
                );
            }
            Purpose::Agent(AgentCommand::Logout) => {
                self.password = None;
                self.set_agent(AgentStatus::LoggedOut);
            }
            Purpose::Call { action, number } => {
                let changes = match (action, number) {
                    (CallAction::Dial | CallAction::Consult, Some(destination)) => {
                        let extension = self.extension.clone().unwrap_or_default();
                        self.calls.placed(now, &extension, &destination)
                    }
                    (CallAction::DropParty, Some(party)) => self.calls.party_dropped(&party),
                    // The rest shows through the events that follow.
                    _ => Vec::new(),
                };
                self.emit_calls(now, changes);
            }
            Purpose::Extension { call, digits } => {
                let changes = self.calls.extension_sent(call, &digits);
                self.emit_calls(now, changes);
            }
            Purpose::Agent(AgentCommand::SetState { mode, reason, password }) => {
                if let Some(password) = password {
                    self.password = Some(password);
                }
                if let Some(agent_id) = self.agent.agent_id().map(str::to_owned) {
                    self.set_agent(AgentStatus::LoggedIn { agent_id, mode: Some(SkillMode::Mode(mode)), reason });
                }
            }
        }
    }

    fn on_error(&mut self, now: Millis, purpose: Purpose, response: Response) {
        let reason = response.error.filter(|e| !e.trim().is_empty()).unwrap_or_else(|| "no reason given".to_owned());
        let cause = match &purpose {
            Purpose::Agent(_) => NoticeCause::AgentRequest,
            Purpose::Call { .. } | Purpose::Extension { .. } => NoticeCause::CallRequest,
            _ if purpose.is_read() => NoticeCause::Reading,
            _ => self.startup_cause(),
        };
        self.show(Notice::error(cause, format!("{} failed: {reason}", purpose.describe())));
        if let Purpose::Call { action, number } = &purpose {
            if let (CallAction::Dial | CallAction::Consult, Some(destination)) = (action, number) {
                self.calls.not_placed(destination);
            }
            // The server's calls may not be the ones shown ("no call to hang up"): ask.
            self.request_snapshot(now);
        }
        // No answer to match them with: memos kept before a reload expire.
        if matches!(purpose, Purpose::QueryAgentState | Purpose::Snapshot | Purpose::UserData) {
            self.forget_resumable();
        }
        // Start-up steps after the essential ones still let the agent work.
        if matches!(purpose, Purpose::QueryAgentState | Purpose::Snapshot) {
            self.finish_startup();
        }
    }

    fn on_event(&mut self, now: Millis, event: Event) {
        self.effects.push_back(Effect::ServerEvent(event.clone()));
        let extension = self.extension.clone().unwrap_or_default();
        let changes = self.calls.apply(now, &extension, &event);
        self.emit_calls(now, changes);
        if self.calls.take_doubt() {
            self.request_snapshot(now);
        }
        // After a call the ACD may have put the agent in ACW: ask.
        if event.kind == EventKind::Idle && self.agent.agent_id().is_some() {
            self.send_for_extension(now, |extension| Request::QueryAgentState { extension }, Purpose::QueryAgentState);
        }
    }

    fn request_userdata(&mut self, now: Millis) {
        self.send_for_extension(
            now,
            |extension| Request::UserData { extension, kind: UserDataKind::Alert },
            Purpose::UserData,
        );
    }

    /// Asks the server what calls the extension has (`snapshot`, then
    /// `userdata`), once ready (start-up asks anyway) and one at a time.
    fn request_snapshot(&mut self, now: Millis) {
        let asking = self.pending.values().any(|p| matches!(p.purpose, Purpose::Snapshot));
        if self.ready && !asking {
            self.send_for_extension(now, |extension| Request::Snapshot { extension }, Purpose::Snapshot);
        }
    }

    fn finish_startup(&mut self) {
        if !self.ready && self.connection.is_open() {
            self.ready = true;
            self.connection.established();
            if let Some(conn) = self.connection.current() {
                self.resolve(Resolved::Ready(conn));
            }
            self.effects.push_back(Effect::Ready(true));
            self.crm_requests.push(CrmRequest::ClickToDial { enabled: true });
        }
    }

    /// The current socket is gone: nothing in flight will be answered.
    fn connection_lost(&mut self) {
        self.transmit.clear();
        self.calls.lost();
        let lost: Vec<&Purpose> =
            self.pending.values().filter(|p| p.purpose.is_user_request()).map(|p| &p.purpose).collect();
        let cause = match lost.first() {
            Some(Purpose::Agent(_)) => NoticeCause::AgentRequest,
            _ => NoticeCause::CallRequest,
        };
        let lost: Vec<String> = lost.iter().map(|p| p.describe()).collect();
        self.pending.clear();
        self.resolve(Resolved::NothingWaiting);
        if !lost.is_empty() {
            self.show(Notice::error(
                cause,
                format!(
                    "{} was not confirmed: the connection to CtiSVR was lost. Check the state and try again.",
                    lost.join(", ")
                ),
            ));
        }
        if self.ready {
            self.ready = false;
            self.effects.push_back(Effect::Ready(false));
            self.crm_requests.push(CrmRequest::ClickToDial { enabled: false });
        }
    }

    fn set_agent(&mut self, agent: AgentStatus) {
        if self.agent != agent {
            self.agent = agent.clone();
            self.resolve(Resolved::AgentChanged);
            self.effects.push_back(Effect::AgentChanged(agent));
        }
    }

    /// Queues the call changes, with the CRM work they bring: a screen pop
    /// for an inbound call (again when a transfer changes its caller), the
    /// record dialled from for an outbound one, a call log when one ends.
    /// Each pop and log is a duty the agent's tabs agree on (see
    /// [`crate::tabs`]); a lone tab wins them at once.
    fn emit_calls(&mut self, now: Millis, changes: Vec<CallChange>) {
        let options = self.settings.as_ref().map(|s| s.options.clone()).unwrap_or_default();
        self.auto_send.track(now, &changes, options.dial_extension);
        for change in changes {
            match &change {
                CallChange::Appeared(call) => {
                    // A call resumed after a reload keeps its name.
                    let key = match self.crm.keys.get(&call.id) {
                        Some(key) => key.clone(),
                        None => self.name_call(now, call),
                    };
                    self.crm.keys.insert(call.id, key.clone());
                    let dialled = call.direction == Direction::Outbound && !self.crm.records.contains_key(&call.id);
                    if let Some(record) = self.crm.dial_record.take_if(|_| dialled) {
                        self.tabs.own(&key);
                        self.tabs.share_record(&key, &record);
                        self.crm.records.insert(call.id, record);
                    }
                }
                CallChange::Changed(_) | CallChange::Ended(_) => {}
            }
            match &change {
                CallChange::Appeared(call) | CallChange::Changed(call) if call.direction == Direction::Inbound => {
                    let new_caller = self.crm.popped.get(&call.id) != Some(&call.caller);
                    // A blank caller is withheld: the panel shows, nothing is searched.
                    if options.screen_pop && new_caller {
                        self.crm.popped.insert(call.id, call.caller.clone());
                        let key = self.key_of(call);
                        let task = Task { duty: Duty::Pop, call: format!("{key}/{}", call.caller) };
                        let search = (!call.withheld).then(|| call.caller.clone());
                        self.crm.pending_pops.insert(task.call.clone(), (call.id, search));
                        self.tabs.want(now, task);
                    }
                }
                CallChange::Ended(call) => {
                    self.crm.blind.remove(&call.id);
                    let key = self.key_of(call);
                    if let Some(seen) = key.rsplit_once('#').and_then(|(pair, _)| self.crm.occurrences.get_mut(pair)) {
                        seen.ended_at = Some(now);
                    }
                    self.crm.keys.remove(&call.id);
                    self.crm.popped.remove(&call.id);
                    let pops: Vec<String> = self
                        .crm
                        .pending_pops
                        .iter()
                        .filter(|(_, (id, _))| *id == call.id)
                        .map(|(k, _)| k.clone())
                        .collect();
                    for pop in pops {
                        self.crm.pending_pops.remove(&pop);
                        self.tabs.unwant(&Task { duty: Duty::Pop, call: pop });
                    }
                    if options.log_calls {
                        let pending = PendingLog { call: call.clone(), ended_at: now, attempts: 0 };
                        self.crm.pending_logs.insert(key.clone(), pending);
                        self.tabs.want(now, Task { duty: Duty::Log, call: key });
                    } else {
                        self.crm.records.remove(&call.id);
                    }
                }
                _ => {}
            }
            self.effects.push_back(Effect::Call(change));
            self.resolve(Resolved::CallsChanged);
        }
        self.remember_calls();
        self.run_tabs(now);
    }

    /// A call restored after a reload is the call `memo` remembers: its
    /// name among the tabs, its record, whether it was popped.
    fn resume(&mut self, call: &Call, memo: &CallMemo) {
        self.crm.keys.insert(call.id, memo.name.clone());
        if let Some((pair, count)) = memo.name.rsplit_once('#') {
            let seen = self.crm.occurrences.entry(pair.to_owned()).or_default();
            seen.count = seen.count.max(count.parse().unwrap_or(1));
        }
        if let Some(record) = &memo.record {
            self.crm.records.insert(call.id, record.clone());
        }
        if let Some(caller) = &memo.popped {
            self.crm.popped.insert(call.id, caller.clone());
        }
    }

    /// The server has said which calls are up: what the page remembered
    /// from before a reload has served.
    fn forget_resumable(&mut self) {
        self.crm.resumable = CallMemory::default();
    }

    /// Hands the edge what to keep about the live calls, when it changed.
    /// Left as it was while memos read back wait for the server's word.
    fn remember_calls(&mut self) {
        if !self.crm.resumable.calls.is_empty() {
            return;
        }
        let extension = self.extension.clone().unwrap_or_default();
        let calls = self
            .calls
            .list()
            .iter()
            .map(|call| {
                let name = self.key_of(call);
                CallMemo::of(call, &name, &extension, self.crm.records.get(&call.id), self.crm.popped.get(&call.id))
            })
            .collect::<Vec<_>>();
        let memory = CallMemory { calls };
        let text = (!memory.calls.is_empty()).then(|| memory.encode());
        self.tabs.share_calls(memory);
        if text != self.crm.stored {
            self.crm.stored = text.clone();
            self.effects.push_back(Effect::StoreCalls(text));
        }
    }

    /// The name the agent's tabs meet under (a `BroadcastChannel` and the
    /// Web Locks' prefix): `ctisvr-softphone:<wsURIA>`, once settings name
    /// the server. Softphones of one server agree on who pops and logs.
    pub fn tab_channel(&self) -> Option<String> {
        self.settings.as_ref().map(|settings| format!("ctisvr-softphone:{}", settings.ws_uri_a))
    }

    /// Where this tab keeps its calls for a reload ([`Effect::StoreCalls`]):
    /// `ctisvr-softphone:calls:<wsURIA>`, once settings name the server (two
    /// softphones of one page on different servers keep apart).
    pub fn call_storage_key(&self) -> Option<String> {
        self.settings.as_ref().map(|settings| format!("ctisvr-softphone:calls:{}", settings.ws_uri_a))
    }

    /// What the page kept about this tab's calls before it was reloaded
    /// ([`Effect::StoreCalls`]; `sessionStorage` in the browser). Give it
    /// before the connection's start-up: the call the server then reports
    /// keeps its start, direction, record and pop.
    pub fn resume_calls(&mut self, stored: &str) {
        self.crm.resumable = CallMemory::decode(stored);
        self.crm.stored = Some(stored.to_owned());
    }

    /// Pops `caller` of `call_id` (nothing to search for a withheld caller)
    /// and shows the panel.
    fn pop(&mut self, call_id: CallId, caller: Option<String>) {
        if let Some(number) = caller {
            self.crm_requests.push(CrmRequest::ScreenPop { call_id, number });
        }
        self.crm_requests.push(CrmRequest::ShowPanel);
    }

    /// The name of `call` across tabs.
    fn key_of(&self, call: &Call) -> String {
        self.crm.keys.get(&call.id).cloned().unwrap_or_else(|| format!("{}#1", call_key(call)))
    }

    /// Names a call that appeared: its numbers and which call between them
    /// it is, `4155550100>2001#2` for a caller's second call. Every tab sees
    /// the same events, so they count alike. A tab that was not there for
    /// the earlier calls counts from 1, so the count starts again at 1 once
    /// the tabs have surely forgotten the last call (twice [`Tabs::MEMORY`]
    /// after it ended; a late message may refresh their memory a while).
    fn name_call(&mut self, now: Millis, call: &Call) -> String {
        let forgotten = |seen: &Occurrences| seen.ended_at.is_some_and(|at| now >= at + Tabs::MEMORY * 2);
        self.crm.occurrences.retain(|_, seen| !forgotten(seen));
        let pair = call_key(call);
        let seen = self.crm.occurrences.entry(pair.clone()).or_default();
        seen.count += 1;
        seen.ended_at = None;
        format!("{pair}#{}", seen.count)
    }

    /// Carries out what the tabs decided: the pops and logs this tab won.
    fn run_tabs(&mut self, now: Millis) {
        while let Some(outcome) = self.tabs.poll_outcome() {
            match outcome {
                Outcome::Perform(task) if task.duty == Duty::Pop => {
                    if let Some((call_id, caller)) = self.crm.pending_pops.remove(&task.call) {
                        self.pop(call_id, caller);
                        if let Some(key) = self.crm.keys.get(&call_id) {
                            self.tabs.own(key);
                        }
                    }
                    self.tabs.done(now, &task);
                }
                Outcome::Perform(task) => {
                    let Some(pending) = self.crm.pending_logs.get(&task.call) else {
                        // Nothing to log here after all: let another tab.
                        self.tabs.unwant(&task);
                        continue;
                    };
                    let record =
                        self.crm.records.get(&pending.call.id).or_else(|| self.tabs.record(&task.call)).cloned();
                    let extension = self.extension.clone().unwrap_or_default();
                    let log = CallLog::for_call(&pending.call, pending.ended_at, &extension, record.as_ref());
                    self.crm_requests.push(CrmRequest::SaveLog { call_id: pending.call.id, log });
                }
                Outcome::Settled(task) if task.duty == Duty::Pop => {
                    self.crm.pending_pops.remove(&task.call);
                }
                Outcome::Settled(task) => self.forget_log(&task),
            }
        }
    }

    /// The agent's other tabs are connected from now on: the edge opened the
    /// channel and will carry [`Session::poll_tab_message`] to them (and back
    /// to this tab: every message must come back to its sender).
    pub fn join_tabs(&mut self, now: Millis) {
        self.tabs.join(now);
    }

    /// A message on the tabs' channel (another tab's, or this tab's own coming back).
    pub fn handle_tab_message(&mut self, now: Millis, message: TabMessage) {
        let told_calls = matches!(message, TabMessage::Calls { .. });
        self.tabs.handle_message(now, message);
        if told_calls {
            self.resume_blind_calls(now);
        }
        self.run_tabs(now);
    }

    /// Another tab told what it knows of its calls: a call this tab
    /// restored blind after a reload takes its start, direction, name,
    /// record and pop from it (a pop still waiting is dropped when it was
    /// done before the reload).
    fn resume_blind_calls(&mut self, now: Millis) {
        let extension = self.extension.clone().unwrap_or_default();
        let blind: Vec<CallId> = self.crm.blind.iter().copied().collect();
        for id in blind {
            let Some(call) = self.calls.list().iter().find(|c| c.id == id).cloned() else {
                self.crm.blind.remove(&id);
                continue;
            };
            let Some(memo) = self.tabs.call_memo(&extension, &call.calling, &call.called).cloned() else { continue };
            self.crm.blind.remove(&id);
            if memo.popped.is_some() {
                let pops: Vec<String> =
                    self.crm.pending_pops.iter().filter(|(_, (c, _))| *c == id).map(|(k, _)| k.clone()).collect();
                for pop in pops {
                    self.crm.pending_pops.remove(&pop);
                    self.tabs.unwant(&Task { duty: Duty::Pop, call: pop });
                }
            }
            self.resume(&call, &memo);
            let changes = self.calls.resume(id, &memo);
            self.emit_calls(now, changes);
        }
    }

    /// Web Locks report that another tab is gone.
    pub fn handle_tab_gone(&mut self, now: Millis, tab: TabId) {
        self.tabs.peer_gone(now, tab);
        self.run_tabs(now);
    }

    /// The page was shown, hidden, focused, frozen, resumed or is closing.
    /// Back from a long sleep, the connection is checked at once.
    pub fn handle_page(&mut self, now: Millis, event: PageEvent) {
        self.tabs.handle_page(now, event);
        self.run_tabs(now);
        self.watch_page(now, event);
    }

    /// A message for the agent's other tabs.
    pub fn poll_tab_message(&mut self) -> Option<TabMessage> {
        self.tabs.poll_transmit()
    }

    /// A tab first heard from on the channel: where Web Locks work, wait for
    /// its lock (`ctisvr-softphone:<channel>:<id>`) and report
    /// [`Session::handle_tab_gone`] when granted.
    pub fn poll_new_tab(&mut self) -> Option<TabId> {
        self.tabs.poll_new_peer()
    }

    /// This tab's id on the channel (it holds the Web Lock of that name).
    pub fn tab_id(&self) -> TabId {
        self.tabs.me()
    }

    /// The page is closing: hand this tab's duties to the others now.
    pub fn leave(&mut self, now: Millis) {
        self.handle_page(now, PageEvent::Closing);
    }

    /// The page has `crm` (Lightning or Classic): the session asks it for
    /// the settings and listens for its clicks ([`Session::poll_crm`]), and
    /// reads its answers the way that CRM writes them
    /// ([`Session::handle_crm_answer`]). Settings then come from the CRM.
    pub fn attach_crm(&mut self, crm: Crm) {
        self.crm_requests.attach(crm);
    }

    /// A request for the CRM's library (see [`crate::crm_requests`]);
    /// queued whether or not a CRM is attached (without one, drop them).
    pub fn poll_crm(&mut self) -> Option<CrmRequest> {
        self.crm_requests.pop()
    }

    /// What the CRM answered to `request` from [`Session::poll_crm`]
    /// (the callback's argument as JSON; `Err`: the library threw or the
    /// method is missing). Each click of the click-to-dial listener is an
    /// answer to [`CrmRequest::ListenClickToDial`].
    pub fn handle_crm_answer(&mut self, now: Millis, request: CrmRequest, response: Result<serde_json::Value, String>) {
        let listening = request == CrmRequest::ListenClickToDial;
        match read_answer(self.crm_requests.crm(), request, response) {
            CrmAnswer::Settings(settings) => self.configure(now, settings),
            // Without its library the settings fail too, and say it first: one notice.
            CrmAnswer::Input(CrmInput::Failed { .. })
                if listening && self.notice.as_ref().is_some_and(|n| n.cause == NoticeCause::Settings) => {}
            CrmAnswer::Input(input) => self.handle_crm(now, input),
            CrmAnswer::Done => {}
        }
    }

    /// Something from the CRM: a click-to-dial, what a screen pop found, how
    /// saving a call log went.
    pub fn handle_crm(&mut self, now: Millis, input: CrmInput) {
        match input {
            CrmInput::ClickToDial(payload) => match parse_click_to_dial(&payload) {
                Ok(request) => {
                    // A refused click keeps the record of the call still being placed.
                    let placing = std::mem::replace(&mut self.crm.dial_record, request.record);
                    // A refusal is shown by `command`.
                    if self.command(now, Command::Call(CallCommand::Dial { number: request.number })).is_err() {
                        self.crm.dial_record = placing;
                    }
                }
                Err(error) => {
                    self.show(Notice::error(NoticeCause::CallRequest, format!("Click-to-dial failed: {error}.")))
                }
            },
            CrmInput::ScreenPopResult { call_id, result } => {
                let known = self.calls.list().iter().any(|c| c.id == call_id);
                if let Some(record) = record_from_search(&result).filter(|_| known) {
                    if let Some(key) = self.crm.keys.get(&call_id) {
                        self.tabs.share_record(key, &record);
                    }
                    self.crm.records.insert(call_id, record);
                    self.remember_calls();
                }
            }
            CrmInput::Failed { what, error } => {
                self.show(Notice::error(NoticeCause::Event, format!("{what} failed: {error}")))
            }
            CrmInput::LogSaved { call_id } => {
                if let Some(task) = self.log_task(call_id) {
                    self.tabs.done(now, &task);
                    self.forget_log(&task);
                }
            }
            CrmInput::LogFailed { call_id, log, error } => {
                let Some(task) = self.log_task(call_id) else { return };
                let attempt = self.crm.pending_logs.get_mut(&task.call).map_or(1, |p| {
                    p.attempts += 1;
                    p.attempts
                });
                if attempt > LOG_ATTEMPTS {
                    self.tabs.done(now, &task);
                    self.forget_log(&task);
                    self.show(Notice::error(NoticeCause::Event, format!(
                        "The call log \"{}\" could not be saved after {LOG_ATTEMPTS} attempts ({error}). Log the call by hand.",
                        log.subject
                    )));
                } else {
                    let delay = LOG_RETRY * attempt;
                    self.show(Notice::error(
                        NoticeCause::LogRetry(task.call.clone()),
                        format!("The call log was not saved ({error}); trying again in {} s.", delay.as_secs()),
                    ));
                    self.tabs.retry(now, &task, now + delay);
                }
            }
        }
    }

    /// A call log is settled (saved or given up, here or in another tab).
    fn forget_log(&mut self, task: &Task) {
        if let Some(pending) = self.crm.pending_logs.remove(&task.call) {
            self.crm.records.remove(&pending.call.id);
        }
        self.resolve(Resolved::LogSettled(task.call.clone()));
    }

    /// The log duty of `call_id`, when its log is pending here.
    fn log_task(&self, call_id: CallId) -> Option<Task> {
        let key = self.crm.pending_logs.iter().find(|(_, p)| p.call.id == call_id).map(|(k, _)| k.clone())?;
        Some(Task { duty: Duty::Log, call: key })
    }

    /// What the browser likely did to socket `id` (the current one) that
    /// failed with `reason`, if the page is known.
    fn advice(&self, id: ConnId, reason: &str) -> Option<String> {
        let page = self.page.as_ref()?;
        if self.connection.current() != Some(id) {
            return None;
        }
        match self.connection.status() {
            ConnectionStatus::Connecting { uri, .. } | ConnectionStatus::Connected { uri, .. } => {
                advise(page, uri, reason)
            }
            _ => None,
        }
    }

    /// A start-up step failed on the current socket.
    fn startup_cause(&self) -> NoticeCause {
        self.connection.current().map_or(NoticeCause::Connection, NoticeCause::Startup)
    }
}

/// A call's name in every tab of the agent: its numbers as it appeared
/// (CtiSVR gives calls no id; every tab sees the same events).
fn call_key(call: &Call) -> String {
    format!("{}>{}", call.calling, call.called)
}

/// What a refusal of `command` is about (refusals for want of a connection
/// or because another request waits are told apart by the session).
fn rejection_cause(command: &Command) -> NoticeCause {
    match command {
        Command::Agent(_) => NoticeCause::AgentRequest,
        Command::Call(_) => NoticeCause::CallRequest,
        Command::DismissNotice | Command::RetryNow => NoticeCause::Connection,
    }
}

/// The action a call command needs to be allowed.
fn call_action(command: &CallCommand) -> CallAction {
    match command {
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

/// Why the calls as they are do not allow `action`.
fn not_allowed_text(action: CallAction) -> &'static str {
    match action {
        CallAction::Answer => "There is no ringing call to answer.",
        CallAction::Dial => "Finish the current calls before dialling another.",
        CallAction::Hold => "There is no connected call to hold.",
        CallAction::Retrieve => "There is no held call to retrieve.",
        CallAction::HangUp => "There is no call to hang up.",
        CallAction::DropParty => "There is no conference to drop a party from.",
        CallAction::Consult => "Consult needs one connected call.",
        CallAction::Reconnect => "Reconnect needs a held call and a consultation.",
        CallAction::Transfer => "Transfer needs a connected call, or a held call and a consultation.",
        CallAction::Conference => "Conference needs a held call and an answered consultation.",
        CallAction::SendDtmf => "The keypad needs a connected call.",
        CallAction::SendExtension => "The extension is sent on a connected call.",
    }
}

mod network;
mod notices;

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
