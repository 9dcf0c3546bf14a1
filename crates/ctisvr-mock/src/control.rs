//! The HTTP listener: the JSON control API under `/api` (permissive CORS, so
//! a demo page from another origin may drive it) and the static files of
//! `--dist` at `/`.
//!
//! | method and path                 | does                                         |
//! |---------------------------------|----------------------------------------------|
//! | `GET /api/state`                | extensions, agents and calls                 |
//! | `GET /api/log`                  | every WebSocket frame in and out             |
//! | `POST /api/calls`               | an inbound call rings at an extension        |
//! | `POST /api/calls/{id}/answer`   | a ringing party of a call answers            |
//! | `DELETE /api/calls/{id}`        | the far end (or `?party=`) hangs up          |
//! | `POST /api/reset`               | closes sockets, clears the log and faults, restores all |
//!
//! Faults on demand, for failover tests (`{e}`: an endpoint's index, port or
//! address):
//!
//! | method and path                        | does                                        |
//! |----------------------------------------|---------------------------------------------|
//! | `GET /api/endpoints`, `GET /api/endpoints/{e}` | the WebSocket endpoints and their faults |
//! | `POST /api/endpoints/{e}/refuse`       | closes the listener: connections are refused |
//! | `POST /api/endpoints/{e}/accept`       | listens again                                |
//! | `POST /api/endpoints/{e}/close?frame=` | ends its connections, with or without 1001   |
//! | `POST /api/endpoints/{e}/stall`        | frames are logged, never answered            |
//! | `POST /api/endpoints/{e}/unstall`      | answers again                                |
//! | `POST /api/restart?frame=`             | ends every connection; calls and logins stay |
//! | `GET` / `POST /api/delay`              | every frame to clients waits `ms` first      |
//! | `POST /api/connections/{id}/send`      | a raw text frame to one connection           |
//!
//! The mock Telephony Integration API (Salesforce Voice) and its control
//! routes (`/api/voicecalls`) are [`crate::telephony`]'s.
//!
//! Errors are `{"error": "<text>"}` with a 4xx status (500 when a listener
//! cannot bind its address again).

use crate::acd::{AcdError, NewCall, SocketId, StateView};
use crate::hub::{Ending, EndpointId, EndpointView, Hub, MAX_DELAY_MS};
use crate::telephony::{self, Telephony};
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::handler::HandlerWithoutStateExt;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use ctisvr_core::wire::lenient;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::CorsLayer;
use tower_http::services::ServeDir;

/// The endpoints, for the 404 of an unknown one.
const ENDPOINTS: &str = "GET /api/state, GET /api/log, POST /api/calls, POST /api/calls/{id}/answer, \
                         DELETE /api/calls/{id}, POST /api/reset, GET /api/endpoints, GET /api/endpoints/{e}, \
                         POST /api/endpoints/{e}/refuse, POST /api/endpoints/{e}/accept, \
                         POST /api/endpoints/{e}/close, POST /api/endpoints/{e}/stall, \
                         POST /api/endpoints/{e}/unstall, POST /api/restart, GET /api/delay, POST /api/delay, \
                         POST /api/connections/{id}/send, GET /api/voicecalls, DELETE /api/voicecalls, \
                         POST /api/voicecalls/fail";

/// The router of the HTTP listener.
pub fn router(hub: Arc<Hub>, telephony: Arc<Telephony>, dist: PathBuf, csp: Option<HeaderValue>) -> Router {
    let api = Router::new()
        .route("/state", get(state))
        .route("/log", get(log))
        .route("/calls", post(create_call))
        .route("/calls/{id}", delete(delete_call))
        .route("/calls/{id}/answer", post(answer_call))
        .route("/reset", post(reset))
        .route("/endpoints", get(endpoints))
        .route("/endpoints/{endpoint}", get(endpoint))
        .route("/endpoints/{endpoint}/refuse", post(refuse))
        .route("/endpoints/{endpoint}/accept", post(accept))
        .route("/endpoints/{endpoint}/close", post(close_endpoint))
        .route("/endpoints/{endpoint}/stall", post(stall))
        .route("/endpoints/{endpoint}/unstall", post(unstall))
        .route("/restart", post(restart))
        .route("/delay", get(delay).post(set_delay))
        .route("/connections/{id}/send", post(send_raw))
        .merge(telephony::control_router(Arc::clone(&telephony)))
        .fallback(no_such_endpoint)
        .method_not_allowed_fallback(wrong_method)
        .layer(CorsLayer::permissive())
        .with_state(hub);
    Router::new().nest("/api", api).merge(telephony::api_router(telephony)).merge(static_files(dist, csp))
}

