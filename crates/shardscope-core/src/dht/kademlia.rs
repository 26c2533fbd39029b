//! Kademlia (Maymounkov and Mazières, IPTPS 2002): the XOR metric, k-buckets, and the iterative
//! node lookup with α queries in flight that converges on the k closest nodes.
//!
//! Bucket `i` of node `x` covers the nodes whose XOR distance to `x` is in `[2^i, 2^(i+1))`: in
//! identifier order they are one contiguous run (the nodes that share `x`'s bits above `i` and
//! differ at bit `i`), so a bucket is found by two binary searches. A converged node knows up to
//! `k` nodes of each bucket: all of them when the run is that short, otherwise `k` drawn by a
//! seeded stream of the node and the bucket (the paper keeps the longest-lived contacts; in a
//! network built at once none has lived longer, so any `k` are as good). Tables are not stored:
//! a bucket is drawn when it is read, which keeps 100,000 nodes' tables in no memory at all.
//!
//! After failures the tables still list failed nodes until a bucket refresh
//! ([`Kademlia::refresh`]) redraws every bucket from the live nodes.
//!
//! Under churn the tables become state ([`Kademlia::hold_tables`]): each bucket a list of up to
//! `k` contacts, least-recently seen first, kept as §2.2 says. A node that hears from a contact
//! moves it to the tail; a new contact joins a bucket with room; a full bucket pings its
//! least-recently-seen contact and keeps it if it answers (the newcomer is dropped), or evicts it
//! if it does not. A joining node learns of its bootstrap, looks up its own identifier and then
//! refreshes its buckets further than its closest neighbour (§2.3); every node it queries hears
//! from it. A bucket refresh is a node lookup for a random identifier in the bucket's range, and
//! a contact that times out in a node's own lookup leaves its bucket.

use super::{Identifiers, Membership, Outcome, Overlay, Space, Step, View};
use crate::hash::{hash_pair, Stream};

mod held;

/// The largest bucket size the lab allows.
pub const MAX_K: u32 = 64;
/// The most parallel queries the lab allows.
pub const MAX_ALPHA: u32 = 16;

/// A Kademlia network whose k-buckets are drawn on demand from the membership it last refreshed,
/// or, once [`Kademlia::hold_tables`] is called, held as state.
#[derive(Clone, Debug)]
pub struct Kademlia {
    members: Membership,
    /// The membership the tables are drawn from.
    view: View,
    k: u32,
    alpha: u32,
    seed: u64,
    /// Held k-buckets: per slot, per bucket index, contacts least-recently seen first.
    tables: Option<Vec<Vec<Vec<u32>>>>,
    /// Counts the bucket refreshes, so each draws its random identifiers afresh.
    refreshes: u64,
}

/// Where the shortlist entry stands in a lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Unqueried,
    Answered,
    Failed,
}

impl Kademlia {
    /// A converged network: every bucket holds up to `k` of its nodes. `k` and `alpha` are
    /// clamped to `1..=MAX_K` and `1..=MAX_ALPHA`; `seed` draws the buckets.
    ///
    /// ```
    /// use shardscope_core::dht::{kademlia::Kademlia, Identifiers, Overlay, Space};
    /// let ids = Identifiers::draw(Space::new(32).unwrap(), 1, 500, 1).unwrap();
    /// let net = Kademlia::converged(ids, 20, 3, 1);
    /// let out = net.lookup(0, 0xdead_beef, None);
    /// assert!(out.correct);
    /// ```
    #[must_use]
    pub fn converged(ids: Identifiers, k: u32, alpha: u32, seed: u64) -> Self {
        let members = Membership::new(ids);
        Self {
            view: View::of(&members),
            members,
            k: k.clamp(1, MAX_K),
            alpha: alpha.clamp(1, MAX_ALPHA),
            seed,
            tables: None,
            refreshes: 0,
        }
    }

    /// The identifier space.
    #[must_use]
    pub fn space(&self) -> Space {
        self.members.space()
    }

    /// Slot `slot`'s identifier.
    #[must_use]
    pub fn id(&self, slot: u32) -> u64 {
        self.members.id(slot)
    }

    /// Bucket refresh: every node redraws its buckets from the live membership, so no table
    /// lists a failed node any more.
    pub fn refresh(&mut self) {
        self.view.refresh(&self.members);
    }

