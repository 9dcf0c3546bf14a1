//! A simulated browser with several tabs of one agent, to check the
//! coordination's promises over random interleavings:
//!
//! - tabs arrive, leave (with `pagehide`, or silently: crash, discard), are
//!   frozen (with the `freeze` event, or silently: script execution stopped)
//!   and come back; they are shown, hidden and focused;
//! - timers fire late: each tab's timers are rounded up to its granularity
//!   (1 ms, 1 s, 60 s, as Chrome throttles hidden tabs) plus random lateness;
//! - messages take up to 700 ms (a busy machine); one sender's messages keep
//!   their order, and a tab handles channel messages in the order they reached
//!   it (one task source); a sender gets its own messages back (the edge
//!   listens on a second channel object); a tab that is not there when a
//!   message is posted never gets it (lost); a frozen tab gets its backlog on
//!   resuming, interleaved in any order with its socket, timers and locks;
//! - every tab has its own clock origin (nothing compares clocks across tabs);
//! - Web Locks report a vanished tab at once, or (storage blocked) not at all;
//! - Salesforce refuses some call logs, which are retried every 10 s.
//!
//! The promises checked: no call is popped twice and no call is logged twice,
//! ever; a call that rings long enough while some tab runs throughout is
//! popped; every call whose end a remaining tab saw is logged once everything
//! has run.

