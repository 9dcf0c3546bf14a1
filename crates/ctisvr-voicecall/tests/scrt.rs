//! The client against ctisvr-mock's Telephony Integration API: a record
//! created, found again by its key, closed; Salesforce's refusals typed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use ctisvr_mock::telephony::TelephonyConfig;
use ctisvr_mock::{Mock, Options};
use ctisvr_voicecall::{InitiationMethod, NewVoiceCall, Participant, ProviderKey, Scrt, ScrtError, VoiceCallEnd};
use std::time::{SystemTime, UNIX_EPOCH};

const ORG: &str = "00D000000000001";
const CENTER: &str = "CtiSvrContactCenter";
const KEY: &[u8] = include_bytes!("../../ctisvr-mock/tests/keys/provider-test.key");
const OTHER_KEY: &[u8] = include_bytes!("../../ctisvr-mock/tests/keys/other-test.key");
const CERT: &[u8] = include_bytes!("../../ctisvr-mock/tests/keys/provider-test.crt");

async fn salesforce() -> Mock {
    let telephony = Some(TelephonyConfig::new(ORG, CENTER, CERT).unwrap());
    Mock::start(Options { telephony, dist: "/nonexistent".into(), ..Options::ephemeral() }).await.unwrap()
}

fn client(mock: &Mock, key: &[u8]) -> Scrt {
    Scrt::new(&format!("http://{}", mock.http_addr()), "CtiSVR", ProviderKey::from_pem(key, ORG, CENTER).unwrap())
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn inbound(key: &str) -> NewVoiceCall {
    NewVoiceCall {
        vendor_call_key: key.into(),
        from: "+14155550100".into(),
        to: "+18005550199".into(),
        initiation_method: InitiationMethod::Inbound,
        start_time: "2026-12-01T13:00:00.000Z".into(),
        participants: vec![Participant::end_user("+14155550100")],
        parent_voice_call_id: None,
        call_attributes: None,
    }
}

async fn records(mock: &Mock) -> serde_json::Value {
    let url = format!("http://{}/api/voicecalls", mock.http_addr());
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_call_is_created_once_then_closed() {
    let mock = salesforce().await;
    let scrt = client(&mock, KEY);
    let created = scrt.create(&inbound("ucid-1"), now()).await.unwrap();
    assert!(!created.existed);
    let again = scrt.create(&inbound("ucid-1"), now()).await.unwrap();
    assert_eq!(again, ctisvr_voicecall::Created { voice_call_id: created.voice_call_id.clone(), existed: true });
    let end = VoiceCallEnd {
        end_time: "2026-12-01T13:05:00.000Z".into(),
        agent_interaction_duration: 280,
        total_hold_duration: 20,
        is_active_call: false,
    };
    scrt.close(&created.voice_call_id, &end, now()).await.unwrap();
    let list = records(&mock).await;
    let record = &list["voiceCalls"][0];
    assert_eq!(record["vendorCallKey"], "ucid-1");
    assert_eq!(record["updated"]["isActiveCall"], false);
    assert_eq!(record["updated"]["totalHoldDuration"], 20);
}

#[tokio::test]
async fn refusals_come_back_typed() {
    let mock = salesforce().await;
    // Not the provider's key.
    match client(&mock, OTHER_KEY).create(&inbound("k"), now()).await {
        Err(ScrtError::Refused { status: 401, code, message }) => {
            assert_eq!(code, "INVALID_AUTH");
            assert!(message.contains("signature"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // A token from an hour ago has expired.
    assert!(matches!(
        client(&mock, KEY).create(&inbound("k"), now() - 3600).await,
        Err(ScrtError::Refused { status: 401, .. })
    ));
    // Salesforce down for a moment.
    let fail = format!("http://{}/api/voicecalls/fail", mock.http_addr());
    reqwest::Client::new().post(fail).body(r#"{"status": 503}"#).send().await.unwrap();
    assert!(matches!(
        client(&mock, KEY).create(&inbound("k"), now()).await,
        Err(ScrtError::Refused { status: 503, .. })
    ));
    // Closing a record that does not exist.
    let end = VoiceCallEnd {
        end_time: "x".into(),
        agent_interaction_duration: 0,
        total_hold_duration: 0,
        is_active_call: false,
    };
    assert!(matches!(
        client(&mock, KEY).close("0LQ999", &end, now()).await,
        Err(ScrtError::Refused { status: 404, .. })
    ));
    // Nobody there.
    let gone = Scrt::new("http://127.0.0.1:9", "CtiSVR", ProviderKey::from_pem(KEY, ORG, CENTER).unwrap());
    assert!(matches!(gone.create(&inbound("k"), now()).await, Err(ScrtError::Unreachable { .. })));
}
