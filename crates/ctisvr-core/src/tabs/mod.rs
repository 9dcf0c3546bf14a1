//! The agent's tabs agree on who does what must happen once per call: the
//! screen pop ([`Duty::Pop`]) and the call log ([`Duty::Log`]). Every tab
//! shows the calls (each has its own socket and session); this module decides
//! which tab carries out each duty, with no leader and no reliance on timers
//! running on time.
//!
//! Why: browsers run a hidden tab's timers at most once a second (once a
//! minute after five minutes hidden), a frozen or discarded tab runs nothing,
//! and a busy machine delays every tab. But a running tab handles a message
//! (BroadcastChannel, WebSocket) as soon as it comes, hidden or not. So every
//! decision here is driven by messages; timers only give up on a tab that
//! stays silent, and a late timer only delays a duty, never doubles it.
//!
//! ## The protocol (docs/architecture.md has the reasoning)
//!
//! - **Per-duty claims** (after Ricart and Agrawala's mutual exclusion): a
//!   tab that has a duty to do (it saw the call ring, or end) broadcasts a
//!   [`TabMessage::Claim`] with its [`Bid`], and does the duty once every
//!   other tab it knows has answered `Grant` *and* its own claim has come
//!   back to it on the channel. Bids are ordered: a tab already holding the
//!   duty (a log being retried), then the call's owner (the tab that popped
//!   or dialled it), then a visible tab, then the last focused, then the
//!   smaller id. A tab with a better claim answers `Deny`; one doing the duty
//!   answers `Hold`; one that did it answers `Done`.
//! - **The echo is a barrier.** The edge listens on a second channel object,
//!   so every message a tab posts comes back to it, after everything that was
//!   queued for it before. A tab that was stopped (frozen, busy, script
//!   disabled) has its whole backlog in that queue: by the time its claim's
//!   echo arrives it has read every `Done`, `Hold` and `Hello` sent while it
//!   was stopped, and it waits for the tabs it learned of. No clock, no gap.
//! - **The lease.** A tab performs only if its barrier comes back within
//!   [`Tabs::LEASE`]; later, it was stopped long enough that another tab may
//!   have passed it over, so it claims again (and that claim's echo comes
//!   after whatever the others said meanwhile). Others pass a silent tab
//!   over only after [`Tabs::WAIT`], which is longer than the lease plus two
//!   message delays.
//! - **Where the agent looks**: a tab that would bid better, but has not seen
//!   the call yet, holds its answer back for [`Tabs::DEFER`] so that its own
//!   claim can win; so the visible, last focused tab pops even when a hidden
//!   tab hears of the call first.
//! - **Silence**: a tab that has not answered a claim within [`Tabs::WAIT`]
//!   is taken to be stopped and is waited for at most [`Tabs::SETTLE`] next
//!   time (it may be running again). Web Locks (where the browser gives them:
//!   [`Tabs::poll_new_peer`], [`Tabs::peer_gone`]) and `Bye` (on `pagehide`
//!   and `freeze`) say at once that a tab is gone.
//! - **Two holders** (one passed over while stopped): `Hold` carries the
//!   bid, and the worse holder lets go.
//! - **Newcomers** (and tabs back from `freeze`) say `Hello` and listen for
//!   [`Tabs::LISTEN`] before claiming: the others answer with what they did
//!   and hold, then `Here`.
//! - **A retried log is claimed again** before each retry (the holder's bid
//!   is the best), so a holder that was stopped while another tab took over
//!   finds the `Done` first.
//!
//! ## Usage
//!
//! ```
//! use ctisvr_core::tabs::{Agreed, Duty, TabMessage, Tabs, Task};
//! use ctisvr_core::Millis;
//! let now = Millis(0);
//! let mut a = Tabs::new(1, now);
//! let mut b = Tabs::new(2, now);
//! a.handle_timeout(now + Tabs::LISTEN); // nobody answered: a is alone
//! let pop = Task { duty: Duty::Pop, call: "4155550100>2001".into() };
//! a.want(now + Tabs::LISTEN, pop.clone());
//! // The channel: every message reaches both tabs, its sender too (the echo).
//! loop {
//!     let sent: Vec<TabMessage> = std::iter::from_fn(|| a.poll_transmit())
//!         .chain(std::iter::from_fn(|| b.poll_transmit()))
//!         .collect();
//!     if sent.is_empty() { break }
//!     for message in sent {
//!         a.handle_message(now, message.clone());
//!         b.handle_message(now, message);
//!     }
//! }
//! assert_eq!(a.poll_agreed(), Some(Agreed::Perform(pop.clone())));
//! a.done(now, &pop);
//! ```

