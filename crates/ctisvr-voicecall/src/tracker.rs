//! The service's decisions, sans IO: the calls at each monitored extension
//! as CtiSVR's events tell them, which VoiceCall record each inbound call
//! gets (and with what parent), when and with what durations a record is
//! closed, what is retried, and which call a connector's read finds.
//!
//! No sockets, no clock and no tasks of its own. Time comes in as Unix
//! milliseconds with every input; what to do comes out as [`Output`]s to
//! drain with [`Tracker::poll_output`]; the results of those requests come
//! back through [`Tracker::created`] and [`Tracker::closed`]; timed retries
//! are due at [`Tracker::poll_timeout`] and run by
//! [`Tracker::handle_timeout`]. The tokio edge (`crate::service`) only
//! carries frames and requests.
//!
//! ## The call model
//!
//! CtiSVR's events name neither the extension (one connection monitors one
//! extension, so the edge knows it) nor the call (no call id, no UCID). So
//! each extension keeps its own list of calls, and an event is matched to
//! one by its `calling` and `called` numbers and the calls' states:
//!
//! | event | does at the extension |
//! |---|---|
//! | `offer` | a new inbound call rings; its record is created at once. The same call offered again with `origcalling` (the consultation was transferred while it rang) only learns `origcalling` |
//! | `alert` | a new outbound call rings (no record: Salesforce makes outbound ones) |
//! | `connect` | the ringing call with these numbers (else the newest ringing one) is connected; with no call known, a call first seen connected (inbound, with a record, when `called` is this extension) |
//! | `hold` / `retrieve` | the connected / held call with these numbers (else the newest; for `hold`, else the newest ringing, as a call found after a reconnect may be talking) is held / connected again; hold time adds up |
//! | `transfer` | `called` is this extension: a call was transferred to it (it learns `origcalling`); else this extension transferred: its held call and its newest other call end (two-step), or its connected call (single-step) |
//! | `conference` | the held call is connected again and the consultation leg (no record) is merged into it |
//! | `disconnect` | with two calls or more and a `party`: this extension left (`party` is itself: its newest call not held ends) or the only call whose far end is `party` ends |
//! | `idle` | every call left ends |
//! | `fail`, unknown events | nothing |
//! | after a (re)connect, `snapshot` ([`Tracker::handle_snapshot`]) | no call at the switch: every call left ends; more calls than known: `userdata`'s current call ([`Tracker::handle_current_call`]) is added as if just offered |
//!
//! An extension keeps at most [`MAX_CALLS_PER_EXTENSION`] calls (past it,
//! events were lost: the oldest ends).
//!
//! ## Records
//!
//! - An inbound call gets `vendorCallKey` `<extension>-<unix ms>-<n>` (`n`
//!   counts calls since the service started), `to` its `called` number.
//! - When its `calling` number is another monitored extension with a live
//!   inbound call that has (or is getting) a record, its held one first
//!   (a consultation), or whose call ended by `transfer` in the last
//!   [`RECENT_MS`] (a single-step transfer seen after the transferring
//!   side's events), the record is a `Transfer` whose `parentVoiceCallId` is
//!   that call's record, and whose `from` is that call's caller (the
//!   customer, not the transferring agent's extension). A parent whose
//!   record is still being created is waited for; one that never gets a
//!   record makes the child an `Inbound` call.
//! - Otherwise `Inbound`, `from` the caller shown (`origcalling` when
//!   present, else `calling`); a withheld caller (empty or absent) is sent
//!   as [`WITHHELD`], as Salesforce requires a `from`.
//! - A call's end closes its record with `endTime`,
//!   `agentInteractionDuration` (first connect to the end, whole seconds,
//!   0 when never connected), `totalHoldDuration` (its hold periods) and
//!   `isActiveCall: false`. A record whose create is in flight when the call
//!   ends is closed as soon as it arrives.
//! - A create Salesforce refuses with a retryable status (5xx, 408, 429) or
//!   that gets no answer is tried again after [`backoff`] for as long as the
//!   call lives; a close, up to [`CLOSE_ATTEMPTS`] times in all.

use crate::voice_call::{InitiationMethod, NewVoiceCall, Participant, VoiceCallEnd};
use ctisvr_core::wire::{Event, EventKind};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Unix time in milliseconds.
pub type Millis = u64;