/// An API error: a status and `{"error": text}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::BAD_REQUEST, message: message.into() }
    }

    fn not_found(message: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::NOT_FOUND, message: message.into() }
    }

    fn internal(message: impl Into<String>) -> ApiError {
        ApiError { status: StatusCode::INTERNAL_SERVER_ERROR, message: message.into() }
    }
}

impl From<AcdError> for ApiError {
    fn from(error: AcdError) -> ApiError {
        let status = match error {
            AcdError::UnknownExtension(_) | AcdError::NoSuchCall(_) => StatusCode::NOT_FOUND,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError { status, message: error.to_string() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({"error": self.message}))).into_response()
    }
}

/// `GET /api/state`: the ACD's state, then the endpoints' faults.
#[derive(Serialize)]
struct FullState {
    #[serde(flatten)]
    acd: StateView,
    endpoints: Vec<EndpointView>,
    delay_ms: u64,
}

async fn state(State(hub): State<Arc<Hub>>) -> Response {
    let (acd, endpoints, delay) = hub.full_state();
    Json(FullState { acd, endpoints, delay_ms: millis(delay) }).into_response()
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

async fn log(State(hub): State<Arc<Hub>>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], hub.log_json()).into_response()
}

/// Reads the body itself rather than through `Json`, so that a missing
/// content type is fine (curl users forget it) and every error says what is
/// wrong in words a QA engineer can act on.
async fn create_call(State(hub): State<Arc<Hub>>, body: Bytes) -> Result<Response, ApiError> {
    let call = parse_new_call(&body).map_err(ApiError::bad_request)?;
    let view = hub.create_call(call)?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

async fn delete_call(
    State(hub): State<Arc<Hub>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let party = party_parameter(&query)?;
    let view = hub.far_end_hangup(&id, party)?;
    Ok(Json(view).into_response())
}

async fn answer_call(
    State(hub): State<Arc<Hub>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let party = party_parameter(&query)?;
    let view = hub.answer_call(&id, party)?;
    Ok(Json(view).into_response())
}

/// `?party=NUMBER`, the only query parameter of the call endpoints.
fn party_parameter(query: &HashMap<String, String>) -> Result<Option<&str>, ApiError> {
    if let Some(unknown) = query.keys().find(|k| k.as_str() != "party") {
        return Err(ApiError::bad_request(format!("unknown query parameter `{unknown}`; the only one is `party`")));
    }
    match query.get("party").map(|p| p.trim()) {
        Some("") => Err(ApiError::bad_request("`party` must be a non-empty number")),
        party => Ok(party),
    }
}

/// Also clears every fault, and answers once every listener listens again.
async fn reset(State(hub): State<Arc<Hub>>) -> Result<Response, ApiError> {
    let closed = hub.reset();
    let errors = hub.settle_listeners().await;
    if !errors.is_empty() {
        return Err(ApiError::internal(errors.join("; ")));
    }
    Ok(Json(json!({"closed_connections": closed})).into_response())
}

/// `GET /api/endpoints`.
#[derive(Serialize)]
struct EndpointsView {
    endpoints: Vec<EndpointView>,
    delay_ms: u64,
}

async fn endpoints(State(hub): State<Arc<Hub>>) -> Response {
    let (endpoints, delay) = hub.faults();
    Json(EndpointsView { endpoints, delay_ms: millis(delay) }).into_response()
}

async fn endpoint(State(hub): State<Arc<Hub>>, Path(name): Path<String>) -> Result<Response, ApiError> {
    let id = endpoint_id(&hub.endpoint_addrs(), &name)?;
    endpoint_view(&hub, id)
}

/// The endpoint as it is now.
fn endpoint_view(hub: &Hub, id: EndpointId) -> Result<Response, ApiError> {
    let view = hub.endpoints().into_iter().nth(id).ok_or_else(|| ApiError::not_found(format!("no endpoint {id}")))?;
    Ok(Json(view).into_response())
}

async fn refuse(State(hub): State<Arc<Hub>>, Path(name): Path<String>) -> Result<Response, ApiError> {
    set_refusing(&hub, &name, true).await
}

async fn accept(State(hub): State<Arc<Hub>>, Path(name): Path<String>) -> Result<Response, ApiError> {
    set_refusing(&hub, &name, false).await
}

/// Answers once the listener has closed (or listens again).
async fn set_refusing(hub: &Hub, name: &str, refusing: bool) -> Result<Response, ApiError> {
    let id = endpoint_id(&hub.endpoint_addrs(), name)?;
    hub.set_refusing(id, refusing).await.map_err(ApiError::internal)?;
    endpoint_view(hub, id)
}

async fn stall(State(hub): State<Arc<Hub>>, Path(name): Path<String>) -> Result<Response, ApiError> {
    set_stalled(&hub, &name, true)
}

async fn unstall(State(hub): State<Arc<Hub>>, Path(name): Path<String>) -> Result<Response, ApiError> {
    set_stalled(&hub, &name, false)
}

fn set_stalled(hub: &Hub, name: &str, stalled: bool) -> Result<Response, ApiError> {
    let id = endpoint_id(&hub.endpoint_addrs(), name)?;
    hub.set_stalled(id, stalled);
    endpoint_view(hub, id)
}

/// `?frame=true` (the default): a close frame 1001; `?frame=false`: the TCP
/// stream is dropped.
async fn close_endpoint(
    State(hub): State<Arc<Hub>>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let id = endpoint_id(&hub.endpoint_addrs(), &name)?;
    let ending =
        if frame_parameter(&query, true)? { Ending::Frame("mock closed the endpoint") } else { Ending::Abrupt };
    let closed = hub.close_endpoint(id, ending);
    Ok(Json(json!({"closed_connections": closed})).into_response())
}

/// `?frame=false` (the default): the TCP streams are dropped, as when the
/// process dies; `?frame=true`: a close frame 1001.
async fn restart(
    State(hub): State<Arc<Hub>>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let ending = if frame_parameter(&query, false)? { Ending::Frame("mock restart") } else { Ending::Abrupt };
    let closed = hub.restart(ending);
    Ok(Json(json!({"closed_connections": closed})).into_response())
}

/// `?frame=true|false`, the only query parameter of close and restart.
fn frame_parameter(query: &HashMap<String, String>, default: bool) -> Result<bool, ApiError> {
    if let Some(unknown) = query.keys().find(|k| k.as_str() != "frame") {
        return Err(ApiError::bad_request(format!("unknown query parameter `{unknown}`; the only one is `frame`")));
    }
    match query.get("frame").map(|f| f.trim()) {
        None => Ok(default),
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no") => Ok(false),
        Some(other) => Err(ApiError::bad_request(format!("`frame` must be true or false, not {other:?}"))),
    }
}

async fn delay(State(hub): State<Arc<Hub>>) -> Response {
    Json(json!({"delay_ms": millis(hub.delay())})).into_response()
}

async fn set_delay(State(hub): State<Arc<Hub>>, body: Bytes) -> Result<Response, ApiError> {
    let ms = parse_delay(&body).map_err(ApiError::bad_request)?;
    hub.set_delay(Duration::from_millis(ms));
    Ok(Json(json!({"delay_ms": ms})).into_response())
}

const DELAY_EXAMPLE: &str = r#"{"ms": 500}"#;

/// `{"ms": 500}`: whole milliseconds, 0 to [`MAX_DELAY_MS`].
fn parse_delay(body: &[u8]) -> Result<u64, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("body is not JSON ({e}); send {DELAY_EXAMPLE}"))?;
    let Value::Object(object) = value else {
        return Err(format!("body must be a JSON object like {DELAY_EXAMPLE}"));
    };
    if let Some(unknown) = object.keys().find(|k| k.as_str() != "ms") {
        return Err(format!("unknown field `{unknown}`; the only one is `ms`"));
    }
    let ms = object.get("ms").ok_or_else(|| format!("missing `ms`; send {DELAY_EXAMPLE}"))?;
    ms.as_u64()
        .filter(|ms| *ms <= MAX_DELAY_MS)
        .ok_or_else(|| format!("`ms` must be a whole number of milliseconds from 0 to {MAX_DELAY_MS}, not {ms}"))
}