    /// The index range, in the view, of identifiers in `[lo, hi]`: a binary search for the start,
    /// then a galloping one for the end, since most ranges a lookup reads are short.
    fn range(&self, lo: u64, hi: u64) -> (usize, usize) {
        let ids = &self.view.ids;
        let a = ids.partition_point(|&x| x < lo);
        let mut step = 1;
        while a + step < ids.len() && ids[a + step - 1] <= hi {
            step *= 2;
        }
        let from = a + step / 2;
        let to = (a + step).min(ids.len());
        (a, from + ids[from..to].partition_point(|&x| x <= hi))
    }

    /// The identifiers of bucket `i` of `x`: those sharing `x`'s bits above `i` and differing at
    /// bit `i`.
    fn bucket_bounds(x: u64, i: u32) -> (u64, u64) {
        let low = low_mask(i);
        let lo = (x ^ (1u64 << i)) & !low;
        (lo, lo | low)
    }

    /// Appends the contacts slot `x` holds in bucket `i`, each with its distance to `target`: all
    /// of the bucket when it has at most `k` nodes, otherwise `k` of them drawn by Floyd's
    /// sampling with the node's stream.
    fn drawn_bucket(&self, x: u64, i: u32, target: u64, out: &mut Vec<(u64, u32)>) {
        let (lo, hi) = Self::bucket_bounds(x, i);
        let (start, end) = self.range(lo, hi);
        let size = end - start;
        let k = self.k as usize;
        let contact = |j: usize| (self.view.ids[j] ^ target, self.view.slots[j]);
        if size <= k {
            out.extend((start..end).map(contact));
            return;
        }
        let mut rng = Stream::new(hash_pair(self.seed, x, u64::from(i)));
        let mut picked: Vec<usize> = Vec::with_capacity(k);
        for j in size - k..size {
            let t = usize::try_from(rng.below(j as u64 + 1)).expect("below a usize bound");
            picked.push(if picked.contains(&t) { j } else { t });
        }
        out.extend(picked.into_iter().map(|p| contact(start + p)));
    }

    /// The contacts slot `slot` holds in bucket `i`: the held bucket, least-recently seen first,
    /// or the drawn one.
    fn bucket_contacts(&self, slot: u32, i: u32) -> Vec<u32> {
        if let Some(tables) = &self.tables {
            return tables[slot as usize][i as usize].clone();
        }
        let mut out = Vec::new();
        self.drawn_bucket(self.id(slot), i, 0, &mut out);
        out.into_iter().map(|(_, c)| c).filter(|&c| c != slot).collect()
    }

    /// Every contact slot `slot` holds, bucket by bucket.
    fn contacts(&self, slot: u32) -> Vec<u32> {
        (0..self.space().bits())
            .flat_map(|i| self.bucket_contacts(slot, i))
            .collect()
    }

    /// Slot `slot`'s buckets as the XOR tree sees them: for each bucket index `i` (distances
    /// `[2^i, 2^(i+1))`) from the first non-empty one up, the live nodes the network has in that
    /// range and the contacts the bucket holds (at most `k`).
    ///
    /// ```
    /// use shardscope_core::dht::{kademlia::Kademlia, Identifiers, Space};
    /// let ids = Identifiers::draw(Space::new(32).unwrap(), 1, 1_000, 1).unwrap();
    /// let net = Kademlia::converged(ids, 20, 3, 1);
    /// let buckets = net.bucket_sizes(0);
    /// // The farthest bucket covers half the space: about half the other nodes, 20 of them held.
    /// let (i, nodes, held) = *buckets.last().unwrap();
    /// assert_eq!((i, held), (31, 20));
    /// assert!((400..600).contains(&nodes));
    /// ```
    #[must_use]
    pub fn bucket_sizes(&self, slot: u32) -> Vec<(u32, u32, u32)> {
        let x = self.id(slot);
        let (ids, _) = self.members.live();
        let rows: Vec<(u32, u32, u32)> = (0..self.space().bits())
            .map(|i| {
                let (lo, hi) = Self::bucket_bounds(x, i);
                let nodes = ids.partition_point(|&v| v <= hi) - ids.partition_point(|&v| v < lo);
                let held = self.bucket_contacts(slot, i).len();
                let count = |n: usize| u32::try_from(n).expect("at most MAX_SLOTS");
                (i, count(nodes), count(held))
            })
            .collect();
        let first = rows.iter().position(|r| r.1 > 0 || r.2 > 0).unwrap_or(rows.len());
        rows[first..].to_vec()
    }