/// `from` (and the participant) of a call whose caller is withheld: the
/// SIP convention for an anonymous caller (RFC 3323). Salesforce requires a
/// `from`; what it does with this one could not be checked without an org.
pub const WITHHELD: &str = "anonymous";

/// How long a call that ended by `transfer` can still be a parent.
pub const RECENT_MS: Millis = 30_000;

/// How many times in all a close is sent before the service gives up.
pub const CLOSE_ATTEMPTS: u32 = 4;

/// The most calls one extension keeps; past it the oldest is ended (events
/// were lost: a phone has a few calls at most).
pub const MAX_CALLS_PER_EXTENSION: usize = 16;

/// The longest number kept from an event, in characters.
const MAX_NUMBER_CHARS: usize = 64;

/// The wait before attempt `attempt + 1` after attempt `attempt` failed:
/// 250 ms, doubling, at most 30 s.
pub fn backoff(attempt: u32) -> Millis {
    let doublings = attempt.saturating_sub(1).min(7);
    (250u64 << doublings).min(30_000)
}

/// Why a request to Salesforce failed, as the edge saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Worth trying again (5xx, 408, 429, no answer).
    pub retryable: bool,
    pub reason: String,
}

/// What the edge must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// `Scrt::create`, then [`Tracker::created`] with `key`.
    Create { key: String, call: NewVoiceCall, attempt: u32 },
    /// `Scrt::close`, then [`Tracker::closed`] with the id.
    Close { voice_call_id: String, end: VoiceCallEnd, attempt: u32 },
    /// For the log: a record that will not be made, or not closed.
    GaveUp { what: String, reason: String },
}

/// What a read found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(FoundCall),
    /// The call is there; its record is not yet.
    Pending {
        reason: String,
    },
    /// The call is there; it will get no record.
    Failed {
        reason: String,
    },
    /// No live inbound call at the extension matches.
    NoCall,
    /// The extension is not one the service monitors.
    NotMonitored,
}

/// A live call's record, as a read returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundCall {
    pub voice_call_id: String,
    pub vendor_call_key: String,
    pub initiation_method: InitiationMethod,
    pub parent_voice_call_id: Option<String>,
}

