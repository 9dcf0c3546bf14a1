//! Session scenarios driven by scripted frames and a hand-moved clock.

use super::*;
use crate::agent::AgentAction;
use crate::calls::CallAction;
use crate::calls::CallState;
use crate::calls::{CallId, Direction};
use crate::connection::{ConnectionStatus, ServerRole};
use crate::crm_fault::CrmFault;
use crate::crm_requests::CrmInput;
use crate::dialing::DialError;
use crate::problem::CrmTask;
use crate::settings::{DialingPrefixes, WsUri};
use crate::tabs::TabMessage;
use crate::wire::{EventKind, ReasonCode, SkillMode, WorkMode};
use duties::LOG_ATTEMPTS;
use serde_json::{json, Value};

/// One output of the session, for the page, the CRM or the storage.
#[derive(Debug, Clone, PartialEq)]
enum Out {
    Page(Update),
    Crm(CrmRequest),
    Storage(StorageOrder),
}

/// A session with a fake clock and a scripted server.
struct Harness {
    session: Session,
    now: Millis,
    conn: Option<Connect>,
}

impl Harness {
    fn new() -> Harness {
        let mut session = Session::default();
        let settings = Settings {
            ws_uri_a: WsUri::parse("a", "ws://a:9006").unwrap(),
            ws_uri_b: Some(WsUri::parse("b", "ws://b:9008").unwrap()),
            prefixes: DialingPrefixes { outside: "9".into(), long_distance: "1".into(), international: "01".into() },
            options: Default::default(),
        };
        session.configure(Millis(0), Ok(settings));
        // A CRM whose settings never come: the session pops and logs with it
        // (without a CRM it does neither), the attributes' settings stay.
        session.attach_crm(Crm::Lightning);
        while session.poll_crm().is_some() {}
        Harness { session, now: Millis(0), conn: None }
    }

    /// Opens the next socket; after a working connection went, first lets
    /// the policy's first spread pass (a clock moving on).
    fn open(&mut self) -> Connect {
        if matches!(self.session.state().connection, ConnectionStatus::Waiting { .. }) {
            self.past_the_spread();
        }
        let conn = self.session.poll_connect().expect("a socket to open");
        self.session.handle_transport(self.now, TransportEvent::Opened(conn.id));
        self.conn = Some(conn.clone());
        conn
    }

    /// A working connection went: the session waits a moment of at most
    /// `first_spread` before it goes on (so that a crowd of softphones
    /// spreads); let it pass.
    fn past_the_spread(&mut self) {
        let ConnectionStatus::Waiting { retry_at, .. } = self.session.state().connection else {
            panic!("not waiting: {:?}", self.session.state().connection)
        };
        let spread = SessionOptions::default().connection.first_spread;
        assert!(retry_at <= self.now + spread, "waits {retry_at:?} from {:?}: more than the first spread", self.now);
        self.now = retry_at;
        self.session.handle_timeout(self.now);
    }

    fn close(&mut self, reason: &str) {
        let id = self.conn.as_ref().unwrap().id;
        self.session.handle_transport(self.now, TransportEvent::Failed { id, error: reason.into() });
    }

    /// The next frame sent, which must be `request`; returns its id and JSON.
    fn sent(&mut self, request: &str) -> (u64, Value) {
        let text = self.session.poll_transmit().unwrap_or_else(|| panic!("expected {request}, nothing was sent"));
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["request"], request, "sent {value}");
        (value["id"].as_u64().unwrap(), value)
    }

    fn nothing_sent(&mut self) {
        assert_eq!(self.session.poll_transmit(), None);
    }

    fn receive(&mut self, frame: Value) {
        let id = self.conn.as_ref().unwrap().id;
        self.session.handle_frame(self.now, id, &frame.to_string());
    }

    fn reply(&mut self, id: u64, fields: Value) {
        let mut frame = json!({"msgtype": "response", "id": id, "result": "success"});
        if let (Some(frame), Some(fields)) = (frame.as_object_mut(), fields.as_object()) {
            frame.extend(fields.clone());
        }
        self.receive(frame);
    }

    fn fail(&mut self, id: u64, error: &str) {
        self.receive(json!({"msgtype": "response", "id": id, "result": "error", "error": error}));
    }

    /// Opens a socket and answers `myextension` (2001); returns the ids of
    /// the burst that follows at once: `startmonitor`, `querydeviceinfo`,
    /// `queryagentstate`, `snapshot`.
    fn open_and_burst(&mut self) -> [u64; 4] {
        self.open();
        self.burst()
    }

    /// Answers `myextension` (2001) on the socket just opened; returns the
    /// ids of the burst, as [`Harness::open_and_burst`].
    fn burst(&mut self) -> [u64; 4] {
        let (id, _) = self.sent("myextension");
        self.reply(id, json!({"extension": "2001"}));
        ["startmonitor", "querydeviceinfo", "queryagentstate", "snapshot"].map(|request| self.sent(request).0)
    }

    /// The start-up on a socket opened with the extension already known:
    /// `myextension` and the burst, sent before any answer.
    fn sent_start_up_at_once(&mut self) {
        for request in ["myextension", "startmonitor", "querydeviceinfo", "queryagentstate", "snapshot"] {
            self.sent(request);
        }
    }

    /// Answers the whole start-up on the socket just opened: no agent, no call.
    fn answer_start_up(&mut self) {
        let [monitor, device, state, snapshot] = self.burst();
        self.reply(monitor, json!({}));
        self.reply(device, json!({"associateddevice": ""}));
        self.reply(state, json!({"skillmode": "null", "talkstate": "idle"}));
        self.reply(snapshot, json!({"numcall": 0}));
    }

    /// Runs the start-up: `agent` logged in (blank: nobody) as
    /// `queryagentstate` answers `agent_state`, with `calls` calls up (then
    /// `userdata` is asked and left to the test).
    fn start(&mut self, agent: &str, agent_state: Value, calls: u32) {
        let [monitor, device, state, snapshot] = self.open_and_burst();
        self.reply(monitor, json!({}));
        self.reply(device, json!({"associateddevice": agent}));
        self.reply(state, agent_state);
        self.reply(snapshot, json!({"numcall": calls}));
        assert!(self.session.state().ready);
    }

    /// Runs the start-up of an extension with no agent and no call.
    fn start_logged_out(&mut self) {
        self.start("", json!({"skillmode": "null", "talkstate": "idle"}), 0);
    }

    fn login(&mut self) {
        self.command(AgentCommand::Login { agent_id: "1001".into(), password: Password::new("1234") }).unwrap();
        let (id, _) = self.sent("login");
        self.reply(id, json!({}));
        let (id, _) = self.sent("queryagentstate");
        self.reply(id, json!({"skillmode": "aux", "reasoncode": 0, "talkstate": "idle"}));
    }

    fn command(&mut self, command: AgentCommand) -> Result<(), Rejected> {
        self.session.command(self.now, Command::Agent(command))
    }

    /// Everything drained but the socket's orders: the page's updates, the
    /// CRM's requests, the storage's order.
    fn outputs(&mut self) -> Vec<Out> {
        let page = std::iter::from_fn(|| self.session.poll_update()).map(Out::Page);
        let mut outputs: Vec<Out> = page.collect();
        outputs.extend(std::iter::from_fn(|| self.session.poll_crm()).map(Out::Crm));
        outputs.extend(self.session.poll_storage().map(Out::Storage));
        outputs
    }

    /// The session gave up on the open socket: its next socket order
    /// closes it (before any other opens).
    fn assert_abandoned(&mut self, why: &str) {
        let id = self.conn.as_ref().expect("a socket was open").id;
        assert_eq!(self.session.poll_socket(), Some(SocketOrder::Close(id)), "{why}");
    }

    fn notice(&self) -> String {
        self.session.state().notice.map(|n| n.text).unwrap_or_default()
    }
}

