//! The session fed arbitrary sequences of inputs, played against a server
//! that answers, refuses, repeats, invents and garbles; after every input
//! the outputs are drained and the invariants checked.

use crate::inputs::{json, number, object_with, text};
use ctisvr_core::calls::MAX_CALLS;
use ctisvr_core::element_api::dom_event;
use ctisvr_core::tabs::{PageEvent, TabMessage};
use ctisvr_core::transport_advice::PageOrigin;
use ctisvr_core::voice::{Leg, PresenceTable, VoiceCommand, VoiceEvent, VoiceEvents};
use ctisvr_core::wire::{Password, ReasonCode, RequestFrame, WorkMode};
use ctisvr_core::{
    AgentCommand, CallChange, CallCommand, Command, ConnId, ConnectionStatus, Crm, CrmFault, CrmRequest, Lang, Millis,
    Network, Session, SessionOptions, Settings, SocketOrder, TransportEvent, Update,
};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};

/// How far the cases got, counted across runs: a fuzzer that never logs in
/// or never sees a call tests little (`ctisvr-fuzz` prints these).
pub struct Reached {
    pub cases: AtomicU64,
    pub ready: AtomicU64,
    pub logged_in: AtomicU64,
    pub a_call: AtomicU64,
    pub two_calls: AtomicU64,
    pub notice: AtomicU64,
    /// Salesforce Voice heard of a call (`CALL_STARTED` or a restored call).
    pub voice_call: AtomicU64,
}

pub static REACHED: Reached = Reached {
    cases: AtomicU64::new(0),
    ready: AtomicU64::new(0),
    logged_in: AtomicU64::new(0),
    a_call: AtomicU64::new(0),
    two_calls: AtomicU64::new(0),
    notice: AtomicU64::new(0),
    voice_call: AtomicU64::new(0),
};

impl Reached {
    /// "ready 71 %, logged in 23 %..." of the cases counted.
    pub fn summary(&self) -> String {
        let cases = self.cases.load(Ordering::Relaxed).max(1) as f64;
        let share = |counter: &AtomicU64| 100.0 * counter.load(Ordering::Relaxed) as f64 / cases;
        format!(
            "{} cases: ready {:.0} %, logged in {:.0} %, a call {:.0} %, two calls {:.0} %, a notice {:.0} %, \
             a Salesforce Voice call event {:.0} %",
            self.cases.load(Ordering::Relaxed),
            share(&self.ready),
            share(&self.logged_in),
            share(&self.a_call),
            share(&self.two_calls),
            share(&self.notice),
            share(&self.voice_call)
        )
    }
}

/// What one case got to.
#[derive(Default)]
struct Got {
    ready: bool,
    logged_in: bool,
    a_call: bool,
    two_calls: bool,
    notice: bool,
    voice_call: bool,
}

/// The agent's password: it may go to CtiSVR in `login` and `setstate`, and
/// nowhere else.
const SECRET: &str = "pw-S3CR3T-7731";
/// Requests of the agent's (one at a time).
const AGENT_REQUESTS: [&str; 14] = [
    "login",
    "logout",
    "setstate",
    "makecall",
    "answer",
    "hold",
    "retrieve",
    "hangup",
    "reconnect",
    "consultation",
    "transfer",
    "conference",
    "dropparty",
    "dtmf",
];
/// Answers that may bring a call: the calls of the extension, and a call placed.
const CALL_BRINGING_ANSWERS: [&str; 3] = ["userdata", "makecall", "consultation"];
const EVENTS: [&str; 11] =
    ["offer", "alert", "connect", "hold", "retrieve", "transfer", "conference", "disconnect", "fail", "idle", "ring"];

/// How the server answers a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// `result: success` with these fields.
    Success(Map<String, Value>),
    /// `result: error` with this text.
    Error(String),
    /// A response frame with anything in it.
    Junk(Map<String, Value>),
}

