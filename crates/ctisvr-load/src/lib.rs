//! `ctisvr-load`: N simulated softphones against ctisvr-mock, on real
//! sockets, to measure what a call center's start-up, traffic and a
//! CtiSVR restart do to the server and to the softphones.
//!
//! Each softphone is ctisvr-core's [`Session`](ctisvr_core::Session) with
//! its real connection policy, driven by the same small edge loop the
//! element runs ([`agent`]). The run ([`run`]) starts the mock (release
//! build) with one station and agent per softphone ([`scenario`]), then:
//!
//! 1. **start-up**: every softphone starts at once; each agent logs in;
//! 2. **traffic**: inbound calls through the control API ([`control`]),
//!    answered after a moment and hung up after a talk;
//! 3. **restart**: both endpoints refuse, every connection drops (the
//!    mock's `POST /api/restart`: calls and logins stay, as an ACD keeps
//!    them), and after the down time the endpoints accept again;
//! 4. **settle**: the calls that lived through the restart end.
//!
//! It prints `LOAD` lines: ready times, errors, the mock's CPU and memory
//! ([`mock_process`]) per phase, and the reconnect attempts per 100 ms after
//! the restart ([`histogram`]). `cargo xtask load -- --agents N` builds
//! and runs it; docs/benchmarks.md ("Load") has the figures.

pub mod agent;
pub mod control;
pub mod histogram;
pub mod mock_process;
pub mod run;
pub mod scenario;
pub mod tally;
