//! Salesforce Voice (Service Cloud Voice) partner telephony on CtiSVR: the
//! mapping between what Salesforce's connector SDK speaks and the core's
//! commands and updates (issue 14; `../shared/research/salesforce-voice.md`,
//! docs/salesforce-voice.md). Pure, like the rest of the core: the
//! connector page's JS layer decodes Salesforce's requests into
//! [`VoiceCommand`]s, gives the session their [`VoiceCommand::command`],
//! feeds every update to [`VoiceEvents`] and publishes the events it
//! returns, and answers `getActiveCalls` with [`active_calls`].
//!
//! - [`presence`]: Omni-Channel presence statuses <-> work modes and AUX
//!   reason codes, through the contact center's table;
//! - [`commands`]: Salesforce's requests -> the core's commands;
//! - [`connector`]: which events answer Salesforce's requests, which are news;
//! - [`events`]: the core's updates -> Salesforce's telephony events;
//! - [`calls`]: a call as Salesforce sees it, `getActiveCalls`;
//! - [`capabilities`]: desk-phone mode's capabilities and phone;
//! - [`sdk_outputs`]: the connector's outputs as JSON for the JS layer;
//! - [`sdk_requests`]: the SDK's method calls, as the JS layer forwards them;
//! - [`settings`]: the contact center's items the connector reads.

pub mod calls;
pub mod capabilities;
pub mod commands;
pub mod connector;
pub mod events;
pub mod presence;
pub mod sdk_outputs;
pub mod sdk_requests;
pub mod settings;

pub use calls::{active_calls, VoiceCall};
pub use capabilities::{DeskPhone, VoiceCapabilities};
pub use commands::{Leg, Unsupported, VoiceCommand, VoiceRefusal};
pub use connector::{Ticket, VoiceConnector, VoiceFailure, VoiceOutput};
pub use events::{VoiceEvent, VoiceEvents};
pub use presence::{Presence, PresenceError, PresenceTable};
pub use sdk_requests::SdkRequestError;
pub use settings::{VoiceSettings, VoiceSettingsError};

/// A call for the tests: inbound from 415 555 0100 to extension 2001.
#[cfg(test)]
pub(crate) fn test_call(id: crate::calls::CallId, state: crate::calls::CallState) -> crate::calls::Call {
    crate::calls::Call {
        id,
        state,
        direction: crate::calls::Direction::Inbound,
        calling: "4155550100".into(),
        called: "2001".into(),
        caller: "4155550100".into(),
        withheld: false,
        dialled: "2001".into(),
        parties: Vec::new(),
        consultation: false,
        conference: false,
        started_at: crate::time::Millis(0),
        connected_at: None,
        extension: None,
    }
}
