//! The CRM's audience of the session: what the session asks of the CRM
//! ([`CrmRequest`], drained with [`Session::poll_crm`]) and what the CRM's
//! answers mean ([`read_answer`], behind [`Session::handle_crm_answer`]).
//! The element's bridge only carries each request to `sforce.opencti` or
//! `sforce.interaction` and hands the answer back, untouched.
//!
//! ```
//! use ctisvr_core::crm_requests::CrmRequest;
//! use ctisvr_core::{Crm, Millis, Session};
//! use serde_json::json;
//!
//! let mut session = Session::default();
//! session.attach_crm(Crm::Lightning);
//! assert_eq!(session.poll_crm(), Some(CrmRequest::Settings));
//! assert_eq!(session.poll_crm(), Some(CrmRequest::ListenClickToDial));
//! let answer = json!({"success": true, "returnValue": {"/ServerInfo/wsURIA": "ws://127.0.0.1:9006/"}});
//! session.handle_crm_answer(Millis(0), CrmRequest::Settings, Ok(answer));
//! assert!(session.settings().is_some());
//! assert_eq!(session.poll_crm(), Some(CrmRequest::InitializationComplete));
//! ```
//!
//! [`Session::poll_crm`]: crate::Session::poll_crm
//! [`Session::handle_crm_answer`]: crate::Session::handle_crm_answer

use crate::calls::CallId;
use crate::crm::{CallLog, Crm};
use crate::crm_fault::CrmFault;
use crate::problem::CrmTask;
use crate::settings::{Settings, SettingsError};
use serde_json::Value;
use std::collections::VecDeque;

/// One call of the CRM's library, with what its answer is about.
///
/// | request | Lightning (`sforce.opencti`) | Classic (`sforce.interaction`) |
/// |---|---|---|
/// | `Settings` | `getCallCenterSettings` | `cti.getCallCenterSettings` |
/// | `ListenClickToDial` | `onClickToDial({listener})` (answers every click) | `cti.onClickToDial(listener)` |
/// | `ClickToDial` | `enableClickToDial` / `disableClickToDial` | `cti.enable…` / `cti.disable…` |
/// | `ScreenPop` | `searchAndScreenPop({searchParams, callType: INBOUND})` | `searchAndScreenPop(number, '', 'inbound')` |
/// | `ShowPanel` | `setSoftphonePanelVisibility({visible: true})` | `setVisible(true)` |
/// | `SaveLog` | `saveLog({value: log.lightning_value()})` | `saveLog('Task', log.classic_params())` |
/// | `InitializationComplete` | `notifyInitializationComplete` | `cti.notifyInitializationComplete()` |
#[derive(Debug, Clone, PartialEq)]
pub enum CrmRequest {
    /// The call center settings (the CRM configures the softphone).
    Settings,
    /// Register the click-to-dial listener, once: its answers are clicks.
    ListenClickToDial,
    /// Turn the CRM's click-to-dial on (the session is ready) or off.
    ClickToDial { enabled: bool },
    /// Search the CRM for the caller of an inbound call and pop the record.
    ScreenPop { call_id: CallId, number: String },
    /// Show the softphone panel (a call is ringing).
    ShowPanel,
    /// Save this call log as a Task.
    SaveLog { call_id: CallId, log: CallLog },
    /// Tell the CRM the adapter is up, once.
    InitializationComplete,
}

/// What the CRM reports to the session, read from its answers (or given
/// directly with [`Session::handle_crm`](crate::Session::handle_crm)).
#[derive(Debug, Clone, PartialEq)]
pub enum CrmInput {
    /// An `onClickToDial` payload, either flavour (see [`crate::crm::parse_click_to_dial`]).
    ClickToDial(Value),
    /// What `searchAndScreenPop` answered for the call it was asked for.
    ScreenPopResult {
        call_id: CallId,
        result: Value,
    },
    LogSaved {
        call_id: CallId,
    },
    LogFailed {
        call_id: CallId,
        log: CallLog,
        error: CrmFault,
    },
    /// A CRM call failed (threw, or answered an error): `what` names it
    /// (a screen pop), `error` says why. Shown.
    Failed {
        what: CrmTask,
        error: CrmFault,
    },
}

