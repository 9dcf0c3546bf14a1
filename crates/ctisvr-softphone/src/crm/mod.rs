//! The CRM bridge: Salesforce Open CTI, Lightning ([`lightning`],
//! `sforce.opencti`) or Classic ([`classic`], `sforce.interaction`).
//!
//! It decides nothing (the core's [`ctisvr_core::crm`] does): it calls the
//! Salesforce library for the session's CRM effects and feeds what comes
//! back into the session through the [`Driver`].
//!
//! | session | Lightning | Classic | back into the session |
//! |---|---|---|---|
//! | start | `getCallCenterSettings` | `cti.getCallCenterSettings` | `Driver::configure(Crm::settings(response))` |
//! | start | `onClickToDial({listener})` | `cti.onClickToDial(listener)` | `CrmInput::ClickToDial` |
//! | `Effect::ClickToDial` | `enableClickToDial` / `disableClickToDial` | `cti.enable…` / `cti.disable…` | a failure: `CrmInput::Failed` |
//! | `Effect::ScreenPop` | `searchAndScreenPop({searchParams, callType: INBOUND})` | `searchAndScreenPop(number, '', 'inbound')` | `CrmInput::ScreenPopResult` |
//! | `Effect::ShowPanel` | `setSoftphonePanelVisibility({visible: true})` | `setVisible(true)` | a failure: `CrmInput::Failed` |
//! | `Effect::SaveLog` | `saveLog({value: log.lightning_value()})` | `saveLog('Task', log.classic_params())` | `LogSaved` / `LogFailed` |
//! | `Effect::InitializationComplete` | `notifyInitializationComplete` | `cti.notifyInitializationComplete()` | a failure: `CrmInput::Failed` |
//!
//! A Salesforce method that is missing or throws is treated like a call that
//! answered with an error, so the agent always sees what went wrong.

pub mod classic;
pub mod lightning;

use crate::driver::{Driver, WeakDriver};
use crate::socket::describe_js_error;
use ctisvr_core::calls::CallId;
use ctisvr_core::{CallLog, Crm, CrmInput, Effect, SettingsError};
use serde_json::Value;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The CRM of this page: the `crm` attribute's choice (`lightning`,
/// `classic`, `none`), else what the Salesforce library on the page offers.
pub fn detect(attribute: Option<String>) -> Crm {
    let forced = attribute.as_deref().and_then(Crm::from_attribute);
    Crm::detect(forced, lookup(&["sforce", "opencti"]).is_some(), lookup(&["sforce", "interaction"]).is_some())
}

/// One element's link to the CRM.
pub struct Bridge {
    crm: Crm,
}

/// A call to the Salesforce library, with what its answer is about.
#[derive(Debug, Clone)]
pub enum Request {
    Settings,
    ListenClickToDial,
    ClickToDial { enabled: bool },
    ScreenPop { call_id: CallId, number: String },
    ShowPanel,
    SaveLog { call_id: CallId, log: CallLog },
    InitializationComplete,
}

impl Bridge {
    /// A bridge to Lightning or Classic; `None` for no CRM.
    pub fn new(crm: Crm) -> Option<Bridge> {
        (crm != Crm::None).then_some(Bridge { crm })
    }

    /// Asks for the call center settings and listens for click-to-dial.
    /// Without the library only the settings fail (one clear message).
    pub fn start(&self, driver: &Driver) {
        self.send(driver, Request::Settings);
        let api = match self.crm {
            Crm::Lightning => lookup(&["sforce", "opencti"]),
            Crm::Classic => lookup(&["sforce", "interaction", "cti"]),
            Crm::None => None,
        };
        if api.is_some() {
            self.send(driver, Request::ListenClickToDial);
        }
    }

    /// Carries out a CRM effect of the session (others are not ours).
    pub fn carry_out(&self, driver: &Driver, effect: &Effect) {
        let request = match effect {
            Effect::ClickToDial { enabled } => Request::ClickToDial { enabled: *enabled },
            Effect::ScreenPop { call_id, number } => Request::ScreenPop { call_id: *call_id, number: number.clone() },
            Effect::ShowPanel => Request::ShowPanel,
            Effect::SaveLog { call_id, log } => Request::SaveLog { call_id: *call_id, log: log.clone() },
            Effect::InitializationComplete => Request::InitializationComplete,
            _ => return,
        };
        self.send(driver, request);
    }

