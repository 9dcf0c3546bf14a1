//! The view: Leptos components rendering the core's [`State`]. Components
//! read the state signal and turn clicks into [`Command`]s for a callback;
//! what is enabled and every word shown come from the core (`State::allows`,
//! `State::connection_words`, the agent's language's catalogue through
//! `word`...), never from rules or texts written here. The view depends on
//! the core alone, not on the driver.

mod agent;
mod calls;
mod dialer;
mod notice;
mod status;

use ctisvr_core::i18n::Label;
use ctisvr_core::wire::WorkMode;
use ctisvr_core::{CallAction, Catalogue, Command, State};
use gloo_timers::callback::Interval;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// The whole softphone: renders `state`, and hands each click's command to
/// `on_command` (the element sends it to the session; a refusal is shown by
/// the core, so the view needs no answer).
#[component]
pub fn Softphone(on_command: UnsyncCallback<Command>, state: RwSignal<State>) -> impl IntoView {
    view! {
        <section class="softphone" aria-label=word(state, Label::Softphone) lang=move || state.with(|s| s.lang.tag())>
            <status::StatusBar on_command=on_command state=state />
            <notice::NoticeBar on_command=on_command state=state />
            <agent::AgentPanel on_command=on_command state=state />
            <calls::CallsPanel on_command=on_command state=state />
            <dialer::Dialer on_command=on_command state=state />
        </section>
    }
}

/// The login alone, for the Salesforce Voice connector's login page: the
/// agent panel, of which the stylesheet shows only the agent id, the
/// password and Login (`.login`; a prop to leave the rest out cost the
/// element 0.4 KB), and `problem`, the last login's failure in words.
#[component]
pub fn Login(
    on_command: UnsyncCallback<Command>,
    state: RwSignal<State>,
    problem: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <section class="softphone login" aria-label=word(state, Label::Softphone) lang=move || state.with(|s| s.lang.tag())>
            <p class="notice error" role="alert" hidden=move || problem.with(Option::is_none)>
                {move || problem.get().unwrap_or_default()}
            </p>
            <agent::AgentPanel on_command=on_command state=state />
        </section>
    }
}

/// The catalogue of the agent's language, as of the last state.
fn words(state: RwSignal<State>) -> &'static dyn Catalogue {
    state.with(State::words)
}

/// A fixed word of the view: a label, a call button, a work mode.
#[derive(Debug, Clone, Copy)]
enum Word {
    Label(Label),
    Action(CallAction),
    Mode(WorkMode),
}

impl From<Label> for Word {
    fn from(label: Label) -> Word {
        Word::Label(label)
    }
}

impl From<CallAction> for Word {
    fn from(action: CallAction) -> Word {
        Word::Action(action)
    }
}

impl From<WorkMode> for Word {
    fn from(mode: WorkMode) -> Word {
        Word::Mode(mode)
    }
}

/// A fixed word of the view in the agent's language. One closure type for
/// all of them: each closure type the view renders is its own copy of
/// Leptos' rendering code (docs/benchmarks.md).
fn word(state: RwSignal<State>, word: impl Into<Word>) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let word = word.into();
    move || {
        let words = words(state);
        match word {
            Word::Label(label) => words.label(label),
            Word::Action(action) => words.call_action(action),
            Word::Mode(mode) => words.work_mode(mode),
        }
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
