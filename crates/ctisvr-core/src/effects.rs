//! What the edge must do besides sending frames and opening sockets:
//! drained with [`Session::poll_event`](crate::Session::poll_event).

use crate::calls::{CallChange, CallId};
use crate::connection::ConnectionStatus;
use crate::crm::CallLog;
use crate::wire::Event;
use crate::AgentStatus;

// Where they were before notices had causes; kept for existing imports.
pub use crate::notice::{Notice, NoticeLevel};

/// One side effect for the edge (CRM bridge, DOM events).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The session is ready for calls (start-up done on a connection), or
    /// no longer (the connection went).
    Ready(bool),
    /// Turn the CRM's click-to-dial on (the session is ready) or off.
    ClickToDial { enabled: bool },
    /// The connection changed (connecting, connected, waiting to retry).
    ConnectionChanged(ConnectionStatus),
    /// Close the current socket without opening another (the session will
    /// ask for a new one through `poll_connect` when it is time).
    CloseSocket,
    /// The agent's state changed (login, logout, work mode).
    AgentChanged(AgentStatus),
    /// A call appeared, changed or ended.
    Call(CallChange),
    /// Something the agent must be told; also kept in the state snapshot.
    Notice(Notice),
    /// The notice shown went: its cause ended, or the agent dismissed it.
    NoticeGone(Notice),
    /// Every event from the server, known or not, for pages that listen.
    ServerEvent(Event),
    /// Search the CRM for the caller of an inbound call and pop the record;
    /// report what was found with `CrmInput::ScreenPopResult`.
    ScreenPop { call_id: CallId, number: String },
    /// Show the softphone panel (a call is ringing).
    ShowPanel,
    /// Save this call log as a Task; report with `LogSaved` / `LogFailed`.
    SaveLog { call_id: CallId, log: CallLog },
    /// Tell the CRM the adapter is up (`notifyInitializationComplete`), once.
    InitializationComplete,
    /// Keep this text about the live calls for a reload of the page
    /// (`None`: no call is up, remove it); give it back with
    /// [`Session::resume_calls`](crate::Session::resume_calls). Not secret:
    /// see [`crate::call_memory`].
    StoreCalls(Option<String>),
}
