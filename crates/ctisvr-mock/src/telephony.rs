//! A mock of Salesforce's Telephony Integration API, the part a partner
//! telephony provider calls to create and close VoiceCall records (issue
//! 14; Salesforce: "Voice Call Create", "Voice Call Update" and
//! "Authorization" of the Service Cloud Voice REST API;
//! `../shared/research/salesforce-voice.md` §1.5). docs/mock.md,
//! "Salesforce Voice", is the user guide.
//!
//! | method and path | does |
//! |---|---|
//! | `POST /telephony/v1/voiceCalls` | creates a VoiceCall (201 `{"voiceCallId"}`); the same `vendorCallKey` again: the same record (200) |
//! | `PATCH /telephony/v1/voiceCalls/{id}` | updates it (`endTime`, durations, `isActiveCall`, …) |
//! | `GET /api/voicecalls` | the records, in order of creation, with every update |
//! | `DELETE /api/voicecalls` | forgets the records and the faults |
//! | `POST /api/voicecalls/fail` | the next `count` API requests fail with `status` |
//!
//! Every API request carries `Authorization: Bearer <JWT>`: RS256, signed
//! with the provider's private key and checked here against its
//! certificate (or public key), `iss` the org id, `sub` the contact
//! center's API name, `aud` [`AUDIENCE`], `exp` not past (a minute's
//! leeway) and within 3 minutes of `iat`. Errors are
//! Salesforce's REST shape, `[{"errorCode": …, "message": …}]`; the codes
//! are the mock's own (Salesforce's exact ones could not be checked without
//! an org).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{patch, post};
use axum::{Json, Router};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex, MutexGuard};

/// Who the mock plays Salesforce for: the org, its contact center, and the
/// provider's certificate.
#[derive(Clone)]
pub struct TelephonyConfig {
    /// The org id the tokens must name (`iss`).
    pub org_id: String,
    /// The contact center's API name (`sub`, and `callCenterApiName`).
    pub contact_center: String,
    key: DecodingKey,
}

impl std::fmt::Debug for TelephonyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelephonyConfig")
            .field("org_id", &self.org_id)
            .field("contact_center", &self.contact_center)
            .finish_non_exhaustive()
    }
}

impl TelephonyConfig {
    /// `pem`: the provider's X.509 certificate (what the admin uploads to
    /// the contact center) or its RSA public key. Errors: not an RSA
    /// certificate or key in PEM.
    pub fn new(org_id: &str, contact_center: &str, pem: &[u8]) -> Result<TelephonyConfig, String> {
        let key =
            DecodingKey::from_rsa_pem(pem).map_err(|e| format!("not an RSA certificate or public key in PEM: {e}"))?;
        Ok(TelephonyConfig { org_id: org_id.to_owned(), contact_center: contact_center.to_owned(), key })
    }
}

/// One VoiceCall record, as created and updated.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceCallRecord {
    pub voice_call_id: String,
    pub vendor_call_key: String,
    pub from: String,
    pub to: String,
    pub initiation_method: String,
    pub parent_voice_call_id: Option<String>,
    pub start_time: String,
    pub participants: Value,
    /// Every other field of the creation, as sent (`callOrigin`, `callAttributes`, …).
    pub other: Map<String, Value>,
    /// The fields of every `PATCH`, merged, latest last.
    pub updated: Map<String, Value>,
    pub updates: u32,
}

/// The mock API's records and faults.
#[derive(Debug, Default)]
pub struct Telephony {
    config: Option<TelephonyConfig>,
    inner: Mutex<Records>,
}

#[derive(Debug, Default)]
struct Records {
    calls: Vec<VoiceCallRecord>,
    /// (status, requests left) of `POST /api/voicecalls/fail`.
    fault: Option<(StatusCode, u32)>,
}

impl Telephony {
    /// The API for `config`; without one every request says how to turn it on.
    pub fn new(config: Option<TelephonyConfig>) -> Telephony {
        Telephony { config, inner: Mutex::default() }
    }

    fn records(&self) -> MutexGuard<'_, Records> {
        // A panic elsewhere cannot leave the records half written: keep serving.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The API's routes (`/telephony/v1/...`).
pub fn api_router(telephony: Arc<Telephony>) -> Router {
    Router::new()
        .route("/telephony/v1/voiceCalls", post(create))
        .route("/telephony/v1/voiceCalls/{id}", patch(update))
        .with_state(telephony)
}

/// The control routes, to nest under `/api` (`/voicecalls...`).
pub fn control_router<S: Clone + Send + Sync + 'static>(telephony: Arc<Telephony>) -> Router<S> {
    Router::new()
        .route("/voicecalls", axum::routing::get(list).delete(forget))
        .route("/voicecalls/fail", post(fail))
        .with_state(telephony)
}

