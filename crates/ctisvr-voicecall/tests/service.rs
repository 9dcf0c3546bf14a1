//! The service end to end, in process: ctisvr-mock plays CtiSVR (its ACD
//! rings calls through the control API) and Salesforce's Telephony
//! Integration API (its records are read back with `GET /api/voicecalls`);
//! the service monitors the mock, makes the records and answers reads.
//! The binary itself is run once, for its command line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use ctisvr_mock::telephony::TelephonyConfig;
use ctisvr_mock::{Mock, Options};
use ctisvr_voicecall::{Config, ProviderKey, Service};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

const ORG: &str = "00D000000000001";
const CENTER: &str = "CtiSvrContactCenter";
const KEY: &[u8] = include_bytes!("../../ctisvr-mock/tests/keys/provider-test.key");
const CERT: &[u8] = include_bytes!("../../ctisvr-mock/tests/keys/provider-test.crt");
const ORIGIN: &str = "http://127.0.0.1:18080";
const X: &str = "4155550100";
const WAIT: Duration = Duration::from_secs(5);

struct World {
    mock: Mock,
    service: Service,
    http: reqwest::Client,
}

/// The mock with `endpoints` WebSocket endpoints, and the service
/// monitoring 2001-2003 on all of them (A first), reads waiting `wait_ms`.
async fn world(endpoints: usize, wait_ms: u64) -> World {
    let local: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let telephony = Some(TelephonyConfig::new(ORG, CENTER, CERT).unwrap());
    let options =
        Options { telephony, dist: "/nonexistent".into(), ws: vec![local; endpoints], ..Options::ephemeral() };
    let mock = Mock::start(options).await.unwrap();
    let config = Config {
        listen: local,
        ctisvr: mock.ws_addrs().iter().map(|a| format!("ws://{a}/")).collect(),
        extensions: vec!["2001".into(), "2002".into(), "2003".into()],
        allow_origins: vec![ORIGIN.into()],
        scrt_url: format!("http://{}", mock.http_addr()),
        provider_name: "CtiSVR".into(),
        key: ProviderKey::from_pem(KEY, ORG, CENTER).unwrap(),
        wait: Duration::from_millis(wait_ms),
    };
    let service = Service::start(config).await.unwrap();
    let world = World { mock, service, http: reqwest::Client::new() };
    world.until_monitored().await;
    world
}

/// Polls `check` until it gives `Some`, for 5 s at most.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(start.elapsed() < WAIT, "not within 5 s: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl World {
    fn mock_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.mock.http_addr())
    }

    async fn mock_get(&self, path: &str) -> Value {
        self.http.get(self.mock_url(path)).send().await.unwrap().json().await.unwrap()
    }

    async fn mock_post(&self, path: &str, body: Value) -> Value {
        let response = self.http.post(self.mock_url(path)).body(body.to_string()).send().await.unwrap();
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {answer}");
        answer
    }

    /// Every extension has a monitor connection at the mock.
    async fn until_monitored(&self) {
        eventually("every extension monitored", || async {
            let state = self.mock_get("/api/state").await;
            let all = state["extensions"].as_array().unwrap().iter().all(|e| e["monitors"].as_u64() >= Some(1));
            all.then_some(())
        })
        .await;
    }

    /// An inbound call from `from` rings at `to`; its id at the mock (`c1`).
    async fn ring(&self, from: &str, to: &str) -> String {
        let call = self.mock_post("/api/calls", json!({"from": from, "to": to})).await;
        call["id"].as_str().unwrap().to_owned()
    }

    async fn answer(&self, call: &str, party: &str) {
        self.mock_post(&format!("/api/calls/{call}/answer?party={party}"), json!({})).await;
    }

    async fn hang_up(&self, call: &str) {
        let response = self.http.delete(self.mock_url(&format!("/api/calls/{call}"))).send().await.unwrap();
        assert!(response.status().is_success());
    }

    /// The open connections of WebSocket endpoint `index`.
    async fn connections(&self, index: usize) -> Vec<u64> {
        let endpoints = self.mock_get("/api/endpoints").await;
        endpoints["endpoints"][index]["connections"].as_array().unwrap().iter().map(|c| c.as_u64().unwrap()).collect()
    }

    async fn records(&self) -> Vec<Value> {
        self.mock_get("/api/voicecalls").await["voiceCalls"].as_array().unwrap().clone()
    }

    /// The record `id` once it has been closed.
    async fn closed(&self, id: &str) -> Value {
        eventually("the record closed", || async {
            self.records().await.into_iter().find(|r| r["voiceCallId"] == id && r["updated"]["isActiveCall"] == false)
        })
        .await
    }

    fn read_url(&self, query: &str) -> String {
        format!("http://{}/voicecalls?{query}", self.service.local_addr())
    }

    /// `GET /voicecalls?query` from `origin`: status and JSON.
    async fn read_from(&self, origin: Option<&str>, query: &str) -> (u16, Value) {
        let mut request = self.http.get(self.read_url(query));
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        assert_eq!(response.headers()["cache-control"], "no-store");
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn read(&self, query: &str) -> (u16, Value) {
        self.read_from(Some(ORIGIN), query).await
    }

    /// A read that must find a record.
    async fn record_at(&self, query: &str) -> Value {
        let (status, body) = self.read(query).await;
        assert_eq!(status, 200, "{query}: {body}");
        body
    }
}

