//! Every word the agent sees, in their language: one [`Catalogue`] per
//! language ([`en`](self) and [`fr`](self) below), chosen by [`Lang`].
//!
//! The rest of the core keeps what happened as data ([`Problem`],
//! [`Rejected`], [`SocketLoss`]...) and words it here, when it is shown, so
//! a notice raised in English reads in French once the page's language
//! changes. The trait has one method per kind of text and each catalogue
//! matches every variant without a wildcard: a new variant, or a language
//! missing a text, does not compile. `Display` on those types is the
//! English, for logs and tests.
//!
//! ```
//! use ctisvr_core::i18n::{Label, Lang};
//! use ctisvr_core::CallAction;
//!
//! let fr = Lang::choose(["fr-CA"]);
//! assert_eq!(fr.words().call_action(CallAction::HangUp), "Raccrocher");
//! assert_eq!(Lang::En.words().label(Label::Caller), "Caller");
//! assert_eq!(Lang::choose(["de", "fr"]), Lang::Fr, "the first language we speak");
//! assert_eq!(Lang::choose(["", "de"]), Lang::En, "English otherwise");
//! ```

mod en;
mod fr;
#[cfg(test)]
mod tests;

use crate::agent::AgentStatus;
use crate::calls::{Call, CallAction, CallExtension};
use crate::command::Rejected;
use crate::connection::ConnectionStatus;
use crate::crm::{CrmError, LogSubject};
use crate::crm_fault::CrmFault;
use crate::dial_refusal::DialRefusal;
use crate::dialing::DialError;
use crate::problem::{CrmTask, Problem};
use crate::request_name::RequestName;
use crate::settings::{SettingsError, UriFault};
use crate::time::Millis;
use crate::transport_advice::{Advice, SocketLoss};
use crate::wire::{DecodeError, WorkMode};

/// A language the softphone speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The language of a BCP 47 tag (`fr`, `fr-CA`, `FR_ca`; any case,
    /// `_` or `-`), if the softphone speaks it.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Lang::ALL.into_iter().find(|lang| primary.eq_ignore_ascii_case(lang.tag()))
    }

    /// The first of `tags` the softphone speaks, else English. The element
    /// passes its `lang` (or its nearest ancestor's, up to `<html lang>`),
    /// then the browser's `navigator.languages`.
    pub fn choose<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter().find_map(Lang::from_tag).unwrap_or_default()
    }

    /// The primary language subtag: `en`, `fr`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The catalogue of this language.
    pub const fn words(self) -> &'static dyn Catalogue {
        match self {
            Lang::En => &en::English,
            Lang::Fr => &fr::French,
        }
    }
}

/// The view's fixed words: field labels, region names, buttons that are
/// not call actions ([`Catalogue::call_action`] names those).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    /// The whole element's region.
    Softphone,
    /// The status bar's region.
    Connection,
    /// The extension in the status bar.
    Extension,
    RetryNow,
    /// Closes the notice.
    Dismiss,
    AgentId,
    Password,
    /// The password field's placeholder after a reload (`setstate` needs it).
    PasswordToChangeState,
    Login,
    Logout,
    AgentState,
    WorkMode,
    ReasonCode,
    Calls,
    NoCall,
    Caller,
    DialledNumber,
    Number,
    Keypad,
}

impl Label {
    /// Every label, for the catalogue tests.
    pub const ALL: [Label; 19] = [
        Label::Softphone,
        Label::Connection,
        Label::Extension,
        Label::RetryNow,
        Label::Dismiss,
        Label::AgentId,
        Label::Password,
        Label::PasswordToChangeState,
        Label::Login,
        Label::Logout,
        Label::AgentState,
        Label::WorkMode,
        Label::ReasonCode,
        Label::Calls,
        Label::NoCall,
        Label::Caller,
        Label::DialledNumber,
        Label::Number,
        Label::Keypad,
    ];
}

/// The words of one language: one method per kind of text, each covering
/// every variant of its type. Numbers, addresses and the CRM's or server's
/// own words are passed through as given.
pub trait Catalogue: Sync {
    // ----- the notice bar ---------------------------------------------
    fn problem(&self, problem: &Problem) -> String;
    fn rejected(&self, rejected: &Rejected) -> String;
    /// Why the calls as they are do not allow `action`.
    fn not_allowed(&self, action: CallAction) -> &'static str;
    fn settings_error(&self, error: &SettingsError) -> String;
    fn uri_fault(&self, fault: UriFault) -> &'static str;
    fn dial_error(&self, error: &DialError) -> String;
    fn dial_refusal(&self, refusal: &DialRefusal) -> String;
    fn decode_error(&self, error: &DecodeError) -> String;
    fn crm_error(&self, error: &CrmError) -> String;
    fn crm_fault(&self, fault: &CrmFault) -> String;
    fn crm_task(&self, task: &CrmTask) -> String;
    fn request(&self, request: &RequestName) -> String;
    fn advice(&self, advice: &Advice) -> String;

    // ----- the status bar ---------------------------------------------
    /// One line: "Connected to A", "Reconnecting in 3 s" (with `now` for
    /// the countdown).
    fn connection(&self, status: &ConnectionStatus, ready: bool, now: Millis) -> String;
    /// Why the softphone waits to reconnect: the last server's `reason`,
    /// the browser's likely part (`advice`), and whether it is `offline`.
    fn waiting(&self, reason: &SocketLoss, advice: Option<&Advice>, offline: bool) -> String;
    fn socket_loss(&self, loss: &SocketLoss) -> String;
    /// "Ext 2001".
    fn extension(&self, extension: &str) -> String;

    // ----- the agent --------------------------------------------------
    /// One line: "Logged out", "Agent 1001 · AUX 3".
    fn agent(&self, agent: &AgentStatus) -> String;
    fn work_mode(&self, mode: WorkMode) -> &'static str;

    // ----- calls ------------------------------------------------------
    /// A call button: "Hang up".
    fn call_action(&self, action: CallAction) -> &'static str;
    /// A call's state: "Ringing", "On hold", "Consultation".
    fn call_state(&self, call: &Call) -> &'static str;
    /// "Send ext. 123", then "Ext. 123 sent".
    fn call_extension(&self, extension: &CallExtension) -> String;
    /// A withheld or blank caller.
    fn unknown_caller(&self) -> &'static str;
    /// A notification's title.
    fn incoming_call(&self) -> &'static str;
    /// What a screen reader announces: the caller, `None` when unknown.
    fn incoming_call_from(&self, caller: Option<&str>) -> String;
    /// Under the keypad: "Tones sent: 12#".
    fn tones_sent(&self, digits: &str) -> String;
    /// A call log's subject in the CRM.
    fn log_subject(&self, subject: &LogSubject) -> String;
    /// A call log's description: its type, the agent's `extension`, the
    /// caller (unless withheld), the number dialled and the parties.
    fn log_description(&self, call: &Call, extension: &str) -> String;

    // ----- the view's fixed words --------------------------------------
    fn label(&self, label: Label) -> &'static str;
}
