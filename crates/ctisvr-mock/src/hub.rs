//! The hub: where the ACD, the frame log and the open WebSocket connections
//! meet. The WebSocket endpoints and the control API both go through it.
//!
//! One mutex guards all three, and every frame is logged and queued to its
//! socket while it is held, so the log's order, the ACD's state and the order
//! of frames on each socket always agree. Nothing awaits under the lock: a
//! socket task drains its own unbounded queue.
//!
//! The ACD has no clock: [`run_timers`] sleeps until its next deadline and
//! then lets it act (an outside number answering after N ms). Whatever may
//! add a deadline wakes that task, so it never sleeps past a new one.

use crate::acd::{Acd, AcdError, CallView, Client, ConnId, NewCall, Outgoing, StateView};
use crate::log::{Direction, FrameLog};
use crate::scenario::Scenario;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;
use tokio::sync::{mpsc, watch, Notify};

/// What a socket task is told to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound {
    /// Send this text frame.
    Text(String),
    /// Send a close frame with this reason and end the connection.
    Close(&'static str),
}

/// A newly opened connection: who it is and its queue of frames to send.
#[derive(Debug)]
pub struct Opened {
    pub client: Client,
    pub outbound: mpsc::UnboundedReceiver<Outbound>,
}

/// The shared state of one mock.
#[derive(Debug)]
pub struct Hub {
    scenario: Scenario,
    inner: Mutex<Inner>,
    /// Wakes [`run_timers`]: the ACD's next deadline may have changed.
    wake: Notify,
}

#[derive(Debug)]
struct Inner {
    acd: Acd,
    log: FrameLog,
    /// The open connections' queues. A connection missing here has been
    /// closed by a reset or shutdown: whatever it still sends is ignored.
    connections: HashMap<ConnId, mpsc::UnboundedSender<Outbound>>,
    /// Connection ids keep counting across resets, so a late frame of an
    /// old connection can never be taken for a new one's.
    last_conn: ConnId,
    shut_down: bool,
}

impl Hub {
    pub fn new(scenario: Scenario) -> Hub {
        Hub {
            inner: Mutex::new(Inner {
                acd: Acd::new(scenario.clone()),
                log: FrameLog::new(),
                connections: HashMap::new(),
                last_conn: 0,
                shut_down: false,
            }),
            scenario,
            wake: Notify::new(),
        }
    }

    /// Registers a WebSocket connection; `None` once the mock shuts down.
    pub fn open(&self, endpoint: SocketAddr, peer: SocketAddr, chosen_ext: Option<String>) -> Option<Opened> {
        let mut inner = self.lock();
        if inner.shut_down {
            return None;
        }
        inner.last_conn += 1;
        let client = Client { conn: inner.last_conn, peer_ip: peer.ip(), chosen_ext };
        let extension = inner.acd.station_of(&client).ok().map(str::to_owned);
        inner.log.open(client.conn, endpoint, peer, extension);
        let (sender, outbound) = mpsc::unbounded_channel();
        inner.connections.insert(client.conn, sender);
        Some(Opened { client, outbound })
    }

    /// A text frame from `client`.
    pub fn receive(&self, client: &Client, text: &str) {
        let mut inner = self.lock();
        if !inner.connections.contains_key(&client.conn) {
            return;
        }
        inner.log.record(client.conn, Direction::In, text);
        let out = inner.acd.handle_text(client, text, Instant::now());
        inner.send(out);
        drop(inner);
        self.wake.notify_one();
    }

    /// A binary frame of `len` bytes from `client`: logged as a placeholder
    /// and refused.
    pub fn receive_binary(&self, client: &Client, len: usize) {
        let mut inner = self.lock();
        if !inner.connections.contains_key(&client.conn) {
            return;
        }
        let placeholder = format!("<binary frame of {len} bytes>");
        inner.log.record(client.conn, Direction::In, &placeholder);
        let out = inner.acd.handle_binary(client);
        inner.send(out);
    }

    /// `conn` is gone: forget it (its log stays, marked closed).
    pub fn close(&self, conn: ConnId) {
        let mut inner = self.lock();
        inner.connections.remove(&conn);
        inner.acd.disconnect(conn);
        inner.log.close(conn);
    }

    pub fn create_call(&self, call: NewCall) -> Result<CallView, AcdError> {
        let mut inner = self.lock();
        let (view, out) = inner.acd.create_call(call)?;
        inner.send(out);
        Ok(view)
    }

    /// `party` (else the outside parties) of call `id` hangs up.
    pub fn far_end_hangup(&self, id: &str, party: Option<&str>) -> Result<CallView, AcdError> {
        let mut inner = self.lock();
        let (view, out) = inner.acd.far_end_hangup(id, party)?;
        inner.send(out);
        Ok(view)
    }

    /// `party` (else the first ringing party) of call `id` answers.
    pub fn answer_call(&self, id: &str, party: Option<&str>) -> Result<CallView, AcdError> {
        let mut inner = self.lock();
        let (view, out) = inner.acd.answer_call(id, party)?;
        inner.send(out);
        Ok(view)
    }

    /// When the ACD next wants [`Hub::fire_due`].
    pub fn next_deadline(&self) -> Option<Instant> {
        self.lock().acd.next_deadline()
    }