/// An agent's own CtiSVR connection, for its call requests.
struct Phone {
    ws: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    extension: String,
    id: u64,
}

impl Phone {
    async fn at(world: &World, extension: &str) -> Phone {
        let url = format!("ws://{}/?ext={extension}", world.mock.ws_addrs()[0]);
        let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        Phone { ws, extension: extension.into(), id: 100 }
    }

    /// Sends `request` for the phone's extension; waits for its success.
    async fn ask(&mut self, request: &str, destination: Option<&str>) {
        self.id += 1;
        let mut frame = json!({"id": self.id, "request": request, "extension": self.extension});
        if let Some(destination) = destination {
            frame["destination"] = json!(destination);
        }
        self.ws.send(Message::text(frame.to_string())).await.unwrap();
        loop {
            let message = tokio::time::timeout(WAIT, self.ws.next()).await.unwrap().unwrap().unwrap();
            let Message::Text(text) = message else { continue };
            let answer: Value = serde_json::from_str(text.as_str()).unwrap();
            if answer["msgtype"] == "response" && answer["id"] == self.id {
                assert_eq!(answer["result"], "success", "{request}: {answer}");
                return;
            }
        }
    }
}

#[tokio::test]
async fn an_inbound_call_gets_one_record_that_reads_find_and_that_closes_with_its_durations() {
    let w = world(1, 5000).await;
    let call = w.ring(X, "2001").await;
    let query = format!("extension=2001&from={X}");
    let (a, b) = tokio::join!(w.read(&query), w.read("extension=2001&from=%2B1%20(415)%20555-0100"));
    assert_eq!((a.0, b.0), (200, 200), "{a:?} {b:?}");
    assert_eq!(a.1, b.1, "two reads, one record");
    let id = a.1["voiceCallId"].as_str().unwrap().to_owned();
    assert_eq!(a.1["initiationMethod"], "Inbound");
    assert_eq!(a.1["parentVoiceCallId"], Value::Null);
    let key = a.1["vendorCallKey"].as_str().unwrap();
    assert!(key.starts_with("2001-"), "{key}");

    let records = w.records().await;
    assert_eq!(records.len(), 1, "{records:?}");
    let record = &records[0];
    assert_eq!((record["voiceCallId"].as_str(), record["vendorCallKey"].as_str()), (Some(id.as_str()), Some(key)));
    assert_eq!((record["from"].as_str(), record["to"].as_str()), (Some(X), Some("2001")));
    assert_eq!(record["initiationMethod"], "Inbound");
    assert_eq!(record["participants"], json!([{"participantKey": X, "type": "END_USER"}]));
    assert_eq!(record["updates"], 0, "open while the call lives");
    let (status, _) = w.read("extension=2001").await;
    assert_eq!(status, 200, "without from: the newest call");

    // Answered, held a moment (rounds up to a second), retrieved, hung up.
    w.answer(&call, "2001").await;
    let mut phone = Phone::at(&w, "2001").await;
    phone.ask("hold", None).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    phone.ask("retrieve", None).await;
    w.hang_up(&call).await;
    let record = w.closed(&id).await;
    let updated = &record["updated"];
    assert_eq!(updated["totalHoldDuration"], 1, "{updated}");
    assert!(updated["agentInteractionDuration"].as_u64() >= Some(1), "{updated}");
    assert!(updated["endTime"].as_str().is_some_and(|t| t.ends_with('Z')), "{updated}");
    assert_eq!(w.records().await.len(), 1);
}