/// An error in Salesforce's REST shape.
struct SfError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl SfError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> SfError {
        SfError { status, code, message: message.into() }
    }

    fn bad(message: impl Into<String>) -> SfError {
        SfError::new(StatusCode::BAD_REQUEST, "INVALID_INPUT", message)
    }
}

impl IntoResponse for SfError {
    fn into_response(self) -> Response {
        (self.status, Json(json!([{"errorCode": self.code, "message": self.message}]))).into_response()
    }
}

#[derive(Deserialize)]
struct Claims {
    iat: Option<u64>,
    exp: u64,
}

/// The audience Salesforce's "Authorization" page names.
pub const AUDIENCE: &str = "https://scrt.salesforce.com";
/// The page asks for tokens that expire within 3 minutes.
const MAX_LIFETIME_SECONDS: u64 = 180;

/// Checks the request's token; then a fault on demand, if one is armed.
fn admit<'a>(telephony: &'a Telephony, headers: &HeaderMap) -> Result<&'a TelephonyConfig, SfError> {
    let Some(config) = telephony.config.as_ref() else {
        return Err(SfError::new(
            StatusCode::NOT_FOUND,
            "NOT_CONFIGURED",
            "the mock's Telephony Integration API is off: start ctisvr-mock with --telephony-cert FILE \
             --telephony-org ORG_ID --telephony-contact-center API_NAME",
        ));
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(|| {
            SfError::new(StatusCode::UNAUTHORIZED, "INVALID_AUTH_HEADER", "send Authorization: Bearer <JWT>")
        })?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[&config.org_id]);
    validation.sub = Some(config.contact_center.clone());
    validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    validation.set_audience(&[AUDIENCE]);
    let claims = jsonwebtoken::decode::<Claims>(token, &config.key, &validation).map_err(|error| {
        let why = match error.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => {
                "the signature does not match the certificate".to_owned()
            }
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => "the token has expired (exp)".to_owned(),
            jsonwebtoken::errors::ErrorKind::InvalidIssuer => format!("iss is not the org id {}", config.org_id),
            jsonwebtoken::errors::ErrorKind::InvalidSubject => {
                format!("sub is not the contact center {}", config.contact_center)
            }
            jsonwebtoken::errors::ErrorKind::InvalidAlgorithm => "the token is not RS256".to_owned(),
            jsonwebtoken::errors::ErrorKind::InvalidAudience => format!("aud is not {AUDIENCE}"),
            jsonwebtoken::errors::ErrorKind::MissingRequiredClaim(claim) => format!("the token has no {claim}"),
            other => format!("the token cannot be read: {other:?}"),
        };
        SfError::new(StatusCode::UNAUTHORIZED, "INVALID_AUTH", why)
    })?;
    if let Some(iat) = claims.claims.iat {
        if claims.claims.exp.saturating_sub(iat) > MAX_LIFETIME_SECONDS {
            let why = format!("the token lives longer than {MAX_LIFETIME_SECONDS} s (exp - iat)");
            return Err(SfError::new(StatusCode::UNAUTHORIZED, "INVALID_AUTH", why));
        }
    }
    let mut records = telephony.records();
    if let Some((status, left)) = records.fault.as_mut() {
        let status = *status;
        *left -= 1;
        if *left == 0 {
            records.fault = None;
        }
        return Err(SfError::new(status, "MOCK_FAULT", "failed on demand (POST /api/voicecalls/fail)"));
    }
    Ok(config)
}

/// A required string field of `body`.
fn text(body: &Map<String, Value>, name: &str) -> Result<String, SfError> {
    match body.get(name) {
        Some(Value::String(text)) if !text.trim().is_empty() => Ok(text.clone()),
        Some(Value::String(_)) | None => Err(SfError::bad(format!("{name} is required"))),
        Some(other) => Err(SfError::bad(format!("{name} must be a string, not {other}"))),
    }
}

const INITIATION_METHODS: [&str; 4] = ["Inbound", "Outbound", "Transfer", "Callback"];

