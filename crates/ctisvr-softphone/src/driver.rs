//! The edge loop: feeds the core [`Session`] with what the browser reports
//! and carries out what the session asks for. It decides nothing.
//!
//! ```text
//! socket / timer / click --handle_*(now, ..)--> Session
//! Session --poll_event / poll_connect / poll_transmit / poll_timeout--> pump() --> DOM, socket, timer
//! Session --state()--> RwSignal<State> --> view
//! ```

use crate::clock::now;
use crate::dom_events;
use crate::socket::{Socket, SocketEvent};
use ctisvr_core::{
    Command, ConnId, Effect, Rejected, Session, SessionOptions, Settings, SettingsError, State, TransportEvent,
};
use gloo_timers::callback::Timeout;
use leptos::prelude::{RwSignal, Set};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
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
}

impl Driver {
    /// A driver rendering into `state` and dispatching DOM events on `host`.
    pub fn new(host: HtmlElement, state: RwSignal<State>) -> Driver {
        let inner = Inner {
            session: RefCell::new(Session::new(SessionOptions::default())),
            socket: RefCell::new(None),
            timer: RefCell::new(None),
            state,
            host,
        };
        Driver { inner: Rc::new(inner) }
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

    /// Closes the socket and stops the timer: the element is gone.
    pub fn shut_down(&self) {
        self.inner.timer.borrow_mut().take();
        self.inner.socket.borrow_mut().take();
    }

    /// Carries out everything the session has queued. Borrows are released
    /// before any DOM event is dispatched, so page listeners may call back in.
    fn pump(&self) {
        loop {
            let (effects, connect, frames, deadline, state) = {
                let mut session = self.inner.session.borrow_mut();
                let effects: Vec<Effect> = std::iter::from_fn(|| session.poll_event()).collect();
                let connect = session.poll_connect();
                let frames: Vec<String> = std::iter::from_fn(|| session.poll_transmit()).collect();
                (effects, connect, frames, session.poll_timeout(), session.state())
            };
            for effect in &effects {
                self.apply(effect);
            }
            let mut again = false;
            if let Some(connect) = connect {
                self.inner.socket.borrow_mut().take();
                match Socket::open(connect.uri.as_str(), self.socket_handler(connect.id)) {
                    Ok(socket) => *self.inner.socket.borrow_mut() = Some((connect.id, socket)),
                    Err(reason) => {
                        let event = TransportEvent::Closed { id: connect.id, reason };
                        self.inner.session.borrow_mut().handle_transport(now(), event);
                        again = true;
                    }
                }
            }
            again |= self.send_all(&frames);
            self.schedule(deadline);
            self.inner.state.set(state);
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
                self.inner.session.borrow_mut().handle_transport(now(), TransportEvent::Closed { id, reason });
                true
            }
            None => false,
        }
    }

    fn apply(&self, effect: &Effect) {
        match effect {
            Effect::CloseSocket => {
                self.inner.socket.borrow_mut().take();
            }
            other => dom_events::dispatch(&self.inner.host, other),
        }
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
                SocketEvent::NotText => session.handle_frame(now(), id, "<binary frame>"),
                SocketEvent::Closed { code, reason, clean } => {
                    let reason = describe_close(code, &reason, clean);
                    session.handle_transport(now(), TransportEvent::Closed { id, reason });
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

fn upgrade(weak: &Weak<Inner>) -> Option<Driver> {
    weak.upgrade().map(|inner| Driver { inner })
}

/// The browser's close report in words (1006 is "no close frame": refused or dropped).
fn describe_close(code: u16, reason: &str, clean: bool) -> String {
    match (code, reason.is_empty(), clean) {
        (1006, _, _) => "the connection failed or dropped (code 1006)".to_owned(),
        (_, false, _) => format!("closed by the server: {reason} (code {code})"),
        (_, true, true) => format!("closed by the server (code {code})"),
        (_, true, false) => format!("the connection dropped (code {code})"),
    }
}