#[test]
fn start_up_sends_the_extension_then_one_burst_with_the_right_fields() {
    let mut h = Harness::new();
    h.open();
    let (id, frame) = h.sent("myextension");
    assert_eq!(frame, json!({"id": id, "request": "myextension"}));
    h.nothing_sent(); // everything else needs the extension
    h.reply(id, json!({"extension": "2001"}));
    // Two round trips from a cold page: the rest goes in one burst.
    let mut burst = Vec::new();
    for request in ["startmonitor", "querydeviceinfo", "queryagentstate", "snapshot"] {
        let (id, frame) = h.sent(request);
        assert_eq!(frame, json!({"id": id, "request": request, "extension": "2001"}));
        burst.push(id);
    }
    h.nothing_sent();
    h.reply(burst[0], json!({}));
    h.reply(burst[1], json!({"associateddevice": ""}));
    h.reply(burst[2], json!({"skillmode": "null", "talkstate": "idle"}));
    assert!(!h.session.state().ready, "the calls are not read yet");
    h.reply(burst[3], json!({"numcall": 0}));
    h.nothing_sent();
    let state = h.session.state();
    assert!(state.ready);
    assert_eq!(state.extension.as_deref(), Some("2001"));
    assert_eq!(state.agent, AgentStatus::LoggedOut);
    let effects = h.outputs();
    assert!(effects.contains(&Out::Page(Update::Ready(true))));
    assert!(effects.contains(&Out::Crm(CrmRequest::ClickToDial { enabled: true })));
}

#[test]
fn start_up_with_an_agent_on_a_call_restores_agent_and_call() {
    let mut h = Harness::new();
    h.open();
    let (id, _) = h.sent("myextension");
    h.reply(id, json!({"extension": 2001}));
    let [monitor, device, agent, snapshot] =
        ["startmonitor", "querydeviceinfo", "queryagentstate", "snapshot"].map(|request| h.sent(request).0);
    h.reply(monitor, json!({}));
    h.reply(device, json!({"associateddevice": "1001"}));
    h.reply(agent, json!({"skillmode": "aux", "reasoncode": "2", "talkstate": "call"}));
    h.nothing_sent(); // the snapshot, answered next, says which calls are up
    h.reply(snapshot, json!({"numcall": 1}));
    let (id, frame) = h.sent("userdata");
    assert_eq!(frame["type"], "alert");
    h.nothing_sent(); // asked once, though both reads said a call is up
    h.reply(id, json!({"cli": "5551234", "called": "7000"}));
    let state = h.session.state();
    assert!(state.ready);
    assert_eq!(
        state.agent,
        AgentStatus::LoggedIn {
            agent_id: "1001".into(),
            mode: Some(SkillMode::Mode(WorkMode::Aux)),
            reason: ReasonCode::new(2)
        }
    );
    let call = state.current_call().unwrap();
    assert_eq!((call.caller.as_str(), call.dialled.as_str(), call.state), ("5551234", "7000", CallState::Connected));
    assert!(!state.password_known && state.password_needed(), "after a reload the password must be asked for");
}

#[test]
fn a_failed_device_read_does_not_stall_the_start_up() {
    let mut h = Harness::new();
    let [monitor, device, agent, snapshot] = h.open_and_burst();
    h.reply(monitor, json!({}));
    h.fail(device, "no such device");
    h.reply(agent, json!({"skillmode": "null"}));
    h.reply(snapshot, json!({"numcall": 0}));
    assert!(h.session.state().ready, "the agent can still work");
    assert!(h.notice().contains("no such device"), "{}", h.notice());
}

#[test]
fn snapshot_with_calls_asks_for_userdata() {
    let mut h = Harness::new();
    let [monitor, device, agent, snapshot] = h.open_and_burst();
    h.reply(monitor, json!({}));
    h.reply(device, json!({}));
    h.reply(agent, json!({"skillmode": "null"}));
    h.reply(snapshot, json!({"numcall": "1"}));
    let (id, _) = h.sent("userdata");
    h.reply(id, json!({"calling": "5550000", "called": "7001"}));
    assert_eq!(h.session.state().current_call().map(|c| c.caller.clone()), Some("5550000".into()));
}

