//! English: the softphone's first language, and the `Display` of every
//! worded type (logs, tests, the mock's replies).

use super::{Catalogue, Label};
use crate::agent::AgentStatus;
use crate::calls::{Call, CallAction, CallExtension, CallState, Direction};
use crate::command::Rejected;
use crate::connection::ConnectionStatus;
use crate::crm::{CallType, CrmError, LogSubject};
use crate::crm_fault::CrmFault;
use crate::dial_refusal::DialRefusal;
use crate::dialing::DialError;
use crate::problem::{CrmTask, Problem};
use crate::request_name::RequestName;
use crate::settings::{SettingsError, UriFault};
use crate::time::Millis;
use crate::transport_advice::{Advice, SocketLoss};
use crate::wire::{DecodeError, SkillMode, WorkMode, MAX_FRAME_BYTES};
use std::fmt;

pub(crate) struct English;

impl Catalogue for English {
    fn problem(&self, problem: &Problem) -> String {
        match problem {
            Problem::NotConfigured(error) => format!("Softphone not configured: {}.", self.settings_error(error)),
            Problem::BinaryFrame => {
                "CtiSVR sent a message the softphone cannot read (a binary frame, not JSON text).".to_owned()
            }
            Problem::Unreadable(error) => {
                format!("CtiSVR sent a message the softphone cannot read ({}).", self.decode_error(error))
            }
            Problem::FrameTooLarge { size } => format!(
                "CtiSVR sent a message too large to read ({size} bytes; at most {MAX_FRAME_BYTES}). It was ignored."
            ),
            Problem::StrayAnswer { id: Some(id) } => {
                format!("CtiSVR sent an answer to no request waiting (id {id}); it was ignored.")
            }
            Problem::StrayAnswer { id: None } => {
                "CtiSVR sent an answer without a request id; it was ignored.".to_owned()
            }
            Problem::SocketRefused(advice) => self.advice(advice),
            Problem::Rejected(rejected) => self.rejected(rejected),
            Problem::NoExtension => "CtiSVR did not say which extension this workstation uses.".to_owned(),
            Problem::RequestFailed { what, reason } if reason.is_empty() => {
                format!("{} failed: {}", self.request(what), self.crm_fault(&CrmFault::NoReason))
            }
            Problem::RequestFailed { what, reason } => format!("{} failed: {reason}", self.request(what)),
            Problem::NotConfirmed(requests) => format!(
                "{} was not confirmed: the connection to CtiSVR was lost. Check the state and try again.",
                requests.iter().map(|r| self.request(r)).collect::<Vec<_>>().join(", ")
            ),
            Problem::ClickToDial(error) => format!("Click-to-dial failed: {}.", self.crm_error(error)),
            Problem::CrmFailed { what, error } => {
                format!("{} failed: {}", self.crm_task(what), self.crm_fault(error))
            }
            Problem::LogRetry { error, seconds } => {
                format!("The call log was not saved ({}); trying again in {seconds} s.", self.crm_fault(error))
            }
            Problem::LogGivenUp { subject, attempts, error } => format!(
                "The call log \"{subject}\" could not be saved after {attempts} attempts ({}). Log the call by hand.",
                self.crm_fault(error)
            ),
        }
    }

    fn rejected(&self, rejected: &Rejected) -> String {
        let text = match rejected {
            Rejected::NotConnected => "The softphone is not connected to CtiSVR.",
            Rejected::NotReady => "The softphone is still starting; try again in a moment.",
            Rejected::Busy => "Waiting for CtiSVR to answer the previous request.",
            Rejected::NotAllowed(action) => self.not_allowed(*action),
            Rejected::NotWaitingToReconnect => "The softphone is not waiting to reconnect.",
            Rejected::AgentLoggedIn => "An agent is already logged in at this extension.",
            Rejected::NoAgent => "No agent is logged in at this extension.",
            Rejected::NoPartyToDrop => "There is no conference party to drop.",
            Rejected::BadDtmf => "Keypad digits are 1 to 100 of 0-9, *, # and A-D.",
            Rejected::NoExtensionToSend => "That call has no extension to send.",
            Rejected::MissingAgentId => "Enter your agent ID.",
            Rejected::MissingPassword => "Enter your password.",
            Rejected::Dial(error) => return self.dial_error(error),
            Rejected::Repeated(refusal) => return self.dial_refusal(refusal),
        };
        text.to_owned()
    }

