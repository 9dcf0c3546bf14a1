//! The `<ctisvr-softphone>` custom element: a few lines of JavaScript define
//! the class (wasm-bindgen cannot extend `HTMLElement`), and its lifecycle
//! callbacks call into Rust. Each connected element gets its own
//! [`Instance`]: an open shadow root with our stylesheet, a Leptos owner
//! with the view, and a [`Driver`] with its socket and timers.
//!
//! We write the shim ourselves instead of depending on `custom-elements`:
//! it is twenty lines, and that crate holds a lock while callbacks run,
//! which deadlocks when a page listener calls back into the element.
//!
//! Settings come from the CRM when the page has one (Salesforce's Open CTI
//! library, or the `crm` attribute forcing a bridge), else from the
//! attributes. The bridge is chosen when the element connects.

use crate::crm;
use crate::driver::Driver;
use crate::view::Softphone;
use ctisvr_core::element_api;
use ctisvr_core::settings::attributes;
use ctisvr_core::{Lang, Settings, State};
use leptos::mount::mount_to;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, HtmlElement, ShadowRootInit, ShadowRootMode};

/// The tag name.
pub const TAG: &str = element_api::TAG;

/// The element's stylesheet (`styles/softphone.css`, minified by `build.rs`),
/// injected into each shadow root.
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/softphone.css"));

/// The element's stylesheet as a `CSSStyleSheet`, made once per page
/// (`None` where the browser cannot construct one).
fn shared_stylesheet() -> Option<CssStyleSheet> {
    thread_local! {
        static SHEET: Option<CssStyleSheet> = CssStyleSheet::new().ok().filter(|sheet| sheet.replace_sync(CSS).is_ok());
    }
    SHEET.with(Clone::clone)
}

/// Property on the host element holding its instance number.
const INSTANCE_KEY: &str = "__ctisvrInstance";

#[wasm_bindgen(inline_js = r#"
export function define_element(tag, observed, methods, connected, disconnected, changed, command) {
  if (customElements.get(tag)) return;
  class CtisvrSoftphoneElement extends HTMLElement {
    static get observedAttributes() { return observed; }
    connectedCallback() { connected(this); }
    disconnectedCallback() { disconnected(this); }
    attributeChangedCallback(name, oldValue, newValue) {
      if (oldValue !== newValue) changed(this);
    }
  }
  // The script API (the core's element_api::methods::NAMES): each method runs a
  // call command in Rust; a refusal comes back as text and is thrown.
  for (const name of methods) {
    Object.defineProperty(CtisvrSoftphoneElement.prototype, name, {
      value: function (argument) {
        const refusal = command(this, name, argument === undefined || argument === null ? undefined : String(argument));
        if (refusal) throw new Error(refusal);
      },
      writable: true,
      configurable: true,
    });
  }
  customElements.define(tag, CtisvrSoftphoneElement);
}
"#)]
extern "C" {
    fn define_element(
        tag: &str,
        observed: js_sys::Array,
        methods: js_sys::Array,
        connected: &Closure<dyn Fn(HtmlElement)>,
        disconnected: &Closure<dyn Fn(HtmlElement)>,
        changed: &Closure<dyn Fn(HtmlElement)>,
        command: &Closure<dyn Fn(HtmlElement, String, Option<String>) -> Option<String>>,
    );
}

/// One live element.
struct Instance {
    driver: Driver,
    _view: Box<dyn std::any::Any>,
}

