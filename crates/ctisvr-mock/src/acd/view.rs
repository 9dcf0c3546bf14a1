//! What `GET /api/state` and the call endpoints return: plain serializable
//! snapshots of the ACD, so the control API never reaches into its insides.

use super::call::{Party, SwitchCall, SwitchCallId, SwitchCallState};
use ctisvr_core::wire::WorkMode;
use serde::Serialize;

/// `GET /api/state`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateView {
    pub extensions: Vec<ExtensionView>,
    pub agents: Vec<AgentView>,
    pub calls: Vec<CallView>,
}

/// One station.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtensionView {
    pub extension: String,
    /// The agent logged in here, or `null`.
    pub agent: Option<LoggedInView>,
    /// How many WebSocket connections monitor this extension.
    pub monitors: usize,
    /// Ids of the calls this extension is a party of.
    pub calls: Vec<SwitchCallId>,
}

/// The agent at a station.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoggedInView {
    pub id: String,
    pub mode: WorkMode,
    pub reasoncode: u8,
}

/// One agent of the scenario; `extension`, `mode` and `reasoncode` are
/// `null` while it is logged out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentView {
    pub id: String,
    pub extension: Option<String>,
    pub mode: Option<WorkMode>,
    pub reasoncode: Option<u8>,
}

/// One call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallView {
    pub id: SwitchCallId,
    /// The calling number.
    pub from: String,
    /// The called number.
    pub to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origcalling: Option<String>,
    pub state: SwitchCallState,
    /// Three or more parties joined by `conference`.
    pub conference: bool,
    /// The id of the call held while this one is its consultation, or `null`.
    pub consultation_of: Option<SwitchCallId>,
    /// Every DTMF digit sent on the call, `""` when none.
    pub dtmf: String,
    pub parties: Vec<Party>,
}

impl From<&SwitchCall> for CallView {
    fn from(call: &SwitchCall) -> CallView {
        CallView {
            id: call.id,
            from: call.calling.clone(),
            to: call.called.clone(),
            origcalling: call.orig_calling.clone(),
            state: call.state(),
            conference: call.conference,
            consultation_of: call.consultation_of,
            dtmf: call.dtmf.clone(),
            parties: call.parties.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acd::call::PartyState;
    use serde_json::json;

    #[test]
    fn a_call_serializes_with_the_documented_fields() {
        let mut call = SwitchCall::new(
            SwitchCallId(3),
            "5551234",
            "2001",
            vec![Party::external("5551234", PartyState::Connected), Party::station("2001", PartyState::Alerting)],
        );
        assert_eq!(
            serde_json::to_value(CallView::from(&call)).unwrap(),
            json!({"id": "c3", "from": "5551234", "to": "2001", "state": "ringing",
                   "conference": false, "consultation_of": null, "dtmf": "",
                   "parties": [{"number": "5551234", "kind": "external", "state": "connected"},
                               {"number": "2001", "kind": "station", "state": "alerting"}]})
        );
        call.orig_calling = Some("5550000".into());
        call.consultation_of = Some(SwitchCallId(1));
        call.dtmf = "12#".into();
        let view = serde_json::to_value(CallView::from(&call)).unwrap();
        assert_eq!(view["origcalling"], "5550000");
        assert_eq!(view["consultation_of"], "c1");
        assert_eq!(view["dtmf"], "12#");
    }
}
