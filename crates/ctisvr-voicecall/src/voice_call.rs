//! The bodies the Telephony Integration API takes (Salesforce: "Voice Call
//! Create" and "Voice Call Update"; `../shared/research/salesforce-voice.md`
//! §1.5). Times are ISO 8601 text as Salesforce shows them
//! (`2026-12-01T13:00:00.000Z`), made by the caller.

use serde::Serialize;

/// How the call came to the contact center.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InitiationMethod {
    Inbound,
    Outbound,
    /// A call transferred from another VoiceCall (`parent_voice_call_id`).
    Transfer,
    Callback,
}

/// A party of the call (`participants`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// The party's number.
    pub participant_key: String,
    /// `END_USER` for the caller.
    #[serde(rename = "type")]
    pub kind: String,
}

impl Participant {
    /// The customer, by number.
    pub fn end_user(number: &str) -> Participant {
        Participant { participant_key: number.to_owned(), kind: "END_USER".to_owned() }
    }
}

/// A VoiceCall to create. The contact center is the key's
/// ([`crate::ProviderKey::contact_center`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewVoiceCall {
    /// The call's key on the telephony side (Avaya's UCID when CtiSVR gives
    /// it); the same key again finds the same record.
    pub vendor_call_key: String,
    pub from: String,
    pub to: String,
    pub initiation_method: InitiationMethod,
    pub start_time: String,
    pub participants: Vec<Participant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_voice_call_id: Option<String>,
    /// IVR data for the screen (a JSON object as text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_attributes: Option<String>,
}

/// The close of a VoiceCall when the call ended. Durations in seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceCallEnd {
    pub end_time: String,
    pub agent_interaction_duration: u64,
    pub total_hold_duration: u64,
    /// Always false: the call is over.
    pub is_active_call: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_are_written_as_salesforce_names_them() {
        let call = NewVoiceCall {
            vendor_call_key: "ucid-1".into(),
            from: "+14155550100".into(),
            to: "+18005550199".into(),
            initiation_method: InitiationMethod::Transfer,
            start_time: "2026-12-01T13:00:00.000Z".into(),
            participants: vec![Participant::end_user("+14155550100")],
            parent_voice_call_id: Some("0LQ1".into()),
            call_attributes: None,
        };
        assert_eq!(
            serde_json::to_value(&call).unwrap_or_default(),
            json!({
                "vendorCallKey": "ucid-1", "from": "+14155550100", "to": "+18005550199",
                "initiationMethod": "Transfer", "startTime": "2026-12-01T13:00:00.000Z",
                "participants": [{"participantKey": "+14155550100", "type": "END_USER"}],
                "parentVoiceCallId": "0LQ1"
            })
        );
    }
}
