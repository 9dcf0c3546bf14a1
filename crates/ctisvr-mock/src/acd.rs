//! The simulated Avaya ACD behind the mock: stations (extensions), agents
//! and calls. Pure and synchronous: a request frame goes in, the frames to
//! send come out ([`Outgoing`]: the response to the requester, events to
//! every connection monitoring an extension the request changed). No sockets
//! and no clock, so every rule is unit-tested below.
//!
//! Requests are decoded and responses and events encoded with
//! `ctisvr_core::wire`, the codec the softphone itself uses.

mod call;
mod view;

pub use call::{Call, CallId, CallState, Party, PartyKind, PartyState};
pub use view::{AgentView, CallView, ExtensionView, LoggedInView, StateView};

use crate::scenario::Scenario;
use ctisvr_core::wire::{
    DecodeError, Event, EventKind, Outcome, Password, ReasonCode, Request, RequestFrame, RequestId, Response,
    SkillMode, TalkState, UserDataKind, WorkMode,
};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// A WebSocket connection, numbered by the server from 1.
pub type ConnId = u64;

/// Who sent a request: its connection and what tells its station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub conn: ConnId,
    pub peer_ip: IpAddr,
    /// `?ext=` of the WebSocket URL (mock only): wins over the IP map,
    /// because every client of a test machine comes from 127.0.0.1.
    pub chosen_ext: Option<String>,
}

/// One encoded frame for one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub to: ConnId,
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
    #[error("no held call at {0}")]
    NoHeldCall(String),
    #[error("{0} is already on a connected call; hold it first or use consultation")]
    AlreadyOnCall(String),
    #[error("destination is empty")]
    EmptyDestination,
    #[error("{0} cannot call itself")]
    CallsItself(String),
    #[error("{0} is not simulated yet")]
    NotSimulated(String),
    /// Control API: a required number is missing or blank.
    #[error("`{0}` must be a non-empty number")]
    EmptyNumber(&'static str),
    /// Control API: no call has this id.
    #[error("no call {0}")]
    NoSuchCall(String),
}

/// The simulated switch.
#[derive(Debug, Clone)]
pub struct Acd {
    scenario: Scenario,
    /// In scenario order, which is the order `/api/state` lists them in.
    agents: Vec<Agent>,
    /// Extension -> the connections that sent `startmonitor` for it.
    monitors: BTreeMap<String, BTreeSet<ConnId>>,
    /// In the order they were placed.
    calls: Vec<Call>,
    last_call: u64,
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
struct Notice {
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
        Acd { scenario, agents, monitors: BTreeMap::new(), calls: Vec::new(), last_call: 0 }
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

    /// Handles one text frame as received. A frame that cannot be decoded
    /// gets an error response saying why, with its id when one could be read.
    pub fn handle_text(&mut self, client: &Client, text: &str) -> Vec<Outgoing> {
        match RequestFrame::decode(text) {
            Ok(frame) => self.handle(client, frame),
            Err(error) => {
                let response = Response { id: salvage_id(text), ..anonymous_error(AcdError::Malformed(error)) };
                vec![Outgoing { to: client.conn, text: response.encode() }]
            }
        }
    }

    /// Answers a binary frame: the protocol has text frames only.
    pub fn handle_binary(&self, client: &Client) -> Vec<Outgoing> {
        vec![Outgoing { to: client.conn, text: anonymous_error(AcdError::BinaryFrame).encode() }]
    }

    /// Handles one decoded request: the response first, then the events.
    pub fn handle(&mut self, client: &Client, frame: RequestFrame) -> Vec<Outgoing> {
        let mut notices = Vec::new();
        let response = self
            .apply(client, frame.id, frame.request, &mut notices)
            .unwrap_or_else(|error| Response::error(frame.id, error.to_string()));
        let mut out = vec![Outgoing { to: client.conn, text: response.encode() }];
        out.extend(self.route(notices));
        out
    }

    /// Places an inbound call from outside: it rings at `call.to`, whose
    /// monitors get `offer`.
    pub fn create_call(&mut self, call: NewCall) -> Result<(CallView, Vec<Outgoing>), AcdError> {
        let from = call.from.trim();
        if from.is_empty() {
            return Err(AcdError::EmptyNumber("from"));
        }
        self.known(&call.to)?;
        let placed = Call {
            id: self.next_call_id(),
            calling: from.to_owned(),
            called: call.to.clone(),
            orig_calling: call.orig_calling.filter(|n| !n.trim().is_empty()),
            parties: vec![Party::external(from, PartyState::Connected), Party::station(&call.to, PartyState::Alerting)],
        };
        let offer = Notice::new(&call.to, call_event(EventKind::Offer, &placed));
        let view = CallView::from(&placed);
        self.calls.push(placed);
        Ok((view, self.route(vec![offer]).collect()))
    }

