//! Chord (Stoica, Morris, Karger, Kaashoek, Balakrishnan, SIGCOMM 2001; IEEE/ACM Transactions on
//! Networking 2003): the identifier circle, finger tables, successor lists, iterative lookups
//! recorded hop by hop, and the maintenance protocol (stabilize, notify, `fix_fingers`,
//! `check_predecessor`) in rounds.
//!
//! A key belongs to its *successor*, the first live identifier at or after it. Node `n`'s finger
//! `b` is `successor(n + 2^b)` (§4.3, with fingers numbered from 0), so each finger hop at least
//! halves the distance still to go, and a lookup passes through about ½·log2 N nodes (§6.3).
//! [`Outcome::hops`] counts exactly those: the nodes a lookup moves through until it reaches the
//! key's predecessor, whose successor pointer names the owner; contacting the owner is one more
//! message ([`Outcome::messages`] includes it), not a hop.

use super::{successor_in, Identifiers, Membership, Outcome, Overlay, Space, Step, NONE};

/// The most successor-list entries a node keeps.
pub const MAX_SUCCESSORS: u32 = 32;

/// A Chord ring: per slot its successor list, predecessor and `m` fingers, which may be stale
/// after failures until maintenance rounds repair them.
#[derive(Clone, Debug)]
pub struct Chord {
    members: Membership,
    successors: u32,
    /// `successors` entries per slot; entry 0 is the successor.
    succ: Vec<u32>,
    pred: Vec<u32>,
    /// `m` entries per slot.
    fingers: Vec<u32>,
}