mod message;

pub use message::TabMessage;

use crate::call_memory::{CallMemo, CallMemory};
use crate::crm::Record;
use crate::sorted_map::{SortedMap, SortedSet};
use crate::time::Millis;
use std::cmp::Ordering;
use std::collections::VecDeque;
use std::time::Duration;

/// A tab's id: random, chosen by the edge.
pub type TabId = u64;

/// What must happen once per call, whichever tab does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Duty {
    /// Search the CRM for the caller and pop the record; show the panel.
    Pop,
    /// Save the call's Task.
    Log,
}

/// One duty for one call. `call` names the call the same way in every tab
/// (the session builds it from the call's numbers).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Task {
    pub duty: Duty,
    pub call: String,
}

/// How much the agent is looking at a tab. `focus` is a counter that a tab
/// raises above every value it has seen when it is focused or shown, so the
/// last focused tab has the largest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rank {
    pub visible: bool,
    pub focus: u64,
}

/// A claim's strength; the greatest wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bid {
    /// The tab is doing the duty already (a call log between retries).
    pub holding: bool,
    /// The tab that popped or dialled the call (its log only).
    pub owner: bool,
    pub rank: Rank,
    pub tab: TabId,
}

impl Ord for Bid {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.holding, self.owner, self.rank.visible, self.rank.focus)
            .cmp(&(other.holding, other.owner, other.rank.visible, other.rank.focus))
            .then_with(|| other.tab.cmp(&self.tab))
    }
}

impl PartialOrd for Bid {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The page's lifecycle, as the browser reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageEvent {
    /// `visibilitychange` to visible.
    Shown,
    /// `visibilitychange` to hidden.
    Hidden,
    /// `focus` on the window.
    Focused,
    /// `freeze`: the page is about to stop running.
    Frozen,
    /// `resume`: it runs again.
    Resumed,
    /// `pagehide` or the element removed: gone.
    Closing,
}

/// What the tabs agreed, for the session to act on (drained with [`Tabs::poll_agreed`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Agreed {
    /// This tab won `task`: do it, then call [`Tabs::done`] (or
    /// [`Tabs::retry`] when a call log was refused).
    Perform(Task),
    /// `task` is done (here or elsewhere): forget it.
    Settled(Task),
}

/// This tab's part in the agreement. Sans-IO: messages in through
/// [`Tabs::handle_message`], out through [`Tabs::poll_transmit`].
#[derive(Debug, Clone)]
pub struct Tabs {
    me: TabId,
    rank: Rank,
    /// The largest focus counter seen.
    focus_clock: u64,
    peers: SortedMap<TabId, Peer>,
    tasks: SortedMap<Task, TaskState>,
    /// Calls this tab popped or dialled: it owns their logs.
    owned: SortedSet<String>,
    /// Records learned from other tabs, by call.
    records: SortedMap<String, Record>,
    /// This tab's live calls, told to a tab that says `Hello` (a reloaded
    /// tab whose browser gives it no storage learns its call back).
    calls: CallMemory,
    /// What the other tabs told of their live calls, by tab.
    peer_calls: SortedMap<TabId, CallMemory>,
    /// Some while listening for the others (on arrival, after `resume`).
    resync: Option<Resync>,
    /// Frozen or closing: the page does nothing more until `Resumed`.
    asleep: bool,
    /// On the channel with the other tabs. Alone (no channel), this tab
    /// wins every claim at once and posts nothing.
    joined: bool,
    next_seq: u64,
    /// The latest time an input carried.
    clock: Millis,
    outbox: VecDeque<TabMessage>,
    agreed: VecDeque<Agreed>,
    /// Tabs first heard from, for the edge to watch with Web Locks.
    new_peers: VecDeque<TabId>,
}

#[derive(Debug, Clone)]
struct Peer {
    /// Did not answer within `WAIT`: waited for at most `SETTLE` until it speaks.
    silent: bool,
    /// Web Locks said it is gone: forgotten at this time, once whatever it
    /// posted before going has surely arrived (the lock and the channel
    /// keep no order between them).
    forget_at: Option<Millis>,
}

#[derive(Debug, Clone)]
struct Resync {
    until: Millis,
}

