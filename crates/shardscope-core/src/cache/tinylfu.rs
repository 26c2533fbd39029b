//! W-TinyLFU (Einziger, Friedman and Manes, "`TinyLFU`: A Highly Efficient Cache Admission
//! Policy", ACM Transactions on Storage 2017, §4 and §5), as Caffeine builds it: a window LRU of
//! 1 % of the cache in front of a segmented LRU (80 % protected, 20 % probation), and an object
//! leaving the window enters the main cache only if a frequency sketch says it is used more often
//! than the probation segment's victim.
//!
//! The sketch is a count-min sketch of four rows of 4-bit counters (at most 15), one counter per
//! cached object per row rounded up to a power of two, behind a doorkeeper: a Bloom filter that
//! absorbs each object's first reference in a sample, so one-hit wonders never reach the
//! counters. Every `10 × capacity` references (the sample) all counters are halved and the
//! doorkeeper cleared (the paper's reset), so frequencies age.
//!
//! Left out: Caffeine's hill climber, which resizes the window as the workload changes (the
//! paper's static 1 % window is modelled), and its jitter against hash flooding.

use super::lists::Queues;
use super::Cache;
use crate::hash::hash_u64;

const WINDOW: u8 = 1;
const PROBATION: u8 = 2;
const PROTECTED: u8 = 3;
/// The window's share of the cache, in percent (Caffeine's initial setting and the paper's W-TinyLFU(1%)).
const WINDOW_PERCENT: u32 = 1;
/// The protected segment's share of the main cache, in percent (Caffeine's `PERCENT_MAIN_PROTECTED`).
const PROTECTED_PERCENT: u32 = 80;
/// References per sample before the reset, per cached object (the paper's W = 10 · C in §5).
const SAMPLE_PER_ENTRY: u64 = 10;
/// The largest value a 4-bit counter holds.
const COUNTER_MAX: u8 = 15;
/// Doorkeeper bits per reference in the sample: with three hash functions, eight bits per
/// inserted object keep its false positives near (1 − e^(−3/8))³ ≈ 3 % even when every reference
/// in a sample is to a different object.
const DOORKEEPER_BITS_PER_SAMPLE: u64 = 8;
/// Seeds for the sketch's and the doorkeeper's hashes.
const SKETCH_SEED: u64 = 0x7469_6e79_6c66_7521;
const DOOR_SEED: u64 = 0x646f_6f72_6b65_6570;

/// The frequency sketch with its doorkeeper.
#[derive(Clone, Debug)]
pub struct Sketch {
    rows: [Vec<u8>; 4],
    mask: u64,
    door: Vec<u64>,
    door_mask: u64,
    samples: u64,
    sample_size: u64,
    resets: u32,
}

impl Sketch {
    /// A sketch for a cache of `capacity` objects.
    #[must_use]
    pub fn new(capacity: u32) -> Self {
        let width = u64::from(capacity.max(16)).next_power_of_two();
        let sample_size = SAMPLE_PER_ENTRY * u64::from(capacity.max(1));
        let door_bits = (sample_size * DOORKEEPER_BITS_PER_SAMPLE).next_power_of_two().max(64);
        let row = || vec![0u8; usize::try_from(width).expect("a sketch row fits memory")];
        Self {
            rows: [row(), row(), row(), row()],
            mask: width - 1,
            door: vec![0; usize::try_from(door_bits / 64).expect("the doorkeeper fits memory")],
            door_mask: door_bits - 1,
            samples: 0,
            sample_size,
            resets: 0,
        }
    }

    /// Two independent 32-bit hashes; the `i`th index is `h1 + i·h2` (Kirsch and Mitzenmacher).
    fn hashes(seed: u64, x: u32) -> (u64, u64) {
        let h = hash_u64(seed, u64::from(x));
        (h & 0xffff_ffff, (h >> 32) | 1)
    }

    /// The slot a hash picks in a table of `mask + 1` entries, a length that fits memory.
    #[inline]
    #[allow(clippy::cast_possible_truncation)] // Masked below a Vec's length.
    fn slot(h: u64, mask: u64) -> usize {
        (h & mask) as usize
    }

    fn door_contains(&self, x: u32) -> bool {
        let (a, b) = Self::hashes(DOOR_SEED, x);
        (0..3).all(|i| {
            let bit = a.wrapping_add(i * b) & self.door_mask;
            self.door[Self::slot(bit / 64, u64::MAX)] & (1 << (bit % 64)) != 0
        })
    }

    fn door_insert(&mut self, x: u32) {
        let (a, b) = Self::hashes(DOOR_SEED, x);
        for i in 0..3 {
            let bit = a.wrapping_add(i * b) & self.door_mask;
            self.door[Self::slot(bit / 64, u64::MAX)] |= 1 << (bit % 64);
        }
    }

    /// Records one reference to `x`.
    pub fn record(&mut self, x: u32) {
        if self.door_contains(x) {
            let (a, b) = Self::hashes(SKETCH_SEED, x);
            let mask = self.mask;
            for (i, row) in (0u64..).zip(self.rows.iter_mut()) {
                let c = &mut row[Self::slot(a.wrapping_add(i * b), mask)];
                *c = (*c + 1).min(COUNTER_MAX);
            }
        } else {
            self.door_insert(x);
        }
        self.samples += 1;
        if self.samples >= self.sample_size {
            self.reset();
        }
    }

    /// Halves every counter and clears the doorkeeper.
    fn reset(&mut self) {
        for row in &mut self.rows {
            for c in row.iter_mut() {
                *c >>= 1;
            }
        }
        self.door.fill(0);
        self.samples /= 2;
        self.resets += 1;
    }

