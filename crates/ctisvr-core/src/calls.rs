//! The calls at the agent's extension, built from events, responses and the
//! requests the agent made, and which call actions make sense in each state.
//!
//! Events carry no call id. An event is matched to a call by its `calling`
//! and `called` numbers ([`same_number`]: prefixes aside), an event about a
//! call the agent placed also by its `called` number alone, and an event
//! without numbers by what it can only mean (see docs/protocol.md): hold ->
//! the connected call, retrieve -> the held call, connect -> a ringing call,
//! fail -> the call being placed, disconnect -> the active call.
//!
//! Events may come late or twice (after the call ended, or for a call this
//! softphone never saw). Only `offer`, and `alert`/`connect`/`fail` while
//! the agent's `makecall` or `consultation` waits for its answer, start a
//! call. An event for a known call that is already in the state it brings is
//! a no-op; `connect` only connects a ringing call, `hold` a connected one,
//! `retrieve` a held one. Any other event that matches no call changes
//! nothing: a `disconnect` with no call left is simply late; otherwise the
//! model is in doubt ([`Calls::take_doubt`]) and the session asks the server
//! (`snapshot`, then `userdata`) what calls there are.
//!
//! A station has a few call appearances; the model keeps at most
//! [`MAX_CALLS`]. A call beyond them (a server offering call after call, an
//! event storm) is not shown and puts the model in doubt, so the server is
//! asked what calls there really are.

mod command;

pub use command::CallCommand;

use crate::numbers::{same_number, same_party};
use crate::settings::DialingPrefixes;
use crate::time::Millis;
use crate::wire::{Event, EventKind};
use crate::withheld::WithheldMarkers;
use serde_json::Value;

/// The most calls the model keeps at one extension (an Avaya station's
/// call appearances are fewer; the view shows every one).
pub const MAX_CALLS: usize = 8;

/// A call's number in this session (not the server's: it has none).
pub type CallId = u32;

/// One call at the agent's extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub id: CallId,
    pub state: CallState,
    pub direction: Direction,
    /// `calling` and `called` as the server names the call (used to match events).
    pub calling: String,
    pub called: String,
    /// The caller the agent sees: `origcalling` when the call was transferred.
    pub caller: String,
    /// The caller withheld their number (`caller` is blank or a marker such
    /// as `anonymous`, see [`crate::withheld`]): shown as "Unknown caller",
    /// never searched in the CRM.
    pub withheld: bool,
    /// The number that was dialled (DNIS inbound, the destination outbound).
    pub dialled: String,
    /// The other parties' numbers: more than one in a conference.
    pub parties: Vec<String>,
    /// This call is a consultation made while another call is held.
    pub consultation: bool,
    pub conference: bool,
    /// When the call appeared here (ringing or dialling).
    pub started_at: Millis,
    /// When it was first connected.
    pub connected_at: Option<Millis>,
    /// The extension written after the number the agent dialled
    /// (`415-555-0100 x123`), to send as DTMF once connected.
    pub extension: Option<CallExtension>,
}

/// A dialled number's extension and whether it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallExtension {
    /// ASCII digits.
    pub digits: String,
    /// CtiSVR confirmed the DTMF.
    pub sent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallState {
    /// Ringing at the agent's phone.
    RingingIn,
    /// Placed by the agent, ringing at the far end.
    RingingOut,
    Connected,
    /// Held by the agent.
    Held,
    /// The far end was busy or could not be reached.
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Inbound,
    Outbound,
}

/// What the agent can do with calls (the view's buttons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallAction {
    Answer,
    /// Dial a number: `makecall` when idle, `consultation` on a call.
    Dial,
    Hold,
    Retrieve,
    HangUp,
    DropParty,
    Consult,
    Reconnect,
    Transfer,
    Conference,
    SendDtmf,
    /// Send the dialled number's extension as DTMF (the "Send ext." button).
    SendExtension,
}

/// How the calls changed, for DOM events and the CRM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallChange {
    Appeared(Call),
    Changed(Call),
    Ended(Call),
}

