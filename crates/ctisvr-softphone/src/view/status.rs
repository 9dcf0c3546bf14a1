//! The status bar: which server, connected or not, the extension. The
//! words and the level come from the core ([`State::connection_words`],
//! [`ConnectionStatus::level`]).

use super::{ticking_clock, word};
use crate::clock::now;
use ctisvr_core::element_api::styling;
use ctisvr_core::i18n::Label;
use ctisvr_core::{Command, ConnectionStatus, State};
use leptos::prelude::*;

#[component]
pub fn StatusBar(on_command: UnsyncCallback<Command>, state: RwSignal<State>) -> impl IntoView {
    let clock = ticking_clock();
    let connection = move || {
        clock.track();
        state.with(|s| s.connection_words(now()))
    };
    let waiting = move || state.with(|s| matches!(s.connection, ConnectionStatus::Waiting { .. }));
    let why = move || state.with(State::waiting_words);
    let retry = move |_| on_command.run(Command::RetryNow);
    let level = move || state.with(|s| format!("status {}", s.connection.level(s.ready).as_str()));
    let uri = move || state.with(|s| s.connection.uri().map(ToString::to_string).unwrap_or_default());
    let extension = move || state.with(State::extension_label);
    view! {
        <header class=level part=styling::PART_STATUS role="status" aria-label=word(state, Label::Connection)>
            <span class="dot" aria-hidden="true"></span>
            <span class="connection" title=uri>{connection}</span>
            <button type="button" class="retry" hidden=move || !waiting() on:click=retry>
                {word(state, Label::RetryNow)}
            </button>
            <span class="extension" aria-label=word(state, Label::Extension)>{extension}</span>
        </header>
        <p class="why" hidden=move || !waiting()>{why}</p>
    }
}