    /// `FIND_NODE` answered by `slot`: the (up to) `k` contacts in its table closest to `target`,
    /// closest first.
    #[must_use]
    pub fn find_node(&self, slot: u32, target: u64) -> Vec<u32> {
        let mut found = Vec::new();
        self.closest_contacts(slot, target, &mut found);
        found.into_iter().map(|(_, c)| c).collect()
    }

    /// [`find_node`](Self::find_node) with each contact's distance to the target, into `found`.
    /// Buckets are read in distance order: the bucket of the highest bit in which the node and
    /// the target differ, then every bucket below it, then the buckets above it one by one, so
    /// only as many buckets are drawn as the answer needs.
    fn closest_contacts(&self, slot: u32, target: u64, found: &mut Vec<(u64, u32)>) {
        let here = self.id(slot);
        let bits = self.space().bits();
        let k = self.k as usize;
        found.clear();
        if let Some(tables) = &self.tables {
            // Held buckets are read in the same distance order as drawn ones: bucket `top` holds
            // the contacts within 2^top of the target, the buckets below it together the next
            // ones, and each bucket above it contacts further still.
            let buckets = &tables[slot as usize];
            let top = if here == target {
                0
            } else {
                (here ^ target).ilog2() as usize
            };
            let read = |found: &mut Vec<(u64, u32)>, b: &[u32]| {
                found.extend(b.iter().map(|&c| (self.id(c) ^ target, c)));
            };
            if here != target {
                read(found, &buckets[top]);
            }
            if found.len() < k {
                for b in &buckets[..top] {
                    read(found, b);
                }
            }
            let mut upper = if here == target { 0 } else { top + 1 };
            while found.len() < k && upper < buckets.len() {
                read(found, &buckets[upper]);
                upper += 1;
            }
            found.sort_unstable();
            found.truncate(k);
            return;
        }
        let top = (here != target).then(|| (here ^ target).ilog2());
        let mut upper = match top {
            Some(top) => {
                self.drawn_bucket(here, top, target, found);
                if found.len() < k && top > 0 {
                    // The buckets below `b` together are the nodes sharing `x`'s bits from `b`
                    // up: one run. When it has at most `k` nodes besides `x`, every bucket in it
                    // is held whole, so the run is the answer's next part as it stands.
                    let low = low_mask(top);
                    let (start, end) = self.range(here & !low, here | low);
                    if end - start <= k + 1 {
                        found.extend((start..end).map(|j| (self.view.ids[j] ^ target, self.view.slots[j])));
                    } else {
                        for i in (0..top).rev() {
                            // Below the point where only `x` is left in its own run, every
                            // bucket is empty.
                            let low = low_mask(i + 1);
                            let (start, end) = self.range(here & !low, here | low);
                            if end - start <= 1 {
                                break;
                            }
                            self.drawn_bucket(here, i, target, found);
                        }
                    }
                }
                top + 1
            }
            None => 0,
        };
        while found.len() < k && upper < bits {
            self.drawn_bucket(here, upper, target, found);
            upper += 1;
        }
        found.retain(|&(_, c)| c != slot);
        found.sort_unstable();
        found.truncate(k);
    }

    /// What the attacker's nodes answer to `FIND_NODE`: the k of their own closest to the target,
    /// so that an honest lookup that asks one learns only of the attacker.
    fn sybil_contacts(&self, target: u64, found: &mut Vec<(u64, u32)>) {
        found.clear();
        found.extend(self.members.sybils().iter().map(|&s| (self.id(s) ^ target, s)));
        found.sort_unstable();
        found.truncate(self.k as usize);
    }

    /// The live slot whose identifier is XOR-closest to `key`.
    fn xor_closest(&self, key: u64) -> Option<u32> {
        let (ids, slots) = self.members.live();
        xor_closest_in(ids, self.space().bits(), key).map(|i| slots[i])
    }

    /// The k closest live nodes to `key`, by brute force over the membership (for tests and for
    /// checking a lookup's whole answer).
    #[must_use]
    pub fn k_closest_brute_force(&self, key: u64) -> Vec<u32> {
        let mut all = self.members.live().1.to_vec();
        all.sort_unstable_by_key(|&s| self.id(s) ^ key);
        all.truncate(self.k as usize);
        all
    }

