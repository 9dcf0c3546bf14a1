//! The CtiSVR wire protocol: one JSON object per WebSocket text frame.
//!
//! Client -> server: [`RequestFrame`]. Server -> client: [`ServerFrame`], a
//! [`Response`] or an [`Event`], told apart by `msgtype`. Decoding is
//! lenient: unknown requests, events, `msgtype`s and fields are kept, and
//! known fields of an unexpected JSON type stay in `extra`.
//!
//! The mock server decodes and encodes with this same module, and takes its
//! protocol rules from here (DTMF digits, the reason code only with AUX,
//! lenient ids and text fields, the caller shown), so the two cannot disagree.

mod event;
pub mod lenient;
mod request;
mod response;
mod server_frame;
mod values;

pub use event::{shown_caller, Event, EventKind};
pub use lenient::DecodeError;
pub use request::{Request, RequestFrame, RequestId, UserDataKind, KNOWN_REQUESTS};
pub use response::{Outcome, Response};
pub use server_frame::{ServerFrame, MAX_FRAME_BYTES};
pub use values::{Dtmf, DtmfError, Password, ReasonCode, SkillMode, TalkState, WorkMode};

#[cfg(test)]
mod properties;
