//! The mock Telephony Integration API (Salesforce Voice, issue 14): tokens
//! checked against the provider's certificate, records created once per
//! vendorCallKey, updated, listed, and failures on demand.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::http;
use ctisvr_mock::telephony::TelephonyConfig;
use ctisvr_mock::telephony::AUDIENCE as AUD;
use ctisvr_mock::{Mock, Options};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};

const ORG: &str = "00D000000000001";
const CENTER: &str = "CtiSvrContactCenter";
const KEY: &[u8] = include_bytes!("keys/provider-test.key");
const OTHER_KEY: &[u8] = include_bytes!("keys/other-test.key");
const CERT: &[u8] = include_bytes!("keys/provider-test.crt");
const PUBLIC: &[u8] = include_bytes!("keys/provider-test.pub");

async fn start(pem: &[u8]) -> Mock {
    let telephony = Some(TelephonyConfig::new(ORG, CENTER, pem).unwrap());
    Mock::start(Options { telephony, dist: "/nonexistent".into(), ..Options::ephemeral() }).await.unwrap()
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// A token as the VoiceCall service signs it.
fn token(key: &[u8], claims: Value) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &EncodingKey::from_rsa_pem(key).unwrap()).unwrap()
}

fn good() -> String {
    token(KEY, json!({"iss": ORG, "sub": CENTER, "aud": AUD, "iat": now(), "exp": now() + 150}))
}

fn inbound(key: &str) -> Value {
    json!({
        "callCenterApiName": CENTER,
        "vendorCallKey": key,
        "from": "+14155550100",
        "to": "+18005550199",
        "initiationMethod": "Inbound",
        "startTime": "2026-12-01T13:00:00.000Z",
        "participants": [{"participantKey": "+14155550100", "type": "END_USER"}],
        "callAttributes": "{\"queue\": \"sales\"}",
    })
}

async fn api(mock: &Mock, method: &str, path: &str, token: &str, body: &Value) -> (u16, Value) {
    let auth = format!("Authorization: Bearer {token}");
    let response = http(mock, method, path, &[&auth, "Content-Type: application/json"], &body.to_string()).await;
    (response.status, response.json())
}

#[tokio::test]
async fn a_voice_call_is_created_once_per_vendor_call_key_updated_and_listed() {
    let mock = start(CERT).await;
    let (status, created) = api(&mock, "POST", "/telephony/v1/voiceCalls", &good(), &inbound("ucid-1")).await;
    assert_eq!(status, 201, "{created}");
    let id = created["voiceCallId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("0LQ") && id.len() == 18, "{id}");
    // The same call again (a retry, another tab): the same record.
    let (status, again) = api(&mock, "POST", "/telephony/v1/voiceCalls", &good(), &inbound("ucid-1")).await;
    assert_eq!((status, again["voiceCallId"].as_str()), (200, Some(id.as_str())));
    // A transfer names its parent.
    let mut transfer = inbound("ucid-2");
    transfer["initiationMethod"] = json!("Transfer");
    transfer["parentVoiceCallId"] = json!(id);
    let (status, child) = api(&mock, "POST", "/telephony/v1/voiceCalls", &good(), &transfer).await;
    assert_eq!(status, 201, "{child}");
    let closed = json!({"endTime": "2026-12-01T13:05:00.000Z", "agentInteractionDuration": 280, "isActiveCall": false});
    let (status, _) = api(&mock, "PATCH", &format!("/telephony/v1/voiceCalls/{id}"), &good(), &closed).await;
    assert_eq!(status, 200);

    let list = http(&mock, "GET", "/api/voicecalls", &[], "").await.json();
    let calls = list["voiceCalls"].as_array().unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["vendorCallKey"], "ucid-1");
    assert_eq!(calls[0]["updated"]["isActiveCall"], false);
    assert_eq!(calls[0]["updates"], 1);
    assert_eq!(calls[0]["other"]["callAttributes"], "{\"queue\": \"sales\"}");
    assert_eq!(calls[1]["parentVoiceCallId"], id.as_str());
    assert_eq!(http(&mock, "DELETE", "/api/voicecalls", &[], "").await.status, 200);
    assert_eq!(http(&mock, "GET", "/api/voicecalls", &[], "").await.json()["voiceCalls"], json!([]));
}

