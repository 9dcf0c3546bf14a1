//! One CtiSVR connection per monitored extension (the protocol's events
//! name neither the extension nor the call, so one connection must stand
//! for one extension). Each connects to A, else B (and so on down the
//! list), sends `startmonitor` for its extension, then `snapshot` (no call
//! there: whatever the service thought was going on has ended; more calls
//! than the service knows: one rang while nobody listened, and `userdata`
//! tells its numbers), and feeds every event to the tracker. A lost connection starts a new round at A
//! at once; a round where no server monitors the extension waits a
//! growing pause (200 ms doubling to 10 s) before the next. A connection
//! silent for [`SILENCE`] (pings go out every [`PING_EVERY`]) counts as
//! lost. A frame that is not a protocol frame is logged and skipped.

use crate::shared::{now_millis, until_stopped, Shared};
use ctisvr_core::wire::{Request, RequestFrame, ServerFrame, UserDataKind, MAX_FRAME_BYTES};
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

/// The first pause after a round that found no server, doubling up to [`MAX_PAUSE`].
pub const FIRST_PAUSE: Duration = Duration::from_millis(200);
pub const MAX_PAUSE: Duration = Duration::from_secs(10);
/// Connecting, and the answer to `startmonitor`, may take this long.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const PING_EVERY: Duration = Duration::from_secs(15);
/// Nothing heard for this long: the connection is dead.
pub const SILENCE: Duration = Duration::from_secs(40);

const MONITOR_ID: u64 = 1;
const SNAPSHOT_ID: u64 = 2;
const USERDATA_ID: u64 = 3;

/// How a connection ended.
enum Ended {
    Stopped,
    /// Lost; `monitored`: it had monitored the extension.
    Lost {
        monitored: bool,
    },
}

/// Monitors `extension` until `stopped`.
pub(crate) async fn run(shared: Arc<Shared>, extension: String, urls: Vec<String>, mut stopped: watch::Receiver<bool>) {
    let mut pause = FIRST_PAUSE;
    loop {
        let mut monitored = false;
        for url in &urls {
            match connection(&shared, &extension, url, &mut stopped).await {
                Ended::Stopped => return,
                Ended::Lost { monitored: true } => {
                    monitored = true;
                    break;
                }
                Ended::Lost { monitored: false } => {}
            }
        }
        let wait = if monitored {
            pause = FIRST_PAUSE;
            // A new round at A, after a breath (a server that drops every
            // connection at once must not make this spin).
            Duration::from_millis(100)
        } else {
            let wait = pause;
            pause = (pause * 2).min(MAX_PAUSE);
            wait
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = until_stopped(&mut stopped) => return,
        }
    }
}

fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default().max_message_size(Some(MAX_FRAME_BYTES)).max_frame_size(Some(MAX_FRAME_BYTES))
}

fn request(id: u64, request: Request) -> Message {
    Message::text(RequestFrame { id, request }.encode())
}