#[derive(Debug, Clone, Default)]
struct TaskState {
    /// The session has this duty to do.
    wanted: bool,
    claim: Option<Claim>,
    /// This tab is doing it.
    performing: bool,
    /// This tab did it and failed; it holds it and claims it again at
    /// `claim.retry_at` (a call log's retry).
    holding: bool,
    done: bool,
    /// The best other tab known to claim or hold it.
    holder: Option<Bid>,
    /// A claim this tab holds its answer to back (it would bid better).
    deferred: Option<Deferred>,
    touched: Millis,
}

#[derive(Debug, Clone)]
struct Claim {
    seq: u64,
    bid: Bid,
    at: Millis,
    grants: SortedSet<TabId>,
    /// Our own claim came back on the channel: the backlog before it is read.
    echoed: bool,
    /// Every answer was in, so the claim was posted again, at this time, as
    /// a barrier: at its echo, whatever arrived meanwhile (a `Done`, a newer
    /// claim that takes a grant back) has been read, and the tab performs,
    /// if the echo came within [`Tabs::LEASE`].
    barrier: Option<Millis>,
    /// Denied, or waiting to retry: claim afresh at this time.
    retry_at: Option<Millis>,
}

#[derive(Debug, Clone)]
struct Deferred {
    bid: Bid,
    seq: u64,
    until: Millis,
}

impl Tabs {
    /// How long a claim waits for an answer before the silent tab is passed over.
    /// Safe while `WAIT > LEASE + 2 ×` the longest a message takes (1 s
    /// tolerated): a tab that won but was stopped before its barrier came
    /// back must find the lease lost before another passes it over.
    pub const WAIT: Duration = Duration::from_millis(3_000);
    /// How long a claim waits for tabs that were silent before (they may
    /// be running again). Bound like [`Tabs::WAIT`].
    pub const SETTLE: Duration = Duration::from_millis(3_000);
    /// How soon a claim's barrier must come back for the tab to perform.
    /// Later, the tab was stopped (or starved) long enough that another may
    /// have passed it over as silent, so it claims again instead.
    pub const LEASE: Duration = Duration::from_millis(1_000);
    /// How long a better-placed tab holds its answer back for its own claim.
    pub const DEFER: Duration = Duration::from_millis(600);
    /// How long a newcomer, or a tab back from `freeze`, listens for the
    /// other tabs before it claims anything.
    pub const LISTEN: Duration = Duration::from_millis(1_500);
    /// Done duties are remembered this long (late messages find them).
    pub const MEMORY: Duration = Duration::from_secs(600);

    /// A tab arriving on the channel: it says `Hello` and claims nothing
    /// for [`Tabs::LISTEN`].
    pub fn new(me: TabId, now: Millis) -> Tabs {
        let mut tabs = Tabs::alone(me);
        tabs.join(now);
        tabs
    }

    /// A softphone with no channel to other tabs: it does every duty itself.
    pub fn alone(me: TabId) -> Tabs {
        Tabs {
            me,
            rank: Rank::default(),
            focus_clock: 0,
            peers: SortedMap::new(),
            tasks: SortedMap::new(),
            owned: SortedSet::new(),
            records: SortedMap::new(),
            calls: CallMemory::default(),
            peer_calls: SortedMap::new(),
            resync: None,
            asleep: false,
            joined: false,
            next_seq: 1,
            clock: Millis(0),
            outbox: VecDeque::new(),
            agreed: VecDeque::new(),
            new_peers: VecDeque::new(),
        }
    }

    /// The channel to the other tabs is open: say `Hello` and listen.
    pub fn join(&mut self, now: Millis) {
        if !self.joined {
            self.joined = true;
            self.clock = self.clock.max(now);
            self.listen(now);
        }
    }

    pub fn me(&self) -> TabId {
        self.me
    }

    // ----- inputs -------------------------------------------------------

    /// The session has `task` to do (it saw the call ring, or end).
    pub fn want(&mut self, now: Millis, task: Task) {
        self.clock = self.clock.max(now);
        self.wake(now);
        let state = self.tasks.get_or_insert_with(task.clone(), Default::default);
        state.touched = now;
        if state.done || state.wanted {
            return;
        }
        state.wanted = true;
        let deferred = state.deferred.take();
        self.claim(now, &task);
        // A claim we held back for ours: it now meets our better claim.
        if let Some(deferred) = deferred {
            self.answer_claim(now, &task, deferred.bid, deferred.seq);
        }
    }

