//! Call control: what each call request does to the calls of the switch and
//! which events it sends to which extension (docs/protocol.md, "Call flows";
//! docs/mock.md lists the same per request).
//!
//! Rules every flow follows:
//! - every call event carries the call's `calling` and `called` (and
//!   `origcalling` once the call was transferred);
//! - `hold` and `retrieve` go only to the extension that asked;
//! - a party that leaves a call (hangup, dropparty, reconnect, the control
//!   API) makes the stations on it get `disconnect` with `party`, the number
//!   that left; a call left with fewer than two parties is cleared;
//! - an extension with no call left gets `idle`.

use super::call::{Party, PartyKind, PartyState, SwitchCall, SwitchCallId};
use super::{call_event, party_event, Acd, AcdError, Due, MonitorEvent, MAX_DIGITS_PER_CALL};
use crate::scenario::Behaviour;
use ctisvr_core::wire::{Dtmf, Event, EventKind};
use std::time::Instant;

/// Where a dialled number leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// An extension of the switch: it rings there.
    Station,
    /// An outside number, with its scenario behaviour.
    Outside(Behaviour),
}

impl Acd {
    // ---- requests ----

    /// `makecall`: `extension` dials `destination`. While the extension
    /// holds another call, the new call is a consultation of it (as if
    /// `consultation` had been used).
    pub(super) fn make_call(
        &mut self,
        extension: &str,
        destination: &str,
        now: Instant,
        events: &mut Vec<MonitorEvent>,
    ) -> Result<(), AcdError> {
        self.known(extension)?;
        let destination = checked_destination(extension, destination)?;
        if self.call_in_state(extension, PartyState::Connected).is_some() {
            return Err(AcdError::AlreadyOnCall(extension.to_owned()));
        }
        let held =
            self.call_in_state(extension, PartyState::Held).and_then(|index| self.calls.get(index)).map(|c| c.id);
        self.place_call(extension, destination, held, now, events);
        Ok(())
    }

    /// `answer`: the oldest call ringing at `extension` connects.
    pub(super) fn answer(&mut self, extension: &str, events: &mut Vec<MonitorEvent>) -> Result<(), AcdError> {
        self.known(extension)?;
        let index = self
            .call_in_state(extension, PartyState::Alerting)
            .ok_or_else(|| AcdError::NoRingingCall(extension.to_owned()))?;
        self.connect_party(index, extension, events);
        Ok(())
    }

    /// `hangup`: `extension` leaves its current call.
    pub(super) fn hangup(&mut self, extension: &str, events: &mut Vec<MonitorEvent>) -> Result<(), AcdError> {
        self.known(extension)?;
        let index = self.current_call_at(extension).ok_or_else(|| AcdError::NoCall(extension.to_owned()))?;
        self.leave(index, extension, events);
        Ok(())
    }

    pub(super) fn hold(&mut self, extension: &str, events: &mut Vec<MonitorEvent>) -> Result<(), AcdError> {
        self.known(extension)?;
        let index = self
            .call_in_state(extension, PartyState::Connected)
            .ok_or_else(|| AcdError::NothingToHold(extension.to_owned()))?;
        self.hold_party(index, extension, events);
        Ok(())
    }

    /// `retrieve`: the held call connects again; a connected call is held
    /// first.
    pub(super) fn retrieve(&mut self, extension: &str, events: &mut Vec<MonitorEvent>) -> Result<(), AcdError> {
        self.known(extension)?;
        let index = self
            .call_in_state(extension, PartyState::Held)
            .ok_or_else(|| AcdError::NoHeldCall(extension.to_owned()))?;
        self.retrieve_party(index, extension, events);
        Ok(())
    }

