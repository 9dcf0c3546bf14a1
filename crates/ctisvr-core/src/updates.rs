//! What the page must hear, drained with
//! [`Session::poll_update`](crate::Session::poll_update). Every other
//! audience has its own queue, so nobody drains and drops another's
//! outputs: the socket's orders (`poll_socket`, `poll_transmit`), the CRM's
//! requests (`poll_crm`), the calls' memory (`poll_storage`), the tabs'
//! messages (`poll_tab_message`, `poll_new_tab`).

use crate::calls::CallChange;
use crate::connection::ConnectionStatus;
use crate::notice::Notice;
use crate::wire::Event;
use crate::AgentStatus;

/// One piece of news for the page: the element dispatches each as a DOM
/// event (see docs/element.md) and the view reads the same in [`crate::State`].
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    /// The session is ready for calls (start-up done on a connection), or
    /// no longer (the connection went).
    Ready(bool),
    /// The connection changed (connecting, connected, waiting to retry).
    ConnectionChanged(ConnectionStatus),
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
}
