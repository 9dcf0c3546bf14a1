//! The WebSocket endpoints speaking the vendor dialect: text frames, one JSON
//! object each. Every path upgrades (the vendor sample connects to `/`); the
//! query parameter `?ext=2002` chooses the station (mock only).

use crate::hub::{Hub, Opened, Outbound};
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// The largest frame or message accepted. Protocol frames are a few hundred
/// bytes; this bounds what one client can make the mock buffer and log.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// The router of one WebSocket listener bound to `endpoint`.
pub fn router(hub: Arc<Hub>, endpoint: SocketAddr) -> Router {
    Router::new().fallback(upgrade).with_state(Endpoint { hub, endpoint })
}

#[derive(Clone)]
struct Endpoint {
    hub: Arc<Hub>,
    endpoint: SocketAddr,
}

async fn upgrade(
    State(Endpoint { hub, endpoint }): State<Endpoint>,
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
    upgrade.max_message_size(MAX_MESSAGE_BYTES).max_frame_size(MAX_MESSAGE_BYTES).on_upgrade(move |socket| async move {
        match hub.open(endpoint, peer, chosen_ext) {
            Some(opened) => serve(socket, &hub, opened).await,
            None => close(socket, "mock shutting down").await,
        }
    })
}

/// Pumps one connection until either side closes it.
async fn serve(mut socket: WebSocket, hub: &Hub, opened: Opened) {
    let Opened { client, mut outbound } = opened;
    tracing::info!(conn = client.conn, peer = %client.peer_ip, ext = ?client.chosen_ext, "WebSocket connected");
    loop {
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
            queued = outbound.recv() => match queued {
                Some(Outbound::Text(text)) => {
                    tracing::debug!(conn = client.conn, "out: {text}");
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Some(Outbound::Close(reason)) => {
                    close(socket, reason).await;
                    hub.close(client.conn);
                    tracing::info!(conn = client.conn, "WebSocket closed by the mock: {reason}");
                    return;
                }
                None => break,
            },
        }
    }
    hub.close(client.conn);
    tracing::info!(conn = client.conn, "WebSocket disconnected");
}

/// Sends a close frame (1001 "going away") and drops the socket.
async fn close(mut socket: WebSocket, reason: &'static str) {
    let frame = CloseFrame { code: axum::extract::ws::close_code::AWAY, reason: reason.into() };
    let _ = socket.send(Message::Close(Some(frame))).await;
}
