//! Browser tests of the element's glue (run in headless Chromium by
//! `cargo test -p ctisvr-softphone --target wasm32-unknown-unknown`):
//! the shadow root, its controls, isolation of two instances, clean-up on
//! removal, attribute configuration and DOM events.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers

use ctisvr_softphone::element::{instance_count, register, TAG};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// Adds a `<ctisvr-softphone>` with `attributes` to the page.
fn add_element(attributes: &[(&str, &str)]) -> HtmlElement {
    register();
    let element: HtmlElement = document().create_element(TAG).unwrap().dyn_into().unwrap();
    for (name, value) in attributes {
        element.set_attribute(name, value).unwrap();
    }
    document().body().unwrap().append_child(&element).unwrap();
    element
}

fn root(element: &HtmlElement) -> ShadowRoot {
    element.shadow_root().expect("an open shadow root")
}

fn text(element: &HtmlElement) -> String {
    root(element).text_content().unwrap_or_default()
}

fn query(element: &HtmlElement, selector: &str) -> Option<Element> {
    root(element).query_selector(selector).ok().flatten()
}

/// Lets microtasks, timers and the reactive system run.
async fn settle(ms: u64) {
    gloo_timers::future::sleep(Duration::from_millis(ms)).await;
}

/// An address where nothing listens (the discard port on loopback).
const DEAD: &str = "ws://127.0.0.1:9/";

#[wasm_bindgen_test]
async fn renders_labelled_controls_and_its_stylesheet_inside_an_open_shadow_root() {
    let element = add_element(&[("ws-uri-a", DEAD)]);
    settle(10).await;
    // A constructed stylesheet (allowed by a strict Content Security Policy), shared by the elements.
    let sheets = root(&element).adopted_style_sheets();
    assert_eq!(sheets.length(), 1, "one adopted stylesheet");
    let sheet: web_sys::CssStyleSheet = sheets.get(0).dyn_into().unwrap();
    let rules = sheet.css_rules().unwrap();
    let css: String = (0..rules.length()).filter_map(|i| rules.item(i)).map(|rule| rule.css_text()).collect();
    assert!(css.contains(":host"), "{css}");
    assert!(query(&element, "style").is_none(), "no <style> element");
    let body = text(&element);
    for label in ["Agent ID", "Password", "Reason code", "Caller", "Dialled number"] {
        assert!(body.contains(label), "missing label {label}: {body}");
    }
    let buttons: Vec<String> = {
        let list = root(&element).query_selector_all("button").unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.text_content())
            .map(|t| t.trim().to_owned())
            .collect()
    };
    for name in ["Login", "Logout", "Auto", "Manual", "ACW", "AUX"] {
        assert!(buttons.iter().any(|b| b == name), "missing button {name}: {buttons:?}");
    }
    // Nothing leaks into the page's light DOM.
    assert_eq!(element.children().length(), 0);
    element.remove();
    settle(10).await;
}

#[wasm_bindgen_test]
async fn without_ws_uri_a_it_says_it_is_not_configured() {
    let element = add_element(&[]);
    settle(10).await;
    let body = text(&element);
    assert!(body.contains("Not configured"), "{body}");
    assert!(body.contains("ws-uri-a"), "the notice names the missing attribute: {body}");
    element.remove();
    settle(10).await;
}

#[wasm_bindgen_test]
async fn lang_fr_speaks_french_and_a_new_lang_rewords_everything_at_once() {
    let element = add_element(&[("lang", "fr")]);
    settle(10).await;
    let body = text(&element);
    let notice = "Softphone non configuré : aucune adresse CtiSVR n'est configurée (attribut ws-uri-a).";
    for words in ["Non configuré", notice, "Se connecter", "Numéro composé", "Post-appel", "Raccrocher"] {
        assert!(body.contains(words), "missing {words}: {body}");
    }
    element.set_attribute("lang", "en-GB").unwrap();
    settle(10).await;
    let body = text(&element);
    for words in ["Not configured", "Softphone not configured: no CtiSVR address", "Dialled number", "Hang up"] {
        assert!(body.contains(words), "missing {words}: {body}");
    }
    assert!(!body.contains("Raccrocher"), "{body}");
    element.remove();
    settle(10).await;
}

