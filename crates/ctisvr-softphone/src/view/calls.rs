//! The calls: each with its state, the other party and a running timer (a
//! held call and its consultation show together), and the Caller and Dialled
//! number fields of the current call (the vendor sample's CLI and DNIS). A
//! call dialled with an extension (`415-555-0100 x123`) has a "Send ext. 123"
//! button, enabled once connected, and shows "Ext. 123 sent" after.

use super::{ticking_clock, word};
use crate::clock::now;
use ctisvr_core::element_api::styling;
use ctisvr_core::i18n::Label;
use ctisvr_core::{Call, CallCommand, CallState, Command, State};
use leptos::prelude::*;

#[component]
pub fn CallsPanel(on_command: UnsyncCallback<Command>, state: RwSignal<State>) -> impl IntoView {
    let clock = ticking_clock();
    let caller = move || {
        let caller = |s: &State, call: &Call| call.caller_shown().map_or(s.words().unknown_caller(), |c| c).to_owned();
        state.with(|s| s.current_call().map(|call| caller(s, call)).unwrap_or_default())
    };
    let dialled = move || state.with(|s| s.current_call().map(|c| c.dialled.clone()).unwrap_or_default());
    // The rows are rebuilt only when the calls change, not with every state.
    let calls = Memo::new(move |_| state.with(|s| s.calls.clone()));
    let announcement = move || state.with(State::announcement);
    view! {
        <section class="calls" part=styling::PART_CALLS aria-label=word(state, Label::Calls)>
            // Read out at once by screen readers; not shown (the list shows it).
            <p class="announce" aria-live="assertive" aria-atomic="true">{announcement}</p>
            <ul class="call-list">
                // Built once and hidden while there are calls: every reactive
                // node a re-render drops leaves 48 bytes of wasm memory behind
                // (Leptos 0.8; docs/benchmarks.md, "Memory").
                <li class="no-call" hidden=move || calls.with(|calls| !calls.is_empty())>
                    {word(state, Label::NoCall)}
                </li>
                {move || {
                    calls.get().into_iter().map(|call| call_row(call, clock, on_command, state)).collect_view()
                }}
            </ul>
            <div class="row">
                <label class="field">
                    <span>{word(state, Label::Caller)}</span>
                    <input type="text" readonly prop:value=caller placeholder="—" />
                </label>
                <label class="field">
                    <span>{word(state, Label::DialledNumber)}</span>
                    <input type="text" readonly prop:value=dialled placeholder="—" />
                </label>
            </div>
        </section>
    }
}

fn call_row(
    call: Call,
    clock: RwSignal<u64>,
    on_command: UnsyncCallback<Command>,
    state: RwSignal<State>,
) -> impl IntoView {
    let class = match call.state {
        CallState::RingingIn | CallState::RingingOut => "call ringing",
        CallState::Connected => "call connected",
        CallState::Held => "call held",
        CallState::Failed => "call failed",
    };
    let (label, party) = state.with_untracked(|s| (s.words().call_state(&call), s.party_words(&call)));
    let words = state.with_untracked(State::words);
    let extension = call.extension.clone().map(|extension| {
        let id = call.id;
        if extension.sent {
            view! { <span class="call-extension sent">{words.call_extension(&extension)}</span> }.into_any()
        } else {
            view! {
                <button
                    type="button"
                    class="call-extension"
                    disabled=move || !state.with(|s| s.allows_extension(id))
                    on:click=move |_| on_command.run(Command::Call(CallCommand::SendExtension { call: id }))
                >
                    {words.call_extension(&extension)}
                </button>
            }
            .into_any()
        }
    });
    let timer = move || {
        clock.track();
        format_duration(call.age_seconds(now()))
    };
    view! {
        <li class=class aria-label=format!("{label} {party}")>
            <span class="call-state">{label}</span>
            <span class="call-party">{party.clone()}</span>
            <span class="call-timer" role="timer">{timer}</span>
            {extension}
        </li>
    }
}

/// `m:ss`, or `h:mm:ss` from an hour on.
fn format_duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, (seconds / 60) % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}
