//! Latency histograms with a bounded relative error: percentiles of millions of requests in a
//! few kilobytes, identical on every target.
//!
//! A value `v` (microseconds) below 64 has a bucket of its own; above, its bucket is its
//! power of two and the 5 bits that follow the leading one, so a bucket spans at most 1/32 of
//! its values (about 3 %) and a percentile is reported as its bucket's midpoint.

use serde::{Deserialize, Serialize};

/// Sub-buckets per power of two.
const SUB_BITS: u32 = 5;
const SUB: u64 = 1 << SUB_BITS;
/// Values up to 2^40 µs (12.7 days) are told apart; larger ones share the last bucket.
const TOP_BIT: u32 = 40;
const BUCKETS: usize = ((TOP_BIT - SUB_BITS + 1) as usize + 2) << SUB_BITS;

/// A latency histogram in microseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    sum: u128,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

fn bucket(v: u64) -> usize {
    if v < 2 * SUB {
        return usize::try_from(v).expect("below 64");
    }
    let bit = v.ilog2().min(TOP_BIT);
    let shift = bit - SUB_BITS;
    let sub = (v.min((1 << (TOP_BIT + 1)) - 1) >> shift) & (SUB - 1);
    usize::try_from(u64::from(shift + 1) * SUB + sub).expect("small")
}

/// The smallest and one past the largest value in bucket `b`.
fn bounds(b: usize) -> (u64, u64) {
    let b = b as u64;
    if b < 2 * SUB {
        return (b, b + 1);
    }
    let shift = b / SUB - 1;
    let sub = b % SUB;
    let lo = (SUB + sub) << shift;
    (lo, lo + (1 << shift))
}

/// The latency percentiles a tier or a whole request reports, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Percentiles {
    /// How many latencies were recorded.
    pub count: u64,
    /// Their mean (exact, not from buckets).
    pub mean: f64,
    /// The median.
    pub p50: f64,
    /// The 95th percentile.
    pub p95: f64,
    /// The 99th percentile.
    pub p99: f64,
    /// The 99.9th percentile.
    pub p999: f64,
    /// The largest (exact).
    pub max: f64,
}

impl Histogram {
    /// An empty histogram.
    #[must_use]
    pub fn new() -> Self {
        Self {
            counts: vec![0; BUCKETS],
            total: 0,
            sum: 0,
            max: 0,
        }
    }

    /// Records one latency of `us` microseconds.
    #[inline]
    pub fn record(&mut self, us: u64) {
        self.counts[bucket(us)] += 1;
        self.total += 1;
        self.sum += u128::from(us);
        self.max = self.max.max(us);
    }

    /// Latencies recorded.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The exact mean in microseconds (0 when empty).
    #[must_use]
    #[allow(clippy::cast_precision_loss)] // Sums of latencies are far below 2^52 µs in practice.
    pub fn mean(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.sum as f64 / self.total as f64
        }
    }

    /// The `q`-quantile (0 < q ≤ 1) in microseconds: the midpoint of the bucket that holds the
    /// `⌈q·n⌉`-th smallest value, never above the largest value; 0 when empty.
    ///
    /// ```
    /// use shardscope_core::system::histogram::Histogram;
    /// let mut h = Histogram::new();
    /// for us in 1..=1_000 { h.record(us * 1_000); }
    /// let p99 = h.quantile(0.99);
    /// assert!((p99 - 990_000.0).abs() < 990_000.0 * 0.02, "{p99}");
    /// assert_eq!(h.quantile(1.0), 1_000_000.0);
    /// ```
    #[must_use]
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (b, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                let (lo, hi) = bounds(b);
                let mid = if hi - lo == 1 {
                    lo as f64
                } else {
                    (lo + hi - 1) as f64 / 2.0
                };
                return mid.min(self.max as f64);
            }
        }
        self.max as f64
    }

    /// Adds another histogram's latencies to this one.
    pub fn merge(&mut self, other: &Self) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
        self.sum += other.sum;
        self.max = self.max.max(other.max);
    }

    /// The share of latencies above `us` microseconds, counted by bucket (a bucket straddling
    /// `us` counts as above).
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn share_above(&self, us: u64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let above: u64 = self.counts[bucket(us)..].iter().sum();
        above as f64 / self.total as f64
    }

    /// The percentiles, in milliseconds.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn percentiles(&self) -> Percentiles {
        let ms = |us: f64| us / 1_000.0;
        Percentiles {
            count: self.total,
            mean: ms(self.mean()),
            p50: ms(self.quantile(0.50)),
            p95: ms(self.quantile(0.95)),
            p99: ms(self.quantile(0.99)),
            p999: ms(self.quantile(0.999)),
            max: ms(self.max as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_value_in_order_within_a_thirty_second() {
        let mut last = 0;
        for v in (0..100_000u64).chain([1 << 20, (1 << 40) - 1]) {
            let b = bucket(v);
            assert!(b >= last && b < BUCKETS, "{v}");
            last = b;
            let (lo, hi) = bounds(b);
            assert!(lo <= v && v < hi, "{v} in {lo}..{hi}");
            assert!((hi - lo) * 32 <= lo.max(32), "{v}: {lo}..{hi}");
        }
        assert_eq!(bucket(u64::MAX), bucket((1 << 41) - 1));
        assert!(bucket(u64::MAX) < BUCKETS);
    }

    #[test]
    fn percentiles_are_within_the_bucket_error() {
        let mut h = Histogram::new();
        for v in 0..10_000u64 {
            h.record(v * 37);
        }
        for q in [0.5, 0.95, 0.99] {
            let exact = (q * 10_000.0 - 1.0) * 37.0;
            assert!(
                (h.quantile(q) - exact).abs() <= exact * 0.035,
                "{q}: {} vs {exact}",
                h.quantile(q)
            );
        }
        assert!((h.mean() - 9_999.0 * 37.0 / 2.0).abs() < 1e-6);
        assert!(Histogram::new().quantile(0.5).abs() < 1e-12);
    }
}
