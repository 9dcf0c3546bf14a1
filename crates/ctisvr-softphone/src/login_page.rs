//! The Salesforce Voice connector's login page (the contact center's
//! `customLoginUrl`; issue 14, docs/salesforce-voice.md): the element's
//! agent panel alone, in a shadow root with the element's stylesheet. The
//! login goes to the connector page, which holds the session; this page
//! never talks to CtiSVR and keeps nothing. `site/voice/login.js` carries
//! the agent id and password to the connector (a `BroadcastChannel` of the
//! connector's origin) and tells this view how it went.
//!
//! ```js
//! import init, { mountLogin } from "../pkg/ctisvr_softphone.js";
//! await init();
//! const view = mountLogin(document.getElementById("login"), (agentId, password) => send(agentId, password));
//! view.failed("CtiSVR refused the login: wrong password");   // or view.done()
//! ```

use crate::element::prepare_shadow_root;
use crate::view::Login;
use ctisvr_core::agent::AgentCommand;
use ctisvr_core::{AgentStatus, Command, Lang, State};
use leptos::mount::mount_to;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The view's state and its login problem.
type Signals = (RwSignal<State>, RwSignal<Option<String>>);

/// The mounted login view. JS: `mountLogin(host, onLogin)`.
#[wasm_bindgen]
pub struct LoginView {
    state: RwSignal<State>,
    problem: RwSignal<Option<String>>,
    _view: Box<dyn std::any::Any>,
}

/// Mounts the login in `host`'s shadow root. `on_login(agentId, password)`
/// is called on each login; the view waits (its button disabled) until
/// [`LoginView::failed`] or [`LoginView::done`].
#[wasm_bindgen(js_name = mountLogin)]
pub fn mount_login(host: web_sys::HtmlElement, on_login: js_sys::Function) -> Result<LoginView, JsError> {
    let container = prepare_shadow_root(&host).ok_or_else(|| JsError::new("cannot open the login's shadow root"))?;
    let declared = host.closest("[lang]").ok().flatten().and_then(|e| e.get_attribute("lang"));
    // Ready to log in: the connector checked CtiSVR before Salesforce showed this page.
    let initial = State {
        ready: true,
        agent: AgentStatus::LoggedOut,
        lang: Lang::choose(declared.as_deref()),
        ..State::default()
    };
    let slot: Rc<RefCell<Option<Signals>>> = Default::default();
    let view = {
        let slot = slot.clone();
        mount_to(container, move || {
            let state = RwSignal::new(initial);
            let problem = RwSignal::new(None::<String>);
            *slot.borrow_mut() = Some((state, problem));
            let on_command = UnsyncCallback::new(move |command| {
                let Command::Agent(AgentCommand::Login { agent_id, password }) = command else { return };
                state.update(|s| s.busy = true);
                problem.set(None);
                let agent_id = JsValue::from_str(agent_id.trim());
                let _ = on_login.call2(&JsValue::NULL, &agent_id, &JsValue::from_str(password.expose()));
            });
            view! { <Login on_command=on_command state=state problem=problem /> }
        })
    };
    let (state, problem) = slot.borrow_mut().take().ok_or_else(|| JsError::new("the login view did not mount"))?;
    Ok(LoginView { state, problem, _view: Box::new(view) })
}

#[wasm_bindgen]
impl LoginView {
    /// The login failed: `reason` is shown, and the agent may try again.
    pub fn failed(&self, reason: String) {
        self.problem.set(Some(reason));
        self.state.update(|s| s.busy = false);
    }

    /// The agent is logged in: Salesforce closes this page.
    pub fn done(&self) {
        self.problem.set(None);
    }
}
