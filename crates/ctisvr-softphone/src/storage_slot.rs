//! Where a tab keeps what the core remembers across a reload, one slot per
//! key: its live calls ([`ctisvr_core::call_memory`], under the key the
//! session names, `Session::call_storage_key`: one per server) and the CRM's
//! settings ([`ctisvr_core::settings_memory`], under its `KEY`). Never the
//! password (the core never puts it there).
//!
//! - `sessionStorage` where the browser gives it: this tab only, kept
//!   through reloads of the page and of the frame.
//! - only where the browser refuses that, the page's `history.state`: a
//!   cross-site frame with third-party storage blocked (Chromium's default
//!   in some builds and in incognito; Salesforce serves the adapter from
//!   another site) throws on any storage, but its own history entry's state
//!   survives a reload of the frame. Other keys of the state are kept. It
//!   does not survive a reload of the whole page: there the agent's other
//!   tabs tell the reloaded tab (`TabMessage::Calls`). A host page whose
//!   storage works (a CRM embedding the element itself) never has its
//!   history touched.

use ctisvr_core::call_memory::StorageOrder;
use wasm_bindgen::JsValue;
use web_sys::Storage;

/// One slot of a tab's memory.
pub struct StorageSlot {
    key: String,
}

impl StorageSlot {
    /// The slot `key` (the core names it).
    pub fn new(key: String) -> StorageSlot {
        StorageSlot { key }
    }

    /// The slot's key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// What was kept: in `sessionStorage`, or where the browser refuses it
    /// in the history entry's state.
    pub fn read(&self) -> Option<String> {
        match session_storage() {
            Some(storage) => storage.get_item(&self.key).ok().flatten(),
            None => self.history_state(),
        }
    }

    /// Keeps the text, or removes it. A full storage only loses the memory.
    pub fn write(&self, order: StorageOrder) {
        let text = match &order {
            StorageOrder::Write(text) => Some(text.as_str()),
            StorageOrder::Remove => None,
        };
        match session_storage() {
            Some(storage) => {
                let _ = match text {
                    Some(text) => storage.set_item(&self.key, text),
                    None => storage.remove_item(&self.key),
                };
            }
            None => self.set_history_state(text),
        }
    }

    fn history_state(&self) -> Option<String> {
        let state = web_sys::window()?.history().ok()?.state().ok()?;
        js_sys::Reflect::get(&state, &JsValue::from_str(&self.key)).ok()?.as_string()
    }

    /// Replaces our key in the entry's state, keeping whatever else the page keeps there.
    fn set_history_state(&self, text: Option<&str>) {
        let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else { return };
        let state = js_sys::Object::new();
        if let Ok(old) = history.state() {
            if old.is_object() {
                let _ = js_sys::Object::assign(&state, &js_sys::Object::from(old));
            }
        }
        let key = JsValue::from_str(&self.key);
        let _ = match text {
            Some(text) => js_sys::Reflect::set(&state, &key, &JsValue::from_str(text)),
            None => js_sys::Reflect::delete_property(&state, &key),
        };
        let _ = history.replace_state(&state, "");
    }
}

/// `window.sessionStorage`, or `None` where the browser refuses it.
fn session_storage() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}