#[test]
fn login_then_work_modes_send_agent_id_password_and_reason() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.command(AgentCommand::Login { agent_id: " 1001 ".into(), password: Password::new("1234") }).unwrap();
    assert!(h.session.state().busy);
    let (id, frame) = h.sent("login");
    assert_eq!(frame, json!({"id": id, "request": "login", "extension": "2001", "agentid": "1001", "passwd": "1234"}));
    h.reply(id, json!({}));
    let (id, _) = h.sent("queryagentstate");
    h.reply(id, json!({"skillmode": "aux", "reasoncode": 0, "talkstate": "idle"}));
    assert!(h.session.state().allows(AgentAction::SetState));

    h.command(AgentCommand::SetState { mode: WorkMode::Auto, reason: ReasonCode::new(5), password: None }).unwrap();
    let (id, frame) = h.sent("setstate");
    assert_eq!(
        frame,
        json!({"id": id, "request": "setstate", "extension": "2001", "agentid": "1001", "passwd": "1234", "state": "auto"})
    );
    h.reply(id, json!({}));
    assert_eq!(h.session.state().agent.work_mode(), Some(WorkMode::Auto));

    h.command(AgentCommand::SetState { mode: WorkMode::Aux, reason: ReasonCode::new(3), password: None }).unwrap();
    let (id, frame) = h.sent("setstate");
    assert_eq!(frame["reasoncode"], "3");
    h.reply(id, json!({}));
    assert_eq!(h.session.state().agent_words(), "Agent 1001 · AUX 3");

    h.command(AgentCommand::Logout).unwrap();
    let (id, frame) = h.sent("logout");
    assert_eq!(frame, json!({"id": id, "request": "logout", "extension": "2001", "agentid": "1001"}));
    h.reply(id, json!({}));
    let state = h.session.state();
    assert_eq!(state.agent, AgentStatus::LoggedOut);
    assert!(!state.password_known, "logout forgets the password");
}

#[test]
fn a_wrong_password_shows_the_servers_error_and_keeps_the_form_usable() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.command(AgentCommand::Login { agent_id: "1001".into(), password: Password::new("nope") }).unwrap();
    let (id, _) = h.sent("login");
    h.fail(id, "invalid agent id or password");
    let state = h.session.state();
    assert_eq!(h.notice(), "Login failed: invalid agent id or password");
    assert_eq!(state.agent, AgentStatus::LoggedOut);
    assert!(state.allows(AgentAction::Login) && !state.password_known);
}

#[test]
fn commands_are_refused_with_a_reason_when_they_make_no_sense() {
    let mut h = Harness::new();
    assert_eq!(h.command(AgentCommand::Logout), Err(Rejected::NotConnected));
    h.start_logged_out();
    assert_eq!(
        h.command(AgentCommand::Login { agent_id: "".into(), password: Password::new("x") }),
        Err(Rejected::MissingAgentId)
    );
    assert_eq!(h.notice(), "Enter your agent ID.");
    assert_eq!(
        h.command(AgentCommand::Login { agent_id: "1".into(), password: Password::new("") }),
        Err(Rejected::MissingPassword)
    );
    assert!(matches!(h.command(AgentCommand::Logout), Err(Rejected::NoAgent)));
    h.command(AgentCommand::Login { agent_id: "1001".into(), password: Password::new("1") }).unwrap();
    assert_eq!(h.command(AgentCommand::Logout), Err(Rejected::Busy), "one agent request at a time");
}

#[test]
fn after_a_reload_setstate_needs_the_password_once() {
    let mut h = Harness::new();
    h.start("1001", json!({"skillmode": "manual", "talkstate": "idle"}), 0);
    let refused = h.command(AgentCommand::SetState { mode: WorkMode::Auto, reason: None, password: None });
    assert_eq!(refused, Err(Rejected::MissingPassword));
    h.nothing_sent();
    h.command(AgentCommand::SetState { mode: WorkMode::Auto, reason: None, password: Some(Password::new("1234")) })
        .unwrap();
    let (id, frame) = h.sent("setstate");
    assert_eq!(frame["passwd"], "1234");
    h.reply(id, json!({}));
    assert!(h.session.state().password_known);
}

#[test]
fn an_offer_shows_the_original_caller_and_idle_clears_it_and_rereads_the_agent() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.login();
    h.outputs();
    h.receive(json!({"msgtype": "event", "eventtype": "offer", "calling": "2002", "called": "2001", "origcalling": "5551234"}));
    let call = h.session.state().current_call().cloned().unwrap();
    assert_eq!((call.caller.as_str(), call.dialled.as_str()), ("5551234", "2001"));
    assert!(h.outputs().iter().any(|e| matches!(e, Out::Page(Update::Call(CallChange::Appeared(_))))));
    h.receive(json!({"msgtype": "event", "eventtype": "idle"}));
    assert!(h.session.state().calls.is_empty());
    let (id, _) = h.sent("queryagentstate");
    h.reply(id, json!({"skillmode": "acw", "talkstate": "idle"}));
    assert_eq!(h.session.state().agent.work_mode(), Some(WorkMode::Acw));
}

#[test]
fn unknown_events_pass_through_and_garbage_is_shown_not_fatal() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.outputs();
    h.receive(json!({"msgtype": "event", "eventtype": "divert", "to": "3000"}));
    assert!(
        matches!(&h.outputs()[..], [Out::Page(Update::ServerEvent(e))] if e.kind == EventKind::Unknown("divert".into()))
    );
    let id = h.conn.as_ref().unwrap().id;
    h.session.handle_frame(h.now, id, "}{ not json");
    assert!(h.notice().contains("cannot read"), "{}", h.notice());
    assert!(h.session.state().ready, "a bad frame does not end the session");
    h.receive(json!({"msgtype": "response", "id": 999, "result": "success"}));
    h.receive(json!({"msgtype": "response", "result": "error"}));
    h.receive(json!({"msgtype": "heartbeat"}));
    assert!(h.session.state().ready);
}