    /// `consultation`: hold the connected call, dial `destination`.
    pub(super) fn consultation(
        &mut self,
        extension: &str,
        destination: &str,
        now: Instant,
        events: &mut Vec<MonitorEvent>,
    ) -> Result<(), AcdError> {
        self.known(extension)?;
        let destination = checked_destination(extension, destination)?;
        if self.consultation_pair(extension).is_some() {
            return Err(AcdError::AlreadyConsulting(extension.to_owned()));
        }
        let index = self
            .call_in_state(extension, PartyState::Connected)
            .ok_or_else(|| AcdError::NothingToConsultFrom(extension.to_owned()))?;
        let call = self.calls.get(index).ok_or_else(|| AcdError::NothingToConsultFrom(extension.to_owned()))?;
        if call.party_numbered(destination).is_some() {
            return Err(AcdError::AlreadyOnTheCall(destination.to_owned()));
        }
        let held = call.id;
        self.hold_party(index, extension, events);
        self.place_call(extension, destination, Some(held), now, events);
        Ok(())
    }

    /// `reconnect`: leave the consultation call, retrieve the held one.
    pub(super) fn reconnect(&mut self, extension: &str, events: &mut Vec<MonitorEvent>) -> Result<(), AcdError> {
        self.known(extension)?;
        let (held, consultation) =
            self.consultation_pair(extension).ok_or_else(|| AcdError::NoConsultation(extension.to_owned()))?;
        let held_id = self.calls.get(held).map(|c| c.id);
        self.leave(consultation, extension, events);
        let held = held_id.and_then(|id| self.call_index(id));
        if let Some(index) = held.filter(|&i| self.state_at(i, extension) == Some(PartyState::Held)) {
            self.retrieve_party(index, extension, events);
        }
        Ok(())
    }

    /// `transfer`: two-step when the extension consults (the held call's
    /// parties and the consultation's are joined, the extension leaves),
    /// else single-step of the connected call to `destination`.
    pub(super) fn transfer(
        &mut self,
        extension: &str,
        destination: &str,
        now: Instant,
        events: &mut Vec<MonitorEvent>,
    ) -> Result<(), AcdError> {
        self.known(extension)?;
        match self.consultation_pair(extension) {
            Some((held, consultation)) => self.two_step_transfer(extension, held, consultation, events),
            None => self.single_step_transfer(extension, destination, now, events),
        }
    }

    /// `conference`: the held call and the answered consultation become one
    /// call; every station on it gets `conference`.
    pub(super) fn conference(&mut self, extension: &str, events: &mut Vec<MonitorEvent>) -> Result<(), AcdError> {
        self.known(extension)?;
        let (held, consultation) = self.consultation_pair(extension).ok_or(AcdError::ConferenceNeedsConsultation)?;
        let (Some(held_call), Some(consult)) = (self.calls.get(held), self.calls.get(consultation)) else {
            return Err(AcdError::ConferenceNeedsConsultation);
        };
        if consult.has_state(PartyState::Failed) {
            return Err(AcdError::ConsultationFailed);
        }
        if consult.has_state(PartyState::Alerting) {
            return Err(AcdError::ConsultationNotAnswered);
        }
        refuse_twice_on_the_call(extension, held_call, consult)?;
        let mut joined = held_call.clone();
        joined.parties.extend(consult.parties.iter().filter(|p| !p.is_station(extension)).cloned());
        if let Some(party) = joined.party_mut(extension) {
            party.state = PartyState::Connected;
        }
        joined.conference = joined.parties.len() > 2;
        let (held_id, consult_id) = (joined.id, consult.id);
        self.replace_pair(held_id, consult_id, joined);
        if let Some(call) = self.call_index(held_id).and_then(|index| self.calls.get(index)) {
            events.push(MonitorEvent::new(extension, call_event(EventKind::Conference, call)));
            for station in call.stations().filter(|s| *s != extension) {
                events.push(MonitorEvent::new(station, call_event(EventKind::Conference, call)));
            }
        }
        Ok(())
    }