async fn create(State(telephony): State<Arc<Telephony>>, headers: HeaderMap, body: Bytes) -> Result<Response, SfError> {
    let config = admit(&telephony, &headers)?;
    let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&body) else {
        return Err(SfError::bad("the body must be a JSON object"));
    };
    let center = text(&body, "callCenterApiName")?;
    if center != config.contact_center {
        return Err(SfError::bad(format!(
            "callCenterApiName {center} is not the contact center {}",
            config.contact_center
        )));
    }
    let vendor_call_key = text(&body, "vendorCallKey")?;
    let (from, to, start_time) = (text(&body, "from")?, text(&body, "to")?, text(&body, "startTime")?);
    let initiation_method = text(&body, "initiationMethod")?;
    if !INITIATION_METHODS.contains(&initiation_method.as_str()) {
        return Err(SfError::bad(format!("initiationMethod {initiation_method} is not one of {INITIATION_METHODS:?}")));
    }
    let participants = body.remove("participants").unwrap_or(Value::Null);
    let valid_participants = participants.as_array().is_some_and(|all| {
        !all.is_empty()
            && all.iter().all(|p| {
                p.get("participantKey").is_some_and(Value::is_string) && p.get("type").is_some_and(Value::is_string)
            })
    });
    if !valid_participants {
        return Err(SfError::bad("participants must be a list of {participantKey, type}"));
    }
    let parent = match body.get("parentVoiceCallId") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(other) => return Err(SfError::bad(format!("parentVoiceCallId must be a string, not {other}"))),
    };
    let mut records = telephony.records();
    if let Some(known) = records.calls.iter().find(|c| c.vendor_call_key == vendor_call_key) {
        return Ok((StatusCode::OK, Json(json!({"voiceCallId": known.voice_call_id}))).into_response());
    }
    match (&parent, initiation_method.as_str()) {
        (None, "Transfer") => return Err(SfError::bad("a Transfer needs parentVoiceCallId")),
        (Some(id), _) if !records.calls.iter().any(|c| &c.voice_call_id == id) => {
            return Err(SfError::new(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                format!("no VoiceCall {id} (parentVoiceCallId)"),
            ))
        }
        _ => {}
    }
    for known in
        ["callCenterApiName", "vendorCallKey", "from", "to", "startTime", "initiationMethod", "parentVoiceCallId"]
    {
        body.remove(known);
    }
    // Salesforce's ids are 18 characters; VoiceCall's prefix is 0LQ.
    let voice_call_id = format!("0LQ{:015}", records.calls.len() + 1);
    records.calls.push(VoiceCallRecord {
        voice_call_id: voice_call_id.clone(),
        vendor_call_key,
        from,
        to,
        initiation_method,
        parent_voice_call_id: parent,
        start_time,
        participants,
        other: body,
        updated: Map::new(),
        updates: 0,
    });
    Ok((StatusCode::CREATED, Json(json!({"voiceCallId": voice_call_id}))).into_response())
}

async fn update(
    State(telephony): State<Arc<Telephony>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SfError> {
    admit(&telephony, &headers)?;
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&body) else {
        return Err(SfError::bad("the body must be a JSON object"));
    };
    let mut records = telephony.records();
    let Some(record) = records.calls.iter_mut().find(|c| c.voice_call_id == id) else {
        return Err(SfError::new(StatusCode::NOT_FOUND, "NOT_FOUND", format!("no VoiceCall {id}")));
    };
    record.updated.extend(body);
    record.updates += 1;
    Ok(Json(json!({"voiceCallId": id})).into_response())
}

async fn list(State(telephony): State<Arc<Telephony>>) -> Response {
    Json(json!({"voiceCalls": telephony.records().calls})).into_response()
}

async fn forget(State(telephony): State<Arc<Telephony>>) -> Response {
    *telephony.records() = Records::default();
    Json(json!({"voiceCalls": []})).into_response()
}

/// `{"status": 503, "count": 1}`: the next `count` (default 1) API requests
/// fail with `status` (400 to 599).
async fn fail(State(telephony): State<Arc<Telephony>>, body: Bytes) -> Response {
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let status = value.get("status").and_then(Value::as_u64).and_then(|s| u16::try_from(s).ok());
    let status =
        status.and_then(|s| StatusCode::from_u16(s).ok()).filter(|s| s.is_client_error() || s.is_server_error());
    let count = value.get("count").map_or(Some(1), |c| c.as_u64().and_then(|c| u32::try_from(c).ok()));
    match (status, count.filter(|c| *c > 0)) {
        (Some(status), Some(count)) => {
            telephony.records().fault = Some((status, count));
            Json(json!({"status": status.as_u16(), "count": count})).into_response()
        }
        _ => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "send {\"status\": 503, \"count\": 1}: a status from 400 to 599, a count of at least 1"})),
        )
            .into_response(),
    }
}
