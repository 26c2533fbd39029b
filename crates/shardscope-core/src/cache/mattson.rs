//! Mattson's stack distances (Mattson, Gecsei, Slutz and Traiger, "Evaluation techniques for
//! storage hierarchies", IBM Systems Journal 1970): LRU's hits at every cache size from one pass
//! over the trace.
//!
//! LRU is a stack algorithm: a cache of `C` objects always holds the `C` most recently used, so
//! a request hits at size `C` exactly when fewer than `C` distinct objects were used since the
//! object's last use. That count plus one is the request's stack distance. A Fenwick tree over
//! request times, with a mark at each object's latest use, counts the marks after the previous
//! use in `O(log n)`, so the whole curve costs `O(n log n)` instead of one simulation per size.

/// A Fenwick (binary indexed) tree of counts over positions `0..n`.
#[derive(Clone, Debug)]
struct Fenwick {
    tree: Vec<u32>,
}

impl Fenwick {
    fn new(n: usize) -> Self {
        Self { tree: vec![0; n + 1] }
    }

    fn add(&mut self, i: usize, delta: i32) {
        let mut i = i + 1;
        while i < self.tree.len() {
            self.tree[i] = self.tree[i].wrapping_add_signed(delta);
            i += i & i.wrapping_neg();
        }
    }

    /// The sum over positions `0..i`.
    fn prefix(&self, i: usize) -> u32 {
        let mut i = i;
        let mut sum = 0;
        while i > 0 {
            sum += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        sum
    }
}

/// Stack distances accumulated a batch at a time.
#[derive(Clone, Debug)]
pub struct StackDistances {
    fenwick: Fenwick,
    last: Vec<u32>,
    time: u32,
    marks: u32,
    /// `histogram[d]`: counted requests at stack distance `d + 1`.
    histogram: Vec<u64>,
    /// `bytes[d]`: bytes of the counted requests at stack distance `d + 1` (sized traces only).
    bytes: Vec<u64>,
    /// Counted requests for an object never used before (infinite distance).
    cold: u64,
    /// Requests before this time are served but not counted (the warm-up).
    count_from: u32,
}

impl StackDistances {
    /// Distances for a trace of `requests` requests over `universe` objects; requests before
    /// `count_from` warm the stack but are not counted.
    #[must_use]
    pub fn new(requests: u32, universe: u32, count_from: u32) -> Self {
        Self {
            fenwick: Fenwick::new(requests as usize),
            last: vec![u32::MAX; universe as usize],
            time: 0,
            marks: 0,
            histogram: Vec::new(),
            bytes: Vec::new(),
            cold: 0,
            count_from,
        }
    }

    /// Serves the next requests.
    pub fn feed(&mut self, batch: &[u32]) {
        for &x in batch {
            self.serve(x);
        }
    }

    /// Serves the next requests, `sizes[i]` bytes each, so [`byte_hits_at`](Self::byte_hits_at)
    /// can weigh hits by size.
    pub fn feed_sized(&mut self, batch: &[u32], sizes: &[u32]) {
        for (&x, &size) in batch.iter().zip(sizes) {
            if let Some(d) = self.serve(x) {
                if self.bytes.len() <= d {
                    self.bytes.resize(d + 1, 0);
                }
                self.bytes[d] += u64::from(size);
            }
        }
    }

    /// One request; returns its histogram index if it was counted and not cold.
    fn serve(&mut self, x: u32) -> Option<usize> {
        let t = self.time as usize;
        let prev = self.last[x as usize];
        let counted = self.time >= self.count_from;
        let mut counted_at = None;
        if prev == u32::MAX {
            self.cold += u64::from(counted);
            self.marks += 1;
        } else {
            // Marks after `prev` are the distinct objects used since.
            let since = self.marks - self.fenwick.prefix(prev as usize + 1);
            if counted {
                let d = since as usize;
                if self.histogram.len() <= d {
                    self.histogram.resize(d + 1, 0);
                }
                self.histogram[d] += 1;
                counted_at = Some(d);
            }
            self.fenwick.add(prev as usize, -1);
        }
        self.fenwick.add(t, 1);
        self.last[x as usize] = self.time;
        self.time += 1;
        counted_at
    }

    /// Counted requests so far.
    #[must_use]
    pub fn counted(&self) -> u64 {
        self.cold + self.histogram.iter().sum::<u64>()
    }

    /// LRU's hits at each size in `sizes` (objects), over the counted requests.
    #[must_use]
    pub fn hits_at(&self, sizes: &[u32]) -> Vec<u64> {
        let mut cumulative = Vec::with_capacity(self.histogram.len() + 1);
        cumulative.push(0u64);
        for &h in &self.histogram {
            let last = *cumulative.last().expect("starts with 0");
            cumulative.push(last + h);
        }
        sizes
            .iter()
            .map(|&c| cumulative[(c as usize).min(self.histogram.len())])
            .collect()
    }

    /// Bytes LRU serves from the cache at each size in `sizes` (objects), over the counted
    /// requests of a trace fed with [`feed_sized`](Self::feed_sized).
    #[must_use]
    pub fn byte_hits_at(&self, sizes: &[u32]) -> Vec<u64> {
        sizes
            .iter()
            .map(|&c| self.bytes[..(c as usize).min(self.bytes.len())].iter().sum())
            .collect()
    }

    /// The smallest LRU size whose hits reach `hits` over the counted requests, if any does
    /// (cold misses miss at every size).
    #[must_use]
    pub fn smallest_size_for(&self, hits: u64) -> Option<u32> {
        let mut sum = 0;
        for (d, &h) in self.histogram.iter().enumerate() {
            sum += h;
            if sum >= hits {
                return u32::try_from(d + 1).ok();
            }
        }
        (hits == 0).then_some(0)
    }

    /// Requests never seen before, among the counted ones.
    #[must_use]
    pub fn cold(&self) -> u64 {
        self.cold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_of_a_small_trace() {
        // a b c a b b: distances ∞ ∞ ∞ 3 3 1.
        let mut s = StackDistances::new(6, 3, 0);
        s.feed(&[0, 1, 2, 0, 1, 1]);
        assert_eq!(s.cold(), 3);
        assert_eq!(s.hits_at(&[1, 2, 3, 10]), vec![1, 1, 3, 3]);
        assert_eq!(s.counted(), 6);
        assert_eq!(s.smallest_size_for(3), Some(3));
        assert_eq!(s.smallest_size_for(1), Some(1));
        assert_eq!(s.smallest_size_for(4), None);
    }
}
