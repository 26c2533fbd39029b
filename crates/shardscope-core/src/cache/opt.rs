//! Belady's OPT (Belady, "A study of replacement algorithms for a virtual-storage computer",
//! 1966): evict the object whose next use is farthest in the future. It needs the whole trace in
//! advance, so no real cache can run it; with objects of one size no policy misses less, which
//! makes it the floor every curve is drawn against.
//!
//! A missed object whose own next use is at least as far as every cached object's is not
//! admitted at all (it would be the victim at once), which keeps OPT a lower bound also for
//! policies that may refuse admission, such as W-TinyLFU.

use std::sync::Arc;

use super::heap::IndexedHeap;
use super::Cache;

/// "Never used again", as a next-use time.
pub const NEVER: u32 = u32::MAX;

/// For each request `t` of `trace`, the index of the next request for the same object, or
/// [`NEVER`]; one backward pass.
///
/// ```
/// use shardscope_core::cache::opt::{next_uses, NEVER};
/// assert_eq!(next_uses(&[1, 2, 1, 1], 3), vec![2, NEVER, 3, NEVER]);
/// ```
#[must_use]
pub fn next_uses(trace: &[u32], universe: u32) -> Vec<u32> {
    let mut last = vec![NEVER; universe as usize];
    let mut next = vec![NEVER; trace.len()];
    for (t, &x) in trace.iter().enumerate().rev() {
        next[t] = last[x as usize];
        last[x as usize] = u32::try_from(t).expect("traces have fewer than 2^32 requests");
    }
    next
}

/// Belady's OPT over a trace whose next uses are known.
#[derive(Clone, Debug)]
pub struct Opt {
    heap: IndexedHeap,
    next: Arc<[u32]>,
    time: usize,
    capacity: u32,
}

impl Opt {
    /// An empty OPT cache that will be fed the trace whose [`next_uses`] are `next`, from its
    /// first request.
    #[must_use]
    pub fn new(capacity: u32, universe: u32, next: Arc<[u32]>) -> Self {
        Self {
            heap: IndexedHeap::new(universe),
            next,
            time: 0,
            capacity,
        }
    }

    /// The heap key: the farthest next use is the least key, so it is evicted first.
    fn key(next: u32) -> (u64, u64) {
        (u64::from(NEVER - next), 0)
    }
}

impl Cache for Opt {
    #[inline]
    fn access(&mut self, x: u32) -> bool {
        let next = self.next.get(self.time).copied().unwrap_or(NEVER);
        self.time += 1;
        if self.heap.contains(x) {
            self.heap.update(x, Self::key(next));
            return true;
        }
        if self.heap.len() < self.capacity {
            self.heap.push(x, Self::key(next));
        } else if let Some((farthest, _)) = self.heap.peek() {
            if Self::key(next) > farthest {
                self.heap.pop();
                self.heap.push(x, Self::key(next));
            }
        }
        false
    }

    fn holds(&self, x: u32) -> bool {
        self.heap.contains(x)
    }

    fn len(&self) -> u32 {
        self.heap.len()
    }

    fn contents(&self) -> Vec<(&'static str, Vec<u32>)> {
        let mut entries = self.heap.entries().to_vec();
        entries.sort_unstable();
        vec![(
            "next use, farthest (next victim) first",
            entries.into_iter().map(|(_, x)| x).collect(),
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opt_evicts_the_farthest_next_use() {
        // The textbook reference string with 3 frames (Silberschatz et al., "Operating System
        // Concepts", §10.4): the textbook's OPT, which must load every missed page, makes 9
        // faults. Ours may leave a missed object out when its next use is the farthest: 4, at
        // time 7, is never used again, so it is not admitted, 0 stays and hits at time 10.
        let trace = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];
        let next: Arc<[u32]> = next_uses(&trace, 8).into();
        let mut c = Opt::new(3, 8, next);
        let misses = trace.iter().filter(|&&x| !c.access(x)).count();
        assert_eq!(misses, 8);
    }
}
