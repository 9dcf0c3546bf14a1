//! # ctisvr-core
//!
//! The rules of the CtiSVR softphone, with no browser, no I/O and no clock of
//! its own. The caller feeds a [`Session`] with transport events, frames,
//! user commands and the current time, and drains what it should do:
//!
//! ```
//! use ctisvr_core::{Millis, Session, Settings, SocketOrder, TransportEvent};
//!
//! let settings = Settings::from_attributes(|name| match name {
//!     "ws-uri-a" => Some("ws://127.0.0.1:9006/".to_string()),
//!     _ => None,
//! });
//! let mut session = Session::default();
//! let now = Millis(0);
//! session.configure(now, settings);
//! let Some(SocketOrder::Open(connect)) = session.poll_socket() else { panic!() };  // open a socket to connect.uri
//! session.handle_transport(now, TransportEvent::Opened(connect.id));
//! let first = session.poll_transmit().unwrap();   // and send this frame
//! assert!(first.contains("myextension"));
//! ```
//!
//! Modules: [`session`] (the state machine, with its owned parts: request
//! tracking, start-up phase, timers, CRM duties), [`command`] (what the agent
//! asks, typed refusals), [`calls`] (calls from events, call commands and
//! their rules), [`agent`] (agent state and its rules), [`state`] (the
//! snapshot the view renders), [`wire`] (the JSON protocol, one codec for
//! core and mock), [`settings`] (call center settings), [`connection`]
//! (which server to use and when), [`updates`] (the page's news),
//! [`notice`] (messages for the agent and when they go), [`crm`] (Salesforce
//! Open CTI payloads and call logs), [`crm_requests`] (what the session asks
//! of the CRM, and what its answers mean), [`crm_fault`] (why a CRM call
//! failed), [`dialing`] (numbers as records
//! hold them), [`numbers`] (when two numbers name the same party),
//! [`dial_refusal`] (a number already being dialled or on the call),
//! [`withheld`] (callers who withheld their number), [`i18n`] (every word
//! the agent sees, English and French), [`call_memory`] (what a
//! tab keeps about its calls for a reload), [`tabs`] (one pop and one log per
//! call across the agent's tabs), [`transport_advice`] (why a socket was
//! lost, why the browser refused it), [`problem`] and [`request_name`] (what
//! went wrong, as data), [`time`] (the caller's clock).

pub mod agent;
pub mod attention;
pub mod call_memory;
pub mod calls;
pub mod command;
pub mod connection;
pub mod crm;
pub mod crm_fault;
pub mod crm_requests;
pub mod dial_refusal;
pub mod dialing;
pub mod element_api;
pub mod i18n;
pub mod notice;
pub mod numbers;
pub mod problem;
pub mod request_name;
pub mod session;
pub mod settings;
pub mod settings_memory;
mod sorted_map;
pub mod state;
pub mod tabs;
pub mod time;
pub mod transport_advice;
pub mod updates;
pub mod voice;
pub mod wire;
pub mod withheld;

pub use agent::{AgentAction, AgentCommand, AgentStatus};
pub use attention::Attention;
pub use calls::CallCommand;
pub use calls::{Call, CallAction, CallChange, CallExtension, CallState, Direction};
pub use command::{Command, Rejected};
pub use connection::{
    ConnId, Connect, ConnectionLevel, ConnectionPolicy, ConnectionStatus, Network, ServerRole, SocketOrder,
};
pub use crm::{CallLog, CallType, Crm, LogSubject, Record};
pub use crm_fault::CrmFault;
pub use crm_requests::{CrmInput, CrmRequest};
pub use dialing::{DialError, DialTarget};
pub use i18n::{Catalogue, Lang};
pub use notice::{Notice, NoticeCause, NoticeLevel};
pub use problem::{CrmTask, Problem};
pub use request_name::RequestName;
pub use session::{Session, SessionOptions, TransportEvent};
pub use settings::{DialExtension, DialingPrefixes, Options, Settings, SettingsError, WsUri};
pub use state::State;
pub use time::Millis;
pub use transport_advice::{Advice, PageOrigin, SocketLoss};
pub use updates::Update;
pub use withheld::WithheldMarkers;
