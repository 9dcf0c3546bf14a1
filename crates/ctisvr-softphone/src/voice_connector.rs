//! The Salesforce Voice connector's engine, headless (issue 14;
//! docs/salesforce-voice.md): the same [`Driver`] as the element (the
//! session, its socket, timers, tabs and storage) with no view, and the
//! core's [`ctisvr_core::voice::VoiceConnector`] beside it. The connector
//! page's JS layer (`site/voice/connector.js`) holds Salesforce's SDK,
//! forwards each SDK method call here as JSON and turns what comes back
//! into the SDK's classes. Decisions are the core's; this is the loop.
//!
//! ```text
//! connector.js --init / request / login--> VoiceConnector::handle_*(now, ..)
//! Driver --updates, state--> VoiceConnector::handle_update / handle_state
//! VoiceConnector --poll_output--> on_output(JSON) --> connector.js --> SDK
//! VoiceConnector --poll_timeout--> timer --> handle_timeout(now)
//! ```
//!
//! ```js
//! import init, { VoiceConnector } from "../pkg/ctisvr_softphone.js";
//! await init();
//! const engine = new VoiceConnector(callCenterConfig, (json) => handle(JSON.parse(json)));
//! engine.init(1);                       // later: {"kind":"initialized","ticket":1,"showLogin":true}
//! engine.request(2, JSON.stringify({ method: "acceptCall" }));
//! ```

use crate::clock::now;
use crate::driver::Driver;
use ctisvr_core::agent::AgentCommand;
use ctisvr_core::voice::sdk_outputs::{call_json, capabilities_json, output_json, phone_json};
use ctisvr_core::voice::{active_calls, DeskPhone, Ticket, VoiceCapabilities, VoiceConnector as Core, VoiceSettings};
use ctisvr_core::wire::Password;
use ctisvr_core::{Command, Lang, State, Update};
use gloo_timers::callback::Timeout;
use leptos::prelude::{Owner, RwSignal};
use serde_json::Value;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// One connector page's engine. JS: `new VoiceConnector(config, onOutput)`.
#[wasm_bindgen]
pub struct VoiceConnector {
    edge: Rc<Edge>,
}

struct Edge {
    driver: Driver,
    /// The VoiceCall service's base URL, from the contact center.
    voice_call_service: Option<String>,
    voice: RefCell<Core>,
    /// The JS layer's callback: one output's JSON text per call.
    on_output: js_sys::Function,
    timer: RefCell<Option<Timeout>>,
    /// Keeps the state signal's reactive owner alive.
    _owner: Owner,
}