    /// The session no longer has `task` to do (the call ended before it popped).
    pub fn unwant(&mut self, task: &Task) {
        let Some(state) = self.tasks.get_mut(task) else { return };
        let had = state.claim.is_some() || state.performing || state.holding;
        state.wanted = false;
        state.claim = None;
        state.performing = false;
        state.holding = false;
        if had && !state.done {
            self.outbox.push_back(TabMessage::Release { from: self.me, task: task.clone() });
        }
    }

    /// This tab did `task` (the pop was asked for, the log was saved, or
    /// given up after its last retry): nobody does it again.
    pub fn done(&mut self, now: Millis, task: &Task) {
        self.clock = self.clock.max(now);
        self.wake(now);
        let state = self.tasks.get_or_insert_with(task.clone(), Default::default);
        state.touched = now;
        if !state.done {
            self.settle(task);
            self.outbox.push_back(TabMessage::Done { from: self.me, task: task.clone() });
        }
    }

    /// Doing `task` failed (Salesforce refused the log): this tab keeps it
    /// and claims it again at `at`, when it performs it again.
    pub fn retry(&mut self, now: Millis, task: &Task, at: Millis) {
        self.clock = self.clock.max(now);
        self.wake(now);
        let bid = self.bid(task);
        let Some(state) = self.tasks.get_mut(task) else { return };
        if state.done || !state.performing {
            return;
        }
        state.performing = false;
        state.holding = true;
        state.touched = now;
        let seq = self.next_seq;
        self.next_seq += 1;
        state.claim = Some(Claim {
            seq,
            bid,
            at: now,
            grants: SortedSet::new(),
            echoed: false,
            barrier: None,
            retry_at: Some(at.max(now)),
        });
    }

    /// This tab popped or dialled `call`: its log is this tab's first.
    pub fn own(&mut self, call: &str) {
        self.owned.insert(call.to_owned());
    }

    /// Tells the other tabs the CRM record of `call`.
    pub fn share_record(&mut self, call: &str, record: &Record) {
        self.outbox.push_back(TabMessage::Record { from: self.me, call: call.to_owned(), record: record.clone() });
    }

    /// A record another tab found for `call`.
    pub fn record(&self, call: &str) -> Option<&Record> {
        self.records.get(call)
    }

    /// This tab's live calls, for the tabs that arrive (sent with the
    /// answer to their `Hello`, not on every change).
    pub fn share_calls(&mut self, calls: CallMemory) {
        self.calls = calls;
    }

    /// What another tab knows of the call at `extension` between these numbers.
    pub fn call_memo(&self, extension: &str, calling: &str, called: &str) -> Option<&CallMemo> {
        self.peer_calls.values().find_map(|calls| calls.find(extension, calling, called))
    }

    /// The page's lifecycle changed.
    pub fn handle_page(&mut self, now: Millis, event: PageEvent) {
        self.clock = self.clock.max(now);
        match event {
            PageEvent::Shown | PageEvent::Focused => {
                let visible = self.rank.visible || event == PageEvent::Shown;
                self.focus_clock += 1;
                self.rank = Rank { visible, focus: self.focus_clock };
                self.outbox.push_back(TabMessage::Rank { from: self.me, rank: self.rank });
            }
            PageEvent::Hidden => {
                self.rank.visible = false;
                self.outbox.push_back(TabMessage::Rank { from: self.me, rank: self.rank });
            }
            PageEvent::Frozen | PageEvent::Closing => {
                // Hand everything over before stopping: others must not wait
                // for us, nor find us doing a duty we will not finish.
                self.give_up_all();
                self.asleep = true;
                self.outbox.push_back(TabMessage::Bye { from: self.me });
            }
            PageEvent::Resumed => self.wake(now),
        }
    }

    /// Web Locks say `tab` is gone (its page closed, crashed or was discarded).
    pub fn peer_gone(&mut self, now: Millis, tab: TabId) {
        self.clock = self.clock.max(now);
        self.wake(now);
        if let Some(peer) = self.peers.get_mut(&tab) {
            peer.forget_at = Some(now + Self::SETTLE);
        }
        self.mark_silent(tab);
        // What it claimed or held is free again (claims wait `SETTLE` for its last words).
        let tasks: Vec<Task> = self.tasks.keys().cloned().collect();
        for task in tasks {
            self.reclaim(now, &task);
        }
    }

