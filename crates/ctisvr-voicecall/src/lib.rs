//! `ctisvr-voicecall`: the Salesforce side of the VoiceCall service for
//! Salesforce Voice partner telephony (issue 14; docs/salesforce-voice.md).
//!
//! The service holds the provider's private key (never the browser) and
//! creates a VoiceCall record for each call through Salesforce's Telephony
//! Integration REST API, then closes it when the call ends:
//!
//! - [`token`]: the RS256 JWT Salesforce asks for (`iss` the org id, `sub`
//!   the contact center's API name, a few minutes' `exp`);
//! - [`voice_call`]: the bodies of a creation and of the close;
//! - [`scrt`]: the client, `POST /telephony/v1/voiceCalls` and
//!   `PATCH /telephony/v1/voiceCalls/{id}`, with Salesforce's errors typed.
//!
//! Tested against ctisvr-mock's Telephony Integration API
//! (`tests/scrt.rs`). The service's own HTTP surface, which the connector
//! calls and which checks the agent with CtiSVR, is not built yet
//! (docs/salesforce-voice.md, "The VoiceCall service").

pub mod scrt;
pub mod token;
pub mod voice_call;

pub use scrt::{Created, Scrt, ScrtError};
pub use token::{ProviderKey, TokenError};
pub use voice_call::{InitiationMethod, NewVoiceCall, Participant, VoiceCallEnd};
