//! What the agent's tabs tell each other, and its text form on the
//! `BroadcastChannel`: a small JSON object `{"k": kind, "f": from, ...}`.
//! The channel is ours, but any page of the origin can post on it, so
//! decoding is lenient: anything that is not one of ours is `None`.

use super::{Bid, Duty, Rank, TabId, Task};
use crate::call_memory::{CallMemo, CallMemory};
use crate::crm::Record;
use serde_json::{json, Map, Value};

/// One message between tabs. `seq` numbers a claim, so that an answer to an
/// older claim of the same task is not counted for a newer one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabMessage {
    /// "I am here (new, or back from a stop): tell me what you know."
    Hello { from: TabId, rank: Rank },
    /// The answer to `to`'s `Hello`, sent after the sender's knowledge
    /// (`Done`, `Hold`, `Claim`, `Record`): the channel keeps one sender's
    /// order, so `to` has all of it when `Here` arrives.
    Here { from: TabId, rank: Rank, to: TabId },
    /// The sender's rank changed (shown, hidden, focused).
    Rank { from: TabId, rank: Rank },
    /// The sender leaves (page hidden for good, frozen, removed): wait for it no more.
    Bye { from: TabId },
    /// "I want to do `task`."
    Claim { from: TabId, task: Task, bid: Bid, seq: u64 },
    /// "Go ahead with claim `seq`."
    Grant { from: TabId, to: TabId, task: Task, seq: u64 },
    /// "Not you: I (or a better claim I know) will do it."
    Deny { from: TabId, to: TabId, task: Task, seq: u64 },
    /// "I am doing `task`" (a call log being saved or retried), with the
    /// sender's bid: of two tabs that both hold it (one was passed over
    /// while stopped), the better keeps it.
    Hold { from: TabId, task: Task, bid: Bid },
    /// "I no longer want `task` and do not hold it."
    Release { from: TabId, task: Task },
    /// "`task` is done": nobody does it again.
    Done { from: TabId, task: Task },
    /// The CRM record of `call` (dialled from, or found by the screen pop),
    /// so that whichever tab logs the call links the same record.
    Record { from: TabId, call: String, record: Record },
    /// The sender's live calls (see [`crate::call_memory`]), in answer to a
    /// `Hello`: a tab reloaded mid-call with no storage learns its call back.
    Calls { from: TabId, calls: CallMemory },
}

impl TabMessage {
    /// The tab that sent it.
    pub fn from(&self) -> TabId {
        match self {
            TabMessage::Hello { from, .. }
            | TabMessage::Here { from, .. }
            | TabMessage::Rank { from, .. }
            | TabMessage::Bye { from }
            | TabMessage::Claim { from, .. }
            | TabMessage::Grant { from, .. }
            | TabMessage::Deny { from, .. }
            | TabMessage::Hold { from, .. }
            | TabMessage::Release { from, .. }
            | TabMessage::Done { from, .. }
            | TabMessage::Record { from, .. }
            | TabMessage::Calls { from, .. } => *from,
        }
    }

    /// The text posted on the channel.
    pub fn encode(&self) -> String {
        let (kind, fields) = match self {
            TabMessage::Hello { rank, .. } => ("hello", rank_fields(rank)),
            TabMessage::Here { rank, to, .. } => {
                let mut fields = rank_fields(rank);
                fields.insert("to".into(), json!(to.to_string()));
                ("here", fields)
            }
            TabMessage::Rank { rank, .. } => ("rank", rank_fields(rank)),
            TabMessage::Bye { .. } => ("bye", Map::new()),
            TabMessage::Claim { task, bid, seq, .. } => {
                let mut fields = bid_fields(task, bid);
                fields.insert("seq".into(), json!(seq));
                ("claim", fields)
            }
            TabMessage::Grant { to, task, seq, .. } => ("grant", answer_fields(*to, task, *seq)),
            TabMessage::Deny { to, task, seq, .. } => ("deny", answer_fields(*to, task, *seq)),
            TabMessage::Hold { task, bid, .. } => ("hold", bid_fields(task, bid)),
            TabMessage::Release { task, .. } => ("release", task_fields(task)),
            TabMessage::Done { task, .. } => ("done", task_fields(task)),
            TabMessage::Record { call, record, .. } => {
                let mut fields = Map::new();
                fields.insert("call".into(), json!(call));
                fields.insert("id".into(), json!(record.id));
                fields.insert("type".into(), json!(record.object_type));
                fields.insert("name".into(), json!(record.name));
                ("record", fields)
            }
            TabMessage::Calls { calls, .. } => {
                let mut fields = Map::new();
                fields.insert("calls".into(), Value::Array(calls.calls.iter().map(CallMemo::to_value).collect()));
                ("calls", fields)
            }
        };
        let mut object = fields;
        object.insert("k".into(), json!(kind));
        // Ids are 53-bit random numbers: as text they survive any JSON reader.
        object.insert("f".into(), json!(self.from().to_string()));
        Value::Object(object).to_string()
    }