async fn connection(shared: &Arc<Shared>, extension: &str, url: &str, stopped: &mut watch::Receiver<bool>) -> Ended {
    let connect = tokio::time::timeout(
        CONNECT_TIMEOUT,
        tokio_tungstenite::connect_async_with_config(url, Some(socket_config()), true),
    );
    let socket = tokio::select! {
        result = connect => result,
        () = until_stopped(stopped) => return Ended::Stopped,
    };
    let socket = match socket {
        Ok(Ok((socket, _))) => socket,
        Ok(Err(error)) => {
            tracing::warn!(%extension, %url, "cannot connect to CtiSVR: {error}");
            return Ended::Lost { monitored: false };
        }
        Err(_) => {
            tracing::warn!(%extension, %url, "cannot connect to CtiSVR: no answer within {CONNECT_TIMEOUT:?}");
            return Ended::Lost { monitored: false };
        }
    };
    let (mut sink, mut stream) = socket.split();
    if let Err(error) = sink.send(request(MONITOR_ID, Request::StartMonitor { extension: extension.to_owned() })).await
    {
        tracing::warn!(%extension, %url, "cannot send startmonitor: {error}");
        return Ended::Lost { monitored: false };
    }
    let opened = Instant::now();
    let mut heard = Instant::now();
    let mut monitored = false;
    let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    let mut checked = tokio::time::interval_at(Instant::now() + CONNECT_TIMEOUT, Duration::from_secs(1));
    loop {
        let message = tokio::select! {
            message = stream.next() => message,
            _ = ping.tick() => {
                if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    return lost(extension, url, monitored, "cannot send a ping");
                }
                continue;
            }
            _ = checked.tick() => {
                if !monitored && opened.elapsed() >= CONNECT_TIMEOUT {
                    return lost(extension, url, false, "no answer to startmonitor");
                }
                if heard.elapsed() >= SILENCE {
                    return lost(extension, url, monitored, "silent for too long");
                }
                continue;
            }
            () = until_stopped(stopped) => {
                let _ = sink.send(Message::Close(None)).await;
                return Ended::Stopped;
            }
        };
        let text = match message {
            None => return lost(extension, url, monitored, "closed"),
            Some(Err(error)) => return lost(extension, url, monitored, &error.to_string()),
            Some(Ok(Message::Close(frame))) => {
                let why = frame.map_or_else(|| "closed".to_owned(), |f| format!("closed: {} {}", f.code, f.reason));
                return lost(extension, url, monitored, &why);
            }
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Binary(_))) => {
                heard = Instant::now();
                tracing::warn!(%extension, "skipped a binary frame from CtiSVR");
                continue;
            }
            Some(Ok(_)) => {
                heard = Instant::now();
                continue;
            }
        };
        heard = Instant::now();
        match ServerFrame::decode(text.as_str()) {
            Err(error) => {
                let start: String = text.as_str().chars().take(200).collect();
                tracing::warn!(%extension, "skipped a frame that is not the protocol's ({error}): {start:?}");
            }
            Ok(ServerFrame::Event(event)) => {
                tracing::debug!(%extension, event = %event.kind.as_wire(), "event");
                shared.apply(|tracker| tracker.handle_event(now_millis(), extension, &event));
            }
            Ok(ServerFrame::Response(response)) if response.id == Some(MONITOR_ID) && !monitored => {
                if !response.is_success() {
                    let error = response.error.unwrap_or_default();
                    return lost(extension, url, false, &format!("CtiSVR refused startmonitor: {error}"));
                }
                monitored = true;
                tracing::info!(%extension, %url, "monitoring");
                let snapshot = request(SNAPSHOT_ID, Request::Snapshot { extension: extension.to_owned() });
                if sink.send(snapshot).await.is_err() {
                    return lost(extension, url, true, "cannot send snapshot");
                }
            }
            Ok(ServerFrame::Response(response)) if response.id == Some(SNAPSHOT_ID) => {
                match (response.is_success(), response.num_call) {
                    (true, Some(calls)) => {
                        let missed = shared.apply(|tracker| tracker.handle_snapshot(now_millis(), extension, calls));
                        let current = Request::UserData { extension: extension.to_owned(), kind: UserDataKind::Alert };
                        if missed && sink.send(request(USERDATA_ID, current)).await.is_err() {
                            return lost(extension, url, true, "cannot send userdata");
                        }
                    }
                    _ => tracing::debug!(%extension, "snapshot gave no call count: {:?}", response.error),
                }
            }
            Ok(ServerFrame::Response(response)) if response.id == Some(USERDATA_ID) && response.is_success() => {
                let text = |field: &Option<String>| field.clone().unwrap_or_default();
                let (calling, called, cli) = (text(&response.calling), text(&response.called), text(&response.cli));
                tracing::info!(%extension, %calling, %called, "a call that began while nobody listened");
                shared.apply(|tracker| tracker.handle_current_call(now_millis(), extension, &calling, &called, &cli));
            }
            Ok(other) => tracing::debug!(%extension, "skipped {}", other.encode()),
        }
    }
}

fn lost(extension: &str, url: &str, monitored: bool, why: &str) -> Ended {
    if monitored {
        tracing::warn!(%extension, %url, "lost CtiSVR: {why}");
    } else {
        tracing::warn!(%extension, %url, "cannot monitor: {why}");
    }
    Ended::Lost { monitored }
}
