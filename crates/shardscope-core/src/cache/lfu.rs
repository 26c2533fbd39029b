//! LFU with dynamic aging (LFU-DA; Arlitt, Cherkasova, Dilley, Friedrich and Jin, "Evaluating
//! content management techniques for Web proxy caches", 2000).
//!
//! Plain LFU never forgets: an object that was hot an hour ago keeps its count and its place
//! while today's hot objects are evicted. LFU-DA gives each cached object the priority
//! `K = L + f` (its reference count `f` plus the cache's age `L`, the priority of the last object
//! evicted), recomputed on every hit, and evicts the least `K`; as `L` grows, new objects start
//! level with old counts that are no longer being earned. Ties go to the least recently used.
//!
//! A hit only raises the object's priority, so the heap is updated lazily: a hit writes the new
//! priority beside the object in O(1), and only when a stale entry reaches the top of the heap,
//! at an eviction, is it moved down to where its true priority belongs. Every entry's stored
//! priority is at most its true one, so a fresh entry at the top is the true least: the victims
//! are exactly those of an eagerly updated heap, at a fraction of the cost (each hit would
//! otherwise sift through `log2 C` levels).
//!
//! Objects not hit since they came in are kept apart, in a FIFO: each entered with the priority
//! `L + 1` of its moment, and `L` never falls, so their priorities rise in the order they came and
//! the oldest is their least. Most objects under a skewed workload come in once and leave unhit;
//! they never touch the heap, and an eviction compares the FIFO's oldest with the heap's top.

use super::heap::{IndexedHeap, Key};
use super::lists::Queues;

/// The queue of objects not hit since they came in.
const FRESH: u8 = 1;
use super::Cache;

/// What LFU-DA knows of one object.
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    key: Key,
    count: u32,
}

/// An LFU-DA cache.
#[derive(Clone, Debug)]
pub struct Lfu {
    /// Cached objects hit at least once.
    heap: IndexedHeap,
    /// Cached objects not hit since they came in, oldest at the tail.
    fresh: Queues,
    /// Each object's reference count (0: not cached) and, if cached, its true priority (the
    /// heap may hold an older, lower one): one entry, so a hit touches one place in memory.
    state: Vec<Slot>,
    age: u64,
    clock: u64,
    capacity: u32,
}

impl Lfu {
    /// An empty LFU-DA cache.
    #[must_use]
    pub fn new(capacity: u32, universe: u32) -> Self {
        Self {
            heap: IndexedHeap::new(universe),
            fresh: Queues::new(universe),
            state: vec![Slot::default(); universe as usize],
            age: 0,
            clock: 0,
            capacity,
        }
    }
}

impl Lfu {
    /// Whether `x` is cached.
    #[cfg(test)]
    fn cached(&self, x: u32) -> bool {
        self.state[x as usize].count > 0
    }

    /// Evicts the least priority: the FIFO's oldest or the heap's top, whichever is less.
    fn evict(&mut self) {
        // Refresh stale entries at the top until the top is true: then it is the heap's least.
        while let Some((stored, top)) = self.heap.peek() {
            let truth = self.state[top as usize].key;
            if stored == truth {
                break;
            }
            self.heap.update(top, truth);
        }
        let oldest = self.fresh.tail(FRESH).map(|x| (self.state[x as usize].key, x));
        let victim = match (oldest, self.heap.peek()) {
            (Some(f), Some(h)) if h.0 < f.0 => self.heap.pop(),
            (Some(f), _) => {
                self.fresh.remove(f.1);
                Some(f)
            }
            (None, _) => self.heap.pop(),
        };
        if let Some(((k, _), x)) = victim {
            self.age = k;
            self.state[x as usize].count = 0;
        }
    }
}

impl Cache for Lfu {
    #[inline]
    fn access(&mut self, x: u32) -> bool {
        self.clock += 1;
        let slot = &mut self.state[x as usize];
        if slot.count > 0 {
            slot.count += 1;
            slot.key = (self.age + u64::from(slot.count), self.clock);
            if self.fresh.tag(x) == FRESH {
                self.fresh.remove(x);
                self.heap.push(x, slot.key);
            }
            return true;
        }
        if self.len() >= self.capacity {
            self.evict();
        }
        self.state[x as usize] = Slot {
            key: (self.age + 1, self.clock),
            count: 1,
        };
        self.fresh.push_head(FRESH, x);
        false
    }

    fn holds(&self, x: u32) -> bool {
        self.state[x as usize].count > 0
    }

    fn len(&self) -> u32 {
        self.heap.len() + self.fresh.len(FRESH)
    }

    fn contents(&self) -> Vec<(&'static str, Vec<u32>)> {
        let mut entries = self.heap.entries().to_vec();
        entries.sort_unstable();
        vec![(
            "priority L + f, next victim first",
            entries.into_iter().map(|(_, x)| x).collect(),
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frequent_object_stays_and_aging_lets_new_ones_in() {
        let mut c = Lfu::new(2, 8);
        // 0 is used three times; 1 once; 2 evicts 1 (priority 1 < 3), and the age becomes 1.
        for x in [0, 0, 0, 1, 2] {
            c.access(x);
        }
        assert!(c.cached(0) && c.cached(2) && !c.cached(1));
        assert_eq!(c.age, 1);
        // 3 evicts 2 (priority 2) and arrives at age 2 + 1 = 3, level with 0's three uses;
        // then 4 evicts 0, the older of the two: the age has caught up with its old count.
        c.access(3);
        assert_eq!(c.age, 2);
        assert!(c.cached(0) && c.cached(3));
        c.access(4);
        assert_eq!(c.age, 3);
        assert!(!c.cached(0) && c.cached(3) && c.cached(4));
    }
}
