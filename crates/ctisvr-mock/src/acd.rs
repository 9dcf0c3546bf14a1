//! The simulated Avaya ACD behind the mock: stations (extensions), agents
//! and calls. Pure and synchronous: a request frame goes in, the frames to
//! send come out ([`Outgoing`]: the response to the requester, events to
//! every connection monitoring an extension the request changed). No sockets
//! and no clock of its own, so every rule is unit-tested below.
//!
//! Time enters from outside: requests carry the `now` they arrived at, timed
//! behaviour (an outside number that answers after N ms) is kept as due
//! actions, and the caller asks [`Acd::poll_timeout`] and calls
//! [`Acd::handle_timeout`] when it has passed (the hub runs a task for it;
//! tests move time by hand).
//!
//! Requests are decoded and responses and events encoded with
//! `ctisvr_core::wire`, the codec the softphone itself uses, and the rules
//! both sides apply come from there too: which DTMF digits are valid
//! ([`Dtmf`]), the reason code only with AUX ([`ReasonCode::for_mode`]), ids
//! and numbers given as strings or numbers (`wire::lenient`) and the caller
//! shown ([`ctisvr_core::wire::shown_caller`]). The call flows themselves
//! (makecall to dropparty) are in the `flows` submodule.
//!
//! The names follow the core's roles ([`Acd::handle_frame`],
//! [`Acd::handle_timeout`], [`Acd::poll_timeout`]) but not its types: a
//! socket is a [`SocketId`] here (the core's `ConnId` is another thing),
//! and a call a [`SwitchCall`] (the core's `Call` is the agent's view of
//! one).

mod call;
mod flows;
mod view;

pub use call::{Party, PartyKind, PartyState, SwitchCall, SwitchCallId, SwitchCallState};
pub use view::{AgentView, CallView, ExtensionView, LoggedInView, StateView};

use crate::scenario::Scenario;
use ctisvr_core::wire::{
    DecodeError, Dtmf, Event, EventKind, Outcome, Password, ReasonCode, Request, RequestFrame, RequestId, Response,
    SkillMode, TalkState, UserDataKind, WorkMode,
};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::time::Instant;

/// A WebSocket connection, numbered by the server from 1 (and never reused).
pub type SocketId = u64;

/// Who sent a request: its connection and what tells its station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub conn: SocketId,
    pub peer_ip: IpAddr,
    /// `?ext=` of the WebSocket URL (mock only): wins over the IP map,
    /// because every client of a test machine comes from 127.0.0.1.
    pub chosen_ext: Option<String>,
}

/// One encoded frame for one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub to: SocketId,
    pub text: String,
}

/// An inbound call the control API places (`POST /api/calls`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCall {
    /// The caller's number.
    pub from: String,
    /// The extension it rings at.
    pub to: String,
    /// The original caller, as if the call had been transferred.
    pub orig_calling: Option<String>,
}

