//! # ctisvr-mock
//!
//! A mock CtiSVR server for e2e tests and demos: the vendor's WebSocket
//! dialect over a simulated Avaya ACD ([`acd`]), a JSON control API and the
//! static files of `dist/` ([`control`]). docs/mock.md is the user guide.
//!
//! ```no_run
//! # async fn example() -> Result<(), ctisvr_mock::StartError> {
//! use ctisvr_mock::{Mock, Options};
//! let mock = Mock::start(Options::ephemeral()).await?;
//! println!("{}", mock.ready_line());
//! mock.shutdown().await;
//! # Ok(()) }
//! ```

pub mod acd;
pub mod control;
pub mod hub;
pub mod log;
pub mod scenario;
pub mod server;
pub mod telephony;

pub use acd::{Acd, AcdError, Client, NewCall, Outgoing, SocketId};
pub use scenario::{AgentConfig, Scenario, ScenarioError};

use axum::extract::connect_info::Connected;
use axum::http::HeaderValue;
use axum::serve::{IncomingStream, Listener, ListenerExt};
use hub::Hub;
use std::future::Future;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The vendor sample's two WebSocket endpoints (primary and backup).
pub const DEFAULT_WS: [SocketAddr; 2] = [local(9006), local(9008)];
pub const DEFAULT_HTTP: SocketAddr = local(8080);

/// How long shutdown waits for the listeners to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// What to listen on and what to simulate.
#[derive(Debug, Clone)]
pub struct Options {
    /// One WebSocket listener per address.
    pub ws: Vec<SocketAddr>,
    /// The control API and static files.
    pub http: SocketAddr,
    /// Served at `/`.
    pub dist: PathBuf,
    pub scenario: Scenario,
    /// A `Content-Security-Policy` header for every static file (`--csp`),
    /// to test a page under the policy a site would serve it with.
    pub csp: Option<HeaderValue>,
    /// Plays Salesforce's Telephony Integration API for this org and
    /// contact center (`--telephony-*`); `None`: the API says it is off.
    pub telephony: Option<telephony::TelephonyConfig>,
}

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen for {what} on {addr}: {source}")]
    Bind { what: &'static str, addr: SocketAddr, source: io::Error },
}

/// A running mock. Dropping it stops the listeners too; [`Mock::shutdown`]
/// also waits for them.
#[derive(Debug)]
pub struct Mock {
    http: SocketAddr,
    ws: Vec<SocketAddr>,
    hub: Arc<Hub>,
    stop: watch::Sender<bool>,
    servers: Vec<JoinHandle<()>>,
}

impl Default for Options {
    /// The vendor sample's ports, `dist/`, the built-in scenario.
    fn default() -> Options {
        Options {
            ws: DEFAULT_WS.to_vec(),
            http: DEFAULT_HTTP,
            dist: PathBuf::from("dist"),
            scenario: Scenario::default(),
            csp: None,
            telephony: None,
        }
    }
}

impl Options {
    /// Like the default, but on ports the OS picks (one WebSocket endpoint),
    /// so tests can run in parallel.
    pub fn ephemeral() -> Options {
        Options { ws: vec![local(0)], http: local(0), ..Options::default() }
    }
}

impl Mock {
    /// Binds every listener first (so a port in use fails before anything
    /// runs), then serves them.
    pub async fn start(options: Options) -> Result<Mock, StartError> {
        let http_listener = bind("http", options.http).await?;
        let mut ws_listeners = Vec::with_capacity(options.ws.len());
        for addr in &options.ws {
            ws_listeners.push(bind("ws", *addr).await?);
        }
        let http = local_addr("http", &http_listener, options.http)?;
        let mut ws = Vec::with_capacity(ws_listeners.len());
        for (listener, wanted) in ws_listeners.iter().zip(&options.ws) {
            ws.push(local_addr("ws", listener, *wanted)?);
        }
        let hub = Arc::new(Hub::new(options.scenario, &ws));
        let (stop, stopped) = watch::channel(false);
        let timers = tokio::spawn(hub::run_timers(Arc::clone(&hub), stopped.clone()));

        let mut servers = vec![
            timers,
            serve(
                http_listener,
                control::router(
                    Arc::clone(&hub),
                    Arc::new(telephony::Telephony::new(options.telephony)),
                    options.dist,
                    options.csp,
                ),
                stopped.clone(),
            ),
        ];
        for (id, (listener, addr)) in ws_listeners.into_iter().zip(&ws).enumerate() {
            let Some(gate) = hub.gate(id) else { continue };
            // The tap lets axum's ConnectInfo<SocketAddr> work on our
            // listener; small frames go out at once.
            let listener = server::GatedListener::new(listener, gate.clone()).tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            servers.push(serve(listener, server::router(Arc::clone(&hub), id, *addr), stopped.clone()));
        }
        Ok(Mock { http, ws, hub, stop, servers })
    }

