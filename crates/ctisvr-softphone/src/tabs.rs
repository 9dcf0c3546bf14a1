//! The agent's other tabs: a `BroadcastChannel` carrying the core's tab
//! messages ([`ctisvr_core::tabs`]). BroadcastChannel still works in a
//! cross-site iframe with third-party storage blocked, where storage and Web
//! Locks do not. Without it (an old browser) the softphone is alone and does
//! every pop and log itself.
//!
//! Two channel objects: one posts, the other listens. A channel object does
//! not hear itself but hears every other object of the same name, the other
//! tabs' and our own poster: so each message we post comes back to us after
//! everything queued before it. The core uses that echo as a barrier.
//!
//! Web Locks, where the browser gives them (not in a cross-site frame with
//! third-party storage blocked): each tab holds the lock named after its id
//! for its whole life, and waits for the lock of each tab it hears from.
//! The browser frees a lock the moment its tab closes, crashes or is
//! discarded, so that wait ends exactly when the other tab has gone
//! (<https://developer.mozilla.org/docs/Web/API/Web_Locks_API>).

use ctisvr_core::tabs::{TabId, TabMessage};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks` (web-sys has it behind `web_sys_unstable_apis`).
    type LockManager;
    #[wasm_bindgen(method, catch)]
    fn request(this: &LockManager, name: &str, callback: &js_sys::Function) -> Result<js_sys::Promise, JsValue>;
}

/// An open channel to the other softphones with the same name.
pub struct TabChannel {
    poster: BroadcastChannel,
    listener: BroadcastChannel,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl TabChannel {
    /// Joins channel `name`; messages that are not ours are ignored.
    pub fn open(name: &str, on_message: impl Fn(TabMessage) + 'static) -> Option<TabChannel> {
        let poster = BroadcastChannel::new(name).ok()?;
        let listener = BroadcastChannel::new(name).ok()?;
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let message = event.data().as_string().and_then(|text| TabMessage::decode(&text));
            if let Some(message) = message {
                on_message(message);
            }
        });
        listener.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(TabChannel { poster, listener, _on_message: on_message })
    }

    pub fn post(&self, message: &TabMessage) {
        // A closed channel only means the page is going away.
        let _ = self.poster.post_message(&message.encode().into());
    }
}

impl Drop for TabChannel {
    fn drop(&mut self) {
        self.listener.set_onmessage(None);
        self.listener.close();
        self.poster.close();
    }
}

/// This tab's Web Lock, held until dropped, and the watch on other tabs' locks.
pub struct TabLocks {
    manager: LockManager,
    prefix: String,
    /// Resolving it releases our lock.
    release: Rc<RefCell<Option<js_sys::Function>>>,
}

impl TabLocks {
    /// Takes the lock of tab `me` on channel `name`, then calls `held`
    /// (also when the browser gives no Web Locks, or refuses them: the
    /// tabs then learn of a departure from `Bye` or silence). `None` when
    /// there are no Web Locks.
    pub fn hold(name: &str, me: TabId, held: impl FnOnce() + 'static) -> Option<TabLocks> {
        let held = Rc::new(RefCell::new(Some(held)));
        let call_held = {
            let held = held.clone();
            move || {
                if let Some(held) = held.borrow_mut().take() {
                    held();
                }
            }
        };
        let Some(manager) = lock_manager() else {
            call_held();
            return None;
        };
        let locks = TabLocks { manager, prefix: format!("{name}:"), release: Rc::new(RefCell::new(None)) };
        let release = locks.release.clone();
        let on_held = call_held.clone();
        // Granted: keep the lock until `release` is called.
        let callback = Closure::once_into_js(move |_lock: JsValue| {
            on_held();
            js_sys::Promise::new(&mut |resolve, _| *release.borrow_mut() = Some(resolve))
        });
        let requested = locks.manager.request(&locks.name(me), callback.unchecked_ref());
        match requested {
            Ok(promise) => {
                // Refused later (SecurityError): go on without.
                wasm_bindgen_futures::spawn_local(async move {
                    if wasm_bindgen_futures::JsFuture::from(promise).await.is_err() {
                        call_held();
                    }
                });
                Some(locks)
            }
            Err(_) => {
                call_held();
                None
            }
        }
    }

    /// Calls `gone` when tab `tab` no longer holds its lock.
    pub fn watch(&self, tab: TabId, gone: impl FnOnce() + 'static) {
        let callback = Closure::once_into_js(move |_lock: JsValue| {
            gone();
            // Returning releases the lock at once: we only wanted to know.
            JsValue::UNDEFINED
        });
        if let Ok(promise) = self.manager.request(&self.name(tab), callback.unchecked_ref()) {
            // A refusal only means no news of that tab from the browser.
            wasm_bindgen_futures::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            });
        }
    }

    fn name(&self, tab: TabId) -> String {
        format!("{}{tab}", self.prefix)
    }
}

impl Drop for TabLocks {
    fn drop(&mut self) {
        if let Some(release) = self.release.borrow_mut().take() {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

/// `navigator.locks`, when the browser has it (secure contexts only).
fn lock_manager() -> Option<LockManager> {
    let navigator = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).ok()?;
    let locks = js_sys::Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then(|| locks.unchecked_into())
}

/// A random tab id (collisions among an agent's few tabs are negligible).
pub fn random_id() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64
}