    /// `dropparty`: `party` leaves the extension's connected call.
    pub(super) fn drop_party(
        &mut self,
        extension: &str,
        party: &str,
        events: &mut Vec<MonitorEvent>,
    ) -> Result<(), AcdError> {
        self.known(extension)?;
        let party = party.trim();
        if party.is_empty() {
            return Err(AcdError::EmptyParty);
        }
        let index = self
            .call_in_state(extension, PartyState::Connected)
            .ok_or_else(|| AcdError::NoConnectedCall(extension.to_owned()))?;
        if self.calls.get(index).and_then(|c| c.party_numbered(party)).is_none() {
            return Err(AcdError::NotOnTheCall { party: party.to_owned(), extension: extension.to_owned() });
        }
        self.leave(index, party, events);
        Ok(())
    }

    /// `dtmf`: the digits are recorded on the connected call.
    pub(super) fn dtmf(&mut self, extension: &str, digits: &str) -> Result<(), AcdError> {
        self.known(extension)?;
        // The softphone's rule, from the shared codec.
        let digits = Dtmf::parse(digits)
            .map_err(|_| AcdError::BadDigits { digits: digits.chars().take(Dtmf::MAX_LEN + 1).collect() })?;
        // Talking: this extension is connected and nobody rings or failed.
        let call = self
            .calls
            .iter_mut()
            .find(|c| {
                c.state_at(extension) == Some(PartyState::Connected)
                    && !c.has_state(PartyState::Alerting)
                    && !c.has_state(PartyState::Failed)
            })
            .ok_or_else(|| AcdError::NoConnectedCall(extension.to_owned()))?;
        call.dtmf.push_str(digits.as_str());
        let excess = call.dtmf.len().saturating_sub(MAX_DIGITS_PER_CALL);
        if excess > 0 {
            // Every digit is one ASCII byte, so any cut is a char boundary.
            call.dtmf = call.dtmf.chars().skip(excess).collect();
        }
        Ok(())
    }

    // ---- building blocks ----

    /// A new call from `extension` to `destination`: `alert` to the caller
    /// (unless the number is busy: `fail`), `offer` to a called extension.
    fn place_call(
        &mut self,
        extension: &str,
        destination: &str,
        consultation_of: Option<SwitchCallId>,
        now: Instant,
        events: &mut Vec<MonitorEvent>,
    ) {
        let reach = self.reach(destination);
        let mut call = SwitchCall::new(
            self.next_call_id(),
            extension,
            destination,
            vec![Party::station(extension, PartyState::Connected)],
        );
        call.consultation_of = consultation_of;
        if reach != Reach::Outside(Behaviour::Busy) {
            events.push(MonitorEvent::new(extension, call_event(EventKind::Alert, &call)));
        }
        self.calls.push(call);
        let index = self.calls.len().saturating_sub(1);
        self.ring(index, destination, reach, now, events);
    }

    /// Adds `number` to call `index` as the party being rung: an extension
    /// alerts (`offer` to it); an outside number does what the scenario says.
    fn ring(&mut self, index: usize, number: &str, reach: Reach, now: Instant, events: &mut Vec<MonitorEvent>) {
        let Some(call) = self.calls.get_mut(index) else { return };
        match reach {
            Reach::Station => {
                call.parties.push(Party::station(number, PartyState::Alerting));
                events.push(MonitorEvent::new(number, call_event(EventKind::Offer, call)));
            }
            Reach::Outside(Behaviour::Busy) => {
                call.parties.push(Party::external(number, PartyState::Failed));
                for party in call.parties.iter_mut().filter(|p| p.state == PartyState::Connected) {
                    party.state = PartyState::Failed;
                }
                for station in call.stations() {
                    events.push(MonitorEvent::new(station, call_event(EventKind::Fail, call)));
                }
            }
            Reach::Outside(Behaviour::NoAnswer) => call.parties.push(Party::external(number, PartyState::Alerting)),
            Reach::Outside(Behaviour::Answer { after }) => {
                call.parties.push(Party::external(number, PartyState::Alerting));
                if after.is_zero() {
                    self.connect_party(index, number, events);
                } else if let Some(at) = now.checked_add(after) {
                    let due = Due { at, call: call.id, party: number.to_owned() };
                    self.due.push(due);
                }
            }
        }
    }

