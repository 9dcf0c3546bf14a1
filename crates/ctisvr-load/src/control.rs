//! The mock's control API (docs/mock.md, "The control API"), as far as the
//! load needs it: inbound calls and a CtiSVR restart.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// A client of one mock's control API.
#[derive(Debug, Clone)]
pub struct Control {
    /// `127.0.0.1:PORT`
    authority: String,
}

impl Control {
    /// For the API at `base` (`http://127.0.0.1:PORT`).
    pub fn new(base: &str) -> Control {
        Control { authority: base.trim_start_matches("http://").trim_end_matches('/').to_string() }
    }

    /// `POST /api/calls`: `from` calls extension `to`.
    pub async fn call(&self, from: &str, to: &str) -> Result<String, String> {
        let body = serde_json::json!({ "from": from, "to": to }).to_string();
        self.post("/api/calls", body).await
    }

    /// `POST /api/endpoints/{index}/refuse` (`down`) or `accept`.
    pub async fn endpoint(&self, index: usize, down: bool) -> Result<String, String> {
        let verb = if down { "refuse" } else { "accept" };
        self.post(&format!("/api/endpoints/{index}/{verb}"), String::new()).await
    }

    /// `POST /api/restart`: every connection dropped (1006), calls and
    /// logins kept, as a CtiSVR restart would.
    pub async fn restart(&self) -> Result<String, String> {
        self.post("/api/restart", String::new()).await
    }

    /// `GET /api/state`: the mock's stations, agents and calls.
    pub async fn state(&self) -> Result<serde_json::Value, String> {
        let text = self.send(Method::GET, "/api/state", String::new()).await?;
        serde_json::from_str(&text).map_err(|e| format!("/api/state: {e}"))
    }

    async fn post(&self, path: &str, body: String) -> Result<String, String> {
        self.send(Method::POST, path, body).await
    }

    /// One request on a new connection; the body of a 2xx answer, else the
    /// status and body as the error.
    async fn send(&self, method: Method, path: &str, body: String) -> Result<String, String> {
        let stream = TcpStream::connect(&self.authority).await.map_err(|e| format!("{path}: {e}"))?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| format!("{path}: {e}"))?;
        tokio::spawn(connection);
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", &self.authority)
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("{path}: {e}"))?;
        let response = sender.send_request(request).await.map_err(|e| format!("{path}: {e}"))?;
        let status = response.status();
        let bytes = response.into_body().collect().await.map_err(|e| format!("{path}: {e}"))?.to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if status.is_success() {
            Ok(text)
        } else {
            Err(format!("{path}: {status} {text}"))
        }
    }
}
