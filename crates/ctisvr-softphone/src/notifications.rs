//! The core's [`Attention`] orders, shown: a call ringing while the page is
//! hidden becomes a system notification where the page has the Notification
//! permission (the element never asks for it: the page does, on a gesture of
//! its own), else a mark on the page's title. Clicking the notification
//! brings the page forward with the softphone's Answer button focused.
//! Each notification is tagged with the call, so the agent's other tabs'
//! notifications of the same call replace each other.
//!
//! A cross-origin frame (an Open CTI adapter inside Salesforce) usually has
//! no permission, and its title is not the tab's: the mark then shows
//! nowhere, which does no harm.

use ctisvr_core::calls::CallId;
use ctisvr_core::Attention;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, Notification, NotificationOptions, NotificationPermission};

/// What is shown for each notified call.
#[derive(Default)]
pub struct Notifier {
    shown: Vec<(CallId, Shown)>,
    /// The page's title before the first mark, and the marked title.
    title: Option<(String, String)>,
}

enum Shown {
    /// The click handler lives as long as the notification.
    Notification {
        notification: Notification,
        _on_click: Closure<dyn FnMut()>,
    },
    Title,
}

impl Notifier {
    /// Shows or withdraws what `order` says, for the element `host`.
    pub fn carry_out(&mut self, order: Attention, host: &HtmlElement) {
        match order {
            Attention::Notify { call, title, body, mark } => {
                let shown = notification(call, &title, &body, host).unwrap_or_else(|| {
                    self.mark_title(&mark);
                    Shown::Title
                });
                self.shown.push((call, shown));
            }
            Attention::Withdraw { call } => {
                if let Some(at) = self.shown.iter().position(|(id, _)| *id == call) {
                    let (_, shown) = self.shown.swap_remove(at);
                    self.withdraw(shown);
                }
            }
        }
    }

    /// Withdraws everything (the element is leaving the page).
    pub fn clear(&mut self) {
        for (_, shown) in std::mem::take(&mut self.shown) {
            self.withdraw(shown);
        }
    }

    fn withdraw(&mut self, shown: Shown) {
        match shown {
            Shown::Notification { notification, .. } => notification.close(),
            Shown::Title if !self.shown.iter().any(|(_, s)| matches!(s, Shown::Title)) => self.unmark_title(),
            Shown::Title => {}
        }
    }

    fn mark_title(&mut self, mark: &str) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let original = match self.title.take() {
            Some((original, marked)) if document.title() == marked => original,
            _ => document.title(),
        };
        let marked = if original.is_empty() { mark.to_owned() } else { format!("{mark} · {original}") };
        document.set_title(&marked);
        self.title = Some((original, marked));
    }

    /// Puts the page's title back, unless the page changed it since.
    fn unmark_title(&mut self) {
        let Some((original, marked)) = self.title.take() else { return };
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            if document.title() == marked {
                document.set_title(&original);
            }
        }
    }
}

/// A system notification of `call`, if the page may show one.
fn notification(call: CallId, title: &str, body: &str, host: &HtmlElement) -> Option<Shown> {
    // `Notification` is missing in some browsers and frames: ask before use.
    let window = web_sys::window()?;
    if !js_sys::Reflect::has(&window, &JsValue::from_str("Notification")).unwrap_or(false)
        || Notification::permission() != NotificationPermission::Granted
    {
        return None;
    }
    let options = NotificationOptions::new();
    options.set_body(body);
    options.set_tag(&format!("ctisvr-call-{call}"));
    options.set_require_interaction(true);
    let notification = Notification::new_with_options(title, &options).ok()?;
    let host = host.clone();
    let shown = notification.clone();
    let on_click = Closure::<dyn FnMut()>::new(move || {
        if let Some(window) = web_sys::window() {
            let _ = window.focus();
        }
        let answer = host.shadow_root().and_then(|root| root.query_selector("button.answer").ok().flatten());
        if let Some(answer) = answer.and_then(|a| a.dyn_into::<HtmlElement>().ok()) {
            let _ = answer.focus();
        }
        shown.close();
    });
    notification.set_onclick(Some(on_click.as_ref().unchecked_ref()));
    Some(Shown::Notification { notification, _on_click: on_click })
}
