//! Kademlia's k-buckets held as state, for churn: how a node updates a bucket when it hears from
//! a contact or finds one dead (§2.2), and the lookups that teach it as they go (joins and bucket
//! refreshes, §2.3).

use super::Kademlia;
use crate::hash::hash_pair;

impl Kademlia {
    /// Turns the drawn tables into state: every live slot's buckets as they are drawn now, then
    /// kept by the rules of §2.2 from here on (see the module's documentation).
    ///
    /// ```
    /// use shardscope_core::dht::{kademlia::Kademlia, Identifiers, Overlay, Space};
    /// let ids = Identifiers::draw(Space::new(32).unwrap(), 1, 300, 1).unwrap();
    /// let mut net = Kademlia::converged(ids, 8, 3, 1);
    /// let drawn = net.routing_state(5);
    /// net.hold_tables();
    /// assert_eq!(net.routing_state(5), drawn);
    /// let joined = net.join(0x1234_5678, 300, 5).unwrap();
    /// assert!(net.routing_state(joined) > 0);
    /// assert!(net.lookup(5, 0x1234_5678, None).correct);
    /// ```
    pub fn hold_tables(&mut self) {
        let bits = self.space().bits();
        let tables = (0..self.members.len())
            .map(|slot| {
                if !self.members.is_alive(slot) {
                    return vec![Vec::new(); bits as usize];
                }
                (0..bits).map(|i| self.bucket_contacts(slot, i)).collect()
            })
            .collect();
        self.tables = Some(tables);
    }

    /// Node `at` hears from `contact` (a request or a reply) and updates the bucket it falls in
    /// (§2.2); returns the messages that took (one ping when the bucket was full).
    pub(super) fn heard_from(&mut self, at: u32, contact: u32) -> u64 {
        if at == contact || !self.members.is_alive(at) {
            return 0;
        }
        let i = (self.id(at) ^ self.id(contact)).ilog2() as usize;
        let k = self.k as usize;
        let members = &self.members;
        let Some(tables) = self.tables.as_mut() else {
            return 0;
        };
        let bucket = &mut tables[at as usize][i];
        if let Some(pos) = bucket.iter().position(|&c| c == contact) {
            bucket.remove(pos);
            bucket.push(contact);
            return 0;
        }
        if bucket.len() < k {
            bucket.push(contact);
            return 0;
        }
        // Full: ping the least-recently seen. A contact that answers stays, and the newcomer is
        // dropped: Kademlia prefers nodes that have been up longest.
        let head = bucket.remove(0);
        bucket.push(if members.is_alive(head) { head } else { contact });
        1
    }

    /// Node `at` found `contact` dead (a query timed out): it leaves `at`'s bucket.
    pub(super) fn forget(&mut self, at: u32, contact: u32) {
        let i = (self.id(at) ^ self.id(contact)).ilog2() as usize;
        if let Some(tables) = self.tables.as_mut() {
            tables[at as usize][i].retain(|&c| c != contact);
        }
    }

    /// A node lookup by `from` that changes the tables as real messages would: every node asked
    /// hears from `from`, `from` hears from every node that answered, and forgets every one that
    /// timed out. Returns the messages sent (queries and pings).
    pub(super) fn lookup_and_learn(&mut self, from: u32, key: u64) -> u64 {
        let (answered, timed_out, out) = self.lookup_inner(from, key, None);
        let mut messages = u64::from(out.messages);
        for &c in &answered {
            messages += self.heard_from(c, from);
            messages += self.heard_from(from, c);
        }
        for &c in &timed_out {
            self.forget(from, c);
        }
        messages
    }

    /// A random identifier in bucket `i` of `x` (drawn from the refresh count and the node).
    pub(super) fn random_in_bucket(&self, x: u64, i: u32) -> u64 {
        let (lo, hi) = Self::bucket_bounds(x, i);
        let r = hash_pair(self.seed ^ self.refreshes, x, u64::from(i));
        lo | (r & (hi - lo))
    }

    /// The bucket indices of `slot` from its closest contact's bucket up to `m − 1`: those
    /// worth refreshing (below the closest contact every bucket is empty).
    pub(super) fn refresh_span(&self, slot: u32) -> std::ops::Range<u32> {
        let bits = self.space().bits();
        let lowest = self
            .tables
            .as_ref()
            .and_then(|t| t[slot as usize].iter().position(|b| !b.is_empty()));
        u32::try_from(lowest.unwrap_or(0)).expect("below m")..bits
    }
}
