//! The WebSocket endpoints speaking the vendor dialect: text frames, one JSON
//! object each. Every path upgrades (the vendor sample connects to `/`); the
//! query parameter `?ext=2002` chooses the station (mock only).
//!
//! Each endpoint listens through a [`GatedListener`], which the control API
//! can close (new connections are refused, as by a dead server) and reopen.

use crate::acd::SocketId;
use crate::hub::{EndpointId, Gate, Hub, ListenerStatus, Opened, Outbound};
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;

/// The largest frame or message accepted. Protocol frames are a few hundred
/// bytes; this bounds what one client can make the mock buffer and log.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// How often a listener that should listen again retries binding its
/// address when that failed.
const REBIND_RETRY: Duration = Duration::from_millis(250);

/// Connections the kernel may hold for `accept` (it caps this at
/// `net.core.somaxconn`, 4,096 by default on Linux). tokio's `bind` asks
/// for 1,024: thousands of softphones coming back at once overflowed it,
/// the kernel dropped their SYNs and they waited a second or more for the
/// retransmission (`cargo xtask load`, docs/benchmarks.md).
const BACKLOG: u32 = 4096;

/// Each connection's read buffer, and the size the write buffer reaches
/// before a write. tungstenite's 128 KiB each made a connection cost about
/// 140 KiB; frames are a few hundred bytes (bigger ones still arrive whole:
/// the buffer grows up to [`MAX_MESSAGE_BYTES`]).
const READ_BUFFER_BYTES: usize = 4096;

/// Binds `addr` with a backlog of [`BACKLOG`] (and `SO_REUSEADDR` on Unix,
/// as tokio's `bind` does, so a restarted mock binds its ports again at once).
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// The router of WebSocket endpoint `id`, whose listener is bound to
/// `endpoint`.
pub fn router(hub: Arc<Hub>, id: EndpointId, endpoint: SocketAddr) -> Router {
    Router::new().fallback(upgrade).with_state(Endpoint { hub, id, endpoint })
}

#[derive(Clone)]
struct Endpoint {
    hub: Arc<Hub>,
    id: EndpointId,
    endpoint: SocketAddr,
}

async fn upgrade(
    State(Endpoint { hub, id, endpoint }): State<Endpoint>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<HashMap<String, String>>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => {
            // A browser or curl pointed at the WebSocket port.
            let text = format!(
                "this is the ctisvr-mock WebSocket endpoint ({}); connect with a WebSocket client, \
                 e.g. ws://{endpoint}/?ext=2001\n",
                rejection.body_text()
            );
            return (StatusCode::BAD_REQUEST, text).into_response();
        }
    };
    let chosen_ext = query.get("ext").filter(|ext| !ext.is_empty()).cloned();
    let upgrade = upgrade.read_buffer_size(READ_BUFFER_BYTES).write_buffer_size(0);
    upgrade.max_message_size(MAX_MESSAGE_BYTES).max_frame_size(MAX_MESSAGE_BYTES).on_upgrade(move |socket| async move {
        match hub.open(id, peer, chosen_ext) {
            Some(opened) => serve(socket, &hub, opened).await,
            None => close(socket, "mock shutting down").await,
        }
    })
}

/// Frames waiting to be sent: each with the instant it may go (`None`: at
/// once, but after the frames before it).
type Pending = VecDeque<(Option<Instant>, String)>;

/// Pumps one connection until either side closes it. Frames to send wait
/// in `pending` until their time (`POST /api/delay`), in order, while the
/// connection keeps reading.
async fn serve(mut socket: WebSocket, hub: &Hub, opened: Opened) {
    let Opened { client, mut outbound } = opened;
    tracing::info!(conn = client.conn, peer = %client.peer_ip, ext = ?client.chosen_ext, "WebSocket connected");
    let mut pending = Pending::new();
    loop {
        let next_due = pending.front().map(|(at, _)| *at);
        let due = async {
            match next_due {
                Some(Some(at)) => tokio::time::sleep_until(at).await,
                Some(None) => {}
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    tracing::debug!(conn = client.conn, "in: {}", text.as_str());
                    hub.receive(&client, text.as_str());
                }
                Some(Ok(Message::Binary(bytes))) => hub.receive_binary(&client, bytes.len()),
                // Pings are answered by the WebSocket layer; after the
                // client's close frame, `recv` ends the stream.
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Close(_))) => {}
                Some(Err(error)) => {
                    tracing::info!(conn = client.conn, "WebSocket error: {error}");
                    break;
                }
                None => break,
            },
            () = due => {
                if !send_due(&mut socket, &mut pending, client.conn).await {
                    break;
                }
            }
            queued = outbound.recv() => match queued {
                Some(Outbound::Text(text)) => {
                    pending.push_back((None, text));
                    if !send_due(&mut socket, &mut pending, client.conn).await {
                        break;
                    }
                }
                Some(Outbound::Later(at, text)) => pending.push_back((Some(at), text)),
                // Frames queued before the close that are due go out first;
                // delayed ones are dropped.
                Some(Outbound::Close(reason)) => {
                    if send_due(&mut socket, &mut pending, client.conn).await {
                        close(socket, reason).await;
                    }
                    hub.close(client.conn);
                    tracing::info!(conn = client.conn, "WebSocket closed by the mock: {reason}");
                    return;
                }
                Some(Outbound::Abort) => {
                    send_due(&mut socket, &mut pending, client.conn).await;
                    drop(socket);
                    hub.close(client.conn);
                    tracing::info!(conn = client.conn, "WebSocket dropped by the mock (no close frame)");
                    return;
                }
                None => break,
            },
        }
    }
    hub.close(client.conn);
    tracing::info!(conn = client.conn, "WebSocket disconnected");
}

