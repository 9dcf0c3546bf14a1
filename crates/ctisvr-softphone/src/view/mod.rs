//! The view: Leptos components rendering the core's [`State`]. Components
//! read the state signal and turn clicks into [`Command`]s; what is enabled
//! comes from the core (`State::allows`), never from rules written here.

mod agent;
mod calls;
mod dialer;
mod notice;
mod status;

use crate::driver::Driver;
use ctisvr_core::{Command, State};
use gloo_timers::callback::Interval;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// The whole softphone.
#[component]
pub fn Softphone(driver: Driver, state: RwSignal<State>) -> impl IntoView {
    view! {
        <section class="softphone" aria-label="CtiSVR softphone">
            <status::StatusBar driver=driver.clone() state=state />
            <notice::NoticeBar driver=driver.clone() state=state />
            <agent::AgentPanel driver=driver.clone() state=state />
            <calls::CallsPanel driver=driver.clone() state=state />
            <dialer::Dialer driver=driver state=state />
        </section>
    }
}

/// Sends a command; a refusal is already shown by the core, so the result
/// only matters to the page's script API.
fn send(driver: &Driver, command: Command) {
    let _ = driver.command(command);
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