/// Every refusal of the ACD; the `Display` text is what goes into the
/// response's `error` field (docs/mock.md lists them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcdError {
    #[error("malformed request: {0}")]
    Malformed(DecodeError),
    #[error("unknown request {0}")]
    UnknownRequest(String),
    #[error("binary frames are not supported: send each request as one JSON text frame")]
    BinaryFrame,
    #[error("no extension is mapped to IP {0}")]
    NoExtensionForIp(IpAddr),
    #[error("unknown extension {0}")]
    UnknownExtension(String),
    #[error("invalid agent id or password")]
    InvalidCredentials,
    #[error("agent {agent} is already logged in at {extension}")]
    AgentLoggedIn { agent: String, extension: String },
    #[error("extension {extension} already has agent {agent} logged in")]
    ExtensionOccupied { extension: String, agent: String },
    #[error("agent {agent} is not logged in at {extension}")]
    NotLoggedInHere { agent: String, extension: String },
    #[error("reasoncode is only allowed with state aux, not {}", .0.as_wire())]
    ReasonCodeWithoutAux(WorkMode),
    #[error("no call at {0}")]
    NoCall(String),
    #[error("no ringing call at {0}")]
    NoRingingCall(String),
    #[error("no connected call at {0}")]
    NoConnectedCall(String),
    #[error("no connected call at {0} to hold")]
    NothingToHold(String),
    #[error("no connected call at {0} to consult from")]
    NothingToConsultFrom(String),
    #[error("no connected call at {0} to transfer")]
    NothingToTransfer(String),
    #[error("no held call at {0}")]
    NoHeldCall(String),
    #[error("{0} is busy on a call: hold it or use consultation")]
    AlreadyOnCall(String),
    #[error("destination is empty")]
    EmptyDestination,
    #[error("{0} cannot call itself")]
    CallsItself(String),
    #[error("{0} is already on the call")]
    AlreadyOnTheCall(String),
    #[error("{0} is already consulting: transfer, conference or reconnect first")]
    AlreadyConsulting(String),
    #[error("no held call and consultation call at {0}")]
    NoConsultation(String),
    #[error("transfer needs a consultation call or a destination")]
    TransferNeedsDestination,
    #[error("conference needs a consultation call first")]
    ConferenceNeedsConsultation,
    #[error("the consultation call has not been answered")]
    ConsultationNotAnswered,
    #[error("the consultation call failed: reconnect or hang it up")]
    ConsultationFailed,
    #[error("party is empty")]
    EmptyParty,
    #[error("{party} is not on the call at {extension}")]
    NotOnTheCall { party: String, extension: String },
    /// Not [`Dtmf`] digits; `digits` is cut after [`Dtmf::MAX_LEN`] + 1 characters.
    #[error("digits must be 1 to {max} of 0-9 * # A B C D, not {digits:?}", max = Dtmf::MAX_LEN)]
    BadDigits { digits: String },
    #[error("{0} is not simulated yet")]
    NotSimulated(String),
    /// Control API: a required number is missing or blank.
    #[error("`{0}` must be a non-empty number")]
    EmptyNumber(&'static str),
    /// Control API: no call has this id.
    #[error("no call {0}")]
    NoSuchCall(String),
    /// Control API: `party` names nobody on the call.
    #[error("{party} is not on call {call}")]
    NotInCall { party: String, call: String },
    /// Control API: answer, but nobody on the call is ringing.
    #[error("call {0} has no ringing party")]
    NothingRinging(String),
    /// Control API: answer `party`, which is not ringing.
    #[error("{party} is not ringing on call {call}")]
    NotRinging { party: String, call: String },
}

/// The most DTMF digits a call remembers (the last ones).
pub const MAX_DIGITS_PER_CALL: usize = 1000;

/// The simulated switch.
#[derive(Debug, Clone)]
pub struct Acd {
    scenario: Scenario,
    /// In scenario order, which is the order `/api/state` lists them in.
    agents: Vec<Agent>,
    /// Extension -> the connections that sent `startmonitor` for it.
    monitors: BTreeMap<String, BTreeSet<SocketId>>,
    /// In the order they were placed.
    calls: Vec<SwitchCall>,
    last_call: u64,
    /// Timed actions: outside numbers that answer at a deadline.
    due: Vec<Due>,
}

/// An outside party that answers at `at`, if it is still ringing then.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Due {
    at: Instant,
    call: SwitchCallId,
    party: String,
}

#[derive(Debug, Clone)]
struct Agent {
    id: String,
    password: String,
    login: Option<Login>,
}

#[derive(Debug, Clone)]
struct Login {
    extension: String,
    mode: WorkMode,
    /// Only in aux; `None` is reason 0 ("no reason given").
    reason: Option<ReasonCode>,
}

/// An event for the monitors of one extension.
#[derive(Debug)]
struct MonitorEvent {
    extension: String,
    event: Event,
}