impl Call {
    /// The number(s) of the other side, as the agent would name them;
    /// `None` for a caller who withheld their number (shown as
    /// [`crate::i18n::Catalogue::unknown_caller`]).
    pub fn other_party(&self) -> Option<String> {
        match self.direction {
            Direction::Inbound if self.withheld && self.parties.len() <= 1 => None,
            Direction::Inbound if self.parties.is_empty() => Some(self.caller.clone()),
            Direction::Outbound if self.parties.is_empty() => Some(self.dialled.clone()),
            _ => Some(self.parties.join(", ")),
        }
    }

    /// The caller's number, `None` when withheld.
    pub fn caller_shown(&self) -> Option<&str> {
        (!self.withheld).then_some(self.caller.as_str())
    }

    /// Who calls: the number shown, `None` for a withheld or blank one.
    pub fn caller_known(&self) -> Option<&str> {
        self.caller_shown().map(str::trim).filter(|caller| !caller.is_empty())
    }

    /// Seconds the call has been connected (or ringing, before that).
    pub fn age_seconds(&self, now: Millis) -> u64 {
        now.since(self.connected_at.unwrap_or(self.started_at)).as_secs()
    }

    /// Connected, with an extension not sent yet.
    pub fn extension_to_send(&self) -> bool {
        self.state == CallState::Connected && self.extension.as_ref().is_some_and(|e| !e.sent)
    }

    fn is_active(&self) -> bool {
        matches!(self.state, CallState::Connected | CallState::RingingOut | CallState::Failed)
    }
}

/// Whether `action` makes sense with these calls (connection aside). The
/// buttons ([`crate::State::allows_call`]) and the commands both ask it; a
/// refused command says `Rejected::NotAllowed(action)`.
///
/// ## Usage
///
/// ```
/// use ctisvr_core::calls::allows;
/// use ctisvr_core::{CallAction, CallCommand};
///
/// let no_calls = [];
/// assert!(allows(&no_calls, CallAction::Dial));
/// let hang_up = CallCommand::HangUp.action();
/// assert!(!allows(&no_calls, hang_up));
/// let refused = ctisvr_core::Rejected::NotAllowed(hang_up);
/// assert_eq!(refused.to_string(), "There is no call to hang up.");
/// ```
pub fn allows(calls: &[Call], action: CallAction) -> bool {
    let active = calls.iter().find(|c| c.is_active());
    let connected = active.filter(|c| c.state == CallState::Connected);
    let held = calls.iter().any(|c| c.state == CallState::Held);
    let consultation = calls.iter().find(|c| c.consultation && c.is_active());
    let single_connected = calls.len() == 1 && connected.is_some();
    match action {
        CallAction::Answer => calls.iter().any(|c| c.state == CallState::RingingIn),
        CallAction::Dial => calls.is_empty() || single_connected,
        CallAction::Hold => connected.is_some(),
        CallAction::Retrieve => held && active.is_none(),
        CallAction::HangUp => active.is_some(),
        CallAction::DropParty => connected.is_some_and(|c| c.conference),
        CallAction::Consult => single_connected,
        CallAction::Reconnect => held && consultation.is_some(),
        // Two-step with a consultation, or single-step from one connected call.
        CallAction::Transfer => {
            (held && consultation.is_some_and(|c| c.state != CallState::Failed)) || single_connected
        }
        CallAction::Conference => held && consultation.is_some_and(|c| c.state == CallState::Connected),
        CallAction::SendDtmf => connected.is_some(),
        CallAction::SendExtension => connected.is_some_and(Call::extension_to_send),
    }
}

/// What a page remembered about a call before it was reloaded (built by
/// [`crate::call_memory::CallMemo::remembered`]): what `userdata` cannot tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    pub direction: Direction,
    /// The number dialled (empty: not known).
    pub dialled: String,
    pub started_at: Millis,
    pub connected_at: Option<Millis>,
    /// The extension dialled with it, and whether it was sent.
    pub extension: Option<CallExtension>,
}

/// What `userdata` says of the call at the extension after a (re)connect.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Restored<'a> {
    /// Our extension.
    pub extension: &'a str,
    pub calling: &'a str,
    pub called: &'a str,
    /// `cli`, else `calling`.
    pub caller: &'a str,
}

