//! The mock over real sockets: a WebSocket client (tokio-tungstenite) and a
//! tiny HTTP/1.1 client on raw TCP. Every test starts its own mock on ports
//! the OS picks, so the tests run in parallel with each other and with
//! other test binaries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // test helpers

mod common;

use common::*;
use ctisvr_mock::{Mock, Options};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn startup_sequence_login_and_an_inbound_call() {
    let mock = start().await;
    let mut ws = connect(&mock, "?ext=2001").await;

    // The vendor sample's start-up sequence, with its ids.
    let me = request(&mut ws, json!({"id": 0, "request": "myextension"})).await;
    assert_eq!(me, json!({"msgtype": "response", "id": 0, "result": "success", "extension": "2001"}));
    let monitor = request(&mut ws, json!({"id": 1, "request": "startmonitor", "extension": "2001"})).await;
    assert_eq!(monitor["result"], "success");
    let device = request(&mut ws, json!({"id": 2, "request": "querydeviceinfo", "extension": "2001"})).await;
    assert_eq!(device["associateddevice"], "");
    let snapshot = request(&mut ws, json!({"id": 6, "request": "snapshot", "extension": "2001"})).await;
    assert_eq!(snapshot["numcall"], 0);

    let login = request(
        &mut ws,
        json!({"id": 3, "request": "login", "extension": "2001", "agentid": "1001", "passwd": "1234"}),
    )
    .await;
    assert_eq!(login["result"], "success", "{login}");

    let created =
        http(&mock, "POST", "/api/calls", &["Content-Type: application/json"], r#"{"from": "5551234", "to": "2001"}"#)
            .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let call = created.json();
    assert_eq!(call["id"], "c1");
    assert_eq!(call["state"], "ringing");

    let offer = next(&mut ws).await;
    assert_eq!(offer, json!({"msgtype": "event", "eventtype": "offer", "calling": "5551234", "called": "2001"}));

    let log = http(&mock, "GET", "/api/log", &[], "").await;
    assert_eq!(log.status, 200);
    let log = log.json();
    let connection = &log["connections"][0];
    assert_eq!(connection["extension"], "2001");
    assert_eq!(connection["open"], true);
    assert_eq!(connection["endpoint"], mock.ws_addrs()[0].to_string());
    let frames = connection["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 11, "5 requests, 5 responses, 1 event");
    assert_eq!(frames[0]["dir"], "in");
    assert_eq!(
        frames[0]["text"],
        json!({"id": 0, "request": "myextension"}).to_string(),
        "frames are logged exactly as received"
    );
    assert_eq!(frames[1]["dir"], "out");
    assert!(frames[1]["text"].as_str().unwrap().contains("\"extension\":\"2001\""));
    assert_eq!(frames[10]["dir"], "out");
    assert!(frames[10]["text"].as_str().unwrap().contains("\"eventtype\":\"offer\""));

    let state = http(&mock, "GET", "/api/state", &[], "").await.json();
    assert_eq!(
        state["extensions"][0],
        json!({"extension": "2001", "agent": {"id": "1001", "mode": "aux", "reasoncode": 0},
               "monitors": 1, "calls": ["c1"]})
    );
    assert_eq!(state["agents"][0]["extension"], "2001");
    assert_eq!(state["calls"][0]["from"], "5551234");

    // Answer, then the caller hangs up.
    let answer = request(&mut ws, json!({"id": 13, "request": "answer", "extension": "2001"})).await;
    assert_eq!(answer["result"], "success");
    assert_eq!(next(&mut ws).await["eventtype"], "connect");
    let hangup = http(&mock, "DELETE", "/api/calls/c1", &[], "").await;
    assert_eq!(hangup.status, 200, "{}", hangup.body);
    assert_eq!(hangup.json()["state"], "connected");
    assert_eq!(next(&mut ws).await["eventtype"], "disconnect");
    assert_eq!(next(&mut ws).await["eventtype"], "idle");

    mock.shutdown().await;
}

#[tokio::test]
async fn without_ext_the_ip_map_decides() {
    let mock = start().await;
    let mut ws = connect(&mock, "").await;
    let me = request(&mut ws, json!({"id": 0, "request": "myextension"})).await;
    assert_eq!(me["extension"], "2001", "127.0.0.1 is seated at 2001");
    let mut ws = connect(&mock, "some/path?ext=2999").await;
    let me = request(&mut ws, json!({"id": 0, "request": "myextension"})).await;
    assert_eq!(me["error"], "unknown extension 2999");
    mock.shutdown().await;
}

#[tokio::test]
async fn malformed_frames_get_an_error_and_the_connection_stays() {
    let mock = start().await;
    let mut ws = connect(&mock, "?ext=2002").await;
    send(&mut ws, "this is not json").await;
    let error = next(&mut ws).await;
    assert_eq!(error["result"], "error");
    assert!(error.get("id").is_none());
    assert!(error["error"].as_str().unwrap().starts_with("malformed request: not JSON"));
    ws.send(Message::binary(vec![1, 2, 3])).await.unwrap();
    let error = next(&mut ws).await;
    assert!(error["error"].as_str().unwrap().starts_with("binary frames are not supported"));
    let me = request(&mut ws, json!({"id": 0, "request": "myextension"})).await;
    assert_eq!(me["extension"], "2002");
    let log = http(&mock, "GET", "/api/log", &[], "").await.json();
    assert_eq!(log["connections"][0]["frames"][0]["text"], "this is not json");
    assert_eq!(log["connections"][0]["frames"][2]["text"], "<binary frame of 3 bytes>");
    mock.shutdown().await;
}

#[tokio::test]
async fn reset_closes_sockets_and_restores_the_scenario() {
    let mock = start().await;
    let mut ws = connect(&mock, "?ext=2001").await;
    request(&mut ws, json!({"id": 3, "request": "login", "extension": "2001", "agentid": "1001", "passwd": "1234"}))
        .await;
    let created = http(&mock, "POST", "/api/calls", &[], r#"{"from":"1","to":"2001"}"#).await;
    assert_eq!(created.status, 201);

    let reset = http(&mock, "POST", "/api/reset", &[], "").await;
    assert_eq!(reset.status, 200);
    assert_eq!(reset.json(), json!({"closed_connections": 1}));
    let closed = tokio::time::timeout(WAIT, ws.next()).await.expect("closed in time");
    assert!(matches!(closed, Some(Ok(Message::Close(_))) | None | Some(Err(_))), "{closed:?}");

    let state = http(&mock, "GET", "/api/state", &[], "").await.json();
    assert_eq!(state["calls"], json!([]));
    assert_eq!(state["extensions"][0]["agent"], Value::Null);
    assert_eq!(state["extensions"][0]["monitors"], 0);
    let log = http(&mock, "GET", "/api/log", &[], "").await.json();
    assert_eq!(log, json!({"connections": []}));
    // Call ids start again.
    let created = http(&mock, "POST", "/api/calls", &[], r#"{"from":"1","to":"2002"}"#).await;
    assert_eq!(created.json()["id"], "c1");
    mock.shutdown().await;
}

#[tokio::test]
async fn api_errors_are_json_with_the_right_status() {
    let mock = start().await;
    let cases = [
        ("POST", "/api/calls", "nope", 400, "body is not JSON"),
        ("POST", "/api/calls", r#"{"to":"2001"}"#, 400, "missing `from`"),
        ("POST", "/api/calls", r#"{"from":"1","to":"2999"}"#, 404, "unknown extension 2999"),
        ("DELETE", "/api/calls/c42", "", 404, "no call c42"),
        ("DELETE", "/api/calls/whatever", "", 404, "no call whatever"),
        ("GET", "/api/nothing", "", 404, "no endpoint GET /api/nothing"),
        ("GET", "/api/calls", "", 405, "GET is not allowed on /api/calls"),
    ];
    assert_api_errors(&mock, &cases).await;
    mock.shutdown().await;
}

#[tokio::test]
async fn the_api_allows_other_origins() {
    let mock = start().await;
    let preflight = http(
        &mock,
        "OPTIONS",
        "/api/calls",
        &[
            "Origin: http://demo.example",
            "Access-Control-Request-Method: POST",
            "Access-Control-Request-Headers: content-type",
        ],
        "",
    )
    .await;
    assert!(preflight.status < 300, "{}", preflight.status);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    let state = http(&mock, "GET", "/api/state", &["Origin: http://demo.example"], "").await;
    assert_eq!(state.header("access-control-allow-origin"), Some("*"));
    mock.shutdown().await;
}

fn dist_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    std::fs::write(dir.join("index.html"), "<h1>softphone</h1>").unwrap();
    std::fs::write(dir.join("pkg/app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    dir
}

#[tokio::test]
async fn static_files_are_served_and_wasm_is_application_wasm() {
    let mock = start_with_dist(dist_dir("ctisvr-mock-static")).await;
    let index = http(&mock, "GET", "/", &[], "").await;
    assert_eq!(index.status, 200);
    assert_eq!(index.body, "<h1>softphone</h1>");
    assert!(index.header("content-type").unwrap().starts_with("text/html"));
    let wasm = http(&mock, "GET", "/pkg/app_bg.wasm", &[], "").await;
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    let missing = http(&mock, "GET", "/missing.js", &[], "").await;
    assert_eq!(missing.status, 404);
    mock.shutdown().await;
}

#[tokio::test]
async fn a_missing_dist_says_how_to_build_it() {
    let mock = start().await;
    let index = http(&mock, "GET", "/", &[], "").await;
    assert_eq!(index.status, 404);
    assert!(index.body.contains("cargo xtask dist"), "{}", index.body);
    mock.shutdown().await;
}

#[tokio::test]
async fn plain_http_on_the_websocket_port_explains_itself() {
    let mock = start().await;
    let mut stream = TcpStream::connect(mock.ws_addrs()[0]).await.unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    assert!(raw.starts_with("HTTP/1.1 400"), "{raw}");
    assert!(raw.contains("ctisvr-mock WebSocket endpoint"), "{raw}");
    mock.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_sockets_and_listeners() {
    let mock = start().await;
    let ws_addr = mock.ws_addrs()[0];
    let mut ws = connect(&mock, "?ext=2001").await;
    tokio::time::timeout(WAIT, mock.shutdown()).await.expect("shutdown is quick");
    let closed = tokio::time::timeout(WAIT, ws.next()).await.expect("closed in time");
    assert!(matches!(closed, Some(Ok(Message::Close(_))) | None | Some(Err(_))), "{closed:?}");
    assert!(TcpStream::connect(ws_addr).await.is_err(), "the listener is gone");
}

#[tokio::test]
async fn events_reach_every_monitor_and_only_them() {
    let mock = start().await;
    let mut a = connect(&mock, "?ext=2001").await;
    let mut b = connect(&mock, "?ext=2001").await;
    let mut c = connect(&mock, "?ext=2002").await;
    for ws in [&mut a, &mut b] {
        request(ws, json!({"id": 1, "request": "startmonitor", "extension": "2001"})).await;
    }
    request(&mut c, json!({"id": 1, "request": "startmonitor", "extension": "2002"})).await;
    http(&mock, "POST", "/api/calls", &[], r#"{"from":"5551234","to":"2001"}"#).await;
    assert_eq!(next(&mut a).await["eventtype"], "offer");
    assert_eq!(next(&mut b).await["eventtype"], "offer");
    // c got nothing: its next frame is the response to this request.
    let response = request(&mut c, json!({"id": 6, "request": "snapshot", "extension": "2002"})).await;
    assert_eq!(response["numcall"], 0);
    mock.shutdown().await;
}

#[tokio::test]
async fn two_agents_consult_and_transfer_an_inbound_call() {
    let mock = start().await;
    let mut a = agent(&mock, "2001", "1001").await;
    let mut b = agent(&mock, "2002", "1002").await;

    let created = http(&mock, "POST", "/api/calls", &[], r#"{"from": "5551234", "to": "2001"}"#).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(next(&mut a).await["eventtype"], "offer");
    ok(&mut a, json!({"id": 13, "request": "answer", "extension": "2001"})).await;
    assert_eq!(
        next(&mut a).await,
        json!({"msgtype": "event", "eventtype": "connect", "calling": "5551234", "called": "2001"})
    );

    ok(&mut a, json!({"id": 17, "request": "consultation", "extension": "2001", "destination": "2002"})).await;
    assert_eq!(
        next(&mut a).await,
        json!({"msgtype": "event", "eventtype": "hold", "calling": "5551234", "called": "2001"})
    );
    assert_eq!(
        next(&mut a).await,
        json!({"msgtype": "event", "eventtype": "alert", "calling": "2001", "called": "2002"})
    );
    assert_eq!(
        next(&mut b).await,
        json!({"msgtype": "event", "eventtype": "offer", "calling": "2001", "called": "2002"})
    );

    ok(&mut b, json!({"id": 13, "request": "answer", "extension": "2002"})).await;
    let connect = json!({"msgtype": "event", "eventtype": "connect", "calling": "2001", "called": "2002"});
    assert_eq!(next(&mut b).await, connect);
    assert_eq!(next(&mut a).await, connect);

    let state = http(&mock, "GET", "/api/state", &[], "").await.json();
    assert_eq!(state["calls"][1]["consultation_of"], "c1");

    ok(&mut a, json!({"id": 15, "request": "transfer", "extension": "2001", "destination": "2002"})).await;
    assert_eq!(
        next(&mut a).await,
        json!({"msgtype": "event", "eventtype": "transfer", "calling": "5551234", "called": "2002"})
    );
    assert_eq!(next(&mut a).await, json!({"msgtype": "event", "eventtype": "idle"}));
    assert_eq!(
        next(&mut b).await,
        json!({"msgtype": "event", "eventtype": "transfer", "calling": "2001", "called": "2002", "origcalling": "5551234"})
    );

    let state = http(&mock, "GET", "/api/state", &[], "").await.json();
    let calls = state["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 1, "{state}");
    assert_eq!(
        calls[0]["parties"],
        json!([{"number": "5551234", "kind": "external", "state": "connected"},
               {"number": "2002", "kind": "station", "state": "connected"}])
    );
    assert_eq!(calls[0]["origcalling"], "5551234");
    assert_eq!(state["extensions"][0]["calls"], json!([]));
    assert_eq!(state["extensions"][1]["calls"], json!(["c1"]));

    // The caller hangs up on 2002.
    let hangup = http(&mock, "DELETE", "/api/calls/c1", &[], "").await;
    assert_eq!(hangup.status, 200, "{}", hangup.body);
    let disconnect = next(&mut b).await;
    assert_eq!((disconnect["eventtype"].as_str(), disconnect["party"].as_str()), (Some("disconnect"), Some("5551234")));
    assert_eq!(next(&mut b).await["eventtype"], "idle");
    mock.shutdown().await;
}

#[tokio::test]
async fn outside_numbers_answer_on_time_and_the_api_answers_and_hangs_up_parties() {
    let scenario = ctisvr_mock::Scenario::from_toml(
        r#"
        extensions = ["2001", "2002"]
        [[external]]
        number = "5550100"
        behaviour = "answer"
        after_ms = 50
        [default_external]
        behaviour = "no-answer"
        "#,
    )
    .unwrap();
    let options = Options { dist: PathBuf::from("/nonexistent"), scenario, ..Options::ephemeral() };
    let mock = Mock::start(options).await.unwrap();
    let mut a = connect(&mock, "?ext=2001").await;
    ok(&mut a, json!({"id": 1, "request": "startmonitor", "extension": "2001"})).await;

    // Answers 50 ms later, by itself (dialled with the outside prefix).
    let started = std::time::Instant::now();
    ok(&mut a, json!({"id": 12, "request": "makecall", "extension": "2001", "destination": "95550100"})).await;
    assert_eq!(next(&mut a).await["eventtype"], "alert");
    assert_eq!(
        next(&mut a).await,
        json!({"msgtype": "event", "eventtype": "connect", "calling": "2001", "called": "95550100"})
    );
    assert!(started.elapsed() >= Duration::from_millis(50));
    ok(&mut a, json!({"id": 22, "request": "dtmf", "extension": "2001", "digits": "42#"})).await;
    let state = http(&mock, "GET", "/api/state", &[], "").await.json();
    assert_eq!(state["calls"][0]["dtmf"], "42#");
    ok(&mut a, json!({"id": 20, "request": "hangup", "extension": "2001"})).await;
    assert_eq!(next(&mut a).await["eventtype"], "disconnect");
    assert_eq!(next(&mut a).await["eventtype"], "idle");

    // Never answers by itself: the control API answers for it.
    ok(&mut a, json!({"id": 12, "request": "makecall", "extension": "2001", "destination": "5559999"})).await;
    assert_eq!(next(&mut a).await["eventtype"], "alert");
    let answered = http(&mock, "POST", "/api/calls/c2/answer", &[], "").await;
    assert_eq!(answered.status, 200, "{}", answered.body);
    assert_eq!(answered.json()["state"], "connected");
    assert_eq!(next(&mut a).await["eventtype"], "connect");
    let again = http(&mock, "POST", "/api/calls/c2/answer", &[], "").await;
    assert_eq!((again.status, again.json()["error"].as_str()), (400, Some("call c2 has no ringing party")));
    let wrong = http(&mock, "DELETE", "/api/calls/c2?party=123", &[], "").await;
    assert_eq!((wrong.status, wrong.json()["error"].as_str()), (400, Some("123 is not on call c2")));
    let typo = http(&mock, "DELETE", "/api/calls/c2?prty=5559999", &[], "").await;
    assert_eq!(typo.status, 400);
    let gone = http(&mock, "DELETE", "/api/calls/c2?party=5559999", &[], "").await;
    assert_eq!(gone.status, 200, "{}", gone.body);
    let disconnect = next(&mut a).await;
    assert_eq!(disconnect["party"], "5559999");
    assert_eq!(next(&mut a).await["eventtype"], "idle");
    let missing = http(&mock, "POST", "/api/calls/c9/answer", &[], "").await;
    assert_eq!(missing.status, 404);
    mock.shutdown().await;
}