type CallId = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leg {
    Ringing,
    Connected,
    Held,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Record {
    /// An outbound leg: Salesforce makes those records itself.
    NotWanted,
    /// Created once the parent call has its record.
    AwaitingParent {
        parent: CallId,
    },
    /// A create is in flight.
    Creating {
        attempt: u32,
    },
    /// Attempt `attempt` is due at `at`.
    Retrying {
        attempt: u32,
        at: Millis,
        reason: String,
    },
    Created {
        id: String,
    },
    /// No record, for good.
    Failed {
        reason: String,
    },
}

#[derive(Debug, Clone)]
struct Call {
    extension: String,
    inbound: bool,
    calling: String,
    called: String,
    orig_calling: Option<String>,
    leg: Leg,
    started_at: Millis,
    connected_at: Option<Millis>,
    held_since: Option<Millis>,
    held_ms: Millis,
    conference: bool,
    key: String,
    /// The record's `from`, `to` and how it was initiated.
    from: String,
    to: String,
    method: InitiationMethod,
    parent_record: Option<String>,
    record: Record,
    /// Why the last create failed, if one did.
    last_failure: Option<String>,
    ended: Option<Ended>,
}

#[derive(Debug, Clone)]
struct Ended {
    at: Millis,
    by_transfer: bool,
    end: VoiceCallEnd,
}

#[derive(Debug, Clone)]
struct Closing {
    end: VoiceCallEnd,
    attempt: u32,
    /// When the next attempt is due; `None` while one is in flight.
    at: Option<Millis>,
}

/// The calls of every monitored extension and their records.
#[derive(Debug, Default)]
pub struct Tracker {
    monitored: BTreeSet<String>,
    /// Every call, live or ended not long ago, by a service-wide number
    /// that grows with time (so a larger id is a newer call).
    calls: BTreeMap<CallId, Call>,
    /// The live calls of each extension.
    live: BTreeMap<String, Vec<CallId>>,
    closing: BTreeMap<String, Closing>,
    last_id: CallId,
    outputs: VecDeque<Output>,
}

impl Tracker {
    /// A tracker for these extensions; events of any other are ignored.
    pub fn new<I, S>(extensions: I) -> Tracker
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let monitored: BTreeSet<String> = extensions.into_iter().map(Into::into).collect();
        let live = monitored.iter().map(|e| (e.clone(), Vec::new())).collect();
        Tracker { monitored, live, ..Tracker::default() }
    }

    pub fn is_monitored(&self, extension: &str) -> bool {
        self.monitored.contains(extension)
    }

    /// The next thing to do.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// One event of `extension`'s monitor, received at `now`.
    pub fn handle_event(&mut self, now: Millis, extension: &str, event: &Event) {
        if !self.is_monitored(extension) {
            return;
        }
        match &event.kind {
            EventKind::Offer => self.offer(now, extension, event),
            EventKind::Alert => self.alert(now, extension, event),
            EventKind::Connect => self.connect(now, extension, event),
            EventKind::Hold => self.hold(now, extension, event),
            EventKind::Retrieve => self.retrieve(now, extension, event),
            EventKind::Transfer => self.transfer(now, extension, event),
            EventKind::Conference => self.conference(now, extension),
            EventKind::Disconnect => self.disconnect(now, extension, event),
            EventKind::Idle => self.end_all(now, extension),
            EventKind::Fail | EventKind::Unknown(_) => {}
        }
        self.prune(now);
    }

    /// The monitor of `extension` was (re)started and CtiSVR says it has
    /// `calls` calls (`snapshot`): with none, every call it had ended while
    /// the service was not listening. True when CtiSVR has more calls than
    /// the tracker knows (one rang while nobody listened): ask CtiSVR for
    /// the current call (`userdata`) and give it to
    /// [`Tracker::handle_current_call`].
    pub fn handle_snapshot(&mut self, now: Millis, extension: &str, calls: u32) -> bool {
        if !self.is_monitored(extension) {
            return false;
        }
        if calls == 0 {
            self.end_all(now, extension);
        }
        self.prune(now);
        usize::try_from(calls).unwrap_or(usize::MAX) > self.live_calls(extension)
    }

    /// CtiSVR's current call at `extension` (`userdata`: `calling`,
    /// `called`, and `cli`, the caller shown): unless the tracker knows a
    /// call with these numbers, it is a call that began while nobody
    /// listened, recorded now as if it had just been offered (inbound when
    /// someone else calls) and taken as ringing (a `connect` may follow).
    pub fn handle_current_call(&mut self, now: Millis, extension: &str, calling: &str, called: &str, cli: &str) {
        if !self.is_monitored(extension) {
            return;
        }
        let (calling, called, cli) = (number(Some(calling)), number(Some(called)), number(Some(cli)));
        let known = self.live_at(extension).any(|(_, c)| {
            (c.calling == calling && c.called == called)
                || (!cli.is_empty() && c.orig_calling.as_deref() == Some(cli.as_str()))
        });
        if known || (calling.is_empty() && called.is_empty()) {
            return;
        }
        if calling.is_empty() || calling == extension {
            self.new_outbound(now, extension, extension.to_owned(), called, Leg::Ringing);
        } else {
            let orig = (!cli.is_empty() && cli != calling).then_some(cli);
            self.new_inbound(now, extension, calling, called, orig, Leg::Ringing);
        }
        self.prune(now);
    }

    /// The answer to [`Output::Create`] `key`: the record's id, or why not.
    pub fn created(&mut self, now: Millis, key: &str, result: Result<String, Failure>) {
        let Some(id) = self.calls.iter().find(|(_, c)| c.key == key && c.inbound).map(|(&id, _)| id) else { return };
        let Some(call) = self.calls.get_mut(&id) else { return };
        let Record::Creating { attempt } = call.record else { return };
        let ended = call.ended.as_ref().map(|e| e.end.clone());
        match result {
            Ok(voice_call_id) => {
                call.record = Record::Created { id: voice_call_id.clone() };
                if let Some(end) = ended {
                    self.start_close(voice_call_id, end);
                }
            }
            Err(failure) if failure.retryable && ended.is_none() => {
                call.last_failure = Some(failure.reason.clone());
                let at = now.saturating_add(backoff(attempt));
                call.record = Record::Retrying { attempt: attempt + 1, at, reason: failure.reason };
            }
            Err(failure) => {
                let reason = if ended.is_some() {
                    format!("the call ended before Salesforce gave it: {}", failure.reason)
                } else {
                    format!("Salesforce refused it: {}", failure.reason)
                };
                call.record = Record::Failed { reason: failure.reason };
                let what = format!("the record of call {key}");
                self.outputs.push_back(Output::GaveUp { what, reason });
            }
        }
        self.resolve_children(id);
        self.prune(now);
    }

    /// The answer to [`Output::Close`] of `voice_call_id`.
    pub fn closed(&mut self, now: Millis, voice_call_id: &str, result: Result<(), Failure>) {
        let Some(closing) = self.closing.get_mut(voice_call_id) else { return };
        match result {
            Ok(()) => {
                self.closing.remove(voice_call_id);
            }
            Err(failure) if failure.retryable && closing.attempt < CLOSE_ATTEMPTS => {
                closing.at = Some(now.saturating_add(backoff(closing.attempt)));
                closing.attempt += 1;
            }
            Err(failure) => {
                let attempts = closing.attempt;
                self.closing.remove(voice_call_id);
                self.outputs.push_back(Output::GaveUp {
                    what: format!("the close of VoiceCall {voice_call_id}"),
                    reason: format!("after {attempts} attempt(s): {}", failure.reason),
                });
            }
        }
    }

    /// When the next retry is due, if one is waiting.
    pub fn poll_timeout(&self) -> Option<Millis> {
        let creates = self.calls.values().filter_map(|c| match c.record {
            Record::Retrying { at, .. } => Some(at),
            _ => None,
        });
        let closes = self.closing.values().filter_map(|c| c.at);
        creates.chain(closes).min()
    }

    /// Sends the retries due at `now`.
    pub fn handle_timeout(&mut self, now: Millis) {
        let due: Vec<CallId> = self
            .calls
            .iter()
            .filter(|(_, c)| matches!(c.record, Record::Retrying { at, .. } if at <= now))
            .map(|(&id, _)| id)
            .collect();
        for id in due {
            if let Some(Record::Retrying { attempt, .. }) = self.calls.get(&id).map(|c| c.record.clone()) {
                self.send_create(id, attempt);
            }
        }
        for (voice_call_id, closing) in &mut self.closing {
            if closing.at.is_some_and(|at| at <= now) {
                closing.at = None;
                self.outputs.push_back(Output::Close {
                    voice_call_id: voice_call_id.clone(),
                    end: closing.end.clone(),
                    attempt: closing.attempt,
                });
            }
        }
        self.prune(now);
    }

    /// The newest live inbound call at `extension` whose caller is `from`
    /// (see [`same_number`]; a `from` without digits, or none, is a
    /// withheld caller: the newest call, whoever calls).
    pub fn lookup(&self, extension: &str, from: Option<&str>) -> Lookup {
        let Some(live) = self.live.get(extension) else { return Lookup::NotMonitored };
        let from = from.map(digits).filter(|d| !d.is_empty());
        let found = live.iter().rev().filter_map(|id| self.calls.get(id)).find(|call| {
            call.inbound
                && match &from {
                    None => true,
                    Some(wanted) => [Some(&call.calling), call.orig_calling.as_ref(), Some(&call.from)]
                        .into_iter()
                        .flatten()
                        .any(|number| same_number(&digits(number), wanted)),
                }
        });
        let Some(call) = found else { return Lookup::NoCall };
        match &call.record {
            Record::Created { id } => Lookup::Found(FoundCall {
                voice_call_id: id.clone(),
                vendor_call_key: call.key.clone(),
                initiation_method: call.method,
                parent_voice_call_id: call.parent_record.clone(),
            }),
            Record::AwaitingParent { .. } => {
                Lookup::Pending { reason: "waiting for the record of the call it was transferred from".into() }
            }
            Record::Creating { attempt: 1 } => Lookup::Pending { reason: "Salesforce is creating it".into() },
            Record::Creating { attempt } => Lookup::Pending {
                reason: format!(
                    "Salesforce is creating it (attempt {attempt}; the last failed: {})",
                    call.last_failure.as_deref().unwrap_or("?")
                ),
            },
            Record::Retrying { reason, .. } => {
                Lookup::Pending { reason: format!("Salesforce failed, trying again: {reason}") }
            }
            Record::Failed { reason } => Lookup::Failed { reason: reason.clone() },
            Record::NotWanted => Lookup::NoCall,
        }
    }

    /// How many calls the extension has now (for the log and tests).
    pub fn live_calls(&self, extension: &str) -> usize {
        self.live.get(extension).map_or(0, Vec::len)
    }

    // ---- events ----

    fn offer(&mut self, now: Millis, extension: &str, event: &Event) {
        let calling = number(event.calling.as_deref());
        let called = number(event.called.as_deref());
        let orig = event.orig_calling.as_deref().map(|n| number(Some(n))).filter(|n| !n.is_empty());
        // The same ringing call again, now transferred: it learns origcalling.
        if let Some(orig) = &orig {
            let same = self.live_at(extension).find(|(_, c)| {
                c.inbound
                    && c.leg == Leg::Ringing
                    && c.orig_calling.is_none()
                    && c.calling == calling
                    && c.called == called
            });
            if let Some((id, _)) = same {
                if let Some(call) = self.calls.get_mut(&id) {
                    call.orig_calling = Some(orig.clone());
                }
                return;
            }
        }
        self.new_inbound(now, extension, calling, called, orig, Leg::Ringing);
    }

    fn new_inbound(
        &mut self,
        now: Millis,
        extension: &str,
        calling: String,
        called: String,
        orig: Option<String>,
        leg: Leg,
    ) {
        let id = self.next_id();
        let key = format!("{extension}-{now}-{id}");
        let shown = orig.clone().unwrap_or_else(|| calling.clone());
        let parent =
            if calling != extension && self.is_monitored(&calling) { self.parent_at(&calling, now) } else { None };
        let (method, from, record) = match &parent {
            Some(parent) => {
                let from = orig.clone().unwrap_or_else(|| parent.customer.clone());
                let record = match &parent.record {
                    Some(_) => Record::Creating { attempt: 1 },
                    None => Record::AwaitingParent { parent: parent.id },
                };
                (InitiationMethod::Transfer, from, record)
            }
            None => (InitiationMethod::Inbound, shown, Record::Creating { attempt: 1 }),
        };
        let from = if from.trim().is_empty() { WITHHELD.to_owned() } else { from };
        let to = if called.is_empty() { extension.to_owned() } else { called.clone() };
        let call = Call {
            extension: extension.to_owned(),
            inbound: true,
            calling,
            called,
            orig_calling: orig,
            leg,
            started_at: now,
            connected_at: (leg == Leg::Connected).then_some(now),
            held_since: None,
            held_ms: 0,
            conference: false,
            key,
            from,
            to,
            method,
            parent_record: parent.and_then(|p| p.record),
            record: Record::NotWanted,
            last_failure: None,
            ended: None,
        };
        self.add_live(now, id, call);
        match record {
            Record::Creating { attempt } => self.send_create(id, attempt),
            other => {
                if let Some(call) = self.calls.get_mut(&id) {
                    call.record = other;
                }
            }
        }
    }

    fn alert(&mut self, now: Millis, extension: &str, event: &Event) {
        let calling = number(event.calling.as_deref());
        let calling = if calling.is_empty() { extension.to_owned() } else { calling };
        let called = number(event.called.as_deref());
        let known = self
            .live_at(extension)
            .any(|(_, c)| !c.inbound && c.leg == Leg::Ringing && c.calling == calling && c.called == called);
        if !known {
            self.new_outbound(now, extension, calling, called, Leg::Ringing);
        }
    }

    fn new_outbound(&mut self, now: Millis, extension: &str, calling: String, called: String, leg: Leg) {
        let id = self.next_id();
        let call = Call {
            extension: extension.to_owned(),
            inbound: false,
            calling,
            called: called.clone(),
            orig_calling: None,
            leg,
            started_at: now,
            connected_at: (leg == Leg::Connected).then_some(now),
            held_since: None,
            held_ms: 0,
            conference: false,
            key: format!("{extension}-{now}-{id}"),
            from: extension.to_owned(),
            to: called,
            method: InitiationMethod::Outbound,
            parent_record: None,
            record: Record::NotWanted,
            last_failure: None,
            ended: None,
        };
        self.add_live(now, id, call);
    }

    fn connect(&mut self, now: Millis, extension: &str, event: &Event) {
        let target = self
            .find(extension, event, |c| c.leg == Leg::Ringing)
            .or_else(|| self.newest(extension, |c| c.leg == Leg::Ringing))
            .or_else(|| self.find(extension, event, |c| c.leg == Leg::Connected));
        match target {
            Some(id) => {
                if let Some(call) = self.calls.get_mut(&id) {
                    call.leg = Leg::Connected;
                    call.connected_at.get_or_insert(now);
                }
            }
            None if self.live_calls(extension) == 0 => {
                // First seen connected (the service started, or reconnected, mid-call).
                let calling = number(event.calling.as_deref());
                let called = number(event.called.as_deref());
                let orig = event.orig_calling.as_deref().map(|n| number(Some(n))).filter(|n| !n.is_empty());
                if called == extension && !calling.is_empty() && calling != extension {
                    self.new_inbound(now, extension, calling, called, orig, Leg::Connected);
                } else {
                    let calling = if calling.is_empty() { extension.to_owned() } else { calling };
                    self.new_outbound(now, extension, calling, called, Leg::Connected);
                }
            }
            None => {}
        }
    }

    fn hold(&mut self, now: Millis, extension: &str, event: &Event) {
        // A call found after a reconnect is taken as ringing: it may be talking.
        let target = self
            .find(extension, event, |c| c.leg == Leg::Connected)
            .or_else(|| self.newest(extension, |c| c.leg == Leg::Connected))
            .or_else(|| self.newest(extension, |c| c.leg == Leg::Ringing));
        if let Some(call) = target.and_then(|id| self.calls.get_mut(&id)) {
            call.leg = Leg::Held;
            call.held_since = Some(now);
        }
    }

    fn retrieve(&mut self, now: Millis, extension: &str, event: &Event) {
        let target = self
            .find(extension, event, |c| c.leg == Leg::Held)
            .or_else(|| self.newest(extension, |c| c.leg == Leg::Held));
        if let Some(call) = target.and_then(|id| self.calls.get_mut(&id)) {
            unhold(call, now);
        }
    }

    fn transfer(&mut self, now: Millis, extension: &str, event: &Event) {
        let called = number(event.called.as_deref());
        if called == extension {
            // A call was transferred to this extension: it goes on, with the
            // original caller now known.
            let orig = event.orig_calling.as_deref().map(|n| number(Some(n))).filter(|n| !n.is_empty());
            let target =
                self.find(extension, event, |_| true).or_else(|| self.newest(extension, |c| c.leg != Leg::Held));
            if let (Some(call), Some(orig)) = (target.and_then(|id| self.calls.get_mut(&id)), orig) {
                call.orig_calling = Some(orig);
            }
            return;
        }
        // This extension transferred: two-step (its held call and the
        // consultation) or single-step (its connected call).
        let held = self.newest(extension, |c| c.leg == Leg::Held);
        let other = self.newest(extension, |c| c.leg != Leg::Held);
        let ending: Vec<CallId> = match held {
            Some(held) => [Some(held), other].into_iter().flatten().collect(),
            None => self.newest(extension, |c| c.leg == Leg::Connected).into_iter().collect(),
        };
        for id in ending {
            self.end_call(now, id, true);
        }
    }

    fn conference(&mut self, now: Millis, extension: &str) {
        let Some(held) = self.newest(extension, |c| c.leg == Leg::Held) else {
            if let Some(call) = self.newest(extension, |_| true).and_then(|id| self.calls.get_mut(&id)) {
                call.conference = true;
            }
            return;
        };
        if let Some(call) = self.calls.get_mut(&held) {
            unhold(call, now);
            call.conference = true;
        }
        // The consultation leg is now part of the held call.
        let consultation = self.newest(extension, |c| !c.inbound && c.leg != Leg::Held);
        if let Some(id) = consultation.filter(|&id| id > held) {
            self.forget_live(id);
            self.calls.remove(&id);
        }
    }

    fn disconnect(&mut self, now: Millis, extension: &str, event: &Event) {
        if self.live_calls(extension) < 2 {
            return; // `idle` follows when the call is over.
        }
        let Some(party) = event.extra.get("party").and_then(|p| p.as_str()).map(|p| number(Some(p))) else {
            return;
        };
        if party == extension {
            if let Some(id) = self.newest(extension, |c| c.leg != Leg::Held) {
                self.end_call(now, id, false);
            }
            return;
        }
        let far: Vec<CallId> = self
            .live_at(extension)
            .filter(|(_, c)| !c.conference && far_end(c) == Some(party.as_str()))
            .map(|(id, _)| id)
            .collect();
        if let [only] = far.as_slice() {
            self.end_call(now, *only, false);
        }
    }

    fn end_all(&mut self, now: Millis, extension: &str) {
        let ids: Vec<CallId> = self.live.get(extension).cloned().unwrap_or_default();
        for id in ids {
            self.end_call(now, id, false);
        }
    }

    // ---- records ----

    /// Call `id` ended at `now`: its record is closed (now, or when its
    /// create answers), or given up.
    fn end_call(&mut self, now: Millis, id: CallId, by_transfer: bool) {
        self.forget_live(id);
        let Some(call) = self.calls.get_mut(&id) else { return };
        if call.ended.is_some() {
            return;
        }
        if call.leg == Leg::Held {
            unhold(call, now);
        }
        let end = VoiceCallEnd {
            end_time: iso8601(now),
            agent_interaction_duration: call.connected_at.map_or(0, |at| seconds(now.saturating_sub(at))),
            total_hold_duration: seconds(call.held_ms),
            is_active_call: false,
        };
        call.ended = Some(Ended { at: now, by_transfer, end: end.clone() });
        match call.record.clone() {
            Record::Created { id: voice_call_id } => self.start_close(voice_call_id, end),
            Record::AwaitingParent { .. } | Record::Retrying { .. } => {
                let what = format!("the record of call {}", call.key);
                call.record = Record::Failed { reason: "the call ended before Salesforce gave its record".into() };
                self.outputs.push_back(Output::GaveUp {
                    what,
                    reason: "the call ended before Salesforce gave its record".into(),
                });
                self.resolve_children(id);
            }
            Record::Creating { .. } | Record::NotWanted | Record::Failed { .. } => {}
        }
    }

    fn start_close(&mut self, voice_call_id: String, end: VoiceCallEnd) {
        if self.closing.contains_key(&voice_call_id) {
            return;
        }
        self.outputs.push_back(Output::Close { voice_call_id: voice_call_id.clone(), end: end.clone(), attempt: 1 });
        self.closing.insert(voice_call_id, Closing { end, attempt: 1, at: None });
    }

    fn send_create(&mut self, id: CallId, attempt: u32) {
        let Some(call) = self.calls.get_mut(&id) else { return };
        call.record = Record::Creating { attempt };
        let body = NewVoiceCall {
            vendor_call_key: call.key.clone(),
            from: call.from.clone(),
            to: call.to.clone(),
            initiation_method: call.method,
            start_time: iso8601(call.started_at),
            participants: vec![Participant::end_user(&call.from)],
            parent_voice_call_id: call.parent_record.clone(),
            call_attributes: None,
        };
        self.outputs.push_back(Output::Create { key: call.key.clone(), call: body, attempt });
    }

    /// Call `parent`'s record is settled (made, or never to be): the calls
    /// waiting for it are created, as transfers or, without it, inbound.
    fn resolve_children(&mut self, parent: CallId) {
        let record = match self.calls.get(&parent).map(|c| &c.record) {
            Some(Record::Created { id }) => Some(id.clone()),
            Some(Record::Failed { .. }) | None => None,
            Some(_) => return,
        };
        let waiting: Vec<CallId> = self
            .calls
            .iter()
            .filter(|(_, c)| c.record == Record::AwaitingParent { parent })
            .map(|(&id, _)| id)
            .collect();
        for id in waiting {
            if let Some(call) = self.calls.get_mut(&id) {
                if record.is_none() {
                    call.method = InitiationMethod::Inbound;
                    let shown = call.orig_calling.clone().unwrap_or_else(|| call.calling.clone());
                    call.from = if shown.trim().is_empty() { WITHHELD.to_owned() } else { shown };
                }
                call.parent_record = record.clone();
            }
            self.send_create(id, 1);
        }
    }

    /// The call of `extension` that a call from it is transferred from:
    /// its newest held inbound call with a record (a consultation), else
    /// its newest live one, else the newest that it transferred in the
    /// last [`RECENT_MS`].
    fn parent_at(&self, extension: &str, now: Millis) -> Option<Parent> {
        let usable = |c: &Call| c.inbound && !matches!(c.record, Record::Failed { .. } | Record::NotWanted);
        let live = self.live.get(extension).into_iter().flatten().rev().filter_map(|id| self.calls.get_key_value(id));
        let held = live.clone().find(|(_, c)| usable(c) && c.leg == Leg::Held);
        let any = || live.clone().find(|(_, c)| usable(c));
        let recent = || {
            self.calls.iter().rev().find(|(_, c)| {
                c.extension == extension
                    && usable(c)
                    && c.ended.as_ref().is_some_and(|e| e.by_transfer && now.saturating_sub(e.at) <= RECENT_MS)
            })
        };
        let (&id, call) = held.or_else(any).or_else(recent)?;
        let record = match &call.record {
            Record::Created { id } => Some(id.clone()),
            _ => None,
        };
        let customer = call.orig_calling.clone().unwrap_or_else(|| call.from.clone());
        Some(Parent { id, record, customer })
    }

    // ---- bookkeeping ----

    fn next_id(&mut self) -> CallId {
        self.last_id += 1;
        self.last_id
    }

    fn add_live(&mut self, now: Millis, id: CallId, call: Call) {
        let extension = call.extension.clone();
        self.calls.insert(id, call);
        let live = self.live.entry(extension).or_default();
        live.push(id);
        if live.len() > MAX_CALLS_PER_EXTENSION {
            let oldest = live.first().copied();
            if let Some(oldest) = oldest {
                self.end_call(now, oldest, false);
            }
        }
    }

    fn forget_live(&mut self, id: CallId) {
        for live in self.live.values_mut() {
            live.retain(|&other| other != id);
        }
    }

    fn live_at<'a>(&'a self, extension: &str) -> impl Iterator<Item = (CallId, &'a Call)> + 'a {
        let ids: Vec<CallId> = self.live.get(extension).cloned().unwrap_or_default();
        ids.into_iter().filter_map(move |id| self.calls.get(&id).map(|c| (id, c)))
    }

    /// The newest live call at `extension` with the event's numbers that
    /// passes `filter`.
    fn find(&self, extension: &str, event: &Event, filter: impl Fn(&Call) -> bool) -> Option<CallId> {
        let calling = number(event.calling.as_deref());
        let called = number(event.called.as_deref());
        if calling.is_empty() && called.is_empty() {
            return None;
        }
        self.live_at(extension)
            .filter(|(_, c)| filter(c) && c.calling == calling && c.called == called)
            .map(|(id, _)| id)
            .last()
    }

    /// The newest live call at `extension` that passes `filter`.
    fn newest(&self, extension: &str, filter: impl Fn(&Call) -> bool) -> Option<CallId> {
        self.live_at(extension).filter(|(_, c)| filter(c)).map(|(id, _)| id).last()
    }

    /// Forgets ended calls older than [`RECENT_MS`] whose record is settled.
    fn prune(&mut self, now: Millis) {
        self.calls.retain(|_, call| match &call.ended {
            None => true,
            Some(ended) => matches!(call.record, Record::Creating { .. }) || now.saturating_sub(ended.at) <= RECENT_MS,
        });
    }
}