    /// Party `number` of call `index` answers: `connect` to every station on
    /// the call. A station answering puts its other connected calls on hold
    /// first, as Avaya does.
    pub(super) fn connect_party(&mut self, index: usize, number: &str, events: &mut Vec<MonitorEvent>) {
        let is_station = self.calls.get(index).and_then(|c| c.party(number)).is_some();
        if is_station {
            self.hold_others(number, index, events);
        }
        if let Some(call) = self.calls.get_mut(index) {
            if let Some(party) = call.party_numbered_mut(number) {
                party.state = PartyState::Connected;
            }
            for station in call.stations() {
                events.push(MonitorEvent::new(station, call_event(EventKind::Connect, call)));
            }
        }
    }

    /// `extension` holds call `index`; only it is told.
    fn hold_party(&mut self, index: usize, extension: &str, events: &mut Vec<MonitorEvent>) {
        if let Some(call) = self.calls.get_mut(index) {
            if let Some(party) = call.party_mut(extension) {
                party.state = PartyState::Held;
                events.push(MonitorEvent::new(extension, call_event(EventKind::Hold, call)));
            }
        }
    }

    /// `extension` retrieves call `index`, holding its connected calls
    /// first; only it is told.
    fn retrieve_party(&mut self, index: usize, extension: &str, events: &mut Vec<MonitorEvent>) {
        self.hold_others(extension, index, events);
        if let Some(call) = self.calls.get_mut(index) {
            if let Some(party) = call.party_mut(extension) {
                party.state = PartyState::Connected;
                events.push(MonitorEvent::new(extension, call_event(EventKind::Retrieve, call)));
            }
        }
    }

    /// Puts `extension`'s connected calls other than `keep` on hold.
    fn hold_others(&mut self, extension: &str, keep: usize, events: &mut Vec<MonitorEvent>) {
        let others: Vec<usize> = (0..self.calls.len())
            .filter(|&i| i != keep && self.state_at(i, extension) == Some(PartyState::Connected))
            .collect();
        for index in others {
            self.hold_party(index, extension, events);
        }
    }

    /// Party `number` leaves call `index`. It (when a station) and every
    /// station left on the call get `disconnect` with `party: number`; a
    /// call with fewer than two parties left is cleared; then `idle` to
    /// each of them with no call left.
    pub(super) fn leave(&mut self, index: usize, number: &str, events: &mut Vec<MonitorEvent>) {
        let Some(call) = self.calls.get_mut(index) else { return };
        let Some(position) = call.parties.iter().position(|p| p.number == number) else { return };
        let event = party_event(EventKind::Disconnect, call, number);
        let gone = call.parties.remove(position);
        if call.calling == number {
            // The one who consulted left: nobody consults any more.
            call.consultation_of = None;
        }
        call.conference = call.conference && call.parties.len() > 2;
        let mut told: Vec<String> = Vec::new();
        if gone.kind == PartyKind::Station {
            told.push(gone.number);
        }
        told.extend(call.stations().map(str::to_owned));
        if call.parties.len() < 2 {
            let id = call.id;
            self.calls.remove(index);
            self.forget(id);
        }
        for station in &told {
            events.push(MonitorEvent::new(station, event.clone()));
        }
        self.idle_if_free(&told, events);
    }

    /// Clears call `index` for everyone (no party hung up: the switch ended
    /// it): `disconnect` without `party` to every station, then `idle`.
    pub(super) fn clear_call(&mut self, index: usize, events: &mut Vec<MonitorEvent>) {
        if index >= self.calls.len() {
            return;
        }
        let call = self.calls.remove(index);
        self.forget(call.id);
        let stations: Vec<String> = call.stations().map(str::to_owned).collect();
        for station in &stations {
            events.push(MonitorEvent::new(station, call_event(EventKind::Disconnect, &call)));
        }
        self.idle_if_free(&stations, events);
    }

