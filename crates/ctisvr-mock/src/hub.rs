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
//!
//! The hub also keeps the faults the control API injects for failover tests:
//! per WebSocket endpoint, refusing new connections (through its [`Gate`],
//! which its listener watches) and stalling (frames are logged, never
//! answered); for all endpoints, a delay before every frame is sent.

use crate::acd::{Acd, AcdError, CallView, Client, NewCall, Outgoing, SocketId, StateView};
use crate::log::{FrameLog, LogDirection};
use crate::scenario::Scenario;
use serde::Serialize;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch, Notify};

/// A WebSocket endpoint: its index in the order of the `--ws` flags.
pub type EndpointId = usize;

/// The longest delay `POST /api/delay` accepts, in milliseconds (an hour).
pub const MAX_DELAY_MS: u64 = 3_600_000;

/// How long the control API waits for a listener to close or reopen.
const LISTENER_TIMEOUT: Duration = Duration::from_secs(5);

/// What a socket task is told to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound {
    /// Send this text frame (after the frames queued before it).
    Text(String),
    /// Send this text frame, not before the instant (`POST /api/delay`).
    Later(tokio::time::Instant, String),
    /// Send a close frame (1001) with this reason and end the connection.
    Close(&'static str),
    /// End the connection without a close frame: drop the TCP stream.
    Abort,
}

/// How the mock ends connections it closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// With a close frame (1001, "going away") carrying this reason.
    Frame(&'static str),
    /// Without one: the TCP stream is dropped (a browser reports 1006).
    Abrupt,
}

impl Ending {
    fn outbound(self) -> Outbound {
        match self {
            Ending::Frame(reason) => Outbound::Close(reason),
            Ending::Abrupt => Outbound::Abort,
        }
    }
}

/// The control side of one WebSocket endpoint's listener: the hub says
/// whether it should accept connections, the listener says what it does.
/// Both ends are `watch` channels, so either may wait for the other.
#[derive(Debug, Clone)]
pub struct Gate {
    /// The address the listener is (and is re-)bound to.
    pub addr: SocketAddr,
    /// `true`: listen; `false`: refuse connections (the listener is closed).
    pub open: watch::Sender<bool>,
    /// What the listener does now.
    pub status: watch::Sender<ListenerStatus>,
}

/// What a WebSocket endpoint's listener does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenerStatus {
    Listening,
    /// Closed on purpose: connections are refused.
    Closed,
    /// It should listen, but binding the address again failed (it retries).
    Failed(String),
}

impl Gate {
    fn new(addr: SocketAddr) -> Gate {
        Gate { addr, open: watch::channel(true).0, status: watch::channel(ListenerStatus::Listening).0 }
    }

    /// Asks the listener to close (`refuse`) or listen again, and waits until
    /// it has. An error when it could not bind the address again.
    async fn set_refusing(&self, refusing: bool) -> Result<(), String> {
        let mut status = self.status.subscribe();
        self.open.send_replace(!refusing);
        let settled = status.wait_for(|status| (*status == ListenerStatus::Closed) == refusing);
        let status = match tokio::time::timeout(LISTENER_TIMEOUT, settled).await {
            Ok(Ok(status)) => status.clone(),
            Ok(Err(_)) | Err(_) => {
                return Err(format!("the listener on {} did not answer within {LISTENER_TIMEOUT:?}", self.addr))
            }
        };
        match status {
            ListenerStatus::Failed(error) => {
                Err(format!("cannot listen on {} again: {error} (it keeps retrying)", self.addr))
            }
            ListenerStatus::Listening | ListenerStatus::Closed => Ok(()),
        }
    }
}

/// One WebSocket endpoint and its faults, as `GET /api/endpoints` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointView {
    pub index: EndpointId,
    pub address: SocketAddr,
    pub url: String,
    /// Whether the listener accepts connections now.
    pub listening: bool,
    /// `POST .../refuse` is in force (until `.../accept` or a reset).
    pub refusing: bool,
    /// `POST .../stall` is in force (until `.../unstall` or a reset).
    pub stalled: bool,
    /// Why the listener could not listen again, while it retries.
    pub listen_error: Option<String>,
    /// The ids of its open connections (as in `GET /api/log`).
    pub connections: Vec<SocketId>,
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
    /// The WebSocket endpoints, in the order of the `--ws` flags.
    endpoints: Vec<Gate>,
    inner: Mutex<Inner>,
    /// Wakes [`run_timers`]: the ACD's next deadline may have changed.
    wake: Notify,
}

