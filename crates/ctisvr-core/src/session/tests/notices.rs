//! Every kind of notice the session raises goes when its cause ends, and
//! stays while it does not (see `crate::notice`).

use super::*;
use crate::notice::NoticeCause;

impl Harness {
    fn cause(&self) -> Option<NoticeCause> {
        self.session.state().notice.map(|n| n.cause)
    }

    /// The texts of the notices that went, drained with the other effects.
    fn gone(&mut self) -> Vec<String> {
        let effects = self.outputs();
        effects
            .into_iter()
            .filter_map(|e| match e {
                Out::Page(Update::NoticeGone(notice)) => Some(notice.text),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn bad_settings_are_shown_until_valid_settings_arrive() {
    let mut h = Harness::new();
    h.session.configure(h.now, Settings::from_attributes(|_| None));
    assert!(h.notice().starts_with("Softphone not configured"), "{}", h.notice());
    h.session.handle_crm(h.now, CrmInput::ClickToDial(json!({"number": "2002"})));
    h.session.configure(h.now, Settings::from_attributes(|_| None));
    assert_eq!(h.cause(), Some(NoticeCause::Settings));
    let good = Settings::from_attributes(|name| (name == "ws-uri-a").then(|| "ws://c:9006".to_owned()));
    h.outputs();
    h.session.configure(h.now, good);
    assert_eq!(h.notice(), "");
}

/// The case: the browser refused A (a local network address from a
/// public page), the softphone is now connected to B.
#[test]
fn the_advice_about_a_refused_server_goes_once_ready_on_the_other() {
    let mut session = Session::default();
    session.set_page(PageOrigin::new("http:", "crm.example.com"));
    let settings = Settings::from_attributes(|name| match name {
        "ws-uri-a" => Some("ws://127.0.0.1:9006/".into()),
        "ws-uri-b" => Some("ws://127.0.0.2:9008/".into()),
        _ => None,
    });
    session.configure(Millis(0), settings);
    let mut h = Harness { session, now: Millis(0), conn: None };
    let a = h.session.poll_connect().unwrap();
    h.session
        .handle_transport(h.now, TransportEvent::Closed { id: a.id, code: 1006, reason: String::new(), clean: false });
    assert!(h.notice().contains("local network address 127.0.0.1"), "{}", h.notice());
    h.outputs();
    let b = h.open();
    assert_eq!(b.role, ServerRole::Backup);
    let [monitor, device, state, snapshot] = h.burst();
    assert!(h.notice().contains("127.0.0.1"), "still starting on B: the advice may yet matter");
    h.reply(monitor, json!({}));
    h.reply(device, json!({"associateddevice": ""}));
    h.reply(state, json!({"skillmode": "null"}));
    h.reply(snapshot, json!({"numcall": 0}));
    assert!(h.session.state().ready);
    assert_eq!(h.notice(), "", "connected to B: the advice about A is gone");
    let gone = h.gone();
    assert!(gone.len() == 1 && gone[0].contains("127.0.0.1"), "the page is told: {gone:?}");
}

#[test]
fn a_command_refused_for_want_of_a_connection_stays_until_ready() {
    let mut h = Harness::new();
    assert_eq!(h.command(AgentCommand::Logout), Err(Rejected::NotConnected));
    let a = h.open();
    assert_eq!(h.call(CallCommand::Answer), Err(Rejected::NotReady));
    h.close("dropped");
    assert_eq!(h.cause(), Some(NoticeCause::Connection), "a lost socket does not end it");
    let b = h.open();
    assert_ne!(a.id, b.id);
    h.answer_start_up();
    assert_eq!(h.notice(), "");
}

#[test]
fn a_start_up_step_refused_stays_while_on_that_socket() {
    let mut h = Harness::new();
    let [monitor, device, state, snapshot] = h.open_and_burst();
    h.fail(monitor, "no such device");
    h.reply(device, json!({"associateddevice": ""}));
    h.reply(state, json!({"skillmode": "null"}));
    h.reply(snapshot, json!({"numcall": 0}));
    assert!(h.session.state().ready);
    assert_eq!(h.notice(), "Monitoring the extension failed: no such device", "ready, but not monitored");
    h.event("offer", "5551234", "2001");
    h.close("dropped");
    h.open();
    h.answer_start_up();
    assert_eq!(h.notice(), "", "ready on another socket that monitors");
}

#[test]
fn a_failed_read_stays_until_a_read_succeeds() {
    let mut h = Harness::new();
    let [monitor, device, state, snapshot] = h.open_and_burst();
    h.reply(monitor, json!({}));
    h.reply(device, json!({"associateddevice": ""}));
    h.reply(state, json!({"skillmode": "null"}));
    h.fail(snapshot, "busy");
    assert!(h.session.state().ready);
    assert_eq!(h.notice(), "Reading the extension's calls failed: busy");
    h.event("offer", "5551234", "2001");
    assert_eq!(h.cause(), Some(NoticeCause::Reading));
    // The liveness check reads the agent state: that read works.
    h.now = Millis(40_000);
    h.session.handle_timeout(h.now);
    let (id, _) = h.sent("queryagentstate");
    h.reply(id, json!({"skillmode": "null", "talkstate": "call"}));
    assert_eq!(h.notice(), "");
}

#[test]
fn a_refused_login_stays_until_the_agent_acts_or_the_agent_state_changes() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.command(AgentCommand::Login { agent_id: "1001".into(), password: Password::new("x") }).unwrap();
    let (id, _) = h.sent("login");
    h.fail(id, "invalid password");
    h.event("offer", "5551234", "2001");
    h.receive(json!({"msgtype": "event", "eventtype": "idle"}));
    assert_eq!(h.notice(), "Login failed: invalid password", "calls changing do not answer it");
    // Another request ends it.
    h.call(CallCommand::Dial { number: "2002".into() }).unwrap();
    assert_eq!(h.notice(), "");

    // Lost with the socket: the state read on the next socket answers it.
    for (device, stays) in [("", true), ("1001", false)] {
        let mut h = Harness::new();
        h.start_logged_out();
        h.command(AgentCommand::Login { agent_id: "1001".into(), password: Password::new("1234") }).unwrap();
        h.close("dropped");
        assert!(h.notice().starts_with("Login was not confirmed"), "{}", h.notice());
        let [_, id, _, _] = h.open_and_burst();
        h.reply(id, json!({"associateddevice": device}));
        // Still logged out: the agent must check and retry; logged in: done.
        assert_eq!(h.notice().starts_with("Login was not confirmed"), stays, "agent {device:?}: {}", h.notice());
    }
}

#[test]
fn a_refused_hang_up_stays_until_the_call_changes() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.login();
    h.event("offer", "5551234", "2001");
    h.event("connect", "5551234", "2001");
    h.outputs();
    h.call(CallCommand::HangUp).unwrap();
    let (id, _) = h.sent("hangup");
    h.fail(id, "not now");
    h.server_still_has_the_call();
    assert_eq!(h.notice(), "Hang up failed: not now");
    h.command(AgentCommand::SetState { mode: WorkMode::Manual, reason: None, password: None }).unwrap();
    assert_eq!(h.notice(), "", "the agent's next request replaces it");
    let (id, _) = h.sent("setstate");
    h.reply(id, json!({}));
    h.call(CallCommand::HangUp).unwrap();
    let (id, _) = h.sent("hangup");
    h.fail(id, "not now");
    h.server_still_has_the_call();
    h.now = Millis(40_000);
    h.session.handle_timeout(h.now);
    let (id, _) = h.sent("queryagentstate");
    h.reply(id, json!({"skillmode": "aux", "reasoncode": 0, "talkstate": "call"}));
    assert_eq!(h.cause(), Some(NoticeCause::CallRequest), "agent state changed, the call did not");
    h.receive(json!({"msgtype": "event", "eventtype": "disconnect", "calling": "5551234", "called": "2001"}));
    h.receive(json!({"msgtype": "event", "eventtype": "idle"}));
    assert_eq!(h.notice(), "", "the call ended");

    // A call command refused by the softphone goes the same way.
    assert!(matches!(h.call(CallCommand::HangUp), Err(Rejected::NotAllowed(CallAction::HangUp))));
    assert_eq!(h.notice(), "There is no call to hang up.");
    h.event("offer", "5551234", "2001");
    assert_eq!(h.notice(), "", "a call appeared");
}

#[test]
fn busy_stays_until_the_waiting_request_is_answered() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.command(AgentCommand::Login { agent_id: "1001".into(), password: Password::new("1234") }).unwrap();
    let (id, _) = h.sent("login");
    assert_eq!(h.call(CallCommand::Dial { number: "2002".into() }), Err(Rejected::Busy));
    h.event("offer", "5551234", "2001");
    assert_eq!(h.cause(), Some(NoticeCause::Busy));
    h.reply(id, json!({}));
    assert_eq!(h.notice(), "");
}

#[test]
fn a_call_log_being_retried_is_shown_until_saved_and_a_given_up_log_stays() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.event("offer", "5551234", "2001");
    h.receive(json!({"msgtype": "event", "eventtype": "idle"}));
    let log = logs(&h.outputs()).remove(0);
    let failed = |h: &mut Harness| {
        let input =
            CrmInput::LogFailed { call_id: 1, log: log.clone(), error: CrmFault::Said("INSUFFICIENT_ACCESS".into()) };
        h.session.handle_crm(h.now, input);
    };
    failed(&mut h);
    assert!(h.notice().contains("trying again in 10 s"), "{}", h.notice());
    h.event("offer", "5559999", "2001");
    h.login();
    assert!(h.notice().contains("trying again"), "other things happening do not save it");
    h.session.handle_crm(h.now, CrmInput::LogSaved { call_id: 1 });
    assert_eq!(h.notice(), "");

