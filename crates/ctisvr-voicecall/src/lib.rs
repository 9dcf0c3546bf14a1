//! # ctisvr-voicecall
//!
//! The VoiceCall service for Salesforce Voice partner telephony (issue 14;
//! docs/salesforce-voice.md). For an inbound call to a Salesforce agent,
//! Salesforce needs a VoiceCall record made by the telephony side; the
//! agent's connector (the page Salesforce loads, which drives the agent's
//! CtiSVR session) then publishes `CALL_STARTED` with the record's id. This
//! service makes those records and tells the connector their ids.
//!
//! ## How it works
//!
//! - **It learns of calls from CtiSVR itself** ([`monitor`]): one WebSocket
//!   connection per configured extension (the protocol's events carry
//!   neither the extension nor a call id), to CtiSVR A, failing over to B
//!   and back with backoff; `startmonitor`, then `snapshot`, then every
//!   event goes to the [`tracker`].
//! - **The decisions are sans IO** ([`tracker`]): the calls at each
//!   extension fed with events and time; which record to create for an
//!   inbound call (`Inbound`, or `Transfer` with `parentVoiceCallId` when it
//!   comes from another monitored agent's call: a consultation or a
//!   transfer); when to close it and with which durations; what to retry;
//!   which call a read matches. Unit-tested natively with the event
//!   sequences of the mock's ACD.
//! - **The Salesforce side** ([`token`], [`voice_call`], [`scrt`]): the
//!   RS256 token from the provider's key (`iss` the org id, `sub` the
//!   contact center, five minutes' `exp`; the key never shows in logs or
//!   errors), `POST /telephony/v1/voiceCalls` and
//!   `PATCH /telephony/v1/voiceCalls/{id}`, Salesforce's refusals typed.
//!   Creates that fail with 5xx/408/429 or no answer are retried (250 ms
//!   doubling to 30 s) while the call lives; closes up to four times.
//! - **The HTTP API only reads** ([`http`]): nobody can make the service
//!   create, change or close a record. `GET /voicecalls?extension=E&from=N`
//!   answers the record of the newest live call at `E` from `N`, waiting
//!   up to `--wait-ms` for it; only pages at `--allow-origin` origins may
//!   ask. `GET /health` says `ok`.
//! - [`service`] wires them on tokio; [`config`] checks the command line.
//!
//! ## The command line
//!
//! ```text
//! ctisvr-voicecall --listen 127.0.0.1:18090 \
//!     --ctisvr ws://127.0.0.1:19006 --ctisvr ws://127.0.0.1:19008 \
//!     --extensions 2001-2004,2050 --allow-origin http://127.0.0.1:18080 \
//!     --scrt-url https://example.my.salesforce-scrt.com --org 00D000000000001 \
//!     --contact-center CtiSvrContactCenter --provider-name CtiSVR \
//!     --key provider.pem [--wait-ms 5000]
//! ```
//!
//! Once the listener is bound it prints one line to stdout,
//! `ctisvr-voicecall listening on http://127.0.0.1:18090`; logs go to
//! stderr (`RUST_LOG`, default `info`). A bad flag is an error naming it
//! and exit status 2; Ctrl-C or SIGTERM stop it (exit 0).
//!
//! ## The HTTP API
//!
//! | request | answer |
//! |---|---|
//! | `GET /health` | `200 ok` |
//! | `GET /voicecalls?extension=2003&from=4155550100` | `200 {"voiceCallId": "0LQ…", "vendorCallKey": "2003-1796130000000-7", "initiationMethod": "Inbound" \| "Transfer", "parentVoiceCallId": null \| "0LQ…"}` |
//! | the call is there, its record not yet after `--wait-ms` (or refused) | `503 {"error": "… why"}` |
//! | no live inbound call at the extension from that caller after `--wait-ms`, or the extension not monitored (at once) | `404 {"error": …}` |
//! | unknown or missing parameters | `400 {"error": …}` |
//! | no `Origin`, or one not given with `--allow-origin` | `403 {"error": …}` |
//!
//! `from` is optional (a withheld caller: the newest live call); it
//! matches the call's `calling`, `origcalling` or record `from` by digits,
//! equal or one ending the other (7 digits at least), so `+1 (415)
//! 555-0100` finds `4155550100`.
//!
//! Tested against ctisvr-mock, which plays both CtiSVR and Salesforce's
//! Telephony Integration API (`tests/service.rs`, `tests/scrt.rs`).

pub mod config;
pub mod http;
pub mod monitor;
pub mod scrt;
pub mod service;
mod shared;
pub mod token;
pub mod tracker;
pub mod voice_call;

pub use config::Config;
pub use scrt::{Created, Scrt, ScrtError};
pub use service::{Service, StartError};
pub use token::{ProviderKey, TokenError};
pub use tracker::{Lookup, Output, Tracker};
pub use voice_call::{InitiationMethod, NewVoiceCall, Participant, VoiceCallEnd};