/// The calls and the rules that change them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Calls {
    calls: Vec<Call>,
    next_id: CallId,
    /// What a withheld caller reads as (a call center option).
    withheld: WithheldMarkers,
    /// Destinations of the agent's `makecall`/`consultation` requests that
    /// wait for their answer: their `alert`, `connect` or `fail` may come first.
    dialling: Vec<String>,
    /// An event matched no call and could not start one: ask the server.
    doubt: bool,
    /// The agent's last dial: its destination digits and extension, for the
    /// outbound call to that destination when it appears.
    dialled_extension: Option<(String, String)>,
}

impl Calls {
    pub(crate) fn list(&self) -> &[Call] {
        &self.calls
    }

    /// The call center's withheld-caller markers, for the calls to come.
    pub(crate) fn set_withheld_markers(&mut self, markers: WithheldMarkers) {
        self.withheld = markers;
    }

    /// The held call and the consultation, when the agent is consulting.
    pub(crate) fn consultation_pair(&self) -> Option<(&Call, &Call)> {
        let held = self.calls.iter().find(|c| c.state == CallState::Held)?;
        let consultation = self.calls.iter().find(|c| c.consultation && c.is_active())?;
        Some((held, consultation))
    }

    /// The connected call a party would be dropped from.
    pub(crate) fn conference(&self) -> Option<&Call> {
        self.calls.iter().find(|c| c.conference && c.state == CallState::Connected)
    }

    /// Applies one event; `extension` is the agent's. See the module docs
    /// for late, duplicate and unknown events.
    pub(crate) fn apply(&mut self, now: Millis, extension: &str, event: &Event) -> Vec<CallChange> {
        let mut changes = Vec::new();
        match &event.kind {
            EventKind::Offer => match self.matching(event) {
                Some(index) => {
                    let (caller, withheld) = self.caller_of(event);
                    self.update(index, &mut changes, |call| {
                        call.caller = caller;
                        call.withheld = withheld;
                    })
                }
                None => {
                    let call = self.new_call(now, CallState::RingingIn, Direction::Inbound, event);
                    self.add(call, &mut changes);
                }
            },
            // Known: a duplicate or late alert, nothing to change.
            EventKind::Alert => match self.find_placed(event) {
                Some(_) => {}
                None => self.start_placed(now, extension, CallState::RingingOut, event, &mut changes),
            },
            EventKind::Connect => {
                let ringing_in = || numberless(event).then(|| self.find_state(CallState::RingingIn)).flatten();
                match self.find_placed(event).or_else(ringing_in) {
                    Some(index) => self.update(index, &mut changes, |call| {
                        if matches!(call.state, CallState::RingingIn | CallState::RingingOut) {
                            call.state = CallState::Connected;
                            call.connected_at.get_or_insert(now);
                        }
                    }),
                    None => self.start_placed(now, extension, CallState::Connected, event, &mut changes),
                }
            }
            EventKind::Hold => self.move_state(event, CallState::Connected, CallState::Held, &mut changes),
            EventKind::Retrieve => self.move_state(event, CallState::Held, CallState::Connected, &mut changes),
            EventKind::Fail => match self.find_placed(event) {
                Some(index) => self.update(index, &mut changes, |call| {
                    if call.state == CallState::RingingOut {
                        call.state = CallState::Failed;
                    }
                }),
                None => self.start_placed(now, extension, CallState::Failed, event, &mut changes),
            },
            EventKind::Transfer => self.transferred(event, &mut changes),
            EventKind::Conference => self.conferenced(extension, event, &mut changes),
            EventKind::Disconnect => self.disconnected(extension, event, &mut changes),
            EventKind::Idle => self.clear(&mut changes),
            EventKind::Unknown(_) => {}
        }
        self.normalise(&mut changes);
        changes
    }

    /// Whether an event since the last call matched no call and could not
    /// start one, so the server should be asked what calls there are.
    /// Reading it clears it.
    pub(crate) fn take_doubt(&mut self) -> bool {
        std::mem::take(&mut self.doubt)
    }