/// The frames of one `send`: `text`, `count` times (an event storm), with
/// `pad` bytes of filler added to it (a frame too large).
#[derive(Debug, PartialEq)]
struct RawFrames {
    text: String,
    count: u32,
}

/// The most frames one `send` sends.
const MAX_RAW_COUNT: u64 = 10_000;
/// The most filler one frame may get: 32 MiB.
const MAX_RAW_PAD: u64 = 32 << 20;

/// The body is the frame's text; a JSON object with a string `text` and
/// nothing else but `count` (1 to 10,000) and `pad` (bytes) sends that
/// string instead: `count` times, and with `pad` a field `"pad"` of that
/// many `x` added to it (`text` must then be a JSON object).
async fn send_raw(State(hub): State<Arc<Hub>>, Path(id): Path<String>, body: Bytes) -> Result<Response, ApiError> {
    let no_connection = || ApiError::not_found(format!("no open connection {id}"));
    let conn: SocketId = id.trim().parse().map_err(|_| no_connection())?;
    let frames = raw_frames(&body).map_err(ApiError::bad_request)?;
    for _ in 0..frames.count {
        if !hub.send_raw(conn, &frames.text) {
            return Err(no_connection());
        }
    }
    let bytes = frames.text.len();
    let answer = match bytes <= 4096 {
        true => json!({"connection": conn, "count": frames.count, "bytes": bytes, "text": frames.text}),
        false => json!({"connection": conn, "count": frames.count, "bytes": bytes}),
    };
    Ok(Json(answer).into_response())
}

