//! The session's link to the CRM: attach it, drain its requests, read its
//! answers (worded and filtered by [`crate::crm_requests::read_answer`]),
//! and act on what it reports (a click-to-dial, a screen pop's record, a
//! call log saved or refused).

use super::Session;
use crate::call_memory::StorageOrder;
use crate::calls::CallCommand;
use crate::command::Command;
use crate::crm::{parse_click_to_dial, Crm};
use crate::crm_fault::CrmFault;
use crate::crm_requests::{read_answer, CrmAnswer, CrmInput, CrmRequest};
use crate::notice::{Notice, NoticeCause};
use crate::problem::Problem;
use crate::settings_memory::SettingsMemo;
use crate::time::Millis;

/// Where the CRM's settings stand.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum CrmSettings {
    /// Nothing from the CRM yet.
    #[default]
    Awaited,
    /// A reload connected with what the CRM gave before; its answer is awaited.
    Remembered,
    /// The CRM answered (settings or a refusal).
    Answered,
}

impl Session {
    /// The page has `crm` (Lightning or Classic): the session asks it for
    /// the settings and listens for its clicks ([`Session::poll_crm`]), and
    /// reads its answers the way that CRM writes them
    /// ([`Session::handle_crm_answer`]). Settings then come from the CRM.
    pub fn attach_crm(&mut self, crm: Crm) {
        self.crm_requests.attach(crm);
    }

    /// What this tab kept of the CRM's settings before a reload
    /// ([`crate::settings_memory`]; `sessionStorage` under
    /// [`crate::settings_memory::KEY`] in the browser). Give it after
    /// [`Session::attach_crm`]: a memo of that CRM whose settings read
    /// configures the session at once, so the socket opens without waiting
    /// for `getCallCenterSettings`. The CRM is asked anyway, and its answer
    /// wins: the same settings change nothing, others reconnect with them,
    /// a refusal is shown and closes the socket unless a call is up. Until
    /// the CRM answers, the tabs' channel is not named
    /// ([`Session::tab_channel`]). Given after the CRM answered, or twice,
    /// or not a memo of that CRM, it is ignored.
    pub fn resume_crm_settings(&mut self, now: Millis, stored: &str) {
        // Only before anything else configured the session (the CRM's own
        // answer, or a memo already given).
        if self.crm_settings != CrmSettings::Awaited || self.settings.is_some() {
            return;
        }
        let crm = self.crm_requests.crm();
        let memo = SettingsMemo::from_text(stored).filter(|memo| memo.crm == crm);
        if let Some(settings) = memo.and_then(|memo| memo.settings().ok()) {
            self.crm_settings = CrmSettings::Remembered;
            self.configure(now, Ok(settings));
        }
    }

    /// What to keep of the CRM's settings for a reload (only the newest
    /// order counts): each answer of the CRM is written, a refusal removes
    /// it. Not secret: see [`crate::settings_memory`].
    pub fn poll_settings_storage(&mut self) -> Option<StorageOrder> {
        self.settings_storage.take()
    }

    /// A request for the CRM's library (see [`crate::crm_requests`]);
    /// queued whether or not a CRM is attached (without one, drop them).
    pub fn poll_crm(&mut self) -> Option<CrmRequest> {
        self.crm_requests.pop()
    }

    /// What the CRM answered to `request` from [`Session::poll_crm`]
    /// (the callback's argument as JSON; `Err`: the library or the method
    /// is missing, or it threw). Each click of the click-to-dial listener is an
    /// answer to [`CrmRequest::ListenClickToDial`].
    pub fn handle_crm_answer(
        &mut self,
        now: Millis,
        request: CrmRequest,
        response: Result<serde_json::Value, CrmFault>,
    ) {
        let listening = request == CrmRequest::ListenClickToDial;
        let crm = self.crm_requests.crm();
        // The settings answer as given, to remember what of it reads.
        let answer = match (&request, &response) {
            (CrmRequest::Settings, Ok(answer)) => Some(answer.clone()),
            _ => None,
        };
        match read_answer(crm, request, response) {
            CrmAnswer::Settings(settings) => {
                let memo =
                    answer.filter(|_| settings.is_ok()).and_then(|answer| SettingsMemo::from_answer(crm, &answer));
                self.settings_storage = Some(match memo {
                    Some(memo) => StorageOrder::Write(memo.to_text()),
                    None => StorageOrder::Remove,
                });
                self.crm_settings = CrmSettings::Answered;
                // A refusal withdraws remembered settings there (`configure`).
                self.configure(now, settings)
            }
            // Without its library the settings fail too, and say it first: one notice.
            CrmAnswer::Input(CrmInput::Failed { .. })
                if listening && self.notices.shown().is_some_and(|n| n.cause == NoticeCause::Settings) => {}
            CrmAnswer::Input(input) => self.handle_crm(now, input),
            CrmAnswer::Done => {}
        }
    }

    /// Something from the CRM: a click-to-dial, what a screen pop found, how
    /// saving a call log went.
    pub fn handle_crm(&mut self, now: Millis, input: CrmInput) {
        match input {
            CrmInput::ClickToDial(payload) => match parse_click_to_dial(&payload) {
                Ok(request) => {
                    // A refused click keeps the record of the call still being placed.
                    let placing = self.duties.dialling_from(request.record);
                    // A refusal is shown by `command`.
                    if self.command(now, Command::Call(CallCommand::Dial { number: request.number })).is_err() {
                        self.duties.dial_refused(placing);
                    }
                }
                Err(error) => self.show(Notice::error(NoticeCause::CallRequest, Problem::ClickToDial(error))),
            },
            CrmInput::ScreenPopResult { call_id, result } => {
                let known = self.calls.list().iter().any(|c| c.id == call_id);
                if self.duties.screen_pop_result(call_id, &result, known) {
                    let extension = self.extension.clone().unwrap_or_default();
                    self.duties.remember(self.calls.list(), &extension);
                }
            }
            CrmInput::Failed { what, error } => {
                self.show(Notice::error(NoticeCause::Event, Problem::CrmFailed { what, error }))
            }
            CrmInput::LogSaved { call_id } => self.duties.log_saved(now, call_id),
            CrmInput::LogFailed { call_id, log, error } => self.duties.log_failed(now, call_id, &log, &error),
        }
        self.run_duties(now);
    }
}
