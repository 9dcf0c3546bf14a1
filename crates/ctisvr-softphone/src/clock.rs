//! The browser's clock, as the core's [`Millis`]: milliseconds since the
//! Unix epoch, monotonic within the page (`performance.timeOrigin +
//! performance.now()`), so that times the core remembers about a call
//! (its start) mean the same after a reload.

use ctisvr_core::Millis;

/// `performance.timeOrigin + performance.now()` (`Date.now()` where there is no window).
pub fn now() -> Millis {
    let ms = web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.time_origin() + p.now())
        .unwrap_or_else(js_sys::Date::now);
    Millis::from_f64(ms)
}