    /// The agent's `makecall` or `consultation` to `destination` is sent;
    /// its call will carry `extension` (`415-555-0100 x123`).
    pub(crate) fn dialling(&mut self, destination: &str, extension: Option<String>) {
        self.dialling.push(destination.to_owned());
        self.dialled_extension = extension.map(|extension| (destination.to_owned(), extension));
    }

    /// The agent's `makecall` or `consultation` to `destination` was refused.
    pub(crate) fn not_placed(&mut self, destination: &str) {
        self.forget_dialling(destination);
    }

    /// The connection is gone: no request waits for its answer any more.
    pub(crate) fn lost(&mut self) {
        self.dialling.clear();
    }

    /// Whether `destination` is the number being dialled: a request to it
    /// waits for its answer, or a call to it rings at the far end (numbers
    /// compared with [`same_party`]).
    pub(crate) fn is_dialling(&self, destination: &str, prefixes: &DialingPrefixes) -> bool {
        let same = |number: &str| same_party(number, destination, prefixes);
        self.dialling.iter().any(|d| same(d))
            || self.calls.iter().any(|c| c.state == CallState::RingingOut && same(&c.dialled))
    }

    /// Whether `number` is a party of a call the agent is on (ringing,
    /// connected or held; a failed call has nobody on it).
    pub(crate) fn is_on_call_with(&self, number: &str, prefixes: &DialingPrefixes) -> bool {
        self.calls
            .iter()
            .filter(|c| c.state != CallState::Failed)
            .any(|c| c.parties.iter().any(|p| same_party(p, number, prefixes)))
    }

    /// The agent's `makecall` or `consultation` to `destination` succeeded.
    pub(crate) fn placed(&mut self, now: Millis, extension: &str, destination: &str) -> Vec<CallChange> {
        let mut changes = Vec::new();
        self.forget_dialling(destination);
        if !self.calls.iter().any(|c| c.direction == Direction::Outbound && same_number(&c.called, destination)) {
            let event = Event::new(EventKind::Alert).calling(extension).called(destination);
            let call = self.new_call(now, CallState::RingingOut, Direction::Outbound, &event);
            self.add(call, &mut changes);
        }
        changes
    }

    /// CtiSVR confirmed the DTMF of `digits`, the extension of `call`.
    pub(crate) fn extension_sent(&mut self, call: CallId, digits: &str) -> Vec<CallChange> {
        let mut changes = Vec::new();
        if let Some(index) = self.calls.iter().position(|c| c.id == call) {
            self.update(index, &mut changes, |call| {
                if let Some(extension) = call.extension.as_mut().filter(|e| e.digits == digits) {
                    extension.sent = true;
                }
            });
        }
        changes
    }

    /// The agent's `dropparty` of `party` succeeded.
    pub(crate) fn party_dropped(&mut self, party: &str) -> Vec<CallChange> {
        let mut changes = Vec::new();
        if let Some(index) = self.calls.iter().position(|c| c.parties.iter().any(|p| p == party)) {
            self.update(index, &mut changes, |call| {
                call.parties.retain(|p| p != party);
                call.conference = call.parties.len() > 1;
            });
        }
        changes
    }

    /// After a (re)connect: the server's `userdata` says there is a call.
    /// Its numbers tell its direction (we placed it when the calling party
    /// is our extension); `memo`, what the page remembered before a reload,
    /// gives its start and the number dialled.
    pub(crate) fn restore(
        &mut self,
        now: Millis,
        restored: Restored<'_>,
        memo: Option<&Remembered>,
    ) -> Vec<CallChange> {
        let mut changes = Vec::new();
        let Restored { extension, calling, called, caller } = restored;
        let known = self.calls.iter().any(|c| same_number(&c.calling, calling) && same_number(&c.called, called));
        if !known {
            self.clear(&mut changes);
            let placed = !extension.is_empty() && calling == extension && called != extension;
            let direction = memo.map_or(if placed { Direction::Outbound } else { Direction::Inbound }, |m| m.direction);
            let mut event = Event::new(EventKind::Connect).calling(calling).called(called);
            if direction == Direction::Inbound && caller != calling {
                event = event.orig_calling(caller);
            }
            let mut call = self.new_call(now, CallState::Connected, direction, &event);
            call.consultation = false;
            call.connected_at = Some(now);
            if let Some(memo) = memo {
                call.started_at = memo.started_at;
                call.connected_at = Some(memo.connected_at.unwrap_or(now));
                call.extension = memo.extension.clone();
                if !memo.dialled.is_empty() {
                    call.dialled = memo.dialled.clone();
                }
            }
            self.add(call, &mut changes);
        }
        changes
    }