    /// The far end hangs up call `id` (`DELETE /api/calls/{id}`): the call
    /// ends for every station on it.
    pub fn far_end_hangup(&mut self, id: &str) -> Result<(CallView, Vec<Outgoing>), AcdError> {
        let index = id
            .parse::<CallId>()
            .ok()
            .and_then(|id| self.calls.iter().position(|c| c.id == id))
            .ok_or_else(|| AcdError::NoSuchCall(id.to_owned()))?;
        let mut notices = Vec::new();
        let view = self.clear_call(index, &mut notices);
        Ok((view, self.route(notices).collect()))
    }

    /// A connection closed: it monitors nothing any more.
    pub fn disconnect(&mut self, conn: ConnId) {
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
        notices: &mut Vec<Notice>,
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
                self.make_call(&extension, &destination, notices).map(|()| ok)
            }
            Request::Answer { extension } => self.answer(&extension, notices).map(|()| ok),
            Request::Hangup { extension } => self.hangup(&extension, notices).map(|()| ok),
            Request::Hold { extension } => self.hold(&extension, notices).map(|()| ok),
            Request::Retrieve { extension } => self.retrieve(&extension, notices).map(|()| ok),
            Request::Dtmf { extension, .. } => self.dtmf(&extension).map(|()| ok),
            request @ (Request::Reconnect { .. }
            | Request::Consultation { .. }
            | Request::Transfer { .. }
            | Request::Conference { .. }
            | Request::DropParty { .. }) => Err(AcdError::NotSimulated(request.name().to_owned())),
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
        if state != WorkMode::Aux && reason.is_some() {
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

    // ---- calls ----

    fn make_call(&mut self, extension: &str, destination: &str, notices: &mut Vec<Notice>) -> Result<(), AcdError> {
        self.known(extension)?;
        let destination = destination.trim();
        if destination.is_empty() {
            return Err(AcdError::EmptyDestination);
        }
        if destination == extension {
            return Err(AcdError::CallsItself(extension.to_owned()));
        }
        if self.call_in_state(extension, PartyState::Connected).is_some() {
            return Err(AcdError::AlreadyOnCall(extension.to_owned()));
        }
        let internal = self.scenario.has_extension(destination);
        let far_end = if internal {
            Party::station(destination, PartyState::Alerting)
        } else {
            // Outside numbers answer at once: there is nobody to simulate.
            Party::external(destination, PartyState::Connected)
        };
        let call = Call {
            id: self.next_call_id(),
            calling: extension.to_owned(),
            called: destination.to_owned(),
            orig_calling: None,
            parties: vec![Party::station(extension, PartyState::Connected), far_end],
        };
        notices.push(Notice::new(extension, call_event(EventKind::Alert, &call)));
        if internal {
            notices.push(Notice::new(destination, call_event(EventKind::Offer, &call)));
        } else {
            notices.push(Notice::new(extension, call_event(EventKind::Connect, &call)));
        }
        self.calls.push(call);
        Ok(())
    }

    fn answer(&mut self, extension: &str, notices: &mut Vec<Notice>) -> Result<(), AcdError> {
        self.known(extension)?;
        let index = self
            .call_in_state(extension, PartyState::Alerting)
            .ok_or_else(|| AcdError::NoRingingCall(extension.to_owned()))?;
        // Avaya holds the call in progress when the agent answers another.
        self.hold_others(extension, index, notices);
        self.set_party_state(index, extension, PartyState::Connected);
        self.notify_call(index, EventKind::Connect, notices);
        Ok(())
    }

    fn hangup(&mut self, extension: &str, notices: &mut Vec<Notice>) -> Result<(), AcdError> {
        self.known(extension)?;
        let index = self.current_call_at(extension).ok_or_else(|| AcdError::NoCall(extension.to_owned()))?;
        // With two parties, one hanging up ends the call. (Conferences,
        // when simulated, will drop just this party.)
        self.clear_call(index, notices);
        Ok(())
    }

    fn hold(&mut self, extension: &str, notices: &mut Vec<Notice>) -> Result<(), AcdError> {
        self.known(extension)?;
        let index = self
            .call_in_state(extension, PartyState::Connected)
            .ok_or_else(|| AcdError::NoConnectedCall(extension.to_owned()))?;
        self.set_party_state(index, extension, PartyState::Held);
        self.notify_call(index, EventKind::Hold, notices);
        Ok(())
    }

    fn retrieve(&mut self, extension: &str, notices: &mut Vec<Notice>) -> Result<(), AcdError> {
        self.known(extension)?;
        let index = self
            .call_in_state(extension, PartyState::Held)
            .ok_or_else(|| AcdError::NoHeldCall(extension.to_owned()))?;
        self.hold_others(extension, index, notices);
        self.set_party_state(index, extension, PartyState::Connected);
        self.notify_call(index, EventKind::Retrieve, notices);
        Ok(())
    }

    /// Digits go nowhere; the request only has to make sense.
    fn dtmf(&self, extension: &str) -> Result<(), AcdError> {
        self.known(extension)?;
        self.call_in_state(extension, PartyState::Connected)
            .map(|_| ())
            .ok_or_else(|| AcdError::NoConnectedCall(extension.to_owned()))
    }

    /// Puts `extension`'s connected calls other than `keep` on hold.
    fn hold_others(&mut self, extension: &str, keep: usize, notices: &mut Vec<Notice>) {
        let others: Vec<usize> = (0..self.calls.len())
            .filter(|&i| i != keep)
            .filter(|&i| self.calls.get(i).and_then(|c| c.state_at(extension)) == Some(PartyState::Connected))
            .collect();
        for index in others {
            self.set_party_state(index, extension, PartyState::Held);
            self.notify_call(index, EventKind::Hold, notices);
        }
    }

    /// Ends call `index`: `disconnect` to every station on it, then `idle`
    /// to each of them that has no call left.
    fn clear_call(&mut self, index: usize, notices: &mut Vec<Notice>) -> CallView {
        let call = self.calls.remove(index);
        let stations: Vec<&str> = call.stations().collect();
        for station in &stations {
            notices.push(Notice::new(station, Event::new(EventKind::Disconnect)));
        }
        for station in &stations {
            if self.calls_at(station).next().is_none() {
                notices.push(Notice::new(station, Event::new(EventKind::Idle)));
            }
        }
        CallView::from(&call)
    }

    fn set_party_state(&mut self, index: usize, extension: &str, state: PartyState) {
        if let Some(party) = self.calls.get_mut(index).and_then(|call| call.party_mut(extension)) {
            party.state = state;
        }
    }

    /// An event of `kind` about call `index` to every station on it.
    fn notify_call(&self, index: usize, kind: EventKind, notices: &mut Vec<Notice>) {
        if let Some(call) = self.calls.get(index) {
            for station in call.stations() {
                notices.push(Notice::new(station, call_event(kind.clone(), call)));
            }
        }
    }

    fn next_call_id(&mut self) -> CallId {
        self.last_call += 1;
        CallId(self.last_call)
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

    fn calls_at<'a>(&'a self, extension: &'a str) -> impl Iterator<Item = &'a Call> + 'a {
        self.calls.iter().filter(move |call| call.party(extension).is_some())
    }

    /// The first call where `extension`'s party is in `state`.
    fn call_in_state(&self, extension: &str, state: PartyState) -> Option<usize> {
        self.calls.iter().position(|call| call.state_at(extension) == Some(state))
    }

    /// The call a station's buttons act on: the connected one, else the
    /// ringing one, else the held one.
    fn current_call_at(&self, extension: &str) -> Option<usize> {
        [PartyState::Connected, PartyState::Alerting, PartyState::Held]
            .into_iter()
            .find_map(|state| self.call_in_state(extension, state))
    }

    /// Turns notices into frames for the connections monitoring each
    /// extension, in notice order.
    fn route(&self, notices: Vec<Notice>) -> impl Iterator<Item = Outgoing> + '_ {
        notices.into_iter().flat_map(move |notice| {
            let text = notice.event.encode();
            self.monitors
                .get(&notice.extension)
                .into_iter()
                .flatten()
                .map(move |&to| Outgoing { to, text: text.clone() })
        })
    }
}

impl Notice {
    fn new(extension: &str, event: Event) -> Notice {
        Notice { extension: extension.to_owned(), event }
    }
}

/// A call event with the call's numbers: `calling`, `called`, and
/// `origcalling` on an `offer` of a transferred call.
fn call_event(kind: EventKind, call: &Call) -> Event {
    let with_orig = kind == EventKind::Offer;
    let event = Event::new(kind).calling(call.calling.as_str()).called(call.called.as_str());
    match &call.orig_calling {
        Some(orig) if with_orig => event.orig_calling(orig.as_str()),
        _ => event,
    }
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
    match login.mode {
        WorkMode::Aux => login.reason.map_or(0, ReasonCode::value),
        _ => 0,
    }
}

/// An error response without an id, for frames that have none.
fn anonymous_error(error: AcdError) -> Response {
    Response { id: None, result: Outcome::Error, error: Some(error.to_string()), ..Response::default() }
}

/// The id of a frame `RequestFrame::decode` refused, read the same lenient
/// way (a number, or a number in a string), so the error response can still
/// be correlated by the client.
fn salvage_id(text: &str) -> Option<RequestId> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    match value.get("id")? {
        serde_json::Value::Number(number) => number.as_u64(),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
