//! The HTTP API: reads only. Nothing a request says can create, change or
//! close a record; the service acts only on what CtiSVR tells it.
//!
//! | request | answer |
//! |---|---|
//! | `GET /health` | `200 ok` (text), for process supervisors and Playwright's `webServer` |
//! | `GET /voicecalls?extension=E[&from=N]` | `200 {"voiceCallId", "vendorCallKey", "initiationMethod", "parentVoiceCallId"}`: the newest live inbound call at `E` whose caller is `N` (any caller without `from`), once its record exists (waiting up to `--wait-ms`); `404 {"error"}` no such call (at once for an extension not monitored); `503 {"error"}` the call is there but Salesforce has not given its record (why); `400 {"error"}` a bad query; `403 {"error"}` an `Origin` not allowed (or none) |
//!
//! Every answer has `Cache-Control: no-store`.

use crate::shared::Shared;
use crate::tracker::{FoundCall, Lookup};
use axum::extract::{Query, Request, State};
use axum::http::header::{CACHE_CONTROL, ORIGIN};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// At most this many reads wait at once; more get 503 at once.
pub const MAX_WAITING_READS: usize = 256;

#[derive(Clone)]
struct App {
    shared: Arc<Shared>,
    wait: Duration,
    waiting: Arc<Semaphore>,
}

#[derive(Clone)]
struct Origins(Arc<Vec<HeaderValue>>);

/// The API's routes. `origins`: the exact `Origin` values allowed to read.
pub(crate) fn router(shared: Arc<Shared>, origins: &[String], wait: Duration) -> Router {
    let allowed: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    // tower-http's CorsLayer rather than headers by hand: it answers the
    // preflight, echoes only an allowed origin, and sets `Vary` right, which
    // hand-written CORS code tends to get subtly wrong. The origin check in
    // front of it refuses the rest with 403 (CORS alone only stops a
    // browser from reading the answer, not the request from being served).
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed.clone()))
        .allow_methods([Method::GET])
        .max_age(Duration::from_secs(600));
    let app = App { shared, wait, waiting: Arc::new(Semaphore::new(MAX_WAITING_READS)) };
    let reads = Router::new()
        .route("/voicecalls", get(read))
        .layer(cors)
        .layer(axum::middleware::from_fn_with_state(Origins(Arc::new(allowed)), check_origin))
        .with_state(app);
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .merge(reads)
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such endpoint: GET /voicecalls, GET /health") })
        .layer(axum::middleware::from_fn(no_store))
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

async fn no_store(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Only a page at an allowed origin may read (browsers always send
/// `Origin` on a cross-origin request; a request without one is refused).
async fn check_origin(State(origins): State<Origins>, request: Request, next: Next) -> Response {
    let origin = request.headers().get(ORIGIN);
    match origin {
        Some(origin) if origins.0.iter().any(|allowed| allowed == origin) => next.run(request).await,
        Some(origin) => {
            tracing::info!(origin = ?origin, "refused a read from an origin not allowed");
            error(StatusCode::FORBIDDEN, "this origin may not read VoiceCalls (--allow-origin)")
        }
        None => error(StatusCode::FORBIDDEN, "send the Origin header of an allowed page (--allow-origin)"),
    }
}

async fn read(
    State(app): State<App>,
    query: Result<Query<BTreeMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return error(StatusCode::BAD_REQUEST, "the query cannot be read: send ?extension=E&from=N");
    };
    if let Some(unknown) = query.keys().find(|k| !["extension", "from"].contains(&k.as_str())) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("unknown parameter {unknown:?}: the parameters are extension and from"),
        );
    }
    let extension = query.get("extension").map(|e| e.trim()).unwrap_or_default();
    if extension.is_empty() || extension.len() > 32 {
        return error(StatusCode::BAD_REQUEST, "extension is required: ?extension=E");
    }
    let from = query.get("from").map(|f| f.trim()).filter(|f| !f.is_empty());
    if from.is_some_and(|f| f.len() > 64) {
        return error(StatusCode::BAD_REQUEST, "from is at most 64 characters");
    }
    let who = from.map_or_else(String::new, |f| format!(" from {f}"));
    let Ok(_permit) = app.waiting.try_acquire() else {
        return error(StatusCode::SERVICE_UNAVAILABLE, "too many reads waiting: ask again");
    };
    let deadline = tokio::time::Instant::now() + app.wait;
    let mut changed = app.shared.subscribe();
    loop {
        changed.borrow_and_update();
        let lookup = app.shared.lookup(extension, from);
        match lookup {
            Lookup::Found(call) => return found(call),
            Lookup::Failed { reason } => {
                return error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("Salesforce gave no VoiceCall for the call at {extension}{who}: {reason}"),
                )
            }
            Lookup::NotMonitored => {
                return error(StatusCode::NOT_FOUND, format!("extension {extension} is not monitored"))
            }
            Lookup::Pending { .. } | Lookup::NoCall => {}
        }
        let timed_out = tokio::select! {
            result = changed.changed() => result.is_err(),
            () = tokio::time::sleep_until(deadline) => true,
        };
        if timed_out {
            return match app.shared.lookup(extension, from) {
                Lookup::Found(call) => found(call),
                Lookup::Pending { reason } | Lookup::Failed { reason } => error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("Salesforce has not given the VoiceCall of the call at {extension}{who} yet: {reason}"),
                ),
                Lookup::NoCall | Lookup::NotMonitored => {
                    error(StatusCode::NOT_FOUND, format!("no live call at {extension}{who}"))
                }
            };
        }
    }
}

fn found(call: FoundCall) -> Response {
    Json(json!({
        "voiceCallId": call.voice_call_id,
        "vendorCallKey": call.vendor_call_key,
        "initiationMethod": call.initiation_method,
        "parentVoiceCallId": call.parent_voice_call_id,
    }))
    .into_response()
}
