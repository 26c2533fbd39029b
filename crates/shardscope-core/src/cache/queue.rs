//! The one-queue eviction policies: LRU, FIFO, CLOCK and SIEVE, each a queue of the cached
//! objects that differs only in what a hit does and where eviction looks.

use super::lists::Queues;
use super::Cache;

/// The queue the one-queue policies keep their objects in.
const Q: u8 = 1;

/// Least recently used: a hit moves the object to the head; the tail is evicted.
#[derive(Clone, Debug)]
pub struct Lru {
    queue: Queues,
    capacity: u32,
}

impl Lru {
    /// An empty LRU cache of `capacity` objects over `universe` objects.
    #[must_use]
    pub fn new(capacity: u32, universe: u32) -> Self {
        Self {
            queue: Queues::new(universe),
            capacity,
        }
    }
}

impl Cache for Lru {
    #[inline]
    fn access(&mut self, x: u32) -> bool {
        if self.queue.tag(x) == Q {
            self.queue.move_to_head(Q, x);
            return true;
        }
        if self.queue.len(Q) >= self.capacity {
            self.queue.pop_tail(Q);
        }
        self.queue.push_head(Q, x);
        false
    }

    fn holds(&self, x: u32) -> bool {
        self.queue.tag(x) == Q
    }

    fn len(&self) -> u32 {
        self.queue.len(Q)
    }

    fn contents(&self) -> Vec<(&'static str, Vec<u32>)> {
        vec![("recency, most recent first", self.queue.items(Q))]
    }
}

/// First in, first out: a hit changes nothing; the oldest insertion is evicted.
#[derive(Clone, Debug)]
pub struct Fifo {
    queue: Queues,
    capacity: u32,
}

impl Fifo {
    /// An empty FIFO cache.
    #[must_use]
    pub fn new(capacity: u32, universe: u32) -> Self {
        Self {
            queue: Queues::new(universe),
            capacity,
        }
    }
}

impl Cache for Fifo {
    #[inline]
    fn access(&mut self, x: u32) -> bool {
        if self.queue.tag(x) == Q {
            return true;
        }
        if self.queue.len(Q) >= self.capacity {
            self.queue.pop_tail(Q);
        }
        self.queue.push_head(Q, x);
        false
    }

    fn holds(&self, x: u32) -> bool {
        self.queue.tag(x) == Q
    }

    fn len(&self) -> u32 {
        self.queue.len(Q)
    }

    fn contents(&self) -> Vec<(&'static str, Vec<u32>)> {
        vec![("insertion order, newest first", self.queue.items(Q))]
    }
}

/// CLOCK (Corbató, 1968): a hit sets the object's reference bit; the hand, at the oldest
/// object, clears set bits and passes them by until it finds one clear, which it evicts.
///
/// The queue is the clock read from the hand: passing an object by is moving it to the head,
/// which is the same sequence of hits and misses as a circular buffer with a moving hand.
#[derive(Clone, Debug)]
pub struct Clock {
    queue: Queues,
    referenced: Vec<bool>,
    capacity: u32,
}

impl Clock {
    /// An empty CLOCK cache.
    #[must_use]
    pub fn new(capacity: u32, universe: u32) -> Self {
        Self {
            queue: Queues::new(universe),
            referenced: vec![false; universe as usize],
            capacity,
        }
    }
}

impl Cache for Clock {
    #[inline]
    fn access(&mut self, x: u32) -> bool {
        if self.queue.tag(x) == Q {
            self.referenced[x as usize] = true;
            return true;
        }
        if self.queue.len(Q) >= self.capacity {
            while let Some(t) = self.queue.tail(Q) {
                if self.referenced[t as usize] {
                    self.referenced[t as usize] = false;
                    self.queue.move_to_head(Q, t);
                } else {
                    self.queue.remove(t);
                    break;
                }
            }
        }
        self.queue.push_head(Q, x);
        false
    }

    fn holds(&self, x: u32) -> bool {
        self.queue.tag(x) == Q
    }

    fn len(&self) -> u32 {
        self.queue.len(Q)
    }

    fn contents(&self) -> Vec<(&'static str, Vec<u32>)> {
        let items = self.queue.items(Q);
        let set = items.iter().copied().filter(|&x| self.referenced[x as usize]).collect();
        vec![
            ("the clock, newest first (the hand at the oldest)", items),
            ("reference bit set", set),
        ]
    }
}

/// SIEVE (Zhang et al., "SIEVE is Simpler than LRU", NSDI 2024): a FIFO queue with a visited bit
/// and a hand that moves from the tail towards the head, clearing visited bits and evicting the
/// first object whose bit is clear; a hit only sets the bit, and an object the hand passes stays
/// where it is (unlike CLOCK, which moves it to the head).
#[derive(Clone, Debug)]
pub struct Sieve {
    queue: Queues,
    visited: Vec<bool>,
    hand: Option<u32>,
    capacity: u32,
}

