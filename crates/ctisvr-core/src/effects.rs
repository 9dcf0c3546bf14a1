//! What the page must hear and the edge must do besides sending frames,
//! opening sockets and calling the CRM: drained with
//! [`Session::poll_event`](crate::Session::poll_event). The CRM's requests
//! have their own queue ([`crate::crm_requests`], `Session::poll_crm`).

use crate::calls::CallChange;
use crate::connection::ConnectionStatus;
use crate::wire::Event;
use crate::AgentStatus;

// Where they were before notices had causes; kept for existing imports.
pub use crate::notice::{Notice, NoticeLevel};

/// One side effect for the edge (DOM events, the socket, storage).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The session is ready for calls (start-up done on a connection), or
    /// no longer (the connection went).
    Ready(bool),
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
    /// Keep this text about the live calls for a reload of the page
    /// (`None`: no call is up, remove it); give it back with
    /// [`Session::resume_calls`](crate::Session::resume_calls). Not secret:
    /// see [`crate::call_memory`].
    StoreCalls(Option<String>),
}