#[test]
fn an_unanswered_request_is_reported_and_the_dead_server_is_left() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.outputs();
    h.command(AgentCommand::Login { agent_id: "1001".into(), password: Password::new("1234") }).unwrap();
    h.sent("login");
    assert_eq!(h.session.poll_timeout(), Some(Millis(10_000)));
    h.now = Millis(9_999);
    h.session.handle_timeout(h.now);
    assert!(h.session.state().busy);
    h.now = Millis(10_000);
    h.session.handle_timeout(h.now);
    let state = h.session.state();
    assert!(!state.busy && !state.ready);
    assert!(h.notice().starts_with("Login was not confirmed"), "{}", h.notice());
    h.assert_abandoned("the socket is closed");
    assert_eq!(h.session.poll_connect(), None, "a moment's wait first");
    h.past_the_spread();
    assert_eq!(h.session.poll_connect().map(|c| c.role), Some(ServerRole::Backup), "on to B");
    h.nothing_sent(); // the login is not re-sent

    // A server that accepts the socket and never answers myextension: on to B.
    let mut h = Harness::new();
    h.open();
    h.sent("myextension");
    h.now = Millis(10_000);
    h.session.handle_timeout(h.now);
    h.assert_abandoned("the socket is closed");
    let next = h.session.poll_connect().unwrap();
    assert_eq!(next.role, ServerRole::Backup);
}

#[test]
fn losing_the_socket_mid_login_reports_it_and_does_not_resend() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.outputs();
    h.command(AgentCommand::Login { agent_id: "1001".into(), password: Password::new("1234") }).unwrap();
    h.close("connection reset");
    assert!(h.notice().contains("Login was not confirmed"), "{}", h.notice());
    let state = h.session.state();
    assert!(!state.ready && !state.busy);
    let effects = h.outputs();
    assert!(effects.contains(&Out::Page(Update::Ready(false))));
    assert!(effects.contains(&Out::Crm(CrmRequest::ClickToDial { enabled: false })));
    h.nothing_sent();
    assert!(matches!(state.connection, ConnectionStatus::Waiting { .. }), "a moment's wait first");
    h.past_the_spread();
    assert!(matches!(h.session.state().connection, ConnectionStatus::Connecting { role: ServerRole::Backup, .. }));
    // On B the start-up runs again, all at once for the extension known, and no login is re-sent.
    h.open();
    h.sent_start_up_at_once();
    h.nothing_sent();
}

#[test]
fn frames_from_an_old_socket_are_ignored() {
    let mut h = Harness::new();
    let old = h.open();
    h.sent("myextension");
    h.close("gone");
    h.open();
    let (id, _) = h.sent("myextension");
    h.session.handle_frame(
        h.now,
        old.id,
        &json!({"msgtype":"response","id": id,"result":"success","extension":"9999"}).to_string(),
    );
    h.nothing_sent();
    h.reply(id, json!({"extension": "2001"}));
    h.sent("startmonitor");
}

#[test]
fn bad_settings_are_shown_and_nothing_connects() {
    let mut session = Session::default();
    session.configure(Millis(0), Settings::from_attributes(|_| None));
    assert_eq!(session.poll_connect(), None);
    let notice = session.state().notice.unwrap().text;
    assert!(notice.contains("not configured") && notice.contains("ws-uri-a"), "{notice}");
    assert_eq!(session.state().connection, ConnectionStatus::Unconfigured);
}

#[test]
fn the_page_hears_the_first_status_even_unconfigured() {
    let mut session = Session::default();
    assert_eq!(session.poll_update(), Some(Update::ConnectionChanged(ConnectionStatus::Unconfigured)));
    assert_eq!(session.poll_update(), None, "once");
}

#[test]
fn settings_gone_bad_end_the_connection_unless_a_call_is_up() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.outputs();
    let id = h.conn.as_ref().unwrap().id;
    h.session.configure(h.now, Settings::from_attributes(|_| None));
    assert_eq!(h.session.poll_socket(), Some(SocketOrder::Close(id)));
    assert_eq!(h.session.poll_socket(), None, "nothing opens");
    let outputs = h.outputs();
    assert!(outputs.contains(&Out::Page(Update::ConnectionChanged(ConnectionStatus::Unconfigured))), "{outputs:?}");
    assert!(!h.session.state().ready && h.session.state().extension.is_none());
    assert!(h.notice().contains("not configured"), "{}", h.notice());

    // The same for an address that is there but is no WebSocket address.
    for bad in ["http://a:9006", "ws://", "  "] {
        let mut h = Harness::new();
        h.start_logged_out();
        let id = h.conn.as_ref().unwrap().id;
        h.session.configure(h.now, Settings::from_attributes(|name| (name == "ws-uri-a").then(|| bad.to_owned())));
        assert_eq!(h.session.poll_socket(), Some(SocketOrder::Close(id)), "{bad:?}");
        assert_eq!(h.session.state().connection, ConnectionStatus::Unconfigured, "{bad:?}");
    }

    // With a call up, the connection stays: we never drop the agent's call.
    let mut h = Harness::new();
    h.start_logged_out();
    h.receive(json!({"msgtype": "event", "eventtype": "offer", "calling": "4155550100", "called": "2001"}));
    h.outputs();
    h.session.configure(h.now, Settings::from_attributes(|_| None));
    assert_eq!(h.session.poll_socket(), None);
    assert!(h.session.state().ready);
    assert!(h.notice().contains("not configured"), "{}", h.notice());
}

#[test]
fn the_password_never_leaves_through_state_or_effects() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.command(AgentCommand::Login { agent_id: "1001".into(), password: Password::new("s3cr3t-pw") }).unwrap();
    let (id, _) = h.sent("login");
    h.fail(id, "bad");
    h.login();
    let everything = format!("{:?} {:?} {:?}", h.session.state(), h.outputs(), h.session);
    assert!(!everything.contains("s3cr3t-pw") && !everything.contains("1234"), "{everything}");
}

impl Harness {
    fn call(&mut self, command: CallCommand) -> Result<(), Rejected> {
        self.session.command(self.now, Command::Call(command))
    }

