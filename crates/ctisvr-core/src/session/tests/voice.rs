//! Salesforce Voice through the real session (issue 14): each request the
//! connector decodes goes in as [`VoiceCommand::command`], reaches CtiSVR
//! as the vendor's request, and the events that follow come out of
//! [`VoiceEvents`] as Salesforce's telephony events.

use super::*;
use crate::voice::{active_calls, Leg, PresenceTable, VoiceCommand, VoiceEvent, VoiceEvents};

struct Voice {
    h: Harness,
    table: PresenceTable,
    events: VoiceEvents,
}

impl Voice {
    fn new() -> Voice {
        let table = PresenceTable::parse("0N51=auto; 0N52=aux/2; 0N53=acw; 0=logout").unwrap();
        Voice { h: Harness::new(), table, events: VoiceEvents::default() }
    }

    /// Salesforce asks; the core's command goes to the session.
    fn ask(&mut self, voice: VoiceCommand) {
        let command = voice.command(&self.h.session.state(), &self.table).unwrap();
        self.h.session.command(self.h.now, command).unwrap();
    }

    /// The telephony events of everything the session reported since.
    fn published(&mut self) -> Vec<VoiceEvent> {
        let updates: Vec<Update> = std::iter::from_fn(|| self.h.session.poll_update()).collect();
        updates.iter().flat_map(|update| self.events.update(update, &self.table)).collect()
    }

    fn names(&mut self) -> Vec<&'static str> {
        self.published().iter().map(VoiceEvent::name).collect()
    }
}

#[test]
fn presence_login_state_and_an_inbound_call_from_ring_to_hang_up() {
    let mut v = Voice::new();
    v.h.start_logged_out();
    v.h.login();
    v.published();
    // Omni-Channel "Available" -> setstate auto.
    v.ask(VoiceCommand::SetAgentStatus { status_id: "0N51".into() });
    let (id, frame) = v.h.sent("setstate");
    assert_eq!(frame["state"], "auto");
    v.h.reply(id, json!({}));
    assert_eq!(v.published(), [VoiceEvent::SetAgentStatus { status_id: "0N51".into() }]);

    v.h.event("offer", "4155550100", "2001");
    let started = v.published();
    assert!(
        matches!(started.as_slice(), [VoiceEvent::CallStarted(call)] if call.other_party.as_deref() == Some("4155550100"))
    );
    v.ask(VoiceCommand::AcceptCall);
    let (id, _) = v.h.sent("answer");
    v.h.reply(id, json!({}));
    v.h.event("connect", "4155550100", "2001");
    assert_eq!(v.names(), ["CALL_CONNECTED"]);

    v.ask(VoiceCommand::Hold);
    let (id, _) = v.h.sent("hold");
    v.h.reply(id, json!({}));
    v.h.event("hold", "4155550100", "2001");
    assert_eq!(
        v.published(),
        [VoiceEvent::HoldToggle { call: active_calls(&v.h.session.state()).remove(0), held: true }]
    );
    v.ask(VoiceCommand::Resume);
    let (id, _) = v.h.sent("retrieve");
    v.h.reply(id, json!({}));
    v.h.event("retrieve", "4155550100", "2001");
    assert_eq!(v.names(), ["HOLD_TOGGLE"]);

    // A reloaded connector asks getActiveCalls: the call is there, connected.
    let calls = active_calls(&v.h.session.state());
    assert_eq!(calls.len(), 1);
    assert!(calls.first().is_some_and(|c| c.state == CallState::Connected && !c.on_hold()));

    v.ask(VoiceCommand::EndCall(Leg::Agent));
    let (id, _) = v.h.sent("hangup");
    v.h.reply(id, json!({}));
    v.h.event("disconnect", "4155550100", "2001");
    assert_eq!(v.names(), ["HANGUP"]);
    assert!(active_calls(&v.h.session.state()).is_empty());
}

