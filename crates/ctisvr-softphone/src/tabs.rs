//! The agent's other tabs: a `BroadcastChannel` carrying the core's leader
//! election messages ([`ctisvr_core::leader`]). BroadcastChannel still works
//! in a cross-site iframe with third-party storage blocked, where storage and
//! Web Locks do not. Without it (an old browser) the softphone is alone and
//! leads, which is the behaviour of one tab.

use ctisvr_core::leader::TabMessage;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

/// An open channel to the other softphones with the same name.
pub struct TabChannel {
    channel: BroadcastChannel,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl TabChannel {
    /// Joins channel `name`; messages that are not ours are ignored.
    pub fn open(name: &str, on_message: impl Fn(TabMessage) + 'static) -> Option<TabChannel> {
        let channel = BroadcastChannel::new(name).ok()?;
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let message = event.data().as_string().and_then(|text| TabMessage::decode(&text));
            if let Some(message) = message {
                on_message(message);
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(TabChannel { channel, _on_message: on_message })
    }

    pub fn post(&self, message: &TabMessage) {
        // A closed channel only means the page is going away.
        let _ = self.channel.post_message(&message.encode().into());
    }
}

impl Drop for TabChannel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

/// A random tab id (collisions among an agent's few tabs are negligible).
pub fn random_id() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64
}