    fn two_step_transfer(
        &mut self,
        extension: &str,
        held: usize,
        consultation: usize,
        events: &mut Vec<MonitorEvent>,
    ) -> Result<(), AcdError> {
        let (Some(held_call), Some(consult)) = (self.calls.get(held), self.calls.get(consultation)) else {
            return Err(AcdError::NoConsultation(extension.to_owned()));
        };
        if consult.has_state(PartyState::Failed) {
            return Err(AcdError::ConsultationFailed);
        }
        refuse_twice_on_the_call(extension, held_call, consult)?;
        // X: who the extension held; Y: who it consulted.
        let x = held_call.other_party(extension).map_or_else(|| held_call.calling.clone(), |p| p.number.clone());
        let y = consult.other_party(extension).map_or_else(|| consult.called.clone(), |p| p.number.clone());
        // The customer's call goes on (its id), carrying the numbers the
        // consulted party knows it by, and X as the original caller.
        let mut joined = SwitchCall::new(held_call.id, &consult.calling, &consult.called, Vec::new());
        joined.orig_calling = Some(x.clone());
        joined.consultation_of = held_call.consultation_of;
        joined.dtmf = held_call.dtmf.clone();
        joined
            .parties
            .extend(held_call.parties.iter().chain(&consult.parties).filter(|p| !p.is_station(extension)).cloned());
        joined.conference = joined.parties.len() > 2;
        let consulted: Vec<(String, PartyState)> = consult
            .parties
            .iter()
            .filter(|p| p.kind == PartyKind::Station && !p.is_station(extension))
            .map(|p| (p.number.clone(), p.state))
            .collect();
        let (held_id, consult_id) = (held_call.id, consult.id);
        self.replace_pair(held_id, consult_id, joined);

        events.push(MonitorEvent::new(extension, Event::new(EventKind::Transfer).calling(x).called(y)));
        self.idle_if_free(&[extension.to_owned()], events);
        if let Some(call) = self.call_index(held_id).and_then(|index| self.calls.get(index)) {
            for (station, state) in consulted {
                // Still ringing there: the ringing call now carries origcalling.
                let kind = if state == PartyState::Alerting { EventKind::Offer } else { EventKind::Transfer };
                events.push(MonitorEvent::new(&station, call_event(kind, call)));
            }
        }
        Ok(())
    }

    fn single_step_transfer(
        &mut self,
        extension: &str,
        destination: &str,
        now: Instant,
        events: &mut Vec<MonitorEvent>,
    ) -> Result<(), AcdError> {
        let destination = destination.trim();
        if destination.is_empty() {
            return Err(AcdError::TransferNeedsDestination);
        }
        let index = self
            .call_in_state(extension, PartyState::Connected)
            .ok_or_else(|| AcdError::NothingToTransfer(extension.to_owned()))?;
        if destination == extension {
            return Err(AcdError::CallsItself(extension.to_owned()));
        }
        let reach = self.reach(destination);
        let call = self.calls.get_mut(index).ok_or_else(|| AcdError::NothingToTransfer(extension.to_owned()))?;
        if call.party_numbered(destination).is_some() {
            return Err(AcdError::AlreadyOnTheCall(destination.to_owned()));
        }
        let x = call.other_party(extension).map_or_else(|| call.calling.clone(), |p| p.number.clone());
        call.parties.retain(|p| !p.is_station(extension));
        call.calling = extension.to_owned();
        call.called = destination.to_owned();
        call.orig_calling = Some(x.clone());
        call.consultation_of = None;
        // With the destination about to join: three or more parties.
        call.conference = call.parties.len() > 1;
        events.push(MonitorEvent::new(extension, Event::new(EventKind::Transfer).calling(x).called(destination)));
        self.idle_if_free(&[extension.to_owned()], events);
        self.ring(index, destination, reach, now, events);
        Ok(())
    }

