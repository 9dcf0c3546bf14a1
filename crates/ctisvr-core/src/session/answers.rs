//! What the server's answers and events do to the session: the start-up
//! steps ([`super::startup`]), the agent's state, the calls, and the
//! requests the agent is waiting on. The half of `impl Session` that reads
//! the server; `session.rs` holds the inputs that call it.

use super::startup::Moved;
use super::{Purpose, Session};
use crate::agent::{AgentCommand, AgentStatus};
use crate::call_memory::CallMemo;
use crate::calls::{CallAction, CallChange, Restored};
use crate::crm_requests::CrmRequest;
use crate::notice::{Notice, NoticeCause, Resolved};
use crate::problem::Problem;
use crate::time::Millis;
use crate::updates::Update;
use crate::wire::{Event, EventKind, ReasonCode, Response, SkillMode, TalkState};

impl Session {
    pub(super) fn on_response(&mut self, now: Millis, response: Response) {
        let Some(purpose) = response.id.and_then(|id| self.requests.answered(id)) else {
            // No request of this socket waits for it: a duplicate, an id never
            // sent, or none (a request that timed out left with its socket).
            self.show(Notice::info(NoticeCause::Event, Problem::StrayAnswer { id: response.id }));
            return;
        };
        if purpose.is_user_request() && !self.requests.busy() {
            self.resolve(Resolved::NothingWaiting);
        }
        if response.is_success() {
            if purpose.is_read() {
                self.resolve(Resolved::Read);
            }
            self.on_success(now, purpose, response);
        } else {
            self.on_error(now, purpose, response);
        }
    }

    pub(super) fn on_success(&mut self, now: Millis, purpose: Purpose, response: Response) {
        match purpose {
            Purpose::MyExtension => match response.extension.filter(|e| !e.trim().is_empty()) {
                Some(extension) => match self.startup.extension_known(&extension) {
                    Ok(burst) => {
                        self.extension = Some(extension);
                        for next in burst {
                            self.ask(now, next);
                        }
                        // Kept for a reload: its start-up then takes one round trip.
                        self.emit_calls(now, Vec::new());
                    }
                    // Free seating moved the agent: what went out was for another
                    // extension. Leave this socket (its monitor with it), start cold.
                    Err(Moved) => {
                        self.extension = None;
                        self.remembered_extension = None;
                        if self.connection.reopen() {
                            self.connection_lost();
                        }
                    }
                },
                None => self.show(Notice::error(self.startup_cause(), Problem::NoExtension)),
            },
            // Nothing follows from it: the rest of the burst went with it.
            Purpose::StartMonitor => {}
            Purpose::QueryDeviceInfo => {
                match response.associated_device.filter(|a| !a.trim().is_empty()) {
                    // Already logged in (a reload, or another softphone):
                    // `queryagentstate`, answered next, says how.
                    Some(agent_id) if self.agent.agent_id() == Some(agent_id.as_str()) => {}
                    Some(agent_id) => {
                        self.password = None;
                        self.set_agent(AgentStatus::LoggedIn { agent_id, mode: None, reason: None });
                    }
                    None => {
                        self.password = None;
                        self.set_agent(AgentStatus::LoggedOut);
                    }
                }
                self.finish_startup(&purpose);
            }
            Purpose::QueryAgentState => {
                match (response.skill_mode, self.agent.agent_id().map(str::to_owned)) {
                    (Some(SkillMode::NotLoggedIn), _) => {
                        self.password = None;
                        self.set_agent(AgentStatus::LoggedOut);
                    }
                    (Some(mode), Some(agent_id)) => {
                        // What the server reports is kept (no 0 filled in), for AUX only.
                        let aux = matches!(mode, SkillMode::Mode(work) if ReasonCode::allowed_with(work));
                        let reason = response.reason_code.filter(|_| aux);
                        self.set_agent(AgentStatus::LoggedIn { agent_id, mode: Some(mode), reason });
                    }
                    _ => {}
                }
                // In the start-up the burst's `snapshot` says which calls are up.
                if !self.startup.is_starting() {
                    match response.talk_state {
                        Some(TalkState::Call) => self.request_userdata(now),
                        Some(TalkState::Idle) => {
                            let changes = self.calls.clear_all();
                            self.duties.forget_resumable();
                            self.emit_calls(now, changes);
                        }
                        // The server will not say which call: what the page kept
                        // before a reload cannot be matched; keep the calls' memory
                        // from now on.
                        _ => self.duties.forget_resumable(),
                    }
                }
                self.finish_startup(&purpose);
            }
            Purpose::Snapshot => {
                if response.num_call.unwrap_or(0) > 0 {
                    self.request_userdata(now);
                } else {
                    let changes = self.calls.clear_all();
                    self.duties.forget_resumable();
                    self.emit_calls(now, changes);
                }
                self.finish_startup(&purpose);
            }
            Purpose::UserData => {
                let extension = self.extension.clone().unwrap_or_default();
                let caller = response.caller().unwrap_or_default().to_owned();
                let calling = response.calling.clone().filter(|c| !c.is_empty()).unwrap_or_else(|| caller.clone());
                let called = response.called.clone().unwrap_or_default();
                let memo = self.duties.memo_of(&extension, &calling, &called);
                let restored = Restored { extension: &extension, calling: &calling, called: &called, caller: &caller };
                let changes = self.calls.restore(now, restored, memo.as_ref().map(CallMemo::remembered).as_ref());
                for change in &changes {
                    if let CallChange::Appeared(call) = change {
                        match &memo {
                            Some(memo) => self.duties.resume(call, memo),
                            None => self.duties.restored_blind(call.id),
                        }
                    }
                }
                self.duties.forget_resumable();
                self.emit_calls(now, changes);
            }
            Purpose::Agent(AgentCommand::Login { agent_id, password }) => {
                self.password = Some(password);
                self.set_agent(AgentStatus::LoggedIn { agent_id, mode: None, reason: None });
                self.ask(now, Purpose::QueryAgentState);
            }
            Purpose::Agent(AgentCommand::Logout) => {
                self.password = None;
                self.set_agent(AgentStatus::LoggedOut);
            }
            Purpose::Call { action, number } => {
                let changes = match (action, number) {
                    (CallAction::Dial | CallAction::Consult, Some(destination)) => {
                        let extension = self.extension.clone().unwrap_or_default();
                        self.calls.placed(now, &extension, &destination)
                    }
                    (CallAction::DropParty, Some(party)) => self.calls.party_dropped(&party),
                    // The rest shows through the events that follow.
                    _ => Vec::new(),
                };
                self.emit_calls(now, changes);
            }
            Purpose::Extension { call, digits } => {
                let changes = self.calls.extension_sent(call, &digits);
                self.emit_calls(now, changes);
            }
            Purpose::Agent(AgentCommand::SetState { mode, reason, password }) => {
                if let Some(password) = password {
                    self.password = Some(password);
                }
                if let Some(agent_id) = self.agent.agent_id().map(str::to_owned) {
                    self.set_agent(AgentStatus::LoggedIn { agent_id, mode: Some(SkillMode::Mode(mode)), reason });
                }
            }
        }
    }