#[tokio::test]
async fn reads_refuse_strangers_and_find_nothing_for_unknown_calls() {
    let w = world(1, 300).await;
    let health = w.http.get(format!("http://{}/health", w.service.local_addr())).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");

    assert_eq!(w.ring(X, "2001").await, "c1");
    let query = format!("extension=2001&from={X}");
    let (status, body) = w.read_from(Some("http://evil.example"), &query).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = w.read_from(None, &query).await;
    assert_eq!(status, 403, "no Origin: {body}");
    let (status, body) = w.read_from(Some("http://127.0.0.1:18080.evil.example"), &query).await;
    assert_eq!(status, 403, "exact match only: {body}");

    let allowed = w.read(&query).await;
    assert_eq!(allowed.0, 200);
    let response = w.http.get(w.read_url(&query)).header("Origin", ORIGIN).send().await.unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], ORIGIN);

    let started = Instant::now();
    let (status, body) = w.read("extension=2999").await;
    assert_eq!(status, 404, "{body}");
    assert!(body["error"].as_str().unwrap().contains("not monitored"));
    assert!(started.elapsed() < Duration::from_millis(250), "not monitored: at once");
    let (status, body) = w.read("extension=2001&from=4155550111").await;
    assert_eq!(status, 404, "another caller: {body}");
    let (status, body) = w.read("extension=2002").await;
    assert_eq!(status, 404, "no call there: {body}");
    for bad in ["", "from=4155550100", "extension=", "extension=2001&voiceCallId=1"] {
        let (status, body) = w.read(bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }

    // Nothing a request says makes or changes a record.
    for method in [reqwest::Method::POST, reqwest::Method::PATCH, reqwest::Method::DELETE, reqwest::Method::PUT] {
        let response =
            w.http.request(method.clone(), w.read_url(&query)).header("Origin", ORIGIN).send().await.unwrap();
        assert_eq!(response.status(), 405, "{method}");
    }
    let response = w
        .http
        .post(format!("http://{}/voicecalls/create", w.service.local_addr()))
        .header("Origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let preflight = w
        .http
        .request(reqwest::Method::OPTIONS, w.read_url(&query))
        .header("Origin", ORIGIN)
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], ORIGIN);
    let records = w.records().await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["updates"], 0);
    // A call that is over is not found any more.
    w.hang_up("c1").await;
    w.closed(records[0]["voiceCallId"].as_str().unwrap()).await;
    let (status, body) = w.read(&query).await;
    assert_eq!(status, 404, "the call is over: {body}");
}

#[tokio::test]
async fn a_consultation_makes_a_transfer_record_whose_parent_is_the_first_agents() {
    let w = world(1, 5000).await;
    let call = w.ring(X, "2001").await;
    w.answer(&call, "2001").await;
    let first = w.record_at(&format!("extension=2001&from={X}")).await;
    let mut agent = Phone::at(&w, "2001").await;
    agent.ask("consultation", Some("2002")).await;
    // The connector at 2002 sees the consulting agent's extension calling.
    let second = w.record_at("extension=2002&from=2001").await;
    assert_eq!(second["initiationMethod"], "Transfer");
    assert_eq!(second["parentVoiceCallId"], first["voiceCallId"]);
    assert_ne!(second["voiceCallId"], first["voiceCallId"]);
    let records = w.records().await;
    assert_eq!(records.len(), 2, "{records:?}");
    let record = records.iter().find(|r| r["voiceCallId"] == second["voiceCallId"]).unwrap();
    assert_eq!(record["parentVoiceCallId"], first["voiceCallId"]);
    assert_eq!(record["initiationMethod"], "Transfer");
    assert_eq!((record["from"].as_str(), record["to"].as_str()), (Some(X), Some("2002")), "the customer's number");

    // 2002 answers, 2001 completes the transfer: the first record closes,
    // the second lives on until the customer hangs up.
    let calls = w.mock_get("/api/state").await["calls"].as_array().unwrap().clone();
    let consultation = calls.iter().find(|c| c["to"] == "2002").unwrap()["id"].as_str().unwrap().to_owned();
    w.answer(&consultation, "2002").await;
    agent.ask("transfer", Some("2002")).await;
    let closed = w.closed(first["voiceCallId"].as_str().unwrap()).await;
    assert!(closed["updated"]["totalHoldDuration"].is_u64());
    let records = w.records().await;
    let open = records.iter().find(|r| r["voiceCallId"] == second["voiceCallId"]).unwrap();
    assert_eq!(open["updates"], 0);
    assert_eq!(w.record_at(&format!("extension=2002&from={X}")).await, second, "the same call, now from X");
    w.hang_up(&call).await;
    w.closed(second["voiceCallId"].as_str().unwrap()).await;
    assert_eq!(w.records().await.len(), 2);
}

