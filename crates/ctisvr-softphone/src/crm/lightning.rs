//! Salesforce Lightning Experience: `sforce.opencti` from
//! `/support/api/<ver>/lightning/opencti_min.js`. Every method takes one
//! object with a `callback` (the listener: `listener`) and answers
//! `{success, returnValue, errors}`.

use super::{call, library};
use crate::js::{get, lookup, object, to_js};
use ctisvr_core::{CrmFault, CrmRequest};
use wasm_bindgen::JsValue;

const NAME: &str = "sforce.opencti";

/// Calls the method for `request`; `callback` receives the answer.
pub fn send(request: &CrmRequest, callback: JsValue) -> Result<(), CrmFault> {
    let opencti = library(&["sforce", "opencti"], NAME)?;
    let (method, argument) = match request {
        CrmRequest::Settings => ("getCallCenterSettings", object(&[("callback", callback)])),
        CrmRequest::ListenClickToDial => ("onClickToDial", object(&[("listener", callback)])),
        CrmRequest::ClickToDial { enabled: true } => ("enableClickToDial", object(&[("callback", callback)])),
        CrmRequest::ClickToDial { enabled: false } => ("disableClickToDial", object(&[("callback", callback)])),
        CrmRequest::ScreenPop { number, .. } => (
            "searchAndScreenPop",
            object(&[
                ("searchParams", JsValue::from_str(number)),
                ("queryParams", JsValue::from_str("")),
                ("callType", inbound()),
                ("deferred", JsValue::FALSE),
                ("callback", callback),
            ]),
        ),
        CrmRequest::ShowPanel => {
            ("setSoftphonePanelVisibility", object(&[("visible", JsValue::TRUE), ("callback", callback)]))
        }
        CrmRequest::SaveLog { log, .. } => {
            ("saveLog", object(&[("value", to_js(&log.lightning_value())), ("callback", callback)]))
        }
        CrmRequest::InitializationComplete => ("notifyInitializationComplete", object(&[("callback", callback)])),
    };
    call(&opencti, NAME, method, &[argument])
}

/// `sforce.opencti.CALL_TYPE.INBOUND`, or its documented value `'inbound'`.
fn inbound() -> JsValue {
    lookup(&["sforce", "opencti", "CALL_TYPE"])
        .and_then(|types| get(&types, "INBOUND"))
        .filter(|value| value.is_string())
        .unwrap_or_else(|| JsValue::from_str("inbound"))
}