#[test]
fn dial_applies_the_dialing_rules_and_a_consultation_then_a_transfer() {
    let mut v = Voice::new();
    v.h.start_logged_out();
    v.published();
    v.ask(VoiceCommand::Dial { number: "+1 (415) 555-0100".into() });
    let (id, frame) = v.h.sent("makecall");
    assert_eq!(frame["destination"], "90114155550100");
    v.h.reply(id, json!({}));
    assert_eq!(v.names(), ["CALL_STARTED"]);
    v.h.event("connect", "2001", "90114155550100");
    assert_eq!(v.names(), ["CALL_CONNECTED"]);

    // addParticipant, not blind: a consultation.
    v.ask(VoiceCommand::AddParticipant { number: "2002".into(), blind: false });
    let (id, _) = v.h.sent("consultation");
    v.h.reply(id, json!({}));
    v.h.event("hold", "2001", "90114155550100");
    v.h.event("alert", "2001", "2002");
    let names = v.names();
    assert!(names.contains(&"HOLD_TOGGLE") && names.contains(&"PARTICIPANT_ADDED"), "{names:?}");
    v.h.event("connect", "2001", "2002");
    assert_eq!(v.names(), ["PARTICIPANT_CONNECTED"]);

    // The agent ends their own leg: the two-step transfer completes.
    v.ask(VoiceCommand::EndCall(Leg::Agent));
    let (_, frame) = v.h.sent("transfer");
    assert_eq!(frame["destination"], "2002");
}

#[test]
fn an_unmapped_status_and_desk_phone_requests_send_nothing() {
    let mut v = Voice::new();
    v.h.start_logged_out();
    let state = v.h.session.state();
    assert!(VoiceCommand::SetAgentStatus { status_id: "0N5zz".into() }.command(&state, &v.table).is_err());
    assert!(VoiceCommand::Mute.command(&state, &v.table).is_err());
    v.h.nothing_sent();
}

/// The connector's bookkeeping on the real session: Salesforce's requests
/// resolve with the event they made, the rest is published.
struct Connector {
    h: Harness,
    voice: VoiceConnector,
    next: Ticket,
}

impl Connector {
    fn new() -> Connector {
        let table = PresenceTable::parse("0N51=auto; 0N54=auto; 0N52=aux/2; 0N53=acw; 0=logout").unwrap();
        let mut c = Connector { h: Harness::new(), voice: VoiceConnector::new(table), next: 0 };
        c.h.start_logged_out();
        c.h.login();
        c.outputs();
        // Salesforce's init, answered at once: CtiSVR is up, the agent known.
        let state = c.h.session.state();
        c.voice.handle_init(c.h.now, 0, &state);
        assert_eq!(c.voice.poll_output(), Some(VoiceOutput::Initialized { ticket: 0, show_login: false }));
        c
    }

    /// Salesforce asks: returns the request's ticket.
    fn ask(&mut self, command: VoiceCommand) -> Ticket {
        self.next += 1;
        let ticket = self.next;
        let state = self.h.session.state();
        if let Some(core) = self.voice.handle_request(ticket, &command, &state) {
            let verdict = self.h.session.command(self.h.now, core.clone());
            self.voice.handle_verdict(self.h.now, ticket, &command, &core, &state, verdict);
        }
        ticket
    }

    /// One batch: every update, then the state after them (as the edge does).
    fn outputs(&mut self) -> Vec<VoiceOutput> {
        while let Some(update) = self.h.session.poll_update() {
            self.voice.handle_update(&update);
        }
        self.voice.handle_state(&self.h.session.state());
        std::iter::from_fn(|| self.voice.poll_output()).collect()
    }