    /// Another tab remembered call `id` (restored blind after a reload):
    /// its start, direction and the number dialled.
    pub(crate) fn resume(&mut self, id: CallId, memo: &Remembered) -> Vec<CallChange> {
        let mut changes = Vec::new();
        if let Some(index) = self.calls.iter().position(|c| c.id == id) {
            self.update(index, &mut changes, |call| {
                call.started_at = memo.started_at;
                call.connected_at = memo.connected_at.or(call.connected_at);
                if call.direction != memo.direction {
                    call.direction = memo.direction;
                    call.withheld = false;
                    let other = match memo.direction {
                        Direction::Inbound => call.caller.clone(),
                        Direction::Outbound => memo.dialled.clone(),
                    };
                    call.parties = if other.is_empty() { Vec::new() } else { vec![other] };
                }
                if !memo.dialled.is_empty() {
                    call.dialled = memo.dialled.clone();
                }
                if call.extension.is_none() {
                    call.extension = memo.extension.clone();
                }
            });
        }
        changes
    }

    /// The server says there is no call.
    pub(crate) fn clear_all(&mut self) -> Vec<CallChange> {
        let mut changes = Vec::new();
        self.clear(&mut changes);
        changes
    }

    fn new_call(&mut self, now: Millis, state: CallState, direction: Direction, event: &Event) -> Call {
        self.next_id = self.next_id.wrapping_add(1);
        let calling = event.calling.clone().unwrap_or_default();
        let called = event.called.clone().unwrap_or_default();
        let (caller, withheld) = self.caller_of(event);
        let other = match direction {
            Direction::Inbound => caller.clone(),
            Direction::Outbound => called.clone(),
        };
        // Events may leave `called` out, or name it without the outside prefix.
        let extension = match &self.dialled_extension {
            Some((destination, _))
                if direction == Direction::Outbound
                    && (called.is_empty() || destination.ends_with(called.as_str())) =>
            {
                self.dialled_extension.take().map(|(_, digits)| CallExtension { digits, sent: false })
            }
            _ => None,
        };
        Call {
            id: self.next_id,
            state,
            direction,
            calling,
            dialled: called.clone(),
            called,
            caller,
            withheld: withheld && direction == Direction::Inbound,
            parties: if other.is_empty() { Vec::new() } else { vec![other] },
            // A call placed while another is up is its consultation.
            consultation: direction == Direction::Outbound && !self.calls.is_empty(),
            conference: false,
            started_at: now,
            connected_at: None,
            extension,
        }
    }

    fn add(&mut self, call: Call, changes: &mut Vec<CallChange>) {
        if self.calls.len() >= MAX_CALLS {
            self.doubt = true;
            return;
        }
        changes.push(CallChange::Appeared(call.clone()));
        self.calls.push(call);
    }

    fn update(&mut self, index: usize, changes: &mut Vec<CallChange>, change: impl FnOnce(&mut Call)) {
        if let Some(call) = self.calls.get_mut(index) {
            let before = call.clone();
            change(call);
            if *call != before {
                changes.push(CallChange::Changed(call.clone()));
            }
        }
    }

    fn end(&mut self, index: usize, changes: &mut Vec<CallChange>) {
        if index < self.calls.len() {
            changes.push(CallChange::Ended(self.calls.remove(index)));
        }
    }

    fn clear(&mut self, changes: &mut Vec<CallChange>) {
        changes.extend(self.calls.drain(..).map(CallChange::Ended));
    }

    /// A lone call is nobody's consultation.
    fn normalise(&mut self, changes: &mut Vec<CallChange>) {
        if self.calls.len() == 1 && self.calls.first().is_some_and(|c| c.consultation) {
            self.update(0, changes, |call| call.consultation = false);
        }
    }

