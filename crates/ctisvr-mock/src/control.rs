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
//! | `POST /api/reset`               | closes sockets, clears the log, restores all |
//!
//! Errors are `{"error": "<text>"}` with a 4xx status.

use crate::acd::{AcdError, NewCall};
use crate::hub::Hub;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::handler::HandlerWithoutStateExt;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::cors::CorsLayer;
use tower_http::services::ServeDir;

/// The endpoints, for the 404 of an unknown one.
const ENDPOINTS: &str = "GET /api/state, GET /api/log, POST /api/calls, POST /api/calls/{id}/answer, \
                         DELETE /api/calls/{id}, POST /api/reset";

/// The router of the HTTP listener.
pub fn router(hub: Arc<Hub>, dist: PathBuf) -> Router {
    let api = Router::new()
        .route("/state", get(state))
        .route("/log", get(log))
        .route("/calls", post(create_call))
        .route("/calls/{id}", delete(delete_call))
        .route("/calls/{id}/answer", post(answer_call))
        .route("/reset", post(reset))
        .fallback(no_such_endpoint)
        .method_not_allowed_fallback(wrong_method)
        .layer(CorsLayer::permissive())
        .with_state(hub);
    Router::new().nest("/api", api).merge(static_files(dist))
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

async fn state(State(hub): State<Arc<Hub>>) -> Response {
    Json(hub.state()).into_response()
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

async fn reset(State(hub): State<Arc<Hub>>) -> Response {
    let closed = hub.reset();
    Json(json!({"closed_connections": closed})).into_response()
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

fn number_field(object: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.trim().to_owned())),
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(other) => Err(format!("`{key}` must be a string, not {other}")),
    }
}

/// `--dist` at `/`, with `index.html` for directories. When the directory
/// does not exist (yet), every miss says how to build it; checked per
/// request, because `cargo xtask dist` may run while the mock is up.
fn static_files(dist: PathBuf) -> Router {
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
    Router::new().fallback_service(ServeDir::new(dist).not_found_service(not_found.into_service()))
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
}
