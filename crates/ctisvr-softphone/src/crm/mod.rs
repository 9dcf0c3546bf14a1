//! The CRM bridge: Salesforce Open CTI, Lightning ([`lightning`],
//! `sforce.opencti`) or Classic ([`classic`], `sforce.interaction`).
//!
//! It decides nothing: it calls the Salesforce library for each
//! [`CrmRequest`] the session asks for (`Session::poll_crm`; the table of
//! methods is on [`CrmRequest`]) and hands what comes back, untouched, to
//! its `on_answer` callback, which gives it to the session
//! (`Session::handle_crm_answer`): the core reads it, words any failure and
//! chooses what to show. A Salesforce method that is missing or throws is
//! answered `Err` with why, so the agent always sees what went wrong.

pub mod classic;
pub mod lightning;

use crate::js::{describe_js_error, get, lookup, to_json};
use ctisvr_core::{Crm, CrmFault, CrmRequest};
use serde_json::Value;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The CRM of this page: the `crm` attribute's choice (`lightning`,
/// `classic`, `none`), else what the Salesforce library on the page offers.
pub fn detect(attribute: Option<String>) -> Crm {
    let forced = attribute.as_deref().and_then(Crm::from_attribute);
    Crm::detect(forced, lookup(&["sforce", "opencti"]).is_some(), lookup(&["sforce", "interaction"]).is_some())
}

/// Where the answers go: the request and the library's answer as JSON
/// (`Err`: the library or the method is missing, or it threw).
type OnAnswer = Rc<dyn Fn(CrmRequest, Result<Value, CrmFault>)>;

/// One element's link to the CRM.
pub struct Bridge {
    crm: Crm,
    on_answer: OnAnswer,
}

impl Bridge {
    /// A bridge to Lightning or Classic (`None` for no CRM) whose answers
    /// go to `on_answer`, later or (for a call that fails at once) during
    /// [`Bridge::send`].
    pub fn new(crm: Crm, on_answer: impl Fn(CrmRequest, Result<Value, CrmFault>) + 'static) -> Option<Bridge> {
        (crm != Crm::None).then(|| Bridge { crm, on_answer: Rc::new(on_answer) })
    }

    /// Calls the library for `request`; its answer (or the exception) goes
    /// to `on_answer`.
    pub fn send(&self, request: CrmRequest) {
        let answer = match request {
            // The listener stays registered for the page's lifetime.
            CrmRequest::ListenClickToDial => listener(self.on_answer.clone()),
            _ => reply_once(self.on_answer.clone(), request.clone()),
        };
        let sent = match self.crm {
            Crm::Lightning => lightning::send(&request, answer),
            Crm::Classic => classic::send(&request, answer),
            Crm::None => Ok(()),
        };
        if let Err(error) = sent {
            (self.on_answer)(request, Err(error));
        }
    }
}

/// The library object at `path`, named `library` (`sforce.opencti`).
fn library(path: &[&str], library: &str) -> Result<JsValue, CrmFault> {
    lookup(path).ok_or_else(|| CrmFault::NotLoaded { library: library.to_owned() })
}

/// `target[method](...args)` on the library named `library`.
fn call(target: &JsValue, library: &str, method: &str, args: &[JsValue]) -> Result<(), CrmFault> {
    let function = get(target, method)
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| CrmFault::NoMethod { library: library.to_owned(), method: method.to_owned() })?;
    let args: js_sys::Array = args.iter().collect();
    function.apply(target, &args).map(drop).map_err(|error| CrmFault::Threw {
        library: library.to_owned(),
        method: method.to_owned(),
        message: describe_js_error(error),
    })
}

/// A one-shot callback that hands the answer to `request` on.
fn reply_once(on_answer: OnAnswer, request: CrmRequest) -> JsValue {
    Closure::once_into_js(move |response: JsValue| on_answer(request, Ok(to_json(&response))))
}

/// The click-to-dial listener (called for every click).
fn listener(on_answer: OnAnswer) -> JsValue {
    Closure::<dyn FnMut(JsValue)>::new(move |response: JsValue| {
        on_answer(CrmRequest::ListenClickToDial, Ok(to_json(&response)))
    })
    .into_js_value()
}