    /// The call whose `calling` and `called` are the event's. A number the
    /// event leaves out is blank, as it was on the call it created (a
    /// withheld caller's events may carry no `calling` at all).
    fn matching(&self, event: &Event) -> Option<usize> {
        if numberless(event) {
            return None;
        }
        let (calling, called) = (event.calling.as_deref().unwrap_or(""), event.called.as_deref().unwrap_or(""));
        self.calls.iter().position(|c| same_number(&c.calling, calling) && same_number(&c.called, called))
    }

    /// A call the agent placed that this event is about: by its numbers,
    /// else by the number called, else (an event without numbers) the call
    /// ringing at the far end.
    fn find_placed(&self, event: &Event) -> Option<usize> {
        self.matching(event)
            .or_else(|| {
                let called = event.called.as_deref()?;
                self.calls.iter().position(|c| c.direction == Direction::Outbound && same_number(&c.called, called))
            })
            .or_else(|| numberless(event).then(|| self.find_state(CallState::RingingOut)).flatten())
    }

    /// An `alert`, `connect` or `fail` that matches no call: the call the
    /// agent is placing when a request waits for its answer and the event is
    /// about it (it names the number dialled, or our extension calling, or
    /// no number at all), else doubt: a late `connect` of the call that just
    /// ended is not the new dial.
    fn start_placed(
        &mut self,
        now: Millis,
        extension: &str,
        state: CallState,
        event: &Event,
        changes: &mut Vec<CallChange>,
    ) {
        let called = event.called.as_deref().unwrap_or("");
        let ours = numberless(event)
            || self.dialling.iter().any(|d| same_number(d, called))
            || (!extension.is_empty() && event.calling.as_deref() == Some(extension) && called != extension);
        if self.dialling.is_empty() || !ours {
            self.doubt = true;
            return;
        }
        let mut call = self.new_call(now, state, Direction::Outbound, event);
        if state == CallState::Connected {
            call.connected_at = Some(now);
        }
        self.add(call, changes);
    }

    /// `hold` or `retrieve`: the matching call (for an event without
    /// numbers, the one call in state `from`) goes `from` -> `to`; in any
    /// other state it is a duplicate or late event. No call: doubt.
    fn move_state(&mut self, event: &Event, from: CallState, to: CallState, changes: &mut Vec<CallChange>) {
        let index = self.matching(event).or_else(|| numberless(event).then(|| self.find_state(from)).flatten());
        match index {
            Some(index) => self.update(index, changes, |call| {
                if call.state == from {
                    call.state = to;
                }
            }),
            None => self.doubt = true,
        }
    }

    fn forget_dialling(&mut self, destination: &str) {
        if let Some(index) = self.dialling.iter().position(|d| same_number(d, destination)) {
            self.dialling.remove(index);
        }
    }

    fn find_state(&self, state: CallState) -> Option<usize> {
        self.calls.iter().position(|c| c.state == state)
    }

    fn transferred(&mut self, event: &Event, changes: &mut Vec<CallChange>) {
        if let Some(original) = event.orig_calling.clone().filter(|o| !o.is_empty()) {
            // We are the new party of a transferred call: show the original caller.
            let index = self.matching(event).or_else(|| (self.calls.len() == 1).then_some(0));
            let withheld = self.withheld.is_withheld(&original);
            if let Some(index) = index {
                self.update(index, changes, |call| {
                    call.caller = original.clone();
                    call.withheld = withheld && call.direction == Direction::Inbound;
                    call.parties = vec![original];
                });
            }
        } else if let Some((held, consultation)) = self.consultation_pair().map(|(h, c)| (h.id, c.id)) {
            // We transferred: both of our calls are gone.
            self.end_id(held, changes);
            self.end_id(consultation, changes);
        } else if let Some(index) = self.calls.iter().position(|c| c.is_active()) {
            // Single-step transfer of our active call.
            self.end(index, changes);
        }
    }