    /// A message on the channel: another tab's, or our own coming back.
    pub fn handle_message(&mut self, now: Millis, message: TabMessage) {
        self.clock = self.clock.max(now);
        self.wake(now);
        let from = message.from();
        if from == self.me {
            self.on_echo(now, message);
            return;
        }
        if !matches!(message, TabMessage::Bye { .. }) {
            if !self.peers.contains_key(&from) {
                self.new_peers.push_back(from);
            }
            let peer = self.peers.get_or_insert_with(from, || Peer { silent: false, forget_at: None });
            peer.silent = peer.forget_at.is_some();
        }
        match message {
            TabMessage::Hello { rank, .. } => {
                self.see_rank(rank);
                self.tell_what_we_know();
                self.outbox.push_back(TabMessage::Here { from: self.me, rank: self.rank, to: from });
            }
            TabMessage::Here { rank, .. } | TabMessage::Rank { rank, .. } => self.see_rank(rank),
            TabMessage::Bye { .. } => self.forget_peer(now, from),
            TabMessage::Claim { task, bid, seq, .. } => {
                self.see_rank(bid.rank);
                self.on_claim(now, task, bid, seq);
            }
            TabMessage::Grant { to, task, seq, .. } if to == self.me => {
                if let Some(claim) = self.tasks.get_mut(&task).and_then(|s| s.claim.as_mut()) {
                    if claim.seq == seq {
                        claim.grants.insert(from);
                    }
                }
                self.check(now, &task);
            }
            TabMessage::Deny { to, task, seq, .. } if to == self.me => {
                let Some(state) = self.tasks.get_mut(&task) else { return };
                if let Some(claim) = state.claim.as_mut().filter(|c| c.seq == seq) {
                    // Someone better claims or holds it: ask again later, in
                    // case it goes silent.
                    claim.retry_at = Some(now + Self::WAIT);
                    claim.barrier = None;
                }
            }
            TabMessage::Grant { .. } | TabMessage::Deny { .. } => {}
            TabMessage::Hold { task, bid, .. } => {
                self.see_rank(bid.rank);
                let mine = self.holding_bid(&task);
                let state = self.tasks.get_or_insert_with(task, Default::default);
                state.touched = now;
                if state.holder.is_none_or(|h| h.tab == from || bid > h) {
                    state.holder = Some(bid);
                }
                // Two holders (one was passed over while stopped): the
                // better keeps it, the other waits, in case it goes silent.
                if state.holding && bid > mine {
                    state.holding = false;
                }
                if let Some(claim) = state.claim.as_mut().filter(|_| !state.holding) {
                    claim.retry_at = Some(now + Self::WAIT);
                    claim.barrier = None;
                }
            }
            TabMessage::Release { task, .. } => {
                if let Some(state) = self.tasks.get_mut(&task) {
                    if state.holder.is_some_and(|h| h.tab == from) {
                        state.holder = None;
                    }
                }
                self.reclaim(now, &task);
            }
            TabMessage::Done { task, .. } => {
                let state = self.tasks.get_or_insert_with(task.clone(), Default::default);
                state.touched = now;
                if !state.done {
                    self.settle(&task);
                }
            }
            TabMessage::Record { call, record, .. } => {
                self.records.insert(call, record);
            }
            TabMessage::Calls { from, calls } => {
                self.peer_calls.insert(from, calls);
            }
        }
    }

    /// Time passes: the listening ends, silent tabs are passed over,
    /// held-back answers given, denied claims and retries tried again.
    pub fn handle_timeout(&mut self, now: Millis) {
        self.clock = self.clock.max(now);
        self.wake(now);
        let gone: Vec<TabId> =
            self.peers.iter().filter(|(_, p)| p.forget_at.is_some_and(|at| now >= at)).map(|(t, _)| *t).collect();
        for tab in gone {
            self.forget_peer(now, tab);
        }
        if self.resync.as_ref().is_some_and(|r| now >= r.until) {
            self.finish_listening(now);
        }
        let tasks: Vec<Task> = self.tasks.keys().cloned().collect();
        for task in tasks {
            let Some(state) = self.tasks.get_mut(&task) else { continue };
            if let Some(deferred) = state.deferred.take_if(|d| now >= d.until) {
                self.answer_claim(now, &task, deferred.bid, deferred.seq);
            }
            let Some(claim) = self.tasks.get(&task).and_then(|s| s.claim.clone()) else { continue };
            match claim.retry_at {
                Some(at) if now >= at => {
                    if let Some(state) = self.tasks.get_mut(&task) {
                        state.claim = None;
                        if !state.holding {
                            state.holder = None;
                        }
                    }
                    self.claim(now, &task);
                }
                Some(_) => {}
                // The barrier's echo is overdue: the lease is lost, start over.
                None if claim.barrier.is_some_and(|at| now >= at + Self::LEASE) => self.restart(now, &task),
                None if claim.barrier.is_none() && now >= claim.at + Self::WAIT => {
                    let silent: Vec<TabId> =
                        self.peers.keys().filter(|tab| !claim.grants.contains(tab)).copied().collect();
                    for tab in silent {
                        self.mark_silent(tab);
                    }
                    self.check(now, &task);
                    // Still not through (our echo never came): start over later.
                    if let Some(claim) = self.tasks.get_mut(&task).and_then(|s| s.claim.as_mut()) {
                        if claim.barrier.is_none() {
                            claim.retry_at = Some(now + Self::WAIT);
                        }
                    }
                }
                None => self.check(now, &task),
            }
        }
        self.tasks.retain(|_, state| {
            let busy = state.wanted || state.performing || state.holding || state.claim.is_some();
            busy || state.deferred.is_some() || now < state.touched + Self::MEMORY
        });
    }

