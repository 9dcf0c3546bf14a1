//! Connection attempts per 100 ms after the restart, and the bound the
//! connection policy puts on them.

use ctisvr_core::ConnectionPolicy;
use std::time::{Duration, Instant};

/// The width of one bin.
pub const BIN: Duration = Duration::from_millis(100);

/// Counts of attempts per [`BIN`] from `start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram {
    pub bins: Vec<u64>,
}

impl Histogram {
    pub fn of(start: Instant, times: impl IntoIterator<Item = Instant>) -> Histogram {
        let mut bins = Vec::new();
        for at in times {
            let index = (at.saturating_duration_since(start).as_millis() / BIN.as_millis()) as usize;
            if bins.len() <= index {
                bins.resize(index + 1, 0);
            }
            if let Some(bin) = bins.get_mut(index) {
                *bin += 1;
            }
        }
        Histogram { bins }
    }

    /// The fullest bin: (its start from the restart, its count).
    pub fn peak(&self) -> Option<(Duration, u64)> {
        let (index, count) = self.bins.iter().enumerate().max_by_key(|(index, count)| (**count, usize::MAX - index))?;
        Some((BIN * index as u32, *count))
    }

    /// One line per bin, `  1.2 s  431 ####`, runs of empty bins folded
    /// into one line; bars scaled to `width` characters at the peak.
    pub fn render(&self, width: usize) -> String {
        let peak = self.peak().map_or(1, |(_, count)| count.max(1));
        let mut out = String::new();
        let mut empty_from = None;
        for (index, count) in self.bins.iter().enumerate() {
            let at = index as f64 * BIN.as_secs_f64();
            if *count == 0 {
                empty_from.get_or_insert(at);
                continue;
            }
            if let Some(from) = empty_from.take() {
                out.push_str(&format!("  {from:5.1} s  … {:5.1} s: none\n", at - BIN.as_secs_f64()));
            }
            let bar = "#".repeat(((*count as f64 / peak as f64) * width as f64).ceil() as usize);
            out.push_str(&format!("  {at:5.1} s  {count:>6} {bar}\n"));
        }
        out
    }
}

/// The most attempts in one [`BIN`] one round of the policy allows, on
/// average, when `agents` softphones lost their server at the same moment:
/// each waits uniformly between `min_backoff` and the round's cap (full
/// jitter), so a waited round spreads over at least `cap(1) - min_backoff`;
/// a softphone with A and B tries both in a round (`servers`). The first
/// round after a working connection went is spread over
/// [`ConnectionPolicy::first_spread`]; `None` when that is zero (every
/// softphone tries at once).
pub fn policy_bound(policy: &ConnectionPolicy, agents: u64, servers: u64) -> Option<f64> {
    let first = policy.first_spread;
    if first.is_zero() {
        return None;
    }
    let waited = policy.cap(1).saturating_sub(policy.min_backoff);
    let narrowest = first.min(waited).max(BIN);
    Some(agents as f64 * servers as f64 * BIN.as_secs_f64() / narrowest.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_fall_into_their_100_ms_bins() {
        let start = Instant::now();
        let times = [0, 50, 99, 100, 450].map(|ms| start + Duration::from_millis(ms));
        let histogram = Histogram::of(start, times);
        assert_eq!(histogram.bins, [3, 1, 0, 0, 1]);
        assert_eq!(histogram.peak(), Some((Duration::ZERO, 3)));
        let text = histogram.render(10);
        assert!(text.contains("    0.0 s       3 ##########"), "{text}");
        assert!(text.contains("none"), "{text}");
    }

    #[test]
    fn the_policy_spreads_a_round_over_its_narrowest_window() {
        // The default: the first attempt within 1 s, a waited round over 0.5 to 2 s.
        let policy = ConnectionPolicy::default();
        assert_eq!(policy_bound(&policy, 10_000, 2), Some(2_000.0));
        let at_once = ConnectionPolicy { first_spread: Duration::ZERO, ..policy };
        assert_eq!(policy_bound(&at_once, 10_000, 2), None);
    }
}
