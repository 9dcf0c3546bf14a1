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
//! Departures, where the browser tells of them: `tab_locks.rs`.

use ctisvr_core::tabs::TabMessage;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

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

/// A random tab id (collisions among an agent's few tabs are negligible).
pub fn random_id() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64
}
