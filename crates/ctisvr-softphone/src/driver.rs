//! The edge loop: feeds the core [`Session`] with what the browser reports
//! and carries out what the session asks for. It decides nothing.
//!
//! ```text
//! socket / timer / click --handle_*(now, ..)--> Session
//! Session --poll_update / poll_storage / poll_settings_storage / poll_socket / poll_transmit / poll_timeout--> pump() --> DOM, storage, socket, timer
//! Session --poll_crm--> pump() --> crm::Bridge --> sforce.* --on_answer--> Session::handle_crm_answer
//! Session --state()--> RwSignal<State> --> view
//! Session --tab_channel / call_storage_key--> pump() --> TabChannel, TabLocks, StorageSlot (once)
//! ```

use crate::clock::now;
use crate::crm::Bridge;
use crate::dom_events;
use crate::js::{get, navigator_online, page_origin, persisted};
use crate::notifications::Notifier;
use crate::socket::{Socket, SocketEvent};
use crate::storage_slot::StorageSlot;
use crate::tab_locks::TabLocks;
use crate::tabs::{random_id, TabChannel};
use ctisvr_core::tabs::PageEvent;
use ctisvr_core::{
    Attention, Catalogue, Command, ConnId, Crm, CrmRequest, Lang, Network, Rejected, Session, SessionOptions, Settings,
    SettingsError, SocketOrder, State, TransportEvent, Update,
};
use gloo_timers::callback::Timeout;
use leptos::prelude::{RwSignal, Set, WithUntracked};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// One element's session and its browser resources. Cheap to clone.
#[derive(Clone)]
pub struct Driver {
    inner: Rc<Inner>,
}

struct Inner {
    session: RefCell<Session>,
    socket: RefCell<Option<(ConnId, Socket)>>,
    timer: RefCell<Option<Timeout>>,
    state: RwSignal<State>,
    host: HtmlElement,
    /// The CRM bridge, when the page has a CRM (settings then come from it).
    bridge: RefCell<Option<Rc<Bridge>>>,
    /// `pump` is running: a nested call (a page listener or a CRM callback
    /// calling back in) only asks the running one to go round again, so
    /// outputs keep their order and the view never gets an older state.
    pumping: Cell<bool>,
    pump_again: Cell<bool>,
    /// The agent's other tabs (who pops and logs), once the settings name the server.
    tabs: RefCell<Option<TabChannel>>,
    /// This tab's Web Lock and the watch on the others', where the browser gives them.
    locks: RefCell<Option<TabLocks>>,
    /// Where the live calls are kept for a reload, once the settings name the server.
    call_storage: RefCell<Option<StorageSlot>>,
    /// Notifications of calls ringing while the page is hidden.
    notifier: RefCell<Notifier>,
    /// The page lifecycle and network listeners (pagehide, pageshow,
    /// visibility, focus, freeze, resume, online, offline) and what they
    /// are registered on.
    lifecycle: RefCell<Vec<Listener>>,
    /// Who else reads each batch of updates with the state after it (the
    /// Salesforce Voice connector).
    observer: RefCell<Option<Observer>>,
}

/// Reads a batch of updates and the state after them.
pub type Observer = Rc<dyn Fn(&[Update], &State)>;

/// An event listener: where it is registered, for which event, and the closure.
type Listener = (web_sys::EventTarget, &'static str, Closure<dyn FnMut(web_sys::Event)>);

/// What a page or network event tells the session.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PageInput {
    Page(PageEvent),
    Network(Network),
}

