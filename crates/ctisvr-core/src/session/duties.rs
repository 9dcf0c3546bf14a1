//! The CRM duties of the calls, an owned part of the session: the screen
//! pop of an inbound call, the panel, the call log when a call ends (and its
//! retries), the records they link, and the memory of the live calls a
//! reloaded page resumes from. Each pop and log is a duty the agent's tabs
//! agree on ([`crate::tabs`]); this part owns that agreement too.
//!
//! It is given the call changes and the CRM's answers, and returns what to
//! do through [`Duties::poll_output`]: effects for the edge (screen pop,
//! panel, save log, keep the calls' memory), notices, and settled causes.
//! It never calls back into the session.

use crate::call_memory::{CallMemo, CallMemory, StorageOrder};
use crate::calls::{Call, CallChange, CallId, Direction};
use crate::crm::{record_from_search, CallLog, LogSubject, Record};
use crate::crm_fault::CrmFault;
use crate::crm_requests::CrmRequest;
use crate::i18n::Catalogue;
use crate::notice::{Notice, NoticeCause, Resolved};
use crate::problem::Problem;
use crate::settings::Options;
use crate::sorted_map::{SortedMap, SortedSet};
use crate::tabs::{Agreed, Duty, PageEvent, TabId, TabMessage, Tabs, Task};
use crate::time::Millis;
use std::collections::VecDeque;
use std::time::Duration;

/// How often, and how far apart, a failed call log is tried again.
pub(crate) const LOG_ATTEMPTS: u32 = 5;
const LOG_RETRY: Duration = Duration::from_secs(10);

/// What the duties ask of the session.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Output {
    /// For the calls' memory in the edge's storage.
    Store(StorageOrder),
    /// For the CRM (screen pop, panel, save log).
    Crm(CrmRequest),
    Notice(Notice),
    Resolved(Resolved),
}

/// The pops, logs, records and call memory of one tab.
#[derive(Debug)]
pub(crate) struct Duties {
    /// Who pops and logs each call: alone until the edge connects the
    /// agent's other tabs.
    tabs: Tabs,
    /// The record of the last click-to-dial, for the call it places.
    dial_record: Option<Record>,
    /// Records of calls (dialled from, or found by the screen pop), for their logs.
    records: SortedMap<CallId, Record>,
    /// The caller number each inbound call was popped with.
    popped: SortedMap<CallId, String>,
    /// Each call's name across tabs (its numbers when it appeared, and
    /// which call between those numbers it is).
    keys: SortedMap<CallId, String>,
    /// Calls seen between each pair of numbers, for the names.
    occurrences: SortedMap<String, Occurrences>,
    /// Pops wanted from the tabs: task call name -> (call, caller to search
    /// for; `None`: withheld, show the panel without a search).
    pending_pops: SortedMap<String, (CallId, Option<String>)>,
    /// Ended calls whose log the tabs have to agree on, by call name.
    pending_logs: SortedMap<String, PendingLog>,
    /// What the page kept about its calls before a reload, until the server
    /// says which calls are still up.
    resumable: CallMemory,
    /// The memory text last given to the edge (or read back from it).
    stored: Option<String>,
    /// Calls restored after a reload with nothing remembered about them:
    /// another tab may still tell (its answer to our `Hello` can come after
    /// the server's).
    blind: SortedSet<CallId>,
    out: VecDeque<Output>,
}

/// How many calls between one pair of numbers this tab has seen, and when
/// the last ended.
#[derive(Debug, Default)]
struct Occurrences {
    count: u32,
    ended_at: Option<Millis>,
}

/// An ended call waiting for its log to be saved by one of the tabs.
#[derive(Debug)]
struct PendingLog {
    call: Call,
    ended_at: Millis,
    /// Failed saves so far.
    attempts: u32,
}

impl Duties {
    /// The duties of tab `me`, alone until [`Duties::join_tabs`].
    pub(crate) fn new(me: TabId) -> Duties {
        Duties {
            tabs: Tabs::alone(me),
            dial_record: None,
            records: SortedMap::new(),
            popped: SortedMap::new(),
            keys: SortedMap::new(),
            occurrences: SortedMap::new(),
            pending_pops: SortedMap::new(),
            pending_logs: SortedMap::new(),
            resumable: CallMemory::default(),
            stored: None,
            blind: SortedSet::new(),
            out: VecDeque::new(),
        }
    }

    /// What to do next: an effect, a notice, a settled cause.
    pub(crate) fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    // ----- calls --------------------------------------------------------

