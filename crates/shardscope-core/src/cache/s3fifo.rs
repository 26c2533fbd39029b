//! S3-FIFO (Yang, Zhang, Qiu, Yue and Vinayak, "FIFO queues are all you need for cache
//! eviction", SOSP 2023, Algorithm 1), with the reference implementation's constants
//! (libCacheSim's `S3FIFO`: `small-size-ratio=0.10`, `ghost-size-ratio=0.90`,
//! `move-to-main-threshold=2`, counters capped at 3).
//!
//! A new object enters S, a small FIFO of 10 % of the cache; most objects are used once, and S
//! evicts them quickly into G, a FIFO of identifiers only. An object used again while in S moves
//! to M, the main FIFO, and so does a missed object whose identifier G still holds. M evicts like
//! CLOCK with a two-bit counter: an object used since it was inserted goes back to M's head with
//! its count lowered by one.

use super::lists::Queues;
use super::Cache;

const S: u8 = 1;
const M: u8 = 2;
const G: u8 = 3;
/// The small FIFO's share of the cache, in percent.
const SMALL_PERCENT: u32 = 10;
/// The ghost FIFO's length, in percent of the cache's.
const GHOST_PERCENT: u32 = 90;
/// Uses in S that move an object to M (`t.freq > 1` in Algorithm 1).
const MOVE_TO_MAIN: u8 = 2;
/// The counter's cap (two bits).
const FREQ_MAX: u8 = 3;

/// An S3-FIFO cache.
#[derive(Clone, Debug)]
pub struct S3Fifo {
    queues: Queues,
    freq: Vec<u8>,
    capacity: u32,
    small: u32,
    ghost: u32,
}

impl S3Fifo {
    /// An empty S3-FIFO cache.
    #[must_use]
    pub fn new(capacity: u32, universe: u32) -> Self {
        Self {
            queues: Queues::new(universe),
            freq: vec![0; universe as usize],
            capacity,
            small: (capacity * SMALL_PERCENT / 100).max(1),
            ghost: (capacity * GHOST_PERCENT / 100).max(1),
        }
    }

    fn evict(&mut self) {
        if self.queues.len(S) >= self.small || self.queues.len(M) == 0 {
            self.evict_small();
        } else {
            self.evict_main();
        }
    }

    fn evict_small(&mut self) {
        while let Some(t) = self.queues.pop_tail(S) {
            if self.freq[t as usize] >= MOVE_TO_MAIN {
                self.freq[t as usize] = 0;
                self.queues.push_head(M, t);
                if self.queues.len(M) > self.capacity - self.small.min(self.capacity) {
                    self.evict_main();
                }
            } else {
                if self.queues.len(G) >= self.ghost {
                    self.queues.pop_tail(G);
                }
                self.queues.push_head(G, t);
                return;
            }
        }
    }

    fn evict_main(&mut self) {
        while let Some(t) = self.queues.tail(M) {
            let f = &mut self.freq[t as usize];
            if *f > 0 {
                *f -= 1;
                self.queues.move_to_head(M, t);
            } else {
                self.queues.remove(t);
                return;
            }
        }
    }
}

impl Cache for S3Fifo {
    #[inline]
    fn access(&mut self, x: u32) -> bool {
        match self.queues.tag(x) {
            S | M => {
                let f = &mut self.freq[x as usize];
                *f = (*f + 1).min(FREQ_MAX);
                true
            }
            _ => {
                while self.queues.len(S) + self.queues.len(M) >= self.capacity {
                    self.evict();
                }
                self.freq[x as usize] = 0;
                // Read after evicting, as Algorithm 1 does: making room may have pushed x's
                // own ghost out of G.
                if self.queues.tag(x) == G {
                    self.queues.remove(x);
                    self.queues.push_head(M, x);
                } else {
                    self.queues.push_head(S, x);
                }
                false
            }
        }
    }

    fn holds(&self, x: u32) -> bool {
        matches!(self.queues.tag(x), S | M)
    }

    fn len(&self) -> u32 {
        self.queues.len(S) + self.queues.len(M)
    }

    fn contents(&self) -> Vec<(&'static str, Vec<u32>)> {
        vec![
            ("S (small FIFO, 10 %)", self.queues.items(S)),
            ("M (main FIFO)", self.queues.items(M)),
            ("G (ghosts: identifiers only)", self.queues.items(G)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hit_wonders_leave_through_s_and_a_ghost_hit_goes_to_m() {
        // Capacity 10: S holds 1, G 9.
        let mut c = S3Fifo::new(10, 100);
        for x in 0..10 {
            c.access(x);
        }
        // Until the cache is full, every new object waits in S, whatever S's share.
        assert_eq!((c.len(), c.queues.len(S)), (10, 10));
        c.access(10);
        // The cache was full with everything in S: S's oldest (0, used once) became a ghost.
        assert_eq!(c.queues.tag(0), G);
        // 0 again: a miss that enters M directly.
        assert!(!c.access(0));
        assert_eq!(c.queues.tag(0), M);
        // An object used twice in S moves to M when S evicts it.
        assert!(c.access(5) && c.access(5));
        for x in 20..40 {
            c.access(x);
        }
        assert_eq!(c.queues.tag(5), M);
        assert!(c.len() <= 10 && c.queues.len(G) <= 9);
    }
}