    fn event(&mut self, kind: &str, calling: &str, called: &str) {
        self.receive(json!({"msgtype": "event", "eventtype": kind, "calling": calling, "called": called}));
    }

    fn call_states(&self) -> Vec<(CallState, String)> {
        self.session.state().calls.iter().map(|c| (c.state, c.other_party().unwrap_or_default())).collect()
    }
}

#[test]
fn click_to_dial_applies_the_number_rules_and_makes_a_call_when_idle() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.call(CallCommand::Dial { number: "+1 (415) 555-0100".into() }).unwrap();
    let (id, frame) = h.sent("makecall");
    assert_eq!(frame, json!({"id": id, "request": "makecall", "extension": "2001", "destination": "90114155550100"}));
    assert!(h.session.state().busy, "one call request at a time");
    h.reply(id, json!({}));
    assert_eq!(h.call_states(), vec![(CallState::RingingOut, "90114155550100".into())]);
    h.event("connect", "2001", "90114155550100");
    assert_eq!(h.call_states(), vec![(CallState::Connected, "90114155550100".into())]);
}

#[test]
fn dialling_junk_shows_the_reason_and_sends_nothing() {
    let mut h = Harness::new();
    h.start_logged_out();
    let refused = h.call(CallCommand::Dial { number: "call me".into() });
    assert!(matches!(refused, Err(Rejected::Dial(DialError::Junk { character: 'c', .. }))));
    assert!(h.notice().contains("cannot be dialled"), "{}", h.notice());
    h.nothing_sent();
}

#[test]
fn dialling_on_a_call_consults_and_the_buttons_follow_the_calls() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.event("offer", "5551234", "2001");
    assert!(h.session.state().allows_call(CallAction::Answer));
    assert!(!h.session.state().allows_call(CallAction::Hold));
    assert!(matches!(h.call(CallCommand::Hold), Err(Rejected::NotAllowed(CallAction::Hold))));
    h.call(CallCommand::Answer).unwrap();
    let (id, frame) = h.sent("answer");
    assert_eq!(frame, json!({"id": id, "request": "answer", "extension": "2001"}));
    h.reply(id, json!({}));
    h.event("connect", "5551234", "2001");
    h.call(CallCommand::Dial { number: "2002".into() }).unwrap();
    let (id, frame) = h.sent("consultation");
    assert_eq!(frame["destination"], "2002");
    h.reply(id, json!({}));
    h.event("hold", "5551234", "2001");
    h.event("alert", "2001", "2002");
    h.event("connect", "2001", "2002");
    assert_eq!(h.call_states(), vec![(CallState::Held, "5551234".into()), (CallState::Connected, "2002".into())]);
    let state = h.session.state();
    assert!(state.allows_call(CallAction::Transfer) && state.allows_call(CallAction::Conference));
    assert!(state.allows_call(CallAction::Reconnect) && !state.allows_call(CallAction::Retrieve));

    // Two-step transfer names the consulted party whatever was typed.
    h.call(CallCommand::Transfer { number: None }).unwrap();
    let (id, frame) = h.sent("transfer");
    assert_eq!(frame, json!({"id": id, "request": "transfer", "extension": "2001", "destination": "2002"}));
    h.reply(id, json!({}));
    h.event("transfer", "5551234", "2002");
    h.receive(json!({"msgtype": "event", "eventtype": "idle"}));
    assert!(h.session.state().calls.is_empty());
}

#[test]
fn conference_then_drop_the_consulted_party() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.event("offer", "5551234", "2001");
    h.event("connect", "5551234", "2001");
    h.call(CallCommand::Consult { number: "2002".into() }).unwrap();
    let (id, _) = h.sent("consultation");
    h.reply(id, json!({}));
    h.event("hold", "5551234", "2001");
    h.event("connect", "2001", "2002");
    h.call(CallCommand::Conference { number: None }).unwrap();
    let (id, frame) = h.sent("conference");
    assert_eq!(frame["destination"], "2002");
    h.reply(id, json!({}));
    h.event("conference", "5551234", "2001");
    assert_eq!(h.call_states(), vec![(CallState::Connected, "5551234, 2002".into())]);
    h.call(CallCommand::DropParty { party: None }).unwrap();
    let (id, frame) = h.sent("dropparty");
    assert_eq!(frame, json!({"id": id, "request": "dropparty", "extension": "2001", "party": "2002"}));
    h.reply(id, json!({}));
    assert_eq!(h.call_states(), vec![(CallState::Connected, "5551234".into())]);
}

#[test]
fn single_step_transfer_needs_a_number_and_dtmf_needs_digits() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.event("offer", "5551234", "2001");
    h.event("connect", "5551234", "2001");
    assert_eq!(h.call(CallCommand::Transfer { number: None }), Err(Rejected::Dial(DialError::Empty)));
    h.nothing_sent();
    assert!(matches!(h.call(CallCommand::SendDtmf { digits: "12a".into() }), Err(Rejected::BadDtmf)));
    h.call(CallCommand::SendDtmf { digits: "1 2#".into() }).unwrap();
    let (id, frame) = h.sent("dtmf");
    assert_eq!(frame, json!({"id": id, "request": "dtmf", "extension": "2001", "digits": "12#"}));
    h.reply(id, json!({}));
    h.call(CallCommand::Transfer { number: Some("2003".into()) }).unwrap();
    let (_, frame) = h.sent("transfer");
    assert_eq!(frame["destination"], "2003");
}

