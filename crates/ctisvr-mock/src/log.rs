//! The frame log behind `GET /api/log`: every text frame in and out of every
//! WebSocket connection, kept raw (exactly as received or sent, because
//! tests check the field names in them), in order, per connection.
//!
//! Memory is bounded: each connection keeps its last
//! [`MAX_FRAMES_PER_CONNECTION`] frames (counting what it dropped), and the
//! log keeps the last [`MAX_CONNECTIONS`] connections, forgetting closed ones
//! first.

use crate::acd::SocketId;
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::time::Instant;

pub const MAX_FRAMES_PER_CONNECTION: usize = 1000;
pub const MAX_CONNECTIONS: usize = 200;

/// The log of every connection.
#[derive(Debug)]
pub struct FrameLog {
    /// `at_ms` counts from here: the start of the mock or the last reset.
    epoch: Instant,
    /// By id, which is also the order the connections opened in.
    connections: BTreeMap<SocketId, ConnectionLog>,
}

/// `GET /api/log`.
#[derive(Debug, Clone, Serialize)]
pub struct LogView<'a> {
    pub connections: Vec<&'a ConnectionLog>,
}

/// One connection's frames.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectionLog {
    pub id: SocketId,
    /// The listener it came in on.
    pub endpoint: SocketAddr,
    pub peer: SocketAddr,
    /// What `myextension` answers it (from `?ext=` or the IP map), or `null`.
    pub extension: Option<String>,
    pub open: bool,
    /// Frames forgotten to bound memory (the oldest ones).
    pub dropped_frames: u64,
    pub frames: VecDeque<Frame>,
}

/// One frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Frame {
    pub dir: LogDirection,
    pub text: String,
    /// Milliseconds since the mock started or was last reset.
    pub at_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogDirection {
    /// From the client.
    In,
    /// To the client.
    Out,
}

impl Default for FrameLog {
    fn default() -> Self {
        FrameLog::new()
    }
}

impl FrameLog {
    pub fn new() -> FrameLog {
        FrameLog { epoch: Instant::now(), connections: BTreeMap::new() }
    }

    /// Starts the log of a new connection.
    pub fn open(&mut self, id: SocketId, endpoint: SocketAddr, peer: SocketAddr, extension: Option<String>) {
        self.connections.insert(
            id,
            ConnectionLog { id, endpoint, peer, extension, open: true, dropped_frames: 0, frames: VecDeque::new() },
        );
        self.forget_old_connections();
    }

    /// Appends a frame; frames of a forgotten connection are ignored.
    pub fn record(&mut self, id: SocketId, dir: LogDirection, text: &str) {
        let at_ms = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        let Some(connection) = self.connections.get_mut(&id) else {
            return;
        };
        if connection.frames.len() >= MAX_FRAMES_PER_CONNECTION {
            connection.frames.pop_front();
            connection.dropped_frames += 1;
        }
        connection.frames.push_back(Frame { dir, text: text.to_owned(), at_ms });
    }

    pub fn close(&mut self, id: SocketId) {
        if let Some(connection) = self.connections.get_mut(&id) {
            connection.open = false;
        }
    }

    /// Forgets everything and restarts the clock.
    pub fn clear(&mut self) {
        *self = FrameLog::new();
    }

    pub fn view(&self) -> LogView<'_> {
        LogView { connections: self.connections.values().collect() }
    }

    fn forget_old_connections(&mut self) {
        while self.connections.len() > MAX_CONNECTIONS {
            let oldest_closed = self.connections.values().find(|c| !c.open).map(|c| c.id);
            let victim = oldest_closed.or_else(|| self.connections.keys().next().copied());
            match victim {
                Some(id) => self.connections.remove(&id),
                None => break,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn frames_are_kept_raw_and_in_order() {
        let mut log = FrameLog::new();
        log.open(1, addr(9006), addr(5555), Some("2001".into()));
        log.record(1, LogDirection::In, r#"{"id":0, "request":"myextension"}"#);
        log.record(1, LogDirection::Out, r#"{"msgtype":"response"}"#);
        log.close(1);
        let mut view = serde_json::to_value(log.view()).unwrap();
        view["connections"][0]["frames"][0]["at_ms"] = json!(0);
        view["connections"][0]["frames"][1]["at_ms"] = json!(0);
        assert_eq!(
            view,
            json!({"connections": [{
            "id": 1, "endpoint": "127.0.0.1:9006", "peer": "127.0.0.1:5555",
            "extension": "2001", "open": false, "dropped_frames": 0,
            "frames": [
                {"dir": "in", "text": "{\"id\":0, \"request\":\"myextension\"}", "at_ms": 0},
                {"dir": "out", "text": "{\"msgtype\":\"response\"}", "at_ms": 0},
            ]}]})
        );
    }

    #[test]
    fn each_connection_keeps_its_last_frames() {
        let mut log = FrameLog::new();
        log.open(1, addr(9006), addr(5555), None);
        for n in 0..MAX_FRAMES_PER_CONNECTION + 5 {
            log.record(1, LogDirection::In, &n.to_string());
        }
        let view = log.view();
        let connection = view.connections[0];
        assert_eq!(connection.frames.len(), MAX_FRAMES_PER_CONNECTION);
        assert_eq!(connection.dropped_frames, 5);
        assert_eq!(connection.frames[0].text, "5");
    }

    #[test]
    fn closed_connections_are_forgotten_first() {
        let mut log = FrameLog::new();
        log.open(1, addr(9006), addr(1), None);
        log.open(2, addr(9006), addr(2), None);
        log.close(2);
        for id in 3..=(MAX_CONNECTIONS as u64 + 1) {
            log.open(id, addr(9006), addr(3), None);
        }
        let ids: Vec<SocketId> = log.view().connections.iter().map(|c| c.id).collect();
        assert_eq!(ids.len(), MAX_CONNECTIONS);
        assert_eq!(ids[..2], [1, 3], "2 was closed, so it went first");
        log.open(500, addr(9006), addr(3), None);
        let ids: Vec<SocketId> = log.view().connections.iter().map(|c| c.id).collect();
        assert_eq!(ids[0], 3, "then the oldest open one");
    }

    #[test]
    fn frames_of_unknown_connections_are_ignored_and_clear_forgets_all() {
        let mut log = FrameLog::new();
        log.record(7, LogDirection::In, "x");
        log.open(1, addr(9006), addr(1), None);
        log.clear();
        assert!(log.view().connections.is_empty());
    }
}