impl Chord {
    /// A converged ring: every successor list, predecessor and finger exact, as after the
    /// maintenance protocol has run to its fixed point. `successors` is clamped to
    /// `1..=MAX_SUCCESSORS`.
    ///
    /// ```
    /// use shardscope_core::dht::{chord::Chord, Identifiers, Overlay, Space};
    /// let ids = Identifiers::draw(Space::new(16).unwrap(), 1, 64, 1).unwrap();
    /// let ring = Chord::converged(ids, 4);
    /// let key = 12_345;
    /// let out = ring.lookup(0, key, None);
    /// assert!(out.correct);
    /// assert_eq!(out.found, ring.responsible(key));
    /// ```
    #[must_use]
    pub fn converged(ids: Identifiers, successors: u32) -> Self {
        let successors = successors.clamp(1, MAX_SUCCESSORS);
        let n = ids.len();
        let m = ids.space.bits();
        let mut succ = Vec::with_capacity((n * successors) as usize);
        let mut pred = Vec::with_capacity(n as usize);
        let mut fingers = Vec::with_capacity(n as usize * m as usize);
        for slot in 0..n {
            succ.extend((1..=successors).map(|j| (slot + j) % n));
            pred.push((slot + n - 1) % n);
            let id = ids.ids[slot as usize];
            let next = (slot + 1) % n;
            let gap = ids.space.clockwise(id, ids.ids[next as usize]);
            for b in 0..m {
                let step = 1u64 << b;
                // Fingers that land before the successor are the successor: no search needed.
                let f = if n == 1 || (step <= gap && gap != 0) {
                    next
                } else {
                    successor_in(&ids.ids, ids.space.add(id, step))
                };
                fingers.push(f);
            }
        }
        Self {
            members: Membership::new(ids),
            successors,
            succ,
            pred,
            fingers,
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

    /// Slot `slot`'s successor list.
    #[must_use]
    pub fn successor_list(&self, slot: u32) -> &[u32] {
        let r = self.successors as usize;
        &self.succ[slot as usize * r..(slot as usize + 1) * r]
    }

    /// Slot `slot`'s fingers, finger `b` at index `b`.
    #[must_use]
    pub fn fingers(&self, slot: u32) -> &[u32] {
        let m = self.space().bits() as usize;
        &self.fingers[slot as usize * m..(slot as usize + 1) * m]
    }

    /// Slot `slot`'s predecessor, if it knows one.
    #[must_use]
    pub fn predecessor(&self, slot: u32) -> Option<u32> {
        let p = self.pred[slot as usize];
        (p != NONE).then_some(p)
    }

    /// The distinct contacts `slot` holds: its fingers and successor list, itself left out.
    fn contacts(&self, slot: u32) -> Vec<u32> {
        let mut all: Vec<u32> = self
            .fingers(slot)
            .iter()
            .chain(self.successor_list(slot))
            .copied()
            .filter(|&c| c != slot)
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The live slot responsible for identifier `key`, from the ground truth.
    fn true_successor(&self, key: u64) -> Option<u32> {
        self.members.live_successor(key)
    }

    /// The first entry of `slot`'s successor list that is not in `excluded`.
    fn first_successor(&self, slot: u32, excluded: &[u32]) -> Option<u32> {
        self.successor_list(slot)
            .iter()
            .copied()
            .find(|s| !excluded.contains(s))
    }

    /// `closest_preceding_node` (§4.3, Figure 5, with the successor list as §6.3 adds): of the
    /// fingers and successors of `slot` that lie strictly between it and `key`, the one closest to
    /// `key`, skipping any the lookup already found dead.
    fn closest_preceding(&self, slot: u32, key: u64, excluded: &[u32]) -> Option<u32> {
        let space = self.space();
        let here = self.id(slot);
        let mut best: Option<(u64, u32)> = None;
        for &c in self.fingers(slot).iter().rev().chain(self.successor_list(slot)) {
            if c == slot || excluded.contains(&c) || !space.in_open(self.id(c), here, key) {
                continue;
            }
            let d = space.clockwise(here, self.id(c));
            if best.is_none_or(|(bd, _)| d > bd) {
                best = Some((d, c));
            }
        }
        best.map(|(_, c)| c)
    }

    /// Routes a lookup and returns its outcome (`trace`, if given, receives every contact).
    fn route(&self, from: u32, key: u64, mut trace: Option<&mut Vec<Step>>) -> Outcome {
        let mut out = Outcome::default();
        if !self.members.is_alive(from) {
            return out;
        }
        let space = self.space();
        // A loop in stale pointers must end; no sound route is longer than this.
        let limit = 4 * space.bits() + 2 * self.successors + 8;
        let mut excluded: Vec<u32> = Vec::new();
        let mut timed_out: Vec<u32> = Vec::new();
        let mut cur = from;
        while out.messages < limit {
            let Some(s) = self.first_successor(cur, &excluded) else {
                break;
            };
            let finishing = space.in_half_open(key, self.id(cur), self.id(s));
            let next = if finishing {
                s
            } else {
                self.closest_preceding(cur, key, &excluded).unwrap_or(s)
            };
            if next == cur {
                // The node believes it is alone and answers for every key.
                out.found = Some(cur);
                break;
            }
            out.messages += 1;
            if !self.members.is_alive(next) {
                out.timeouts += 1;
                excluded.push(next);
                timed_out.push(next);
                continue;
            }
            if let Some(t) = trace.as_deref_mut() {
                t.push(Step {
                    queried: vec![next],
                    timed_out: std::mem::take(&mut timed_out),
                    learned: vec![],
                });
            }
            // The attacker's node claims the key whatever it is: the lookup ends there.
            if finishing || self.members.is_sybil(next) {
                out.found = Some(next);
                out.hops += u32::from(!finishing);
                break;
            }
            out.hops += 1;
            cur = next;
        }
        out.correct = out.found.is_some() && out.found == self.true_successor(key);
        out
    }

    /// One round of the maintenance protocol: every live slot, in slot order, runs
    /// `check_predecessor`, stabilize (adopting its successor's predecessor if it sits between
    /// them, then copying its successor's list), notify, and `fix_fingers` for all `m` fingers
    /// (each by a lookup from itself on the ring as it is). Returns the messages sent.
    pub fn maintenance_round(&mut self) -> u64 {
        self.maintenance_slots(0..self.members.len())
    }

    /// The part of a [`maintenance_round`](Self::maintenance_round) that the slots in `slots`
    /// run, so that a round can be spread over several bounded steps.
    pub fn maintenance_slots(&mut self, slots: std::ops::Range<u32>) -> u64 {
        let mut messages = 0u64;
        let space = self.space();
        let bits = space.bits();
        let list_len = self.successors as usize;
        for n in slots {
            if !self.members.is_alive(n) {
                continue;
            }
            // check_predecessor.
            let pred = self.pred[n as usize];
            if pred != NONE {
                messages += 1;
                if !self.members.is_alive(pred) {
                    self.pred[n as usize] = NONE;
                }
            }
            // stabilize: the first live successor; when every one has failed, the nearest live
            // finger (a node that knows none is alone, and only then may it adopt its
            // predecessor as successor, as a ring's first node does when the second joins).
            let mut s = NONE;
            for &c in self.successor_list(n).iter().chain(self.fingers(n)) {
                if c == n {
                    continue;
                }
                messages += 1;
                if self.members.is_alive(c) {
                    s = c;
                    break;
                }
            }
            let alone = s == NONE;
            if alone {
                s = n;
            }
            let x = self.pred[s as usize];
            messages += 1;
            if x != NONE
                && x != n
                && self.members.is_alive(x)
                && (alone || space.in_open(self.id(x), self.id(n), self.id(s)))
            {
                s = x;
            }
            let mut list = Vec::with_capacity(list_len);
            list.push(s);
            if s == n {
                // Alone: its own successor, so its own predecessor too, as in a ring of one.
                self.pred[n as usize] = n;
            } else {
                messages += 1;
                list.extend(self.successor_list(s).iter().copied().take(list_len - 1));
                // notify(s, n).
                messages += 1;
                let ps = self.pred[s as usize];
                if ps == NONE || !self.members.is_alive(ps) || space.in_open(self.id(n), self.id(ps), self.id(s)) {
                    self.pred[s as usize] = n;
                }
            }
            while list.len() < list_len {
                list.push(*list.last().expect("the list starts with the successor"));
            }
            self.succ[n as usize * list_len..(n as usize + 1) * list_len].copy_from_slice(&list);
            // fix_fingers, reusing the previous finger when it also covers the next start.
            let here = self.id(n);
            let mut previous: Option<u32> = None;
            for b in 0..bits {
                let start = space.add(here, 1u64 << b);
                let f = match previous {
                    Some(f) if space.in_half_open(start, here, self.id(f)) && f != n => f,
                    _ => {
                        let out = self.route(n, start, None);
                        messages += u64::from(out.messages);
                        out.found.unwrap_or(s)
                    }
                };
                self.fingers[n as usize * bits as usize + b as usize] = f;
                previous = Some(f);
            }
        }
        messages
    }

    /// Whether every live slot's successor list, predecessor and fingers are what they would be
    /// in a converged ring of the live slots. Rounds run in slot order, so a successor list
    /// learns of a failure one node further back per round: about `r` rounds repair them all.
    #[must_use]
    pub fn is_converged(&self) -> bool {
        let space = self.space();
        (0..self.members.len()).filter(|&n| self.members.is_alive(n)).all(|n| {
            let here = self.id(n);
            // The successor list is the next r live identifiers (repeating when fewer are alive).
            let mut expected = Vec::with_capacity(self.successors as usize);
            let mut at = here;
            for _ in 0..self.successors {
                let next = self.true_successor(space.add(at, 1)).expect("n itself is alive");
                expected.push(next);
                at = self.id(next);
            }
            let succ_ok = self.successor_list(n) == expected.as_slice();
            let pred_ok = self.predecessor(n) == self.members.live_predecessor(here);
            let fingers_ok = (0..space.bits())
                .all(|b| Some(self.fingers(n)[b as usize]) == self.true_successor(space.add(here, 1u64 << b)));
            succ_ok && pred_ok && fingers_ok
        })
    }
}

impl Overlay for Chord {
    fn lookup(&self, from: u32, key: u64, trace: Option<&mut Vec<Step>>) -> Outcome {
        self.route(from, key, trace)
    }

    fn routing_state(&self, slot: u32) -> u32 {
        u32::try_from(self.contacts(slot).len()).expect("at most m + MAX_SUCCESSORS entries")
    }

    fn stale_entries(&self, slot: u32) -> u32 {
        let dead = self
            .contacts(slot)
            .into_iter()
            .filter(|&c| !self.members.is_alive(c))
            .count();
        u32::try_from(dead).expect("at most m + MAX_SUCCESSORS entries")
    }

    fn responsible(&self, key: u64) -> Option<u32> {
        self.true_successor(key)
    }

    fn join(&mut self, id: u64, owner: u32, bootstrap: u32) -> Option<u32> {
        // join (§4.4, Figure 6): ask any node for the new identifier's successor; predecessor and
        // fingers wait for stabilize and fix_fingers.
        let successor = self.route(bootstrap, id, None).found?;
        let slot = self.members.join(id, owner)?;
        self.succ
            .extend(std::iter::repeat_n(successor, self.successors as usize));
        self.pred.push(NONE);
        self.fingers
            .extend(std::iter::repeat_n(successor, self.space().bits() as usize));
        Some(slot)
    }

    fn maintain(&mut self) -> u64 {
        self.maintenance_round()
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

    fn ring(bits: u32, nodes: u32, successors: u32) -> Chord {
        Chord::converged(
            Identifiers::draw(Space::new(bits).unwrap(), 7, nodes, 1).unwrap(),
            successors,
        )
    }

    #[test]
    fn the_papers_three_node_example() {
        // Figure 3(b) of the SIGCOMM paper: m = 3, nodes 0, 1 and 3. Node 1's fingers start at
        // 2, 3 and 5, whose successors are 3, 3 and 0.
        let space = Space::new(3).unwrap();
        let ids = Identifiers {
            space,
            ids: vec![0, 1, 3],
            owner: vec![0, 1, 2],
        };
        let c = Chord::converged(ids, 1);
        assert_eq!(c.fingers(1), &[2, 2, 0]);
        assert_eq!(c.fingers(0), &[1, 2, 0]); // starts 1, 2, 4: successors 1, 3, 0.
        assert_eq!(c.responsible(6), Some(0)); // key 6 wraps to node 0.
        let out = c.lookup(2, 1, None); // from node 3, key 1 belongs to node 1.
        assert_eq!(out.found, Some(1));
        assert!(out.correct);
    }

    #[test]
    fn every_lookup_on_a_converged_ring_is_correct() {
        let c = ring(20, 300, 3);
        for k in 0..2000u64 {
            let key = crate::hash::hash_u64(3, k) >> 44;
            let out = c.lookup((k % 300) as u32, key, None);
            assert!(out.correct, "key {key}");
            assert!(out.hops <= 20);
        }
    }

    #[test]
    fn one_node_answers_for_everything() {
        let c = ring(8, 1, 4);
        let out = c.lookup(0, 200, None);
        assert_eq!((out.found, out.hops, out.messages, out.correct), (Some(0), 0, 0, true));
        assert_eq!(c.routing_state(0), 0);
    }

    #[test]
    fn maintenance_rounds_converge_after_failures() {
        let mut c = ring(32, 500, 4);
        let dead: Vec<u32> = (0..500).filter(|s| s % 5 == 0).collect();
        c.fail(&dead);
        assert!(!c.is_converged());
        let mut rounds = 0;
        while !c.is_converged() {
            c.maintenance_round();
            rounds += 1;
            assert!(rounds < 20, "still not converged after {rounds} rounds");
        }
        for k in 0..1000u64 {
            let key = crate::hash::hash_u64(5, k) >> 32;
            let from = (k * 7 % 500) as u32;
            if c.is_alive(from) {
                assert!(c.lookup(from, key, None).correct);
            }
        }
    }
}