    /// The outputs, each as `publish NAME`, `resolve T NAME` or `reject T`.
    fn said(&mut self) -> Vec<String> {
        self.outputs()
            .iter()
            .map(|output| match output {
                VoiceOutput::Publish(event) => format!("publish {}", event.name()),
                VoiceOutput::Resolve { ticket, event } => {
                    format!("resolve {ticket} {}", event.as_ref().map_or("-", VoiceEvent::name))
                }
                VoiceOutput::Reject { ticket, .. } => format!("reject {ticket}"),
                VoiceOutput::AgentLoggedIn => "logged in".to_owned(),
                VoiceOutput::AgentLoggedOut => "logged out".to_owned(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    fn confirm(&mut self, request: &str) {
        let (id, _) = self.h.sent(request);
        self.h.reply(id, json!({}));
    }
}

use crate::voice::{Ticket, VoiceConnector, VoiceFailure, VoiceOutput};
use crate::wire::Password;

#[test]
fn a_request_resolves_with_its_event_which_is_not_published_twice() {
    let mut c = Connector::new();
    c.h.event("offer", "4155550100", "2001");
    assert_eq!(c.said(), ["publish CALL_STARTED"]);
    let accept = c.ask(VoiceCommand::AcceptCall);
    c.confirm("answer");
    assert_eq!(c.said(), Vec::<String>::new(), "answered, not yet connected");
    c.h.event("connect", "4155550100", "2001");
    assert_eq!(c.said(), [format!("resolve {accept} CALL_CONNECTED")]);

    let hold = c.ask(VoiceCommand::Hold);
    c.confirm("hold");
    c.h.event("hold", "4155550100", "2001");
    assert_eq!(c.said(), [format!("resolve {hold} HOLD_TOGGLE")]);
    // Retrieved at the desk set, not from Salesforce: news.
    c.h.event("retrieve", "4155550100", "2001");
    assert_eq!(c.said(), ["publish HOLD_TOGGLE"]);

    let end = c.ask(VoiceCommand::EndCall(Leg::Agent));
    c.confirm("hangup");
    c.h.event("disconnect", "4155550100", "2001");
    c.h.event("idle", "", "");
    assert_eq!(c.said(), [format!("resolve {end} HANGUP")]);
}

#[test]
fn the_far_end_hanging_up_is_published() {
    let mut c = Connector::new();
    c.h.event("offer", "4155550100", "2001");
    let accept = c.ask(VoiceCommand::AcceptCall);
    c.confirm("answer");
    c.h.event("connect", "4155550100", "2001");
    assert_eq!(c.said(), ["publish CALL_STARTED".to_owned(), format!("resolve {accept} CALL_CONNECTED")]);
    c.h.event("disconnect", "4155550100", "2001");
    c.h.event("idle", "", "");
    assert_eq!(c.said(), ["publish HANGUP"]);
}

#[test]
fn refusals_rejections_failures_and_silence_reject_the_request() {
    let mut c = Connector::new();
    // Desk-phone mode: refused before the session sees it.
    let mute = c.ask(VoiceCommand::Mute);
    assert_eq!(c.said(), [format!("reject {mute}")]);
    c.h.nothing_sent();
    // No call to answer: the session rejects it.
    let accept = c.ask(VoiceCommand::AcceptCall);
    assert_eq!(c.said(), [format!("reject {accept}")]);
    // CtiSVR refuses: the notice's words reject it.
    c.h.event("offer", "4155550100", "2001");
    c.said();
    let accept = c.ask(VoiceCommand::AcceptCall);
    let (id, _) = c.h.sent("answer");
    c.h.fail(id, "station busy");
    let outputs = c.outputs();
    assert!(
        matches!(outputs.as_slice(), [VoiceOutput::Reject { ticket, reason: VoiceFailure::Failed(text) }]
            if *ticket == accept && text.contains("station busy")),
        "{outputs:?}"
    );
    // Taken, then nothing: rejected when its time is up, not before.
    let mut c = Connector::new();
    c.h.event("offer", "4155550100", "2001");
    c.said();
    let accept = c.ask(VoiceCommand::AcceptCall);
    c.confirm("answer");
    let deadline = c.voice.poll_timeout().unwrap();
    c.voice.handle_timeout(Millis(deadline.0 - 1));
    assert_eq!(c.said(), Vec::<String>::new());
    c.voice.handle_timeout(deadline);
    assert_eq!(c.said(), [format!("reject {accept}")]);
    assert_eq!(c.voice.poll_timeout(), None);
}

#[test]
fn a_status_salesforce_set_is_not_echoed_but_the_acds_changes_are_told() {
    let mut c = Connector::new();
    // 0N54 is the table's second "auto": Salesforce's choice stays shown.
    let status = c.ask(VoiceCommand::SetAgentStatus { status_id: "0N54".into() });
    assert_eq!(c.said(), Vec::<String>::new(), "not before CtiSVR has it");
    c.confirm("setstate");
    assert_eq!(c.said(), [format!("resolve {status} -")], "and no echo");
    // The ACD starts after-call work by itself: news.
    c.h.event("idle", "", "");
    let (id, _) = c.h.sent("queryagentstate");
    c.h.reply(id, json!({"skillmode": "acw", "talkstate": "idle"}));
    assert_eq!(c.said(), ["publish AFTER_CALL_WORK_STARTED", "publish SET_AGENT_STATUS"]);
}

#[test]
fn a_consultation_resolves_add_participant_and_the_transfer_ends_the_call() {
    let mut c = Connector::new();
    c.h.event("offer", "4155550100", "2001");
    let accept = c.ask(VoiceCommand::AcceptCall);
    c.confirm("answer");
    c.h.event("connect", "4155550100", "2001");
    let said = c.said();
    assert!(said.contains(&format!("resolve {accept} CALL_CONNECTED")), "{said:?}");
    let add = c.ask(VoiceCommand::AddParticipant { number: "2002".into(), blind: false });
    c.confirm("consultation");
    c.h.event("hold", "4155550100", "2001");
    c.h.event("alert", "2001", "2002");
    let said = c.said();
    assert!(said.contains(&format!("resolve {add} PARTICIPANT_ADDED")), "{said:?}");
    assert!(said.contains(&"publish HOLD_TOGGLE".to_owned()), "{said:?}");
    c.h.event("connect", "2001", "2002");
    assert_eq!(c.said(), ["publish PARTICIPANT_CONNECTED"]);
    let end = c.ask(VoiceCommand::EndCall(Leg::Agent));
    c.confirm("transfer");
    c.h.event("transfer", "4155550100", "2002");
    c.h.event("idle", "", "");
    let said = c.said();
    assert!(said.contains(&format!("resolve {end} HANGUP")), "{said:?}");
    assert!(!said.iter().any(|s| s == "publish HANGUP"), "{said:?}");
}

#[test]
fn init_waits_for_ctisvr_and_asks_for_a_login_only_when_nobody_is_logged_in() {
    let table = PresenceTable::parse("0N51=auto; 0=logout").unwrap();
    // Nobody logged in: the login page.
    let mut h = Harness::new();
    let mut voice = VoiceConnector::new(table.clone());
    voice.handle_init(h.now, 1, &h.session.state());
    assert_eq!(voice.poll_output(), None, "not connected yet");
    h.start_logged_out();
    while let Some(update) = h.session.poll_update() {
        voice.handle_update(&update);
    }
    voice.handle_state(&h.session.state());
    // The start-up's "logged out" is no news: only init's answer.
    assert_eq!(voice.poll_output(), Some(VoiceOutput::Initialized { ticket: 1, show_login: true }));
    assert_eq!(voice.poll_output(), None);
    // The login page's login: answered when the agent is logged in.
    let login = Command::Agent(AgentCommand::Login { agent_id: "1001".into(), password: Password::new("1234") });
    let verdict = h.session.command(h.now, login);
    voice.handle_login(h.now, 2, verdict);
    let (id, _) = h.sent("login");
    h.reply(id, json!({}));
    let (id, _) = h.sent("queryagentstate");
    h.reply(id, json!({"skillmode": "aux", "reasoncode": 0, "talkstate": "idle"}));
    voice.handle_state(&h.session.state());
    assert_eq!(voice.poll_output(), Some(VoiceOutput::LoggedIn { ticket: 2 }));

    // A reload with the agent logged in and a call up: ready at once.
    let mut h = Harness::new();
    let mut voice = VoiceConnector::new(table.clone());
    voice.handle_init(h.now, 1, &h.session.state());
    h.start("1001", json!({"skillmode": "auto", "talkstate": "call"}), 1);
    voice.handle_state(&h.session.state());
    assert_eq!(voice.poll_output(), None, "ready, but the call is not read yet: getActiveCalls would miss it");
    let (id, _) = h.sent("userdata");
    h.reply(id, json!({"cli": "4155550100", "called": "2001"}));
    voice.handle_state(&h.session.state());
    assert_eq!(voice.poll_output(), Some(VoiceOutput::Initialized { ticket: 1, show_login: false }));
    assert_eq!(active_calls(&h.session.state()).len(), 1);

    // CtiSVR never answers: init fails, once, when its time is up.
    let h = Harness::new();
    let mut voice = VoiceConnector::new(table);
    voice.handle_init(h.now, 1, &h.session.state());
    let deadline = voice.poll_timeout().unwrap();
    voice.handle_timeout(deadline);
    assert_eq!(voice.poll_output(), Some(VoiceOutput::Reject { ticket: 1, reason: VoiceFailure::Unreachable }));
    voice.handle_timeout(deadline);
    assert_eq!(voice.poll_output(), None);
}

#[test]
fn a_refused_status_rejects_that_request_not_another_and_is_not_shown() {
    let mut c = Connector::new();
    c.h.event("offer", "4155550100", "2001");
    c.said();
    let accept = c.ask(VoiceCommand::AcceptCall);
    c.confirm("answer");
    // The answer is confirmed, its event not come yet; a status change is refused.
    let status = c.ask(VoiceCommand::SetAgentStatus { status_id: "0N52".into() });
    let (id, frame) = c.h.sent("setstate");
    assert_eq!((frame["state"].as_str(), frame["reasoncode"].to_string().trim_matches('"')), (Some("aux"), "2"));
    c.h.fail(id, "reason code not allowed");
    assert_eq!(c.said(), [format!("reject {status}")]);
    c.h.event("connect", "4155550100", "2001");
    assert_eq!(c.said(), [format!("resolve {accept} CALL_CONNECTED")], "the accept still stands");
}

#[test]
fn a_conference_merges_the_participant_without_a_removal() {
    let mut c = Connector::new();
    c.h.event("offer", "4155550100", "2001");
    let accept = c.ask(VoiceCommand::AcceptCall);
    c.confirm("answer");
    c.h.event("connect", "4155550100", "2001");
    let add = c.ask(VoiceCommand::AddParticipant { number: "2002".into(), blind: false });
    c.confirm("consultation");
    c.h.event("hold", "4155550100", "2001");
    c.h.event("connect", "2001", "2002");
    let said = c.said();
    assert!(said.contains(&format!("resolve {accept} CALL_CONNECTED")), "{said:?}");
    assert!(said.contains(&format!("resolve {add} PARTICIPANT_ADDED")), "{said:?}");
    let merge = c.ask(VoiceCommand::Conference);
    c.confirm("conference");
    c.h.event("conference", "4155550100", "2001");
    let said = c.said();
    assert_eq!(said, [format!("resolve {merge} PARTICIPANTS_CONFERENCED")], "{said:?}");
    // Salesforce removes the third party: dropparty, and the conference stays.
    let drop = c.ask(VoiceCommand::EndCall(Leg::Participant { number: Some("2002".into()) }));
    let (_, frame) = c.h.sent("dropparty");
    assert_eq!(frame["party"], "2002");
    assert_eq!(c.said(), [format!("resolve {drop} PARTICIPANT_REMOVED")]);
}

#[test]
fn the_customer_hanging_up_during_a_consultation_leaves_the_agent_with_the_colleague() {
    let mut c = Connector::new();
    c.h.event("offer", "4155550100", "2001");
    c.ask(VoiceCommand::AcceptCall);
    c.confirm("answer");
    c.h.event("connect", "4155550100", "2001");
    c.ask(VoiceCommand::AddParticipant { number: "2002".into(), blind: false });
    c.confirm("consultation");
    c.h.event("hold", "4155550100", "2001");
    c.h.event("connect", "2001", "2002");
    c.said();
    // The held customer hangs up.
    c.h.event("disconnect", "4155550100", "2001");
    let said = c.said();
    assert!(
        said.contains(&"publish PARTICIPANT_REMOVED".to_owned()) && !said.iter().any(|s| s.contains("HANGUP")),
        "{said:?}"
    );
    // Ending what is left hangs up; it is no transfer and no reconnect.
    assert_eq!(c.h.session.state().calls.len(), 1);
    c.ask(VoiceCommand::EndCall(Leg::Participant { number: Some("2002".into()) }));
    c.h.sent("hangup");
}

#[test]
fn logins_and_logouts_after_init_are_told_but_salesforces_own_logout_is_its_answer() {
    let mut c = Connector::new();
    // The desk set logs the agent out: news.
    c.h.event("idle", "", "");
    let (id, _) = c.h.sent("queryagentstate");
    c.h.reply(id, json!({"skillmode": "null", "talkstate": "idle"}));
    assert!(c.said().contains(&"logged out".to_owned()));
    // The login page logs in again: news too (LOGIN_RESULT readies the connector).
    let login = Command::Agent(AgentCommand::Login { agent_id: "1001".into(), password: Password::new("1234") });
    let verdict = c.h.session.command(c.h.now, login);
    c.voice.handle_login(c.h.now, 50, verdict);
    let (id, _) = c.h.sent("login");
    c.h.reply(id, json!({}));
    let (id, _) = c.h.sent("queryagentstate");
    c.h.reply(id, json!({"skillmode": "aux", "reasoncode": 0, "talkstate": "idle"}));
    let said = c.said();
    assert!(
        said.contains(&"logged in".to_owned()) && said.iter().any(|s| s.contains("LoggedIn { ticket: 50 }")),
        "{said:?}"
    );
    // Offline (the table's logout): answered, and told as a logout so that
    // Salesforce offers the login again.
    let offline = c.ask(VoiceCommand::SetAgentStatus { status_id: "0".into() });
    c.confirm("logout");
    let said = c.said();
    assert!(said.contains(&format!("resolve {offline} -")) && said.contains(&"logged out".to_owned()), "{said:?}");
    let login = Command::Agent(AgentCommand::Login { agent_id: "1001".into(), password: Password::new("1234") });
    let verdict = c.h.session.command(c.h.now, login);
    c.voice.handle_login(c.h.now, 51, verdict);
    let (id, _) = c.h.sent("login");
    c.h.reply(id, json!({}));
    let (id, _) = c.h.sent("queryagentstate");
    c.h.reply(id, json!({"skillmode": "aux", "reasoncode": 0, "talkstate": "idle"}));
    assert!(c.said().contains(&"logged in".to_owned()));
    // Salesforce logs out: answered, not told back.
    let logout = c.ask(VoiceCommand::Logout);
    c.confirm("logout");
    let said = c.said();
    assert!(said.contains(&format!("resolve {logout} -")) && !said.contains(&"logged out".to_owned()), "{said:?}");
}

#[test]
fn wrap_up_ends_after_call_work_only_and_goes_back_to_the_status_chosen() {
    let mut c = Connector::new();
    // Not in after-call work: nothing to do, nothing sent.
    let early = c.ask(VoiceCommand::WrapUpCall);
    assert_eq!(c.said(), [format!("resolve {early} -")]);
    c.h.nothing_sent();
    // The agent chose Break (aux/2), then the ACD put them in ACW.
    c.ask(VoiceCommand::SetAgentStatus { status_id: "0N52".into() });
    c.confirm("setstate");
    c.said();
    c.h.event("idle", "", "");
    let (id, _) = c.h.sent("queryagentstate");
    c.h.reply(id, json!({"skillmode": "acw", "talkstate": "idle"}));
    c.said();
    let wrap = c.ask(VoiceCommand::WrapUpCall);
    let (id, frame) = c.h.sent("setstate");
    assert_eq!(
        (frame["state"].as_str(), frame["reasoncode"].to_string().trim_matches('"')),
        (Some("aux"), "2"),
        "back to Break"
    );
    c.h.reply(id, json!({}));
    let said = c.said();
    assert!(said.contains(&format!("resolve {wrap} -")), "{said:?}");
}
