//! Every text of every catalogue: none missing (the catalogues match every
//! variant, or this does not compile), none left in English in French, none
//! with a placeholder left unfilled.

use super::*;
use crate::calls::{test_call, CallState, Direction};
use crate::connection::ServerRole;
use crate::settings::WsUri;
use crate::wire::{ReasonCode, SkillMode};
use std::collections::BTreeSet;

type Text = Box<dyn Fn(&dyn Catalogue) -> String>;

/// One text of every kind and variant, named for failures.
fn every_text() -> Vec<(String, Text)> {
    let mut texts: Vec<(String, Text)> = Vec::new();
    let mut add = |name: String, text: Text| texts.push((name, text));

    let Ok(uri) = WsUri::parse("wsURIA", "ws://cti.example:9006/") else { panic!("valid") };
    let call_hang_up = RequestName::Call { action: CallAction::HangUp, number: Some("4155550100".into()) };
    let problems = [
        Problem::NotConfigured(SettingsError::NotAnObject),
        Problem::BinaryFrame,
        Problem::Unreadable(DecodeError::MissingId),
        Problem::FrameTooLarge { size: 16_777_216 },
        Problem::StrayAnswer { id: Some(12) },
        Problem::StrayAnswer { id: None },
        Problem::SocketRefused(Advice::UseWss { uri: "ws://10.0.0.5/".into() }),
        Problem::Rejected(Rejected::Busy),
        Problem::NoExtension,
        Problem::RequestFailed { what: RequestName::Login, reason: "bad password".into() },
        Problem::RequestFailed { what: RequestName::Logout, reason: String::new() },
        Problem::NotConfirmed(vec![RequestName::Login, call_hang_up.clone()]),
        Problem::ClickToDial(CrmError::NoNumber),
        Problem::CrmFailed { what: CrmTask::ShowPanel, error: CrmFault::NoReason },
        Problem::LogRetry { error: CrmFault::NoResult, seconds: 10 },
        Problem::LogGivenUp { subject: "Call to 5551234".into(), attempts: 3, error: CrmFault::AnsweredFalse },
    ];
    for problem in problems {
        add(format!("{problem:?}"), Box::new(move |w| w.problem(&problem)));
    }
    let rejections = [
        Rejected::NotConnected,
        Rejected::NotReady,
        Rejected::Busy,
        Rejected::NotAllowed(CallAction::Hold),
        Rejected::NotWaitingToReconnect,
        Rejected::AgentLoggedIn,
        Rejected::NoAgent,
        Rejected::NoPartyToDrop,
        Rejected::BadDtmf,
        Rejected::NoExtensionToSend,
        Rejected::MissingAgentId,
        Rejected::MissingPassword,
        Rejected::Dial(DialError::Empty),
        Rejected::Repeated(DialRefusal::AlreadyDialling("5551234".into())),
    ];
    for rejected in rejections {
        add(format!("{rejected:?}"), Box::new(move |w| w.rejected(&rejected)));
    }
    for action in ALL_ACTIONS {
        add(format!("not_allowed {action:?}"), Box::new(move |w| w.not_allowed(action).to_owned()));
        add(format!("call_action {action:?}"), Box::new(move |w| w.call_action(action).to_owned()));
    }
    let settings_errors = [
        SettingsError::MissingPrimary("ws-uri-a"),
        SettingsError::MissingPrimary("/ServerInfo/wsURIA"),
        SettingsError::InvalidUri { key: "ws-uri-a", value: "http://x".into(), reason: UriFault::Scheme },
        SettingsError::NotJson("EOF".into()),
        SettingsError::NotAnObject,
        SettingsError::Crm(CrmFault::NoCrm),
    ];
    for error in settings_errors {
        add(format!("{error:?}"), Box::new(move |w| w.settings_error(&error)));
    }
    for fault in [UriFault::Scheme, UriFault::WhiteSpace, UriFault::NoHost] {
        add(format!("{fault:?}"), Box::new(move |w| w.uri_fault(fault).to_owned()));
    }
    let dial_errors = [
        DialError::Empty,
        DialError::Junk { number: "555-12;34".into(), character: ';' },
        DialError::NoDigits("ext.".into()),
    ];
    for error in dial_errors {
        add(format!("{error:?}"), Box::new(move |w| w.dial_error(&error)));
    }
    for refusal in [DialRefusal::AlreadyDialling("555".into()), DialRefusal::AlreadyOnCall("555".into())] {
        add(format!("{refusal:?}"), Box::new(move |w| w.dial_refusal(&refusal)));
    }
    let decode_errors = [
        DecodeError::NotJson("EOF".into()),
        DecodeError::NotAnObject,
        DecodeError::MissingId,
        DecodeError::MissingField("msgtype"),
        DecodeError::BadFields { name: "makecall".into(), reason: "EOF".into() },
    ];
    for error in decode_errors {
        add(format!("{error:?}"), Box::new(move |w| w.decode_error(&error)));
    }
    for error in [CrmError::NotJson("EOF".into()), CrmError::NoNumber] {
        add(format!("{error:?}"), Box::new(move |w| w.crm_error(&error)));
    }
    let faults = [
        CrmFault::NotLoaded { library: "sforce.opencti".into() },
        CrmFault::NoMethod { library: "sforce.opencti".into(), method: "saveLog".into() },
        CrmFault::Threw { library: "sforce.opencti".into(), method: "saveLog".into(), message: "boom".into() },
        CrmFault::NoReason,
        CrmFault::NoResult,
        CrmFault::AnsweredFalse,
        CrmFault::NoCrm,
    ];
    for fault in faults {
        add(format!("{fault:?}"), Box::new(move |w| w.crm_fault(&fault)));
    }
    let tasks = [
        CrmTask::ListenClickToDial,
        CrmTask::ScreenPop("5551234".into()),
        CrmTask::ClickToDial { enabled: true },
        CrmTask::ClickToDial { enabled: false },
        CrmTask::ShowPanel,
        CrmTask::InitializationComplete,
    ];
    for task in tasks {
        add(format!("{task:?}"), Box::new(move |w| w.crm_task(&task)));
    }
    let requests = [
        RequestName::FindExtension,
        RequestName::Monitor,
        RequestName::ReadAgent,
        RequestName::ReadAgentState,
        RequestName::ReadCalls,
        RequestName::ReadNumbers,
        RequestName::Login,
        RequestName::Logout,
        RequestName::ChangeTo(WorkMode::Manual),
        RequestName::SendExtension("123".into()),
        call_hang_up,
        RequestName::Call { action: CallAction::Answer, number: None },
    ];
    for request in requests {
        add(format!("{request:?}"), Box::new(move |w| w.request(&request)));
    }
    let advices = [
        Advice::UseWss { uri: "ws://10.0.0.5/".into() },
        Advice::LocalNetwork { host: "10.0.0.5".into() },
        Advice::MaybeLocalNetwork { host: "pbx.corp".into() },
    ];
    for advice in advices {
        add(format!("{advice:?}"), Box::new(move |w| w.advice(&advice)));
    }
    let statuses = [
        (ConnectionStatus::Unconfigured, false),
        (ConnectionStatus::Connecting { role: ServerRole::Primary, uri: uri.clone() }, false),
        (ConnectionStatus::Connected { role: ServerRole::Backup, uri: uri.clone() }, true),
        (ConnectionStatus::Connected { role: ServerRole::Backup, uri }, false),
        (waiting(SocketLoss::SettingsChanged, false), false),
    ];
    for (status, ready) in statuses {
        add(format!("{status:?} ready={ready}"), Box::new(move |w| w.connection(&status, ready, Millis(0))));
    }
    let losses = [
        SocketLoss::Closed { code: 1006, reason: String::new(), clean: false },
        SocketLoss::Closed { code: 4000, reason: "bye".into(), clean: true },
        SocketLoss::Closed { code: 1000, reason: String::new(), clean: true },
        SocketLoss::Closed { code: 1011, reason: String::new(), clean: false },
        SocketLoss::NoAnswer { request: RequestName::ReadAgentState, seconds: 10 },
        SocketLoss::SettingsChanged,
    ];
    for loss in losses {
        add(format!("{loss:?}"), Box::new(move |w| w.socket_loss(&loss)));
    }
    add("waiting offline".into(), Box::new(|w| w.waiting(&SocketLoss::Failed("x".into()), None, true)));
    add("extension".into(), Box::new(|w| w.extension("2001")));
    let agents = [
        AgentStatus::Unknown,
        AgentStatus::LoggedOut,
        logged_in(None),
        logged_in(Some(SkillMode::Mode(WorkMode::Aux))),
        logged_in(Some(SkillMode::Mode(WorkMode::Manual))),
        logged_in(Some(SkillMode::NotLoggedIn)),
    ];
    for agent in agents {
        add(format!("{agent:?}"), Box::new(move |w| w.agent(&agent)));
    }
    for mode in [WorkMode::Manual, WorkMode::Acw, WorkMode::Aux] {
        add(format!("{mode:?}"), Box::new(move |w| w.work_mode(mode).to_owned()));
    }
    let calls = [
        test_call(1, CallState::RingingIn, "555"),
        test_call(1, CallState::RingingOut, "555"),
        Call { conference: true, ..test_call(1, CallState::Connected, "555") },
        test_call(1, CallState::Connected, "555"),
        test_call(1, CallState::Held, "555"),
        test_call(1, CallState::Failed, "555"),
    ];
    for call in calls {
        add(format!("call_state {:?}", call.state), Box::new(move |w| w.call_state(&call).to_owned()));
    }
    for sent in [false, true] {
        let extension = CallExtension { digits: "123".into(), sent };
        add(format!("extension sent={sent}"), Box::new(move |w| w.call_extension(&extension)));
    }
    add("unknown_caller".into(), Box::new(|w| w.unknown_caller().to_owned()));
    add("incoming_call".into(), Box::new(|w| w.incoming_call().to_owned()));
    add("incoming_call_from".into(), Box::new(|w| w.incoming_call_from(Some("555"))));
    add("incoming_call_from unknown".into(), Box::new(|w| w.incoming_call_from(None)));
    add("tones_sent".into(), Box::new(|w| w.tones_sent("12#")));
    let subjects = [
        LogSubject::CallFrom(Some("555".into())),
        LogSubject::CallFrom(None),
        LogSubject::MissedCallFrom(Some("555".into())),
        LogSubject::FailedCallTo("555".into()),
        LogSubject::CallTo("555".into()),
        LogSubject::UnansweredCallTo("555".into()),
    ];
    for subject in subjects {
        add(format!("{subject:?}"), Box::new(move |w| w.log_subject(&subject)));
    }
    let withheld = Call { withheld: true, ..test_call(1, CallState::Connected, "anonymous") };
    add("log_description".into(), Box::new(move |w| w.log_description(&withheld, "2001")));
    for label in Label::ALL {
        add(format!("{label:?}"), Box::new(move |w| w.label(label).to_owned()));
    }
    texts
}

