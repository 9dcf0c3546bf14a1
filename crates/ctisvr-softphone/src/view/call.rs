//! The current call's numbers: caller (CLI) and dialled number (DNIS).

use ctisvr_core::State;
use leptos::prelude::*;

#[component]
pub fn CallPanel(state: RwSignal<State>) -> impl IntoView {
    let caller = move || state.with(|s| s.call.as_ref().map(|c| c.caller.clone()).unwrap_or_default());
    let dialled = move || state.with(|s| s.call.as_ref().map(|c| c.dialled.clone()).unwrap_or_default());
    let on_call = move || state.with(|s| s.call.is_some());
    view! {
        <fieldset class="call" class:active=on_call>
            <legend>{move || if on_call() { "Call" } else { "No call" }}</legend>
            <label class="field">
                <span>"Caller"</span>
                <input type="text" readonly prop:value=caller placeholder="—" />
            </label>
            <label class="field">
                <span>"Dialled number"</span>
                <input type="text" readonly prop:value=dialled placeholder="—" />
            </label>
        </fieldset>
    }
}