#[tokio::test]
async fn tokens_are_refused_unless_signed_by_the_provider_for_this_org_and_contact_center() {
    let mock = start(PUBLIC).await;
    let (status, _) = api(&mock, "POST", "/telephony/v1/voiceCalls", &good(), &inbound("k")).await;
    assert_eq!(status, 201, "a public key works as well as the certificate");
    let claims = |iss: &str, sub: &str, exp: u64| json!({"iss": iss, "sub": sub, "aud": AUD, "iat": now(), "exp": exp});
    let cases = [
        (token(OTHER_KEY, claims(ORG, CENTER, now() + 150)), "signature"),
        (token(KEY, claims("00D000000000999", CENTER, now() + 150)), "iss"),
        (token(KEY, claims(ORG, "OtherCenter", now() + 150)), "sub"),
        (token(KEY, claims(ORG, CENTER, now() - 3600)), "expired"),
        (token(KEY, claims(ORG, CENTER, now() + 600)), "longer than 180 s"),
        (token(KEY, json!({"iss": ORG, "sub": CENTER, "aud": AUD})), "exp"),
        (token(KEY, json!({"iss": ORG, "sub": CENTER, "exp": now() + 150})), "aud"),
        (
            token(KEY, json!({"iss": ORG, "sub": CENTER, "aud": "https://example.com", "exp": now() + 150})),
            "aud is not",
        ),
        ("not-a-jwt".to_owned(), "cannot be read"),
    ];
    for (bad, why) in cases {
        let (status, body) = api(&mock, "POST", "/telephony/v1/voiceCalls", &bad, &inbound("k2")).await;
        assert_eq!(status, 401, "{why}: {body}");
        assert_eq!(body[0]["errorCode"], "INVALID_AUTH");
        assert!(body[0]["message"].as_str().unwrap().contains(why), "{why}: {body}");
    }
    let response = http(&mock, "POST", "/telephony/v1/voiceCalls", &[], &inbound("k3").to_string()).await;
    assert_eq!((response.status, response.json()[0]["errorCode"].as_str()), (401, Some("INVALID_AUTH_HEADER")));
    let list = http(&mock, "GET", "/api/voicecalls", &[], "").await.json();
    assert_eq!(list["voiceCalls"].as_array().unwrap().len(), 1, "no record from a refused token");
}

#[tokio::test]
async fn bodies_are_checked_and_failures_come_on_demand() {
    let mock = start(CERT).await;
    let post = |body: Value| {
        let mock = &mock;
        async move { api(mock, "POST", "/telephony/v1/voiceCalls", &good(), &body).await }
    };
    let mut no_key = inbound("x");
    no_key.as_object_mut().unwrap().remove("vendorCallKey");
    let mut wrong_center = inbound("x");
    wrong_center["callCenterApiName"] = json!("Other");
    let mut orphan = inbound("x");
    orphan["initiationMethod"] = json!("Transfer");
    let mut bad_method = inbound("x");
    bad_method["initiationMethod"] = json!("Sideways");
    let mut no_participants = inbound("x");
    no_participants["participants"] = json!([]);
    for (body, status, words) in [
        (no_key, 400, "vendorCallKey is required"),
        (wrong_center, 400, "is not the contact center"),
        (orphan, 400, "needs parentVoiceCallId"),
        (bad_method, 400, "Sideways"),
        (no_participants, 400, "participants"),
        (json!([1, 2]), 400, "JSON object"),
    ] {
        let (got, answer) = post(body).await;
        assert_eq!(got, status, "{answer}");
        assert!(answer[0]["message"].as_str().unwrap().contains(words), "{answer}");
    }
    let (status, _) = api(&mock, "PATCH", "/telephony/v1/voiceCalls/0LQ000000000000099", &good(), &json!({})).await;
    assert_eq!(status, 404);

    let armed = http(&mock, "POST", "/api/voicecalls/fail", &[], r#"{"status": 503, "count": 2}"#).await;
    assert_eq!(armed.status, 200);
    assert_eq!(post(inbound("f")).await.0, 503);
    assert_eq!(post(inbound("f")).await.0, 503);
    assert_eq!(post(inbound("f")).await.0, 201, "the fault is spent");
    assert_eq!(http(&mock, "POST", "/api/voicecalls/fail", &[], r#"{"status": 200}"#).await.status, 400);
}

#[tokio::test]
async fn without_a_certificate_the_api_says_how_to_turn_it_on() {
    let mock = common::start().await;
    let (status, body) = api(&mock, "POST", "/telephony/v1/voiceCalls", &good(), &inbound("k")).await;
    assert_eq!(status, 404);
    assert!(body[0]["message"].as_str().unwrap().contains("--telephony-cert"), "{body}");
}
