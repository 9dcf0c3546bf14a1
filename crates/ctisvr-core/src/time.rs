//! The caller's clock. The core never reads a clock: every input carries
//! `now`, so tests drive time by hand and the browser passes epoch
//! milliseconds that never go back (`ctisvr-softphone`'s `clock.rs`). Times
//! the core keeps for a reload (`call_memory`) assume the same origin in the
//! next page: the Unix epoch.

use std::time::Duration;

/// Milliseconds since an origin the caller chooses (the Unix epoch in the browser, a test's zero).
///
/// ```
/// use ctisvr_core::Millis;
/// use std::time::Duration;
/// let later = Millis(1_000) + Duration::from_secs(2);
/// assert_eq!(later, Millis(3_000));
/// assert_eq!(later.since(Millis(1_000)), Duration::from_secs(2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Millis(pub u64);

impl Millis {
    /// Time elapsed since `earlier` (zero if `earlier` is later).
    pub fn since(self, earlier: Millis) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }

    /// From a JavaScript timestamp (`performance.now()`), clamping NaN and negatives to zero.
    pub fn from_f64(ms: f64) -> Millis {
        if ms.is_finite() && ms > 0.0 {
            Millis(ms as u64)
        } else {
            Millis(0)
        }
    }
}

impl std::ops::Add<Duration> for Millis {
    type Output = Millis;

    fn add(self, rhs: Duration) -> Millis {
        let ms = u64::try_from(rhs.as_millis()).unwrap_or(u64::MAX);
        Millis(self.0.saturating_add(ms))
    }
}