    /// The bound HTTP address (the real port when 0 was asked for).
    pub fn http_addr(&self) -> SocketAddr {
        self.http
    }

    /// The bound WebSocket addresses, in the order given.
    pub fn ws_addrs(&self) -> &[SocketAddr] {
        &self.ws
    }

    /// `ctisvr-mock ready: http http://127.0.0.1:8080/ ws ws://127.0.0.1:9006/ ...`,
    /// the line scripts wait for.
    pub fn ready_line(&self) -> String {
        let ws: Vec<String> = self.ws.iter().map(|a| format!("ws://{a}/")).collect();
        format!("ctisvr-mock ready: http http://{}/ ws {}", self.http, ws.join(" "))
    }

    /// Stops the listeners, closes every WebSocket and waits (a few seconds
    /// at most) for the servers to finish.
    pub async fn shutdown(mut self) {
        self.stop_all();
        let servers = std::mem::take(&mut self.servers);
        let all = async {
            for server in servers {
                let _ = server.await;
            }
        };
        if tokio::time::timeout(SHUTDOWN_GRACE, all).await.is_err() {
            tracing::warn!("listeners did not stop within {SHUTDOWN_GRACE:?}");
        }
    }

    fn stop_all(&self) {
        let _ = self.stop.send(true);
        self.hub.shut_down();
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        self.stop_all();
    }
}

/// Starts the mock, prints the ready line to stdout, runs until `shutdown`
/// completes, then shuts down cleanly.
pub async fn run(options: Options, shutdown: impl Future<Output = ()>) -> Result<(), StartError> {
    let mock = Mock::start(options).await?;
    tracing::info!(
        http = %mock.http_addr(),
        ws = ?mock.ws_addrs(),
        "listening"
    );
    print_ready_line(&mock.ready_line());
    shutdown.await;
    tracing::info!("shutting down");
    mock.shutdown().await;
    Ok(())
}

/// Prints and flushes the ready line. A closed stdout is no reason to stop
/// (or panic, as `println!` would): the mock serves on regardless.
fn print_ready_line(line: &str) {
    let mut stdout = io::stdout().lock();
    if let Err(error) = writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
        tracing::warn!("cannot print the ready line: {error}");
    }
}

const fn local(port: u16) -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)
}

async fn bind(what: &'static str, addr: SocketAddr) -> Result<TcpListener, StartError> {
    server::listen(addr).map_err(|source| StartError::Bind { what, addr, source })
}

fn local_addr(what: &'static str, listener: &TcpListener, addr: SocketAddr) -> Result<SocketAddr, StartError> {
    listener.local_addr().map_err(|source| StartError::Bind { what, addr, source })
}

/// Serves `router` on `listener` until `stopped` turns true (or its sender
/// is dropped).
fn serve<L>(listener: L, router: axum::Router, mut stopped: watch::Receiver<bool>) -> JoinHandle<()>
where
    L: Listener<Addr = SocketAddr>,
    for<'a> SocketAddr: Connected<IncomingStream<'a, L>>,
{
    tokio::spawn(async move {
        let signal = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(error) = axum::serve(listener, service).with_graceful_shutdown(signal).await {
            tracing::error!("server failed: {error}");
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ports_zero_become_real_ports_in_the_ready_line() {
        let mock = Mock::start(Options::ephemeral()).await.unwrap();
        assert_ne!(mock.http_addr().port(), 0);
        assert_ne!(mock.ws_addrs()[0].port(), 0);
        let line = mock.ready_line();
        assert_eq!(
            line,
            format!("ctisvr-mock ready: http http://{}/ ws ws://{}/", mock.http_addr(), mock.ws_addrs()[0])
        );
        mock.shutdown().await;
    }

    #[tokio::test]
    async fn a_port_in_use_is_a_clear_error() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = taken.local_addr().unwrap();
        let options = Options { ws: vec![addr], ..Options::ephemeral() };
        let error = Mock::start(options).await.unwrap_err().to_string();
        assert!(error.starts_with(&format!("cannot listen for ws on {addr}")), "{error}");
    }

    #[test]
    fn the_defaults_are_the_vendor_sample_ports() {
        let options = Options::default();
        assert_eq!(options.ws, ["127.0.0.1:9006".parse().unwrap(), "127.0.0.1:9008".parse::<SocketAddr>().unwrap()]);
        assert_eq!(options.http, "127.0.0.1:8080".parse().unwrap());
    }
}
