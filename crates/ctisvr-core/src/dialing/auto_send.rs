//! Sending a call's extension by itself (`dialExtension` = `auto N`): N
//! seconds after the call is connected, once. A call held, failed or ended
//! before then gets nothing sent (the button stays for the agent).

use crate::calls::{CallChange, CallId, CallState};
use crate::settings::DialExtension;
use crate::sorted_map::{SortedMap, SortedSet};
use crate::time::Millis;
use std::time::Duration;

/// While another request waits for its answer, the send waits this long and tries again.
pub(crate) const BUSY_RETRY: Duration = Duration::from_millis(250);

/// The calls whose extension is due to be sent, and when.
#[derive(Debug, Default)]
pub(crate) struct AutoSend {
    due: SortedMap<CallId, Millis>,
    /// Calls whose extension was sent, or whose chance passed: never again.
    settled: SortedSet<CallId>,
}

impl AutoSend {
    /// Follows the calls: arms a connected call's unsent extension, cancels
    /// it when the call is held, fails or ends.
    pub(crate) fn track(&mut self, now: Millis, changes: &[CallChange], mode: DialExtension) {
        let DialExtension::Auto { delay } = mode else { return };
        for change in changes {
            match change {
                CallChange::Ended(call) => {
                    self.due.remove(&call.id);
                    self.settled.remove(&call.id);
                }
                CallChange::Appeared(call) | CallChange::Changed(call) => {
                    let Some(extension) = &call.extension else { continue };
                    if self.settled.contains(&call.id) {
                        continue;
                    }
                    match call.state {
                        _ if extension.sent => self.settle(call.id),
                        CallState::Connected if !self.due.contains_key(&call.id) => {
                            self.due.insert(call.id, now + delay);
                        }
                        CallState::Held | CallState::Failed => self.settle(call.id),
                        _ => {}
                    }
                }
            }
        }
    }

    /// When the next extension is due.
    pub(crate) fn poll_timeout(&self) -> Option<Millis> {
        self.due.values().min().copied()
    }

    /// A call whose extension is due at `now`; it is not due again.
    pub(crate) fn take_due(&mut self, now: Millis) -> Option<CallId> {
        let (&call, _) = self.due.iter().find(|(_, at)| **at <= now)?;
        self.settle(call);
        Some(call)
    }

    /// `call` could not be sent yet (another request is waiting): due again at `at`.
    pub(crate) fn postpone(&mut self, call: CallId, at: Millis) {
        self.settled.remove(&call);
        self.due.insert(call, at);
    }

    fn settle(&mut self, call: CallId) {
        self.due.remove(&call);
        self.settled.insert(call);
    }
}
