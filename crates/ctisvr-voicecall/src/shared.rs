//! What the service's tasks share (the monitors, the HTTP API, the retry
//! timer): the tracker behind a lock, the news that it changed, and the
//! Salesforce requests its outputs ask for. Here so that the tasks depend
//! on it and not on `service.rs`, which starts them.

use crate::scrt::{Scrt, ScrtError};
use crate::tracker::{Failure, Lookup, Millis, Output, Tracker};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// How long one request to Salesforce may take before it counts as no
/// answer (and, for a create, is tried again).
pub const SALESFORCE_TIMEOUT: Duration = Duration::from_secs(10);

/// What the tasks share.
pub(crate) struct Shared {
    tracker: Mutex<Tracker>,
    /// Bumped after every change of the tracker: waiting reads and the
    /// retry timer look again.
    changed: watch::Sender<u64>,
    scrt: Scrt,
}

impl Shared {
    pub(crate) fn new(tracker: Tracker, scrt: Scrt) -> Shared {
        let (changed, _) = watch::channel(0);
        Shared { tracker: Mutex::new(tracker), changed, scrt }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Tracker> {
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

/// Returns once `stopped` turns true (or its sender is gone).
pub(crate) async fn until_stopped(stopped: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not Send: dropped here, not held in a select.
    let _ = stopped.wait_for(|stop| *stop).await.map(|_| ());
}