#[derive(Debug)]
struct Inner {
    acd: Acd,
    log: FrameLog,
    /// The open connections. A connection missing here has been closed by
    /// the mock (reset, restart, close, shutdown): whatever it still sends
    /// is ignored.
    connections: HashMap<SocketId, OpenSocket>,
    /// Socket ids keep counting across resets, so a late frame of an
    /// old connection can never be taken for a new one's.
    last_conn: SocketId,
    shut_down: bool,
    /// Per endpoint: frames are logged but never answered.
    stalled: Vec<bool>,
    /// Every frame the ACD sends waits this long first.
    delay: Duration,
}

/// An open connection: its queue and the endpoint it came in on.
#[derive(Debug)]
struct OpenSocket {
    sender: mpsc::UnboundedSender<Outbound>,
    endpoint: EndpointId,
}

impl Hub {
    /// A hub for the WebSocket endpoints bound to `endpoints` (in order).
    pub fn new(scenario: Scenario, endpoints: &[SocketAddr]) -> Hub {
        Hub {
            inner: Mutex::new(Inner {
                acd: Acd::new(scenario.clone()),
                log: FrameLog::new(),
                connections: HashMap::new(),
                last_conn: 0,
                shut_down: false,
                stalled: vec![false; endpoints.len()],
                delay: Duration::ZERO,
            }),
            endpoints: endpoints.iter().copied().map(Gate::new).collect(),
            scenario,
            wake: Notify::new(),
        }
    }

    /// The gate of endpoint `id`, which its listener watches.
    pub fn gate(&self, id: EndpointId) -> Option<&Gate> {
        self.endpoints.get(id)
    }

    /// The bound addresses of the WebSocket endpoints, in order.
    pub fn endpoint_addrs(&self) -> Vec<SocketAddr> {
        self.endpoints.iter().map(|gate| gate.addr).collect()
    }

    /// Registers a WebSocket connection on `endpoint`; `None` once the mock
    /// shuts down (or for an endpoint it does not have).
    pub fn open(&self, endpoint: EndpointId, peer: SocketAddr, chosen_ext: Option<String>) -> Option<Opened> {
        let addr = self.gate(endpoint)?.addr;
        let mut inner = self.lock();
        if inner.shut_down {
            return None;
        }
        inner.last_conn += 1;
        let client = Client { conn: inner.last_conn, peer_ip: peer.ip(), chosen_ext };
        let extension = inner.acd.station_of(&client).ok().map(str::to_owned);
        inner.log.open(client.conn, addr, peer, extension);
        let (sender, outbound) = mpsc::unbounded_channel();
        inner.connections.insert(client.conn, OpenSocket { sender, endpoint });
        Some(Opened { client, outbound })
    }

    /// A text frame from `client`. On a stalled endpoint it is only logged.
    pub fn receive(&self, client: &Client, text: &str) {
        let mut inner = self.lock();
        let Some(stalled) = inner.stalled_conn(client.conn) else {
            return;
        };
        inner.log.record(client.conn, LogDirection::In, text);
        if stalled {
            return;
        }
        let out = inner.acd.handle_frame(client, text, Instant::now());
        inner.send(out);
        drop(inner);
        self.wake.notify_one();
    }

    /// A binary frame of `len` bytes from `client`: logged as a placeholder
    /// and refused.
    pub fn receive_binary(&self, client: &Client, len: usize) {
        let mut inner = self.lock();
        let Some(stalled) = inner.stalled_conn(client.conn) else {
            return;
        };
        let placeholder = format!("<binary frame of {len} bytes>");
        inner.log.record(client.conn, LogDirection::In, &placeholder);
        if stalled {
            return;
        }
        let out = inner.acd.handle_binary(client);
        inner.send(out);
    }

