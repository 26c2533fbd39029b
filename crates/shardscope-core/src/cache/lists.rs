//! Intrusive doubly linked queues over dense object identifiers, shared by every queue-based
//! eviction policy.
//!
//! Each policy keeps its objects in a few queues (LRU's one list; 2Q's A1in, A1out and Am; ARC's
//! T1, T2, B1 and B2; …), and an object sits in at most one of them at a time. Because objects are
//! numbered `0..universe`, the links live in two arrays indexed by object, and moving an object
//! between queues costs a few array writes and no allocation: this is what keeps a policy above
//! ten million requests per second.

/// The "no object" link.
pub const NIL: u32 = u32::MAX;

/// Which queue an object is in (0: none).
pub type Tag = u8;

/// An object's place: its neighbours and its queue.
#[derive(Clone, Copy, Debug)]
struct Link {
    prev: u32,
    next: u32,
    tag: Tag,
}

/// Up to [`Queues::MAX`] queues over objects `0..universe`. The head of a queue is its newest
/// end, the tail its oldest.
#[derive(Clone, Debug)]
pub struct Queues {
    /// One entry per object, its links and its queue side by side, so touching an object is
    /// one cache line, not three.
    links: Vec<Link>,
    head: [u32; Self::MAX],
    tail: [u32; Self::MAX],
    len: [u32; Self::MAX],
}

impl Queues {
    /// The most queues (tags `1..=MAX`).
    pub const MAX: usize = 4;

    /// Empty queues over `universe` objects.
    #[must_use]
    pub fn new(universe: u32) -> Self {
        let n = universe as usize;
        Self {
            links: vec![
                Link {
                    prev: NIL,
                    next: NIL,
                    tag: 0
                };
                n
            ],
            head: [NIL; Self::MAX],
            tail: [NIL; Self::MAX],
            len: [0; Self::MAX],
        }
    }

    /// The queue `x` is in (0: none).
    #[inline]
    #[must_use]
    pub fn tag(&self, x: u32) -> Tag {
        self.links[x as usize].tag
    }

    /// Objects in queue `q`.
    #[inline]
    #[must_use]
    pub fn len(&self, q: Tag) -> u32 {
        self.len[usize::from(q - 1)]
    }

    /// The oldest object of queue `q`, if any.
    #[inline]
    #[must_use]
    pub fn tail(&self, q: Tag) -> Option<u32> {
        let t = self.tail[usize::from(q - 1)];
        (t != NIL).then_some(t)
    }

    /// The next newer object after `x` in its queue (towards the head), if any.
    #[inline]
    #[must_use]
    pub fn newer(&self, x: u32) -> Option<u32> {
        let p = self.links[x as usize].prev;
        (p != NIL).then_some(p)
    }

    /// The objects of queue `q`, newest first.
    #[must_use]
    pub fn items(&self, q: Tag) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.len(q) as usize);
        let mut x = self.head[usize::from(q - 1)];
        while x != NIL {
            out.push(x);
            x = self.links[x as usize].next;
        }
        out
    }

    /// Puts `x`, in no queue, at the head of queue `q`.
    #[inline]
    pub fn push_head(&mut self, q: Tag, x: u32) {
        debug_assert_eq!(self.links[x as usize].tag, 0, "object {x} is already queued");
        let qi = usize::from(q - 1);
        let old = self.head[qi];
        self.links[x as usize].prev = NIL;
        self.links[x as usize].next = old;
        if old == NIL {
            self.tail[qi] = x;
        } else {
            self.links[old as usize].prev = x;
        }
        self.head[qi] = x;
        self.links[x as usize].tag = q;
        self.len[qi] += 1;
    }

    /// Takes `x` out of its queue (it must be in one).
    #[inline]
    pub fn remove(&mut self, x: u32) {
        let q = self.links[x as usize].tag;
        debug_assert!(q != 0, "object {x} is in no queue");
        let qi = usize::from(q - 1);
        let Link { prev: p, next: n, .. } = self.links[x as usize];
        if p == NIL {
            self.head[qi] = n;
        } else {
            self.links[p as usize].next = n;
        }
        if n == NIL {
            self.tail[qi] = p;
        } else {
            self.links[n as usize].prev = p;
        }
        self.links[x as usize].tag = 0;
        self.len[qi] -= 1;
    }

    /// Moves `x` (in some queue) to the head of queue `q`.
    #[inline]
    pub fn move_to_head(&mut self, q: Tag, x: u32) {
        self.remove(x);
        self.push_head(q, x);
    }

    /// Takes the oldest object out of queue `q`.
    #[inline]
    pub fn pop_tail(&mut self, q: Tag) -> Option<u32> {
        let t = self.tail(q)?;
        self.remove(t);
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queues_keep_order_and_lengths() {
        let mut q = Queues::new(8);
        for x in [3, 1, 4] {
            q.push_head(1, x);
        }
        q.push_head(2, 5);
        assert_eq!(q.items(1), vec![4, 1, 3]);
        assert_eq!(q.tail(1), Some(3));
        q.move_to_head(1, 3);
        assert_eq!(q.items(1), vec![3, 4, 1]);
        q.move_to_head(2, 4);
        assert_eq!(q.items(1), vec![3, 1]);
        assert_eq!(q.items(2), vec![4, 5]);
        assert_eq!(q.pop_tail(2), Some(5));
        assert_eq!((q.len(1), q.len(2), q.tag(5), q.tag(4)), (2, 1, 0, 2));
        assert_eq!(q.newer(1), Some(3));
        assert_eq!(q.newer(3), None);
    }
}
