//! Helpers shared by the integration tests: a WebSocket client
//! (tokio-tungstenite) and a tiny HTTP/1.1 client on raw TCP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // test helpers
#![allow(dead_code)] // each test binary uses some of them

use ctisvr_mock::{Mock, Options};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub const WAIT: Duration = Duration::from_secs(5);

pub async fn start() -> Mock {
    start_with_dist(PathBuf::from("/nonexistent/ctisvr-mock-dist")).await
}

pub async fn start_with_dist(dist: PathBuf) -> Mock {
    Mock::start(Options { dist, ..Options::ephemeral() }).await.expect("the mock starts")
}

pub async fn connect(mock: &Mock, query: &str) -> Ws {
    let url = format!("ws://{}/{query}", mock.ws_addrs()[0]);
    let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("WebSocket connects");
    ws
}

pub async fn send(ws: &mut Ws, text: &str) {
    ws.send(Message::text(text)).await.expect("frame sent");
}

/// The next text frame, as JSON.
pub async fn next(ws: &mut Ws) -> Value {
    loop {
        let message = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("a frame within 5 s")
            .expect("the socket is open")
            .expect("no WebSocket error");
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).expect("the mock sends JSON");
        }
    }
}

/// Sends a request and returns its response (asserting the id matches).
pub async fn request(ws: &mut Ws, request: Value) -> Value {
    send(ws, &request.to_string()).await;
    let response = next(ws).await;
    assert_eq!(response["msgtype"], "response", "{response}");
    assert_eq!(response["id"], request["id"], "{response}");
    response
}

pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`, so the
/// body ends where the stream does).
pub async fn http(mock: &Mock, method: &str, path: &str, headers: &[&str], body: &str) -> HttpResponse {
    let mut stream = TcpStream::connect(mock.http_addr()).await.expect("HTTP connects");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        mock.http_addr(),
        body.len()
    );
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut raw)).await.expect("an HTTP response within 5 s").unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete response");
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
    let chunked = headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked { dechunk(body) } else { body.to_owned() };
    HttpResponse { status, headers, body }
}

pub fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        body.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
    body
}

/// Logs in `agent` at the extension of `ws` and monitors it.
pub async fn agent(mock: &Mock, extension: &str, agent: &str) -> Ws {
    let mut ws = connect(mock, &format!("?ext={extension}")).await;
    let monitor = request(&mut ws, json!({"id": 1, "request": "startmonitor", "extension": extension})).await;
    assert_eq!(monitor["result"], "success");
    let login = request(
        &mut ws,
        json!({"id": 3, "request": "login", "extension": extension, "agentid": agent, "passwd": "1234"}),
    )
    .await;
    assert_eq!(login["result"], "success", "{login}");
    ws
}

/// Sends a call request that must succeed.
pub async fn ok(ws: &mut Ws, body: Value) {
    let response = request(ws, body).await;
    assert_eq!(response["result"], "success", "{response}");
}

/// A mock with `endpoints` WebSocket endpoints on ports the OS picks.
pub async fn start_with_endpoints(endpoints: usize) -> Mock {
    let local: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let options = Options {
        dist: PathBuf::from("/nonexistent/ctisvr-mock-dist"),
        ws: vec![local; endpoints],
        ..Options::ephemeral()
    };
    Mock::start(options).await.expect("the mock starts")
}

/// Connects to WebSocket endpoint `index` of `mock`; the error when that fails.
pub async fn try_connect_to(mock: &Mock, index: usize, query: &str) -> Result<Ws, String> {
    let url = format!("ws://{}/{query}", mock.ws_addrs()[index]);
    match tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(url)).await {
        Ok(Ok((ws, _))) => Ok(ws),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("no answer within 5 s".into()),
    }
}

pub async fn connect_to(mock: &Mock, index: usize, query: &str) -> Ws {
    try_connect_to(mock, index, query).await.expect("WebSocket connects")
}

/// The next message of any kind (`None`: the stream ended; `Some(Err)`: it
/// broke), within 5 s.
pub async fn next_message(ws: &mut Ws) -> Option<Result<Message, String>> {
    let message = tokio::time::timeout(WAIT, ws.next()).await.expect("a message within 5 s");
    message.map(|m| m.map_err(|e| e.to_string()))
}

/// Asserts that nothing arrives on `ws` for `time`.
pub async fn silent_for(ws: &mut Ws, time: Duration) {
    if let Ok(message) = tokio::time::timeout(time, ws.next()).await {
        panic!("expected silence, got {message:?}");
    }
}

/// A JSON POST that must answer 200; its body.
pub async fn post_ok(mock: &Mock, path: &str, body: &str) -> Value {
    let response = http(mock, "POST", path, &[], body).await;
    assert_eq!(response.status, 200, "POST {path}: {}", response.body);
    response.json()
}

/// `GET /api/endpoints`.
pub async fn endpoints(mock: &Mock) -> Value {
    let response = http(mock, "GET", "/api/endpoints", &[], "").await;
    assert_eq!(response.status, 200, "{}", response.body);
    response.json()
}

/// The id of the one open connection of endpoint `index`.
pub async fn only_connection(mock: &Mock, index: usize) -> u64 {
    let endpoints = endpoints(mock).await;
    let connections = endpoints["endpoints"][index]["connections"].as_array().unwrap().clone();
    assert_eq!(connections.len(), 1, "{endpoints}");
    connections[0].as_u64().unwrap()
}

/// Asks `myextension` and expects an answer.
pub async fn still_answers(ws: &mut Ws, id: u64) {
    let me = request(ws, json!({"id": id, "request": "myextension"})).await;
    assert_eq!(me["result"], "success", "{me}");
}

/// Each `(method, path, body, status, error)` answers `status` with a JSON
/// `error` that starts with `error`.
pub async fn assert_api_errors(mock: &Mock, cases: &[(&str, &str, &str, u16, &str)]) {
    for (method, path, body, status, error) in cases {
        let response = http(mock, method, path, &[], body).await;
        assert_eq!(response.status, *status, "{method} {path}: {}", response.body);
        let said = response.json()["error"].as_str().unwrap().to_owned();
        assert!(said.starts_with(error), "{method} {path}: {said}");
    }
}
