//! The browser's monotonic clock, as the core's [`Millis`].

use ctisvr_core::Millis;

/// `performance.now()` (falls back to `Date.now()` where there is no window).
pub fn now() -> Millis {
    let ms = web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_else(js_sys::Date::now);
    Millis::from_f64(ms)
}
