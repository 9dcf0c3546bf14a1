//! Where a tab keeps what the core remembers about its live calls across a
//! reload ([`ctisvr_core::call_memory`]): `sessionStorage`, one key per
//! server, `ctisvr-softphone:calls:<wsURIA>`. Never the password (the core
//! never puts it there). Where the browser refuses storage (a cross-site
//! frame with third-party storage blocked throws on access) nothing is
//! kept here and the agent's other tabs tell the reloaded tab instead.

use web_sys::Storage;

/// The storage slot of one element's calls.
pub struct CallStorage {
    key: String,
}

impl CallStorage {
    /// The slot for the server `ws_uri_a` (two softphones of one page on
    /// different servers keep apart).
    pub fn for_server(ws_uri_a: &str) -> CallStorage {
        CallStorage { key: format!("ctisvr-softphone:calls:{ws_uri_a}") }
    }

    /// What was kept, if the browser gives storage and anything is there.
    pub fn read(&self) -> Option<String> {
        session_storage()?.get_item(&self.key).ok().flatten()
    }

    /// Keeps `text`, or removes the slot (`None`: no call is up). A refused
    /// or full storage only loses the memory.
    pub fn write(&self, text: Option<&str>) {
        let Some(storage) = session_storage() else { return };
        let _ = match text {
            Some(text) => storage.set_item(&self.key, text),
            None => storage.remove_item(&self.key),
        };
    }
}

/// `window.sessionStorage`, or `None` where the browser refuses it.
fn session_storage() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}
