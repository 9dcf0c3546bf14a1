//! The running service: the [`Tracker`] behind a lock, the tasks that feed
//! it (one CtiSVR monitor per extension, [`crate::monitor`]; a timer for
//! its retries), the Salesforce requests it asks for, and the HTTP API
//! ([`crate::http`]). Everything here only carries things; the decisions
//! are the tracker's.

use crate::config::Config;
use crate::scrt::Scrt;
pub use crate::shared::SALESFORCE_TIMEOUT;
use crate::shared::{now_millis, until_stopped, Shared};
use crate::tracker::Tracker;
use std::future::Future;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
}

/// A running service.
#[derive(Debug)]
pub struct Service {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Service {
    /// Binds the HTTP listener, then starts the monitors, the retry timer
    /// and the API.
    pub async fn start(config: Config) -> Result<Service, StartError> {
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| StartError::Bind { addr: config.listen, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind { addr: config.listen, source })?;
        let tracker = Tracker::new(config.extensions.iter().cloned());
        let scrt = Scrt::new(&config.scrt_url, &config.provider_name, config.key.clone());
        let shared = Arc::new(Shared::new(tracker, scrt));
        let (stop, stopped) = watch::channel(false);
        let mut tasks = Vec::new();
        for extension in &config.extensions {
            tasks.push(tokio::spawn(crate::monitor::run(
                Arc::clone(&shared),
                extension.clone(),
                config.ctisvr.clone(),
                stopped.clone(),
            )));
        }
        tasks.push(tokio::spawn(retry_timer(Arc::clone(&shared), stopped.clone())));
        let app = crate::http::router(Arc::clone(&shared), &config.allow_origins, config.wait);
        let mut serving = stopped.clone();
        tasks.push(tokio::spawn(async move {
            let signal = async move { until_stopped(&mut serving).await };
            if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(signal).await {
                tracing::error!("the HTTP API failed: {error}");
            }
        }));
        tracing::info!(
            %addr,
            ctisvr = ?config.ctisvr,
            extensions = config.extensions.len(),
            origins = ?config.allow_origins,
            scrt = %config.scrt_url,
            "started"
        );
        Ok(Service { addr, stop, tasks })
    }

    /// The bound address (the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops every task and waits (a few seconds at most) for them.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        let tasks = std::mem::take(&mut self.tasks);
        let all = async {
            for task in tasks {
                let _ = task.await;
            }
        };
        if tokio::time::timeout(Duration::from_secs(5), all).await.is_err() {
            tracing::warn!("some tasks did not stop within 5 s");
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Starts the service, prints `ctisvr-voicecall listening on http://ADDR`
/// to stdout once the listener is bound, runs until `shutdown`.
pub async fn run(config: Config, shutdown: impl Future<Output = ()>) -> Result<(), StartError> {
    let service = Service::start(config).await?;
    print_line(&format!("ctisvr-voicecall listening on http://{}", service.local_addr()));
    shutdown.await;
    tracing::info!("shutting down");
    service.shutdown().await;
    Ok(())
}

/// A closed stdout is no reason to stop (or panic, as `println!` would).
fn print_line(line: &str) {
    let mut stdout = io::stdout().lock();
    if let Err(error) = writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
        tracing::warn!("cannot print the listening line: {error}");
    }
}

/// Runs the tracker's retries when they are due.
async fn retry_timer(shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    let mut changed = shared.subscribe();
    loop {
        let due = shared.lock().poll_timeout();
        let wait = due.map_or(Duration::from_secs(3600), |at| Duration::from_millis(at.saturating_sub(now_millis())));
        tokio::select! {
            () = tokio::time::sleep(wait) => {
                if due.is_some() {
                    shared.apply(|tracker| tracker.handle_timeout(now_millis()));
                }
            }
            result = changed.changed() => {
                if result.is_err() {
                    return;
                }
            }
            () = until_stopped(&mut stopped) => return,
        }
    }
}
