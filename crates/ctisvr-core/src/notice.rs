//! Messages for the agent, each tied to its cause: a notice goes away when
//! its cause does (the softphone is connected again, the call changed, the
//! call log was saved), not only when the agent dismisses it.
//!
//! The session raises a [`Notice`] with a [`NoticeCause`]; when something
//! happens that may end a cause it reports a [`Resolved`], and the notice
//! shown goes if [`NoticeCause::ends_with`] says so. One notice is shown at
//! a time: a newer one takes the place of the older.

use crate::connection::ConnId;
use crate::problem::Problem;

/// A message for the agent, shown in the message bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: NoticeLevel,
    /// What went wrong (tests match it).
    pub problem: Problem,
    /// The problem in words, as shown.
    pub text: String,
    /// What it is about; the notice goes when this ends.
    pub cause: NoticeCause,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeLevel {
    Info,
    Error,
}

impl Notice {
    pub fn error(cause: NoticeCause, problem: Problem) -> Notice {
        Notice { level: NoticeLevel::Error, text: problem.to_string(), problem, cause }
    }

    pub fn info(cause: NoticeCause, problem: Problem) -> Notice {
        Notice { level: NoticeLevel::Info, text: problem.to_string(), problem, cause }
    }
}

/// What a notice is about, and so when it goes. Every cause also goes when
/// the agent dismisses the notice or a newer notice takes its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeCause {
    /// The settings are missing or invalid. Ends: valid settings arrive.
    Settings,
    /// The softphone has no working connection: the browser refused a
    /// socket, or a command was refused as not connected or not started
    /// yet. Ends: the session is ready on a server, or new settings.
    Connection,
    /// The server on this socket did not start the session properly (it did
    /// not say the extension, or refused a start-up step). Ends: the session
    /// is ready on another socket, or new settings.
    Startup(ConnId),
    /// Reading the agent or the calls from the server failed. Ends: a later
    /// read succeeds, or new settings.
    Reading,
    /// A request about the agent (login, logout, a work mode) was refused by
    /// the server or the softphone, or lost with the connection. Ends: the
    /// agent state changes, or the agent sends another request.
    AgentRequest,
    /// A call request (dial, answer, hang up...) was refused or lost, or a
    /// click-to-dial could not be read. Ends: a call appears, changes or
    /// ends, or the agent sends another request.
    CallRequest,
    /// A request was refused because another waits for its answer. Ends: no
    /// request of the agent's is waiting.
    Busy,
    /// Saving the log of this call (its name across tabs) failed and will be
    /// tried again. Ends: the log is settled (saved here or in another tab,
    /// or given up, which raises its own notice).
    LogRetry(String),
    /// Something that happened and is over, which the agent may have to act
    /// on: a call log given up (log it by hand), a failed CRM call, a frame
    /// the softphone could not read. No later state says it is done, so it
    /// ends only when dismissed or replaced.
    Event,
}

/// Something that happened and may end a cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Valid settings arrived (the connection starts over).
    Settings,
    /// The session is ready on this socket.
    Ready(ConnId),
    /// A read of the agent or the calls succeeded.
    Read,
    /// The agent state changed.
    AgentChanged,
    /// A call appeared, changed or ended.
    CallsChanged,
    /// The agent's request was sent.
    RequestSent,
    /// No request of the agent's is waiting any more.
    NothingWaiting,
    /// The log of this call (its name across tabs) is settled.
    LogSettled(String),
}

impl NoticeCause {
    /// Whether `what` ends this cause (see each cause's docs).
    pub fn ends_with(&self, what: &Resolved) -> bool {
        match (self, what) {
            (NoticeCause::Settings, Resolved::Settings) => true,
            (NoticeCause::Connection, Resolved::Settings | Resolved::Ready(_)) => true,
            (NoticeCause::Startup(_), Resolved::Settings) => true,
            (NoticeCause::Startup(failed), Resolved::Ready(ready)) => failed != ready,
            (NoticeCause::Reading, Resolved::Settings | Resolved::Read) => true,
            (NoticeCause::AgentRequest, Resolved::AgentChanged | Resolved::RequestSent) => true,
            (NoticeCause::CallRequest, Resolved::CallsChanged | Resolved::RequestSent) => true,
            (NoticeCause::Busy, Resolved::NothingWaiting) => true,
            (NoticeCause::LogRetry(call), Resolved::LogSettled(settled)) => call == settled,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cause_ends_only_with_what_resolves_it() {
        let everything = [
            Resolved::Settings,
            Resolved::Ready(ConnId(1)),
            Resolved::Ready(ConnId(2)),
            Resolved::Read,
            Resolved::AgentChanged,
            Resolved::CallsChanged,
            Resolved::RequestSent,
            Resolved::NothingWaiting,
            Resolved::LogSettled("a#1".into()),
            Resolved::LogSettled("b#1".into()),
        ];
        let ends = |cause: NoticeCause| -> Vec<usize> {
            everything.iter().enumerate().filter(|(_, what)| cause.ends_with(what)).map(|(i, _)| i).collect()
        };
        assert_eq!(ends(NoticeCause::Settings), vec![0]);
        assert_eq!(ends(NoticeCause::Connection), vec![0, 1, 2]);
        assert_eq!(ends(NoticeCause::Startup(ConnId(1))), vec![0, 2], "not by the socket that failed");
        assert_eq!(ends(NoticeCause::Reading), vec![0, 3]);
        assert_eq!(ends(NoticeCause::AgentRequest), vec![4, 6]);
        assert_eq!(ends(NoticeCause::CallRequest), vec![5, 6]);
        assert_eq!(ends(NoticeCause::Busy), vec![7]);
        assert_eq!(ends(NoticeCause::LogRetry("a#1".into())), vec![8], "not by another call's log");
        assert_eq!(ends(NoticeCause::Event), Vec::<usize>::new());
    }
}