/// Sends the frames at the front of `pending` whose time has come. `false`
/// when the socket failed.
async fn send_due(socket: &mut WebSocket, pending: &mut Pending, conn: SocketId) -> bool {
    let now = Instant::now();
    while pending.front().is_some_and(|(at, _)| at.is_none_or(|at| at <= now)) {
        let Some((_, text)) = pending.pop_front() else { break };
        tracing::debug!(conn, "out: {text}");
        if socket.send(Message::Text(text.into())).await.is_err() {
            return false;
        }
    }
    true
}

/// Sends a close frame (1001 "going away") and drops the socket.
async fn close(mut socket: WebSocket, reason: &'static str) {
    let frame = CloseFrame { code: axum::extract::ws::close_code::AWAY, reason: reason.into() };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

/// The listener of one WebSocket endpoint, which closes while its [`Gate`]
/// says so (connections are refused: the port is closed) and binds the same
/// address again when told to listen. Connections already accepted are not
/// affected either way.
#[derive(Debug)]
pub struct GatedListener {
    /// `None` while closed.
    listener: Option<TcpListener>,
    gate: Gate,
    open: watch::Receiver<bool>,
}

impl GatedListener {
    pub fn new(listener: TcpListener, gate: Gate) -> GatedListener {
        let open = gate.open.subscribe();
        GatedListener { listener: Some(listener), gate, open }
    }

    fn report(&self, status: ListenerStatus) {
        self.gate.status.send_if_modified(|current| {
            let changed = *current != status;
            *current = status;
            changed
        });
    }
}

/// Waits until the gate changes.
async fn gate_changed(open: &mut watch::Receiver<bool>) {
    if open.changed().await.is_err() {
        // Cannot happen (the listener's gate keeps a sender alive); never spin.
        std::future::pending::<()>().await;
    }
}

impl axum::serve::Listener for GatedListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            let open = *self.open.borrow_and_update();
            match (&self.listener, open) {
                (Some(listener), true) => {
                    tokio::select! {
                        accepted = listener.accept() => match accepted {
                            Ok(connection) => return connection,
                            Err(error) => accept_failed(error).await,
                        },
                        () = gate_changed(&mut self.open) => {}
                    }
                }
                (Some(_), false) => {
                    self.listener = None;
                    self.report(ListenerStatus::Closed);
                    tracing::info!(addr = %self.gate.addr, "WebSocket listener closed: refusing connections");
                }
                (None, true) => match listen(self.gate.addr) {
                    Ok(listener) => {
                        self.listener = Some(listener);
                        self.report(ListenerStatus::Listening);
                        tracing::info!(addr = %self.gate.addr, "WebSocket listener open again");
                    }
                    Err(error) => {
                        tracing::warn!(addr = %self.gate.addr, "cannot listen again: {error}");
                        self.report(ListenerStatus::Failed(error.to_string()));
                        tokio::select! {
                            () = tokio::time::sleep(REBIND_RETRY) => {}
                            () = gate_changed(&mut self.open) => {}
                        }
                    }
                },
                (None, false) => {
                    self.report(ListenerStatus::Closed);
                    gate_changed(&mut self.open).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.gate.addr)
    }
}

/// As axum's own listener: errors of one connection are skipped, others
/// (out of file descriptors) wait a little before the next try.
async fn accept_failed(error: io::Error) {
    let per_connection = matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    );
    if !per_connection {
        tracing::error!("cannot accept a WebSocket connection: {error}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
