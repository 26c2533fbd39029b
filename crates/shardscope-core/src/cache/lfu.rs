//! LFU with dynamic aging (LFU-DA; Arlitt, Cherkasova, Dilley, Friedrich and Jin, "Evaluating
//! content management techniques for Web proxy caches", 2000).
//!
//! Plain LFU never forgets: an object that was hot an hour ago keeps its count and its place
//! while today's hot objects are evicted. LFU-DA gives each cached object the priority
//! `K = L + f` (its reference count `f` plus the cache's age `L`, the priority of the last object
//! evicted), recomputed on every hit, and evicts the least `K`; as `L` grows, new objects start
//! level with old counts that are no longer being earned. Ties go to the least recently used.

use super::heap::IndexedHeap;
use super::Cache;

/// An LFU-DA cache.
#[derive(Clone, Debug)]
pub struct Lfu {
    heap: IndexedHeap,
    count: Vec<u32>,
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
            count: vec![0; universe as usize],
            age: 0,
            clock: 0,
            capacity,
        }
    }
}

impl Cache for Lfu {
    #[inline]
    fn access(&mut self, x: u32) -> bool {
        self.clock += 1;
        let f = &mut self.count[x as usize];
        if self.heap.contains(x) {
            *f += 1;
            self.heap.update(x, (self.age + u64::from(*f), self.clock));
            return true;
        }
        if self.heap.len() >= self.capacity {
            if let Some(((k, _), victim)) = self.heap.pop() {
                self.age = k;
                self.count[victim as usize] = 0;
            }
        }
        self.count[x as usize] = 1;
        self.heap.push(x, (self.age + 1, self.clock));
        false
    }

    fn len(&self) -> u32 {
        self.heap.len()
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
        assert!(c.heap.contains(0) && c.heap.contains(2) && !c.heap.contains(1));
        assert_eq!(c.age, 1);
        // 3 evicts 2 (priority 2) and arrives at age 2 + 1 = 3, level with 0's three uses;
        // then 4 evicts 0, the older of the two: the age has caught up with its old count.
        c.access(3);
        assert_eq!(c.age, 2);
        assert!(c.heap.contains(0) && c.heap.contains(3));
        c.access(4);
        assert_eq!(c.age, 3);
        assert!(!c.heap.contains(0) && c.heap.contains(3) && c.heap.contains(4));
    }
}