fn raw_frames(body: &[u8]) -> Result<RawFrames, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("the body must be UTF-8 text (a text frame): {e}"))?;
    let verbatim = || Ok(RawFrames { text: text.to_owned(), count: 1 });
    let Ok(Value::Object(object)) = serde_json::from_str::<Value>(text) else { return verbatim() };
    let options = object.keys().all(|k| matches!(k.as_str(), "text" | "count" | "pad"));
    let (true, Some(Value::String(inner))) = (options, object.get("text")) else { return verbatim() };
    let number = |name: &str, range: std::ops::RangeInclusive<u64>| match object.get(name) {
        None => Ok(None),
        Some(value) => value.as_u64().filter(|n| range.contains(n)).map(Some).ok_or_else(|| {
            format!("`{name}` must be a whole number from {} to {}, not {value}", range.start(), range.end())
        }),
    };
    let count = number("count", 1..=MAX_RAW_COUNT)?.unwrap_or(1);
    let mut text = inner.clone();
    if let Some(pad) = number("pad", 0..=MAX_RAW_PAD)? {
        let Ok(Value::Object(mut frame)) = serde_json::from_str::<Value>(inner) else {
            return Err("`pad` needs `text` to be a JSON object (the filler is its field \"pad\")".to_owned());
        };
        frame.insert("pad".into(), Value::String("x".repeat(usize::try_from(pad).unwrap_or(0))));
        text = Value::Object(frame).to_string();
    }
    Ok(RawFrames { text, count: u32::try_from(count).unwrap_or(1) })
}

/// Which endpoint `name` means: its index (`0`, in the order of the `--ws`
/// flags), else its port (`19006`), else its address (`127.0.0.1:19006`).
fn endpoint_id(addrs: &[SocketAddr], name: &str) -> Result<EndpointId, ApiError> {
    let name = name.trim();
    let found: Vec<EndpointId> = match name.parse::<usize>() {
        Ok(index) if index < addrs.len() => vec![index],
        Ok(port) => addrs.iter().enumerate().filter(|(_, a)| usize::from(a.port()) == port).map(|(i, _)| i).collect(),
        Err(_) => match name.parse::<SocketAddr>() {
            Ok(addr) => addrs.iter().enumerate().filter(|(_, a)| **a == addr).map(|(i, _)| i).collect(),
            Err(_) => Vec::new(),
        },
    };
    match found.as_slice() {
        [id] => Ok(*id),
        [] => {
            let known: Vec<String> = addrs.iter().enumerate().map(|(i, a)| format!("{i} ({a})")).collect();
            Err(ApiError::not_found(format!(
                "no WebSocket endpoint {name}; name one by index, port or address: {}",
                known.join(", ")
            )))
        }
        _ => Err(ApiError::bad_request(format!(
            "port {name} is bound on several addresses; name the endpoint by index or address"
        ))),
    }
}

async fn no_such_endpoint(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError { status: StatusCode::NOT_FOUND, message: format!("no endpoint {method} {uri}; there are {ENDPOINTS}") }
}

async fn wrong_method(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        message: format!("{method} is not allowed on {uri}; there are {ENDPOINTS}"),
    }
}

const NEW_CALL_EXAMPLE: &str = r#"{"from": "5551234", "to": "2001"}"#;