    // ----- outputs ------------------------------------------------------

    /// A message to post to the other tabs (it also comes back to us).
    /// Alone, there is nobody to tell.
    pub fn poll_transmit(&mut self) -> Option<TabMessage> {
        if !self.joined {
            self.outbox.clear();
        }
        self.outbox.pop_front()
    }

    /// Something for the session to do.
    pub fn poll_agreed(&mut self) -> Option<Agreed> {
        self.agreed.pop_front()
    }

    /// A tab first heard from (or heard again after it was forgotten). Where
    /// the browser has Web Locks, the edge waits for that tab's lock and
    /// calls [`Tabs::peer_gone`] when it is granted: the tab has gone.
    pub fn poll_new_peer(&mut self) -> Option<TabId> {
        self.new_peers.pop_front()
    }

    /// When to call [`Tabs::handle_timeout`] next, if anything waits on time.
    pub fn poll_timeout(&self) -> Option<Millis> {
        if self.asleep {
            return None;
        }
        let resync = self.resync.as_ref().map(|r| r.until);
        let gone = self.peers.values().filter_map(|p| p.forget_at);
        let tasks = self.tasks.values().flat_map(|state| {
            let claim = state.claim.as_ref().map(|c| {
                let settle = c.at + Self::SETTLE;
                let waits_for_silent = self.any_silent() && settle > self.clock;
                let waiting = match (c.barrier, waits_for_silent) {
                    (Some(at), _) => at + Self::LEASE,
                    (None, true) => settle,
                    (None, false) => c.at + Self::WAIT,
                };
                c.retry_at.unwrap_or(waiting)
            });
            let deferred = state.deferred.as_ref().map(|d| d.until);
            claim.into_iter().chain(deferred)
        });
        resync.into_iter().chain(gone).chain(tasks).min()
    }

    /// Whether this tab is doing `task` (won it, not done, not waiting to retry).
    pub fn is_performing(&self, task: &Task) -> bool {
        self.tasks.get(task).is_some_and(|s| s.performing)
    }

    // ----- logic --------------------------------------------------------

    /// After `freeze`, anything that runs means the page runs again (the
    /// `resume` event may come later than the first task, or not at all).
    fn wake(&mut self, now: Millis) {
        if self.asleep {
            self.asleep = false;
            if self.joined {
                self.listen(now);
            } else {
                self.finish_listening(now);
            }
        }
    }

    fn listen(&mut self, now: Millis) {
        self.resync = Some(Resync { until: now + Self::LISTEN });
        self.outbox.push_back(TabMessage::Hello { from: self.me, rank: self.rank });
    }

    fn finish_listening(&mut self, now: Millis) {
        self.resync = None;
        let wanted: Vec<Task> =
            self.tasks.iter().filter(|(_, s)| s.wanted && !s.done).map(|(t, _)| t.clone()).collect();
        for task in wanted {
            self.claim(now, &task);
        }
    }

    /// Drops our claims and duties, says so, and gives held-back answers.
    fn give_up_all(&mut self) {
        for (task, state) in self.tasks.iter_mut() {
            let had = state.claim.take().is_some() || state.performing || state.holding;
            state.performing = false;
            state.holding = false;
            if had && !state.done {
                self.outbox.push_back(TabMessage::Release { from: self.me, task: task.clone() });
            }
            if let Some(deferred) = state.deferred.take() {
                let (to, seq) = (deferred.bid.tab, deferred.seq);
                self.outbox.push_back(TabMessage::Grant { from: self.me, to, task: task.clone(), seq });
            }
        }
    }