    /// The estimated references to `x` in the current sample: the least of its four counters,
    /// plus one if the doorkeeper holds it.
    #[must_use]
    pub fn estimate(&self, x: u32) -> u32 {
        let (a, b) = Self::hashes(SKETCH_SEED, x);
        let least = (0u64..)
            .zip(self.rows.iter())
            .map(|(i, row)| row[Self::slot(a.wrapping_add(i * b), self.mask)])
            .min()
            .unwrap_or(0);
        u32::from(least) + u32::from(self.door_contains(x))
    }

    /// How many resets (halvings) have happened.
    #[must_use]
    pub fn resets(&self) -> u32 {
        self.resets
    }
}

/// A W-TinyLFU cache.
#[derive(Clone, Debug)]
pub struct WTinyLfu {
    queues: Queues,
    sketch: Sketch,
    window: u32,
    main: u32,
    protected: u32,
    /// The last admission duel, for the stepped view: (candidate, its estimate, victim, its
    /// estimate, admitted).
    last_duel: Option<(u32, u32, u32, u32, bool)>,
}

impl WTinyLfu {
    /// An empty W-TinyLFU cache.
    #[must_use]
    pub fn new(capacity: u32, universe: u32) -> Self {
        let window = (capacity * WINDOW_PERCENT / 100).max(1).min(capacity);
        let main = capacity - window;
        Self {
            queues: Queues::new(universe),
            sketch: Sketch::new(capacity),
            window,
            main,
            protected: main * PROTECTED_PERCENT / 100,
            last_duel: None,
        }
    }

    /// The frequency sketch.
    #[must_use]
    pub fn sketch(&self) -> &Sketch {
        &self.sketch
    }

    /// The window's victim asks to enter the main cache.
    fn admit(&mut self, candidate: u32) {
        if self.queues.len(PROBATION) + self.queues.len(PROTECTED) < self.main {
            self.queues.push_head(PROBATION, candidate);
            return;
        }
        let Some(victim) = self.queues.tail(PROBATION).or_else(|| self.queues.tail(PROTECTED)) else {
            return; // No main cache at all (a cache of one object): the candidate leaves.
        };
        let (fc, fv) = (self.sketch.estimate(candidate), self.sketch.estimate(victim));
        let admitted = fc > fv;
        self.last_duel = Some((candidate, fc, victim, fv, admitted));
        if admitted {
            self.queues.remove(victim);
            self.queues.push_head(PROBATION, candidate);
        }
    }
}

impl Cache for WTinyLfu {
    #[inline]
    fn access(&mut self, x: u32) -> bool {
        self.sketch.record(x);
        match self.queues.tag(x) {
            WINDOW => {
                self.queues.move_to_head(WINDOW, x);
                true
            }
            PROBATION => {
                self.queues.move_to_head(PROTECTED, x);
                if self.queues.len(PROTECTED) > self.protected {
                    let demoted = self.queues.tail(PROTECTED).expect("over its size, so not empty");
                    self.queues.move_to_head(PROBATION, demoted);
                }
                true
            }
            PROTECTED => {
                self.queues.move_to_head(PROTECTED, x);
                true
            }
            _ => {
                self.queues.push_head(WINDOW, x);
                if self.queues.len(WINDOW) > self.window {
                    let candidate = self.queues.pop_tail(WINDOW).expect("over its size, so not empty");
                    self.admit(candidate);
                }
                false
            }
        }
    }

    fn holds(&self, x: u32) -> bool {
        self.queues.tag(x) != 0
    }

    fn len(&self) -> u32 {
        self.queues.len(WINDOW) + self.queues.len(PROBATION) + self.queues.len(PROTECTED)
    }

    fn contents(&self) -> Vec<(&'static str, Vec<u32>)> {
        let mut out = vec![
            ("window (LRU, 1 %)", self.queues.items(WINDOW)),
            ("probation (LRU)", self.queues.items(PROBATION)),
            ("protected (LRU, 80 % of main)", self.queues.items(PROTECTED)),
        ];
        if let Some((c, _, v, _, admitted)) = self.last_duel {
            out.push(("last duel: candidate, victim", vec![c, v]));
            out.push(if admitted {
                ("last duel's winner", vec![c])
            } else {
                ("last duel's winner", vec![v])
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sketch_counts_after_the_doorkeeper_and_halves_on_reset() {
        let mut s = Sketch::new(100);
        assert_eq!(s.estimate(7), 0);
        s.record(7);
        assert_eq!(s.estimate(7), 1, "the first reference is the doorkeeper's");
        for _ in 0..5 {
            s.record(7);
        }
        assert_eq!(s.estimate(7), 6);
        for _ in 0..20 {
            s.record(7);
        }
        assert_eq!(s.estimate(7), 16, "counters stop at 15, plus the doorkeeper");
        // Fill the sample (1,000 references for 100 entries) with other objects.
        for x in 0..1_000 {
            s.record(1_000 + x);
        }
        assert_eq!(s.resets(), 1);
        assert!(s.estimate(7) <= 8, "halved: {}", s.estimate(7));
    }

    #[test]
    fn a_frequent_object_wins_the_duel_and_one_hit_wonders_lose() {
        // Capacity 100: window 1, main 99. Warm the main cache with 0..99, each used twice.
        let mut c = WTinyLfu::new(100, 10_000);
        for x in 0..100 {
            c.access(x);
            c.access(x);
        }
        // A stream of one-hit wonders passes through the window and is turned away.
        for x in 1_000..1_200 {
            c.access(x);
        }
        let kept = (0..100).filter(|&x| c.queues.tag(x) != 0).count();
        assert!(kept >= 98, "the warm objects stay: {kept}");
        assert!(c.len() <= 100);
    }
}
