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
                let to = at - BIN.as_secs_f64();
                if to - from < BIN.as_secs_f64() / 2.0 {
                    out.push_str(&format!("  {from:5.1} s  none\n"));
                } else {
                    out.push_str(&format!("  {from:5.1} s  … {to:5.1} s: none\n"));
                }
            }
            let bar = "#".repeat(((*count as f64 / peak as f64) * width as f64).ceil() as usize);
            out.push_str(&format!("  {at:5.1} s  {count:>6} {bar}\n"));
        }
        out
    }
}

/// How the policy spreads a crowd's attempts, on average per [`BIN`], when
/// `agents` softphones lost a working server at the same moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// The first attempts: one per softphone (the server that went counts as
    /// tried), uniform over [`ConnectionPolicy::first_spread`].
    pub first: f64,
    /// A waited round: one attempt per server, uniform between
    /// `min_backoff` and `cap(1)` (later rounds spread wider).
    pub waited: f64,
    /// Where the first spread and the first waited round overlap.
    pub overlapping: f64,
}

/// The policy's averages (see [`Spread`]) for `agents` softphones with
/// `servers` servers; `None` without a first spread (every softphone tries
/// in the same instant). Averages, not a ceiling: draws are random.
pub fn policy_spread(policy: &ConnectionPolicy, agents: u64, servers: u64) -> Option<Spread> {
    if policy.first_spread.is_zero() {
        return None;
    }
    let per_bin = |attempts: f64, over: Duration| attempts * BIN.as_secs_f64() / over.max(BIN).as_secs_f64();
    let first = per_bin(agents as f64, policy.first_spread);
    let waited = per_bin((agents * servers) as f64, policy.cap(1).saturating_sub(policy.min_backoff));
    Some(Spread { first, waited, overlapping: first + waited })
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
        let spread = policy_spread(&policy, 3_000, 2).unwrap_or_else(|| panic!("spread"));
        assert!((spread.first - 300.0).abs() < 1e-9, "{spread:?}");
        assert!((spread.waited - 400.0).abs() < 1e-9, "{spread:?}");
        assert!((spread.overlapping - 700.0).abs() < 1e-9, "{spread:?}");
        let at_once = ConnectionPolicy { first_spread: Duration::ZERO, ..policy };
        assert_eq!(policy_spread(&at_once, 10_000, 2), None);
    }
}