    /// `None` for anything that is not one of ours.
    pub fn decode(text: &str) -> Option<TabMessage> {
        let value: Value = serde_json::from_str(text).ok()?;
        let from = id(value.get("f")?)?;
        let kind = value.get("k")?.as_str()?;
        let rank = || read_rank(&value);
        let task = || read_task(&value);
        let to = || id(value.get("to")?);
        let seq = || value.get("seq")?.as_u64();
        let bid = || {
            let owner = value.get("owner")?.as_bool()?;
            let holding = value.get("holding")?.as_bool()?;
            Some(Bid { holding, owner, rank: rank()?, tab: from })
        };
        let message = match kind {
            "hello" => TabMessage::Hello { from, rank: rank()? },
            "here" => TabMessage::Here { from, rank: rank()?, to: to()? },
            "rank" => TabMessage::Rank { from, rank: rank()? },
            "bye" => TabMessage::Bye { from },
            "claim" => TabMessage::Claim { from, task: task()?, bid: bid()?, seq: seq()? },
            "grant" => TabMessage::Grant { from, to: to()?, task: task()?, seq: seq()? },
            "deny" => TabMessage::Deny { from, to: to()?, task: task()?, seq: seq()? },
            "hold" => TabMessage::Hold { from, task: task()?, bid: bid()? },
            "release" => TabMessage::Release { from, task: task()? },
            "done" => TabMessage::Done { from, task: task()? },
            "record" => {
                let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
                let record = Record { id: text("id")?, object_type: text("type"), name: text("name") };
                TabMessage::Record { from, call: text("call")?, record }
            }
            "calls" => {
                let calls = value.get("calls")?.as_array()?.iter().filter_map(CallMemo::from_value).collect();
                TabMessage::Calls { from, calls: CallMemory { extension: None, calls } }
            }
            _ => return None,
        };
        Some(message)
    }
}

fn rank_fields(rank: &Rank) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("visible".into(), json!(rank.visible));
    fields.insert("focus".into(), json!(rank.focus));
    fields
}

fn task_fields(task: &Task) -> Map<String, Value> {
    let mut fields = Map::new();
    let duty = match task.duty {
        Duty::Pop => "pop",
        Duty::Log => "log",
    };
    fields.insert("duty".into(), json!(duty));
    fields.insert("call".into(), json!(task.call));
    fields
}

fn bid_fields(task: &Task, bid: &Bid) -> Map<String, Value> {
    let mut fields = task_fields(task);
    fields.extend(rank_fields(&bid.rank));
    fields.insert("owner".into(), json!(bid.owner));
    fields.insert("holding".into(), json!(bid.holding));
    fields
}

fn answer_fields(to: TabId, task: &Task, seq: u64) -> Map<String, Value> {
    let mut fields = task_fields(task);
    fields.insert("to".into(), json!(to.to_string()));
    fields.insert("seq".into(), json!(seq));
    fields
}

fn read_rank(value: &Value) -> Option<Rank> {
    Some(Rank { visible: value.get("visible")?.as_bool()?, focus: value.get("focus")?.as_u64()? })
}

fn read_task(value: &Value) -> Option<Task> {
    let duty = match value.get("duty")?.as_str()? {
        "pop" => Duty::Pop,
        "log" => Duty::Log,
        _ => return None,
    };
    Some(Task { duty, call: value.get("call")?.as_str()?.to_owned() })
}

/// A tab id written as text (or, leniently, as a number).
fn id(value: &Value) -> Option<TabId> {
    match value {
        Value::String(text) => text.parse().ok(),
        other => other.as_u64(),
    }
}