/// The keypad's rule is `wire::Dtmf`, the mock's too: A-D are tones (ITU-T
/// Q.23) and one request carries at most 100 digits. Before, the core refused
/// A-D that the mock took, and sent any length that the mock refused.
#[test]
fn dtmf_digits_are_the_sixteen_tones_at_most_a_hundred() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.event("offer", "5551234", "2001");
    h.event("connect", "5551234", "2001");
    for bad in ["", "  ", "a", "12E", "1-2", &"1".repeat(101)] {
        assert!(matches!(h.call(CallCommand::SendDtmf { digits: bad.into() }), Err(Rejected::BadDtmf)), "{bad}");
        h.nothing_sent();
    }
    h.call(CallCommand::SendDtmf { digits: "AB CD".into() }).unwrap();
    let (id, frame) = h.sent("dtmf");
    assert_eq!(frame["digits"], "ABCD");
    h.reply(id, json!({}));
    h.call(CallCommand::SendDtmf { digits: "9".repeat(100) }).unwrap();
    assert_eq!(h.sent("dtmf").1["digits"], "9".repeat(100));
}

#[test]
fn a_call_request_lost_with_the_socket_is_reported_not_resent() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.call(CallCommand::Dial { number: "2002".into() }).unwrap();
    h.close("gone");
    assert!(h.notice().contains("Call 2002 was not confirmed"), "{}", h.notice());
    h.open();
    h.sent_start_up_at_once();
    h.nothing_sent();
}

fn pops(effects: &[Out]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Out::Crm(CrmRequest::ScreenPop { number, .. }) => Some(number.clone()),
            _ => None,
        })
        .collect()
}

fn logs(effects: &[Out]) -> Vec<crate::crm::CallLog> {
    effects
        .iter()
        .filter_map(|e| match e {
            Out::Crm(CrmRequest::SaveLog { log, .. }) => Some(log.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn initialization_is_reported_once() {
    let mut session = Session::default();
    session.attach_crm(Crm::Lightning);
    let settings = Settings::from_attributes(|name| (name == "ws-uri-a").then(|| "ws://a:9006".to_owned()));
    session.configure(Millis(0), settings);
    let mut h = Harness { session, now: Millis(0), conn: None };
    let effects = h.outputs();
    assert_eq!(effects.iter().filter(|e| **e == Out::Crm(CrmRequest::InitializationComplete)).count(), 1);
    h.start_logged_out();
    assert!(!h.outputs().contains(&Out::Crm(CrmRequest::InitializationComplete)));
}

#[test]
fn an_inbound_offer_pops_the_caller_and_shows_the_panel_and_a_transfer_pops_again() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.outputs();
    h.event("offer", "5551234", "2001");
    let effects = h.outputs();
    assert_eq!(pops(&effects), vec!["5551234".to_string()]);
    assert!(effects.contains(&Out::Crm(CrmRequest::ShowPanel)));
    h.event("connect", "5551234", "2001");
    assert!(pops(&h.outputs()).is_empty(), "one pop per caller");

    // Consulted by 2002, then handed the call: the original caller pops.
    let mut h = Harness::new();
    h.start_logged_out();
    h.event("offer", "2002", "2001");
    h.event("connect", "2002", "2001");
    h.outputs();
    h.receive(json!({"msgtype": "event", "eventtype": "transfer", "calling": "2002", "called": "2001", "origcalling": "5551234"}));
    assert_eq!(pops(&h.outputs()), vec!["5551234".to_string()]);
}

#[test]
fn click_to_dial_dials_with_the_rules_and_logs_against_the_record() {
    let mut h = Harness::new();
    h.start_logged_out();
    let payload = json!({"number": "+1 (415) 555-0100", "recordId": "003A", "objectType": "Contact"});
    h.session.handle_crm(h.now, CrmInput::ClickToDial(payload));
    let (id, frame) = h.sent("makecall");
    assert_eq!(frame["destination"], "90114155550100");
    h.reply(id, json!({}));
    h.now = Millis(1_000);
    h.event("connect", "2001", "90114155550100");
    h.now = Millis(43_000);
    h.outputs();
    h.receive(json!({"msgtype": "event", "eventtype": "idle"}));
    let logs = logs(&h.outputs());
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].who_id.as_deref(), Some("003A"));
    assert_eq!(logs[0].call_type, crate::crm::CallType::Outbound);
    assert_eq!(logs[0].duration_seconds, 42);
}

#[test]
fn a_bad_click_to_dial_payload_is_shown() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.session.handle_crm(h.now, CrmInput::ClickToDial(json!({"recordId": "003A"})));
    assert!(h.notice().contains("Click-to-dial failed"), "{}", h.notice());
    h.nothing_sent();
}

#[test]
fn the_screen_pop_record_goes_into_the_inbound_call_log() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.event("offer", "5551234", "2001");
    let call_id = h.session.state().calls[0].id;
    let found = json!({"001B": {"Id": "001B", "Name": "Acme", "RecordType": "Account"}});
    h.session.handle_crm(h.now, CrmInput::ScreenPopResult { call_id, result: found });
    h.event("connect", "5551234", "2001");
    h.outputs();
    h.receive(json!({"msgtype": "event", "eventtype": "idle"}));
    let logs = logs(&h.outputs());
    assert_eq!(logs[0].what_id.as_deref(), Some("001B"));
    assert_eq!(logs[0].call_type, crate::crm::CallType::Inbound);
}

#[test]
fn a_failed_call_log_is_shown_and_retried_until_saved() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.event("offer", "5551234", "2001");
    h.outputs();
    h.receive(json!({"msgtype": "event", "eventtype": "idle"}));
    let log = logs(&h.outputs()).remove(0);
    let call_id = 1;
    h.session.handle_crm(
        h.now,
        CrmInput::LogFailed { call_id, log: log.clone(), error: CrmFault::Said("INSUFFICIENT_ACCESS".into()) },
    );
    assert!(h.notice().contains("not saved (INSUFFICIENT_ACCESS); trying again in 10 s"), "{}", h.notice());
    assert_eq!(h.session.poll_timeout(), Some(Millis(10_000)));
    h.now = Millis(10_000);
    h.session.handle_timeout(h.now);
    assert_eq!(logs(&h.outputs()), vec![log.clone()]);
    h.now = Millis(25_000);
    h.session.handle_timeout(h.now);
    assert!(logs(&h.outputs()).is_empty(), "no second try while the first is out");
    h.session.handle_crm(h.now, CrmInput::LogSaved { call_id });
    h.now = Millis(100_000);
    h.session.handle_timeout(h.now);
    assert!(logs(&h.outputs()).is_empty());
}