    /// Runs the ACD's actions due at `now` and sends their events.
    pub fn fire_due(&self, now: Instant) {
        let mut inner = self.lock();
        let out = inner.acd.handle_timeout(now);
        inner.send(out);
    }

    pub fn state(&self) -> StateView {
        self.lock().acd.state()
    }

    /// The log as JSON text, serialized under the lock (the view borrows
    /// it) straight to text, so fields keep their documented order.
    pub fn log_json(&self) -> String {
        serde_json::to_string(&self.lock().log.view())
            .unwrap_or_else(|e| serde_json::json!({"error": format!("cannot serialize the log: {e}")}).to_string())
    }

    /// Closes every connection, clears the log and restores the scenario.
    /// Returns how many connections it closed.
    pub fn reset(&self) -> usize {
        let mut inner = self.lock();
        let closed = inner.close_all("mock reset");
        inner.acd = Acd::new(self.scenario.clone());
        inner.log.clear();
        drop(inner);
        self.wake.notify_one();
        closed
    }

    /// Closes every connection and refuses new ones.
    pub fn shut_down(&self) {
        let mut inner = self.lock();
        inner.shut_down = true;
        inner.close_all("mock shutting down");
    }

    /// A panic elsewhere must not wedge the mock: the state is still usable.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Runs the ACD's timed actions until `stopped` turns true (or its sender is
/// dropped): sleeps until the next deadline, or until woken because one may
/// have been added.
pub async fn run_timers(hub: Arc<Hub>, mut stopped: watch::Receiver<bool>) {
    loop {
        let woken = hub.wake.notified();
        let deadline = hub.next_deadline();
        let due = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = stopped.wait_for(|stop| *stop) => return,
            () = woken => {}
            () = due => hub.fire_due(Instant::now()),
        }
    }
}

impl Inner {
    /// Logs and queues frames to their connections.
    fn send(&mut self, out: Vec<Outgoing>) {
        for Outgoing { to, text } in out {
            if let Some(sender) = self.connections.get(&to) {
                self.log.record(to, Direction::Out, &text);
                // A closed queue means the socket task already ended.
                let _ = sender.send(Outbound::Text(text));
            }
        }
    }

    fn close_all(&mut self, reason: &'static str) -> usize {
        let connections = std::mem::take(&mut self.connections);
        for (conn, sender) in &connections {
            let _ = sender.send(Outbound::Close(reason));
            self.acd.disconnect(*conn);
            self.log.close(*conn);
        }
        connections.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn log(hub: &Hub) -> Value {
        serde_json::from_str(&hub.log_json()).unwrap()
    }

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn drain(opened: &mut Opened) -> Vec<Outbound> {
        std::iter::from_fn(|| opened.outbound.try_recv().ok()).collect()
    }

    #[test]
    fn frames_are_logged_and_queued_in_order() {
        let hub = Hub::new(Scenario::default());
        let mut a = hub.open(addr(9006), addr(40000), Some("2002".into())).unwrap();
        hub.receive(&a.client, r#"{"id":1,"request":"startmonitor","extension":"2002"}"#);
        hub.create_call(NewCall { from: "5551234".into(), to: "2002".into(), orig_calling: None }).unwrap();
        let queued = drain(&mut a);
        assert_eq!(queued.len(), 2);
        let log = log(&hub);
        let frames = &log["connections"][0]["frames"];
        assert_eq!(log["connections"][0]["extension"], "2002");
        assert_eq!(frames[0]["dir"], "in");
        assert_eq!(frames[1]["dir"], "out");
        assert_eq!(frames[2]["dir"], "out");
        assert_eq!(Outbound::Text(frames[2]["text"].as_str().unwrap().into()), queued[1]);
    }

    #[test]
    fn reset_closes_connections_and_restores_the_scenario() {
        let hub = Hub::new(Scenario::default());
        let mut a = hub.open(addr(9006), addr(40000), None).unwrap();
        hub.receive(&a.client, r#"{"id":3,"request":"login","extension":"2001","agentid":"1001","passwd":"1234"}"#);
        assert_eq!(hub.reset(), 1);
        assert_eq!(drain(&mut a).last(), Some(&Outbound::Close("mock reset")));
        assert_eq!(log(&hub)["connections"], Value::Array(vec![]));
        assert!(hub.state().agents.iter().all(|a| a.extension.is_none()));
        // The old connection is ignored from now on.
        hub.receive(&a.client, r#"{"id":0,"request":"myextension"}"#);
        assert!(drain(&mut a).is_empty());
        // New connections get new ids.
        let b = hub.open(addr(9006), addr(40001), None).unwrap();
        assert_eq!(b.client.conn, 2);
    }

    #[test]
    fn after_shutdown_no_connection_opens() {
        let hub = Hub::new(Scenario::default());
        let mut a = hub.open(addr(9006), addr(40000), None).unwrap();
        hub.shut_down();
        assert_eq!(drain(&mut a), [Outbound::Close("mock shutting down")]);
        assert!(hub.open(addr(9006), addr(40001), None).is_none());
        assert_eq!(log(&hub)["connections"][0]["open"], false);
    }
}
