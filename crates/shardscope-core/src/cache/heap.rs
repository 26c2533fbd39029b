//! An indexed four-ary min-heap over dense object identifiers, for the policies that evict by a
//! priority: LFU with dynamic aging (least priority first) and Belady's OPT (farthest next use
//! first).
//!
//! Indexed, because both change a cached object's priority on every hit: each object remembers
//! its position in the heap, so an update is one sift of `O(log C)` and the heap never holds
//! stale entries. Four children a node rather than two halve the height, and so the scattered
//! writes of each object's position that a sift makes (LFU-DA inserts every new object with
//! nearly the least priority, so it rises almost to the top); the four children sit side by side.

use super::lists::NIL;

/// Children per node.
const ARITY: usize = 4;

/// A priority: compared first by `.0`, ties broken by `.1`.
pub type Key = (u64, u64);

/// A min-heap of objects `0..universe` by [`Key`].
#[derive(Clone, Debug)]
pub struct IndexedHeap {
    items: Vec<(Key, u32)>,
    position: Vec<u32>,
}

impl IndexedHeap {
    /// An empty heap over `universe` objects.
    #[must_use]
    pub fn new(universe: u32) -> Self {
        Self {
            items: Vec::new(),
            position: vec![NIL; universe as usize],
        }
    }

    /// Objects in the heap.
    #[must_use]
    pub fn len(&self) -> u32 {
        u32::try_from(self.items.len()).expect("a heap of u32 objects")
    }

    /// Whether `x` is in the heap.
    #[inline]
    #[must_use]
    pub fn contains(&self, x: u32) -> bool {
        self.position[x as usize] != NIL
    }

    /// The least object and its key.
    #[must_use]
    pub fn peek(&self) -> Option<(Key, u32)> {
        self.items.first().copied()
    }

    /// The objects and keys, in heap order (for the stepped view, which sorts them).
    #[must_use]
    pub fn entries(&self) -> &[(Key, u32)] {
        &self.items
    }

    /// Inserts `x` (not in the heap) with `key`.
    pub fn push(&mut self, x: u32, key: Key) {
        debug_assert!(!self.contains(x));
        let i = self.items.len();
        self.items.push((key, x));
        self.position[x as usize] = u32::try_from(i).expect("positions fit u32");
        self.sift_up(i);
    }

    /// Gives `x` (in the heap) a new key.
    pub fn update(&mut self, x: u32, key: Key) {
        let i = self.position[x as usize] as usize;
        let old = self.items[i].0;
        self.items[i].0 = key;
        if key < old {
            self.sift_up(i);
        } else {
            self.sift_down(i);
        }
    }

    /// Takes the least object out.
    pub fn pop(&mut self) -> Option<(Key, u32)> {
        let last = self.items.len().checked_sub(1)?;
        self.items.swap(0, last);
        let top = self.items.pop().expect("not empty");
        self.position[top.1 as usize] = NIL;
        if !self.items.is_empty() {
            self.place(0);
            self.sift_down(0);
        }
        Some(top)
    }

    fn place(&mut self, i: usize) {
        self.position[self.items[i].1 as usize] = u32::try_from(i).expect("positions fit u32");
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if self.items[i].0 >= self.items[parent].0 {
                break;
            }
            self.items.swap(i, parent);
            self.place(i);
            i = parent;
        }
        self.place(i);
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.items.len();
        loop {
            let first = ARITY * i + 1;
            let mut least = i;
            for c in first..(first + ARITY).min(n) {
                if self.items[c].0 < self.items[least].0 {
                    least = c;
                }
            }
            if least == i {
                break;
            }
            self.items.swap(i, least);
            self.place(i);
            i = least;
        }
        self.place(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_key_order_after_updates() {
        let mut h = IndexedHeap::new(10);
        for (x, k) in [(0, 5), (1, 3), (2, 9), (3, 1), (4, 7)] {
            h.push(x, (k, 0));
        }
        h.update(3, (8, 0));
        h.update(2, (2, 0));
        let order: Vec<u32> = std::iter::from_fn(|| h.pop().map(|(_, x)| x)).collect();
        assert_eq!(order, vec![2, 1, 0, 4, 3]);
        assert!(!h.contains(3));
        assert_eq!(h.len(), 0);
    }
}