    /// `conn` is gone: forget it (its log stays, marked closed).
    pub fn close(&self, conn: SocketId) {
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
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.lock().acd.poll_timeout()
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

    /// Closes every connection, clears the log and every fault (the
    /// listeners are told to listen again: [`Hub::settle_listeners`] waits
    /// for them) and restores the scenario. Returns how many connections it
    /// closed.
    pub fn reset(&self) -> usize {
        let mut inner = self.lock();
        let closed = inner.close_where(|_| true, Ending::Frame("mock reset"));
        inner.acd = Acd::new(self.scenario.clone());
        inner.log.clear();
        inner.stalled.fill(false);
        inner.delay = Duration::ZERO;
        drop(inner);
        for gate in &self.endpoints {
            gate.open.send_replace(true);
        }
        self.wake.notify_one();
        closed
    }

    /// Waits (a few seconds at most) until no listener is closed on purpose
    /// any more, after [`Hub::reset`] reopened them. The errors of those
    /// that could not bind their address again.
    pub async fn settle_listeners(&self) -> Vec<String> {
        let mut errors = Vec::new();
        for gate in &self.endpoints {
            if let Err(error) = gate.set_refusing(false).await {
                errors.push(error);
            }
        }
        errors
    }

    /// A CtiSVR restart: every connection of every endpoint ends (and with
    /// it every monitor); calls, agent logins and the log stay. Returns how
    /// many connections it closed.
    pub fn restart(&self, ending: Ending) -> usize {
        self.lock().close_where(|_| true, ending)
    }

    /// Ends every connection of `endpoint`; returns how many.
    pub fn close_endpoint(&self, endpoint: EndpointId, ending: Ending) -> usize {
        self.lock().close_where(|connection| connection.endpoint == endpoint, ending)
    }

    /// Closes the listener of `endpoint` (connections are refused) or
    /// reopens it, and waits until it has. Open connections stay.
    pub async fn set_refusing(&self, endpoint: EndpointId, refusing: bool) -> Result<(), String> {
        match self.gate(endpoint) {
            Some(gate) => gate.set_refusing(refusing).await,
            None => Err(format!("no WebSocket endpoint {endpoint}")),
        }
    }

    /// Stalls `endpoint` (frames in are logged, never answered, and its
    /// connections get no events) or ends the stall. `false` for an
    /// endpoint it does not have.
    pub fn set_stalled(&self, endpoint: EndpointId, stalled: bool) -> bool {
        match self.lock().stalled.get_mut(endpoint) {
            Some(flag) => {
                *flag = stalled;
                true
            }
            None => false,
        }
    }

    /// Every frame the ACD sends from now on waits `delay` first.
    pub fn set_delay(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    pub fn delay(&self) -> Duration {
        self.lock().delay
    }

    /// Sends `text` as it is to connection `conn` (logged as sent, not
    /// delayed, also on a stalled endpoint). `false` when it is not open.
    pub fn send_raw(&self, conn: SocketId, text: &str) -> bool {
        let mut inner = self.lock();
        let Some(connection) = inner.connections.get(&conn) else {
            return false;
        };
        if connection.sender.send(Outbound::Text(text.to_owned())).is_err() {
            return false;
        }
        // A frame of megabytes is logged by its start and its size.
        const LOGGED: usize = 1024;
        if text.len() > 64 * LOGGED {
            let start: String = text.chars().take(LOGGED).collect();
            inner.log.record(conn, LogDirection::Out, &format!("{start}… ({} bytes)", text.len()));
        } else {
            inner.log.record(conn, LogDirection::Out, text);
        }
        true
    }

    /// Every WebSocket endpoint and its faults.
    pub fn endpoints(&self) -> Vec<EndpointView> {
        self.faults().0
    }

    /// Every WebSocket endpoint and its faults, and the delay.
    pub fn faults(&self) -> (Vec<EndpointView>, Duration) {
        let inner = self.lock();
        (self.endpoint_views(&inner), inner.delay)
    }

    /// `GET /api/state`: the ACD's state, the endpoints and the delay, taken
    /// together.
    pub fn full_state(&self) -> (StateView, Vec<EndpointView>, Duration) {
        let inner = self.lock();
        (inner.acd.state(), self.endpoint_views(&inner), inner.delay)
    }

    fn endpoint_views(&self, inner: &Inner) -> Vec<EndpointView> {
        self.endpoints.iter().enumerate().map(|(index, gate)| inner.endpoint_view(index, gate)).collect()
    }

    /// Closes every connection and refuses new ones.
    pub fn shut_down(&self) {
        let mut inner = self.lock();
        inner.shut_down = true;
        inner.close_where(|_| true, Ending::Frame("mock shutting down"));
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
        let deadline = hub.poll_timeout();
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
    /// Logs and queues frames to their connections (after the delay, when
    /// one is set). Frames for a stalled endpoint's connections are dropped.
    fn send(&mut self, out: Vec<Outgoing>) {
        let later = (!self.delay.is_zero()).then(|| tokio::time::Instant::now() + self.delay);
        for Outgoing { to, text } in out {
            let Some(connection) = self.connections.get(&to) else {
                continue;
            };
            if self.stalled.get(connection.endpoint).copied().unwrap_or(false) {
                continue;
            }
            self.log.record(to, LogDirection::Out, &text);
            let outbound = match later {
                Some(at) => Outbound::Later(at, text),
                None => Outbound::Text(text),
            };
            // A closed queue means the socket task already ended.
            let _ = connection.sender.send(outbound);
        }
    }

    /// Whether open connection `conn` is on a stalled endpoint; `None` when
    /// it is not open.
    fn stalled_conn(&self, conn: SocketId) -> Option<bool> {
        let connection = self.connections.get(&conn)?;
        Some(self.stalled.get(connection.endpoint).copied().unwrap_or(false))
    }

    /// Ends the connections `which` selects (the ACD forgets their
    /// monitors, the log marks them closed); returns how many.
    fn close_where(&mut self, which: impl Fn(&OpenSocket) -> bool, ending: Ending) -> usize {
        let closing: Vec<SocketId> =
            self.connections.iter().filter(|(_, connection)| which(connection)).map(|(conn, _)| *conn).collect();
        for conn in &closing {
            if let Some(connection) = self.connections.remove(conn) {
                let _ = connection.sender.send(ending.outbound());
            }
            self.acd.disconnect(*conn);
            self.log.close(*conn);
        }
        closing.len()
    }

    fn endpoint_view(&self, index: EndpointId, gate: &Gate) -> EndpointView {
        let status = gate.status.borrow().clone();
        let mut connections: Vec<SocketId> =
            self.connections.iter().filter(|(_, c)| c.endpoint == index).map(|(conn, _)| *conn).collect();
        connections.sort_unstable();
        EndpointView {
            index,
            address: gate.addr,
            url: format!("ws://{}/", gate.addr),
            listening: status == ListenerStatus::Listening,
            refusing: !*gate.open.borrow(),
            stalled: self.stalled.get(index).copied().unwrap_or(false),
            listen_error: match status {
                ListenerStatus::Failed(error) => Some(error),
                ListenerStatus::Listening | ListenerStatus::Closed => None,
            },
            connections,
        }
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

    /// Two endpoints, 0 and 1.
    fn hub() -> Hub {
        Hub::new(Scenario::default(), &[addr(9006), addr(9008)])
    }

    fn drain(opened: &mut Opened) -> Vec<Outbound> {
        std::iter::from_fn(|| opened.outbound.try_recv().ok()).collect()
    }

    #[test]
    fn frames_are_logged_and_queued_in_order() {
        let hub = hub();
        let mut a = hub.open(0, addr(40000), Some("2002".into())).unwrap();
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
        let hub = hub();
        let mut a = hub.open(0, addr(40000), None).unwrap();
        hub.receive(&a.client, r#"{"id":3,"request":"login","extension":"2001","agentid":"1001","passwd":"1234"}"#);
        assert_eq!(hub.reset(), 1);
        assert_eq!(drain(&mut a).last(), Some(&Outbound::Close("mock reset")));
        assert_eq!(log(&hub)["connections"], Value::Array(vec![]));
        assert!(hub.state().agents.iter().all(|a| a.extension.is_none()));
        // The old connection is ignored from now on.
        hub.receive(&a.client, r#"{"id":0,"request":"myextension"}"#);
        assert!(drain(&mut a).is_empty());
        // New connections get new ids.
        let b = hub.open(0, addr(40001), None).unwrap();
        assert_eq!(b.client.conn, 2);
    }

    #[test]
    fn after_shutdown_no_connection_opens() {
        let hub = hub();
        let mut a = hub.open(0, addr(40000), None).unwrap();
        hub.shut_down();
        assert_eq!(drain(&mut a), [Outbound::Close("mock shutting down")]);
        assert!(hub.open(0, addr(40001), None).is_none());
        assert_eq!(log(&hub)["connections"][0]["open"], false);
    }

    const MONITOR_2001: &str = r#"{"id":1,"request":"startmonitor","extension":"2001"}"#;
    const LOGIN_1001: &str = r#"{"id":3,"request":"login","extension":"2001","agentid":"1001","passwd":"1234"}"#;

    fn inbound_call(hub: &Hub) {
        hub.create_call(NewCall { from: "5551234".into(), to: "2001".into(), orig_calling: None }).unwrap();
    }

    #[test]
    fn a_stalled_endpoint_logs_frames_but_never_answers() {
        let hub = hub();
        let mut a = hub.open(0, addr(40000), None).unwrap();
        let mut b = hub.open(1, addr(40001), None).unwrap();
        hub.receive(&a.client, MONITOR_2001);
        hub.receive(&b.client, MONITOR_2001);
        assert_eq!(drain(&mut a).len(), 1);
        assert_eq!(drain(&mut b).len(), 1);
        assert!(hub.set_stalled(0, true));
        assert!(!hub.set_stalled(2, true), "no endpoint 2");
        hub.receive(&a.client, LOGIN_1001);
        hub.receive_binary(&a.client, 3);
        assert!(drain(&mut a).is_empty(), "no response");
        assert!(hub.state().agents.iter().all(|a| a.extension.is_none()), "the request never reached the ACD");
        inbound_call(&hub);
        assert!(drain(&mut a).is_empty(), "no event");
        assert_eq!(drain(&mut b).len(), 1, "the other endpoint gets its offer");
        let log = log(&hub);
        let frames = log["connections"][0]["frames"].as_array().unwrap();
        assert_eq!(frames.len(), 4, "{frames:?}");
        assert_eq!(frames[2]["text"], LOGIN_1001);
        assert_eq!(frames[3]["text"], "<binary frame of 3 bytes>");
        assert!(hub.endpoints()[0].stalled);
        assert!(hub.set_stalled(0, false));
        hub.receive(&a.client, LOGIN_1001);
        assert_eq!(drain(&mut a).len(), 1);
    }

    #[test]
    fn a_delay_holds_frames_back_until_their_time() {
        let hub = hub();
        let mut a = hub.open(0, addr(40000), None).unwrap();
        hub.set_delay(Duration::from_millis(500));
        let before = tokio::time::Instant::now();
        hub.receive(&a.client, MONITOR_2001);
        match drain(&mut a).as_slice() {
            [Outbound::Later(at, text)] => {
                assert!(*at >= before + Duration::from_millis(500));
                assert!(text.contains("response"), "{text}");
            }
            other => panic!("{other:?}"),
        }
        assert!(hub.send_raw(a.client.conn, "raw"));
        assert_eq!(drain(&mut a), [Outbound::Text("raw".into())], "raw frames are not delayed");
        hub.set_delay(Duration::ZERO);
        hub.receive(&a.client, MONITOR_2001);
        assert!(matches!(drain(&mut a).as_slice(), [Outbound::Text(_)]));
    }

    #[test]
    fn close_ends_one_endpoint_and_restart_all_but_calls_and_logins_stay() {
        let hub = hub();
        let mut a = hub.open(0, addr(40000), None).unwrap();
        let mut b = hub.open(1, addr(40001), None).unwrap();
        let mut c = hub.open(1, addr(40002), None).unwrap();
        hub.receive(&a.client, MONITOR_2001);
        hub.receive(&a.client, LOGIN_1001);
        inbound_call(&hub);
        drain(&mut a);
        assert_eq!(hub.close_endpoint(1, Ending::Abrupt), 2);
        assert_eq!(drain(&mut b), [Outbound::Abort]);
        assert_eq!(drain(&mut c), [Outbound::Abort]);
        assert_eq!(hub.endpoints()[1].connections, Vec::<SocketId>::new());
        assert_eq!(hub.endpoints()[0].connections, [a.client.conn]);
        assert!(!hub.send_raw(b.client.conn, "x"), "closed");

        assert_eq!(hub.restart(Ending::Frame("mock restart")), 1);
        assert_eq!(drain(&mut a), [Outbound::Close("mock restart")]);
        let state = hub.state();
        assert_eq!(state.calls.len(), 1);
        assert_eq!(state.agents.first().and_then(|a| a.extension.as_deref()), Some("2001"));
        assert!(state.extensions.iter().all(|e| e.monitors == 0));
        assert_eq!(log(&hub)["connections"].as_array().unwrap().len(), 3, "the log stays");
    }

    #[test]
    fn reset_clears_every_fault() {
        let hub = hub();
        hub.set_stalled(1, true);
        hub.set_delay(Duration::from_millis(10));
        hub.gate(0).unwrap().open.send_replace(false);
        assert!(hub.endpoints()[0].refusing);
        hub.reset();
        let endpoints = hub.endpoints();
        assert!(endpoints.iter().all(|e| !e.refusing && !e.stalled), "{endpoints:?}");
        assert_eq!(hub.delay(), Duration::ZERO);
        assert_eq!(endpoints[1].url, "ws://127.0.0.1:9008/");
    }
}