const ALL_ACTIONS: [CallAction; 12] = [
    CallAction::Answer,
    CallAction::Dial,
    CallAction::Hold,
    CallAction::Retrieve,
    CallAction::HangUp,
    CallAction::DropParty,
    CallAction::Consult,
    CallAction::Reconnect,
    CallAction::Transfer,
    CallAction::Conference,
    CallAction::SendDtmf,
    CallAction::SendExtension,
];

fn waiting(reason: SocketLoss, offline: bool) -> ConnectionStatus {
    ConnectionStatus::Waiting { retry_at: Millis(3_000), reason, advice: None, offline }
}

fn logged_in(mode: Option<SkillMode>) -> AgentStatus {
    AgentStatus::LoggedIn { agent_id: "1001".into(), mode, reason: ReasonCode::new(3) }
}

/// Texts that read the same in French: words both languages use.
const SAME_IN_FRENCH: [&str; 3] = ["Auto", "Consultation", "CtiSVR softphone"];

#[test]
fn every_text_is_translated_and_filled_in() {
    let texts = every_text();
    assert!(texts.len() > 150, "{} texts", texts.len());
    for (name, text) in &texts {
        let (english, french) = (text(Lang::En.words()), text(Lang::Fr.words()));
        for (lang, words) in [("en", &english), ("fr", &french)] {
            assert!(!words.trim().is_empty(), "{name}: empty in {lang}");
            assert!(!words.contains('{') && !words.contains('}'), "{name}: a placeholder in {lang}: {words}");
        }
        assert!(english != french || SAME_IN_FRENCH.contains(&english.as_str()), "{name}: not translated: {french}");
    }
}

