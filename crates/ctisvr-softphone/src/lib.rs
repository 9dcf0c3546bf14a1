//! # ctisvr-softphone
//!
//! The `<ctisvr-softphone>` custom element. Everything here is an edge around
//! [`ctisvr_core::Session`]: the WebSocket ([`socket`]), the clock and timers
//! ([`clock`], [`driver`]), DOM events ([`dom_events`]), the element's
//! lifecycle ([`element`]), the CRM bridge to Salesforce Open CTI ([`crm`]),
//! JavaScript plumbing ([`js`]), notifications of calls ringing in a
//! hidden page ([`notifications`]) and the view ([`view`]); and, for
//! Salesforce Voice, the connector's headless engine ([`voice_connector`])
//! and its login page ([`login_page`], both in the `voice-connector`
//! build only). Decisions live in the core.
//!
//! ```html
//! <script type="module">
//!   import init from "./pkg/ctisvr_softphone.js";
//!   await init();            // registers <ctisvr-softphone>
//! </script>
//! <ctisvr-softphone ws-uri-a="ws://cti.example:9006/" ws-uri-b="ws://cti-b.example:9008/"></ctisvr-softphone>
//! ```

pub mod clock;
pub mod crm;
pub mod dom_events;
pub mod driver;
pub mod element;
pub mod js;
#[cfg(feature = "voice-connector")]
pub mod login_page;
pub mod notifications;
pub mod socket;
pub mod storage_slot;
pub mod tab_locks;
pub mod tabs;
pub mod view;
#[cfg(feature = "voice-connector")]
pub mod voice_connector;

use wasm_bindgen::prelude::*;

/// Runs when the module is initialised: defines the element.
#[wasm_bindgen(start)]
pub fn start() {
    element::register();
}