    /// The bid this tab would make for `task`.
    fn bid(&self, task: &Task) -> Bid {
        let holding = self.tasks.get(task).is_some_and(|s| s.holding);
        let owner = task.duty == Duty::Log && self.owned.contains(&task.call);
        Bid { holding, owner, rank: self.rank, tab: self.me }
    }

    /// The bid of a tab doing `task`.
    fn holding_bid(&self, task: &Task) -> Bid {
        Bid { holding: true, ..self.bid(task) }
    }

    /// "I am doing `task`".
    fn hold(&self, task: Task) -> TabMessage {
        let bid = self.holding_bid(&task);
        TabMessage::Hold { from: self.me, task, bid }
    }

    /// Claims `task` if it is wanted, not done, not claimed already, and this
    /// tab is not listening.
    fn claim(&mut self, now: Millis, task: &Task) {
        if self.resync.is_some() || self.asleep {
            return;
        }
        let bid = self.bid(task);
        let seq = self.next_seq;
        let Some(state) = self.tasks.get_mut(task) else { return };
        if !state.wanted || state.done || state.performing || state.claim.is_some() {
            return;
        }
        self.next_seq += 1;
        let mut claim =
            Claim { seq, bid, at: now, grants: SortedSet::new(), echoed: false, barrier: None, retry_at: None };
        // A known better claim or holder: wait for it, ask again later.
        if state.holder.is_some_and(|holder| holder > bid && holder.tab != self.me) {
            claim.retry_at = Some(now + Self::WAIT);
        }
        state.claim = Some(claim);
        self.outbox.push_back(TabMessage::Claim { from: self.me, task: task.clone(), bid, seq });
        // Alone it goes through at once; on the channel, at its echo.
        self.check(now, task);
    }

    /// Drops our claim on `task` and claims it afresh.
    fn restart(&mut self, now: Millis, task: &Task) {
        if let Some(state) = self.tasks.get_mut(task) {
            state.claim = None;
        }
        self.claim(now, task);
    }

    /// A holder released or left: claim again (at once) if we want it.
    fn reclaim(&mut self, now: Millis, task: &Task) {
        if let Some(state) = self.tasks.get_mut(task) {
            if !state.holding && state.claim.as_ref().is_some_and(|c| c.retry_at.is_some()) {
                state.claim = None;
            }
        }
        self.claim(now, task);
    }

    /// Our own message came back: for a claim, everything before it is read.
    fn on_echo(&mut self, now: Millis, message: TabMessage) {
        if let TabMessage::Claim { task, seq, .. } = message {
            if let Some(claim) = self.tasks.get_mut(&task).and_then(|s| s.claim.as_mut()) {
                if claim.seq == seq {
                    claim.echoed = true;
                }
            }
            self.check(now, &task);
        }
    }

    fn on_claim(&mut self, now: Millis, task: Task, bid: Bid, seq: u64) {
        let mine = self.bid(&task);
        let listening = self.resync.is_some();
        let state = self.tasks.get_or_insert_with(task.clone(), Default::default);
        state.touched = now;
        // A tab that claims takes back any grant it gave our claim.
        if let Some(claim) = &mut state.claim {
            if claim.grants.remove(&bid.tab) {
                claim.barrier = None;
            }
        }
        if state.done {
            self.outbox.push_back(TabMessage::Done { from: self.me, task });
            return;
        }
        if state.performing || (state.holding && bid < mine) {
            self.outbox.push_back(self.hold(task));
            return;
        }
        if state.holder.is_none_or(|h| bid > h || h.tab == bid.tab) {
            state.holder = Some(bid);
        }
        // Not wanted yet, but ours would be the better bid: the call is
        // probably on its way to us too. Hold the answer back a moment.
        if !state.wanted && !listening && mine > bid {
            state.deferred = Some(Deferred { bid, seq, until: now + Self::DEFER });
            return;
        }
        self.answer_claim(now, &task, bid, seq);
    }

    /// Answers another tab's claim `seq` for `task`: `Deny` when our own
    /// claim is better, else `Grant` (and ours, if any, waits for theirs).
    fn answer_claim(&mut self, now: Millis, task: &Task, bid: Bid, seq: u64) {
        let to = bid.tab;
        let Some(state) = self.tasks.get_mut(task) else { return };
        if state.done {
            self.outbox.push_back(TabMessage::Done { from: self.me, task: task.clone() });
            return;
        }
        if state.claim.as_ref().is_some_and(|c| c.bid > bid) {
            self.outbox.push_back(TabMessage::Deny { from: self.me, to, task: task.clone(), seq });
            return;
        }
        if let Some(claim) = &mut state.claim {
            // Theirs wins: ours waits for it, and asks again if it goes silent.
            claim.retry_at = Some(now + Self::WAIT);
        }
        self.outbox.push_back(TabMessage::Grant { from: self.me, to, task: task.clone(), seq });
    }