    /// Calls the library; the answer (or the exception) goes to [`feed`].
    fn send(&self, driver: &Driver, request: Request) {
        let crm = self.crm;
        let weak = driver.downgrade();
        let answer = match request {
            // The listener stays registered for the page's lifetime.
            Request::ListenClickToDial => listener(weak, crm),
            _ => reply_once(weak, crm, request.clone()),
        };
        let sent = match crm {
            Crm::Lightning => lightning::send(&request, answer),
            Crm::Classic => classic::send(&request, answer),
            Crm::None => Ok(()),
        };
        if let Err(error) = sent {
            feed(driver, crm, request, Err(error));
        }
    }
}

/// A one-shot callback that feeds the answer to `request` into the session.
fn reply_once(driver: WeakDriver, crm: Crm, request: Request) -> JsValue {
    Closure::once_into_js(move |response: JsValue| {
        if let Some(driver) = driver.upgrade() {
            feed(&driver, crm, request, Ok(to_json(&response)));
        }
    })
}

/// The click-to-dial listener (called for every click).
fn listener(driver: WeakDriver, crm: Crm) -> JsValue {
    Closure::<dyn FnMut(JsValue)>::new(move |response: JsValue| {
        if let Some(driver) = driver.upgrade() {
            feed(&driver, crm, Request::ListenClickToDial, Ok(to_json(&response)));
        }
    })
    .into_js_value()
}

/// What the library answered to `request` (`Err`: it threw or is missing),
/// into the session.
fn feed(driver: &Driver, crm: Crm, request: Request, response: Result<Value, String>) {
    let read = |response: Result<Value, String>| response.and_then(|r| crm.read_response(&r));
    let failed = |what: &str, error: String| CrmInput::Failed { what: what.to_owned(), error };
    let input = match request {
        Request::Settings => {
            driver.configure(response.map_err(SettingsError::Crm).and_then(|r| crm.settings(&r)));
            return;
        }
        Request::ListenClickToDial => match response {
            Ok(response) => CrmInput::ClickToDial(crm.click_to_dial_payload(&response)),
            Err(error) => failed("Listening for click-to-dial", error),
        },
        Request::ScreenPop { call_id, number } => match read(response) {
            Ok(result) => CrmInput::ScreenPopResult { call_id, result },
            Err(error) => failed(&format!("Screen pop of {number}"), error),
        },
        Request::SaveLog { call_id, log } => match read(response) {
            Ok(_) => CrmInput::LogSaved { call_id },
            Err(error) => CrmInput::LogFailed { call_id, log, error },
        },
        Request::ClickToDial { enabled } => match read(response) {
            Ok(_) => return,
            Err(error) => failed(if enabled { "Turning click-to-dial on" } else { "Turning click-to-dial off" }, error),
        },
        Request::ShowPanel => match read(response) {
            Ok(_) => return,
            Err(error) => failed("Showing the softphone panel", error),
        },
        Request::InitializationComplete => match read(response) {
            Ok(_) => return,
            Err(error) => failed("Telling Salesforce the softphone is ready", error),
        },
    };
    driver.handle_crm(input);
}

// ----- JavaScript plumbing ------------------------------------------------

/// `globalThis.a.b.c`, when it is an object or a function.
pub(crate) fn lookup(path: &[&str]) -> Option<JsValue> {
    path.iter().try_fold(js_sys::global().into(), |object: JsValue, key| {
        let value = js_sys::Reflect::get(&object, &JsValue::from_str(key)).ok()?;
        (value.is_object() || value.is_function()).then_some(value)
    })
}

/// `target[method](...args)`; a missing method or an exception is `Err`.
pub(crate) fn call_method(target: &JsValue, name: &str, method: &str, args: &[JsValue]) -> Result<(), String> {
    let function = js_sys::Reflect::get(target, &JsValue::from_str(method))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| format!("{name}.{method} is not available on this page"))?;
    let args: js_sys::Array = args.iter().collect();
    function.apply(target, &args).map(drop).map_err(|error| format!("{name}.{method}: {}", describe_js_error(error)))
}

/// A plain object `{key: value, ...}`.
pub(crate) fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in fields {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}

/// A JavaScript value as JSON (functions and `undefined` drop out; what
/// cannot be serialised is `null`).
pub(crate) fn to_json(value: &JsValue) -> Value {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null)
}

/// JSON as a JavaScript value.
pub(crate) fn to_js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}