struct Parent {
    id: CallId,
    record: Option<String>,
    customer: String,
}

fn unhold(call: &mut Call, now: Millis) {
    if let Some(since) = call.held_since.take() {
        call.held_ms = call.held_ms.saturating_add(now.saturating_sub(since));
    }
    call.leg = Leg::Connected;
}

/// The number at the other end of a call: its caller when inbound, else
/// the number it called.
fn far_end(call: &Call) -> Option<&str> {
    if call.inbound {
        Some(call.orig_calling.as_deref().unwrap_or(&call.calling))
    } else {
        Some(&call.called)
    }
}

/// A number from an event, trimmed and cut to a sane length.
fn number(text: Option<&str>) -> String {
    text.unwrap_or_default().trim().chars().take(MAX_NUMBER_CHARS).collect()
}

/// The digits of a number (`+1 (415) 555-0100` → `14155550100`).
pub fn digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

/// Whether two numbers, as digits, are the same caller: equal, or the
/// shorter one (7 digits or more) ends the longer one, so that a number
/// with a country code or an outside-line prefix matches the same number
/// without (`14155550100` and `4155550100`).
pub fn same_number(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short == long || (short.len() >= 7 && long.ends_with(short))
}

/// Whole seconds, rounded.
fn seconds(ms: Millis) -> u64 {
    ms.saturating_add(500) / 1000
}

/// `2026-12-01T13:00:00.000Z`, Salesforce's form of a time.
pub fn iso8601(ms: Millis) -> String {
    let days = ms / 86_400_000;
    let in_day = ms % 86_400_000;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

/// The date of a day counted from 1970-01-01 (Howard Hinnant's algorithm,
/// for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests;
