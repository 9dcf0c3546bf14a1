//! Salesforce Classic: `sforce.interaction` and `sforce.interaction.cti`
//! from `/support/api/<ver>/interaction.js`. Methods take positional
//! arguments and a callback answering `{result, error}`.

use super::{call, library};
use ctisvr_core::{CrmFault, CrmRequest};
use wasm_bindgen::JsValue;

const INTERACTION: &str = "sforce.interaction";
const CTI: &str = "sforce.interaction.cti";

/// Calls the method for `request`; `callback` receives the answer (Classic's
/// `notifyInitializationComplete` takes none and never answers).
pub fn send(request: &CrmRequest, callback: JsValue) -> Result<(), CrmFault> {
    let interaction = || library(&["sforce", "interaction"], INTERACTION);
    let cti = || library(&["sforce", "interaction", "cti"], CTI);
    match request {
        CrmRequest::Settings => call(&cti()?, CTI, "getCallCenterSettings", &[callback]),
        CrmRequest::ListenClickToDial => call(&cti()?, CTI, "onClickToDial", &[callback]),
        CrmRequest::ClickToDial { enabled } => {
            let method = if *enabled { "enableClickToDial" } else { "disableClickToDial" };
            call(&cti()?, CTI, method, &[callback])
        }
        CrmRequest::ScreenPop { number, .. } => call(
            &interaction()?,
            INTERACTION,
            "searchAndScreenPop",
            &[JsValue::from_str(number), JsValue::from_str(""), JsValue::from_str("inbound"), callback],
        ),
        CrmRequest::ShowPanel => call(&interaction()?, INTERACTION, "setVisible", &[JsValue::TRUE, callback]),
        CrmRequest::SaveLog { log, .. } => call(
            &interaction()?,
            INTERACTION,
            "saveLog",
            &[JsValue::from_str("Task"), JsValue::from_str(&log.classic_params()), callback],
        ),
        CrmRequest::InitializationComplete => call(&cti()?, CTI, "notifyInitializationComplete", &[]),
    }
}
