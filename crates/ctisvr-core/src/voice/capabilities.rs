//! What the connector tells Salesforce it can do, and the agent's phone, in
//! desk-phone mode: the agent's Avaya set carries the audio, CtiSVR
//! controls it (issue 14; the SDK's `CapabilitiesResult` and
//! `AgentConfigResult`).

/// The SDK's capability flags (`getCapabilities` in 3.x,
/// `getVoiceCapabilities` in 4.x), as the connector answers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoiceCapabilities {
    /// Mute belongs to the desk set: no.
    pub has_mute: bool,
    /// Recording is not a CtiSVR request: no.
    pub has_record: bool,
    /// `conference` after a consultation: yes.
    pub has_merge: bool,
    /// Alternating between held and active legs: no single CtiSVR request.
    pub has_swap: bool,
    /// Single-step `transfer` to a number: yes.
    pub has_blind_transfer: bool,
    /// Salesforce may place calls (`makecall`): yes.
    pub can_dial: bool,
    /// An ACD call cannot be declined from CtiSVR: no.
    pub can_decline: bool,
}

impl VoiceCapabilities {
    pub const DESK_PHONE: VoiceCapabilities = VoiceCapabilities {
        has_mute: false,
        has_record: false,
        has_merge: true,
        has_swap: false,
        has_blind_transfer: true,
        can_dial: true,
        can_decline: false,
    };
}

/// The agent's phone for `getAgentConfig`: a desk phone, its number the
/// extension CtiSVR reports (`myextension`), when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskPhone {
    pub extension: Option<String>,
}

impl DeskPhone {
    /// The SDK's phone type (`Constants.PHONE_TYPE.DESK_PHONE`).
    pub const TYPE: &'static str = "DESK_PHONE";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desk_phone_mode_offers_what_ctisvr_does_and_no_more() {
        let c = VoiceCapabilities::DESK_PHONE;
        assert!(!c.has_mute && !c.has_record && !c.has_swap && !c.can_decline);
        assert!(c.has_merge && c.has_blind_transfer && c.can_dial);
        assert_eq!(DeskPhone::TYPE, "DESK_PHONE");
    }
}