#[test]
fn logging_and_screen_pop_can_be_switched_off() {
    let mut session = Session::default();
    let settings = Settings::from_attributes(|name| match name {
        "ws-uri-a" => Some("ws://a".into()),
        "log-calls" => Some("false".into()),
        "screen-pop" => Some("false".into()),
        _ => None,
    });
    session.configure(Millis(0), settings);
    let mut h = Harness { session, now: Millis(0), conn: None };
    h.start_logged_out();
    h.event("offer", "5551234", "2001");
    h.receive(json!({"msgtype": "event", "eventtype": "idle"}));
    let effects = h.outputs();
    assert!(pops(&effects).is_empty() && logs(&effects).is_empty());
}

#[test]
fn a_socket_the_browser_refuses_is_explained_once_the_page_is_known() {
    let mut session = Session::default();
    session.set_page(PageOrigin::new("https:", "myorg.lightning.force.com"));
    let settings = Settings::from_attributes(|name| match name {
        "ws-uri-a" => Some("ws://10.0.0.5:9006/".into()),
        "ws-uri-b" => Some("wss://10.0.0.6:9008/".into()),
        _ => None,
    });
    session.configure(Millis(0), settings);
    let mut h = Harness { session, now: Millis(0), conn: None };
    let a = h.session.poll_connect().unwrap();
    let refused = "An insecure WebSocket connection may not be initiated from a page loaded over HTTPS.";
    h.session.handle_transport(h.now, TransportEvent::Failed { id: a.id, error: refused.into() });
    assert!(h.notice().starts_with("This page is https, so the browser refuses ws://10.0.0.5:9006/"), "{}", h.notice());
    let b = h.session.poll_connect().unwrap();
    h.session
        .handle_transport(h.now, TransportEvent::Closed { id: b.id, code: 1006, reason: String::new(), clean: false });
    assert!(h.notice().contains("local network address 10.0.0.6"), "{}", h.notice());
    let why = h.session.state().waiting_words();
    assert!(why.starts_with("the connection failed or dropped (code 1006). The browser may be blocking"), "{why}");
}