#[wasm_bindgen]
impl VoiceConnector {
    /// `config`: the contact center's items as Salesforce hands them to
    /// `init` (`{"/ServerInfo/wsURIA": "wss://…", …}`); `on_output`: called
    /// with each output's JSON text (`ctisvr_core::voice::sdk_outputs`).
    /// Throws the settings' problem in words (for the SDK's error).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, on_output: js_sys::Function) -> Result<VoiceConnector, JsError> {
        let text = js_sys::JSON::stringify(&config).ok().and_then(|text| text.as_string()).unwrap_or_default();
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let settings = VoiceSettings::from_contact_center(&value).map_err(|e| JsError::new(&e.to_string()))?;
        let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| JsError::new("no document"))?;
        // The driver dispatches the element's DOM events on its host: here a
        // detached node nobody sees.
        let host: web_sys::HtmlElement = document
            .create_element("div")
            .ok()
            .and_then(|e| e.dyn_into().ok())
            .ok_or_else(|| JsError::new("cannot create the engine's node"))?;
        let owner = Owner::new();
        let state = owner.with(|| RwSignal::new(State::default()));
        let declared = document.document_element().and_then(|e| e.get_attribute("lang"));
        let lang = Lang::choose(declared.as_deref());
        let driver = Driver::new(host, state, lang);
        let edge = Rc::new(Edge {
            driver,
            voice_call_service: settings.voice_call_service,
            voice: RefCell::new(Core::new(settings.presence)),
            on_output,
            timer: RefCell::new(None),
            _owner: owner,
        });
        let weak = Rc::downgrade(&edge);
        edge.driver.observe(Rc::new(move |updates: &[Update], state: &State| {
            let Some(edge) = weak.upgrade() else { return };
            {
                let mut voice = edge.voice.borrow_mut();
                for update in updates {
                    voice.handle_update(update);
                }
                voice.handle_state(state);
            }
            flush(&edge);
        }));
        edge.driver.configure(Ok(settings.softphone));
        Ok(VoiceConnector { edge })
    }

    /// Salesforce called `init` (its promise is `ticket`).
    pub fn init(&self, ticket: Ticket) {
        let state = self.edge.driver.state();
        self.edge.voice.borrow_mut().handle_init(now(), ticket, &state);
        flush(&self.edge);
    }

    /// An SDK method call (`ticket`), as JSON text: `{"method": "acceptCall", …}`.
    pub fn request(&self, ticket: Ticket, request: &str) {
        let state = self.edge.driver.state();
        let value: Value = serde_json::from_str(request).unwrap_or(Value::Null);
        let decoded = self.edge.voice.borrow_mut().handle_sdk_request(ticket, &value, &state);
        if let Some((voice, command)) = decoded {
            // The driver pumps (and may call the observer) before returning.
            let verdict = self.edge.driver.command(command.clone());
            self.edge.voice.borrow_mut().handle_verdict(now(), ticket, &voice, &command, &state, verdict);
        }
        flush(&self.edge);
    }

    /// The login page's login (`ticket`). The password stays in this
    /// page's memory, as in the element.
    pub fn login(&self, ticket: Ticket, agent_id: String, password: String) {
        let command = Command::Agent(AgentCommand::Login { agent_id, password: Password::new(password) });
        let verdict = self.edge.driver.command(command);
        self.edge.voice.borrow_mut().handle_login(now(), ticket, verdict);
        flush(&self.edge);
    }

    /// `getActiveCalls`: the calls at the extension, as JSON text (an
    /// array of `sdk_outputs` calls).
    #[wasm_bindgen(js_name = activeCalls)]
    pub fn active_calls(&self) -> String {
        let calls: Vec<Value> = active_calls(&self.edge.driver.state()).iter().map(|c| call_json(c, false)).collect();
        Value::Array(calls).to_string()
    }

    /// Whether the login page's login is for this connector: CtiSVR is
    /// reached and nobody is logged in at the extension.
    #[wasm_bindgen(js_name = awaitsLogin)]
    pub fn awaits_login(&self) -> bool {
        let state = self.edge.driver.state();
        state.ready && matches!(state.agent, ctisvr_core::AgentStatus::LoggedOut)
    }

    /// `getCapabilities`, as JSON text.
    pub fn capabilities(&self) -> String {
        capabilities_json(&VoiceCapabilities::DESK_PHONE).to_string()
    }

    /// `getAgentConfig`'s phone, as JSON text.
    pub fn phone(&self) -> String {
        phone_json(&DeskPhone { extension: self.edge.driver.state().extension }).to_string()
    }

    /// The VoiceCall service's base URL (no trailing `/`), if the contact
    /// center names one.
    #[wasm_bindgen(js_name = voiceCallService)]
    pub fn voice_call_service(&self) -> Option<String> {
        self.edge.voice_call_service.clone()
    }

    /// Closes the socket and stops the timers (the page is going).
    #[wasm_bindgen(js_name = shutDown)]
    pub fn shut_down(&self) {
        self.edge.timer.borrow_mut().take();
        self.edge.driver.shut_down();
    }
}

/// Hands every output to the JS layer and sets the timer for the next deadline.
fn flush(edge: &Rc<Edge>) {
    let outputs: Vec<String> = {
        let words = edge.driver.words();
        let mut voice = edge.voice.borrow_mut();
        std::iter::from_fn(|| voice.poll_output()).map(|output| output_json(&output, words).to_string()).collect()
    };
    for output in outputs {
        // A throwing callback is the JS layer's bug; the engine goes on.
        let _ = edge.on_output.call1(&JsValue::NULL, &JsValue::from_str(&output));
    }
    let deadline = edge.voice.borrow().poll_timeout();
    let timer = deadline.map(|at| {
        let delay = at.since(now()).as_millis().min(u128::from(u32::MAX)) as u32;
        let weak: Weak<Edge> = Rc::downgrade(edge);
        Timeout::new(delay, move || {
            if let Some(edge) = weak.upgrade() {
                edge.voice.borrow_mut().handle_timeout(now());
                flush(&edge);
            }
        })
    });
    *edge.timer.borrow_mut() = timer;
}
