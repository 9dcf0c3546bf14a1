//! The CtiSVR wire protocol: one JSON object per WebSocket text frame.
//!
//! Client -> server: [`RequestFrame`]. Server -> client: [`ServerFrame`], a
//! [`Response`] or an [`Event`], told apart by `msgtype`. Decoding is
//! lenient: unknown requests, events, `msgtype`s and fields are kept, and
//! known fields of an unexpected JSON type stay in `extra`.

mod event;
mod lenient;
mod request;
mod response;
mod server_frame;
mod values;

pub use event::{Event, EventKind};
pub use lenient::DecodeError;
pub use request::{Request, RequestFrame, RequestId, UserDataKind, KNOWN_REQUESTS};
pub use response::{Outcome, Response};
pub use server_frame::ServerFrame;
pub use values::{Password, ReasonCode, SkillMode, TalkState, WorkMode};

#[cfg(test)]
mod properties;