thread_local! {
    /// The live elements by instance number. A page has one or a few, so a
    /// list does; a `HashMap` here cost 1.5 KB gzip of wasm (std's hash table
    /// and `RandomState`, used nowhere else; docs/benchmarks.md).
    static INSTANCES: RefCell<Vec<(u32, Instance)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// Registers `<ctisvr-softphone>` (once; later calls do nothing).
pub fn register() {
    let observed: js_sys::Array =
        attributes::ALL.iter().chain([&element_api::attributes::LANG]).map(|name| JsValue::from_str(name)).collect();
    let methods: js_sys::Array = element_api::methods::NAMES.iter().map(|name| JsValue::from_str(name)).collect();
    let connected = Closure::<dyn Fn(HtmlElement)>::new(connected);
    let disconnected = Closure::<dyn Fn(HtmlElement)>::new(disconnected);
    let changed = Closure::<dyn Fn(HtmlElement)>::new(attributes_changed);
    let command = Closure::<dyn Fn(HtmlElement, String, Option<String>) -> Option<String>>::new(script_command);
    define_element(TAG, observed, methods, &connected, &disconnected, &changed, &command);
    // The class keeps calling these for the page's lifetime.
    connected.forget();
    disconnected.forget();
    changed.forget();
    command.forget();
}

/// How many elements are live (for tests: removal must free the instance).
pub fn instance_count() -> usize {
    INSTANCES.with(|instances| instances.borrow().len())
}

fn connected(host: HtmlElement) {
    if instance_id(&host).is_some() {
        return; // moved within the page: keep the session
    }
    let Some(container) = prepare_shadow_root(&host) else { return };
    let driver_slot: std::rc::Rc<RefCell<Option<Driver>>> = Default::default();
    let view = {
        let host = host.clone();
        let slot = driver_slot.clone();
        mount_to(container, move || {
            let state = RwSignal::new(State::default());
            let lang = lang_of(&host);
            let driver = Driver::new(host, state, lang);
            *slot.borrow_mut() = Some(driver.clone());
            // A refusal is already shown by the core; only the script API needs it.
            let on_command = UnsyncCallback::new(move |command| {
                let _ = driver.command(command);
            });
            view! { <Softphone on_command=on_command state=state /> }
        })
    };
    let Some(driver) = driver_slot.borrow_mut().take() else { return };
    let id = NEXT_ID.with(|next| {
        let id = next.get();
        next.set(id.wrapping_add(1));
        id
    });
    let _ = js_sys::Reflect::set(&host, &JsValue::from_str(INSTANCE_KEY), &JsValue::from(id));
    let instance = Instance { driver: driver.clone(), _view: Box::new(view) };
    let replaced = INSTANCES.with(|instances| {
        let mut instances = instances.borrow_mut();
        let replaced = remove_instance(&mut instances, id);
        instances.push((id, instance));
        replaced
    });
    drop(replaced);
    if !driver.attach_crm(crm::detect(host.get_attribute(attributes::CRM))) {
        driver.configure(read_settings(&host));
    }
}

fn disconnected(host: HtmlElement) {
    // A move within the page disconnects and reconnects at once: decide in a
    // microtask, after the reconnect would have happened.
    wasm_bindgen_futures::spawn_local(async move {
        if host.is_connected() {
            return;
        }
        let Some(id) = instance_id(&host) else { return };
        let _ = js_sys::Reflect::delete_property(&host, &JsValue::from_str(INSTANCE_KEY));
        let instance = INSTANCES.with(|instances| remove_instance(&mut instances.borrow_mut(), id));
        if let Some(instance) = instance {
            instance.driver.shut_down();
            drop(instance);
        }
        if let Some(root) = host.shadow_root() {
            root.set_inner_html("");
        }
    });
}

fn attributes_changed(host: HtmlElement) {
    // Not connected yet: the attributes are read on connect.
    let driver = driver_of(&host);
    if let Some(driver) = &driver {
        driver.set_lang(lang_of(&host));
    }
    // With a CRM the settings are the call center's, not the attributes'.
    if let Some(driver) = driver.filter(|driver| !driver.has_crm()) {
        driver.configure(read_settings(&host));
    }
}

/// A method of the element's script API (`el.dial("2002")`): returns the
/// reason when the softphone refuses it (the element shows it too).
fn script_command(host: HtmlElement, name: String, argument: Option<String>) -> Option<String> {
    let Some(command) = element_api::command(&name, argument) else {
        return Some(format!("{TAG} has no method {name}"));
    };
    match driver_of(&host) {
        Some(driver) => driver.command(command).err().map(|rejected| driver.words().rejected(&rejected)),
        None => Some(format!("{TAG} is not on the page")),
    }
}

/// The driver of a connected element.
fn driver_of(host: &HtmlElement) -> Option<Driver> {
    let id = instance_id(host)?;
    INSTANCES.with(|instances| {
        instances.borrow().iter().find(|(at, _)| *at == id).map(|(_, instance)| instance.driver.clone())
    })
}

/// Takes instance `id` out of the list.
fn remove_instance(instances: &mut Vec<(u32, Instance)>, id: u32) -> Option<Instance> {
    let at = instances.iter().position(|(at, _)| *at == id)?;
    Some(instances.swap_remove(at).1)
}

fn instance_id(host: &HtmlElement) -> Option<u32> {
    js_sys::Reflect::get(host, &JsValue::from_str(INSTANCE_KEY)).ok()?.as_f64().map(|id| id as u32)
}

/// The agent's language: the element's `lang` or its nearest ancestor's
/// (up to `<html lang>`), then the browser's languages, else English.
fn lang_of(host: &HtmlElement) -> Lang {
    let declared = host.closest("[lang]").ok().flatten().and_then(|element| element.get_attribute("lang"));
    let browser: Vec<String> = web_sys::window()
        .map(|window| window.navigator().languages().iter().filter_map(|tag| tag.as_string()).collect())
        .unwrap_or_default();
    Lang::choose(declared.iter().chain(&browser).map(String::as_str))
}

/// Settings from the element's attributes (the page has no CRM).
fn read_settings(host: &HtmlElement) -> Result<Settings, ctisvr_core::SettingsError> {
    Settings::from_attributes(|name| host.get_attribute(name))
}

/// Opens the shadow root (or reuses it) with the stylesheet and a container.
pub(crate) fn prepare_shadow_root(host: &HtmlElement) -> Option<HtmlElement> {
    let root = match host.shadow_root() {
        Some(root) => root,
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).ok()?,
    };
    root.set_inner_html("");
    let document = host.owner_document()?;
    // A constructed stylesheet, shared by every element: a strict Content
    // Security Policy (no 'unsafe-inline' in style-src) blocks a <style>
    // element, not this. Browsers without constructable stylesheets get
    // the <style> element.
    match shared_stylesheet() {
        Some(sheet) => root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet)),
        None => {
            let style = document.create_element("style").ok()?;
            style.set_text_content(Some(CSS));
            root.append_child(&style).ok()?;
        }
    }
    let container: HtmlElement = document.create_element("div").ok()?.dyn_into().ok()?;
    container.set_class_name("root");
    root.append_child(&container).ok()?;
    Some(container)
}
