//! The number field, the call buttons and the keypad. Every button is
//! enabled exactly when the core allows its action; the keypad sends DTMF on
//! a connected call and otherwise types into the number field.

use super::{word, words};
use ctisvr_core::element_api::styling;
use ctisvr_core::i18n::Label;
use ctisvr_core::{CallAction, CallCommand, Command, State};
use leptos::prelude::*;

const KEYS: [&str; 12] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

#[component]
pub fn Dialer(on_command: UnsyncCallback<Command>, state: RwSignal<State>) -> impl IntoView {
    let number = RwSignal::new(String::new());
    let keypad_open = RwSignal::new(false);
    let tones_sent = RwSignal::new(String::new());
    let typed = move || Some(number.get_untracked()).filter(|n| !n.trim().is_empty());

    // One button: its class (stable, whatever the language), the action
    // that enables and names it, and the command it sends.
    let button = move |class: &'static str, action: CallAction, command: fn(Option<String>) -> CallCommand| {
        view! {
            <button
                type="button"
                class=format!("call-button {class}")
                disabled=move || !state.with(|s| s.allows_call(action))
                on:click=move |_| on_command.run(Command::Call(command(typed())))
            >
                {word(state, action)}
            </button>
        }
    };

    let press_key = move |key: &'static str| {
        if state.with_untracked(|s| s.allows_call(CallAction::SendDtmf)) {
            on_command.run(Command::Call(CallCommand::SendDtmf { digits: key.to_owned() }));
            tones_sent.update(|t| t.push_str(key));
        } else {
            number.update(|n| n.push_str(key));
        }
    };
    // Tones belong to one call: forget them when no call is connected.
    Effect::new(move |_| {
        if !state.with(|s| s.allows_call(CallAction::SendDtmf)) && !state.with(|s| s.busy) {
            tones_sent.set(String::new());
        }
    });

    let dial = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_command.run(Command::Call(CallCommand::Dial { number: number.get_untracked() }));
    };

    view! {
        <form class="dialer" part=styling::PART_DIALER on:submit=dial>
            <div class="row">
                <label class="field number">
                    <span>{word(state, Label::Number)}</span>
                    <input
                        type="tel"
                        autocomplete="off"
                        prop:value=move || number.get()
                        on:input=move |ev| number.set(event_target_value(&ev))
                    />
                </label>
                <button
                    type="submit"
                    class="primary call"
                    disabled=move || !state.with(|s| s.allows_call(CallAction::Dial))
                >
                    {word(state, CallAction::Dial)}
                </button>
            </div>
            <div class="call-buttons">
                {button("answer", CallAction::Answer, |_| CallCommand::Answer)}
                {button("hang-up", CallAction::HangUp, |_| CallCommand::HangUp)}
                {button("hold", CallAction::Hold, |_| CallCommand::Hold)}
                {button("retrieve", CallAction::Retrieve, |_| CallCommand::Retrieve)}
                {button("consult", CallAction::Consult, |n| CallCommand::Consult { number: n.unwrap_or_default() })}
                {button("reconnect", CallAction::Reconnect, |_| CallCommand::Reconnect)}
                {button("transfer", CallAction::Transfer, |n| CallCommand::Transfer { number: n })}
                {button("conference", CallAction::Conference, |n| CallCommand::Conference { number: n })}
                {button("drop-party", CallAction::DropParty, |_| CallCommand::DropParty { party: None })}
                <button
                    type="button"
                    class="call-button keypad"
                    aria-expanded=move || if keypad_open.get() { "true" } else { "false" }
                    on:click=move |_| keypad_open.update(|open| *open = !*open)
                >
                    {word(state, CallAction::SendDtmf)}
                </button>
            </div>
            <div class="keypad-grid" part=styling::PART_KEYPAD role="group" aria-label=word(state, Label::Keypad) hidden=move || !keypad_open.get()>
                {KEYS
                    .into_iter()
                    .map(|key| {
                        view! { <button type="button" class="key" on:click=move |_| press_key(key)>{key}</button> }
                    })
                    .collect_view()}
                <p class="tones" aria-live="polite">
                    {move || {
                        let sent = tones_sent.get();
                        if sent.is_empty() { String::new() } else { words(state).tones_sent(&sent) }
                    }}
                </p>
            </div>
        </form>
    }
}
