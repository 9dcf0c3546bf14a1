//! Request tracking: ids, the requests waiting for their response (with
//! what to do with it and when to give up), and the frames to send. An owned
//! part of the session (like quinn-proto's `DatagramState`): it returns
//! values and never calls back.
//!
//! Responses are matched by id; the ids count up from 1 per page (not per
//! connection), so a late answer on a new socket matches nothing.

use crate::agent::AgentCommand;
use crate::calls::{CallAction, CallId};
use crate::request_name::RequestName;
use crate::sorted_map::SortedMap;
use crate::time::Millis;
use crate::wire::{Request, RequestFrame, RequestId, UserDataKind};
use std::collections::VecDeque;

/// Why a request was sent: what its response means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Purpose {
    MyExtension,
    StartMonitor,
    QueryDeviceInfo,
    QueryAgentState,
    Snapshot,
    UserData,
    /// The agent's request as sent (agent id trimmed, AUX reason filled in,
    /// `password` only when the agent typed it with this request).
    Agent(AgentCommand),
    /// A call request; `number` is the destination or party it named.
    Call {
        action: CallAction,
        number: Option<String>,
    },
    /// The DTMF of `call`'s extension.
    Extension {
        call: CallId,
        digits: String,
    },
}

impl Purpose {
    /// A read of the agent or the calls (at start-up, after a call, or a liveness check).
    pub(crate) fn is_read(&self) -> bool {
        matches!(self, Purpose::QueryAgentState | Purpose::Snapshot | Purpose::UserData)
    }

    /// The user's own request, agent or call (as opposed to the session's bookkeeping).
    pub(crate) fn is_user_request(&self) -> bool {
        matches!(self, Purpose::Agent(_) | Purpose::Call { .. } | Purpose::Extension { .. })
    }

    /// The request of a read or start-up step: each needs only the
    /// extension (`myextension` not even that). `None` for the agent's and
    /// call requests (built by [`super::commands`]), or without an extension.
    pub(crate) fn read_request(&self, extension: Option<&str>) -> Option<Request> {
        if *self == Purpose::MyExtension {
            return Some(Request::MyExtension);
        }
        let extension = extension?.to_owned();
        Some(match self {
            Purpose::StartMonitor => Request::StartMonitor { extension },
            Purpose::QueryDeviceInfo => Request::QueryDeviceInfo { extension },
            Purpose::QueryAgentState => Request::QueryAgentState { extension },
            Purpose::Snapshot => Request::Snapshot { extension },
            Purpose::UserData => Request::UserData { extension, kind: UserDataKind::Alert },
            _ => return None,
        })
    }

    /// How the agent would name it ("Login", "Change to AUX", "Hang up").
    pub(crate) fn name(&self) -> RequestName {
        match self {
            Purpose::MyExtension => RequestName::FindExtension,
            Purpose::StartMonitor => RequestName::Monitor,
            Purpose::QueryDeviceInfo => RequestName::ReadAgent,
            Purpose::QueryAgentState => RequestName::ReadAgentState,
            Purpose::Snapshot => RequestName::ReadCalls,
            Purpose::UserData => RequestName::ReadNumbers,
            Purpose::Agent(command) => RequestName::of_agent(command),
            Purpose::Extension { digits, .. } => RequestName::SendExtension(digits.clone()),
            Purpose::Call { action, number } => RequestName::Call { action: *action, number: number.clone() },
        }
    }
}

/// A request waiting for its response.
#[derive(Debug)]
struct Pending {
    purpose: Purpose,
    deadline: Millis,
}

/// The requests of the session: sent, waiting, and to send.
#[derive(Debug)]
pub(crate) struct Requests {
    next_id: RequestId,
    pending: SortedMap<RequestId, Pending>,
    transmit: VecDeque<String>,
}

impl Default for Requests {
    fn default() -> Self {
        Requests { next_id: 1, pending: SortedMap::new(), transmit: VecDeque::new() }
    }
}

impl Requests {
    /// Queues `request` with the next id; its answer is due by `deadline`.
    pub(crate) fn send(&mut self, request: Request, purpose: Purpose, deadline: Millis) {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        self.transmit.push_back(RequestFrame { id, request }.encode());
        self.pending.insert(id, Pending { purpose, deadline });
    }

    /// The purpose of the request `id` answers, which waits no more; `None`
    /// for an id nobody waits for (the answer to a request given up on).
    pub(crate) fn answered(&mut self, id: RequestId) -> Option<Purpose> {
        self.pending.remove(&id).map(|p| p.purpose)
    }

    /// The first request whose answer is overdue at `now`.
    pub(crate) fn overdue(&self, now: Millis) -> Option<&Purpose> {
        self.pending.values().find(|p| p.deadline <= now).map(|p| &p.purpose)
    }

    /// When the next answer is due.
    pub(crate) fn next_deadline(&self) -> Option<Millis> {
        self.pending.values().map(|p| p.deadline).min()
    }

    /// Nothing waits for an answer.
    pub(crate) fn is_idle(&self) -> bool {
        self.pending.is_empty()
    }

    /// One of the agent's requests waits for its answer (the buttons wait too).
    pub(crate) fn busy(&self) -> bool {
        self.pending.values().any(|p| p.purpose.is_user_request())
    }

    /// A request of this purpose waits for its answer.
    pub(crate) fn waiting_for(&self, purpose: &Purpose) -> bool {
        self.pending.values().any(|p| p.purpose == *purpose)
    }

    /// The next frame to send.
    pub(crate) fn poll_transmit(&mut self) -> Option<String> {
        self.transmit.pop_front()
    }

    /// The socket is gone: nothing queued is sent, nothing waiting is
    /// answered. Returns the agent's requests that were waiting.
    pub(crate) fn lost(&mut self) -> Vec<Purpose> {
        self.transmit.clear();
        let pending = std::mem::take(&mut self.pending);
        pending.into_values().map(|p| p.purpose).filter(Purpose::is_user_request).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Request;

    #[test]
    fn answers_are_matched_by_id_once_and_late_ones_match_nothing() {
        let mut requests = Requests::default();
        requests.send(Request::MyExtension, Purpose::MyExtension, Millis(10_000));
        requests.send(Request::Snapshot { extension: "2001".into() }, Purpose::Snapshot, Millis(12_000));
        assert!(requests.poll_transmit().is_some_and(|f| f.contains("\"id\":1")));
        assert!(requests.poll_transmit().is_some_and(|f| f.contains("\"id\":2")));
        assert_eq!(requests.next_deadline(), Some(Millis(10_000)));
        assert_eq!(requests.answered(1), Some(Purpose::MyExtension));
        assert_eq!(requests.answered(1), None, "answered once");
        assert_eq!(requests.overdue(Millis(11_000)), None);
        assert_eq!(requests.overdue(Millis(12_000)), Some(&Purpose::Snapshot));
        assert!(requests.lost().is_empty(), "a read is not the agent's request");
        assert!(requests.is_idle());
        assert_eq!(requests.answered(2), None, "lost with the socket");
    }

    #[test]
    fn the_agents_requests_make_it_busy_and_are_reported_lost() {
        let mut requests = Requests::default();
        let hang_up = Purpose::Call { action: CallAction::HangUp, number: None };
        requests.send(Request::Hangup { extension: "2001".into() }, hang_up.clone(), Millis(1));
        assert!(requests.busy() && requests.waiting_for(&hang_up));
        assert_eq!(requests.lost(), vec![hang_up]);
        assert!(!requests.busy());
        assert_eq!(requests.poll_transmit(), None, "nothing queued is sent on the next socket");
    }
}