    /// The iterative node lookup (§2.3): start from the querier's own k closest, send α
    /// `FIND_NODE`s at a time to the closest not yet asked; when a round brings nothing closer,
    /// ask every one of the k closest not yet asked; stop when the k closest known have all
    /// answered. Failed nodes time out and leave the shortlist. Returns the k closest found,
    /// closest first, with the outcome ([`Outcome::hops`] counts rounds).
    #[must_use]
    pub fn node_lookup(&self, from: u32, key: u64, trace: Option<&mut Vec<Step>>) -> (Vec<u32>, Outcome) {
        let (mut answered, _, out) = self.lookup_inner(from, key, trace);
        answered.truncate(self.k as usize);
        (answered, out)
    }

    /// [`node_lookup`](Self::node_lookup) returning every node that answered (closest first)
    /// and every one that timed out.
    fn lookup_inner(&self, from: u32, key: u64, mut trace: Option<&mut Vec<Step>>) -> (Vec<u32>, Vec<u32>, Outcome) {
        let mut out = Outcome::default();
        let mut failed = Vec::new();
        if !self.members.is_alive(from) {
            return (Vec::new(), failed, out);
        }
        let k = self.k as usize;
        // Everything seen, sorted by distance to the key.
        let mut seen: Vec<(u64, u32, State)> = vec![(self.id(from) ^ key, from, State::Answered)];
        let insert = |seen: &mut Vec<(u64, u32, State)>, c: u32| {
            let d = self.id(c) ^ key;
            if let Err(pos) = seen.binary_search_by_key(&(d, c), |e| (e.0, e.1)) {
                seen.insert(pos, (d, c, State::Unqueried));
            }
        };
        let mut answer = Vec::new();
        self.closest_contacts(from, key, &mut answer);
        for &(_, c) in &answer {
            insert(&mut seen, c);
        }
        let mut exhaustive = false;
        loop {
            let closest_before = seen.iter().find(|e| e.2 != State::Failed).map(|e| e.0);
            let wanted = if exhaustive { k } else { self.alpha as usize };
            let ask: Vec<u32> = seen
                .iter()
                .filter(|e| e.2 != State::Failed)
                .take(k)
                .filter(|e| e.2 == State::Unqueried)
                .take(wanted)
                .map(|e| e.1)
                .collect();
            if ask.is_empty() {
                break;
            }
            out.hops += 1;
            let mut step = Step {
                queried: ask.clone(),
                timed_out: vec![],
                learned: vec![],
            };
            for &c in &ask {
                out.messages += 1;
                let entry = seen
                    .iter_mut()
                    .find(|e| e.1 == c)
                    .expect("asked nodes are in the shortlist");
                if self.members.is_alive(c) {
                    entry.2 = State::Answered;
                    if self.members.is_sybil(c) {
                        self.sybil_contacts(key, &mut answer);
                    } else {
                        self.closest_contacts(c, key, &mut answer);
                    }
                    for &(_, r) in &answer {
                        insert(&mut seen, r);
                    }
                } else {
                    entry.2 = State::Failed;
                    out.timeouts += 1;
                    step.timed_out.push(c);
                    failed.push(c);
                }
            }
            // Only the k closest are ever asked; a margin of 2k more stands in for the ones that
            // fail, and the rest can never be reached again: drop it, so the shortlist stays
            // short.
            let mut live = 0;
            if let Some(cut) = seen.iter().position(|e| {
                live += usize::from(e.2 != State::Failed);
                live > 3 * k
            }) {
                seen.truncate(cut);
            }
            let closest_after = seen.iter().find(|e| e.2 != State::Failed).map(|e| e.0);
            exhaustive = closest_after >= closest_before;
            if let Some(t) = trace.as_deref_mut() {
                step.learned = seen
                    .iter()
                    .filter(|e| e.2 != State::Failed)
                    .take(k)
                    .map(|e| e.1)
                    .collect();
                t.push(step);
            }
        }
        // Every node that answered, the querier included, closest first.
        let result: Vec<u32> = seen.iter().filter(|e| e.2 == State::Answered).map(|e| e.1).collect();
        out.found = result.first().copied();
        out.correct = out.found.is_some() && out.found == self.xor_closest(key);
        (result, failed, out)
    }
}