    /// Whether our claim on `task` has every answer it needs; if so, perform.
    fn check(&mut self, now: Millis, task: &Task) {
        let Some(state) = self.tasks.get_mut(task) else { return };
        let Some(claim) = &state.claim else { return };
        let unanswered = |tab: &TabId| !claim.grants.contains(tab);
        let awake_unanswered = self.peers.iter().any(|(tab, p)| !p.silent && unanswered(tab));
        let silent_unanswered = self.peers.iter().any(|(tab, p)| p.silent && unanswered(tab));
        let settling = silent_unanswered && now < claim.at + Self::SETTLE;
        // Alone, no echo comes and no barrier is needed.
        let echoed = claim.echoed || !self.joined;
        if claim.retry_at.is_some() || !echoed || awake_unanswered || settling {
            return;
        }
        if self.joined {
            match claim.barrier {
                None => {
                    let (bid, seq) = (claim.bid, claim.seq);
                    if let Some(claim) = &mut state.claim {
                        claim.barrier = Some(now);
                        claim.echoed = false;
                    }
                    self.outbox.push_back(TabMessage::Claim { from: self.me, task: task.clone(), bid, seq });
                    return;
                }
                // Stopped between the barrier and its echo: others may have
                // passed us over meanwhile. Claim again; its echo comes after
                // whatever they said.
                Some(at) if now > at + Self::LEASE => {
                    self.restart(now, task);
                    return;
                }
                Some(_) => {}
            }
        }
        state.claim = None;
        state.performing = true;
        state.holding = false;
        self.agreed.push_back(Agreed::Perform(task.clone()));
        if task.duty == Duty::Log {
            // Saving takes a while (and may be retried): tell the others.
            self.outbox.push_back(self.hold(task.clone()));
        }
    }

    fn settle(&mut self, task: &Task) {
        if let Some(state) = self.tasks.get_mut(task) {
            state.done = true;
            state.wanted = false;
            state.claim = None;
            state.performing = false;
            state.holding = false;
            state.holder = None;
            state.deferred = None;
        }
        self.agreed.push_back(Agreed::Settled(task.clone()));
    }

    /// Everything we know, for a tab that says `Hello`: sent before `Here`.
    fn tell_what_we_know(&mut self) {
        for (task, state) in &self.tasks {
            if state.done {
                self.outbox.push_back(TabMessage::Done { from: self.me, task: task.clone() });
            } else if state.performing || state.holding {
                self.outbox.push_back(self.hold(task.clone()));
            } else if let Some(claim) = &state.claim {
                self.outbox.push_back(TabMessage::Claim {
                    from: self.me,
                    task: task.clone(),
                    bid: claim.bid,
                    seq: claim.seq,
                });
            }
        }
        for (call, record) in &self.records {
            self.outbox.push_back(TabMessage::Record { from: self.me, call: call.clone(), record: record.clone() });
        }
        if !self.calls.calls.is_empty() {
            self.outbox.push_back(TabMessage::Calls { from: self.me, calls: self.calls.clone() });
        }
    }

    fn forget_peer(&mut self, now: Millis, tab: TabId) {
        self.peers.remove(&tab);
        self.peer_calls.remove(&tab);
        let tasks: Vec<Task> = self.tasks.keys().cloned().collect();
        for task in tasks {
            let Some(state) = self.tasks.get_mut(&task) else { continue };
            if state.holder.is_some_and(|h| h.tab == tab) {
                state.holder = None;
                self.reclaim(now, &task);
            } else {
                self.check(now, &task);
            }
        }
    }

    fn mark_silent(&mut self, tab: TabId) {
        if let Some(peer) = self.peers.get_mut(&tab) {
            peer.silent = true;
        }
        for state in self.tasks.values_mut() {
            if state.holder.is_some_and(|h| h.tab == tab) {
                state.holder = None;
            }
        }
    }

    fn any_silent(&self) -> bool {
        self.peers.values().any(|p| p.silent)
    }

    /// Another tab's rank: our next focus must count above it.
    fn see_rank(&mut self, rank: Rank) {
        self.focus_clock = self.focus_clock.max(rank.focus);
    }
}

#[cfg(test)]
mod tests;