#[wasm_bindgen_test]
async fn an_element_without_lang_speaks_its_nearest_ancestor_s_language() {
    register();
    let section = document().create_element("section").unwrap();
    section.set_attribute("lang", "fr-CA").unwrap();
    let element: HtmlElement = document().create_element(TAG).unwrap().dyn_into().unwrap();
    section.append_child(&element).unwrap();
    document().body().unwrap().append_child(&section).unwrap();
    settle(10).await;
    let body = text(&element);
    assert!(body.contains("Non configuré") && body.contains("Appelant"), "{body}");
    section.remove();
    settle(10).await;
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_shown_as_not_connected_and_login_stays_disabled() {
    let element = add_element(&[("ws-uri-a", DEAD)]);
    settle(1500).await;
    let status = query(&element, "header").and_then(|h| h.text_content()).unwrap_or_default();
    assert!(status.contains("Reconnecting in") || status.contains("Connecting"), "{status}");
    let login = query(&element, "button[type=submit]").expect("the Login button");
    assert!(login.has_attribute("disabled"), "login must wait for a connection");
    element.remove();
    settle(10).await;
}

#[wasm_bindgen_test]
async fn two_elements_are_isolated_and_removal_frees_the_instance() {
    let before = instance_count();
    let a = add_element(&[("ws-uri-a", DEAD)]);
    let b = add_element(&[]);
    settle(10).await;
    assert_eq!(instance_count(), before + 2);
    assert!(text(&b).contains("Not configured"));
    assert!(!text(&a).contains("Not configured"), "a's view is its own: {}", text(&a));
    a.remove();
    settle(10).await;
    assert_eq!(instance_count(), before + 1, "removing an element frees its session");
    assert!(text(&b).contains("Not configured"), "b is untouched");
    b.remove();
    settle(10).await;
    assert_eq!(instance_count(), before);
}

#[wasm_bindgen_test]
async fn moving_an_element_keeps_its_session() {
    let element = add_element(&[("ws-uri-a", DEAD)]);
    settle(10).await;
    let count = instance_count();
    let holder = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&holder).unwrap();
    holder.append_child(&element).unwrap();
    settle(10).await;
    assert_eq!(instance_count(), count);
    assert!(query(&element, "form").is_some());
    holder.remove();
    settle(10).await;
    assert_eq!(instance_count(), count - 1);
}

#[wasm_bindgen_test]
async fn setting_ws_uri_a_later_configures_it() {
    let element = add_element(&[]);
    settle(10).await;
    assert!(text(&element).contains("Not configured"));
    element.set_attribute("ws-uri-a", DEAD).unwrap();
    settle(10).await;
    assert!(!text(&element).contains("Not configured"), "{}", text(&element));
    element.remove();
    settle(10).await;
}

#[wasm_bindgen_test]
async fn notices_are_dispatched_as_composed_dom_events() {
    use std::cell::RefCell;
    use std::rc::Rc;
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let listener = {
        let seen = seen.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
            let text = js_sys::JSON::stringify(&event.detail()).map(String::from).unwrap_or_default();
            seen.borrow_mut().push(text);
        })
    };
    document().add_event_listener_with_callback("ctisvr-notice", listener.as_ref().unchecked_ref()).unwrap();
    let element = add_element(&[]);
    settle(10).await;
    document().remove_event_listener_with_callback("ctisvr-notice", listener.as_ref().unchecked_ref()).unwrap();
    let seen = seen.borrow().clone();
    assert!(seen.iter().any(|d| d.contains("\"level\":\"error\"") && d.contains("not configured")), "{seen:?}");
    element.remove();
    settle(10).await;
}

#[wasm_bindgen_test]
async fn every_documented_css_part_is_in_the_shadow_root() {
    let element = add_element(&[("ws-uri-a", DEAD)]);
    settle(10).await;
    let parts = root(&element).query_selector_all("[part]").unwrap();
    let found: Vec<String> =
        (0..parts.length()).filter_map(|i| parts.item(i)?.dyn_into::<Element>().ok()?.get_attribute("part")).collect();
    for part in ctisvr_core::element_api::CSS_PARTS {
        assert_eq!(found.iter().filter(|p| *p == part.name).count(), 1, "part {} in {found:?}", part.name);
    }
    assert_eq!(found.len(), ctisvr_core::element_api::CSS_PARTS.len(), "undocumented parts in {found:?}");
    element.remove();
}

#[wasm_bindgen_test]
async fn the_element_has_every_documented_method_and_each_says_why_it_refuses() {
    let element = add_element(&[("ws-uri-a", DEAD)]);
    settle(10).await;
    for method in ctisvr_core::element_api::METHODS {
        let function = js_sys::Reflect::get(&element, &method.name.into()).unwrap();
        assert!(function.is_function(), "{} is not a method", method.name);
        let function: js_sys::Function = function.unchecked_into();
        // Not connected: every call command is refused with a reason.
        let error = function.call1(&element, &"2002".into()).expect_err(method.name);
        let message = js_sys::Reflect::get(&error, &"message".into()).unwrap().as_string().unwrap_or_default();
        assert!(!message.is_empty(), "{} threw without a reason", method.name);
    }
    element.remove();
}