impl Acd {
    /// A fresh switch: every agent logged out, no calls, no monitors.
    pub fn new(scenario: Scenario) -> Acd {
        let agents = scenario
            .agents
            .iter()
            .map(|agent| Agent { id: agent.id.clone(), password: agent.password.clone(), login: None })
            .collect();
        Acd { scenario, agents, monitors: BTreeMap::new(), calls: Vec::new(), last_call: 0, due: Vec::new() }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The extension `myextension` answers to `client`: its `?ext=` when it
    /// chose one, else the one mapped to its IP address.
    pub fn station_of(&self, client: &Client) -> Result<&str, AcdError> {
        if let Some(chosen) = &client.chosen_ext {
            return match self.scenario.extensions.iter().find(|e| *e == chosen) {
                Some(extension) => Ok(extension),
                None => Err(AcdError::UnknownExtension(chosen.clone())),
            };
        }
        // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
        let ip = client.peer_ip.to_canonical();
        self.scenario.ipextnmap.get(&ip).map(String::as_str).ok_or(AcdError::NoExtensionForIp(ip))
    }

    /// Handles one text frame as received at `now`. A frame that cannot be
    /// decoded gets an error response saying why, with its id when one could
    /// be read.
    pub fn handle_frame(&mut self, client: &Client, text: &str, now: Instant) -> Vec<Outgoing> {
        match RequestFrame::decode(text) {
            Ok(frame) => self.handle(client, frame, now),
            Err(error) => {
                let id = RequestFrame::peek_id(text);
                let response = Response { id, ..anonymous_error(AcdError::Malformed(error)) };
                vec![Outgoing { to: client.conn, text: response.encode() }]
            }
        }
    }

    /// Answers a binary frame: the protocol has text frames only.
    pub fn handle_binary(&self, client: &Client) -> Vec<Outgoing> {
        vec![Outgoing { to: client.conn, text: anonymous_error(AcdError::BinaryFrame).encode() }]
    }

    /// Handles one decoded request received at `now`: the response first,
    /// then the events.
    pub fn handle(&mut self, client: &Client, frame: RequestFrame, now: Instant) -> Vec<Outgoing> {
        let mut events = Vec::new();
        let response = self
            .apply(client, frame.id, frame.request, now, &mut events)
            .unwrap_or_else(|error| Response::error(frame.id, error.to_string()));
        self.prune_due();
        let mut out = vec![Outgoing { to: client.conn, text: response.encode() }];
        out.extend(self.deliver(events));
        out
    }

    /// When the next timed action is due, if any.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.due.iter().map(|due| due.at).min()
    }

    /// Runs every timed action due at `now` (in deadline order): an outside
    /// party still ringing answers, and the stations on its call get
    /// `connect`.
    pub fn handle_timeout(&mut self, now: Instant) -> Vec<Outgoing> {
        let (mut ready, later): (Vec<Due>, Vec<Due>) =
            std::mem::take(&mut self.due).into_iter().partition(|d| d.at <= now);
        self.due = later;
        ready.sort_by_key(|due| due.at);
        let mut events = Vec::new();
        for due in ready {
            let ringing = self.call_index(due.call).filter(|&index| {
                self.calls.get(index).and_then(|c| c.party_numbered(&due.party)).map(|p| p.state)
                    == Some(PartyState::Alerting)
            });
            if let Some(index) = ringing {
                self.connect_party(index, &due.party, &mut events);
            }
        }
        self.deliver(events)
    }

    /// Places an inbound call from outside: it rings at `call.to`, whose
    /// monitors get `offer`; or, when `call.to` is an ACD queue, it waits
    /// there for an available agent (see [`Acd::deliver`]).
    pub fn create_call(&mut self, call: NewCall) -> Result<(CallView, Vec<Outgoing>), AcdError> {
        let from = call.from.trim();
        if from.is_empty() {
            return Err(AcdError::EmptyNumber("from"));
        }
        let queued = self.scenario.queue(&call.to).is_some();
        if !queued {
            self.known(&call.to)?;
        }
        if from == call.to {
            return Err(AcdError::CallsItself(from.to_owned()));
        }
        let mut parties = vec![Party::external(from, PartyState::Connected)];
        if !queued {
            parties.push(Party::station(&call.to, PartyState::Alerting));
        }
        let mut placed = SwitchCall::new(self.next_call_id(), from, &call.to, parties);
        placed.queued = queued;
        placed.orig_calling = call.orig_calling.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        let offer = (!queued).then(|| MonitorEvent::new(&call.to, call_event(EventKind::Offer, &placed)));
        let id = placed.id;
        self.calls.push(placed);
        let out = self.deliver(offer.into_iter().collect());
        // As it is now: ringing at an agent already, or still queued.
        let view = self.call_index(id).and_then(|index| self.calls.get(index)).map(CallView::from);
        view.map(|view| (view, out)).ok_or_else(|| AcdError::NoSuchCall(id.to_string()))
    }