    // ---- helpers ----

    /// Whether `number` is an extension or an outside number (and how it
    /// behaves).
    fn reach(&self, number: &str) -> Reach {
        if self.scenario.has_extension(number) {
            Reach::Station
        } else {
            Reach::Outside(self.scenario.behaviour_of(number))
        }
    }

    /// The held call and its consultation that `extension` placed, as
    /// indices: the consultation names the held call, and the extension is
    /// on both.
    pub(super) fn consultation_pair(&self, extension: &str) -> Option<(usize, usize)> {
        self.calls.iter().enumerate().find_map(|(consultation, call)| {
            let held_id = call.consultation_of?;
            if call.calling != extension || call.party(extension).is_none() {
                return None;
            }
            let held = self.call_index(held_id)?;
            self.calls.get(held)?.party(extension)?;
            Some((held, consultation))
        })
    }

    /// Puts `joined` where call `held` was and removes call `consultation`;
    /// timed actions of the consultation follow its parties.
    fn replace_pair(&mut self, held: SwitchCallId, consultation: SwitchCallId, joined: SwitchCall) {
        if let Some(slot) = self.call_index(held).and_then(|index| self.calls.get_mut(index)) {
            *slot = joined;
        }
        if let Some(index) = self.call_index(consultation) {
            self.calls.remove(index);
        }
        for due in self.due.iter_mut().filter(|due| due.call == consultation) {
            due.call = held;
        }
        for call in self.calls.iter_mut().filter(|c| c.consultation_of == Some(consultation)) {
            call.consultation_of = Some(held);
        }
    }

    /// Call `id` is gone: nothing consults it, nothing is due on it.
    fn forget(&mut self, id: SwitchCallId) {
        for call in self.calls.iter_mut().filter(|c| c.consultation_of == Some(id)) {
            call.consultation_of = None;
        }
        self.due.retain(|due| due.call != id);
    }

    /// `idle` to each of `stations` (once) that has no call left.
    fn idle_if_free(&self, stations: &[String], events: &mut Vec<MonitorEvent>) {
        let mut seen: Vec<&str> = Vec::new();
        for station in stations {
            if seen.contains(&station.as_str()) {
                continue;
            }
            seen.push(station);
            if self.calls_at(station).next().is_none() {
                events.push(MonitorEvent::new(station, Event::new(EventKind::Idle)));
            }
        }
    }

    /// Forgets timed actions whose party no longer rings.
    pub(super) fn prune_due(&mut self) {
        let calls = &self.calls;
        self.due.retain(|due| {
            calls
                .iter()
                .find(|c| c.id == due.call)
                .and_then(|c| c.party_numbered(&due.party))
                .is_some_and(|p| p.state == PartyState::Alerting)
        });
    }

    fn state_at(&self, index: usize, extension: &str) -> Option<PartyState> {
        self.calls.get(index).and_then(|c| c.state_at(extension))
    }
}

/// Joining `held` and `consultation` must not put one number on the call
/// twice (the extension consulted a number it also holds).
fn refuse_twice_on_the_call(extension: &str, held: &SwitchCall, consultation: &SwitchCall) -> Result<(), AcdError> {
    match consultation.parties.iter().find(|p| !p.is_station(extension) && held.party_numbered(&p.number).is_some()) {
        Some(twice) => Err(AcdError::AlreadyOnTheCall(twice.number.clone())),
        None => Ok(()),
    }
}

/// A destination as dialled, trimmed: not empty, not the caller itself.
fn checked_destination<'a>(extension: &str, destination: &'a str) -> Result<&'a str, AcdError> {
    let destination = destination.trim();
    if destination.is_empty() {
        Err(AcdError::EmptyDestination)
    } else if destination == extension {
        Err(AcdError::CallsItself(extension.to_owned()))
    } else {
        Ok(destination)
    }
}
