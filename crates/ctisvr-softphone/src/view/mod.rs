//! The view: Leptos components rendering the core's [`State`]. Components
//! read the state signal and turn clicks into [`Command`]s for a callback;
//! what is enabled and every word shown come from the core (`State::allows`,
//! `Call::describe`, `ConnectionStatus::describe`...), never from rules
//! written here. The view depends on the core alone, not on the driver.

mod agent;
mod calls;
mod dialer;
mod notice;
mod status;

use ctisvr_core::{Command, State};
use gloo_timers::callback::Interval;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// The whole softphone: renders `state`, and hands each click's command to
/// `on_command` (the element sends it to the session; a refusal is shown by
/// the core, so the view needs no answer).
#[component]
pub fn Softphone(on_command: UnsyncCallback<Command>, state: RwSignal<State>) -> impl IntoView {
    view! {
        <section class="softphone" aria-label="CtiSVR softphone">
            <status::StatusBar on_command=on_command state=state />
            <notice::NoticeBar on_command=on_command state=state />
            <agent::AgentPanel on_command=on_command state=state />
            <calls::CallsPanel on_command=on_command state=state />
            <dialer::Dialer on_command=on_command state=state />
        </section>
    }
}

/// A signal that changes every second while the view lives (drives timers
/// and countdowns).
fn ticking_clock() -> RwSignal<u64> {
    let tick = RwSignal::new(0u64);
    let interval = Interval::new(1_000, move || tick.update(|t| *t = t.wrapping_add(1)));
    let interval = SendWrapper::new(interval);
    on_cleanup(move || drop(interval));
    tick
}