    fn not_allowed(&self, action: CallAction) -> &'static str {
        match action {
            CallAction::Answer => "There is no ringing call to answer.",
            CallAction::Dial => "Finish the current calls before dialling another.",
            CallAction::Hold => "There is no connected call to hold.",
            CallAction::Retrieve => "There is no held call to retrieve.",
            CallAction::HangUp => "There is no call to hang up.",
            CallAction::DropParty => "There is no conference to drop a party from.",
            CallAction::Consult => "Consult needs one connected call.",
            CallAction::Reconnect => "Reconnect needs a held call and a consultation.",
            CallAction::Transfer => "Transfer needs a connected call, or a held call and a consultation.",
            CallAction::Conference => "Conference needs a held call and an answered consultation.",
            CallAction::SendDtmf => "The keypad needs a connected call.",
            CallAction::SendExtension => "The extension is sent on a connected call.",
        }
    }

    fn settings_error(&self, error: &SettingsError) -> String {
        match error {
            SettingsError::MissingPrimary(key) => {
                let kind = if key.starts_with('/') { "call center item" } else { "attribute" };
                format!("no CtiSVR address is configured ({kind} {key})")
            }
            SettingsError::InvalidUri { key, value, reason } => {
                format!("{key} is not a WebSocket address: \"{value}\" ({})", self.uri_fault(*reason))
            }
            SettingsError::NotJson(reason) => format!("the call center settings are not valid JSON: {reason}"),
            SettingsError::NotAnObject => "the call center settings are not a JSON object".to_owned(),
            SettingsError::Crm(fault) => {
                format!("the CRM did not give the call center settings ({})", self.crm_fault(fault))
            }
        }
    }

    fn uri_fault(&self, fault: UriFault) -> &'static str {
        match fault {
            UriFault::Scheme => "it must start with ws:// or wss://",
            UriFault::WhiteSpace => "it contains white space",
            UriFault::NoHost => "it has no host",
        }
    }

    fn dial_error(&self, error: &DialError) -> String {
        match error {
            DialError::Empty => "Enter a number to dial.".to_owned(),
            DialError::Junk { number, character } => format!(
                "\"{number}\" cannot be dialled: '{character}' is not allowed (use digits, spaces, + ( ) - . /, * and #; letters only after digits, as in 1-800-FLOWERS; an extension as x123)."
            ),
            DialError::NoDigits(number) => format!("\"{number}\" has no digits to dial."),
        }
    }

    fn dial_refusal(&self, refusal: &DialRefusal) -> String {
        match refusal {
            DialRefusal::AlreadyDialling(number) => format!("Already dialling {number}"),
            DialRefusal::AlreadyOnCall(number) => format!("Already on a call with {number}"),
        }
    }

    fn decode_error(&self, error: &DecodeError) -> String {
        match error {
            DecodeError::NotJson(reason) => format!("not JSON: {reason}"),
            DecodeError::NotAnObject => "not a JSON object".to_owned(),
            DecodeError::MissingId => "no numeric id".to_owned(),
            DecodeError::MissingField(field) => format!("missing field `{field}`"),
            DecodeError::BadFields { name, reason } => format!("request `{name}` has bad fields: {reason}"),
        }
    }

    fn crm_error(&self, error: &CrmError) -> String {
        match error {
            CrmError::NotJson(reason) => format!("the click-to-dial payload is not valid JSON: {reason}"),
            CrmError::NoNumber => "the click-to-dial payload has no number".to_owned(),
        }
    }

    fn crm_fault(&self, fault: &CrmFault) -> String {
        match fault {
            CrmFault::NotLoaded { library } => format!("{library} is not loaded on this page"),
            CrmFault::NoMethod { library, method } => format!("{library}.{method} is not available on this page"),
            CrmFault::Threw { library, method, message } => format!("{library}.{method}: {message}"),
            CrmFault::Said(words) => words.clone(),
            CrmFault::NoReason => "no reason given".to_owned(),
            CrmFault::NoResult => "Salesforce gave no result".to_owned(),
            CrmFault::AnsweredFalse => "Salesforce answered false".to_owned(),
            CrmFault::NoCrm => "there is no CRM".to_owned(),
        }
    }

    fn crm_task(&self, task: &CrmTask) -> String {
        match task {
            CrmTask::ListenClickToDial => "Listening for click-to-dial".to_owned(),
            CrmTask::ScreenPop(number) => format!("Screen pop of {number}"),
            CrmTask::ClickToDial { enabled: true } => "Turning click-to-dial on".to_owned(),
            CrmTask::ClickToDial { enabled: false } => "Turning click-to-dial off".to_owned(),
            CrmTask::ShowPanel => "Showing the softphone panel".to_owned(),
            CrmTask::InitializationComplete => "Telling Salesforce the softphone is ready".to_owned(),
        }
    }

    fn request(&self, request: &RequestName) -> String {
        match request {
            RequestName::FindExtension => "Finding this workstation's extension".to_owned(),
            RequestName::Monitor => "Monitoring the extension".to_owned(),
            RequestName::ReadAgent => "Reading the extension's agent".to_owned(),
            RequestName::ReadAgentState => "Reading the agent state".to_owned(),
            RequestName::ReadCalls => "Reading the extension's calls".to_owned(),
            RequestName::ReadNumbers => "Reading the call's numbers".to_owned(),
            RequestName::Login => "Login".to_owned(),
            RequestName::Logout => "Logout".to_owned(),
            RequestName::ChangeTo(mode) => format!("Change to {}", self.work_mode(*mode)),
            RequestName::SendExtension(digits) => format!("Send ext. {digits}"),
            RequestName::Call { action, number: Some(number) } => format!("{} {number}", self.call_action(*action)),
            RequestName::Call { action, number: None } => self.call_action(*action).to_owned(),
        }
    }

    fn advice(&self, advice: &Advice) -> String {
        match advice {
            Advice::UseWss { uri } => format!(
                "This page is https, so the browser refuses {uri}: ask your admin for a wss:// address (TLS in front of CtiSVR)."
            ),
            Advice::LocalNetwork { host } => format!(
                "The browser may be blocking access to the local network address {host}: allow local network access for this site (or check that CtiSVR is running there)."
            ),
            Advice::MaybeLocalNetwork { host } => format!(
                "If {host} is on your local network, the browser may be blocking it: allow local network access for this site (or check that CtiSVR is running there)."
            ),
        }
    }

    fn connection(&self, status: &ConnectionStatus, ready: bool, now: Millis) -> String {
        match status {
            ConnectionStatus::Unconfigured => "Not configured".to_owned(),
            ConnectionStatus::Connecting { role, .. } => format!("Connecting to {}…", role.letter()),
            ConnectionStatus::Connected { role, .. } if ready => format!("Connected to {}", role.letter()),
            ConnectionStatus::Connected { role, .. } => format!("Starting on {}…", role.letter()),
            ConnectionStatus::Waiting { .. } => {
                format!("Reconnecting in {} s", status.seconds_to_retry(now).unwrap_or_default())
            }
        }
    }

    fn waiting(&self, reason: &SocketLoss, advice: Option<&Advice>, offline: bool) -> String {
        let mut text = self.socket_loss(reason);
        if let Some(advice) = advice {
            text = format!("{text}. {}", self.advice(advice));
        }
        if offline {
            text = format!("Offline: waiting for the network; {text}");
        }
        text
    }

    fn socket_loss(&self, loss: &SocketLoss) -> String {
        match loss {
            SocketLoss::Closed { code: 1006, .. } => "the connection failed or dropped (code 1006)".to_owned(),
            SocketLoss::Closed { code, reason, .. } if !reason.is_empty() => {
                format!("closed by the server: {reason} (code {code})")
            }
            SocketLoss::Closed { code, clean: true, .. } => format!("closed by the server (code {code})"),
            SocketLoss::Closed { code, clean: false, .. } => format!("the connection dropped (code {code})"),
            SocketLoss::Failed(words) => words.clone(),
            SocketLoss::NoAnswer { request, seconds } => {
                format!("CtiSVR did not answer {} within {seconds} s", self.request(request))
            }
            SocketLoss::SettingsChanged => "settings changed".to_owned(),
        }
    }

    fn extension(&self, extension: &str) -> String {
        format!("Ext {extension}")
    }

    fn agent(&self, agent: &AgentStatus) -> String {
        match agent {
            AgentStatus::Unknown => "Agent state unknown".to_owned(),
            AgentStatus::LoggedOut => "Logged out".to_owned(),
            AgentStatus::LoggedIn { agent_id, mode, reason } => {
                let mode = match mode {
                    None => "state unknown".to_owned(),
                    Some(SkillMode::Mode(WorkMode::Aux)) => match reason {
                        Some(code) if code.value() > 0 => format!("{} {code}", self.work_mode(WorkMode::Aux)),
                        _ => self.work_mode(WorkMode::Aux).to_owned(),
                    },
                    Some(SkillMode::Mode(mode)) => self.work_mode(*mode).to_owned(),
                    Some(SkillMode::NotLoggedIn) => "not logged in".to_owned(),
                    Some(SkillMode::Unknown(text)) => text.clone(),
                };
                format!("Agent {agent_id} · {mode}")
            }
        }
    }

    fn work_mode(&self, mode: WorkMode) -> &'static str {
        match mode {
            WorkMode::Auto => "Auto",
            WorkMode::Manual => "Manual",
            WorkMode::Acw => "ACW",
            WorkMode::Aux => "AUX",
        }
    }

    fn call_action(&self, action: CallAction) -> &'static str {
        match action {
            CallAction::Answer => "Answer",
            CallAction::Dial => "Call",
            CallAction::Hold => "Hold",
            CallAction::Retrieve => "Retrieve",
            CallAction::HangUp => "Hang up",
            CallAction::DropParty => "Drop party",
            CallAction::Consult => "Consult",
            CallAction::Reconnect => "Reconnect",
            CallAction::Transfer => "Transfer",
            CallAction::Conference => "Conference",
            CallAction::SendDtmf => "Keypad",
            CallAction::SendExtension => "Send ext.",
        }
    }

    fn call_state(&self, call: &Call) -> &'static str {
        match call.state {
            CallState::RingingIn => "Ringing",
            CallState::RingingOut => "Calling…",
            CallState::Connected if call.conference => "Conference",
            CallState::Connected if call.consultation => "Consultation",
            CallState::Connected => "Connected",
            CallState::Held => "On hold",
            CallState::Failed => "Failed",
        }
    }

    fn call_extension(&self, extension: &CallExtension) -> String {
        match extension.sent {
            true => format!("Ext. {} sent", extension.digits),
            false => format!("Send ext. {}", extension.digits),
        }
    }

    fn unknown_caller(&self) -> &'static str {
        "Unknown caller"
    }

    fn incoming_call(&self) -> &'static str {
        "Incoming call"
    }

    fn incoming_call_from(&self, caller: Option<&str>) -> String {
        match caller {
            Some(caller) => format!("Incoming call from {caller}"),
            None => "Incoming call from an unknown caller".to_owned(),
        }
    }

    fn tones_sent(&self, digits: &str) -> String {
        format!("Tones sent: {digits}")
    }

    fn log_subject(&self, subject: &LogSubject) -> String {
        let caller = |caller: &Option<String>| caller.clone().unwrap_or_else(|| "an unknown caller".to_owned());
        match subject {
            LogSubject::CallFrom(caller_number) => format!("Call from {}", caller(caller_number)),
            LogSubject::MissedCallFrom(caller_number) => format!("Missed call from {}", caller(caller_number)),
            LogSubject::FailedCallTo(number) => format!("Failed call to {number}"),
            LogSubject::CallTo(number) => format!("Call to {number}"),
            LogSubject::UnansweredCallTo(number) => format!("Unanswered call to {number}"),
        }
    }

    fn log_description(&self, call: &Call, extension: &str) -> String {
        let kind = match CallType::of(call, extension) {
            CallType::Inbound => "Inbound",
            CallType::Outbound => "Outbound",
            CallType::Internal => "Internal",
        };
        let withheld = call.withheld && call.direction == Direction::Inbound;
        let caller = if withheld { "withheld" } else { call.caller.as_str() };
        let (dialled, parties) = (&call.dialled, call.parties.join(", "));
        format!("{kind} call at extension {extension}; caller {caller}, dialled {dialled}; parties {parties}.")
    }

    fn label(&self, label: Label) -> &'static str {
        match label {
            Label::Softphone => "CtiSVR softphone",
            Label::Connection => "Connection",
            Label::Extension => "Extension",
            Label::RetryNow => "Retry now",
            Label::Dismiss => "Dismiss",
            Label::AgentId => "Agent ID",
            Label::Password => "Password",
            Label::PasswordToChangeState => "needed to change state",
            Label::Login => "Login",
            Label::Logout => "Logout",
            Label::AgentState => "Agent state",
            Label::WorkMode => "Work mode",
            Label::ReasonCode => "Reason code",
            Label::Calls => "Calls",
            Label::NoCall => "No call",
            Label::Caller => "Caller",
            Label::DialledNumber => "Dialled number",
            Label::Number => "Number",
            Label::Keypad => "Keypad",
        }
    }
}

/// `Display` in English for the types the catalogues word.
macro_rules! display_in_english {
    ($($type:ty => $method:ident),* $(,)?) => {$(
        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&English.$method(self))
            }
        }
    )*};
}

display_in_english! {
    Problem => problem,
    Rejected => rejected,
    SettingsError => settings_error,
    DialError => dial_error,
    DialRefusal => dial_refusal,
    DecodeError => decode_error,
    CrmError => crm_error,
    CrmFault => crm_fault,
}
