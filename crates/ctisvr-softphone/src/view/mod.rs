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
use leptos::prelude::*;

/// The whole softphone.
#[component]
pub fn Softphone(driver: Driver, state: RwSignal<State>) -> impl IntoView {
    view! {
        <section class="softphone" aria-label="CtiSVR softphone">
            <status::StatusBar state=state />
            <notice::NoticeBar driver=driver.clone() state=state />
            <agent::AgentPanel driver=driver.clone() state=state />
            <calls::CallsPanel state=state />
            <dialer::Dialer driver=driver state=state />
        </section>
    }
}

/// Sends a command; a refusal is already shown by the core, so the result
/// only matters to the page's script API.
fn send(driver: &Driver, command: Command) {
    let _ = driver.command(command);
}