/// One input to the session.
#[derive(Debug, Clone)]
pub enum Op {
    Opened,
    Closed {
        code: u16,
        reason: String,
        clean: bool,
    },
    Failed(String),
    Binary,
    /// Answers the oldest request waiting as a working CtiSVR would.
    Serve {
        skill_mode: &'static str,
        calls: u32,
    },
    /// Answers the `nth` (modulo) request still waiting on this socket.
    Reply {
        nth: usize,
        reply: Reply,
    },
    /// The last response again.
    Duplicate,
    /// A response to an id never sent.
    UnknownId {
        id: u64,
        reply: Reply,
    },
    Event {
        kind: String,
        calling: String,
        called: String,
        extra: Map<String, Value>,
    },
    /// Any text as a frame.
    Text(String),
    Command(Command),
    /// What Salesforce Voice asks, through the core's mapping (issue 14).
    Voice(VoiceCommand),
    /// Answers the `nth` (modulo) CRM request waiting.
    Crm {
        nth: usize,
        answer: Result<Value, String>,
    },
    Tab(String),
    Page(PageEvent),
    Network(bool),
    /// The clock moves on by this many milliseconds.
    Clock(u64),
    Lang(bool),
    /// New attributes: server A (none, or any text).
    Settings(Option<String>),
}

fn reply() -> impl Strategy<Value = Reply> {
    prop_oneof![
        4 => object_with(vec![]).prop_map(Reply::Success),
        2 => text().prop_map(Reply::Error),
        1 => object_with(vec![]).prop_map(Reply::Junk),
    ]
}

fn page_event() -> impl Strategy<Value = PageEvent> {
    prop::sample::select(vec![
        PageEvent::Shown,
        PageEvent::Hidden,
        PageEvent::Focused,
        PageEvent::Frozen,
        PageEvent::Resumed,
        PageEvent::Closing,
    ])
}

fn command() -> impl Strategy<Value = Command> {
    let mode = prop::sample::select(WorkMode::ALL.to_vec());
    let agent = prop_oneof![
        ("[0-9]{0,5}", any::<bool>()).prop_map(|(agent_id, typed)| {
            let password = Password::new(if typed { SECRET } else { "" });
            Command::Agent(AgentCommand::Login { agent_id, password })
        }),
        Just(Command::Agent(AgentCommand::Logout)),
        (mode, 0u8..12, any::<bool>()).prop_map(|(mode, reason, typed)| {
            let password = typed.then(|| Password::new(SECRET));
            Command::Agent(AgentCommand::SetState { mode, reason: ReasonCode::new(reason), password })
        }),
    ];
    let optional = || prop::option::of(number());
    let call = prop_oneof![
        number().prop_map(|number| CallCommand::Dial { number }),
        Just(CallCommand::Answer),
        Just(CallCommand::Hold),
        Just(CallCommand::Retrieve),
        Just(CallCommand::HangUp),
        optional().prop_map(|party| CallCommand::DropParty { party }),
        number().prop_map(|number| CallCommand::Consult { number }),
        Just(CallCommand::Reconnect),
        optional().prop_map(|number| CallCommand::Transfer { number }),
        optional().prop_map(|number| CallCommand::Conference { number }),
        text().prop_map(|digits| CallCommand::SendDtmf { digits }),
        (0u32..6).prop_map(|call| CallCommand::SendExtension { call }),
    ];
    prop_oneof![
        3 => agent,
        5 => call.prop_map(Command::Call),
        1 => Just(Command::DismissNotice),
        1 => Just(Command::RetryNow),
    ]
}

/// The presence table of the Salesforce Voice requests and events.
const PRESENCE: &str = "0N51=auto; 0N52=manual; 0N53=aux/2; 0N54=acw; 0=logout";