    // Given up: the agent must log it by hand, so nothing but a dismissal ends it.
    let mut h = Harness::new();
    h.start_logged_out();
    h.event("offer", "5551234", "2001");
    h.receive(json!({"msgtype": "event", "eventtype": "idle"}));
    for _ in 0..=LOG_ATTEMPTS {
        failed(&mut h);
    }
    assert!(h.notice().contains("Log the call by hand"), "{}", h.notice());
    h.login();
    h.event("offer", "5559999", "2001");
    h.close("dropped");
    h.open();
    h.answer_start_up();
    assert!(h.notice().contains("Log the call by hand"), "{}", h.notice());
    h.outputs();
    h.session.command(h.now, Command::DismissNotice).unwrap();
    assert_eq!(h.notice(), "");
    assert_eq!(h.gone().len(), 1);
}

#[test]
fn a_failed_crm_call_or_an_unreadable_frame_stays_until_dismissed() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.session
        .handle_crm(h.now, CrmInput::Failed { what: CrmTask::ShowPanel, error: CrmFault::Said("not allowed".into()) });
    h.login();
    h.event("offer", "5551234", "2001");
    h.close("dropped");
    h.open();
    h.answer_start_up();
    assert_eq!(h.notice(), "Showing the softphone panel failed: not allowed");
    h.receive(json!("not a frame"));
    assert!(h.notice().contains("cannot read"), "a newer notice takes its place");
    h.event("offer", "5559999", "2001");
    assert!(h.notice().contains("cannot read"));
}