    /// A party of call `id` hangs up (`DELETE /api/calls/{id}`): `party`
    /// when given (any number on the call), else every outside party of the
    /// call in turn; a call without outside parties is cleared for every
    /// station on it. Returns the call as it was before.
    pub fn far_end_hangup(&mut self, id: &str, party: Option<&str>) -> Result<(CallView, Vec<Outgoing>), AcdError> {
        let index = self.find_call(id)?;
        let call = self.calls.get(index).ok_or_else(|| AcdError::NoSuchCall(id.to_owned()))?;
        let (view, call_id) = (CallView::from(call), call.id);
        let mut events = Vec::new();
        match party.map(str::trim) {
            Some(party) => {
                if call.party_numbered(party).is_none() {
                    return Err(AcdError::NotInCall { party: party.to_owned(), call: id.to_owned() });
                }
                self.leave(index, party, &mut events);
            }
            None => {
                let outside: Vec<String> =
                    call.parties.iter().filter(|p| p.kind == PartyKind::External).map(|p| p.number.clone()).collect();
                if outside.is_empty() {
                    self.clear_call(index, &mut events);
                }
                for number in outside {
                    if let Some(index) = self.call_index(call_id) {
                        self.leave(index, &number, &mut events);
                    }
                }
            }
        }
        self.prune_due();
        Ok((view, self.deliver(events)))
    }

    /// A ringing party of call `id` answers (`POST /api/calls/{id}/answer`):
    /// `party` when given, else the first one ringing. A station answers as
    /// with `answer`. Returns the call as it is now.
    pub fn answer_call(&mut self, id: &str, party: Option<&str>) -> Result<(CallView, Vec<Outgoing>), AcdError> {
        let index = self.find_call(id)?;
        let call = self.calls.get(index).ok_or_else(|| AcdError::NoSuchCall(id.to_owned()))?;
        let number = match party.map(str::trim) {
            Some(party) => match call.party_numbered(party) {
                None => return Err(AcdError::NotInCall { party: party.to_owned(), call: id.to_owned() }),
                Some(p) if p.state != PartyState::Alerting => {
                    return Err(AcdError::NotRinging { party: party.to_owned(), call: id.to_owned() })
                }
                Some(p) => p.number.clone(),
            },
            None => call
                .parties
                .iter()
                .find(|p| p.state == PartyState::Alerting)
                .map(|p| p.number.clone())
                .ok_or_else(|| AcdError::NothingRinging(id.to_owned()))?,
        };
        let mut events = Vec::new();
        self.connect_party(index, &number, &mut events);
        self.prune_due();
        let view = self.calls.get(index).map(CallView::from).ok_or_else(|| AcdError::NoSuchCall(id.to_owned()))?;
        Ok((view, self.deliver(events)))
    }

    /// A connection closed: it monitors nothing any more.
    pub fn disconnect(&mut self, conn: SocketId) {
        for monitors in self.monitors.values_mut() {
            monitors.remove(&conn);
        }
        self.monitors.retain(|_, monitors| !monitors.is_empty());
    }

    /// A snapshot for `GET /api/state`.
    pub fn state(&self) -> StateView {
        StateView {
            extensions: self.scenario.extensions.iter().map(|extension| self.extension_view(extension)).collect(),
            agents: self.agents.iter().map(agent_view).collect(),
            calls: self.calls.iter().map(CallView::from).collect(),
        }
    }

    fn extension_view(&self, extension: &str) -> ExtensionView {
        ExtensionView {
            extension: extension.to_owned(),
            agent: self.login_at(extension).map(|(agent, login)| LoggedInView {
                id: agent.id.clone(),
                mode: login.mode,
                reasoncode: reason_number(login),
            }),
            monitors: self.monitors.get(extension).map_or(0, BTreeSet::len),
            calls: self.calls_at(extension).map(|c| c.id).collect(),
        }
    }

