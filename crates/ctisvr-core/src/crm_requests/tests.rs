//! What each CRM answer means, read alone and through a session.

use super::*;
use crate::call_memory::StorageOrder;
use crate::crm::CallType;
use crate::i18n::Lang;
use crate::notice::NoticeCause;
use crate::time::Millis;
use crate::Session;
use serde_json::json;

fn ok_lightning(value: Value) -> Result<Value, CrmFault> {
    Ok(json!({"success": true, "returnValue": value, "errors": null}))
}

fn err_lightning(description: &str) -> Result<Value, CrmFault> {
    Ok(json!({"success": false, "returnValue": null, "errors": [{"description": description}]}))
}

fn threw(method: &str, message: &str) -> CrmFault {
    CrmFault::Threw { library: "sforce.opencti".into(), method: method.into(), message: message.into() }
}

fn log() -> CallLog {
    CallLog {
        subject: "Call from 5551234".into(),
        call_type: CallType::Inbound,
        duration_seconds: 42,
        call_object: "1@0".into(),
        who_id: None,
        what_id: None,
        disposition: None,
        description: String::new(),
    }
}

fn failure(answer: CrmAnswer) -> (String, String) {
    match answer {
        CrmAnswer::Input(CrmInput::Failed { what, error }) => (Lang::En.words().crm_task(&what), error.to_string()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn settings_come_from_either_flavour_or_say_why_not() {
    let lightning = ok_lightning(json!({"/ServerInfo/wsURIA": "ws://a:9006/"}));
    match read_answer(Crm::Lightning, CrmRequest::Settings, lightning) {
        CrmAnswer::Settings(Ok(settings)) => assert_eq!(settings.ws_uri_a.as_str(), "ws://a:9006/"),
        other => panic!("{other:?}"),
    }
    let classic = Ok(json!({"result": "{\"/ServerInfo/wsURIA\": \"ws://c:9006/\"}"}));
    match read_answer(Crm::Classic, CrmRequest::Settings, classic) {
        CrmAnswer::Settings(Ok(settings)) => assert_eq!(settings.ws_uri_a.as_str(), "ws://c:9006/"),
        other => panic!("{other:?}"),
    }
    let missing = Err(CrmFault::NotLoaded { library: "sforce.opencti".into() });
    assert_eq!(
        read_answer(Crm::Lightning, CrmRequest::Settings, missing),
        CrmAnswer::Settings(Err(SettingsError::Crm(CrmFault::NotLoaded { library: "sforce.opencti".into() })))
    );
    assert!(matches!(
        read_answer(Crm::Lightning, CrmRequest::Settings, err_lightning("no call center")),
        CrmAnswer::Settings(Err(SettingsError::Crm(CrmFault::Said(reason)))) if reason == "no call center"
    ));
}

#[test]
fn a_click_is_its_payload_in_either_flavour() {
    let click = json!({"number": "4155550100", "recordId": "003A"});
    assert_eq!(
        read_answer(Crm::Lightning, CrmRequest::ListenClickToDial, Ok(click.clone())),
        CrmAnswer::Input(CrmInput::ClickToDial(click))
    );
    let text = json!("{\"number\":\"4155550100\"}");
    assert_eq!(
        read_answer(Crm::Classic, CrmRequest::ListenClickToDial, Ok(json!({"result": text.clone()}))),
        CrmAnswer::Input(CrmInput::ClickToDial(text))
    );
    let (what, error) =
        failure(read_answer(Crm::Classic, CrmRequest::ListenClickToDial, Err(threw("onClickToDial", "threw"))));
    assert_eq!((what.as_str(), error.as_str()), ("Listening for click-to-dial", "sforce.opencti.onClickToDial: threw"));
}

#[test]
fn a_screen_pop_reports_its_result_or_names_the_number() {
    let request = CrmRequest::ScreenPop { call_id: 3, number: "5551234".into() };
    let found = json!({"003A": {"Id": "003A"}});
    assert_eq!(
        read_answer(Crm::Lightning, request.clone(), ok_lightning(found.clone())),
        CrmAnswer::Input(CrmInput::ScreenPopResult { call_id: 3, result: found })
    );
    let (what, error) = failure(read_answer(Crm::Lightning, request.clone(), err_lightning("no access")));
    assert_eq!((what.as_str(), error.as_str()), ("Screen pop of 5551234", "no access"));
    let (what, _) = failure(read_answer(Crm::Classic, request, Ok(json!({"result": false}))));
    assert_eq!(what, "Screen pop of 5551234");
}

#[test]
fn a_log_is_saved_or_failed_with_its_log_for_the_retry() {
    let request = CrmRequest::SaveLog { call_id: 4, log: log() };
    assert_eq!(
        read_answer(Crm::Classic, request.clone(), Ok(json!({"result": "00T1"}))),
        CrmAnswer::Input(CrmInput::LogSaved { call_id: 4 })
    );
    assert_eq!(
        read_answer(Crm::Lightning, request, err_lightning("INSUFFICIENT_ACCESS")),
        CrmAnswer::Input(CrmInput::LogFailed {
            call_id: 4,
            log: log(),
            error: CrmFault::Said("INSUFFICIENT_ACCESS".into())
        })
    );
}

#[test]
fn instructions_answer_nothing_unless_they_fail() {
    for (request, what) in [
        (CrmRequest::ClickToDial { enabled: true }, "Turning click-to-dial on"),
        (CrmRequest::ClickToDial { enabled: false }, "Turning click-to-dial off"),
        (CrmRequest::ShowPanel, "Showing the softphone panel"),
        (CrmRequest::InitializationComplete, "Telling Salesforce the softphone is ready"),
    ] {
        assert_eq!(read_answer(Crm::Lightning, request.clone(), ok_lightning(Value::Null)), CrmAnswer::Done);
        assert_eq!(read_answer(Crm::Classic, request.clone(), Ok(json!({"result": true}))), CrmAnswer::Done);
        let (said, error) = failure(read_answer(Crm::Lightning, request.clone(), err_lightning("nope")));
        assert_eq!((said.as_str(), error.as_str()), (what, "nope"));
        let (said, error) = failure(read_answer(
            Crm::Classic,
            request,
            Err(CrmFault::NoMethod { library: "sforce.x".into(), method: "y".into() }),
        ));
        assert_eq!((said.as_str(), error.as_str()), (what, "sforce.x.y is not available on this page"));
    }
}

fn notice(session: &Session) -> String {
    session.state().notice.map(|n| n.text).unwrap_or_default()
}

#[test]
fn a_session_asks_its_crm_and_hears_the_answers() {
    let mut session = Session::default();
    assert_eq!(session.poll_crm(), None, "no CRM, nothing asked");
    session.attach_crm(Crm::Lightning);
    assert_eq!(session.poll_crm(), Some(CrmRequest::Settings));
    assert_eq!(session.poll_crm(), Some(CrmRequest::ListenClickToDial));
    assert_eq!(session.poll_crm(), None);
    let settings = ok_lightning(json!({"/ServerInfo/wsURIA": "ws://a:9006/"}));
    session.handle_crm_answer(Millis(0), CrmRequest::Settings, settings);
    assert_eq!(session.settings().map(|s| s.ws_uri_a.as_str().to_owned()), Some("ws://a:9006/".into()));
    assert_eq!(session.poll_crm(), Some(CrmRequest::InitializationComplete));
    // A click before the session is ready is refused, visibly.
    let click = Ok(json!({"number": "4155550100"}));
    session.handle_crm_answer(Millis(0), CrmRequest::ListenClickToDial, click);
    assert!(notice(&session).contains("not connected"), "{}", notice(&session));
    // A failed instruction is shown with what it was.
    session.handle_crm_answer(Millis(0), CrmRequest::ShowPanel, err_lightning("hidden by admin"));
    assert_eq!(notice(&session), "Showing the softphone panel failed: hidden by admin");
    session.handle_crm_answer(Millis(0), CrmRequest::InitializationComplete, ok_lightning(Value::Null));
    assert_eq!(notice(&session), "Showing the softphone panel failed: hidden by admin", "success says nothing");
    // A log the session is not waiting for is nothing to report.
    let log = CrmRequest::SaveLog { call_id: 9, log: log() };
    session.handle_crm_answer(Millis(0), log, err_lightning("INSUFFICIENT_ACCESS"));
    assert_eq!(notice(&session), "Showing the softphone panel failed: hidden by admin");
}

#[test]
fn without_its_library_the_crm_says_so_once() {
    let mut session = Session::default();
    session.attach_crm(Crm::Classic);
    let missing = "sforce.interaction.cti is not loaded on this page";
    while let Some(request) = session.poll_crm() {
        let error = CrmFault::NotLoaded { library: "sforce.interaction.cti".into() };
        session.handle_crm_answer(Millis(0), request, Err(error));
    }
    assert_eq!(
        notice(&session),
        format!("Softphone not configured: the CRM did not give the call center settings ({missing}).")
    );
    assert_eq!(session.state().notice.map(|n| n.cause), Some(NoticeCause::Settings));
    // With the settings given, a listener that fails is shown.
    let mut session = Session::default();
    session.attach_crm(Crm::Lightning);
    let settings = ok_lightning(json!({"/ServerInfo/wsURIA": "ws://a:9006/"}));
    session.handle_crm_answer(Millis(0), CrmRequest::Settings, settings);
    session.handle_crm_answer(Millis(0), CrmRequest::ListenClickToDial, Err(threw("onClickToDial", "boom")));
    assert_eq!(notice(&session), "Listening for click-to-dial failed: sforce.opencti.onClickToDial: boom");
}

/// The sockets the session asks for, as `open <uri>` / `close`.
fn socket_orders(session: &mut Session) -> Vec<String> {
    std::iter::from_fn(|| session.poll_socket())
        .map(|order| match order {
            crate::SocketOrder::Open(connect) => format!("open {}", connect.uri.as_str()),
            crate::SocketOrder::Close(_) => "close".to_owned(),
        })
        .collect()
}

/// A session given the Classic settings answer `answer`, and what it asked
/// to remember.
fn classic_session_with(answer: Value) -> (Session, Option<StorageOrder>) {
    let mut session = Session::default();
    session.attach_crm(Crm::Classic);
    session.handle_crm_answer(Millis(0), CrmRequest::Settings, Ok(answer));
    let order = session.poll_settings_storage();
    (session, order)
}

/// What a page remembers of the Classic settings naming `uri_a`.
fn memo_of(uri_a: &str) -> String {
    match classic_session_with(classic_answer(uri_a)).1 {
        Some(StorageOrder::Write(memo)) => memo,
        other => panic!("the settings are remembered: {other:?}"),
    }
}

/// A reloaded Classic page's session, given `memo`.
fn reloaded_with(memo: &str) -> Session {
    let mut session = Session::default();
    session.attach_crm(Crm::Classic);
    session.resume_crm_settings(Millis(0), memo);
    session
}

fn classic_answer(uri_a: &str) -> Value {
    json!({"result": json!({"/ServerInfo/wsURIA": uri_a, "/reqDialingOptions/reqOutsidePrefix": "9"}).to_string()})
}

#[test]
fn a_reloaded_page_connects_with_the_remembered_settings_before_the_crm_answers() {
    let memo = memo_of("ws://a:9006/");

    // The reloaded page: its socket opens before the CRM has answered.
    let mut reloaded = reloaded_with(&memo);
    assert_eq!(socket_orders(&mut reloaded), ["open ws://a:9006/"]);
    assert_eq!(reloaded.poll_crm(), Some(CrmRequest::Settings), "the CRM is asked anyway");

    // The same settings: nothing to redo.
    reloaded.handle_crm_answer(Millis(5), CrmRequest::Settings, Ok(classic_answer("ws://a:9006/")));
    assert_eq!(socket_orders(&mut reloaded), Vec::<String>::new());

    // Other settings (the admin moved the server): they win, on a new socket.
    let mut moved = reloaded_with(&memo);
    assert_eq!(socket_orders(&mut moved), ["open ws://a:9006/"]);
    moved.handle_crm_answer(Millis(5), CrmRequest::Settings, Ok(classic_answer("ws://c:9006/")));
    let orders = socket_orders(&mut moved);
    assert_eq!(orders.last().map(String::as_str), Some("open ws://c:9006/"), "{orders:?}");
    assert!(matches!(moved.poll_settings_storage(), Some(StorageOrder::Write(text)) if text.contains("ws://c:9006/")));
}

#[test]
fn remembered_settings_of_another_crm_or_unreadable_ones_wait_for_the_crm() {
    let (_, order) = classic_session_with(classic_answer("ws://a:9006/"));
    let Some(StorageOrder::Write(classic_memo)) = order else { panic!("remembered: {order:?}") };
    let no_uri = r#"{"v":2,"crm":"classic","items":{"/reqDialingOptions/reqOutsidePrefix":"9"}}"#;
    for (crm, stored) in [
        (Crm::Lightning, classic_memo.as_str()),
        (Crm::Classic, "{not json"),
        (Crm::Classic, ""),
        (Crm::Classic, no_uri),
    ] {
        let mut session = Session::default();
        session.attach_crm(crm);
        session.resume_crm_settings(Millis(0), stored);
        assert_eq!(socket_orders(&mut session), Vec::<String>::new(), "{crm:?} {stored}");
        assert_eq!(session.state().notice, None, "nothing to tell the agent: {stored}");
    }
}

#[test]
fn a_refused_settings_answer_forgets_them_and_closes_the_socket_when_no_call_is_up() {
    let mut session = reloaded_with(&memo_of("ws://a:9006/"));
    answer_start_up(&mut session, 0);
    assert_eq!(session.state().extension.as_deref(), Some("2001"));
    let refused = Ok(json!({"result": null, "error": "not in a call center"}));
    session.handle_crm_answer(Millis(5), CrmRequest::Settings, refused);
    assert_eq!(session.poll_settings_storage(), Some(StorageOrder::Remove));
    assert_eq!(socket_orders(&mut session), ["close"], "no call: the refused server is left");
    assert_eq!(session.settings(), None);
    assert_eq!(session.state().connection, crate::ConnectionStatus::Unconfigured);
    assert_eq!(session.state().extension, None);
    assert!(notice(&session).contains("call center settings"), "{}", notice(&session));
    assert_eq!(session.poll_timeout(), None, "nothing reopens");
}

#[test]
fn a_memo_names_no_tab_channel_until_the_crm_confirms_it() {
    let mut session = reloaded_with(&memo_of("ws://a:9006/"));
    assert_eq!(session.tab_channel(), None, "not before the CRM confirms the server");
    assert_eq!(session.call_storage_key().as_deref(), Some("ctisvr-softphone:calls:ws://a:9006/"));
    session.handle_crm_answer(Millis(5), CrmRequest::Settings, Ok(classic_answer("ws://c:9006/")));
    assert_eq!(session.tab_channel().as_deref(), Some("ctisvr-softphone:ws://c:9006/"));
    assert_eq!(session.call_storage_key().as_deref(), Some("ctisvr-softphone:calls:ws://c:9006/"));
}

#[test]
fn a_memo_given_after_the_crm_answered_is_ignored() {
    let memo = memo_of("ws://a:9006/");
    let mut session = Session::default();
    session.attach_crm(Crm::Classic);
    let refused = Ok(json!({"result": null, "error": "not in a call center"}));
    session.handle_crm_answer(Millis(0), CrmRequest::Settings, refused);
    while session.poll_crm().is_some() {}
    session.resume_crm_settings(Millis(1), &memo);
    assert_eq!(socket_orders(&mut session), Vec::<String>::new());
    assert_eq!(session.poll_crm(), None, "no initialization for a refused call center");
}

#[test]
fn a_refused_settings_answer_keeps_the_socket_of_a_call_that_is_up() {
    let mut session = reloaded_with(&memo_of("ws://a:9006/"));
    answer_start_up(&mut session, 1);
    assert_eq!(session.state().calls.len(), 1, "a call is up");
    let refused = Ok(json!({"result": null, "error": "not in a call center"}));
    session.handle_crm_answer(Millis(5), CrmRequest::Settings, refused);
    assert_eq!(socket_orders(&mut session), Vec::<String>::new(), "the call's socket stays");
    assert!(notice(&session).contains("call center settings"), "{}", notice(&session));
}

/// Opens the session's socket and answers its start-up as the server would
/// for extension 2001 with `calls` calls up (logged in when there are).
fn answer_start_up(session: &mut Session, calls: u32) {
    use crate::session::TransportEvent;
    let Some(crate::SocketOrder::Open(connect)) = session.poll_socket() else { panic!("a socket opens") };
    session.handle_transport(Millis(1), TransportEvent::Opened(connect.id));
    for _ in 0..10 {
        let Some(text) = session.poll_transmit() else { break };
        let request: Value = serde_json::from_str(&text).unwrap();
        let answer = match request["request"].as_str().unwrap() {
            "myextension" => json!({"extension": "2001"}),
            "snapshot" => json!({"numcall": calls}),
            "queryagentstate" if calls > 0 => json!({"skillmode": "auto", "talkstate": "call"}),
            "queryagentstate" => json!({"skillmode": "null", "talkstate": "idle"}),
            "querydeviceinfo" => json!({"associateddevice": if calls > 0 { "1001" } else { "" }}),
            "userdata" => json!({"cli": "4155550100", "called": "2001"}),
            _ => json!({}),
        };
        let mut frame = json!({"msgtype": "response", "id": request["id"], "result": "success"});
        frame.as_object_mut().unwrap().extend(answer.as_object().unwrap().clone());
        session.handle_frame(Millis(2), connect.id, &frame.to_string());
    }
}
