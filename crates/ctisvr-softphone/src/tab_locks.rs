//! The agent's tabs' Web Locks: each softphone holds the lock named after
//! its tab id for its whole life, and waits for the lock of each tab it
//! hears from on the channel (`tabs.rs`). The browser frees a lock the
//! moment its tab closes, crashes or is discarded, so that wait ends exactly
//! when the other tab has gone, timers or not
//! (<https://developer.mozilla.org/docs/Web/API/Web_Locks_API>). Not given in
//! a cross-site frame with third-party storage blocked: the core then learns
//! of departures from `Bye` or silence.

use ctisvr_core::tabs::TabId;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

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
    let navigator = crate::js::get(&js_sys::global(), "navigator")?;
    let locks = crate::js::get(&navigator, "locks")?;
    (!locks.is_undefined() && !locks.is_null()).then(|| locks.unchecked_into())
}

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks` (web-sys has it behind `web_sys_unstable_apis`).
    type LockManager;
    #[wasm_bindgen(method, catch)]
    fn request(this: &LockManager, name: &str, callback: &js_sys::Function) -> Result<js_sys::Promise, JsValue>;
}
