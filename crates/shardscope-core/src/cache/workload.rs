//! Seeded request streams: Zipf(α) or uniform popularity over `M` objects, optionally with a
//! loop scanned in bursts, popularity that shifts at a chosen time and a share of one-hit
//! wonders.
//!
//! Objects are numbered densely: `0..M` are the popular objects (object `i` has popularity rank
//! `i + 1` until the shift), `M..M + L` the scanned loop, and one-hit wonders follow from `M + L`
//! on, each used once.

use serde::{Deserialize, Serialize};

use crate::hash::{hash_pair, hash_u64, unit_interval, Stream};

/// How popularity is spread over the objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Popularity {
    /// Object of rank `i` is requested with probability proportional to `i^(−α)`, α in hundredths.
    Zipf {
        /// α × 100.
        alpha_centi: u32,
    },
    /// Every object equally often.
    Uniform,
}

/// A workload's description.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    /// How popular each object is.
    pub popularity: Popularity,
    /// The popular objects, `M ≥ 1`.
    pub objects: u32,
    /// Requests in all.
    pub requests: u32,
    /// Percent of the requests that belong to scans of the loop (0: none).
    pub scan_percent: u32,
    /// Objects in the scanned loop; each burst scans all of them in order.
    pub scan_len: u32,
    /// When popularity shifts, in percent of the requests (0: never): from then on the object of
    /// rank `i` is `(i − 1 + M/2) mod M`, so the hot set moves to objects that were cold.
    pub shift_percent: u32,
    /// Percent of the requests that go to a new object never requested again.
    pub one_hit_percent: u32,
    /// Seeds every draw.
    pub seed: u64,
}

pub use crate::sampling::Alias;

/// Salts the sizes' seed, so they do not follow the request stream.
const SIZE_SALT: u64 = 0x7369_7a65;

/// The log-normal sizes' σ: the mean object is e^(σ²/2) ≈ 1.65 times the median.
pub const SIZE_SIGMA: f64 = 1.0;

/// Object `x`'s size in bytes (the CDN lab's objects, and the Caching lab's when it draws sizes): the median times e^(σ·z) for a standard normal z drawn from the
/// seed (Box–Muller), at least one byte.
#[must_use]
pub fn object_bytes(seed: u64, size_kb: u32, x: u32) -> u64 {
    let s = hash_u64(seed, SIZE_SALT);
    let u1 = unit_interval(hash_pair(s, u64::from(x), 0));
    let u2 = unit_interval(hash_pair(s, u64::from(x), 1));
    let z = libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(std::f64::consts::TAU * u2);
    let bytes = f64::from(size_kb) * 1_000.0 * libm::exp(SIZE_SIGMA * z);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // Positive and far below 2^64.
    let b = bytes.round().max(1.0) as u64;
    b
}

/// The probability of each popularity rank, `M` values summing to 1.
#[must_use]
pub fn probabilities(popularity: Popularity, objects: u32) -> Vec<f64> {
    let weights: Vec<f64> = match popularity {
        Popularity::Zipf { alpha_centi } => {
            let alpha = f64::from(alpha_centi) / 100.0;
            (1..=objects).map(|i| libm::pow(f64::from(i), -alpha)).collect()
        }
        Popularity::Uniform => vec![1.0; objects as usize],
    };
    let total: f64 = weights.iter().sum();
    weights.into_iter().map(|w| w / total).collect()
}

/// A generated trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// The requested objects, in order.
    pub requests: Vec<u32>,
    /// One more than the largest object number (the policies' array size).
    pub universe: u32,
    /// Distinct objects requested (the working set).
    pub distinct: u32,
}

impl Trace {
    /// A trace from objects already numbered `0..universe`.
    #[must_use]
    pub fn from_requests(requests: Vec<u32>) -> Self {
        let universe = requests.iter().max().map_or(0, |m| m + 1);
        let mut seen = vec![false; universe as usize];
        let mut distinct = 0;
        for &x in &requests {
            if !std::mem::replace(&mut seen[x as usize], true) {
                distinct += 1;
            }
        }
        Self {
            requests,
            universe,
            distinct,
        }
    }
}

/// Draws the requests of a workload in batches, so a long trace can be made a step at a time.
#[derive(Clone, Debug)]
pub struct Generator {
    workload: Workload,
    table: Alias,
    rng: Stream,
    made: u32,
    /// Popular-object requests between two scan bursts (0: no scans).
    gap: u64,
    since_burst: u64,
    /// The next scanned object and how many of the burst remain.
    scan_next: u32,
    burst_left: u32,
    next_fresh: u32,
    shift_at: u32,
}

