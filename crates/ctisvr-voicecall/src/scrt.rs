//! The Telephony Integration API's client (`{scrtUrl}/telephony/v1`, the
//! `scrtUrl` of the contact center): creates and closes VoiceCall records
//! with a fresh token each time, and types Salesforce's errors.

use crate::token::{ProviderKey, TokenError};
use crate::voice_call::{NewVoiceCall, VoiceCallEnd};
use serde_json::{json, Value};

/// A client for one org's contact center.
#[derive(Debug, Clone)]
pub struct Scrt {
    base: String,
    provider: String,
    key: ProviderKey,
    http: reqwest::Client,
}

/// A VoiceCall the API answered for: created now, or found by its
/// `vendorCallKey` (`existed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub voice_call_id: String,
    pub existed: bool,
}

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ScrtError {
    #[error(transparent)]
    Token(#[from] TokenError),
    /// No answer: the network, TLS, a timeout.
    #[error("no answer from {url}: {source}")]
    Unreachable { url: String, source: reqwest::Error },
    /// Salesforce refused: its status, and the first `errorCode` and
    /// `message` of its answer (the whole body when it has none).
    #[error("Salesforce answered {status}: {code} {message}")]
    Refused { status: u16, code: String, message: String },
    /// A success whose body is not what the API documents.
    #[error("unexpected answer from Salesforce: {0}")]
    Unexpected(String),
}

impl Scrt {
    /// `base`: the contact center's `scrtUrl` (`https://…my.salesforce-scrt.com`);
    /// `provider`: the `Telephony-Provider-Name` header.
    pub fn new(base: &str, provider: &str, key: ProviderKey) -> Scrt {
        Scrt {
            base: base.trim_end_matches('/').to_owned(),
            provider: provider.to_owned(),
            key,
            http: reqwest::Client::new(),
        }
    }

    /// `POST /telephony/v1/voiceCalls` at `now` (Unix seconds, for the token).
    pub async fn create(&self, call: &NewVoiceCall, now: u64) -> Result<Created, ScrtError> {
        let mut body = serde_json::to_value(call).map_err(|e| ScrtError::Unexpected(e.to_string()))?;
        if let Some(fields) = body.as_object_mut() {
            fields.insert("callCenterApiName".into(), json!(self.key.contact_center()));
        }
        let url = format!("{}/telephony/v1/voiceCalls", self.base);
        let (status, answer) = self.send(self.http.post(&url), &url, &body, now).await?;
        let id = answer.get("voiceCallId").and_then(Value::as_str);
        match (status, id) {
            (200 | 201, Some(id)) => Ok(Created { voice_call_id: id.to_owned(), existed: status == 200 }),
            _ => Err(ScrtError::Unexpected(answer.to_string())),
        }
    }

    /// `PATCH /telephony/v1/voiceCalls/{id}`: the call ended.
    pub async fn close(&self, voice_call_id: &str, end: &VoiceCallEnd, now: u64) -> Result<(), ScrtError> {
        let body = serde_json::to_value(end).map_err(|e| ScrtError::Unexpected(e.to_string()))?;
        let url = format!("{}/telephony/v1/voiceCalls/{voice_call_id}", self.base);
        self.send(self.http.patch(&url), &url, &body, now).await.map(|_| ())
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
        body: &Value,
        now: u64,
    ) -> Result<(u16, Value), ScrtError> {
        let token = self.key.token(now)?;
        let response = request
            .bearer_auth(token)
            .header("Telephony-Provider-Name", &self.provider)
            .json(body)
            .send()
            .await
            .map_err(|source| ScrtError::Unreachable { url: url.to_owned(), source })?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|source| ScrtError::Unreachable { url: url.to_owned(), source })?;
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if (200..300).contains(&status) {
            return Ok((status, answer));
        }
        // Salesforce's REST errors: [{"errorCode": …, "message": …}].
        let first = answer.get(0);
        let field = |name: &str| first.and_then(|e| e.get(name)).and_then(Value::as_str).map(str::to_owned);
        Err(ScrtError::Refused {
            status,
            code: field("errorCode").unwrap_or_default(),
            message: field("message").unwrap_or_else(|| answer.to_string()),
        })
    }
}