    fn conferenced(&mut self, extension: &str, event: &Event, changes: &mut Vec<CallChange>) {
        if let Some((held, consultation)) = self.consultation_pair().map(|(h, c)| (h.id, c.id)) {
            let joined: Vec<String> =
                self.calls.iter().find(|c| c.id == consultation).map(|c| c.parties.clone()).unwrap_or_default();
            self.end_id(consultation, changes);
            if let Some(index) = self.calls.iter().position(|c| c.id == held) {
                self.update(index, changes, |call| {
                    call.state = CallState::Connected;
                    call.conference = true;
                    for party in joined {
                        if !call.parties.contains(&party) {
                            call.parties.push(party);
                        }
                    }
                });
            }
        } else if let Some(index) = self.matching(event).or_else(|| (self.calls.len() == 1).then_some(0)) {
            // We were consulted and are now in a conference.
            let others: Vec<String> = [&event.calling, &event.called, &event.orig_calling]
                .into_iter()
                .flatten()
                .filter(|n| !n.is_empty() && n.as_str() != extension)
                .cloned()
                .collect();
            let numbers = event.calling.clone().zip(event.called.clone());
            self.update(index, changes, |call| {
                // Later events about the conference carry its numbers, not the consultation's.
                if let Some((calling, called)) = numbers {
                    call.calling = calling;
                    call.called = called;
                }
                call.conference = true;
                for party in others {
                    if !call.parties.contains(&party) {
                        call.parties.push(party);
                    }
                }
            });
        }
    }

    fn disconnected(&mut self, extension: &str, event: &Event, changes: &mut Vec<CallChange>) {
        let fallback =
            || self.calls.iter().position(|c| c.is_active()).or_else(|| (self.calls.len() == 1).then_some(0));
        let index = self.matching(event).or_else(|| numberless(event).then(fallback).flatten());
        let Some(index) = index else {
            // With no call left it is late; otherwise it may be about a call we show.
            if !self.calls.is_empty() {
                self.doubt = true;
            }
            return;
        };
        let party = event.extra.get("party").and_then(Value::as_str).filter(|p| !p.is_empty());
        let Some(call) = self.calls.get(index) else { return };
        match party {
            // Someone else left: the call goes on while anyone is left on it.
            Some(party) if party != extension => {
                if !call.parties.iter().any(|p| p == party) {
                    return; // already gone (we dropped them ourselves)
                }
                let party = party.to_owned();
                if call.parties.len() > 1 {
                    self.update(index, changes, |call| {
                        call.parties.retain(|p| *p != party);
                        call.conference = call.parties.len() > 1;
                    });
                } else {
                    self.end(index, changes);
                }
            }
            // A party we never knew left a conference: it goes on without them.
            None if call.parties.len() > 1 => {
                self.update(index, changes, |call| {
                    call.parties.pop();
                    call.conference = call.parties.len() > 1;
                });
            }
            _ => self.end(index, changes),
        }
    }

    /// The event's caller (`origcalling` when present, else `calling`) and
    /// whether it is withheld.
    fn caller_of(&self, event: &Event) -> (String, bool) {
        let caller = event.caller().unwrap_or_default().to_owned();
        let withheld = self.withheld.is_withheld(&caller);
        (caller, withheld)
    }

    fn end_id(&mut self, id: CallId, changes: &mut Vec<CallChange>) {
        if let Some(index) = self.calls.iter().position(|c| c.id == id) {
            self.end(index, changes);
        }
    }
}

/// An event with neither `calling` nor `called`: matched by what it can only mean.
fn numberless(event: &Event) -> bool {
    event.calling.is_none() && event.called.is_none()
}

/// An inbound call from `caller` to 2001 in `state`, started at 0, for tests.
#[cfg(test)]
pub(crate) fn test_call(id: CallId, state: CallState, caller: &str) -> Call {
    Call {
        id,
        state,
        direction: Direction::Inbound,
        calling: caller.into(),
        called: "2001".into(),
        caller: caller.into(),
        withheld: false,
        dialled: String::new(),
        parties: vec![caller.into()],
        consultation: false,
        conference: false,
        started_at: Millis(0),
        connected_at: None,
        extension: None,
    }
}

#[cfg(test)]
mod tests;
