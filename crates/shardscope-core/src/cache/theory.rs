//! What theory predicts for caches under the independent reference model (IRM: each request is
//! object `i` with probability `p_i`, independently of the others).
//!
//! - **LRU, Che's approximation** (Che, Tung and Wang, IEEE JSAC 2002): a cache of `C` objects
//!   behaves as if each object stayed for a characteristic time `T` after its last request, where
//!   `Σ_i (1 − e^(−p_i·T)) = C`; object `i` hits with probability `1 − e^(−p_i·T)`.
//! - **FIFO and Random** (Gelenbe, "A unified approach to the evaluation of a class of replacement
//!   algorithms", IEEE Trans. Computers 1973; Martina, Garetto and Leonardi, INFOCOM 2014): both
//!   have the hit probability `h_i = p_i·T / (1 + p_i·T)`, with `Σ_i h_i = C`.
//!
//! Popularities are grouped into bins of nearly equal probability (within one part in a thousand)
//! so that a million objects cost a few thousand terms per evaluation; the grouping changes a hit
//! ratio by far less than the 0.005 the tests allow.

/// Objects grouped by probability: `(p, how many objects have about p)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Bins {
    bins: Vec<(f64, f64)>,
    objects: f64,
}

/// Relative spread of probabilities merged into one bin.
const BIN_SPREAD: f64 = 1e-3;

impl Bins {
    /// Bins for these probabilities, given in non-increasing order (as [`super::workload::probabilities`]
    /// returns them).
    #[must_use]
    pub fn new(probabilities: &[f64]) -> Self {
        let mut bins: Vec<(f64, f64)> = Vec::new();
        let mut start = f64::NAN;
        let (mut sum, mut count) = (0.0, 0.0);
        for &p in probabilities {
            if count > 0.0 && (start - p) > start * BIN_SPREAD {
                bins.push((sum / count, count));
                sum = 0.0;
                count = 0.0;
            }
            if count == 0.0 {
                start = p;
            }
            sum += p;
            count += 1.0;
        }
        if count > 0.0 {
            bins.push((sum / count, count));
        }
        Self {
            bins,
            objects: probabilities.len() as f64,
        }
    }

    /// The number of bins.
    #[must_use]
    pub fn len(&self) -> usize {
        self.bins.len()
    }

    /// Whether there are no objects.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bins.is_empty()
    }
}

/// Solves `occupancy(T) = c` for `T ≥ 0` by Newton's method; `occupancy` is increasing and
/// concave, so the iterates rise monotonically to the root from `T = 0`.
fn characteristic_time(c: f64, occupancy: impl Fn(f64) -> (f64, f64)) -> f64 {
    let mut t = 0.0;
    for _ in 0..200 {
        let (value, slope) = occupancy(t);
        let step = (c - value) / slope;
        if !step.is_finite() || step <= t * 1e-13 {
            break;
        }
        t += step;
    }
    t
}

/// LRU's hit ratio for a cache of `c` objects by Che's approximation (1 when everything fits).
///
/// ```
/// use shardscope_core::cache::theory::{che_lru_hit_ratio, Bins};
/// // Under uniform popularity a cache of half the objects holds each one half the time.
/// let bins = Bins::new(&[0.01; 100]);
/// assert!((che_lru_hit_ratio(&bins, 50.0) - 0.5).abs() < 1e-9);
/// ```
#[must_use]
pub fn che_lru_hit_ratio(bins: &Bins, c: f64) -> f64 {
    if c >= bins.objects {
        return 1.0;
    }
    let t = characteristic_time(c, |t| {
        bins.bins.iter().fold((0.0, 0.0), |(v, s), &(p, n)| {
            let e = libm::exp(-p * t);
            (v + n * (1.0 - e), s + n * p * e)
        })
    });
    bins.bins.iter().map(|&(p, n)| n * p * (1.0 - libm::exp(-p * t))).sum()
}

/// FIFO's (and Random's) hit ratio for a cache of `c` objects under IRM.
///
/// ```
/// use shardscope_core::cache::theory::{fifo_irm_hit_ratio, Bins};
/// let bins = Bins::new(&[0.01; 100]);
/// assert!((fifo_irm_hit_ratio(&bins, 50.0) - 0.5).abs() < 1e-9);
/// ```
#[must_use]
pub fn fifo_irm_hit_ratio(bins: &Bins, c: f64) -> f64 {
    if c >= bins.objects {
        return 1.0;
    }
    let t = characteristic_time(c, |t| {
        bins.bins.iter().fold((0.0, 0.0), |(v, s), &(p, n)| {
            let d = 1.0 + p * t;
            (v + n * p * t / d, s + n * p / (d * d))
        })
    });
    bins.bins.iter().map(|&(p, n)| n * p * (p * t / (1.0 + p * t))).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::workload::{probabilities, Popularity};

    #[test]
    fn binning_changes_the_answer_by_almost_nothing() {
        let p = probabilities(Popularity::Zipf { alpha_centi: 80 }, 100_000);
        let exact = Bins {
            bins: p.iter().map(|&x| (x, 1.0)).collect(),
            objects: 100_000.0,
        };
        let binned = Bins::new(&p);
        assert!(binned.len() < 10_000, "{} bins", binned.len());
        for c in [10.0, 1_000.0, 50_000.0] {
            assert!((che_lru_hit_ratio(&exact, c) - che_lru_hit_ratio(&binned, c)).abs() < 1e-5);
            assert!((fifo_irm_hit_ratio(&exact, c) - fifo_irm_hit_ratio(&binned, c)).abs() < 1e-5);
        }
    }

    #[test]
    fn lru_beats_fifo_under_zipf_and_both_grow_with_size() {
        let bins = Bins::new(&probabilities(Popularity::Zipf { alpha_centi: 100 }, 10_000));
        let mut last = 0.0;
        for c in [10.0, 100.0, 1_000.0, 5_000.0] {
            let (lru, fifo) = (che_lru_hit_ratio(&bins, c), fifo_irm_hit_ratio(&bins, c));
            assert!(lru > fifo && fifo > last, "c = {c}: {lru} {fifo}");
            last = lru;
        }
    }
}
