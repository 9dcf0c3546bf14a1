//! Salesforce Classic: `sforce.interaction` and `sforce.interaction.cti`
//! from `/support/api/<ver>/interaction.js`. Methods take positional
//! arguments and a callback answering `{result, error}`.

use crate::js::{call_method, lookup};
use ctisvr_core::CrmRequest;
use wasm_bindgen::JsValue;

const INTERACTION: &str = "sforce.interaction";
const CTI: &str = "sforce.interaction.cti";

/// Calls the method for `request`; `callback` receives the answer (Classic's
/// `notifyInitializationComplete` takes none and never answers).
pub fn send(request: &CrmRequest, callback: JsValue) -> Result<(), String> {
    let api = |path: &[&str], name: &str| lookup(path).ok_or_else(|| format!("{name} is not loaded on this page"));
    let interaction = || api(&["sforce", "interaction"], INTERACTION);
    let cti = || api(&["sforce", "interaction", "cti"], CTI);
    match request {
        CrmRequest::Settings => call_method(&cti()?, CTI, "getCallCenterSettings", &[callback]),
        CrmRequest::ListenClickToDial => call_method(&cti()?, CTI, "onClickToDial", &[callback]),
        CrmRequest::ClickToDial { enabled } => {
            let method = if *enabled { "enableClickToDial" } else { "disableClickToDial" };
            call_method(&cti()?, CTI, method, &[callback])
        }
        CrmRequest::ScreenPop { number, .. } => call_method(
            &interaction()?,
            INTERACTION,
            "searchAndScreenPop",
            &[JsValue::from_str(number), JsValue::from_str(""), JsValue::from_str("inbound"), callback],
        ),
        CrmRequest::ShowPanel => call_method(&interaction()?, INTERACTION, "setVisible", &[JsValue::TRUE, callback]),
        CrmRequest::SaveLog { log, .. } => call_method(
            &interaction()?,
            INTERACTION,
            "saveLog",
            &[JsValue::from_str("Task"), JsValue::from_str(&log.classic_params()), callback],
        ),
        CrmRequest::InitializationComplete => call_method(&cti()?, CTI, "notifyInitializationComplete", &[]),
    }
}
