//! Why a call to the CRM's library failed, as data: the edge could not make
//! the call (no library, no method, it threw), or the CRM answered with an
//! error. The agent reads it in their language ([`crate::i18n`]); the CRM's
//! own words ([`CrmFault::Said`], [`CrmFault::Threw`]'s message) are shown
//! as the CRM gave them.

/// Why a CRM call failed. Sources: the Open CTI response shapes
/// (Lightning `{success, returnValue, errors}`, Classic `{result, error}`),
/// and the edge's attempt to call the library.
///
/// ```
/// use ctisvr_core::CrmFault;
/// let missing = CrmFault::NotLoaded { library: "sforce.opencti".into() };
/// assert_eq!(missing.to_string(), "sforce.opencti is not loaded on this page");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrmFault {
    /// The library object (`sforce.opencti`, `sforce.interaction.cti`) is
    /// not on the page: the adapter page does not load Salesforce's script.
    NotLoaded { library: String },
    /// The library has no such method (an older or newer API version).
    NoMethod { library: String, method: String },
    /// The method threw; `message` is the exception's message.
    Threw { library: String, method: String, message: String },
    /// The CRM answered with an error: its words, at most 300 characters.
    Said(String),
    /// The CRM answered with an error and no words for it.
    NoReason,
    /// Classic answered with no `result`.
    NoResult,
    /// Classic answered `result: false`.
    AnsweredFalse,
    /// The element runs without a CRM (`crm="none"`).
    NoCrm,
}

impl std::error::Error for CrmFault {}