#[test]
fn without_advice_a_lost_socket_shows_nothing_new() {
    let mut h = Harness::new();
    h.session.set_page(PageOrigin::new("http:", "127.0.0.1"));
    h.start_logged_out();
    h.outputs();
    let id = h.conn.as_ref().unwrap().id;
    h.session.handle_transport(h.now, TransportEvent::Closed { id, code: 1006, reason: String::new(), clean: false });
    assert_eq!(h.session.state().notice, None);
    h.past_the_spread();
    assert_eq!(h.session.state().notice, None);
    match h.session.state().connection {
        ConnectionStatus::Connecting { .. } => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn close_reports_are_worded_by_the_session() {
    for (code, reason, clean, worded) in [
        (1000, "", true, "closed by the server (code 1000)"),
        (1006, "", false, "the connection failed or dropped (code 1006)"),
        (4000, "bye", true, "closed by the server: bye (code 4000)"),
        (1011, "", false, "the connection dropped (code 1011)"),
    ] {
        let mut h = Harness::new();
        let a = h.session.poll_connect().unwrap();
        h.session.handle_transport(h.now, TransportEvent::Failed { id: a.id, error: "refused".into() });
        // B goes too: the session waits and says why.
        let b = h.session.poll_connect().unwrap();
        h.session.handle_transport(h.now, TransportEvent::Closed { id: b.id, code, reason: reason.into(), clean });
        let why = h.session.state().waiting_words();
        assert!(why.contains(worded), "{why}");
    }
}

#[test]
fn a_binary_frame_is_shown_not_fatal() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.outputs();
    let id = h.conn.as_ref().unwrap().id;
    h.session.handle_transport(h.now, TransportEvent::NotText(id));
    assert_eq!(h.notice(), "CtiSVR sent a message the softphone cannot read (a binary frame, not JSON text).");
    assert!(h.session.state().ready, "a bad frame does not end the session");
    // One from a socket already left says nothing.
    h.session.command(h.now, Command::DismissNotice).unwrap();
    h.close("gone");
    h.session.handle_transport(h.now, TransportEvent::NotText(id));
    assert!(!h.notice().contains("binary"), "{}", h.notice());
}

#[test]
fn a_failed_crm_call_is_shown() {
    let mut h = Harness::new();
    h.session.handle_crm(
        h.now,
        CrmInput::Failed { what: CrmTask::ScreenPop("555".into()), error: CrmFault::Said("not allowed".into()) },
    );
    assert_eq!(h.notice(), "Screen pop of 555 failed: not allowed");
    h.session.set_lang(Lang::Fr);
    assert_eq!(h.notice(), "Affichage de la fiche de 555 : échec (not allowed)", "worded again in French");
}

#[test]
fn a_quiet_connection_is_checked_and_left_when_it_does_not_answer() {
    let mut h = Harness::new();
    h.start_logged_out();
    assert_eq!(h.session.poll_timeout(), Some(Millis(30_000)), "liveness after 30 s of silence");
    h.now = Millis(20_000);
    h.event("offer", "5551234", "2001"); // anything heard resets it
    assert_eq!(h.session.poll_timeout(), Some(Millis(50_000)));
    h.now = Millis(50_000);
    h.session.handle_timeout(h.now);
    let (id, frame) = h.sent("queryagentstate");
    assert_eq!(frame["extension"], "2001");
    h.reply(id, json!({"skillmode": "null", "talkstate": "call"}));
    h.sent("userdata"); // the answer refreshes the view as any other
                        // A stalled server: the next check gets no answer and the socket is left.
    let mut h = Harness::new();
    h.start_logged_out();
    h.outputs();
    h.now = Millis(30_000);
    h.session.handle_timeout(h.now);
    h.sent("queryagentstate");
    h.now = Millis(40_000);
    h.session.handle_timeout(h.now);
    h.assert_abandoned("the socket is closed");
    h.past_the_spread();
    assert!(matches!(h.session.state().connection, ConnectionStatus::Connecting { role: ServerRole::Backup, .. }));
    assert_eq!(h.notice(), "", "a liveness check is not the agent's request: nothing to report as lost");
}

#[test]
fn retry_now_is_refused_unless_waiting() {
    let mut h = Harness::new();
    assert!(h.session.command(h.now, Command::RetryNow).is_err());
    while let Some(connect) = h.session.poll_connect() {
        // A and B both refuse: waiting.
        h.session.handle_transport(h.now, TransportEvent::Failed { id: connect.id, error: "refused".into() });
    }
    assert!(matches!(h.session.state().connection, ConnectionStatus::Waiting { .. }));
    h.session.command(h.now, Command::RetryNow).unwrap();
    assert_eq!(h.session.poll_connect().map(|c| c.role), Some(ServerRole::Primary));
}

/// A harness whose session is one of several tabs: `carry` plays the
/// channel, bringing this tab's own messages back to it.
fn tab_harness() -> Harness {
    let mut h = Harness::new();
    let settings = h.session.settings().cloned().unwrap();
    let mut session = Session::new(SessionOptions { tab: Some(20), ..SessionOptions::default() });
    session.configure(Millis(0), Ok(settings));
    session.attach_crm(Crm::Lightning);
    while session.poll_crm().is_some() {}
    session.join_tabs(Millis(0));
    h.session = session;
    h
}

impl Harness {
    /// This tab's messages, each also brought back to it (its echo).
    fn carry(&mut self) -> Vec<TabMessage> {
        let sent: Vec<TabMessage> = std::iter::from_fn(|| self.session.poll_tab_message()).collect();
        for message in &sent {
            self.session.handle_tab_message(self.now, message.clone());
        }
        sent
    }
}

/// A tab on the channel, logged out, alone after listening for the others.
fn lone_tab() -> Harness {
    let mut h = tab_harness();
    h.start_logged_out();
    h.carry();
    h.now = Millis(0) + crate::tabs::Tabs::LISTEN;
    h.session.handle_timeout(h.now);
    h.outputs();
    h
}

#[test]
fn a_lone_tab_pops_and_logs_once_its_claims_come_back() {
    let mut h = lone_tab();
    h.event("offer", "5551234", "2001");
    assert!(pops(&h.outputs()).is_empty(), "not before its claim came back");
    let claims = h.carry();
    assert!(claims.iter().any(|m| matches!(m, TabMessage::Claim { .. })));
    // The claim came back with every answer in: posted again as a barrier.
    h.carry();
    assert_eq!(pops(&h.outputs()), vec!["5551234".to_string()]);
    h.receive(json!({"msgtype": "event", "eventtype": "disconnect", "calling": "5551234", "called": "2001"}));
    h.carry();
    h.carry();
    assert_eq!(logs(&h.outputs()).len(), 1);
}

#[test]
fn a_tab_that_a_visible_tab_outbids_does_not_pop() {
    use crate::tabs::{Bid, Rank, Task};
    let mut h = tab_harness();
    h.start_logged_out();
    let visible = Rank { visible: true, focus: 5 };
    h.session.handle_tab_message(h.now, TabMessage::Hello { from: 10, rank: visible });
    h.carry();
    h.now = Millis(0) + crate::tabs::Tabs::LISTEN;
    h.session.handle_timeout(h.now);
    h.carry();
    h.outputs();
    h.event("offer", "5551234", "2001");
    h.carry();
    assert!(pops(&h.outputs()).is_empty(), "waits for the other tab's answer");
    // The visible tab claims too, wins, and says it is done.
    let task = Task { duty: crate::tabs::Duty::Pop, call: "5551234>2001#1/5551234".into() };
    let bid = Bid { holding: false, owner: false, rank: visible, tab: 10 };
    h.session.handle_tab_message(h.now, TabMessage::Claim { from: 10, task: task.clone(), bid, seq: 1 });
    let answers = h.carry();
    assert!(answers.iter().any(|m| matches!(m, TabMessage::Grant { to: 10, .. })), "{answers:?}");
    h.session.handle_tab_message(h.now, TabMessage::Done { from: 10, task });
    h.now = h.now + std::time::Duration::from_secs(10);
    h.session.handle_timeout(h.now);
    h.carry();
    assert!(pops(&h.outputs()).is_empty(), "the follower shows but does not pop");
}

#[test]
fn connection_changes_are_reported_once_each() {
    let mut h = Harness::new();
    let changes = |effects: Vec<Out>| -> Vec<ConnectionStatus> {
        effects
            .into_iter()
            .filter_map(|e| match e {
                Out::Page(Update::ConnectionChanged(status)) => Some(status),
                _ => None,
            })
            .collect()
    };
    assert!(matches!(&changes(h.outputs())[..], [ConnectionStatus::Connecting { role: ServerRole::Primary, .. }]));
    h.open();
    assert!(matches!(&changes(h.outputs())[..], [ConnectionStatus::Connected { role: ServerRole::Primary, .. }]));
    assert!(changes(h.outputs()).is_empty());
    h.close("gone");
    assert!(matches!(&changes(h.outputs())[..], [ConnectionStatus::Connecting { role: ServerRole::Backup, .. }]));
}

#[test]
fn a_caller_who_calls_back_at_once_is_popped_and_logged_again() {
    let mut h = lone_tab();
    for round in 1..=3 {
        h.event("offer", "5551234", "2001");
        h.carry();
        h.carry();
        let effects = h.outputs();
        assert_eq!(pops(&effects), vec!["5551234".to_string()], "call {round} popped: {effects:?}");
        h.receive(json!({"msgtype": "event", "eventtype": "disconnect", "calling": "5551234", "called": "2001"}));
        h.carry();
        h.carry();
        assert_eq!(logs(&h.outputs()).len(), 1, "call {round} logged");
    }
}

mod attention;
mod extension;
mod hostile;
mod late_events;
mod network;
mod notices;
mod reload;
mod voice;
mod withheld;