/// What one answer tells the session.
#[derive(Debug, Clone, PartialEq)]
pub enum CrmAnswer {
    /// The call center settings, or why there are none.
    Settings(Result<Settings, SettingsError>),
    /// News for [`Session::handle_crm`](crate::Session::handle_crm).
    Input(CrmInput),
    /// Done; nothing to do.
    Done,
}

/// What `crm`'s `response` to `request` means. `response` is the callback's
/// argument as JSON, or `Err` with why the call threw or the method is
/// missing. A failure names what failed ([`CrmTask`]) and why
/// ([`CrmFault`]), worded when shown; a settled call log is not a failure to show (the session
/// retries it).
pub fn read_answer(crm: Crm, request: CrmRequest, response: Result<Value, CrmFault>) -> CrmAnswer {
    let read = |response: Result<Value, CrmFault>| response.and_then(|r| crm.read_response(&r));
    let failed = |what: CrmTask, error: CrmFault| CrmAnswer::Input(CrmInput::Failed { what, error });
    match request {
        CrmRequest::Settings => {
            CrmAnswer::Settings(response.map_err(SettingsError::Crm).and_then(|r| crm.settings(&r)))
        }
        CrmRequest::ListenClickToDial => match response {
            Ok(response) => CrmAnswer::Input(CrmInput::ClickToDial(crm.click_to_dial_payload(&response))),
            Err(error) => failed(CrmTask::ListenClickToDial, error),
        },
        CrmRequest::ScreenPop { call_id, number } => match read(response) {
            Ok(result) => CrmAnswer::Input(CrmInput::ScreenPopResult { call_id, result }),
            Err(error) => failed(CrmTask::ScreenPop(number), error),
        },
        CrmRequest::SaveLog { call_id, log } => match read(response) {
            Ok(_) => CrmAnswer::Input(CrmInput::LogSaved { call_id }),
            Err(error) => CrmAnswer::Input(CrmInput::LogFailed { call_id, log, error }),
        },
        CrmRequest::ClickToDial { enabled } => match read(response) {
            Ok(_) => CrmAnswer::Done,
            Err(error) => failed(CrmTask::ClickToDial { enabled }, error),
        },
        CrmRequest::ShowPanel => match read(response) {
            Ok(_) => CrmAnswer::Done,
            Err(error) => failed(CrmTask::ShowPanel, error),
        },
        CrmRequest::InitializationComplete => match read(response) {
            Ok(_) => CrmAnswer::Done,
            Err(error) => failed(CrmTask::InitializationComplete, error),
        },
    }
}

/// The session's link to the CRM: which one (none until
/// [`Session::attach_crm`](crate::Session::attach_crm)) and the requests
/// the edge has not drained yet.
#[derive(Debug)]
pub(crate) struct CrmRequests {
    crm: Crm,
    queue: VecDeque<CrmRequest>,
}

impl Default for CrmRequests {
    fn default() -> Self {
        CrmRequests { crm: Crm::None, queue: VecDeque::new() }
    }
}

impl CrmRequests {
    /// The page has `crm`: ask for its settings and listen for its clicks.
    pub(crate) fn attach(&mut self, crm: Crm) {
        self.crm = crm;
        if crm != Crm::None {
            self.queue.push_back(CrmRequest::Settings);
            self.queue.push_back(CrmRequest::ListenClickToDial);
        }
    }

    pub(crate) fn crm(&self) -> Crm {
        self.crm
    }

    pub(crate) fn push(&mut self, request: CrmRequest) {
        self.queue.push_back(request);
    }

    pub(crate) fn pop(&mut self) -> Option<CrmRequest> {
        self.queue.pop_front()
    }
}

#[cfg(test)]
mod tests;
