//! Faults on demand over real sockets: refusing connections, closing them
//! with and without a close frame, stalling, restarting, delaying, raw
//! frames, and the reset that clears them all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // test helpers

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn refuse_closes_the_port_but_not_the_open_connections_and_accept_reopens_it() {
    let mock = start_with_endpoints(2).await;
    let mut old = connect_to(&mock, 0, "?ext=2001").await;
    let port = mock.ws_addrs()[0].port();

    let refused = post_ok(&mock, &format!("/api/endpoints/{port}/refuse"), "").await;
    assert_eq!(
        refused,
        json!({"index": 0, "address": mock.ws_addrs()[0].to_string(), "url": format!("ws://{}/", mock.ws_addrs()[0]),
               "listening": false, "refusing": true, "stalled": false, "listen_error": null, "connections": [1]})
    );
    let error = try_connect_to(&mock, 0, "?ext=2002").await.expect_err("a refused connection");
    assert!(error.to_lowercase().contains("refused"), "{error}");
    still_answers(&mut old, 1).await;
    // The other endpoint is not affected.
    let mut other = connect_to(&mock, 1, "?ext=2002").await;
    still_answers(&mut other, 2).await;
    let state = http(&mock, "GET", "/api/state", &[], "").await.json();
    assert_eq!(state["endpoints"][0]["refusing"], true);
    assert_eq!(state["endpoints"][1]["refusing"], false);
    assert_eq!(state["delay_ms"], 0);
    // Refusing twice is once.
    post_ok(&mock, "/api/endpoints/0/refuse", "").await;

    let accepted = post_ok(&mock, &format!("/api/endpoints/{}/accept", mock.ws_addrs()[0]), "").await;
    assert_eq!((accepted["listening"].as_bool(), accepted["refusing"].as_bool()), (Some(true), Some(false)));
    let mut new = connect_to(&mock, 0, "?ext=2003").await;
    still_answers(&mut new, 3).await;
    still_answers(&mut old, 4).await;
    mock.shutdown().await;
}