impl Driver {
    /// A driver rendering into `state` and dispatching DOM events on `host`,
    /// speaking `lang` until told otherwise.
    pub fn new(host: HtmlElement, state: RwSignal<State>, lang: Lang) -> Driver {
        // Jitter seed and tab id: the core has no randomness of its own.
        let options = SessionOptions { seed: random_id(), tab: Some(random_id()), ..SessionOptions::default() };
        let mut session = Session::new(options);
        session.set_page(page_origin());
        session.set_lang(lang);
        // A page loaded offline hears no `offline` event.
        if !navigator_online() {
            session.handle_network(now(), Network::Offline);
        }
        let inner = Inner {
            session: RefCell::new(session),
            socket: RefCell::new(None),
            timer: RefCell::new(None),
            state,
            host,
            bridge: RefCell::new(None),
            pumping: Cell::new(false),
            pump_again: Cell::new(false),
            tabs: RefCell::new(None),
            locks: RefCell::new(None),
            call_storage: RefCell::new(None),
            notifier: RefCell::new(Notifier::default()),
            lifecycle: RefCell::new(Vec::new()),
            observer: RefCell::new(None),
        };
        let driver = Driver { inner: Rc::new(inner) };
        driver.listen_to_the_page();
        driver
    }

    /// Opens what the session names once settings name the server: the
    /// tabs' channel (once: it stays when settings change) and the calls'
    /// storage slot. The first slot gives the session what it kept; when
    /// the key changes (the CRM named another server than a reload
    /// remembered), the calls are kept under the new key from then on.
    fn open_named(&self) {
        let (channel, storage) = {
            let session = self.inner.session.borrow();
            (session.tab_channel(), session.call_storage_key())
        };
        if let Some(name) = channel.filter(|_| self.inner.tabs.borrow().is_none()) {
            self.join_tabs(&name);
        }
        let Some(key) = storage else { return };
        let same = self.inner.call_storage.borrow().as_ref().map(|slot| slot.key() == key);
        match same {
            None => self.resume_calls(key),
            Some(false) => *self.inner.call_storage.borrow_mut() = Some(StorageSlot::new(key)),
            Some(true) => {}
        }
    }

    /// Softphones of the same server agree on who pops and logs each call
    /// on the channel `name` ([`Session::tab_channel`]).
    fn join_tabs(&self, name: &str) {
        let weak = Rc::downgrade(&self.inner);
        let channel = TabChannel::open(name, move |message| {
            if let Some(driver) = upgrade(&weak) {
                driver.inner.session.borrow_mut().handle_tab_message(now(), message);
                driver.pump();
            }
        });
        if channel.is_none() {
            return;
        }
        *self.inner.tabs.borrow_mut() = channel;
        // Say Hello once our lock is held, so that a tab that hears us and
        // waits for our lock never finds it free before we took it.
        let me = self.inner.session.borrow().tab_id();
        let weak = Rc::downgrade(&self.inner);
        let locks = TabLocks::hold(name, me, move || {
            let Some(driver) = upgrade(&weak) else { return };
            {
                let mut session = driver.inner.session.borrow_mut();
                session.join_tabs(now());
                // Where the agent looks: this page's state now.
                for event in page_state() {
                    session.handle_page(now(), event);
                }
            }
            driver.pump();
        });
        *self.inner.locks.borrow_mut() = locks;
    }

    /// What this tab kept about its calls before a reload (under `key`,
    /// [`Session::call_storage_key`]) goes to the session before it connects.
    fn resume_calls(&self, key: String) {
        let storage = StorageSlot::new(key);
        if let Some(text) = storage.read() {
            self.inner.session.borrow_mut().resume_calls(&text);
        }
        *self.inner.call_storage.borrow_mut() = Some(storage);
    }

    /// Web Locks tell when each tab we heard from has gone.
    fn watch_tabs(&self) {
        let tabs: Vec<_> = {
            let mut session = self.inner.session.borrow_mut();
            std::iter::from_fn(|| session.poll_new_tab()).collect()
        };
        let locks = self.inner.locks.borrow();
        let Some(locks) = locks.as_ref() else { return };
        for tab in tabs {
            let weak = Rc::downgrade(&self.inner);
            locks.watch(tab, move || {
                if let Some(driver) = upgrade(&weak) {
                    driver.inner.session.borrow_mut().handle_tab_gone(now(), tab);
                    driver.pump();
                }
            });
        }
    }

