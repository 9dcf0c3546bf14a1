//! Agent login/logout and work modes (Auto, Manual, ACW, AUX + reason code).

use super::{word, words};
use ctisvr_core::agent::AgentAction;
use ctisvr_core::element_api::styling;
use ctisvr_core::i18n::Label;
use ctisvr_core::wire::{Password, ReasonCode, WorkMode};
use ctisvr_core::{AgentCommand, Command, State};
use leptos::prelude::*;

/// Reason codes offered for AUX, as in the vendor's sample (0 = none given).
const REASON_CODES: std::ops::RangeInclusive<u8> = 0..=9;

#[component]
pub fn AgentPanel(on_command: UnsyncCallback<Command>, state: RwSignal<State>) -> impl IntoView {
    let agent_id = RwSignal::new(String::new());
    // The password lives in this signal (memory) until it is sent; never in the DOM.
    let password = RwSignal::new(String::new());
    let reason = RwSignal::new(0u8);

    let allows = move |action| state.with(|s| s.allows(action));
    let logged_in_id = move || state.with(|s| s.agent.agent_id().map(str::to_owned));
    let take_password = move || {
        let text = password.get_untracked();
        password.set(String::new());
        text
    };

    let login = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let command =
            AgentCommand::Login { agent_id: agent_id.get_untracked(), password: Password::new(take_password()) };
        on_command.run(Command::Agent(command));
    };
    let logout = move |_| on_command.run(Command::Agent(AgentCommand::Logout));
    let mode_button = move |mode: WorkMode| {
        let on_click = move |_| {
            let typed = take_password();
            let command = AgentCommand::SetState {
                mode,
                reason: ReasonCode::new(reason.get_untracked()),
                password: (!typed.is_empty()).then(|| Password::new(typed)),
            };
            on_command.run(Command::Agent(command));
        };
        let current = move || state.with(|s| s.agent.work_mode() == Some(mode));
        view! {
            <button
                type="button"
                class="mode"
                class:current=current
                aria-pressed=move || if current() { "true" } else { "false" }
                disabled=move || !allows(AgentAction::SetState)
                on:click=on_click
            >
                {word(state, mode)}
            </button>
        }
    };

    view! {
        <form class="agent" part=styling::PART_AGENT on:submit=login>
            <div class="row">
                <label class="field">
                    <span>{word(state, Label::AgentId)}</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        autocomplete="username"
                        prop:value=move || logged_in_id().unwrap_or_else(|| agent_id.get())
                        disabled=move || logged_in_id().is_some() || !allows(AgentAction::Login)
                        on:input=move |ev| agent_id.set(event_target_value(&ev))
                    />
                </label>
                <label class="field">
                    <span>{word(state, Label::Password)}</span>
                    <input
                        type="password"
                        autocomplete="current-password"
                        placeholder=move || {
                            let ask = logged_in_id().is_some() && state.with(|s| s.password_needed());
                            if ask { words(state).label(Label::PasswordToChangeState) } else { "" }
                        }
                        prop:value=move || password.get()
                        disabled=move || !state.with(|s| s.password_needed())
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </label>
            </div>
            <div class="row buttons">
                <button type="submit" class="primary" disabled=move || !allows(AgentAction::Login)>
                    {word(state, Label::Login)}
                </button>
                <button type="button" on:click=logout disabled=move || !allows(AgentAction::Logout)>
                    {word(state, Label::Logout)}
                </button>
                <span class="agent-state" role="status" aria-label=word(state, Label::AgentState)>
                    {move || state.with(State::agent_words)}
                </span>
            </div>
            <div class="row modes" role="group" aria-label=word(state, Label::WorkMode)>
                {WorkMode::ALL.into_iter().map(mode_button).collect_view()}
                <label class="field reason">
                    <span>{word(state, Label::ReasonCode)}</span>
                    <select
                        disabled=move || !allows(AgentAction::SetState)
                        on:change=move |ev| reason.set(event_target_value(&ev).parse().unwrap_or(0))
                    >
                        {REASON_CODES
                            .map(|code| view! { <option value=code.to_string()>{code.to_string()}</option> })
                            .collect_view()}
                    </select>
                </label>
            </div>
        </form>
    }
}