/// The low `i` bits set: `2^i − 1`.
fn low_mask(i: u32) -> u64 {
    if i == 0 {
        0
    } else {
        u64::MAX >> (64 - i)
    }
}

/// The index of the identifier XOR-closest to `key` in sorted `ids` of `bits` bits, by walking
/// them as a binary trie: at each bit, the side that agrees with the key if it has any identifier.
#[must_use]
pub fn xor_closest_in(ids: &[u64], bits: u32, key: u64) -> Option<usize> {
    if ids.is_empty() {
        return None;
    }
    let (mut a, mut b) = (0usize, ids.len());
    for bit in (0..bits).rev() {
        if b - a == 1 {
            break;
        }
        // Inside [a, b) every identifier shares the bits above `bit`; those with `bit` clear come
        // first.
        let split = a + ids[a..b].partition_point(|&x| x & (1u64 << bit) == 0);
        let (zeros, ones) = ((a, split), (split, b));
        let (prefer, other) = if key & (1u64 << bit) != 0 {
            (ones, zeros)
        } else {
            (zeros, ones)
        };
        (a, b) = if prefer.1 > prefer.0 { prefer } else { other };
    }
    Some(a)
}

impl Overlay for Kademlia {
    fn lookup(&self, from: u32, key: u64, trace: Option<&mut Vec<Step>>) -> Outcome {
        self.node_lookup(from, key, trace).1
    }

    fn routing_state(&self, slot: u32) -> u32 {
        u32::try_from(self.contacts(slot).len()).expect("at most m·k contacts")
    }

    fn stale_entries(&self, slot: u32) -> u32 {
        let dead = self
            .contacts(slot)
            .into_iter()
            .filter(|&c| !self.members.is_alive(c))
            .count();
        u32::try_from(dead).expect("at most m·k contacts")
    }

    fn responsible(&self, key: u64) -> Option<u32> {
        self.xor_closest(key)
    }

    /// Without held tables the joining node is known to all at once (its view entry); with
    /// them it joins as §2.3 says: it learns of `bootstrap`, looks up its own identifier, then
    /// refreshes every bucket further than its closest neighbour, and the nodes it queries learn
    /// of it by the bucket rules.
    fn join(&mut self, id: u64, owner: u32, bootstrap: u32) -> Option<u32> {
        let slot = self.members.join(id, owner)?;
        self.view.insert(id, slot);
        let bits = self.space().bits() as usize;
        let Some(tables) = self.tables.as_mut() else {
            return Some(slot);
        };
        tables.push(vec![Vec::new(); bits]);
        self.heard_from(slot, bootstrap);
        self.lookup_and_learn(slot, id);
        for i in self.refresh_span(slot) {
            let target = self.random_in_bucket(id, i);
            self.lookup_and_learn(slot, target);
        }
        Some(slot)
    }

    /// Without held tables, every bucket is redrawn from the live nodes at once; with them,
    /// every live node refreshes each bucket from its closest contact's up (a node lookup for a
    /// random identifier in the bucket's range). Returns the messages the refresh sent.
    fn maintain(&mut self) -> u64 {
        if self.tables.is_none() {
            self.refresh();
            return 0;
        }
        self.refreshes += 1;
        let mut messages = 0;
        for slot in 0..self.members.len() {
            if !self.members.is_alive(slot) {
                continue;
            }
            for i in self.refresh_span(slot) {
                let target = self.random_in_bucket(self.id(slot), i);
                messages += self.lookup_and_learn(slot, target);
            }
        }
        messages
    }

    fn members(&self) -> &Membership {
        &self.members
    }

