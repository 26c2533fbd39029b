//! ARC, the Adaptive Replacement Cache (Megiddo and Modha, "ARC: A Self-Tuning, Low Overhead
//! Replacement Cache", FAST 2003, Fig. 4).
//!
//! T1 holds objects seen once recently, T2 objects seen at least twice; B1 and B2 remember the
//! identifiers T1 and T2 evicted last. A miss that hits a ghost in B1 says T1 was too small and
//! moves the target size `p` of T1 up; a ghost hit in B2 moves it down. So ARC tunes itself
//! between recency and frequency as the workload changes, with no parameter to set.

use super::lists::Queues;
use super::Cache;

const T1: u8 = 1;
const T2: u8 = 2;
const B1: u8 = 3;
const B2: u8 = 4;

/// An ARC cache.
#[derive(Clone, Debug)]
pub struct Arc {
    queues: Queues,
    capacity: u32,
    /// The target size of T1.
    p: u32,
}

impl Arc {
    /// An empty ARC cache.
    #[must_use]
    pub fn new(capacity: u32, universe: u32) -> Self {
        Self {
            queues: Queues::new(universe),
            capacity,
            p: 0,
        }
    }

    /// The target size of T1, as adapted so far.
    #[must_use]
    pub fn target(&self) -> u32 {
        self.p
    }

    fn len_of(&self, q: u8) -> u32 {
        self.queues.len(q)
    }

    /// The paper's `REPLACE(x, p)`: evicts T1's or T2's least recent object into its ghost list.
    fn replace(&mut self, in_b2: bool) {
        let t1 = self.len_of(T1);
        let from_t1 = t1 >= 1 && ((in_b2 && t1 == self.p) || t1 > self.p);
        let (from, to) = if from_t1 || self.len_of(T2) == 0 {
            (T1, B1)
        } else {
            (T2, B2)
        };
        if let Some(y) = self.queues.pop_tail(from) {
            self.queues.push_head(to, y);
        }
    }
}

impl Cache for Arc {
    fn access(&mut self, x: u32) -> bool {
        let c = self.capacity;
        match self.queues.tag(x) {
            T1 | T2 => {
                self.queues.move_to_head(T2, x);
                true
            }
            B1 => {
                let (b1, b2) = (self.len_of(B1), self.len_of(B2));
                let delta = if b1 >= b2 { 1 } else { b2 / b1 };
                self.p = (self.p + delta).min(c);
                self.replace(false);
                self.queues.move_to_head(T2, x);
                false
            }
            B2 => {
                let (b1, b2) = (self.len_of(B1), self.len_of(B2));
                let delta = if b2 >= b1 { 1 } else { b1 / b2 };
                self.p = self.p.saturating_sub(delta);
                self.replace(true);
                self.queues.move_to_head(T2, x);
                false
            }
            _ => {
                let l1 = self.len_of(T1) + self.len_of(B1);
                let total = l1 + self.len_of(T2) + self.len_of(B2);
                if l1 >= c {
                    if self.len_of(T1) < c {
                        self.queues.pop_tail(B1);
                        self.replace(false);
                    } else {
                        self.queues.pop_tail(T1);
                    }
                } else if total >= c {
                    if total >= 2 * c {
                        self.queues.pop_tail(B2);
                    }
                    self.replace(false);
                }
                self.queues.push_head(T1, x);
                false
            }
        }
    }

    fn holds(&self, x: u32) -> bool {
        matches!(self.queues.tag(x), T1 | T2)
    }

    fn len(&self) -> u32 {
        self.len_of(T1) + self.len_of(T2)
    }

    fn contents(&self) -> Vec<(&'static str, Vec<u32>)> {
        vec![
            ("T1 (seen once recently)", self.queues.items(T1)),
            ("T2 (seen at least twice)", self.queues.items(T2)),
            ("B1 (ghosts evicted from T1)", self.queues.items(B1)),
            ("B2 (ghosts evicted from T2)", self.queues.items(B2)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ghost_hits_move_the_target_and_lists_stay_in_bounds() {
        let mut a = Arc::new(4, 32);
        // 0 is seen twice (T2); 1, 2, 3 once (T1); 4 makes room by sending T1's oldest, 1, to B1.
        for x in [0, 1, 0, 2, 3, 4] {
            a.access(x);
        }
        assert_eq!(a.queues.tag(0), T2);
        assert_eq!(a.queues.tag(1), B1);
        // A hit on 1's ghost is a miss that grows T1's target and puts 1 in T2.
        assert!(!a.access(1));
        assert_eq!(a.target(), 1);
        assert_eq!(a.queues.tag(1), T2);
        // A scan of one-time objects churns T1 and leaves T2 alone.
        for x in 5..20 {
            a.access(x);
            let (t1, t2, b1, b2) = (a.len_of(T1), a.len_of(T2), a.len_of(B1), a.len_of(B2));
            assert!(t1 + t2 <= 4 && t1 + b1 <= 4 && t1 + t2 + b1 + b2 <= 8);
        }
        assert!(a.access(0) && a.access(1));
    }
}