    fn apply(
        &mut self,
        client: &Client,
        id: RequestId,
        request: Request,
        now: Instant,
        events: &mut Vec<MonitorEvent>,
    ) -> Result<Response, AcdError> {
        let ok = Response::success(id);
        match request {
            Request::MyExtension => Ok(ok.with_extension(self.station_of(client)?)),
            Request::StartMonitor { extension } => {
                self.known(&extension)?;
                self.monitors.entry(extension).or_default().insert(client.conn);
                Ok(ok)
            }
            Request::QueryDeviceInfo { extension } => self.query_device_info(&extension, ok),
            Request::QueryAgentState { extension } => self.query_agent_state(&extension, ok),
            Request::Snapshot { extension } => self.snapshot(&extension, ok),
            Request::UserData { extension, kind } => self.user_data(&extension, kind, ok),
            Request::Login { extension, agent_id, passwd } => self.login(&extension, &agent_id, &passwd).map(|()| ok),
            Request::Logout { extension, agent_id } => self.logout(&extension, &agent_id).map(|()| ok),
            Request::SetState { extension, agent_id, passwd, state, reason_code } => {
                self.set_state(&extension, &agent_id, &passwd, state, reason_code).map(|()| ok)
            }
            Request::MakeCall { extension, destination } => {
                self.make_call(&extension, &destination, now, events).map(|()| ok)
            }
            Request::Answer { extension } => self.answer(&extension, events).map(|()| ok),
            Request::Hangup { extension } => self.hangup(&extension, events).map(|()| ok),
            Request::Hold { extension } => self.hold(&extension, events).map(|()| ok),
            Request::Retrieve { extension } => self.retrieve(&extension, events).map(|()| ok),
            Request::Consultation { extension, destination } => {
                self.consultation(&extension, &destination, now, events).map(|()| ok)
            }
            Request::Reconnect { extension } => self.reconnect(&extension, events).map(|()| ok),
            Request::Transfer { extension, destination } => {
                self.transfer(&extension, &destination, now, events).map(|()| ok)
            }
            Request::Conference { extension, .. } => self.conference(&extension, events).map(|()| ok),
            Request::DropParty { extension, party } => self.drop_party(&extension, &party, events).map(|()| ok),
            Request::Dtmf { extension, digits } => self.dtmf(&extension, &digits).map(|()| ok),
            Request::Unknown { name, .. } => Err(AcdError::UnknownRequest(name)),
        }
    }

    // ---- queries ----

    fn query_device_info(&self, extension: &str, ok: Response) -> Result<Response, AcdError> {
        self.known(extension)?;
        let agent = self.login_at(extension).map(|(agent, _)| agent.id.clone());
        Ok(Response { associated_device: Some(agent.unwrap_or_default()), ..ok })
    }

    fn query_agent_state(&self, extension: &str, ok: Response) -> Result<Response, AcdError> {
        self.known(extension)?;
        let (skill_mode, reason) = match self.login_at(extension) {
            Some((_, login)) => (SkillMode::Mode(login.mode), reason_number(login)),
            None => (SkillMode::NotLoggedIn, 0),
        };
        let talk_state = if self.calls_at(extension).next().is_some() { TalkState::Call } else { TalkState::Idle };
        Ok(Response {
            skill_mode: Some(skill_mode),
            reason_code: ReasonCode::new(reason),
            talk_state: Some(talk_state),
            ..ok
        })
    }

    fn snapshot(&self, extension: &str, ok: Response) -> Result<Response, AcdError> {
        self.known(extension)?;
        let count = self.calls_at(extension).count();
        Ok(Response { num_call: Some(u32::try_from(count).unwrap_or(u32::MAX)), ..ok })
    }