/// `{"from": "5551234", "to": "2001", "origcalling": "5550000"?}`; numbers
/// may be JSON strings or numbers.
fn parse_new_call(body: &[u8]) -> Result<NewCall, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("body is not JSON ({e}); send {NEW_CALL_EXAMPLE}"))?;
    let Value::Object(object) = value else {
        return Err(format!("body must be a JSON object like {NEW_CALL_EXAMPLE}"));
    };
    if let Some(unknown) = object.keys().find(|k| !["from", "to", "origcalling"].contains(&k.as_str())) {
        return Err(format!("unknown field `{unknown}`; the fields are `from`, `to` and `origcalling`"));
    }
    let required = |key: &'static str| {
        number_field(&object, key)?.ok_or_else(|| format!("missing `{key}`; send {NEW_CALL_EXAMPLE}"))
    };
    Ok(NewCall { from: required("from")?, to: required("to")?, orig_calling: number_field(&object, "origcalling")? })
}

/// `key` read the codec's lenient way (a string, or a number written out),
/// trimmed; absent or `null` is `None`.
fn number_field(object: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match lenient::as_text(value) {
            Some(text) => Ok(Some(text.trim().to_owned())),
            None => Err(format!("`{key}` must be a string, not {value}")),
        },
    }
}

/// `--dist` at `/`, with `index.html` for directories. When the directory
/// does not exist (yet), every miss says how to build it; checked per
/// request, because `cargo xtask dist` may run while the mock is up.
fn static_files(dist: PathBuf, csp: Option<HeaderValue>) -> Router {
    let missing_dir = dist.clone();
    let not_found = move || {
        let dist = missing_dir.clone();
        async move {
            if dist.is_dir() {
                (StatusCode::NOT_FOUND, "not found\n".to_owned())
            } else {
                let text = format!(
                    "no web files: the dist directory {} does not exist; run `cargo xtask dist` \
                     (or pass --dist DIR)\n",
                    dist.display()
                );
                (StatusCode::NOT_FOUND, text)
            }
        }
    };
    let files = Router::new().fallback_service(ServeDir::new(dist).not_found_service(not_found.into_service()));
    match csp {
        Some(policy) => files.layer(axum::middleware::map_response(move |mut response: Response| {
            let policy = policy.clone();
            async move {
                response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
                response
            }
        })),
        None => files,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_call_takes_strings_or_numbers() {
        let call = parse_new_call(br#"{"from": 5551234, "to": "2001"}"#).unwrap();
        assert_eq!(call, NewCall { from: "5551234".into(), to: "2001".into(), orig_calling: None });
        let call = parse_new_call(br#"{"from": "2002", "to": 2001, "origcalling": "5551234"}"#).unwrap();
        assert_eq!(call.orig_calling.as_deref(), Some("5551234"));
    }

    #[test]
    fn a_bad_new_call_says_what_is_wrong() {
        let cases: [(&[u8], &str); 6] = [
            (b"", "body is not JSON"),
            (b"from=1", "body is not JSON"),
            (b"[1]", "body must be a JSON object"),
            (br#"{"to": "2001"}"#, "missing `from`"),
            (br#"{"from": "1", "to": ["2001"]}"#, "`to` must be a string"),
            (br#"{"from": "1", "to": "2001", "ext": 1}"#, "unknown field `ext`"),
        ];
        for (body, expected) in cases {
            let error = parse_new_call(body).unwrap_err();
            assert!(error.starts_with(expected), "{error}");
        }
    }

    #[test]
    fn unknown_extensions_and_calls_are_404() {
        let error = ApiError::from(AcdError::UnknownExtension("9".into()));
        assert_eq!(error.status, StatusCode::NOT_FOUND);
        let error = ApiError::from(AcdError::NoSuchCall("c9".into()));
        assert_eq!(error.status, StatusCode::NOT_FOUND);
        let error = ApiError::from(AcdError::EmptyNumber("from"));
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
    }

    fn addrs() -> Vec<SocketAddr> {
        vec!["127.0.0.1:19006".parse().unwrap(), "127.0.0.1:19008".parse().unwrap(), "[::1]:19008".parse().unwrap()]
    }

    #[test]
    fn endpoints_are_named_by_index_port_or_address() {
        let addrs = addrs();
        assert_eq!(endpoint_id(&addrs, "0"), Ok(0));
        assert_eq!(endpoint_id(&addrs, "2"), Ok(2));
        assert_eq!(endpoint_id(&addrs, "19006"), Ok(0));
        assert_eq!(endpoint_id(&addrs, "127.0.0.1:19008"), Ok(1));
        assert_eq!(endpoint_id(&addrs, "[::1]:19008"), Ok(2));
        let ambiguous = endpoint_id(&addrs, "19008").unwrap_err();
        assert_eq!(ambiguous.status, StatusCode::BAD_REQUEST);
        for unknown in ["3", "9006", "127.0.0.1:9", "primary"] {
            let error = endpoint_id(&addrs, unknown).unwrap_err();
            assert_eq!(error.status, StatusCode::NOT_FOUND, "{unknown}");
            assert!(error.message.starts_with(&format!("no WebSocket endpoint {unknown};")), "{}", error.message);
            assert!(error.message.ends_with("0 (127.0.0.1:19006), 1 (127.0.0.1:19008), 2 ([::1]:19008)"));
        }
    }

    #[test]
    fn a_delay_is_whole_milliseconds() {
        assert_eq!(parse_delay(br#"{"ms": 500}"#), Ok(500));
        assert_eq!(parse_delay(br#"{"ms": 0}"#), Ok(0));
        let cases: [(&[u8], &str); 6] = [
            (b"500", "body must be a JSON object"),
            (b"", "body is not JSON"),
            (b"{}", "missing `ms`"),
            (br#"{"ms": -1}"#, "`ms` must be a whole number of milliseconds from 0 to 3600000, not -1"),
            (br#"{"ms": 1.5}"#, "`ms` must be a whole number"),
            (br#"{"ms": 1, "x": 2}"#, "unknown field `x`"),
        ];
        for (body, expected) in cases {
            let error = parse_delay(body).unwrap_err();
            assert!(error.starts_with(expected), "{error}");
        }
        assert!(parse_delay(br#"{"ms": 3600001}"#).is_err());
    }

    #[test]
    fn a_raw_frame_is_the_body_or_its_text_field() {
        let text = |body: &[u8]| raw_frames(body).map(|frames| frames.text);
        assert_eq!(text(b"not json {").unwrap(), "not json {");
        assert_eq!(text(br#"{"text": "{\"msgtype\":\"event\"}"}"#).unwrap(), r#"{"msgtype":"event"}"#);
        let other = r#"{"msgtype": "event", "eventtype": "bogus"}"#;
        assert_eq!(text(other.as_bytes()).unwrap(), other);
        let two_fields = r#"{"text": "x", "id": 1}"#;
        assert_eq!(text(two_fields.as_bytes()).unwrap(), two_fields);
        assert_eq!(text(b"").unwrap(), "");
        assert!(text(&[0xff, 0xfe]).unwrap_err().starts_with("the body must be UTF-8"));
    }

    #[test]
    fn a_raw_frame_may_be_repeated_and_padded() {
        let storm =
            raw_frames(br#"{"text": "{\"msgtype\":\"event\",\"eventtype\":\"hold\"}", "count": 1000}"#).unwrap();
        assert_eq!((storm.count, storm.text.as_str()), (1000, r#"{"msgtype":"event","eventtype":"hold"}"#));
        let big = raw_frames(br#"{"text": "{\"msgtype\":\"event\"}", "pad": 1048576}"#).unwrap();
        let frame: Value = serde_json::from_str(&big.text).unwrap();
        assert_eq!((frame["msgtype"].as_str(), frame["pad"].as_str().map(str::len)), (Some("event"), Some(1 << 20)));
        for (body, error) in [
            (&br#"{"text": "x", "count": 0}"#[..], "`count` must be a whole number from 1 to 10000, not 0"),
            (br#"{"text": "x", "count": "3"}"#, "`count` must be a whole number"),
            (br#"{"text": "x", "pad": 33554433}"#, "`pad` must be a whole number from 0 to 33554432"),
            (br#"{"text": "not an object", "pad": 10}"#, "`pad` needs `text` to be a JSON object"),
        ] {
            let found = raw_frames(body).unwrap_err();
            assert!(found.starts_with(error), "{found}");
        }
    }

    #[test]
    fn frame_is_true_or_false() {
        let query = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
        };
        assert_eq!(frame_parameter(&query(&[]), true), Ok(true));
        assert_eq!(frame_parameter(&query(&[]), false), Ok(false));
        assert_eq!(frame_parameter(&query(&[("frame", "false")]), true), Ok(false));
        assert_eq!(frame_parameter(&query(&[("frame", "true")]), false), Ok(true));
        assert!(frame_parameter(&query(&[("frame", "maybe")]), true).is_err());
        assert!(frame_parameter(&query(&[("fram", "true")]), true).unwrap_err().message.contains("`fram`"));
    }
}
