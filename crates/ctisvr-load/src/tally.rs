//! What the agents reported, gathered as the run goes: who is up, the
//! connection attempts, the calls, the notices and errors, per phase.

use crate::agent::{Report, Reported};
use std::collections::BTreeMap;
use std::time::Instant;

/// The run's phases, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Every softphone starts and the agent logs in.
    StartUp,
    /// Inbound calls, answered and hung up.
    Traffic,
    /// CtiSVR restarts; every softphone reconnects.
    Restart,
    /// The calls that lived through the restart end.
    Settle,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::StartUp => "start-up",
            Phase::Traffic => "traffic",
            Phase::Restart => "restart",
            Phase::Settle => "settle",
        }
    }
}

/// Everything reported so far.
#[derive(Debug)]
pub struct Tally {
    pub phase: Phase,
    up: Vec<bool>,
    /// Went down since the phase began.
    down_in_phase: Vec<bool>,
    /// When each agent was last up.
    pub up_at: Vec<Option<Instant>>,
    pub up_count: usize,
    /// On a call (from the ring to the end).
    pub busy: Vec<bool>,
    /// Every connection attempt.
    pub attempts: Vec<(Phase, Instant)>,
    pub offered: u64,
    pub answered: u64,
    pub found: u64,
    /// Calls the agent first saw after a reconnect (they rang meanwhile).
    pub restored: u64,
    pub ended: u64,
    /// Calls up when the connection went.
    pub up_at_loss: u64,
    /// Notices the agents saw: (phase, error, from the loss of the
    /// connection, text) -> count.
    pub notices: BTreeMap<(Phase, bool, bool, String), u64>,
    /// What should not happen: refused clicks, failed control requests.
    pub errors: BTreeMap<(Phase, String), u64>,
}

impl Tally {
    pub fn new(agents: usize) -> Tally {
        Tally {
            phase: Phase::StartUp,
            up: vec![false; agents],
            down_in_phase: vec![false; agents],
            up_at: vec![None; agents],
            up_count: 0,
            busy: vec![false; agents],
            attempts: Vec::new(),
            offered: 0,
            answered: 0,
            found: 0,
            restored: 0,
            ended: 0,
            up_at_loss: 0,
            notices: BTreeMap::new(),
            errors: BTreeMap::new(),
        }
    }

    pub fn begin(&mut self, phase: Phase) {
        self.phase = phase;
        self.down_in_phase.iter_mut().for_each(|down| *down = false);
    }

    /// Agents that went down in this phase and are up again.
    pub fn back_up(&self) -> usize {
        self.down_in_phase.iter().zip(&self.up).filter(|(down, up)| **down && **up).count()
    }

    /// Agents that went down in this phase.
    pub fn went_down(&self) -> usize {
        self.down_in_phase.iter().filter(|down| **down).count()
    }

    pub fn error(&mut self, what: String) {
        *self.errors.entry((self.phase, what)).or_default() += 1;
    }

    /// Errors, and error notices; during a restart, not those the loss of
    /// the connection caused (there they are the expected news: the agent
    /// is told the connection went, and which click it left unconfirmed).
    pub fn error_count(&self, phase: Phase) -> u64 {
        let errors: u64 = self.errors.iter().filter(|((p, _), _)| *p == phase).map(|(_, n)| n).sum();
        let notices: u64 = self
            .notices
            .iter()
            .filter(|((p, error, from_loss, _), _)| {
                *p == phase && *error && !(*from_loss && matches!(phase, Phase::Restart))
            })
            .map(|(_, n)| n)
            .sum();
        errors + notices
    }

    pub fn record(&mut self, reported: Reported) {
        let index = reported.agent as usize;
        let phase = self.phase;
        match reported.what {
            Report::Attempt => self.attempts.push((phase, reported.at)),
            Report::Up => {
                if let Some(up) = self.up.get_mut(index).filter(|up| !**up) {
                    *up = true;
                    self.up_count += 1;
                }
                if let Some(at) = self.up_at.get_mut(index) {
                    *at = Some(reported.at);
                }
            }
            Report::Down => {
                if let Some(up) = self.up.get_mut(index).filter(|up| **up) {
                    *up = false;
                    self.up_count -= 1;
                }
                if let Some(down) = self.down_in_phase.get_mut(index) {
                    *down = true;
                }
                if self.busy.get(index).copied().unwrap_or(false) {
                    self.up_at_loss += 1;
                }
            }
            Report::Offered => {
                self.offered += 1;
                self.set_busy(index, true);
            }
            Report::Answered => self.answered += 1,
            Report::Found => self.found += 1,
            Report::Restored => {
                self.restored += 1;
                self.set_busy(index, true);
            }
            Report::Ended => {
                self.ended += 1;
                self.set_busy(index, false);
            }
            Report::Notice { error, from_loss, text } => {
                *self.notices.entry((phase, error, from_loss, text)).or_default() += 1;
            }
            Report::Refused(why) => self.error(format!("refused: {why}")),
        }
    }

    fn set_busy(&mut self, index: usize, busy: bool) {
        if let Some(slot) = self.busy.get_mut(index) {
            *slot = busy;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(agent: u32, what: Report) -> Reported {
        Reported { agent, at: Instant::now(), what }
    }

    #[test]
    fn an_agent_counts_as_back_only_after_going_down_in_the_phase() {
        let mut tally = Tally::new(2);
        tally.record(at(0, Report::Up));
        tally.record(at(1, Report::Up));
        tally.begin(Phase::Restart);
        assert_eq!((tally.up_count, tally.back_up()), (2, 0));
        tally.record(at(0, Report::Down));
        tally.record(at(0, Report::Up));
        assert_eq!((tally.went_down(), tally.back_up()), (1, 1));
    }

    #[test]
    fn connection_notices_are_errors_except_during_a_restart() {
        let mut tally = Tally::new(1);
        let notice = || Report::Notice { error: true, from_loss: true, text: "lost".into() };
        tally.record(at(0, notice()));
        tally.begin(Phase::Restart);
        tally.record(at(0, notice()));
        tally.record(at(0, Report::Notice { error: true, from_loss: false, text: "server said no".into() }));
        assert_eq!(tally.error_count(Phase::StartUp), 1);
        assert_eq!(tally.error_count(Phase::Restart), 1);
    }
}
