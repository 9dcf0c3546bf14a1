//! The status bar: which server, connected or not, the extension.

use super::{send, ticking_clock};
use crate::clock::now;
use crate::driver::Driver;
use ctisvr_core::{Command, ConnectionStatus, State};
use leptos::prelude::*;

#[component]
pub fn StatusBar(driver: Driver, state: RwSignal<State>) -> impl IntoView {
    let clock = ticking_clock();
    let connection = move || {
        clock.track();
        state.with(|s| describe(&s.connection, s.ready))
    };
    let waiting = move || state.with(|s| matches!(s.connection, ConnectionStatus::Waiting { .. }));
    let why = move || {
        state.with(|s| match &s.connection {
            ConnectionStatus::Waiting { reason, .. } => reason.clone(),
            _ => String::new(),
        })
    };
    let retry = move |_| send(&driver, Command::RetryNow);
    let level = move || {
        state.with(|s| match (&s.connection, s.ready) {
            (ConnectionStatus::Connected { .. }, true) => "status ok",
            (ConnectionStatus::Connected { .. }, false) | (ConnectionStatus::Connecting { .. }, _) => "status pending",
            _ => "status down",
        })
    };
    let uri = move || {
        state.with(|s| match &s.connection {
            ConnectionStatus::Connecting { uri, .. } | ConnectionStatus::Connected { uri, .. } => uri.to_string(),
            _ => String::new(),
        })
    };
    let extension = move || state.with(|s| s.extension.clone().map(|e| format!("Ext {e}")).unwrap_or_default());
    view! {
        <header class=level role="status" aria-label="Connection">
            <span class="dot" aria-hidden="true"></span>
            <span class="connection" title=uri>{connection}</span>
            <button type="button" class="retry" hidden=move || !waiting() on:click=retry>
                "Retry now"
            </button>
            <span class="extension" aria-label="Extension">{extension}</span>
        </header>
        <p class="why" hidden=move || !waiting()>{why}</p>
    }
}

/// "Connected to A", "Connecting to B…", "Not connected".
fn describe(connection: &ConnectionStatus, ready: bool) -> String {
    match connection {
        ConnectionStatus::Unconfigured => "Not configured".to_owned(),
        ConnectionStatus::Connecting { role, .. } => format!("Connecting to {}…", role.letter()),
        ConnectionStatus::Connected { role, .. } if ready => format!("Connected to {}", role.letter()),
        ConnectionStatus::Connected { role, .. } => format!("Starting on {}…", role.letter()),
        ConnectionStatus::Waiting { retry_at, .. } => {
            let seconds = retry_at.since(now()).as_millis().div_ceil(1000);
            format!("Reconnecting in {seconds} s")
        }
    }
}