    fn user_data(&self, extension: &str, kind: UserDataKind, ok: Response) -> Result<Response, AcdError> {
        if kind == UserDataKind::Hangup {
            return Err(AcdError::NotSimulated("userdata type hangup".into()));
        }
        self.known(extension)?;
        let call = self
            .current_call_at(extension)
            .and_then(|index| self.calls.get(index))
            .ok_or_else(|| AcdError::NoCall(extension.to_owned()))?;
        Ok(Response {
            cli: Some(call.caller_shown().to_owned()),
            calling: Some(call.calling.clone()),
            called: Some(call.called.clone()),
            ..ok
        })
    }

    // ---- agents ----

    fn login(&mut self, extension: &str, agent_id: &str, passwd: &Password) -> Result<(), AcdError> {
        self.known(extension)?;
        let index = self
            .agents
            .iter()
            .position(|a| a.id == agent_id && a.password == passwd.expose())
            .ok_or(AcdError::InvalidCredentials)?;
        if let Some(login) = self.agents.get(index).and_then(|a| a.login.as_ref()) {
            return Err(AcdError::AgentLoggedIn { agent: agent_id.to_owned(), extension: login.extension.clone() });
        }
        if let Some((other, _)) = self.login_at(extension) {
            return Err(AcdError::ExtensionOccupied { extension: extension.to_owned(), agent: other.id.clone() });
        }
        if let Some(agent) = self.agents.get_mut(index) {
            // Avaya puts an agent in AUX (no reason) right after login.
            agent.login = Some(Login { extension: extension.to_owned(), mode: WorkMode::Aux, reason: None });
        }
        Ok(())
    }

    fn logout(&mut self, extension: &str, agent_id: &str) -> Result<(), AcdError> {
        self.known(extension)?;
        let agent = self.agent_logged_in_at(extension, agent_id)?;
        agent.login = None;
        Ok(())
    }

    fn set_state(
        &mut self,
        extension: &str,
        agent_id: &str,
        passwd: &Password,
        state: WorkMode,
        reason: Option<ReasonCode>,
    ) -> Result<(), AcdError> {
        self.known(extension)?;
        if reason.is_some() && !ReasonCode::allowed_with(state) {
            return Err(AcdError::ReasonCodeWithoutAux(state));
        }
        let agent = self.agent_logged_in_at(extension, agent_id)?;
        if agent.password != passwd.expose() {
            return Err(AcdError::InvalidCredentials);
        }
        if let Some(login) = agent.login.as_mut() {
            login.mode = state;
            login.reason = reason;
        }
        Ok(())
    }

    fn agent_logged_in_at(&mut self, extension: &str, agent_id: &str) -> Result<&mut Agent, AcdError> {
        self.agents
            .iter_mut()
            .find(|a| a.id == agent_id && a.login.as_ref().is_some_and(|l| l.extension == extension))
            .ok_or_else(|| AcdError::NotLoggedInHere { agent: agent_id.to_owned(), extension: extension.to_owned() })
    }

    fn next_call_id(&mut self) -> SwitchCallId {
        self.last_call += 1;
        SwitchCallId(self.last_call)
    }

    // ---- lookups ----

    fn known(&self, extension: &str) -> Result<(), AcdError> {
        if self.scenario.has_extension(extension) {
            Ok(())
        } else {
            Err(AcdError::UnknownExtension(extension.to_owned()))
        }
    }

    fn login_at(&self, extension: &str) -> Option<(&Agent, &Login)> {
        self.agents.iter().find_map(|agent| {
            agent.login.as_ref().filter(|login| login.extension == extension).map(|login| (agent, login))
        })
    }

