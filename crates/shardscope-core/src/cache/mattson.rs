//! Mattson's stack distances (Mattson, Gecsei, Slutz and Traiger, "Evaluation techniques for
//! storage hierarchies", IBM Systems Journal 1970): LRU's hits at every cache size from one pass
//! over the trace.
//!
//! LRU is a stack algorithm: a cache of `C` objects always holds the `C` most recently used, so
//! a request hits at size `C` exactly when fewer than `C` distinct objects were used since the
//! object's last use. That count plus one is the request's stack distance. A Fenwick tree over
//! time slots, with a mark at each object's latest use, counts the marks after the previous use
//! in `O(log S)` for `S` slots. Slots are handed out one per request; when they run out, the live
//! marks (at most one per object) are renumbered in order into the first slots and the tree is
//! rebuilt in `O(S)`, which happens once every `S − M` requests or more. With `S = 2M` slots for
//! `M` objects the whole curve costs `O(n log M)` time and `O(M)` memory for `n` requests,
//! instead of one simulation per size.

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
    /// Each object's slot of its latest use (`u32::MAX`: never used).
    last: Vec<u32>,
    /// Each slot's object, while the slot holds that object's latest use (`u32::MAX`: none).
    owner: Vec<u32>,
    /// The next slot to hand out.
    slot: u32,
    /// Requests served so far.
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
    /// `count_from` warm the stack but are not counted. Memory is `O(min(requests, universe))`.
    #[must_use]
    pub fn new(requests: u32, universe: u32, count_from: u32) -> Self {
        // Twice the objects leaves at least half the slots free after each renumbering; a
        // trace shorter than that never needs one.
        let slots = requests.min(universe.saturating_mul(2)).max(2) as usize;
        Self {
            fenwick: Fenwick::new(slots),
            last: vec![u32::MAX; universe as usize],
            owner: vec![u32::MAX; slots],
            slot: 0,
            time: 0,
            marks: 0,
            histogram: Vec::new(),
            bytes: Vec::new(),
            cold: 0,
            count_from,
        }
    }

    /// Renumbers the live marks, in the order of their slots, into the first slots and
    /// rebuilds the tree; doubles the slots if that leaves fewer than half free (only when the
    /// trace is longer than it was said to be).
    fn compact(&mut self) {
        let mut live = 0usize;
        for s in 0..self.owner.len() {
            let x = self.owner[s];
            if x != u32::MAX {
                self.owner[s] = u32::MAX;
                self.owner[live] = x;
                self.last[x as usize] = u32::try_from(live).expect("slots fit u32");
                live += 1;
            }
        }
        let mut slots = self.owner.len();
        if live * 2 > slots {
            slots *= 2;
            self.owner.resize(slots, u32::MAX);
        }
        // A tree of ones over the first `live` slots, built in linear time: node i covers the
        // `i & -i` positions ending at i.
        let tree = (0..=slots)
            .map(|i| {
                let low = i - (i & i.wrapping_neg());
                u32::try_from(i.min(live).saturating_sub(low)).expect("slots fit u32")
            })
            .collect();
        self.fenwick = Fenwick { tree };
        self.slot = u32::try_from(live).expect("slots fit u32");
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
        if self.slot as usize == self.owner.len() {
            self.compact();
        }
        let t = self.slot as usize;
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
            self.owner[prev as usize] = u32::MAX;
        }
        self.fenwick.add(t, 1);
        self.owner[t] = x;
        self.last[x as usize] = self.slot;
        self.slot += 1;
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

    /// The distances by the definition: distinct objects since the last use, counted directly.
    fn naive(trace: &[u32]) -> (Vec<u64>, u64) {
        let (mut histogram, mut cold) = (Vec::new(), 0);
        for (t, &x) in trace.iter().enumerate() {
            match trace[..t].iter().rposition(|&y| y == x) {
                None => cold += 1,
                Some(p) => {
                    let mut seen: Vec<u32> = trace[p + 1..t].to_vec();
                    seen.sort_unstable();
                    seen.dedup();
                    if histogram.len() <= seen.len() {
                        histogram.resize(seen.len() + 1, 0);
                    }
                    histogram[seen.len()] += 1;
                }
            }
        }
        (histogram, cold)
    }

    #[test]
    fn renumbering_the_slots_changes_no_distance() {
        // Few objects and a long trace renumber the slots many times; a trace longer than it
        // was said to be makes them grow too.
        let mut rng = crate::hash::Stream::new(9);
        for (universe, n, declared) in [(3u32, 200u32, 200u32), (7, 500, 500), (40, 2_000, 2_000), (5, 300, 4)] {
            let trace: Vec<u32> = (0..n)
                .map(|_| u32::try_from(rng.below(u64::from(universe))).unwrap())
                .collect();
            let mut s = StackDistances::new(declared, universe, 0);
            s.feed(&trace);
            let (histogram, cold) = naive(&trace);
            assert_eq!(
                (s.histogram.clone(), s.cold()),
                (histogram, cold),
                "{universe} objects, {n} requests"
            );
            assert!(s.owner.len() <= 2 * universe as usize || declared < n);
        }
    }
}