#[tokio::test]
async fn the_record_comes_even_when_salesforce_fails_twice() {
    let w = world(1, 5000).await;
    w.mock_post("/api/voicecalls/fail", json!({"status": 503, "count": 2})).await;
    w.ring(X, "2003").await;
    let started = Instant::now();
    let record = w.record_at(&format!("extension=2003&from={X}")).await;
    assert!(started.elapsed() >= Duration::from_millis(700), "two retries, 250 ms then 500 ms");
    let records = w.records().await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["voiceCallId"], record["voiceCallId"]);
}

#[tokio::test]
async fn a_refusal_is_a_503_with_its_reason() {
    let w = world(1, 5000).await;
    w.mock_post("/api/voicecalls/fail", json!({"status": 400, "count": 1})).await;
    w.ring(X, "2001").await;
    let started = Instant::now();
    let (status, body) = w.read(&format!("extension=2001&from={X}")).await;
    assert_eq!(status, 503, "{body}");
    let error = body["error"].as_str().unwrap();
    assert!(error.contains("400") && error.contains("MOCK_FAULT"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(2), "no point waiting for a refusal");
    assert!(w.records().await.is_empty());
}

#[tokio::test]
async fn a_read_waits_for_a_record_still_on_its_way() {
    let w = world(1, 300).await;
    // Salesforce keeps failing: the read says why when its wait is over.
    w.mock_post("/api/voicecalls/fail", json!({"status": 503, "count": 100})).await;
    w.ring(X, "2001").await;
    let (status, body) = w.read(&format!("extension=2001&from={X}")).await;
    assert_eq!(status, 503, "{body}");
    assert!(body["error"].as_str().unwrap().contains("503"), "{body}");
}

#[tokio::test]
async fn monitoring_resumes_after_ctisvr_restarts() {
    let w = world(1, 5000).await;
    let call = w.ring(X, "2001").await;
    let first = w.record_at(&format!("extension=2001&from={X}")).await;
    let before = w.connections(0).await;
    w.mock_post("/api/restart", json!({})).await;
    // Calls survive the restart; the service's monitors come back.
    eventually("new monitor connections", || async {
        let now = w.connections(0).await;
        (now.len() == 3 && now.iter().all(|c| !before.contains(c))).then_some(())
    })
    .await;
    w.until_monitored().await;
    let second_call = w.ring("4155550111", "2002").await;
    let second = w.record_at("extension=2002&from=4155550111").await;
    assert_ne!(second["voiceCallId"], first["voiceCallId"]);
    w.hang_up(&call).await;
    w.closed(first["voiceCallId"].as_str().unwrap()).await;
    w.hang_up(&second_call).await;
    w.closed(second["voiceCallId"].as_str().unwrap()).await;
    assert_eq!(w.records().await.len(), 2);
}

#[tokio::test]
async fn a_call_that_rang_while_ctisvr_was_away_still_gets_its_record() {
    let w = world(1, 5000).await;
    // CtiSVR goes away; a call comes in meanwhile; CtiSVR comes back.
    w.mock_post("/api/endpoints/0/refuse", json!({})).await;
    w.mock_post("/api/restart", json!({})).await;
    eventually("no monitors", || async { w.connections(0).await.is_empty().then_some(()) }).await;
    let call = w.ring(X, "2002").await;
    w.mock_post("/api/endpoints/0/accept", json!({})).await;
    let record = w.record_at(&format!("extension=2002&from={X}")).await;
    assert_eq!(record["initiationMethod"], "Inbound");
    w.answer(&call, "2002").await;
    w.hang_up(&call).await;
    w.closed(record["voiceCallId"].as_str().unwrap()).await;
    assert_eq!(w.records().await.len(), 1);
}

#[tokio::test]
async fn monitoring_fails_over_to_b_when_a_goes_away() {
    let w = world(2, 5000).await;
    assert_eq!(w.connections(0).await.len(), 3, "all on A first");
    w.mock_post("/api/endpoints/0/refuse", json!({})).await;
    w.mock_post("/api/endpoints/0/close", json!({})).await;
    eventually("all on B", || async { (w.connections(1).await.len() == 3).then_some(()) }).await;
    w.ring(X, "2002").await;
    w.record_at(&format!("extension=2002&from={X}")).await;
}

#[tokio::test]
async fn frames_that_are_not_the_protocols_are_skipped() {
    let w = world(1, 5000).await;
    for connection in &w.connections(0).await {
        for junk in [
            "not json",
            "[1, 2]",
            r#"{"msgtype": "event"}"#,
            r#"{"msgtype": "event", "eventtype": "offer", "calling": {"x": 1}, "called": [2]}"#,
            r#"{"msgtype": "event", "eventtype": "connect"}"#,
            r#"{"msgtype": "event", "eventtype": "hold", "calling": 5}"#,
            r#"{"msgtype": "response", "id": "x", "result": 7}"#,
            r#"{"msgtype": "surprise"}"#,
        ] {
            let url = w.mock_url(&format!("/api/connections/{connection}/send"));
            let response = w.http.post(url).body(junk).send().await.unwrap();
            assert!(response.status().is_success());
        }
    }
    w.ring(X, "2001").await;
    let record = w.record_at(&format!("extension=2001&from={X}")).await;
    assert_eq!(record["initiationMethod"], "Inbound");
}

/// The binary: its listening line, `/health`, SIGTERM; bad flags exit 2.
#[tokio::test]
async fn the_binary_prints_its_address_stops_on_sigterm_and_refuses_bad_flags() {
    use tokio::io::AsyncBufReadExt;
    let w = world(1, 5000).await;
    let dir = std::env::temp_dir().join(format!("ctisvr-voicecall-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("provider.pem");
    std::fs::write(&key, KEY).unwrap();
    let ws = format!("ws://{}/", w.mock.ws_addrs()[0]);
    let scrt = format!("http://{}", w.mock.http_addr());
    let key_arg = key.to_str().unwrap().to_owned();
    let args = |extensions: &str, key: &str| -> Vec<String> {
        [
            "--listen",
            "127.0.0.1:0",
            "--ctisvr",
            &ws,
            "--extensions",
            extensions,
            "--allow-origin",
            ORIGIN,
            "--scrt-url",
            &scrt,
            "--org",
            ORG,
            "--contact-center",
            CENTER,
            "--provider-name",
            "CtiSVR",
            "--key",
            key,
            "--wait-ms",
            "1000",
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let binary = env!("CARGO_BIN_EXE_ctisvr-voicecall");
    let mut child = tokio::process::Command::new(binary)
        .args(args("2001-2003", &key_arg))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(WAIT, lines.next_line()).await.unwrap().unwrap().unwrap();
    let address = line.strip_prefix("ctisvr-voicecall listening on http://").unwrap_or_else(|| panic!("{line}"));
    let health = w.http.get(format!("http://{address}/health")).send().await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(WAIT, child.wait()).await.unwrap().unwrap();
    assert!(status.success(), "SIGTERM stops it cleanly: {status:?}");

    for (args, names) in [
        (args("20x1", &key_arg), "--extensions"),
        (args("2001", "/nonexistent/key.pem"), "--key"),
        (args("2001", binary), "--key"),
        ([args("2001", &key_arg), vec!["--wait-ms".into(), "999999".into()]].concat(), "--wait-ms"),
        (
            args("2001", &key_arg).into_iter().map(|a| if a == ORIGIN { "*".into() } else { a }).collect(),
            "--allow-origin",
        ),
        (args("2001", &key_arg).into_iter().map(|a| if a == ws { "http://x".into() } else { a }).collect(), "--ctisvr"),
        (args("2001", &key_arg)[2..].to_vec(), "--listen"),
    ] {
        let output = tokio::process::Command::new(binary).args(&args).output().await.unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{names}: {stderr}");
        assert!(stderr.contains(names), "{names}: {stderr}");
        assert!(!stderr.contains("PRIVATE KEY"), "never the key");
        assert!(output.stdout.is_empty());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