impl Generator {
    /// A generator for `workload` (`objects ≥ 1`).
    #[must_use]
    pub fn new(workload: Workload) -> Self {
        let table = Alias::new(&probabilities(workload.popularity, workload.objects.max(1)));
        let gap = if workload.scan_percent == 0 || workload.scan_len == 0 {
            0
        } else {
            let s = u64::from(workload.scan_percent.min(99));
            (u64::from(workload.scan_len) * (100 - s) / s).max(1)
        };
        let shift_at = if workload.shift_percent == 0 {
            u32::MAX
        } else {
            u32::try_from(u64::from(workload.requests) * u64::from(workload.shift_percent.min(100)) / 100)
                .expect("at most the requests")
        };
        Self {
            workload,
            table,
            rng: Stream::new(hash_u64(workload.seed, 0x7472_6163_6521)),
            made: 0,
            gap,
            since_burst: 0,
            scan_next: 0,
            burst_left: 0,
            next_fresh: workload
                .objects
                .saturating_add(if gap == 0 { 0 } else { workload.scan_len }),
            shift_at,
        }
    }

    /// Requests made so far.
    #[must_use]
    pub fn made(&self) -> u32 {
        self.made
    }

    /// Whether every request has been made.
    #[must_use]
    pub fn done(&self) -> bool {
        self.made >= self.workload.requests
    }

    /// Appends up to `count` more requests to `out`.
    pub fn fill(&mut self, out: &mut Vec<u32>, count: u32) {
        let w = self.workload;
        let end = self.made.saturating_add(count).min(w.requests);
        let one_hit = u64::from(w.one_hit_percent.min(100)) * (u64::MAX / 100);
        while self.made < end {
            self.made += 1;
            if self.burst_left > 0 {
                self.burst_left -= 1;
                out.push(w.objects + self.scan_next);
                self.scan_next = (self.scan_next + 1) % w.scan_len;
                continue;
            }
            if w.one_hit_percent > 0 && self.rng.next_u64() < one_hit {
                out.push(self.next_fresh);
                self.next_fresh += 1;
            } else {
                let rank = self.table.sample(self.rng.next_u64());
                out.push(if self.made > self.shift_at {
                    (rank + w.objects / 2) % w.objects
                } else {
                    rank
                });
            }
            if self.gap > 0 {
                self.since_burst += 1;
                if self.since_burst >= self.gap {
                    self.since_burst = 0;
                    self.burst_left = w.scan_len;
                }
            }
        }
    }

    /// The whole trace in one go.
    #[must_use]
    pub fn generate(workload: Workload) -> Trace {
        let mut g = Self::new(workload);
        let mut out = Vec::with_capacity(workload.requests as usize);
        g.fill(&mut out, workload.requests);
        Trace::from_requests(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_are_log_normal_around_the_median() {
        let mut sizes: Vec<u64> = (0..10_001).map(|x| object_bytes(3, 50, x)).collect();
        sizes.sort_unstable();
        let median = sizes[5_000] as f64;
        assert!((median / 50_000.0 - 1.0).abs() < 0.05, "{median}");
        let mean = sizes.iter().sum::<u64>() as f64 / sizes.len() as f64;
        assert!((mean / (50_000.0 * libm::exp(0.5)) - 1.0).abs() < 0.08, "{mean}");
    }

    use super::*;

    fn base() -> Workload {
        Workload {
            popularity: Popularity::Zipf { alpha_centi: 100 },
            objects: 1_000,
            requests: 200_000,
            scan_percent: 0,
            scan_len: 0,
            shift_percent: 0,
            one_hit_percent: 0,
            seed: 1,
        }
    }

    #[test]
    fn zipf_samples_follow_their_probabilities() {
        let t = Generator::generate(base());
        let p = probabilities(base().popularity, 1_000);
        let mut counts = vec![0u32; 1_000];
        for &x in &t.requests {
            counts[x as usize] += 1;
        }
        for rank in [0usize, 1, 9, 99] {
            let expected = p[rank] * 200_000.0;
            let sd = expected.sqrt();
            let got = f64::from(counts[rank]);
            assert!((got - expected).abs() < 4.0 * sd, "rank {rank}: {got} vs {expected}");
        }
        assert_eq!(t.requests, Generator::generate(base()).requests, "seeded");
    }

    #[test]
    fn scans_one_hit_wonders_and_the_shift_land_where_described() {
        let w = Workload {
            scan_percent: 20,
            scan_len: 100,
            one_hit_percent: 10,
            shift_percent: 50,
            ..base()
        };
        let t = Generator::generate(w);
        let n = t.requests.len() as f64;
        let scans = t.requests.iter().filter(|&&x| (1_000..1_100).contains(&x)).count() as f64;
        let fresh_count = t.requests.iter().filter(|&&x| x >= 1_100).count();
        let fresh = fresh_count as f64;
        assert!((scans / n - 0.2).abs() < 0.01, "scan share {}", scans / n);
        // One-hit wonders are 10 % of the requests outside bursts.
        assert!((fresh / n - 0.08).abs() < 0.01, "one-hit share {}", fresh / n);
        // Before the shift object 0 is the most popular; after it, object 500.
        let half = t.requests.len() / 2;
        let count = |range: &[u32], x: u32| range.iter().filter(|&&y| y == x).count();
        assert!(count(&t.requests[..half], 0) > 10 * count(&t.requests[..half], 500));
        assert!(count(&t.requests[half..], 500) > 10 * count(&t.requests[half..], 0));
        assert_eq!(t.universe, 1_100 + u32::try_from(fresh_count).unwrap());
    }
}
