//! Browser tests of the CRM bridge with a stand-in `sforce.opencti` /
//! `sforce.interaction` (run in headless Chromium by
//! `cargo test -p ctisvr-softphone --target wasm32-unknown-unknown`).
//! The full flows (click-to-dial, screen pop, logging) run end to end in
//! `e2e/salesforce.spec.ts`; these check the bridge choice, settings from the
//! library, and that a missing library is shown, not fatal.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers

use ctisvr_softphone::element::{register, TAG};
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn add_element(attributes: &[(&str, &str)]) -> HtmlElement {
    register();
    let document = web_sys::window().and_then(|w| w.document()).unwrap();
    let element: HtmlElement = document.create_element(TAG).unwrap().dyn_into().unwrap();
    for (name, value) in attributes {
        element.set_attribute(name, value).unwrap();
    }
    document.body().unwrap().append_child(&element).unwrap();
    element
}

fn text(element: &HtmlElement) -> String {
    element.shadow_root().and_then(|r| r.text_content()).unwrap_or_default()
}

async fn settle(ms: u64) {
    gloo_timers::future::sleep(Duration::from_millis(ms)).await;
}

fn eval(js: &str) -> JsValue {
    js_sys::eval(js).unwrap()
}

/// A Lightning library that answers at once (asynchronously, like the real
/// one) and records the methods called in `window.__calls`.
const FAKE_LIGHTNING: &str = r#"
window.__calls = [];
const answer = (method, value) => (options = {}) => {
  window.__calls.push(method);
  if (options.callback) setTimeout(() => options.callback({ success: true, returnValue: value, errors: null }), 0);
};
window.sforce = { opencti: {
  CALL_TYPE: { INBOUND: "inbound" },
  getCallCenterSettings: answer("getCallCenterSettings", {
    "/ServerInfo/wsURIA": "ws://127.0.0.1:9/", "/reqDialingOptions/reqOutsidePrefix": "9" }),
  onClickToDial: (options) => { window.__calls.push("onClickToDial"); window.__click = options.listener; },
  enableClickToDial: answer("enableClickToDial", null),
  disableClickToDial: answer("disableClickToDial", null),
  notifyInitializationComplete: answer("notifyInitializationComplete", null),
  searchAndScreenPop: answer("searchAndScreenPop", {}),
  setSoftphonePanelVisibility: answer("setSoftphonePanelVisibility", null),
  saveLog: answer("saveLog", { recordId: "00T" }),
} };
"#;

fn calls() -> Vec<String> {
    let calls: js_sys::Array = eval("window.__calls").dyn_into().unwrap();
    calls.iter().filter_map(|c| c.as_string()).collect()
}

#[wasm_bindgen_test]
async fn lightning_settings_come_from_the_library_and_initialization_is_notified() {
    eval(FAKE_LIGHTNING);
    // The attributes are ignored once a CRM gives the settings.
    let element = add_element(&[("ws-uri-a", "not a uri")]);
    settle(50).await;
    assert_eq!(calls(), vec!["getCallCenterSettings", "onClickToDial", "notifyInitializationComplete"]);
    let body = text(&element);
    assert!(!body.contains("not configured"), "{body}");
    // A click-to-dial before the softphone is connected is refused, visibly.
    eval("window.__click({ number: '4155550100', recordId: '003A' })");
    settle(20).await;
    assert!(text(&element).contains("not connected"), "{}", text(&element));
    element.remove();
    settle(10).await;
    eval("delete window.sforce");
}

#[wasm_bindgen_test]
async fn a_forced_bridge_without_its_library_says_so() {
    eval("delete window.sforce");
    let element = add_element(&[("crm", "classic"), ("ws-uri-a", "ws://127.0.0.1:9/")]);
    settle(20).await;
    let body = text(&element);
    assert!(
        body.contains(
            "the CRM did not give the call center settings (sforce.interaction.cti is not loaded on this page)"
        ),
        "{body}"
    );
    element.remove();
    settle(10).await;
}

#[wasm_bindgen_test]
async fn crm_none_keeps_the_attributes_even_with_a_library() {
    eval(FAKE_LIGHTNING);
    let element = add_element(&[("crm", "none")]);
    settle(20).await;
    assert!(calls().is_empty(), "{:?}", calls());
    assert!(text(&element).contains("ws-uri-a"), "configured from attributes: {}", text(&element));
    element.remove();
    settle(10).await;
    eval("delete window.sforce");
}
