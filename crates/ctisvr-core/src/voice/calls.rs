//! A call as Salesforce Voice sees it, and `getActiveCalls` answered from
//! the core's state, so that a reloaded connector page finds the agent's
//! call (issue 14; the SDK's `ActiveCallsResult` of `PhoneCall`s).

use crate::calls::{Call, CallId, CallState, Direction};
use crate::state::State;

/// One call for the connector's JS layer, which builds the SDK's
/// `PhoneCall` from it (`callId`, `callType`, `phoneNumber`, `callInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceCall {
    /// The core's call id: the connector's `callId`.
    pub id: CallId,
    pub direction: Direction,
    /// The other party's number; `None` for a withheld caller.
    pub other_party: Option<String>,
    /// The number dialled: DNIS inbound (the queue or the extension), the
    /// destination outbound.
    pub dialled: String,
    pub state: CallState,
    /// A consultation made while another call is held (an added participant
    /// in Salesforce's words).
    pub consultation: bool,
    pub conference: bool,
}

impl VoiceCall {
    pub fn of(call: &Call) -> VoiceCall {
        VoiceCall {
            id: call.id,
            direction: call.direction,
            other_party: call.other_party(),
            dialled: call.dialled.clone(),
            state: call.state,
            consultation: call.consultation,
            conference: call.conference,
        }
    }

    /// Whether the call is on hold (the SDK's `callAttributes.isOnHold`).
    pub fn on_hold(&self) -> bool {
        self.state == CallState::Held
    }
}

/// The calls at the agent's extension, for `getActiveCalls`: every call the
/// server confirmed, held and consultation legs included.
pub fn active_calls(state: &State) -> Vec<VoiceCall> {
    state.calls.iter().map(VoiceCall::of).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voice::test_call;

    fn call(id: CallId, state: CallState, consultation: bool) -> Call {
        Call { consultation, ..test_call(id, state) }
    }

    #[test]
    fn active_calls_are_the_states_calls_with_their_hold_and_legs() {
        let state = State {
            calls: vec![call(1, CallState::Held, false), call(2, CallState::Connected, true)],
            ..State::default()
        };
        let calls = active_calls(&state);
        assert_eq!(calls.len(), 2);
        assert!(calls.first().is_some_and(|c| c.on_hold() && !c.consultation && c.id == 1));
        assert!(calls.get(1).is_some_and(|c| !c.on_hold() && c.consultation));
        assert_eq!(calls.first().and_then(|c| c.other_party.clone()).as_deref(), Some("4155550100"));

        let mut withheld = call(3, CallState::RingingIn, false);
        withheld.withheld = true;
        assert_eq!(VoiceCall::of(&withheld).other_party, None);
        assert!(active_calls(&State::default()).is_empty());
    }
}
