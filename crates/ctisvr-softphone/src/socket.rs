//! A thin `web_sys::WebSocket` wrapper: opens, sends text, reports what
//! happened through callbacks, and detaches and closes itself when dropped,
//! so a replaced socket can never feed the session again.

use crate::js::describe_js_error;
use ctisvr_core::wire::MAX_FRAME_BYTES;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

/// What a socket reports.
pub enum SocketEvent {
    Opened,
    Text(String),
    /// A frame that is not text: CtiSVR speaks JSON text only.
    NotText,
    /// A text frame longer than the core reads (`wire::MAX_FRAME_BYTES`),
    /// left in the browser: `size` is its length in UTF-16 units.
    TooLarge {
        size: usize,
    },
    Closed {
        code: u16,
        reason: String,
        clean: bool,
    },
}

/// An open (or opening) WebSocket with its handlers.
pub struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    /// Starts connecting to `uri`. `Err` carries the browser's reason (a
    /// malformed URL, or a `ws://` address refused on an `https` page).
    pub fn open(uri: &str, on_event: impl Fn(SocketEvent) + 'static) -> Result<Socket, String> {
        let ws = WebSocket::new(uri).map_err(describe_js_error)?;
        let on_event = std::rc::Rc::new(on_event);
        let on_open = {
            let on_event = on_event.clone();
            Closure::<dyn FnMut(Event)>::new(move |_| on_event(SocketEvent::Opened))
        };
        let on_message = {
            let on_event = on_event.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                let Some(text) = data.dyn_ref::<js_sys::JsString>() else { return on_event(SocketEvent::NotText) };
                // Measured before it is copied into wasm memory (which never shrinks).
                let size = text.length() as usize;
                if size > MAX_FRAME_BYTES {
                    on_event(SocketEvent::TooLarge { size })
                } else {
                    on_event(SocketEvent::Text(String::from(text)))
                }
            })
        };
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            on_event(SocketEvent::Closed { code: event.code(), reason: event.reason(), clean: event.was_clean() })
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Socket { ws, _on_open: on_open, _on_message: on_message, _on_close: on_close })
    }

    /// Sends one text frame; `Err` when the socket is no longer open.
    pub fn send(&self, text: &str) -> Result<(), String> {
        self.ws.send_with_str(text).map_err(describe_js_error)
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        // Closing an already closed socket is a no-op; errors are irrelevant here.
        let _ = self.ws.close();
    }
}