#[test]
fn the_view_s_labels_and_buttons_are_distinct_in_each_language() {
    for lang in Lang::ALL {
        let words = lang.words();
        let labels: BTreeSet<&str> = Label::ALL.iter().map(|l| words.label(*l)).collect();
        assert_eq!(labels.len(), Label::ALL.len(), "{lang:?}: two labels read alike");
        let buttons: BTreeSet<&str> = ALL_ACTIONS.iter().map(|a| words.call_action(*a)).collect();
        assert_eq!(buttons.len(), ALL_ACTIONS.len(), "{lang:?}: two call buttons read alike");
    }
}

#[test]
fn languages_from_tags() {
    for (tag, lang) in
        [("fr", Some(Lang::Fr)), ("fr-CA", Some(Lang::Fr)), ("FR_be", Some(Lang::Fr)), (" en-GB ", Some(Lang::En))]
    {
        assert_eq!(Lang::from_tag(tag), lang, "{tag:?}");
    }
    for tag in ["", "de", "fra", "français", "-fr", "x-fr"] {
        assert_eq!(Lang::from_tag(tag), None, "{tag:?}");
    }
    assert_eq!(Lang::choose(["", "es-ES", "fr-FR", "en"]), Lang::Fr);
    assert_eq!(Lang::choose(["en-US", "fr"]), Lang::En, "the page's language before the browser's");
    assert_eq!(Lang::choose([]), Lang::En);
}

#[test]
fn display_is_the_english_catalogue() {
    let problem = Problem::Rejected(Rejected::Dial(DialError::NoDigits("ext.".into())));
    assert_eq!(problem.to_string(), Lang::En.words().problem(&problem));
    assert_eq!(problem.to_string(), "\"ext.\" has no digits to dial.");
    assert_eq!(Lang::Fr.words().problem(&problem), "« ext. » ne contient aucun chiffre à composer.");
}

#[test]
fn a_direction_is_worded_in_the_log_description() {
    let outbound = Call {
        direction: Direction::Outbound,
        dialled: "914155550100".into(),
        ..test_call(2, CallState::Connected, "2001")
    };
    assert_eq!(
        Lang::En.words().log_description(&outbound, "2001"),
        "Outbound call at extension 2001; caller 2001, dialled 914155550100; parties 2001."
    );
    assert_eq!(
        Lang::Fr.words().log_description(&outbound, "2001"),
        "Appel sortant au poste 2001 ; appelant 2001, numéro composé 914155550100 ; participants 2001."
    );
}
