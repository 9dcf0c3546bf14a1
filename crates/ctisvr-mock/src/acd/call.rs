//! Calls of the simulated switch, modelled like CSTA: a call has parties,
//! and each party has its own connection state (alerting, connected, held,
//! failed). A conference is a call of three or more parties; a consultation
//! is a call that knows which call its caller holds meanwhile.
//!
//! The names say "switch" because the core has a `Call`, `CallId` and
//! `CallState` of its own that mean something else: the agent's view of a
//! call. [`SwitchCall`], [`SwitchCallId`] and [`SwitchCallState`] are the
//! switch's call with all its parties.

use ctisvr_core::wire::shown_caller;
use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A switch call's id as the control API shows it: `c1`, `c2`, ...
/// (restarting at `c1` after a reset, so tests see the same ids every run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SwitchCallId(pub u64);

/// One call of the simulated switch: who called whom, and every party's
/// state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwitchCall {
    pub id: SwitchCallId,
    /// The caller's number: `calling` in events, `from` in the control API.
    pub calling: String,
    /// The dialled number: `called` in events, `to` in the control API.
    pub called: String,
    /// The original caller of a transferred call (`origcalling` in events).
    pub orig_calling: Option<String>,
    pub parties: Vec<Party>,
    /// Joined by `conference` (three or more parties).
    pub conference: bool,
    /// The call the caller holds while this one is its consultation.
    pub consultation_of: Option<SwitchCallId>,
    /// Every DTMF digit sent on the call, in order.
    pub dtmf: String,
    /// Waiting in an ACD queue (`called` is the queue) for an agent.
    pub queued: bool,
}

/// One end of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub number: String,
    pub kind: PartyKind,
    pub state: PartyState,
}

/// A station of this switch (its monitors get the call's events), or a
/// number outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartyKind {
    Station,
    External,
}

/// A party's connection state (CSTA names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartyState {
    /// Its phone rings.
    Alerting,
    /// Talking (or, for the caller, waiting for the far end to answer).
    Connected,
    /// Put on hold by this party.
    Held,
    /// The call could not be completed (the far end is busy).
    Failed,
}

/// The call as a whole, for the control API: queued while it waits for an
/// agent, else failed when a party failed, else ringing while any party is alerting, held while any party holds it,
/// connected otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SwitchCallState {
    /// Waiting in an ACD queue for an agent.
    Queued,
    Ringing,
    Connected,
    Held,
    Failed,
}

impl fmt::Display for SwitchCallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}", self.0)
    }
}

impl FromStr for SwitchCallId {
    type Err = ();

    fn from_str(text: &str) -> Result<SwitchCallId, ()> {
        let number = text.strip_prefix('c').ok_or(())?;
        // `u64::from_str` accepts a leading `+`; ids never have one.
        if !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(());
        }
        number.parse().map(SwitchCallId).map_err(|_| ())
    }
}

impl Serialize for SwitchCallId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Party {
    pub fn station(number: &str, state: PartyState) -> Party {
        Party { number: number.to_owned(), kind: PartyKind::Station, state }
    }

    pub fn external(number: &str, state: PartyState) -> Party {
        Party { number: number.to_owned(), kind: PartyKind::External, state }
    }

    pub fn is_station(&self, extension: &str) -> bool {
        self.kind == PartyKind::Station && self.number == extension
    }
}

impl SwitchCall {
    /// A new call of two parties.
    pub fn new(id: SwitchCallId, calling: &str, called: &str, parties: Vec<Party>) -> SwitchCall {
        SwitchCall {
            id,
            calling: calling.to_owned(),
            called: called.to_owned(),
            orig_calling: None,
            parties,
            conference: false,
            consultation_of: None,
            dtmf: String::new(),
            queued: false,
        }
    }

    /// The extensions of this switch on the call, in party order.
    pub fn stations(&self) -> impl Iterator<Item = &str> {
        self.parties.iter().filter(|p| p.kind == PartyKind::Station).map(|p| p.number.as_str())
    }

    /// The party of `extension`, if it is on this call.
    pub fn party(&self, extension: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.is_station(extension))
    }

    pub fn party_mut(&mut self, extension: &str) -> Option<&mut Party> {
        self.parties.iter_mut().find(|p| p.is_station(extension))
    }

    /// The party with this number, station or outside.
    pub fn party_numbered(&self, number: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.number == number)
    }

    pub fn party_numbered_mut(&mut self, number: &str) -> Option<&mut Party> {
        self.parties.iter_mut().find(|p| p.number == number)
    }

    /// The first party that is not `extension`: who it talks to.
    pub fn other_party(&self, extension: &str) -> Option<&Party> {
        self.parties.iter().find(|p| !p.is_station(extension))
    }

    pub fn has_state(&self, state: PartyState) -> bool {
        self.parties.iter().any(|p| p.state == state)
    }

    /// `extension`'s connection state on this call, if it is on it.
    pub fn state_at(&self, extension: &str) -> Option<PartyState> {
        self.party(extension).map(|p| p.state)
    }

    pub fn state(&self) -> SwitchCallState {
        let any = |state| self.has_state(state);
        if self.queued {
            SwitchCallState::Queued
        } else if any(PartyState::Failed) {
            SwitchCallState::Failed
        } else if any(PartyState::Alerting) {
            SwitchCallState::Ringing
        } else if any(PartyState::Held) {
            SwitchCallState::Held
        } else {
            SwitchCallState::Connected
        }
    }

    /// The caller the agent should see: the original caller of a
    /// transferred call, else the calling number.
    pub fn caller_shown(&self) -> &str {
        shown_caller(self.orig_calling.as_deref(), Some(&self.calling)).unwrap_or(&self.calling)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inbound() -> SwitchCall {
        SwitchCall::new(
            SwitchCallId(1),
            "5551234",
            "2001",
            vec![Party::external("5551234", PartyState::Connected), Party::station("2001", PartyState::Alerting)],
        )
    }

    #[test]
    fn call_ids_read_and_print_as_c_and_a_number() {
        assert_eq!("c12".parse::<SwitchCallId>(), Ok(SwitchCallId(12)));
        assert_eq!(SwitchCallId(12).to_string(), "c12");
        for bad in ["12", "c", "c+1", "c-1", "cx", "C1", "c99999999999999999999999"] {
            assert_eq!(bad.parse::<SwitchCallId>(), Err(()), "{bad}");
        }
    }

    #[test]
    fn the_call_state_follows_its_parties() {
        let mut call = inbound();
        assert_eq!(call.state(), SwitchCallState::Ringing);
        if let Some(party) = call.party_mut("2001") {
            party.state = PartyState::Connected;
        }
        assert_eq!(call.state(), SwitchCallState::Connected);
        if let Some(party) = call.party_mut("2001") {
            party.state = PartyState::Held;
        }
        assert_eq!(call.state(), SwitchCallState::Held);
        if let Some(party) = call.party_numbered_mut("5551234") {
            party.state = PartyState::Failed;
        }
        assert_eq!(call.state(), SwitchCallState::Failed);
    }

    #[test]
    fn only_stations_are_stations() {
        let call = inbound();
        assert_eq!(call.stations().collect::<Vec<_>>(), ["2001"]);
        assert_eq!(call.state_at("5551234"), None);
        assert_eq!(call.state_at("2001"), Some(PartyState::Alerting));
        assert_eq!(call.other_party("2001").map(|p| p.number.as_str()), Some("5551234"));
        assert_eq!(call.party_numbered("2001").map(|p| p.kind), Some(PartyKind::Station));
    }
}