    fn calls_at<'a>(&'a self, extension: &'a str) -> impl Iterator<Item = &'a SwitchCall> + 'a {
        self.calls.iter().filter(move |call| call.party(extension).is_some())
    }

    /// The first call where `extension`'s party is in `state`.
    fn call_in_state(&self, extension: &str, state: PartyState) -> Option<usize> {
        self.calls.iter().position(|call| call.state_at(extension) == Some(state))
    }

    /// The call a station's buttons act on: the connected one, else the
    /// ringing one, else the held one, else the failed one.
    fn current_call_at(&self, extension: &str) -> Option<usize> {
        [PartyState::Connected, PartyState::Alerting, PartyState::Held, PartyState::Failed]
            .into_iter()
            .find_map(|state| self.call_in_state(extension, state))
    }

    fn call_index(&self, id: SwitchCallId) -> Option<usize> {
        self.calls.iter().position(|call| call.id == id)
    }

    /// The index of the call a control API path names (`c1`).
    fn find_call(&self, id: &str) -> Result<usize, AcdError> {
        id.parse::<SwitchCallId>()
            .ok()
            .and_then(|id| self.call_index(id))
            .ok_or_else(|| AcdError::NoSuchCall(id.to_owned()))
    }

    /// Hands the calls waiting in ACD queues to available agents (the
    /// oldest call first; each queue's agents in the scenario's order): an
    /// agent logged in, in `auto` or `manual`, with no call at the station.
    /// The station rings and its monitors get `offer` (`called`: the queue).
    /// Then routes `events` and those offers to the monitors.
    fn deliver(&mut self, mut events: Vec<MonitorEvent>) -> Vec<Outgoing> {
        loop {
            let next = self.calls.iter().enumerate().filter(|(_, call)| call.queued).find_map(|(index, call)| {
                let queue = self.scenario.queue(&call.called)?;
                queue.agents.iter().find_map(|id| self.available_station(id)).map(|station| (index, station))
            });
            let Some((index, station)) = next else { break };
            let Some(call) = self.calls.get_mut(index) else { break };
            call.queued = false;
            call.parties.push(Party::station(&station, PartyState::Alerting));
            events.push(MonitorEvent::new(&station, call_event(EventKind::Offer, call)));
        }
        self.route(events).collect()
    }

    /// The station of agent `id` when the agent can take a queued call.
    fn available_station(&self, id: &str) -> Option<String> {
        let login = self.agents.iter().find(|agent| agent.id == id)?.login.as_ref()?;
        let ready = matches!(login.mode, WorkMode::Auto | WorkMode::Manual);
        (ready && self.calls_at(&login.extension).next().is_none()).then(|| login.extension.clone())
    }

    /// Turns events into frames for the connections monitoring each
    /// extension, in event order.
    fn route(&self, events: Vec<MonitorEvent>) -> impl Iterator<Item = Outgoing> + '_ {
        events.into_iter().flat_map(move |monitored| {
            let text = monitored.event.encode();
            self.monitors
                .get(&monitored.extension)
                .into_iter()
                .flatten()
                .map(move |&to| Outgoing { to, text: text.clone() })
        })
    }
}

impl MonitorEvent {
    fn new(extension: &str, event: Event) -> MonitorEvent {
        MonitorEvent { extension: extension.to_owned(), event }
    }
}

/// A call event with the call's numbers: `calling`, `called`, and
/// `origcalling` when the call was transferred.
fn call_event(kind: EventKind, call: &SwitchCall) -> Event {
    let event = Event::new(kind).calling(call.calling.as_str()).called(call.called.as_str());
    match &call.orig_calling {
        Some(orig) => event.orig_calling(orig.as_str()),
        None => event,
    }
}

/// A call event that also names the `party` it is about (`disconnect`: the
/// number that left).
fn party_event(kind: EventKind, call: &SwitchCall, party: &str) -> Event {
    let mut event = call_event(kind, call);
    event.extra.insert("party".into(), serde_json::Value::from(party));
    event
}

fn agent_view(agent: &Agent) -> AgentView {
    AgentView {
        id: agent.id.clone(),
        extension: agent.login.as_ref().map(|l| l.extension.clone()),
        mode: agent.login.as_ref().map(|l| l.mode),
        reasoncode: agent.login.as_ref().map(reason_number),
    }
}

/// The reason code as a number: 0 unless the agent is in aux with a reason.
fn reason_number(login: &Login) -> u8 {
    ReasonCode::for_mode(login.mode, login.reason).map_or(0, ReasonCode::value)
}

/// An error response without an id, for frames that have none.
fn anonymous_error(error: AcdError) -> Response {
    Response { id: None, result: Outcome::Error, error: Some(error.to_string()), ..Response::default() }
}

#[cfg(test)]
mod tests;