use super::super::{Agreed, Duty, PageEvent, TabId, TabMessage, Tabs, Task};
use crate::time::Millis;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// What the script does at a moment.
#[derive(Debug, Clone)]
pub enum Action {
    Arrive,
    Leave { tab: usize, bye: bool },
    Freeze { tab: usize, announced: bool },
    Resume { tab: usize, announced: bool },
    Show { tab: usize },
    Hide { tab: usize },
    Focus { tab: usize },
    Throttle { tab: usize, granularity: u64 },
    Call { ring_ms: u64, fails: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Life {
    Running,
    Frozen,
    Gone,
}

#[derive(Debug, Clone, Copy)]
enum Ws {
    Start(usize),
    End(usize),
}

struct SimTab {
    tabs: Tabs,
    offset: u64,
    life: Life,
    granularity: u64,
    /// The channel's queue at this tab, in arrival order: (arrives at, sender, message).
    inbox: VecDeque<(u64, usize, TabMessage)>,
    ws: VecDeque<(u64, Ws)>,
    gone: VecDeque<TabId>,
    timer: Option<u64>,
    saw: BTreeSet<usize>,
    /// Running from before the call to its end, never stopped.
    steady_since: Option<u64>,
    arrived: u64,
    /// When it ran: closed intervals, and the open one.
    ran: Vec<(u64, u64)>,
}

impl SimTab {
    /// Whether it ran throughout `from..to`.
    fn ran_through(&self, from: u64, to: u64) -> bool {
        self.ran.iter().any(|(a, b)| *a <= from && to <= *b)
            || self.steady_since.is_some_and(|s| s <= from && self.life == Life::Running)
    }
}

struct SimCall {
    start: u64,
    end: u64,
    fails: u32,
}

pub struct Sim {
    t: u64,
    rng: u64,
    latency: u64,
    locks: bool,
    tabs: Vec<SimTab>,
    calls: Vec<SimCall>,
    pub pops: BTreeMap<usize, Vec<TabId>>,
    /// When each call was first popped.
    first_pop: BTreeMap<usize, u64>,
    pub logs: BTreeMap<usize, Vec<TabId>>,
    /// Tabs that saw each call end.
    saw_end: BTreeMap<usize, BTreeSet<usize>>,
    /// Tabs that ran steadily through each call.
    steady: BTreeMap<usize, BTreeSet<usize>>,
    /// What happened, for the report of a broken promise.
    pub trace: Vec<String>,
}

fn task(duty: Duty, call: usize) -> Task {
    Task { duty, call: format!("call{call}") }
}

fn call_of(task: &Task) -> usize {
    task.call.trim_start_matches("call").parse().unwrap_or(usize::MAX)
}

impl Sim {
    pub fn new(tabs: usize, seed: u64, locks: bool, busy: bool) -> Sim {
        let mut sim = Sim {
            t: 0,
            rng: seed | 1,
            latency: if busy { 700 } else { 60 },
            locks,
            tabs: Vec::new(),
            calls: Vec::new(),
            pops: BTreeMap::new(),
            first_pop: BTreeMap::new(),
            logs: BTreeMap::new(),
            saw_end: BTreeMap::new(),
            steady: BTreeMap::new(),
            trace: Vec::new(),
        };
        for _ in 0..tabs {
            sim.arrive();
        }
        sim
    }

    fn random(&mut self, below: u64) -> u64 {
        // xorshift64: enough for scheduling.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        if below == 0 {
            0
        } else {
            self.rng % below
        }
    }

    fn now(&self, tab: usize) -> Millis {
        Millis(self.t + self.tabs[tab].offset)
    }

    fn arrive(&mut self) {
        let index = self.tabs.len();
        let id = 1_000 + self.random(1_000_000);
        let offset = self.random(100_000_000);
        let tabs = Tabs::new(id, Millis(self.t + offset));
        self.tabs.push(SimTab {
            tabs,
            offset,
            life: Life::Running,
            granularity: 1,
            inbox: VecDeque::new(),
            ws: VecDeque::new(),
            gone: VecDeque::new(),
            timer: None,
            saw: BTreeSet::new(),
            steady_since: Some(self.t),
            arrived: self.t,
            ran: Vec::new(),
        });
        // A newcomer learns of the calls up now from its first snapshot.
        for call in 0..self.calls.len() {
            let (start, end) = (self.calls[call].start, self.calls[call].end);
            if start <= self.t && self.t < end {
                self.tabs[index].ws.push_back((self.t + 200, Ws::Start(call)));
                self.tabs[index].ws.push_back((end, Ws::End(call)));
            }
        }
        self.flush(index);
    }

    fn note(&mut self, tab: usize, what: String) {
        if self.trace.len() < 20_000 {
            let id = self.tabs.get(tab).map_or(0, |t| t.tabs.me());
            self.trace.push(format!("{:>7} {id:>7} {what}", self.t));
        }
    }

    pub fn apply(&mut self, action: &Action) {
        self.note(usize::MAX, format!("script {action:?}"));
        let count = self.tabs.len();
        let pick = |tab: usize| tab % count.max(1);
        match *action {
            Action::Arrive => {
                if self.tabs.iter().filter(|t| t.life != Life::Gone).count() < 5 {
                    self.arrive();
                }
            }
            Action::Leave { tab, bye } => {
                let tab = pick(tab);
                if self.tabs[tab].life == Life::Gone {
                    return;
                }
                // A page being closed runs its pagehide only if it runs at all.
                if bye && self.tabs[tab].life == Life::Running {
                    let now = self.now(tab);
                    self.tabs[tab].tabs.handle_page(now, PageEvent::Closing);
                    self.drain(tab);
                }
                self.tabs[tab].life = Life::Gone;
                self.stop_running(tab);
                if self.locks {
                    let id = self.tabs[tab].tabs.me();
                    for other in self.tabs.iter_mut().filter(|t| t.life != Life::Gone) {
                        other.gone.push_back(id);
                    }
                }
            }
            Action::Freeze { tab, announced } => {
                let tab = pick(tab);
                if self.tabs[tab].life != Life::Running {
                    return;
                }
                if announced {
                    let now = self.now(tab);
                    self.tabs[tab].tabs.handle_page(now, PageEvent::Frozen);
                    self.drain(tab);
                }
                self.tabs[tab].life = Life::Frozen;
                self.stop_running(tab);
            }
            Action::Resume { tab, announced } => {
                let tab = pick(tab);
                if self.tabs[tab].life != Life::Frozen {
                    return;
                }
                self.tabs[tab].life = Life::Running;
                self.tabs[tab].steady_since = Some(self.t);
                if announced {
                    let now = self.now(tab);
                    self.tabs[tab].tabs.handle_page(now, PageEvent::Resumed);
                    self.drain(tab);
                }
            }
            Action::Show { tab } => self.page(pick(tab), PageEvent::Shown),
            Action::Hide { tab } => self.page(pick(tab), PageEvent::Hidden),
            Action::Focus { tab } => self.page(pick(tab), PageEvent::Focused),
            Action::Throttle { tab, granularity } => {
                let tab = pick(tab);
                self.tabs[tab].granularity = granularity.max(1);
            }
            Action::Call { ring_ms, fails } => {
                // One call at a time at an extension.
                if self.calls.last().is_some_and(|c| c.end > self.t) {
                    return;
                }
                let call = self.calls.len();
                self.calls.push(SimCall { start: self.t, end: self.t + ring_ms, fails });
                let steady: BTreeSet<usize> = (0..self.tabs.len())
                    .filter(|&i| self.tabs[i].life == Life::Running && self.tabs[i].steady_since.is_some())
                    .collect();
                self.steady.insert(call, steady);
                for i in 0..self.tabs.len() {
                    if self.tabs[i].life != Life::Gone {
                        let delay = self.random(50);
                        self.tabs[i].ws.push_back((self.t + delay, Ws::Start(call)));
                        self.tabs[i].ws.push_back((self.t + ring_ms + delay, Ws::End(call)));
                    }
                }
            }
        }
    }

    fn stop_running(&mut self, tab: usize) {
        if let Some(since) = self.tabs[tab].steady_since.take() {
            let now = self.t;
            self.tabs[tab].ran.push((since, now));
        }
    }

    fn page(&mut self, tab: usize, event: PageEvent) {
        if self.tabs[tab].life == Life::Running {
            let now = self.now(tab);
            self.tabs[tab].tabs.handle_page(now, event);
            self.drain(tab);
        }
    }

    /// Runs the world for `ms` milliseconds in 25 ms steps.
    pub fn run(&mut self, ms: u64) {
        let end = self.t + ms;
        while self.t < end {
            self.t += 25;
            for call in 0..self.calls.len() {
                if self.calls[call].end <= self.t && self.calls[call].end > self.t - 25 {
                    // Steady through the whole call: still running and steady since before it.
                    let start = self.calls[call].start;
                    let steady: BTreeSet<usize> = (0..self.tabs.len())
                        .filter(|&i| self.tabs[i].life == Life::Running)
                        .filter(|&i| self.tabs[i].steady_since.is_some_and(|s| s <= start))
                        .collect();
                    if let Some(set) = self.steady.get_mut(&call) {
                        set.retain(|i| steady.contains(i));
                    }
                }
            }
            let mut order: Vec<usize> = (0..self.tabs.len()).collect();
            for i in (1..order.len()).rev() {
                let j = self.random(i as u64 + 1) as usize;
                order.swap(i, j);
            }
            for tab in order {
                if self.tabs[tab].life == Life::Running {
                    self.step(tab);
                }
            }
        }
    }

    /// Everything due at `tab`, in a random interleaving of its sources.
    fn step(&mut self, tab: usize) {
        loop {
            let t = self.t;
            let mut sources: Vec<u8> = Vec::new();
            if self.tabs[tab].inbox.front().is_some_and(|(at, _, _)| *at <= t) {
                sources.push(0);
            }
            if self.tabs[tab].ws.front().is_some_and(|(at, _)| *at <= t) {
                sources.push(1);
            }
            if !self.tabs[tab].gone.is_empty() {
                sources.push(2);
            }
            if self.tabs[tab].timer.is_some_and(|at| at <= t) {
                sources.push(3);
            }
            if sources.is_empty() {
                return;
            }
            let choice = self.random(sources.len() as u64) as usize;
            let now = self.now(tab);
            match sources[choice] {
                0 => {
                    if let Some((_, _, message)) = self.tabs[tab].inbox.pop_front() {
                        self.note(tab, format!("<- {message:?}"));
                        self.tabs[tab].tabs.handle_message(now, message);
                    }
                }
                1 => {
                    if let Some((_, event)) = self.tabs[tab].ws.pop_front() {
                        self.note(tab, format!("ws {event:?}"));
                        self.on_ws(tab, now, event);
                    }
                }
                2 => {
                    if let Some(id) = self.tabs[tab].gone.pop_front() {
                        self.tabs[tab].tabs.peer_gone(now, id);
                    }
                }
                _ => {
                    self.note(tab, "timer".into());
                    self.tabs[tab].timer = None;
                    self.tabs[tab].tabs.handle_timeout(now);
                }
            }
            self.drain(tab);
        }
    }

    fn on_ws(&mut self, tab: usize, now: Millis, event: Ws) {
        match event {
            Ws::Start(call) => {
                self.tabs[tab].saw.insert(call);
                self.tabs[tab].tabs.want(now, task(Duty::Pop, call));
            }
            Ws::End(call) => {
                if self.tabs[tab].saw.contains(&call) {
                    self.tabs[tab].tabs.unwant(&task(Duty::Pop, call));
                    self.tabs[tab].tabs.want(now, task(Duty::Log, call));
                    self.saw_end.entry(call).or_default().insert(tab);
                }
            }
        }
    }

    /// The session's part: carry out agreed, post messages, arm the timer.
    fn drain(&mut self, tab: usize) {
        while let Some(outcome) = self.tabs[tab].tabs.poll_agreed() {
            self.note(tab, format!("=> {outcome:?}"));
            let now = self.now(tab);
            match outcome {
                Agreed::Perform(t) if t.duty == Duty::Pop => {
                    let id = self.tabs[tab].tabs.me();
                    self.pops.entry(call_of(&t)).or_default().push(id);
                    self.first_pop.entry(call_of(&t)).or_insert(self.t);
                    self.tabs[tab].tabs.own(&t.call);
                    self.tabs[tab].tabs.done(now, &t);
                }
                Agreed::Perform(t) => self.save(tab, call_of(&t)),
                Agreed::Settled(_) => {}
            }
        }
        self.flush(tab);
    }

    /// Salesforce saves the Task, or refuses it (the call's `fails` first times).
    fn save(&mut self, tab: usize, call: usize) {
        let now = self.now(tab);
        if self.calls[call].fails > 0 {
            self.calls[call].fails -= 1;
            self.tabs[tab].tabs.retry(now, &task(Duty::Log, call), now + std::time::Duration::from_secs(10));
        } else {
            let id = self.tabs[tab].tabs.me();
            self.logs.entry(call).or_default().push(id);
            self.tabs[tab].tabs.done(now, &task(Duty::Log, call));
        }
    }

    fn flush(&mut self, tab: usize) {
        while let Some(message) = self.tabs[tab].tabs.poll_transmit() {
            // Every tab there gets it, the sender too (its echo).
            for other in 0..self.tabs.len() {
                if self.tabs[other].life == Life::Gone && other != tab {
                    continue;
                }
                let delay = self.random(self.latency + 1);
                let queue = &mut self.tabs[other].inbox;
                let after_sender = queue.iter().filter(|(_, s, _)| *s == tab).map(|(at, _, _)| *at).max();
                let at = after_sender.unwrap_or(0).max(self.t + delay);
                let position = queue.iter().position(|(other_at, _, _)| *other_at > at).unwrap_or(queue.len());
                queue.insert(position, (at, tab, message.clone()));
            }
        }
        let local = self.tabs[tab].tabs.poll_timeout();
        let g = self.tabs[tab].granularity;
        let late = self.random(100);
        let offset = self.tabs[tab].offset;
        self.tabs[tab].timer = local.map(|at| {
            let global = at.0.saturating_sub(offset).max(self.t + 1);
            global.div_ceil(g) * g + late
        });
    }

    /// A tab that arrived during `call`, after it was popped, while no tab
    /// that was there at the pop ran on for the next few seconds (long
    /// enough to answer its `Hello`): nobody could tell it the call was
    /// popped (a reload with storage blocked, say), so its pop of it does not
    /// count against the promise.
    fn blind(&self, call: usize, id: TabId) -> bool {
        let Some(tab) = self.tabs.iter().find(|t| t.tabs.me() == id) else { return false };
        let Some(c) = self.calls.get(call) else { return false };
        let Some(&popped) = self.first_pop.get(&call) else { return false };
        let (a, window) = (tab.arrived, 5_000);
        a > c.start
            && a >= popped
            && !self
                .tabs
                .iter()
                .any(|other| other.tabs.me() != id && other.arrived <= popped && other.ran_through(a, a + window))
    }

    /// Lets everything finish: every frozen tab resumes, timers run on time.
    pub fn settle(&mut self) {
        for tab in 0..self.tabs.len() {
            if self.tabs[tab].life == Life::Frozen {
                self.apply(&Action::Resume { tab, announced: false });
            }
            self.tabs[tab].granularity = 1_000;
        }
        self.run(600_000);
    }

    /// The promises; `Err` says which was broken.
    pub fn check(&self, finished: bool) -> Result<(), String> {
        for (call, pops) in &self.pops {
            let counted: Vec<&TabId> = pops.iter().filter(|id| !self.blind(*call, **id)).collect();
            if counted.len() > 1 {
                return Err(format!("call {call} popped by {pops:?}"));
            }
        }
        for (call, logs) in &self.logs {
            if logs.len() > 1 {
                return Err(format!("call {call} logged by {logs:?}"));
            }
        }
        if !finished {
            return Ok(());
        }
        for (call, c) in self.calls.iter().enumerate() {
            let ran_through = self.steady.get(&call).is_some_and(|s| !s.is_empty());
            if ran_through && c.end - c.start >= 150_000 && self.pops.get(&call).is_none_or(|p| p.is_empty()) {
                return Err(format!(
                    "call {call} rang {} s with a tab running throughout, never popped",
                    (c.end - c.start) / 1000
                ));
            }
            let remaining =
                self.saw_end.get(&call).is_some_and(|tabs| tabs.iter().any(|&t| self.tabs[t].life != Life::Gone));
            if remaining && self.logs.get(&call).is_none_or(|l| l.len() != 1) {
                return Err(format!("call {call} ended in a remaining tab but was logged {:?}", self.logs.get(&call)));
            }
        }
        Ok(())
    }
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        1 => Just(Action::Arrive),
        1 => (0usize..6, any::<bool>()).prop_map(|(tab, bye)| Action::Leave { tab, bye }),
        3 => (0usize..6, any::<bool>()).prop_map(|(tab, announced)| Action::Freeze { tab, announced }),
        3 => (0usize..6, any::<bool>()).prop_map(|(tab, announced)| Action::Resume { tab, announced }),
        2 => (0usize..6).prop_map(|tab| Action::Show { tab }),
        2 => (0usize..6).prop_map(|tab| Action::Hide { tab }),
        2 => (0usize..6).prop_map(|tab| Action::Focus { tab }),
        2 => (0usize..6, prop_oneof![Just(1u64), Just(1_000), Just(60_000)])
            .prop_map(|(tab, granularity)| Action::Throttle { tab, granularity }),
        4 => (prop_oneof![1_000u64..30_000, 150_000u64..240_000], 0u32..3)
            .prop_map(|(ring_ms, fails)| Action::Call { ring_ms, fails }),
    ]
}

