//! The browser's clock, as the core's [`Millis`]: milliseconds since the
//! Unix epoch, never going back within the page, so that times the core
//! remembers about a call (its start) mean the same after a reload and in
//! the agent's other tabs.
//!
//! `performance.now()` is monotonic but, in some browsers, stands still
//! while the computer sleeps; `Date.now()` keeps up with sleep but may be
//! set back. So: `performance.now()` plus an offset that only grows, raised
//! whenever `Date.now()` is ahead of it (after a sleep).

use ctisvr_core::Millis;
use std::cell::Cell;

thread_local! {
    /// The largest `Date.now() - performance.now()` seen in this page.
    static OFFSET: Cell<f64> = const { Cell::new(f64::MIN) };
}

/// Epoch milliseconds, monotonic (see the module docs).
pub fn now() -> Millis {
    let wall = js_sys::Date::now();
    let Some(monotonic) = web_sys::window().and_then(|w| w.performance()).map(|p| p.now()) else {
        return Millis::from_f64(wall);
    };
    let offset = OFFSET.with(|offset| {
        let raised = offset.get().max(wall - monotonic);
        offset.set(raised);
        raised
    });
    Millis::from_f64(monotonic + offset)
}