    fn members_mut(&mut self) -> &mut Membership {
        &mut self.members
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(bits: u32, nodes: u32, k: u32) -> Kademlia {
        Kademlia::converged(
            Identifiers::draw(Space::new(bits).unwrap(), 11, nodes, 1).unwrap(),
            k,
            3,
            5,
        )
    }

    #[test]
    fn buckets_partition_the_other_nodes_by_xor_distance() {
        // 100 nodes: no bucket holds more than MAX_K of them, so every bucket is held whole.
        let n = net(16, 100, MAX_K);
        for slot in [0u32, 17, 99] {
            let x = n.id(slot);
            let mut seen = 0;
            for i in 0..16 {
                let mut b = Vec::new();
                n.drawn_bucket(x, i, 0, &mut b);
                for (_, c) in &b {
                    let d = n.id(*c) ^ x;
                    assert_eq!(d.ilog2(), i);
                }
                seen += b.len();
            }
            // With k larger than any bucket, the buckets hold every other node exactly once.
            assert_eq!(seen, 99);
        }
    }

    #[test]
    fn find_node_returns_the_closest_contacts_in_the_table() {
        let n = net(24, 3000, 8);
        for (slot, target) in [(5u32, 77u64), (100, 1 << 20), (2999, 0xff_ffff)] {
            let got = n.find_node(slot, target);
            let mut table = Vec::new();
            for i in 0..24 {
                n.drawn_bucket(n.id(slot), i, target, &mut table);
            }
            table.retain(|&(_, c)| c != slot);
            table.sort_unstable();
            table.truncate(8);
            assert_eq!(got, table.into_iter().map(|(_, c)| c).collect::<Vec<_>>());
        }
    }

    #[test]
    fn lookups_find_the_true_k_closest() {
        let n = net(40, 2000, 20);
        for q in 0..300u64 {
            let key = crate::hash::hash_u64(9, q) >> 24;
            let (found, out) = n.node_lookup((q * 13 % 2000) as u32, key, None);
            assert_eq!(found, n.k_closest_brute_force(key), "key {key}");
            assert!(out.correct);
        }
    }

    #[test]
    fn a_full_bucket_keeps_its_oldest_live_contact_and_evicts_a_dead_one() {
        let mut n = net(16, 400, 4);
        n.hold_tables();
        // Node 0's top bucket (half the nodes) holds 4 of them; find a fifth from the same range.
        let top = n.space().bits() - 1;
        let held = n.tables.as_ref().unwrap()[0][top as usize].clone();
        assert_eq!(held.len(), 4);
        let newcomer = (1..400)
            .find(|&c| !held.contains(&c) && (n.id(0) ^ n.id(c)).ilog2() == top)
            .unwrap();
        // The least-recently seen answers the ping: it moves to the tail, the newcomer is dropped.
        assert_eq!(n.heard_from(0, newcomer), 1);
        let after = &n.tables.as_ref().unwrap()[0][top as usize];
        assert_eq!(after[..], [held[1], held[2], held[3], held[0]]);
        // Now the least-recently seen (held[1]) has died: it is evicted for the newcomer.
        n.fail(&[held[1]]);
        assert_eq!(n.heard_from(0, newcomer), 1);
        let after = &n.tables.as_ref().unwrap()[0][top as usize];
        assert_eq!(after[..], [held[2], held[3], held[0], newcomer]);
        // Hearing from a contact it holds moves it to the tail, with no ping.
        assert_eq!(n.heard_from(0, held[2]), 0);
        assert_eq!(n.tables.as_ref().unwrap()[0][top as usize][3], held[2]);
    }

    #[test]
    fn held_tables_lose_stale_entries_to_refresh_and_learn_joined_nodes() {
        let mut n = net(32, 600, 8);
        n.hold_tables();
        let dead: Vec<u32> = (0..600).filter(|s| s % 4 == 1).collect();
        n.fail(&dead);
        let stale = |n: &Kademlia| {
            (0..600)
                .filter(|&s| n.is_alive(s))
                .map(|s| n.stale_entries(s))
                .sum::<u32>()
        };
        let before = stale(&n);
        assert!(before > 0);
        assert!(n.maintain() > 0);
        assert!(stale(&n) < before / 4, "{} of {before} stale entries left", stale(&n));
        // A node that joins is found by others' lookups for its own identifier.
        let id = 0x0bad_cafe;
        let joined = n.join(id, 600, 2).unwrap();
        for from in [0u32, 2, 3, 599] {
            let out = n.lookup(from, id, None);
            assert_eq!(out.found, Some(joined), "from {from}");
        }
    }

    #[test]
    fn failed_contacts_time_out_and_refresh_removes_them() {
        let mut n = net(32, 1000, 8);
        let dead: Vec<u32> = (0..1000).filter(|s| s % 3 == 0).collect();
        n.fail(&dead);
        let key = 123_456_789;
        let (_, before) = n.node_lookup(1, key, None);
        n.refresh();
        let (found, after) = n.node_lookup(1, key, None);
        assert!(before.timeouts > 0);
        assert_eq!(after.timeouts, 0);
        assert_eq!(found, n.k_closest_brute_force(key));
    }
}