#[tokio::test]
async fn unknown_endpoints_and_connections_are_404() {
    let mock = start_with_endpoints(1).await;
    let cases = [
        ("POST", "/api/endpoints/7/refuse", "", 404, "no WebSocket endpoint 7;"),
        ("POST", "/api/endpoints/primary/stall", "", 404, "no WebSocket endpoint primary;"),
        ("GET", "/api/endpoints/7", "", 404, "no WebSocket endpoint 7;"),
        ("POST", "/api/endpoints/0/close?frame=maybe", "", 400, "`frame` must be true or false"),
        ("POST", "/api/restart?hard=1", "", 400, "unknown query parameter `hard`"),
        ("POST", "/api/delay", r#"{"ms": -5}"#, 400, "`ms` must be a whole number"),
        ("POST", "/api/connections/99/send", "x", 404, "no open connection 99"),
        ("POST", "/api/connections/abc/send", "x", 404, "no open connection abc"),
        ("GET", "/api/endpoints/0/refuse", "", 405, "GET is not allowed"),
    ];
    assert_api_errors(&mock, &cases).await;
    mock.shutdown().await;
}

#[tokio::test]
async fn close_with_a_frame_sends_1001_and_without_one_drops_the_stream() {
    let mock = start_with_endpoints(2).await;
    let mut a = connect_to(&mock, 0, "?ext=2001").await;
    let mut b = connect_to(&mock, 0, "?ext=2002").await;
    let mut other = connect_to(&mock, 1, "?ext=2003").await;

    let closed = post_ok(&mock, "/api/endpoints/0/close?frame=true", "").await;
    assert_eq!(closed, json!({"closed_connections": 2}));
    for ws in [&mut a, &mut b] {
        match next_message(ws).await {
            Some(Ok(Message::Close(Some(frame)))) => assert_eq!(frame.code, CloseCode::Away),
            other => panic!("expected a close frame 1001, got {other:?}"),
        }
    }
    still_answers(&mut other, 1).await;

    let mut c = connect_to(&mock, 0, "?ext=2001").await;
    still_answers(&mut c, 2).await;
    let dropped = post_ok(&mock, &format!("/api/endpoints/{}/close?frame=false", mock.ws_addrs()[0].port()), "").await;
    assert_eq!(dropped, json!({"closed_connections": 1}));
    match next_message(&mut c).await {
        None | Some(Err(_)) => {}
        other => panic!("expected the stream to end without a close frame, got {other:?}"),
    }
    still_answers(&mut other, 3).await;
    let log = http(&mock, "GET", "/api/log", &[], "").await.json();
    let open: Vec<bool> = log["connections"].as_array().unwrap().iter().map(|c| c["open"] == true).collect();
    assert_eq!(open, [false, false, true, false]);
    mock.shutdown().await;
}

#[tokio::test]
async fn a_stalled_endpoint_logs_requests_but_never_answers() {
    let mock = start_with_endpoints(1).await;
    let mut ws = connect_to(&mock, 0, "?ext=2001").await;
    request(&mut ws, json!({"id": 1, "request": "startmonitor", "extension": "2001"})).await;

    let stalled = post_ok(&mock, "/api/endpoints/0/stall", "").await;
    assert_eq!(stalled["stalled"], true);
    send(&mut ws, &json!({"id": 2, "request": "myextension"}).to_string()).await;
    http(&mock, "POST", "/api/calls", &[], r#"{"from": "5551234", "to": "2001"}"#).await;
    silent_for(&mut ws, Duration::from_millis(300)).await;
    let log = http(&mock, "GET", "/api/log", &[], "").await.json();
    let frames = log["connections"][0]["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 3, "startmonitor, its response, the stalled request: {frames:?}");
    assert_eq!(
        (frames[2]["dir"].as_str(), frames[2]["text"].as_str()),
        (Some("in"), Some(r#"{"id":2,"request":"myextension"}"#))
    );

    let unstalled = post_ok(&mock, "/api/endpoints/0/unstall", "").await;
    assert_eq!(unstalled["stalled"], false);
    // The stalled request stays unanswered; the next one is answered.
    still_answers(&mut ws, 3).await;
    mock.shutdown().await;
}

#[tokio::test]
async fn restart_drops_every_connection_but_keeps_calls_and_logins() {
    let mock = start_with_endpoints(2).await;
    let mut a = agent(&mock, "2001", "1001").await;
    let mut b = connect_to(&mock, 1, "?ext=2002").await;
    request(&mut b, json!({"id": 1, "request": "startmonitor", "extension": "2002"})).await;
    let created = http(&mock, "POST", "/api/calls", &[], r#"{"from": "5551234", "to": "2001"}"#).await;
    assert_eq!(created.status, 201);
    assert_eq!(next(&mut a).await["eventtype"], "offer");

    let restarted = post_ok(&mock, "/api/restart", "").await;
    assert_eq!(restarted, json!({"closed_connections": 2}));
    for ws in [&mut a, &mut b] {
        match next_message(ws).await {
            None | Some(Err(_)) => {}
            other => panic!("expected the stream to end without a close frame, got {other:?}"),
        }
    }
    // While the client is away, the ACD keeps its call and its agent.
    let state = http(&mock, "GET", "/api/state", &[], "").await.json();
    assert_eq!(state["calls"][0]["id"], "c1");
    assert_eq!(state["calls"][0]["state"], "ringing");
    assert_eq!(state["extensions"][0]["agent"]["id"], "1001");
    assert_eq!(state["extensions"][0]["monitors"], 0);
    assert_eq!(state["extensions"][1]["monitors"], 0);

    // The client comes back and finds them.
    let mut again = connect_to(&mock, 1, "?ext=2001").await;
    let agent_state = request(&mut again, json!({"id": 7, "request": "queryagentstate", "extension": "2001"})).await;
    assert_eq!((agent_state["skillmode"].as_str(), agent_state["talkstate"].as_str()), (Some("aux"), Some("call")));

    // With ?frame=true the connections get a close frame.
    let restarted = post_ok(&mock, "/api/restart?frame=true", "").await;
    assert_eq!(restarted, json!({"closed_connections": 1}));
    match next_message(&mut again).await {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(frame.code, CloseCode::Away),
        other => panic!("expected a close frame 1001, got {other:?}"),
    }
    mock.shutdown().await;
}

#[tokio::test]
async fn a_delay_holds_back_every_response() {
    let mock = start_with_endpoints(1).await;
    let mut ws = connect_to(&mock, 0, "?ext=2001").await;
    let set = post_ok(&mock, "/api/delay", r#"{"ms": 200}"#).await;
    assert_eq!(set, json!({"delay_ms": 200}));
    assert_eq!(http(&mock, "GET", "/api/delay", &[], "").await.json(), json!({"delay_ms": 200}));
    assert_eq!(endpoints(&mock).await["delay_ms"], 200);

    let started = Instant::now();
    request(&mut ws, json!({"id": 1, "request": "startmonitor", "extension": "2001"})).await;
    assert!(started.elapsed() >= Duration::from_millis(200), "{:?}", started.elapsed());
    // Events wait too, and keep their order after the response.
    let started = Instant::now();
    request(&mut ws, json!({"id": 2, "request": "makecall", "extension": "2001", "destination": "2002"})).await;
    assert_eq!(next(&mut ws).await["eventtype"], "alert");
    assert!(started.elapsed() >= Duration::from_millis(200), "{:?}", started.elapsed());

    post_ok(&mock, "/api/delay", r#"{"ms": 0}"#).await;
    let started = Instant::now();
    still_answers(&mut ws, 3).await;
    assert!(started.elapsed() < Duration::from_millis(200), "{:?}", started.elapsed());
    mock.shutdown().await;
}

#[tokio::test]
async fn a_raw_frame_reaches_the_client_verbatim() {
    let mock = start_with_endpoints(1).await;
    let mut ws = connect_to(&mock, 0, "?ext=2001").await;
    let id = only_connection(&mock, 0).await;

    let malformed = "{\"msgtype\": \"event\", \"eventtype\": \"bogus\"  not json";
    let sent = post_ok(&mock, &format!("/api/connections/{id}/send"), malformed).await;
    assert_eq!(sent, json!({"connection": id, "count": 1, "bytes": malformed.len(), "text": malformed}));
    let unknown_event = r#"{"msgtype":"event","eventtype":"frobnicate"}"#;
    post_ok(&mock, &format!("/api/connections/{id}/send"), &json!({"text": unknown_event}).to_string()).await;
    for expected in [malformed, unknown_event] {
        match next_message(&mut ws).await {
            Some(Ok(Message::Text(text))) => assert_eq!(text.as_str(), expected),
            other => panic!("expected {expected}, got {other:?}"),
        }
    }
    let log = http(&mock, "GET", "/api/log", &[], "").await.json();
    assert_eq!(
        log["connections"][0]["frames"][0],
        json!({"dir": "out", "text": malformed, "at_ms": log["connections"][0]["frames"][0]["at_ms"]})
    );

    // Frames queued before a close still go out before the close frame.
    post_ok(&mock, &format!("/api/connections/{id}/send"), "last words").await;
    post_ok(&mock, "/api/endpoints/0/close", "").await;
    match next_message(&mut ws).await {
        Some(Ok(Message::Text(text))) => assert_eq!(text.as_str(), "last words"),
        other => panic!("expected the last words, got {other:?}"),
    }
    assert!(matches!(next_message(&mut ws).await, Some(Ok(Message::Close(Some(_))))));
    // A closed connection is 404.
    let gone = http(&mock, "POST", &format!("/api/connections/{id}/send"), &[], "x").await;
    assert_eq!(gone.status, 404, "{}", gone.body);
    mock.shutdown().await;
}

#[tokio::test]
async fn a_raw_frame_may_go_as_a_storm_or_padded_to_megabytes() {
    let mock = start_with_endpoints(1).await;
    let mut ws = connect_to(&mock, 0, "?ext=2001").await;
    let id = only_connection(&mock, 0).await;
    let hold = r#"{"msgtype":"event","eventtype":"hold"}"#;
    let sent =
        post_ok(&mock, &format!("/api/connections/{id}/send"), &json!({"text": hold, "count": 3}).to_string()).await;
    assert_eq!(sent["count"], 3);
    for _ in 0..3 {
        assert!(matches!(next_message(&mut ws).await, Some(Ok(Message::Text(text))) if text.as_str() == hold));
    }
    let body = json!({"text": hold, "pad": 2 << 20}).to_string();
    let sent = post_ok(&mock, &format!("/api/connections/{id}/send"), &body).await;
    assert!(sent.get("text").is_none(), "a big frame is not echoed");
    let bytes = sent["bytes"].as_u64().unwrap_or_default();
    assert!(bytes > 2 << 20, "{sent}");
    match next_message(&mut ws).await {
        Some(Ok(Message::Text(text))) => assert_eq!(text.len() as u64, bytes),
        other => panic!("expected the padded frame, got {other:?}"),
    }
    // The log keeps its start and its size, not megabytes.
    let log = http(&mock, "GET", "/api/log", &[], "").await.json();
    let logged = log["connections"][0]["frames"][3]["text"].as_str().unwrap_or_default().to_owned();
    assert!(logged.len() < 2048 && logged.ends_with(&format!("({bytes} bytes)")), "{logged}");
    mock.shutdown().await;
}

#[tokio::test]
async fn reset_clears_every_fault() {
    let mock = start_with_endpoints(2).await;
    post_ok(&mock, "/api/endpoints/0/refuse", "").await;
    post_ok(&mock, "/api/endpoints/1/stall", "").await;
    post_ok(&mock, "/api/delay", r#"{"ms": 300}"#).await;
    let state = http(&mock, "GET", "/api/state", &[], "").await.json();
    let faults = |state: &Value, key: &str| -> Vec<bool> {
        state["endpoints"].as_array().unwrap().iter().map(|e| e[key].as_bool().unwrap()).collect()
    };
    assert_eq!(faults(&state, "refusing"), [true, false]);
    assert_eq!(faults(&state, "listening"), [false, true]);
    assert_eq!(faults(&state, "stalled"), [false, true]);
    assert_eq!(state["delay_ms"], 300);

    assert_eq!(post_ok(&mock, "/api/reset", "").await, json!({"closed_connections": 0}));
    let state = http(&mock, "GET", "/api/state", &[], "").await.json();
    assert_eq!(faults(&state, "refusing"), [false, false]);
    assert_eq!(faults(&state, "listening"), [true, true]);
    assert_eq!(faults(&state, "stalled"), [false, false]);
    assert_eq!(state["delay_ms"], 0);
    for index in [0, 1] {
        let mut ws = connect_to(&mock, index, "?ext=2001").await;
        let started = Instant::now();
        still_answers(&mut ws, 1).await;
        assert!(started.elapsed() < Duration::from_millis(300), "{:?}", started.elapsed());
    }
    mock.shutdown().await;
}