/// A script: (pause before, action) pairs.
fn script() -> impl Strategy<Value = Vec<(u64, Action)>> {
    prop::collection::vec((0u64..20_000, action()), 1..40)
}

fn play(tabs: usize, seed: u64, locks: bool, busy: bool, script: &[(u64, Action)]) -> Result<(), String> {
    let mut sim = Sim::new(tabs, seed, locks, busy);
    for (pause, action) in script {
        sim.run(*pause);
        sim.apply(action);
        sim.check(false).map_err(|e| report(&sim, e))?;
    }
    sim.run(5_000);
    sim.settle();
    sim.check(true).map_err(|e| report(&sim, e))
}

fn report(sim: &Sim, broken: String) -> String {
    if let Ok(path) = std::env::var("TABS_TRACE") {
        let _ = std::fs::write(path, sim.trace.join("\n"));
    }
    broken
}

proptest! {
    // A fixed seed: CI runs the same 200 interleavings every time. Longer
    // runs with other seeds: `TABS_SEED=7 PROPTEST_CASES=5000 cargo test
    // -p ctisvr-core --lib tabs::tests::model` (TABS_TRACE=file writes the
    // failing run's trace).
    #![proptest_config(ProptestConfig {
        cases: 200,
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            std::env::var("TABS_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x7ab5),
        ),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn each_call_is_popped_at_most_once_and_logged_exactly_once(
        tabs in 1usize..4,
        seed in any::<u64>(),
        locks in any::<bool>(),
        busy in any::<bool>(),
        script in script(),
    ) {
        if let Err(broken) = play(tabs, seed, locks, busy, &script) {
            return Err(TestCaseError::fail(broken));
        }
    }
}
