//! The status bar: which server, connected or not, the extension.

use ctisvr_core::{ConnectionStatus, State};
use leptos::prelude::*;

#[component]
pub fn StatusBar(state: RwSignal<State>) -> impl IntoView {
    let connection = move || state.with(|s| describe(&s.connection, s.ready));
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
            <span class="extension" aria-label="Extension">{extension}</span>
        </header>
    }
}

/// "Connected to A", "Connecting to B…", "Not connected".
fn describe(connection: &ConnectionStatus, ready: bool) -> String {
    match connection {
        ConnectionStatus::Unconfigured => "Not configured".to_owned(),
        ConnectionStatus::Connecting { role, .. } => format!("Connecting to {}…", role.letter()),
        ConnectionStatus::Connected { role, .. } if ready => format!("Connected to {}", role.letter()),
        ConnectionStatus::Connected { role, .. } => format!("Starting on {}…", role.letter()),
        ConnectionStatus::Waiting { .. } => "Not connected".to_owned(),
    }
}