impl Sieve {
    /// An empty SIEVE cache.
    #[must_use]
    pub fn new(capacity: u32, universe: u32) -> Self {
        Self {
            queue: Queues::new(universe),
            visited: vec![false; universe as usize],
            hand: None,
            capacity,
        }
    }

    fn evict(&mut self) {
        let Some(mut o) = self.hand.or_else(|| self.queue.tail(Q)) else {
            return;
        };
        while self.visited[o as usize] {
            self.visited[o as usize] = false;
            o = self
                .queue
                .newer(o)
                .unwrap_or_else(|| self.queue.tail(Q).expect("the queue is not empty"));
        }
        self.hand = self.queue.newer(o);
        self.queue.remove(o);
    }
}

impl Cache for Sieve {
    #[inline]
    fn access(&mut self, x: u32) -> bool {
        if self.queue.tag(x) == Q {
            self.visited[x as usize] = true;
            return true;
        }
        if self.queue.len(Q) >= self.capacity {
            self.evict();
        }
        self.queue.push_head(Q, x);
        false
    }

    fn holds(&self, x: u32) -> bool {
        self.queue.tag(x) == Q
    }

    fn len(&self) -> u32 {
        self.queue.len(Q)
    }

    fn contents(&self) -> Vec<(&'static str, Vec<u32>)> {
        let items = self.queue.items(Q);
        let hand = self.hand.or_else(|| self.queue.tail(Q));
        let visited = items.iter().copied().filter(|&x| self.visited[x as usize]).collect();
        let mut out = vec![("queue, newest first", items), ("visited", visited)];
        if let Some(h) = hand {
            out.push(("the hand", vec![h]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(cache: &mut dyn Cache, trace: &[u32]) -> String {
        trace.iter().map(|&x| if cache.access(x) { 'h' } else { 'm' }).collect()
    }

    /// The textbook reference string (Silberschatz, Galvin and Gagne, "Operating System
    /// Concepts", §10.4) with three frames: FIFO makes 15 faults, LRU 12.
    const TEXTBOOK: [u32; 20] = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];

    #[test]
    fn the_textbook_fault_counts() {
        let faults = |c: &mut dyn Cache| TEXTBOOK.iter().filter(|&&x| !c.access(x)).count();
        assert_eq!(faults(&mut Fifo::new(3, 8)), 15);
        assert_eq!(faults(&mut Lru::new(3, 8)), 12);
    }

    #[test]
    fn lru_and_fifo_differ_on_a_re_referenced_object() {
        // Capacity 2: after 0 1 0, LRU evicts 1 for 2 and keeps 0; FIFO evicts 0.
        let trace = [0, 1, 0, 2, 0];
        assert_eq!(hits(&mut Lru::new(2, 3), &trace), "mmhmh");
        assert_eq!(hits(&mut Fifo::new(2, 3), &trace), "mmhmm");
    }

    #[test]
    fn clock_gives_a_referenced_object_a_second_chance() {
        // 0 1 0 then 2: the hand clears 0's bit, passes it and evicts 1; then 3 evicts 0 (its
        // bit now clear, and the oldest again), so 2 still hits and 0 misses.
        let mut c = Clock::new(2, 4);
        assert_eq!(hits(&mut c, &[0, 1, 0, 2]), "mmhm");
        assert_eq!(hits(&mut c, &[3, 2, 0]), "mhm");
    }

    #[test]
    #[allow(clippy::many_single_char_names)] // The paper's objects are called A to I.
    fn sieve_follows_the_papers_figure() {
        // Worked by hand from the paper's Algorithm 1, capacity 7: A–G cached, A B G visited
        // (hits), then H and I arrive. The hand starts at the tail (A), clears A and B, evicts C for H, then
        // (its position kept) evicts D for I. A and B stay where they were.
        let (a, b, c, d, e, f, g, h, i) = (0, 1, 2, 3, 4, 5, 6, 7, 8);
        let mut s = Sieve::new(7, 10);
        assert_eq!(hits(&mut s, &[a, b, c, d, e, f, g]), "mmmmmmm");
        assert_eq!(hits(&mut s, &[a, b, g]), "hhh");
        assert_eq!(hits(&mut s, &[h]), "m");
        assert_eq!(s.queue.tag(c), 0);
        assert_eq!(hits(&mut s, &[i]), "m");
        assert_eq!(s.queue.tag(d), 0);
        assert_eq!(s.queue.items(Q), vec![i, h, g, f, e, b, a]);
        // A and B lost their bits on the hand's first pass: after E, F, G (G's bit is set) the
        // next misses evict E and F, then A.
        assert_eq!(hits(&mut s, &[9]), "m");
        assert_eq!(s.queue.tag(e), 0);
    }
}
