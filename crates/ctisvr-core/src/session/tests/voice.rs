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