fn voice_command() -> impl Strategy<Value = VoiceCommand> {
    let leg = prop_oneof![Just(Leg::Agent), prop::option::of(number()).prop_map(|number| Leg::Participant { number }),];
    prop_oneof![
        Just(VoiceCommand::AcceptCall),
        Just(VoiceCommand::DeclineCall),
        leg.prop_map(VoiceCommand::EndCall),
        Just(VoiceCommand::Hold),
        Just(VoiceCommand::Resume),
        number().prop_map(|number| VoiceCommand::Dial { number }),
        text().prop_map(|digits| VoiceCommand::SendDigits { digits }),
        (number(), any::<bool>()).prop_map(|(number, blind)| VoiceCommand::AddParticipant { number, blind }),
        Just(VoiceCommand::Conference),
        Just(VoiceCommand::Swap),
        prop::sample::select(vec!["0N51", "0N52", "0N53", "0N54", "0", "0N5zz"])
            .prop_map(|id| VoiceCommand::SetAgentStatus { status_id: id.to_owned() }),
        Just(VoiceCommand::WrapUpCall),
        Just(VoiceCommand::Logout),
        Just(VoiceCommand::Mute),
        Just(VoiceCommand::PauseRecording),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let event = (
        prop_oneof![4 => prop::sample::select(EVENTS.to_vec()).prop_map(str::to_owned), 1 => text()],
        prop_oneof![3 => Just("4155550100".to_owned()), 1 => Just("2001".to_owned()), 2 => number()],
        prop_oneof![3 => Just("2001".to_owned()), 1 => Just("4155550100".to_owned()), 2 => number()],
        object_with(vec![]),
    )
        .prop_map(|(kind, calling, called, extra)| Op::Event { kind, calling, called, extra });
    prop_oneof![
        6 => Just(Op::Opened),
        1 => (prop_oneof![Just(1000u16), Just(1006), Just(1011), any::<u16>()], text(), any::<bool>())
            .prop_map(|(code, reason, clean)| Op::Closed { code, reason, clean }),
        1 => text().prop_map(Op::Failed),
        1 => Just(Op::Binary),
        16 => (prop::sample::select(vec!["aux", "auto", "manual", "acw", "null", "break"]), 0u32..3)
            .prop_map(|(skill_mode, calls)| Op::Serve { skill_mode, calls }),
        6 => (any::<usize>(), reply()).prop_map(|(nth, reply)| Op::Reply { nth, reply }),
        1 => Just(Op::Duplicate),
        1 => (any::<u64>(), reply()).prop_map(|(id, reply)| Op::UnknownId { id, reply }),
        10 => event,
        1 => prop_oneof![text(), json().prop_map(|v| v.to_string())].prop_map(Op::Text),
        8 => command().prop_map(Op::Command),
        4 => voice_command().prop_map(Op::Voice),
        2 => (any::<usize>(), prop_oneof![3 => json().prop_map(Ok), 1 => text().prop_map(Err)])
            .prop_map(|(nth, answer)| Op::Crm { nth, answer }),
        1 => prop_oneof![text(), json().prop_map(|v| v.to_string())].prop_map(Op::Tab),
        1 => page_event().prop_map(Op::Page),
        1 => any::<bool>().prop_map(Op::Network),
        3 => prop_oneof![6 => 0u64..2_000, 2 => 0u64..60_000, 1 => Just(3_600_000)].prop_map(Op::Clock),
        1 => any::<bool>().prop_map(Op::Lang),
        1 => prop::option::of(prop_oneof![Just("ws://cti.example:9006/".to_owned()), text()]).prop_map(Op::Settings),
    ]
}

/// What an input was, to tell whether it may bring a call.
#[derive(Debug, Clone, PartialEq)]
enum Cause {
    /// An event frame, or a response answering one of `CALL_BRINGING_ANSWERS`.
    MayBringCalls,
    Other,
}

/// The session and the world around it: the server's view of the socket,
/// the CRM's requests, the clock.
struct World {
    session: Session,
    now: Millis,
    socket: Option<ConnId>,
    open: bool,
    /// Requests sent on the current socket and not answered: (id, name).
    waiting: Vec<(u64, String)>,
    last_response: Option<String>,
    crm: Vec<CrmRequest>,
    got: Got,
    presence: PresenceTable,
    /// Salesforce Voice's view of the updates, and the calls it was told of.
    voice: VoiceEvents,
    voice_calls: BTreeSet<u32>,
    voice_status: Option<String>,
}

impl World {
    fn new(seed: u64, crm: bool) -> World {
        let options = SessionOptions { seed, ..SessionOptions::default() };
        let mut session = Session::new(options);
        session.set_page(PageOrigin::new("https:", "myorg.lightning.force.com"));
        if crm {
            session.attach_crm(Crm::Lightning);
        } else {
            let uri = |name: &str| match name {
                "ws-uri-a" => Some("ws://cti.example:9006/".to_owned()),
                "ws-uri-b" => Some("ws://cti.example:9008/".to_owned()),
                _ => None,
            };
            session.configure(Millis(0), Settings::from_attributes(uri));
        }
        World {
            session,
            now: Millis(0),
            socket: None,
            open: false,
            waiting: Vec::new(),
            last_response: None,
            crm: Vec::new(),
            got: Got::default(),
            presence: PresenceTable::parse(PRESENCE).unwrap_or_default(),
            voice: VoiceEvents::default(),
            voice_calls: BTreeSet::new(),
            voice_status: None,
        }
    }

    fn frame(&mut self, text: &str) -> Cause {
        let Some(id) = self.socket.filter(|_| self.open) else { return Cause::Other };
        self.session.handle_frame(self.now, id, text);
        Cause::Other
    }

    /// A response frame to request `id` (`name`): its text, and whether it may bring calls.
    fn response(id: u64, name: &str, reply: &Reply) -> (String, Cause) {
        let (mut object, result, brings) = match reply {
            Reply::Success(fields) => {
                (fields.clone(), Some("success".to_owned()), CALL_BRINGING_ANSWERS.contains(&name))
            }
            Reply::Error(text) => {
                let mut object = Map::new();
                object.insert("error".into(), Value::String(text.clone()));
                (object, Some("error".to_owned()), false)
            }
            // Whatever the fields say, the session reads a response to `name`.
            Reply::Junk(fields) => (fields.clone(), None, CALL_BRINGING_ANSWERS.contains(&name)),
        };
        if name == "myextension" && matches!(reply, Reply::Success(_)) {
            object.entry("extension").or_insert(json!("2001"));
        }
        object.insert("msgtype".into(), json!("response"));
        object.insert("id".into(), json!(id));
        if let Some(result) = result {
            object.insert("result".into(), json!(result));
        }
        let cause = if brings { Cause::MayBringCalls } else { Cause::Other };
        (Value::Object(object).to_string(), cause)
    }

    fn apply(&mut self, op: &Op) -> Cause {
        let now = self.now;
        match op {
            Op::Opened => {
                if let (Some(id), false) = (self.socket, self.open) {
                    self.open = true;
                    self.session.handle_transport(now, TransportEvent::Opened(id));
                }
                Cause::Other
            }
            Op::Closed { code, reason, clean } => {
                if let Some(id) = self.lose_socket() {
                    let event = TransportEvent::Closed { id, code: *code, reason: reason.clone(), clean: *clean };
                    self.session.handle_transport(now, event);
                }
                Cause::Other
            }
            Op::Failed(error) => {
                if let Some(id) = self.lose_socket() {
                    self.session.handle_transport(now, TransportEvent::Failed { id, error: error.clone() });
                }
                Cause::Other
            }
            Op::Binary => {
                if let Some(id) = self.socket.filter(|_| self.open) {
                    self.session.handle_transport(now, TransportEvent::NotText(id));
                }
                Cause::Other
            }
            Op::Serve { skill_mode, calls } => {
                if self.waiting.is_empty() || !self.open {
                    return Cause::Other;
                }
                let (id, name) = self.waiting.remove(0);
                let fields = match name.as_str() {
                    "myextension" => json!({"extension": "2001"}),
                    "querydeviceinfo" => json!({"associateddevice": if *skill_mode == "null" { "" } else { "1001" }}),
                    "queryagentstate" => json!({"skillmode": skill_mode, "reasoncode": "3", "talkstate": "idle"}),
                    "snapshot" => json!({"numcall": calls}),
                    "userdata" => json!({"cli": "4155550100", "calling": "4155550100", "called": "2001"}),
                    _ => json!({}),
                };
                let Value::Object(fields) = fields else { return Cause::Other };
                let (text, cause) = World::response(id, &name, &Reply::Success(fields));
                self.last_response = Some(text.clone());
                self.frame(&text);
                cause
            }
            Op::Reply { nth, reply } => {
                if self.waiting.is_empty() || !self.open {
                    return Cause::Other;
                }
                let (id, name) = self.waiting.remove(nth % self.waiting.len());
                let (text, cause) = World::response(id, &name, reply);
                self.last_response = Some(text.clone());
                self.frame(&text);
                cause
            }
            Op::Duplicate => {
                if let Some(text) = self.last_response.clone() {
                    self.frame(&text);
                }
                Cause::Other
            }
            Op::UnknownId { id, reply } => {
                let (text, _) = World::response(id.saturating_add(1_000_000), "unknown", reply);
                self.frame(&text);
                Cause::Other
            }
            Op::Event { kind, calling, called, extra } => {
                let mut object = extra.clone();
                object.insert("msgtype".into(), json!("event"));
                object.insert("eventtype".into(), json!(kind));
                object.insert("calling".into(), json!(calling));
                object.insert("called".into(), json!(called));
                self.frame(&Value::Object(object).to_string());
                Cause::MayBringCalls
            }
            Op::Text(text) => {
                // Text that happens to be an event or a response is one.
                let decoded: Option<Value> = serde_json::from_str(text).ok();
                let kind = decoded.as_ref().and_then(|v| v.get("msgtype")).and_then(Value::as_str).map(str::to_owned);
                let answered = decoded.as_ref().and_then(|v| v.get("id")).and_then(ctisvr_core::wire::lenient::as_u64);
                self.frame(text);
                match kind.as_deref() {
                    Some("event") => Cause::MayBringCalls,
                    Some("response") => match self.waiting.iter().position(|(id, _)| Some(*id) == answered) {
                        Some(at) => {
                            let (_, name) = self.waiting.remove(at);
                            if CALL_BRINGING_ANSWERS.contains(&name.as_str()) {
                                Cause::MayBringCalls
                            } else {
                                Cause::Other
                            }
                        }
                        None => Cause::Other,
                    },
                    _ => Cause::Other,
                }
            }
            Op::Command(command) => {
                let _ = self.session.command(now, command.clone());
                Cause::Other
            }
            Op::Voice(voice) => {
                // A refusal (desk-phone mode, an unknown status) sends nothing.
                if let Ok(command) = voice.command(&self.session.state(), &self.presence) {
                    let _ = self.session.command(now, command);
                }
                Cause::Other
            }
            Op::Crm { nth, answer } => {
                if !self.crm.is_empty() {
                    let request = self.crm.remove(nth % self.crm.len());
                    let answer = answer.clone().map_err(CrmFault::Said);
                    self.session.handle_crm_answer(now, request, answer);
                }
                Cause::Other
            }
            Op::Tab(text) => {
                if let Some(message) = TabMessage::decode(text) {
                    self.session.handle_tab_message(now, message);
                }
                Cause::Other
            }
            Op::Page(event) => {
                self.session.handle_page(now, *event);
                Cause::Other
            }
            Op::Network(online) => {
                let network = if *online { Network::Online } else { Network::Offline };
                self.session.handle_network(now, network);
                Cause::Other
            }
            Op::Clock(ms) => {
                self.now = Millis(self.now.0.saturating_add(*ms));
                self.session.handle_timeout(self.now);
                Cause::Other
            }
            Op::Lang(french) => {
                self.session.set_lang(if *french { Lang::Fr } else { Lang::En });
                Cause::Other
            }
            Op::Settings(uri) => {
                let uri = uri.clone();
                let settings = Settings::from_attributes(|name| if name == "ws-uri-a" { uri.clone() } else { None });
                self.session.configure(now, settings);
                Cause::Other
            }
        }
    }

    /// The socket goes: the server forgets what it was asked.
    fn lose_socket(&mut self) -> Option<ConnId> {
        let id = self.socket.take()?;
        self.open = false;
        self.waiting.clear();
        Some(id)
    }

    /// Drains every output after an input of `cause`, checking each.
    fn drain(&mut self, cause: &Cause) -> Result<(), String> {
        let secret_free = |what: &str, text: &str| {
            if text.contains(SECRET) {
                Err(format!("the password is in {what}: {text}"))
            } else {
                Ok(())
            }
        };
        loop {
            let mut progressed = false;
            while let Some(order) = self.session.poll_socket() {
                progressed = true;
                match order {
                    SocketOrder::Open(connect) => {
                        self.socket = Some(connect.id);
                        self.open = false;
                        self.waiting.clear();
                    }
                    SocketOrder::Close(id) => {
                        if self.socket == Some(id) {
                            self.lose_socket();
                        }
                    }
                }
            }
            while let Some(frame) = self.session.poll_transmit() {
                progressed = true;
                let Ok(request) = RequestFrame::decode(&frame) else {
                    return Err(format!("the softphone sent a frame it cannot read back: {frame}"));
                };
                let name = request.request.name().to_owned();
                if frame.contains(SECRET) && name != "login" && name != "setstate" {
                    return Err(format!("the password is in a {name} frame: {frame}"));
                }
                if self.open {
                    self.waiting.push((request.id, name));
                }
                let agent = self.waiting.iter().filter(|(_, n)| AGENT_REQUESTS.contains(&n.as_str())).count();
                if agent > 1 {
                    return Err(format!("{agent} agent requests wait at once: {:?}", self.waiting));
                }
            }
            let words = self.session.lang().words();
            while let Some(update) = self.session.poll_update() {
                progressed = true;
                let (name, detail) = dom_event(&update, words, self.now);
                secret_free(name, &detail.to_string())?;
                if let Update::Call(CallChange::Appeared(call)) = &update {
                    if *cause != Cause::MayBringCalls {
                        return Err(format!("a call appeared from an input that cannot bring one: {call:?}"));
                    }
                }
                self.check_voice(&update)?;
            }
            while let Some(request) = self.session.poll_crm() {
                progressed = true;
                secret_free("a CRM request", &format!("{request:?}"))?;
                self.crm.push(request);
            }
            while let Some(order) = self.session.poll_storage() {
                progressed = true;
                secret_free("the calls' storage", &format!("{order:?}"))?;
            }
            while let Some(order) = self.session.poll_settings_storage() {
                progressed = true;
                secret_free("the settings' storage", &format!("{order:?}"))?;
            }
            while let Some(attention) = self.session.poll_attention() {
                progressed = true;
                secret_free("a notification", &format!("{attention:?}"))?;
            }
            while let Some(message) = self.session.poll_tab_message() {
                progressed = true;
                secret_free("a tab message", &message.encode())?;
            }
            while self.session.poll_new_tab().is_some() {
                progressed = true;
            }
            if !progressed {
                break;
            }
        }
        self.check_state()
    }

    /// Salesforce Voice hears of a call before anything else about it, and
    /// of each presence status once in a row.
    fn check_voice(&mut self, update: &Update) -> Result<(), String> {
        if let Update::Call(CallChange::Appeared(call)) = update {
            self.voice_calls.insert(call.id);
        }
        for event in self.voice.update(update, &self.presence) {
            let call = match &event {
                VoiceEvent::SetAgentStatus { status_id } => {
                    if self.voice_status.as_deref() == Some(status_id.as_str()) {
                        return Err(format!("SET_AGENT_STATUS {status_id} twice in a row"));
                    }
                    if self.presence.presence(status_id).is_none() {
                        return Err(format!("SET_AGENT_STATUS {status_id}: not in the table"));
                    }
                    self.voice_status = Some(status_id.clone());
                    None
                }
                VoiceEvent::AfterCallWorkStarted { .. } => None,
                VoiceEvent::CallStarted(call)
                | VoiceEvent::ParticipantAdded(call)
                | VoiceEvent::CallConnected(call)
                | VoiceEvent::ParticipantConnected(call)
                | VoiceEvent::HoldToggle { call, .. }
                | VoiceEvent::ParticipantsConferenced(call)
                | VoiceEvent::ParticipantRemoved(call)
                | VoiceEvent::Hangup(call) => Some(call.id),
            };
            self.got.voice_call |= call.is_some();
            if let Some(id) = call.filter(|id| !self.voice_calls.contains(id)) {
                return Err(format!("{} of call {id}, which never appeared", event.name()));
            }
        }
        if let Update::Call(CallChange::Ended(call)) = update {
            self.voice_calls.remove(&call.id);
        }
        Ok(())
    }

    /// The snapshot agrees with itself.
    fn check_state(&mut self) -> Result<(), String> {
        let state = self.session.state();
        self.got.ready |= state.ready;
        self.got.logged_in |= state.agent.agent_id().is_some();
        self.got.a_call |= !state.calls.is_empty();
        self.got.two_calls |= state.calls.len() > 1;
        self.got.notice |= state.notice.is_some();
        let shown = format!("{state:?}");
        if shown.contains(SECRET) {
            return Err(format!("the password is in the state: {shown}"));
        }
        if state.ready && !matches!(state.connection, ConnectionStatus::Connected { .. }) {
            return Err(format!("ready while {:?}", state.connection));
        }
        let ids: BTreeSet<_> = state.calls.iter().map(|c| c.id).collect();
        if ids.len() != state.calls.len() {
            return Err(format!("two calls share an id: {:?}", state.calls));
        }
        if state.calls.len() > MAX_CALLS {
            return Err(format!("{} calls at one extension: {:?}", state.calls.len(), state.calls));
        }
        // Every word shown reads in both languages without a panic.
        let _ = (state.connection_words(self.now), state.waiting_words(), state.agent_words(), state.announcement());
        Ok(())
    }
}

/// How a case starts before its random inputs: from nothing, connected
/// (the start-up answered), or with the agent logged in too. Random inputs
/// alone seldom get that far.
#[derive(Debug, Clone, Copy)]
pub enum Start {
    Fresh,
    Connected,
    LoggedIn,
}

impl World {
    /// Plays `start`: the CRM's settings, the socket, the start-up, a login.
    fn start(&mut self, start: Start) -> Result<(), String> {
        if matches!(start, Start::Fresh) {
            return Ok(());
        }
        if let Some(at) = self.crm.iter().position(|r| *r == CrmRequest::Settings) {
            let request = self.crm.remove(at);
            let settings = json!({"success": true, "returnValue": {"/ServerInfo/wsURIA": "ws://cti.example:9006/"}});
            self.session.handle_crm_answer(self.now, request, Ok(settings));
            self.drain(&Cause::Other)?;
        }
        let mut ops = vec![Op::Opened];
        ops.extend(std::iter::repeat_n(Op::Serve { skill_mode: "null", calls: 0 }, 6));
        if matches!(start, Start::LoggedIn) {
            let login = AgentCommand::Login { agent_id: "1001".into(), password: Password::new(SECRET) };
            ops.push(Op::Command(Command::Agent(login)));
            ops.extend(std::iter::repeat_n(Op::Serve { skill_mode: "aux", calls: 0 }, 3));
        }
        for op in &ops {
            let cause = self.apply(op);
            self.drain(&cause).map_err(|failure| format!("starting, after {op:?}: {failure}"))?;
        }
        Ok(())
    }
}

/// Sequences of up to 80 inputs from a session (with a CRM or not) started
/// some way.
pub fn sequences(runner: &mut TestRunner) -> Result<(), String> {
    let start = prop::sample::select(vec![Start::Fresh, Start::Connected, Start::LoggedIn, Start::LoggedIn]);
    let input = (any::<u64>(), any::<bool>(), start, prop::collection::vec(op(), 1..80));
    runner
        .run(&input, |(seed, crm, start, ops)| {
            let mut world = World::new(seed, crm);
            world.drain(&Cause::Other).map_err(TestCaseError::fail)?;
            world.start(start).map_err(TestCaseError::fail)?;
            for op in &ops {
                let cause = world.apply(op);
                world.drain(&cause).map_err(|failure| TestCaseError::fail(format!("after {op:?}: {failure}")))?;
            }
            let count = |reached: bool, counter: &AtomicU64| {
                if reached {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            };
            count(true, &REACHED.cases);
            count(world.got.ready, &REACHED.ready);
            count(world.got.logged_in, &REACHED.logged_in);
            count(world.got.a_call, &REACHED.a_call);
            count(world.got.two_calls, &REACHED.two_calls);
            count(world.got.notice, &REACHED.notice);
            count(world.got.voice_call, &REACHED.voice_call);
            Ok(())
        })
        .map_err(|failure| failure.to_string())
}
