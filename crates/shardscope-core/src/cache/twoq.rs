//! 2Q, the full version (Johnson and Shasha, "2Q: A Low Overhead High Performance Buffer
//! Management Replacement Algorithm", VLDB 1994, Fig. 2).
//!
//! A first reference puts an object in A1in, a FIFO; when A1in passes its share `Kin`, its
//! oldest object leaves the cache but its identifier goes to A1out, a FIFO of `Kout` ghosts.
//! Only an object referenced again while its ghost is in A1out enters Am, an LRU: one scan,
//! however long, passes through A1in and never reaches Am.

use super::lists::Queues;
use super::Cache;

const A1IN: u8 = 1;
const A1OUT: u8 = 2;
const AM: u8 = 3;

/// A 2Q cache with the paper's recommended sizes: `Kin` = 25 % of the cache, `Kout` = 50 %.
#[derive(Clone, Debug)]
pub struct TwoQ {
    queues: Queues,
    capacity: u32,
    k_in: u32,
    k_out: u32,
}

impl TwoQ {
    /// An empty 2Q cache.
    #[must_use]
    pub fn new(capacity: u32, universe: u32) -> Self {
        Self {
            queues: Queues::new(universe),
            capacity,
            k_in: (capacity / 4).max(1),
            k_out: (capacity / 2).max(1),
        }
    }

    /// Frees a slot if the cache is full (the paper's `reclaimfor`).
    fn reclaim(&mut self) {
        if self.queues.len(A1IN) + self.queues.len(AM) < self.capacity {
            return;
        }
        if self.queues.len(A1IN) > self.k_in || self.queues.len(AM) == 0 {
            let y = self.queues.pop_tail(A1IN).expect("a full cache with Am empty has A1in");
            if self.queues.len(A1OUT) >= self.k_out {
                self.queues.pop_tail(A1OUT);
            }
            self.queues.push_head(A1OUT, y);
        } else {
            self.queues.pop_tail(AM);
        }
    }
}

impl Cache for TwoQ {
    #[inline]
    fn access(&mut self, x: u32) -> bool {
        match self.queues.tag(x) {
            AM => {
                self.queues.move_to_head(AM, x);
                true
            }
            A1IN => true,
            A1OUT => {
                self.queues.remove(x);
                self.reclaim();
                self.queues.push_head(AM, x);
                false
            }
            _ => {
                self.reclaim();
                self.queues.push_head(A1IN, x);
                false
            }
        }
    }

    fn holds(&self, x: u32) -> bool {
        matches!(self.queues.tag(x), A1IN | AM)
    }

    fn len(&self) -> u32 {
        self.queues.len(A1IN) + self.queues.len(AM)
    }

    fn contents(&self) -> Vec<(&'static str, Vec<u32>)> {
        vec![
            ("A1in (FIFO, first references)", self.queues.items(A1IN)),
            ("Am (LRU, referenced again)", self.queues.items(AM)),
            ("A1out (ghosts: identifiers only)", self.queues.items(A1OUT)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_reference_after_eviction_promotes_to_am() {
        // Capacity 4: Kin = 1, Kout = 2.
        let mut q = TwoQ::new(4, 16);
        for x in 0..4 {
            assert!(!q.access(x));
        }
        // 4 needs room: A1in holds 4 > Kin, so its oldest (0) leaves and becomes a ghost.
        assert!(!q.access(4));
        assert_eq!(q.queues.tag(0), A1OUT);
        // 0 again: a miss, but now it enters Am.
        assert!(!q.access(0));
        assert_eq!(q.queues.tag(0), AM);
        assert!(q.access(0));
        // A long scan leaves Am alone.
        for x in 5..16 {
            q.access(x);
        }
        assert_eq!(q.queues.tag(0), AM);
        assert!(q.access(0));
        assert!(q.len() <= 4 && q.queues.len(A1OUT) <= 2);
    }
}