    pub(super) fn on_error(&mut self, now: Millis, purpose: Purpose, response: Response) {
        // An empty reason is worded "no reason given" when shown.
        let reason = response.error.filter(|e| !e.trim().is_empty()).unwrap_or_default();
        let cause = match &purpose {
            Purpose::Agent(_) => NoticeCause::AgentRequest,
            Purpose::Call { .. } | Purpose::Extension { .. } => NoticeCause::CallRequest,
            _ if purpose.is_read() => NoticeCause::Reading,
            _ => self.startup_cause(),
        };
        self.show(Notice::error(cause, Problem::RequestFailed { what: purpose.name(), reason }));
        if let Purpose::Call { action, number } = &purpose {
            if let (CallAction::Dial | CallAction::Consult, Some(destination)) = (action, number) {
                self.calls.not_placed(destination);
            }
            // The server's calls may not be the ones shown ("no call to hang up"): ask.
            self.request_snapshot(now);
        }
        // No answer to match them with: memos kept before a reload expire.
        if matches!(purpose, Purpose::QueryAgentState | Purpose::Snapshot | Purpose::UserData) {
            self.duties.forget_resumable();
        }
        // A failed read of the burst still lets the agent work.
        self.finish_startup(&purpose);
    }

    pub(super) fn on_event(&mut self, now: Millis, event: Event) {
        self.updates.push_back(Update::ServerEvent(event.clone()));
        let extension = self.extension.clone().unwrap_or_default();
        let changes = self.calls.apply(now, &extension, &event);
        self.emit_calls(now, changes);
        if self.calls.take_doubt() {
            self.request_snapshot(now);
        }
        // After a call the ACD may have put the agent in ACW: ask.
        if event.kind == EventKind::Idle && self.agent.agent_id().is_some() {
            self.ask(now, Purpose::QueryAgentState);
        }
    }

    pub(super) fn request_userdata(&mut self, now: Millis) {
        self.ask(now, Purpose::UserData);
    }

    /// Asks the server what calls the extension has (`snapshot`, then
    /// `userdata`), once ready (start-up asks anyway) and one at a time.
    pub(super) fn request_snapshot(&mut self, now: Millis) {
        let asking = self.requests.waiting_for(&Purpose::Snapshot);
        if self.startup.is_ready() && !asking {
            self.ask(now, Purpose::Snapshot);
        }
    }

    /// `purpose` was answered: when it was the start-up's last read, the
    /// session is ready on this connection.
    pub(super) fn finish_startup(&mut self, purpose: &Purpose) {
        if self.startup.read_answered(purpose) {
            self.connection.established();
            if let Some(conn) = self.connection.current() {
                self.resolve(Resolved::Ready(conn));
            }
            self.updates.push_back(Update::Ready(true));
            self.crm_requests.push(CrmRequest::ClickToDial { enabled: true });
        }
    }
}
