//! The running service: the [`Tracker`] behind a lock, the tasks that feed
//! it (one CtiSVR monitor per extension, [`crate::monitor`]; a timer for
//! its retries), the Salesforce requests it asks for, and the HTTP API
//! ([`crate::http`]). Everything here only carries things; the decisions
//! are the tracker's.

use crate::config::Config;
use crate::scrt::{Scrt, ScrtError};
use crate::tracker::{Failure, Lookup, Millis, Output, Tracker};
use std::future::Future;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long one request to Salesforce may take before it counts as no
/// answer (and, for a create, is tried again).
pub const SALESFORCE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
}

/// What the tasks share.
pub(crate) struct Shared {
    tracker: Mutex<Tracker>,
    /// Bumped after every change of the tracker: waiting reads and the
    /// retry timer look again.
    changed: watch::Sender<u64>,
    scrt: Scrt,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Tracker> {
        // The tracker does not panic; if something did, its state is still whole.
        self.tracker.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `change` on the tracker, then does what it asks.
    pub(crate) fn apply<R>(self: &Arc<Self>, change: impl FnOnce(&mut Tracker) -> R) -> R {
        let (result, outputs): (R, Vec<Output>) = {
            let mut tracker = self.lock();
            let result = change(&mut tracker);
            (result, std::iter::from_fn(|| tracker.poll_output()).collect())
        };
        for output in outputs {
            self.dispatch(output);
        }
        self.changed.send_modify(|version| *version = version.wrapping_add(1));
        result
    }

    pub(crate) fn lookup(&self, extension: &str, from: Option<&str>) -> Lookup {
        self.lock().lookup(extension, from)
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    fn dispatch(self: &Arc<Self>, output: Output) {
        match output {
            Output::Create { key, call, attempt } => {
                let shared = Arc::clone(self);
                tokio::spawn(async move {
                    tracing::debug!(%key, attempt, "creating the VoiceCall");
                    let result = tokio::time::timeout(SALESFORCE_TIMEOUT, shared.scrt.create(&call, now_seconds()))
                        .await
                        .unwrap_or_else(|_| Err(timed_out()));
                    let result = match result {
                        Ok(created) => {
                            tracing::info!(
                                %key,
                                voice_call_id = %created.voice_call_id,
                                method = ?call.initiation_method,
                                parent = ?call.parent_voice_call_id,
                                existed = created.existed,
                                "VoiceCall created"
                            );
                            Ok(created.voice_call_id)
                        }
                        Err(error) => {
                            tracing::warn!(%key, attempt, "VoiceCall not created: {error}");
                            Err(failure(&error))
                        }
                    };
                    shared.apply(|tracker| tracker.created(now_millis(), &key, result));
                });
            }
            Output::Close { voice_call_id, end, attempt } => {
                let shared = Arc::clone(self);
                tokio::spawn(async move {
                    let result = tokio::time::timeout(
                        SALESFORCE_TIMEOUT,
                        shared.scrt.close(&voice_call_id, &end, now_seconds()),
                    )
                    .await
                    .unwrap_or_else(|_| Err(timed_out()));
                    let result = match result {
                        Ok(()) => {
                            tracing::info!(
                                %voice_call_id,
                                interaction = end.agent_interaction_duration,
                                hold = end.total_hold_duration,
                                "VoiceCall closed"
                            );
                            Ok(())
                        }
                        Err(error) => {
                            tracing::warn!(%voice_call_id, attempt, "VoiceCall not closed: {error}");
                            Err(failure(&error))
                        }
                    };
                    shared.apply(|tracker| tracker.closed(now_millis(), &voice_call_id, result));
                });
            }
            Output::GaveUp { what, reason } => tracing::warn!("gave up {what}: {reason}"),
        }
    }
}

fn timed_out() -> ScrtError {
    ScrtError::Unexpected(format!("no answer within {} s", SALESFORCE_TIMEOUT.as_secs()))
}

/// Whether Salesforce's error is worth another try.
fn failure(error: &ScrtError) -> Failure {
    let retryable = match error {
        ScrtError::Unreachable { .. } => true,
        ScrtError::Refused { status, .. } => *status >= 500 || *status == 408 || *status == 429,
        // Our own timeout says so; a 2xx Salesforce cannot explain is not retried.
        ScrtError::Unexpected(text) => text.starts_with("no answer within"),
        ScrtError::Token(_) => false,
    };
    Failure { retryable, reason: error.to_string() }
}

/// Unix time in milliseconds (0 if the clock is before 1970).
pub(crate) fn now_millis() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
}

fn now_seconds() -> u64 {
    now_millis() / 1000
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
        let (changed, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            tracker: Mutex::new(Tracker::new(config.extensions.iter().cloned())),
            changed,
            scrt: Scrt::new(&config.scrt_url, &config.provider_name, config.key.clone()),
        });
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

/// Returns once `stopped` turns true (or its sender is gone).
pub(crate) async fn until_stopped(stopped: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not Send: dropped here, not held in a select.
    let _ = stopped.wait_for(|stop| *stop).await.map(|_| ());
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