    /// The page's lifecycle, for the tabs' agreement and the connection:
    /// shown, hidden, focused, frozen, resumed, gone; and the network:
    /// online, offline.
    fn listen_to_the_page(&self) {
        let Some(window) = web_sys::window() else { return };
        let document: Option<web_sys::EventTarget> = window.document().map(Into::into);
        let window: web_sys::EventTarget = window.into();
        let mut listeners = Vec::new();
        let mut listen =
            |target: &web_sys::EventTarget, name: &'static str, input: fn(&web_sys::Event) -> Option<PageInput>| {
                let weak = Rc::downgrade(&self.inner);
                let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                    let (Some(driver), Some(input)) = (upgrade(&weak), input(&event)) else { return };
                    match input {
                        PageInput::Page(event) => {
                            driver.inner.session.borrow_mut().handle_page(now(), event);
                            if event == PageEvent::Closing || event == PageEvent::Frozen {
                                // The page may stop before the pump's next turn.
                                driver.post_tab_messages();
                            }
                        }
                        PageInput::Network(network) => driver.inner.session.borrow_mut().handle_network(now(), network),
                    }
                    driver.pump();
                });
                if target.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref()).is_ok() {
                    listeners.push((target.clone(), name, closure));
                }
            };
        listen(&window, "pagehide", |_| Some(PageInput::Page(PageEvent::Closing)));
        // Back from the back/forward cache: running again after `pagehide`.
        listen(&window, "pageshow", |event| persisted(event).then_some(PageInput::Page(PageEvent::Resumed)));
        listen(&window, "focus", |_| Some(PageInput::Page(PageEvent::Focused)));
        listen(&window, "online", |_| Some(PageInput::Network(Network::Online)));
        listen(&window, "offline", |_| Some(PageInput::Network(Network::Offline)));
        if let Some(document) = &document {
            listen(document, "visibilitychange", |_| page_state().into_iter().next().map(PageInput::Page));
            listen(document, "freeze", |_| Some(PageInput::Page(PageEvent::Frozen)));
            listen(document, "resume", |_| Some(PageInput::Page(PageEvent::Resumed)));
        }
        *self.inner.lifecycle.borrow_mut() = listeners;
    }

    /// Hands this tab's duties to the other tabs at once.
    fn leave_tabs(&self) {
        self.inner.session.borrow_mut().leave(now());
        self.post_tab_messages();
    }

    fn post_tab_messages(&self) {
        let messages: Vec<_> = {
            let mut session = self.inner.session.borrow_mut();
            std::iter::from_fn(|| session.poll_tab_message()).collect()
        };
        if let Some(channel) = self.inner.tabs.borrow().as_ref() {
            for message in &messages {
                channel.post(message);
            }
        }
    }

    /// Connects the session to the page's CRM, if it has one (`false` for
    /// [`Crm::None`]): settings and click-to-dial come from it from now on,
    /// and the session's CRM requests go to it.
    pub fn attach_crm(&self, crm: Crm) -> bool {
        let weak = Rc::downgrade(&self.inner);
        let Some(bridge) = Bridge::new(crm, move |request, answer| {
            if let Some(driver) = upgrade(&weak) {
                driver.inner.session.borrow_mut().handle_crm_answer(now(), request, answer);
                driver.pump();
            }
        }) else {
            return false;
        };
        *self.inner.bridge.borrow_mut() = Some(Rc::new(bridge));
        {
            let mut session = self.inner.session.borrow_mut();
            session.attach_crm(crm);
            // A reload connects with the settings the CRM gave before, at once.
            if let Some(text) = settings_slot().read() {
                session.resume_crm_settings(now(), &text);
            }
        }
        self.pump();
        true
    }

    /// `observer` reads every batch of updates from now on, after the DOM
    /// events went out.
    pub fn observe(&self, observer: Observer) {
        *self.inner.observer.borrow_mut() = Some(observer);
    }

    /// The session's state now.
    pub fn state(&self) -> State {
        self.inner.session.borrow().state()
    }

    /// Whether a CRM gives the settings (attributes are then ignored).
    pub fn has_crm(&self) -> bool {
        self.inner.bridge.borrow().is_some()
    }

    /// New settings from the CRM or the attributes.
    pub fn configure(&self, settings: Result<Settings, SettingsError>) {
        self.inner.session.borrow_mut().configure(now(), settings);
        self.pump();
    }

    /// A command from the view or the page's script.
    pub fn command(&self, command: Command) -> Result<(), Rejected> {
        let result = self.inner.session.borrow_mut().command(now(), command);
        self.pump();
        result
    }

    /// The agent's language changed (the element's `lang`, or on connect).
    pub fn set_lang(&self, lang: Lang) {
        if self.inner.session.borrow().lang() == lang {
            return;
        }
        self.inner.session.borrow_mut().set_lang(lang);
        self.pump();
    }

    /// The words of the agent's language (a script method's refusal).
    pub fn words(&self) -> &'static dyn Catalogue {
        self.inner.session.borrow().lang().words()
    }

    /// Closes the socket and stops the timer: the element is gone.
    pub fn shut_down(&self) {
        self.leave_tabs();
        self.inner.tabs.borrow_mut().take();
        self.inner.locks.borrow_mut().take();
        for (target, name, closure) in self.inner.lifecycle.borrow_mut().drain(..) {
            let _ = target.remove_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
        }
        self.inner.timer.borrow_mut().take();
        self.inner.socket.borrow_mut().take();
        self.inner.notifier.borrow_mut().clear();
    }

    /// Carries out everything the session has queued. Borrows are released
    /// before any DOM event is dispatched, so page listeners may call back in.
    fn pump(&self) {
        if self.inner.pumping.replace(true) {
            self.inner.pump_again.set(true);
            return;
        }
        self.pump_loop();
        self.inner.pumping.set(false);
    }

    fn pump_loop(&self) {
        loop {
            // Before any socket opens: the stored calls go to the session first.
            self.open_named();
            let (updates, requests, storage, settings_storage, orders, frames, deadline, state, attention) = {
                let mut session = self.inner.session.borrow_mut();
                let attention: Vec<Attention> = std::iter::from_fn(|| session.poll_attention()).collect();
                let updates: Vec<Update> = std::iter::from_fn(|| session.poll_update()).collect();
                let requests: Vec<CrmRequest> = std::iter::from_fn(|| session.poll_crm()).collect();
                let storage = session.poll_storage();
                let settings_storage = session.poll_settings_storage();
                let orders: Vec<SocketOrder> = std::iter::from_fn(|| session.poll_socket()).collect();
                let frames: Vec<String> = std::iter::from_fn(|| session.poll_transmit()).collect();
                let deadline = session.poll_timeout();
                (updates, requests, storage, settings_storage, orders, frames, deadline, session.state(), attention)
            };
            for order in attention {
                self.inner.notifier.borrow_mut().carry_out(order, &self.inner.host);
            }
            for update in &updates {
                dom_events::dispatch(&self.inner.host, update, state.words());
            }
            let observer = self.inner.observer.borrow().clone();
            if let Some(observer) = observer {
                observer(&updates, &state);
            }
            // Without a CRM on the page, its requests have nowhere to go.
            let bridge = self.inner.bridge.borrow().clone();
            if let Some(bridge) = bridge {
                for request in requests {
                    bridge.send(request);
                }
            }
            if let (Some(order), Some(slot)) = (storage, self.inner.call_storage.borrow().as_ref()) {
                slot.write(order);
            }
            if let Some(order) = settings_storage {
                settings_slot().write(order);
            }
            let mut again = false;
            for order in orders {
                again |= self.carry_out(order);
            }
            again |= self.send_all(&frames);
            self.post_tab_messages();
            self.watch_tabs();
            self.schedule(deadline);
            // Heartbeats wake the loop often; the view changes only with the state.
            if self.inner.state.with_untracked(|old| *old != state) {
                self.inner.state.set(state);
            }
            again |= self.inner.pump_again.replace(false);
            if !again {
                break;
            }
        }
    }

    /// Sends frames on the current socket; a failed send is a lost socket.
    /// Returns whether the session has new work.
    fn send_all(&self, frames: &[String]) -> bool {
        let failure = {
            let socket = self.inner.socket.borrow();
            let Some((id, socket)) = socket.as_ref() else { return false };
            frames.iter().find_map(|frame| socket.send(frame).err()).map(|reason| (*id, reason))
        };
        match failure {
            Some((id, reason)) => {
                self.inner.socket.borrow_mut().take();
                self.inner.session.borrow_mut().handle_transport(now(), TransportEvent::Failed { id, error: reason });
                true
            }
            None => false,
        }
    }

    /// Opens or closes the socket as ordered. Returns whether the session
    /// has new work (the browser refused to open it).
    fn carry_out(&self, order: SocketOrder) -> bool {
        match order {
            SocketOrder::Open(connect) => {
                self.inner.socket.borrow_mut().take();
                match Socket::open(connect.uri.as_str(), self.socket_handler(connect.id)) {
                    Ok(socket) => *self.inner.socket.borrow_mut() = Some((connect.id, socket)),
                    Err(reason) => {
                        let event = TransportEvent::Failed { id: connect.id, error: reason };
                        self.inner.session.borrow_mut().handle_transport(now(), event);
                        return true;
                    }
                }
            }
            SocketOrder::Close(id) => {
                let mut socket = self.inner.socket.borrow_mut();
                if socket.as_ref().is_some_and(|(open, _)| *open == id) {
                    socket.take();
                }
            }
        }
        false
    }

    fn socket_handler(&self, id: ConnId) -> impl Fn(SocketEvent) + 'static {
        let weak = Rc::downgrade(&self.inner);
        move |event| {
            let Some(driver) = upgrade(&weak) else { return };
            driver.on_socket(id, event);
        }
    }

    fn on_socket(&self, id: ConnId, event: SocketEvent) {
        {
            let mut session = self.inner.session.borrow_mut();
            match event {
                SocketEvent::Opened => session.handle_transport(now(), TransportEvent::Opened(id)),
                SocketEvent::Text(text) => session.handle_frame(now(), id, &text),
                SocketEvent::NotText => session.handle_transport(now(), TransportEvent::NotText(id)),
                SocketEvent::TooLarge { size } => {
                    session.handle_transport(now(), TransportEvent::TooLarge { id, size })
                }
                SocketEvent::Closed { code, reason, clean } => {
                    session.handle_transport(now(), TransportEvent::Closed { id, code, reason, clean })
                }
            }
        }
        self.pump();
    }

    fn schedule(&self, deadline: Option<ctisvr_core::Millis>) {
        let timer = deadline.map(|at| {
            let delay = at.since(now()).as_millis().min(u128::from(u32::MAX)) as u32;
            let weak = Rc::downgrade(&self.inner);
            Timeout::new(delay, move || {
                if let Some(driver) = upgrade(&weak) {
                    driver.inner.session.borrow_mut().handle_timeout(now());
                    driver.pump();
                }
            })
        });
        // Replacing the old Timeout cancels it.
        *self.inner.timer.borrow_mut() = timer;
    }
}

/// `Shown` or `Hidden` from `document.visibilityState`, and `Focused` when
/// the page has the focus.
fn page_state() -> Vec<PageEvent> {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return Vec::new() };
    let visible = get(&document, "visibilityState").and_then(|v| v.as_string()).is_none_or(|state| state == "visible");
    let mut events = vec![if visible { PageEvent::Shown } else { PageEvent::Hidden }];
    if visible && document.has_focus().unwrap_or(false) {
        events.push(PageEvent::Focused);
    }
    events
}

/// Where the CRM's settings are kept for a reload.
fn settings_slot() -> StorageSlot {
    StorageSlot::new(ctisvr_core::settings_memory::KEY.to_owned())
}

fn upgrade(weak: &Weak<Inner>) -> Option<Driver> {
    weak.upgrade().map(|inner| Driver { inner })
}
