//! The message area: errors and information from the core, never `alert()`.

use super::word;
use ctisvr_core::element_api::styling;
use ctisvr_core::i18n::Label;
use ctisvr_core::{Command, NoticeLevel, State};
use leptos::prelude::*;

#[component]
pub fn NoticeBar(on_command: UnsyncCallback<Command>, state: RwSignal<State>) -> impl IntoView {
    let notice = move || state.with(|s| s.notice.clone());
    let dismiss = move |_| on_command.run(Command::DismissNotice);
    view! {
        <div class="notice-slot" aria-live="polite">
            <div
                class=move || match notice().map(|n| n.level) {
                    Some(NoticeLevel::Info) => "notice info",
                    _ => "notice error",
                }
                part=styling::PART_NOTICE
                role="alert"
                hidden=move || notice().is_none()
            >
                <span class="notice-text">{move || notice().map(|n| n.text).unwrap_or_default()}</span>
                <button type="button" class="dismiss" aria-label=word(state, Label::Dismiss) on:click=dismiss>
                    "×"
                </button>
            </div>
        </div>
    }
}