    /// The CRM work the call changes bring: a screen pop for an inbound call
    /// (again when a transfer changes its caller), the record dialled from
    /// for an outbound one, a call log when one ends.
    pub(crate) fn calls_changed(&mut self, now: Millis, changes: &[CallChange], options: &Options) {
        for change in changes {
            if let CallChange::Appeared(call) = change {
                // A call resumed after a reload keeps its name.
                let key = match self.keys.get(&call.id) {
                    Some(key) => key.clone(),
                    None => self.name_call(now, call),
                };
                self.keys.insert(call.id, key.clone());
                let dialled = call.direction == Direction::Outbound && !self.records.contains_key(&call.id);
                if let Some(record) = self.dial_record.take_if(|_| dialled) {
                    self.tabs.own(&key);
                    self.tabs.share_record(&key, &record);
                    self.records.insert(call.id, record);
                }
            }
            match change {
                CallChange::Appeared(call) | CallChange::Changed(call) if call.direction == Direction::Inbound => {
                    let new_caller = self.popped.get(&call.id) != Some(&call.caller);
                    // A blank caller is withheld: the panel shows, nothing is searched.
                    if options.screen_pop && new_caller {
                        self.popped.insert(call.id, call.caller.clone());
                        let key = self.key_of(call);
                        let task = Task { duty: Duty::Pop, call: format!("{key}/{}", call.caller) };
                        let search = (!call.withheld).then(|| call.caller.clone());
                        self.pending_pops.insert(task.call.clone(), (call.id, search));
                        self.tabs.want(now, task);
                    }
                }
                CallChange::Ended(call) => {
                    self.blind.remove(&call.id);
                    let key = self.key_of(call);
                    if let Some(seen) = key.rsplit_once('#').and_then(|(pair, _)| self.occurrences.get_mut(pair)) {
                        seen.ended_at = Some(now);
                    }
                    self.keys.remove(&call.id);
                    self.popped.remove(&call.id);
                    self.unwant_pops(call.id);
                    if options.log_calls {
                        let pending = PendingLog { call: call.clone(), ended_at: now, attempts: 0 };
                        self.pending_logs.insert(key.clone(), pending);
                        self.tabs.want(now, Task { duty: Duty::Log, call: key });
                    } else {
                        self.records.remove(&call.id);
                    }
                }
                _ => {}
            }
        }
    }

    /// The record of the click-to-dial about to be dialled; gives back the
    /// record of the call still being placed, to put back if the dial is refused.
    pub(crate) fn dialling_from(&mut self, record: Option<Record>) -> Option<Record> {
        std::mem::replace(&mut self.dial_record, record)
    }

    /// The dial was refused: the call still being placed keeps its record.
    pub(crate) fn dial_refused(&mut self, placing: Option<Record>) {
        self.dial_record = placing;
    }

    /// What `searchAndScreenPop` found for `call_id` (still up: `known`).
    pub(crate) fn screen_pop_result(&mut self, call_id: CallId, result: &serde_json::Value, known: bool) -> bool {
        let Some(record) = record_from_search(result).filter(|_| known) else { return false };
        if let Some(key) = self.keys.get(&call_id) {
            self.tabs.share_record(key, &record);
        }
        self.records.insert(call_id, record);
        true
    }

    /// The log of `call_id` was saved.
    pub(crate) fn log_saved(&mut self, now: Millis, call_id: CallId) {
        if let Some(task) = self.log_task(call_id) {
            self.tabs.done(now, &task);
            self.forget_log(&task);
        }
    }

    /// The CRM refused the log of `call_id`: tried again later, given up
    /// after [`LOG_ATTEMPTS`].
    pub(crate) fn log_failed(&mut self, now: Millis, call_id: CallId, log: &CallLog, error: &CrmFault) {
        let Some(task) = self.log_task(call_id) else { return };
        let attempt = self.pending_logs.get_mut(&task.call).map_or(1, |p| {
            p.attempts += 1;
            p.attempts
        });
        if attempt > LOG_ATTEMPTS {
            self.tabs.done(now, &task);
            self.forget_log(&task);
            let given_up =
                Problem::LogGivenUp { subject: log.subject.clone(), attempts: LOG_ATTEMPTS, error: error.clone() };
            self.out.push_back(Output::Notice(Notice::error(NoticeCause::Event, given_up)));
        } else {
            let delay = LOG_RETRY * attempt;
            let retry = Problem::LogRetry { error: error.clone(), seconds: delay.as_secs() };
            self.out.push_back(Output::Notice(Notice::error(NoticeCause::LogRetry(task.call.clone()), retry)));
            self.tabs.retry(now, &task, now + delay);
        }
    }