#[test]
fn a_bad_click_to_dial_goes_with_the_agents_next_request() {
    let mut h = Harness::new();
    h.start_logged_out();
    h.session.handle_crm(h.now, CrmInput::ClickToDial(json!({"nothing": true})));
    assert!(h.notice().contains("Click-to-dial failed"), "{}", h.notice());
    h.login();
    assert_eq!(h.notice(), "");
}

impl Harness {
    /// A refused call request makes the softphone ask the server which
    /// calls there are: the call from 5551234 is still up.
    fn server_still_has_the_call(&mut self) {
        let (id, _) = self.sent("snapshot");
        self.reply(id, json!({"numcall": 1}));
        let (id, _) = self.sent("userdata");
        self.reply(id, json!({"calling": "5551234", "called": "2001", "cli": "5551234"}));
    }
}

/// Notices name their problem as a variant: tests (and script callers
/// through the DOM event's text) need not parse the words.
#[test]
fn each_notice_names_its_problem() {
    use crate::problem::Problem;
    let problem = |h: &Harness| h.session.state().notice.map(|n| n.problem);
    let mut h = Harness::new();
    h.start_logged_out();
    let _ = h.call(CallCommand::HangUp);
    assert_eq!(problem(&h), Some(Problem::Rejected(Rejected::NotAllowed(CallAction::HangUp))));
    h.receive(json!("not an object"));
    assert!(matches!(problem(&h), Some(Problem::Unreadable(_))), "{:?}", problem(&h));
    h.login();
    h.command(AgentCommand::SetState { mode: WorkMode::Manual, reason: None, password: None }).unwrap();
    let (id, _) = h.sent("setstate");
    h.fail(id, "invalid state");
    assert_eq!(
        problem(&h),
        Some(Problem::RequestFailed { what: RequestName::ChangeTo(WorkMode::Manual), reason: "invalid state".into() })
    );
    h.command(AgentCommand::Logout).unwrap();
    h.close("dropped");
    assert_eq!(problem(&h), Some(Problem::NotConfirmed(vec![RequestName::Logout])));
}
