//! DOM events the element dispatches on itself (bubbling, composed), so the
//! page around it can follow the softphone. The names and details are the
//! core's ([`ctisvr_core::element_api::events`], documented in
//! docs/element.md and typed in the package's `ctisvr-softphone.d.ts`).

use ctisvr_core::element_api::dom_event;
use ctisvr_core::{Catalogue, Update};
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

/// Dispatches the DOM event of `update`, its texts in `words` (the agent's language).
pub fn dispatch(host: &HtmlElement, update: &Update, words: &dyn Catalogue) {
    let (name, detail) = dom_event(update, words, crate::clock::now());
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    // JSON from serde_json always parses; a failure would only lose the detail.
    init.set_detail(&js_sys::JSON::parse(&detail.to_string()).unwrap_or(wasm_bindgen::JsValue::NULL));
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        // A throwing listener must not break the softphone.
        let _ = host.dispatch_event(&event);
    }
}
