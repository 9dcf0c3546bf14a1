use super::*;
use crate::connection::ServerRole;
use crate::i18n::Lang;
use crate::notice::NoticeCause;
use crate::problem::Problem;
use crate::settings::WsUri;
use crate::transport_advice::SocketLoss;
use crate::wire::{Event, EventKind, ReasonCode, SkillMode, WorkMode};

const EN: &dyn Catalogue = Lang::En.words();

fn waiting() -> ConnectionStatus {
    let reason = SocketLoss::Closed { code: 1011, reason: String::new(), clean: false };
    ConnectionStatus::Waiting { retry_at: Millis(6_000), reason, advice: None, offline: false }
}

fn call(state: CallState, direction: Direction) -> Call {
    Call { direction, ..crate::calls::test_call(7, state, "4155550100") }
}

/// One update of every kind and shape.
fn every_update() -> Vec<Update> {
    let Ok(uri) = WsUri::parse("wsURIA", "ws://cti.example:9006/") else { panic!("valid") };
    let notice = Notice::error(NoticeCause::Connection, Problem::BinaryFrame);
    let connected = call(CallState::Connected, Direction::Inbound);
    vec![
        Update::Ready(true),
        Update::ConnectionChanged(ConnectionStatus::Unconfigured),
        Update::ConnectionChanged(ConnectionStatus::Connecting { role: ServerRole::Primary, uri: uri.clone() }),
        Update::ConnectionChanged(ConnectionStatus::Connected { role: ServerRole::Backup, uri }),
        Update::ConnectionChanged(waiting()),
        Update::AgentChanged(AgentStatus::Unknown),
        Update::AgentChanged(AgentStatus::LoggedOut),
        Update::AgentChanged(AgentStatus::LoggedIn {
            agent_id: "1001".into(),
            mode: Some(SkillMode::Mode(WorkMode::Aux)),
            reason: ReasonCode::new(3),
        }),
        Update::AgentChanged(AgentStatus::LoggedIn { agent_id: "1001".into(), mode: None, reason: None }),
        Update::Call(CallChange::Appeared(call(CallState::RingingIn, Direction::Inbound))),
        Update::Call(CallChange::Changed(connected.clone())),
        Update::Call(CallChange::Ended(call(CallState::Failed, Direction::Outbound))),
        Update::Notice(notice.clone()),
        Update::NoticeGone(notice),
        Update::ServerEvent(Event::new(EventKind::Offer).calling("4155550100").called("2001")),
    ]
}

/// The declaration of TypeScript type `name` in [`TYPE_DECLARATIONS`],
/// without its comments.
fn declaration(name: &str) -> String {
    let start = [format!("export interface {name} "), format!("export type {name} ")]
        .iter()
        .find_map(|head| TYPE_DECLARATIONS.find(head.as_str()))
        .unwrap_or_else(|| panic!("{name} is not declared"));
    let rest = &TYPE_DECLARATIONS[start + 1..];
    let end =
        rest.find("\n/**").or_else(|| rest.find("\nexport ")).map_or(TYPE_DECLARATIONS.len(), |end| start + 1 + end);
    let mut text = TYPE_DECLARATIONS[start..end].to_owned();
    while let Some(open) = text.find("/**") {
        let close = text[open..].find("*/").map_or(text.len(), |close| open + close + 2);
        text.replace_range(open..close, "");
    }
    text
}

/// The property names a declaration declares (`name:` or `name?:`).
fn declared_keys(declaration: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut word = String::new();
    let mut chars = declaration.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
            continue;
        }
        let colon = c == ':' || (c == '?' && chars.peek() == Some(&':'));
        if colon && !word.is_empty() && !keys.contains(&word) {
            keys.push(word.clone());
        }
        word.clear();
    }
    keys
}

fn keys(value: &Value) -> Vec<String> {
    value.as_object().map(|object| object.keys().cloned().collect()).unwrap_or_default()
}

#[test]
fn every_update_becomes_a_documented_event_and_every_documented_event_is_sent() {
    let sent: Vec<&str> = every_update().iter().map(|u| dom_event(u, EN, Millis(1_000)).0).collect();
    for name in &sent {
        assert!(EVENTS.iter().any(|e| e.name == *name), "{name} is not documented");
    }
    for event in &EVENTS {
        assert!(sent.contains(&event.name), "{} is documented but never sent", event.name);
    }
}

#[test]
fn every_detail_key_is_declared_and_every_declared_key_is_sent() {
    let mut sent: Vec<(String, String)> = Vec::new(); // (type, key)
    for update in every_update() {
        let (name, detail) = dom_event(&update, EN, Millis(1_000));
        let Some(doc) = EVENTS.iter().find(|e| e.name == name) else { panic!("{name}") };
        let mut check = |type_name: &str, value: &Value| {
            let declared = declared_keys(&declaration(type_name));
            for key in keys(value) {
                assert!(declared.contains(&key), "{name}: {key} is not declared in {type_name}");
                sent.push((type_name.to_owned(), key));
            }
        };
        check(doc.detail_type, &detail);
        if name == CALL {
            check("CtisvrCall", &detail["call"]);
        }
    }
    let server_event_fields = ["calling", "called", "origcalling", "field"];
    for type_name in EVENTS.iter().map(|e| e.detail_type).chain(["CtisvrCall"]) {
        for key in declared_keys(&declaration(type_name)) {
            let optional = type_name == "CtisvrServerEventDetail" && server_event_fields.contains(&key.as_str());
            assert!(optional || sent.contains(&(type_name.to_owned(), key.clone())), "{type_name}.{key} is never sent");
        }
    }
}

#[test]
fn a_waiting_connection_says_how_long_from_now() {
    let waiting = Update::ConnectionChanged(waiting());
    assert_eq!(dom_event(&waiting, EN, Millis(1_500)).1["retryInMs"], 4_500);
    assert_eq!(dom_event(&waiting, EN, Millis(9_000)).1["retryInMs"], 0);
    assert_eq!(dom_event(&waiting, EN, Millis(0)).1["reason"], "the connection dropped (code 1011)");
    let french = Lang::Fr.words();
    assert_eq!(dom_event(&waiting, french, Millis(0)).1["reason"], "la connexion a été coupée (code 1011)");
}

#[test]
fn the_agent_s_mode_is_the_server_s_text_and_null_until_known() {
    let (_, detail) = dom_event(
        &Update::AgentChanged(AgentStatus::LoggedIn {
            agent_id: "1001".into(),
            mode: Some(SkillMode::Unknown("break".into())),
            reason: None,
        }),
        EN,
        Millis(0),
    );
    assert_eq!(detail, json!({"status": "logged-in", "agentId": "1001", "mode": "break", "reasonCode": null}));
}