    // ----- the calls' memory across a reload ----------------------------

    /// What the page kept about this tab's calls before it was reloaded.
    /// What the page kept before a reload: the calls' memos wait for the
    /// server's word; the extension it names is returned.
    pub(crate) fn resume_calls(&mut self, stored: &str) -> Option<String> {
        self.resumable = CallMemory::decode(stored);
        self.stored = Some(stored.to_owned());
        self.resumable.extension.take()
    }

    /// The memo of the call between these numbers at `extension`: from
    /// before the reload, else from another tab.
    pub(crate) fn memo_of(&self, extension: &str, calling: &str, called: &str) -> Option<CallMemo> {
        self.resumable
            .find(extension, calling, called)
            .or_else(|| self.tabs.call_memo(extension, calling, called))
            .cloned()
    }

    /// A call restored after a reload is the call `memo` remembers: its
    /// name among the tabs, its record, whether it was popped.
    pub(crate) fn resume(&mut self, call: &Call, memo: &CallMemo) {
        self.keys.insert(call.id, memo.name.clone());
        if let Some((pair, count)) = memo.name.rsplit_once('#') {
            let seen = self.occurrences.get_or_insert_with(pair.to_owned(), Default::default);
            seen.count = seen.count.max(count.parse().unwrap_or(1));
        }
        if let Some(record) = &memo.record {
            self.records.insert(call.id, record.clone());
        }
        if let Some(caller) = &memo.popped {
            self.popped.insert(call.id, caller.clone());
        }
    }

    /// A call restored after a reload with nothing remembered: another tab may tell.
    pub(crate) fn restored_blind(&mut self, call: CallId) {
        self.blind.insert(call);
    }

    /// The server has said which calls are up: what the page remembered
    /// from before a reload has served.
    pub(crate) fn forget_resumable(&mut self) {
        self.resumable = CallMemory::default();
    }

    /// The calls restored blind that another tab has now told about, with
    /// what it told. Their pops, done before the reload, are not wanted again.
    pub(crate) fn told_about_blind(&mut self, calls: &[Call], extension: &str) -> Vec<(Call, CallMemo)> {
        let mut told = Vec::new();
        for id in self.blind.clone() {
            let Some(call) = calls.iter().find(|c| c.id == id).cloned() else {
                self.blind.remove(&id);
                continue;
            };
            let Some(memo) = self.tabs.call_memo(extension, &call.calling, &call.called).cloned() else { continue };
            self.blind.remove(&id);
            if memo.popped.is_some() {
                self.unwant_pops(id);
            }
            self.resume(&call, &memo);
            told.push((call, memo));
        }
        told
    }

    /// Hands the edge what to keep about the live `calls`, when it changed.
    /// Left as it was while memos read back wait for the server's word.
    pub(crate) fn remember(&mut self, calls: &[Call], extension: &str) {
        if !self.resumable.calls.is_empty() {
            return;
        }
        let memos = calls
            .iter()
            .map(|call| {
                let name = self.key_of(call);
                CallMemo::of(call, &name, extension, self.records.get(&call.id), self.popped.get(&call.id))
            })
            .collect::<Vec<_>>();
        let extension = Some(extension.to_owned()).filter(|e| !e.is_empty());
        let memory = CallMemory { extension, calls: memos };
        let text = (!memory.is_empty()).then(|| memory.encode());
        self.tabs.share_calls(CallMemory { extension: None, ..memory });
        if text != self.stored {
            self.stored = text.clone();
            let order = text.map_or(StorageOrder::Remove, StorageOrder::Write);
            self.out.push_back(Output::Store(order));
        }
    }

    // ----- the tabs -----------------------------------------------------

    /// Carries out what the tabs decided: the pops and logs this tab won
    /// (a log worded by `words`, the agent's language).
    pub(crate) fn run(&mut self, now: Millis, extension: &str, words: &dyn Catalogue) {
        while let Some(outcome) = self.tabs.poll_agreed() {
            match outcome {
                Agreed::Perform(task) if task.duty == Duty::Pop => {
                    if let Some((call_id, caller)) = self.pending_pops.remove(&task.call) {
                        if let Some(number) = caller {
                            self.out.push_back(Output::Crm(CrmRequest::ScreenPop { call_id, number }));
                        }
                        self.out.push_back(Output::Crm(CrmRequest::ShowPanel));
                        if let Some(key) = self.keys.get(&call_id) {
                            self.tabs.own(key);
                        }
                    }
                    self.tabs.done(now, &task);
                }
                Agreed::Perform(task) => {
                    let Some(pending) = self.pending_logs.get(&task.call) else {
                        // Nothing to log here after all: let another tab.
                        self.tabs.unwant(&task);
                        continue;
                    };
                    let record = self.records.get(&pending.call.id).or_else(|| self.tabs.record(&task.call)).cloned();
                    let call = &pending.call;
                    let text = (words.log_subject(&LogSubject::of(call)), words.log_description(call, extension));
                    let log = CallLog::for_call(call, pending.ended_at, extension, record.as_ref(), text);
                    self.out.push_back(Output::Crm(CrmRequest::SaveLog { call_id: pending.call.id, log }));
                }
                Agreed::Settled(task) if task.duty == Duty::Pop => {
                    self.pending_pops.remove(&task.call);
                }
                Agreed::Settled(task) => self.forget_log(&task),
            }
        }
    }

    pub(crate) fn join_tabs(&mut self, now: Millis) {
        self.tabs.join(now);
    }

    /// A message on the tabs' channel; whether it told another tab's calls.
    pub(crate) fn handle_tab_message(&mut self, now: Millis, message: TabMessage) -> bool {
        let told_calls = matches!(message, TabMessage::Calls { .. });
        self.tabs.handle_message(now, message);
        told_calls
    }

    pub(crate) fn tab_gone(&mut self, now: Millis, tab: TabId) {
        self.tabs.peer_gone(now, tab);
    }

    pub(crate) fn handle_page(&mut self, now: Millis, event: PageEvent) {
        self.tabs.handle_page(now, event);
    }

    pub(crate) fn handle_timeout(&mut self, now: Millis) {
        self.tabs.handle_timeout(now);
    }

    pub(crate) fn poll_timeout(&self) -> Option<Millis> {
        self.tabs.poll_timeout()
    }

    pub(crate) fn poll_tab_message(&mut self) -> Option<TabMessage> {
        self.tabs.poll_transmit()
    }

    pub(crate) fn poll_new_tab(&mut self) -> Option<TabId> {
        self.tabs.poll_new_peer()
    }

    pub(crate) fn tab_id(&self) -> TabId {
        self.tabs.me()
    }

    // ----- within ---------------------------------------------------------

    /// The name of `call` across tabs.
    fn key_of(&self, call: &Call) -> String {
        self.keys.get(&call.id).cloned().unwrap_or_else(|| format!("{}#1", call_key(call)))
    }

    /// Names a call that appeared: its numbers and which call between them
    /// it is, `4155550100>2001#2` for a caller's second call. Every tab sees
    /// the same events, so they count alike. A tab that was not there for
    /// the earlier calls counts from 1, so the count starts again at 1 once
    /// the tabs have surely forgotten the last call (twice [`Tabs::MEMORY`]
    /// after it ended; a late message may refresh their memory a while).
    fn name_call(&mut self, now: Millis, call: &Call) -> String {
        let forgotten = |seen: &Occurrences| seen.ended_at.is_some_and(|at| now >= at + Tabs::MEMORY * 2);
        self.occurrences.retain(|_, seen| !forgotten(seen));
        let pair = call_key(call);
        let seen = self.occurrences.get_or_insert_with(pair.clone(), Default::default);
        seen.count += 1;
        seen.ended_at = None;
        format!("{pair}#{}", seen.count)
    }

    /// The pops of `call` are not wanted any more.
    fn unwant_pops(&mut self, call: CallId) {
        let pops: Vec<String> =
            self.pending_pops.iter().filter(|(_, (id, _))| *id == call).map(|(k, _)| k.clone()).collect();
        for pop in pops {
            self.pending_pops.remove(&pop);
            self.tabs.unwant(&Task { duty: Duty::Pop, call: pop });
        }
    }

    /// A call log is settled (saved or given up, here or in another tab).
    fn forget_log(&mut self, task: &Task) {
        if let Some(pending) = self.pending_logs.remove(&task.call) {
            self.records.remove(&pending.call.id);
        }
        self.out.push_back(Output::Resolved(Resolved::LogSettled(task.call.clone())));
    }

    /// The log duty of `call_id`, when its log is pending here.
    fn log_task(&self, call_id: CallId) -> Option<Task> {
        let key = self.pending_logs.iter().find(|(_, p)| p.call.id == call_id).map(|(k, _)| k.clone())?;
        Some(Task { duty: Duty::Log, call: key })
    }
}

/// A call's name in every tab of the agent: its numbers as it appeared
/// (CtiSVR gives calls no id; every tab sees the same events).
fn call_key(call: &Call) -> String {
    format!("{}>{}", call.calling, call.called)
}
