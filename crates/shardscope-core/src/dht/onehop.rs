//! The one-hop baseline: every node holds the whole membership, as Dynamo's and Cassandra's
//! gossip give them, so a lookup is one message to the key's owner on the consistent-hashing
//! ring. Routing state grows as N instead of log N; that is the trade-off the lab draws.
//!
//! After failures the membership still lists failed nodes until gossip updates it
//! ([`OneHop::refresh`]); a query to a failed owner times out and goes to the next node clockwise.

use super::{successor_in, Identifiers, Membership, Outcome, Overlay, Step, View};

/// A network in which every node knows every node it has heard of.
#[derive(Clone, Debug)]
pub struct OneHop {
    members: Membership,
    /// The membership every node knows.
    view: View,
}

impl OneHop {
    /// A network with full, up-to-date membership.
    ///
    /// ```
    /// use shardscope_core::dht::{onehop::OneHop, Identifiers, Overlay, Space};
    /// let ids = Identifiers::draw(Space::new(32).unwrap(), 1, 100, 1).unwrap();
    /// let net = OneHop::converged(ids);
    /// let out = net.lookup(3, 42, None);
    /// assert!(out.correct && out.hops <= 1);
    /// ```
    #[must_use]
    pub fn converged(ids: Identifiers) -> Self {
        let members = Membership::new(ids);
        Self {
            view: View::of(&members),
            members,
        }
    }

    /// Gossip has caught up: the membership lists only live nodes.
    pub fn refresh(&mut self) {
        self.view.refresh(&self.members);
    }
}

impl Overlay for OneHop {
    fn lookup(&self, from: u32, key: u64, mut trace: Option<&mut Vec<Step>>) -> Outcome {
        let mut out = Outcome::default();
        if !self.members.is_alive(from) {
            return out;
        }
        let n = self.view.ids.len();
        let mut i = successor_in(&self.view.ids, key) as usize;
        let mut timed_out = Vec::new();
        for _ in 0..n {
            let slot = self.view.slots[i];
            if slot == from {
                out.found = Some(slot);
                break;
            }
            out.messages += 1;
            if self.members.is_alive(slot) {
                out.hops = 1;
                out.found = Some(slot);
                if let Some(t) = trace.as_deref_mut() {
                    t.push(Step {
                        queried: vec![slot],
                        timed_out: std::mem::take(&mut timed_out),
                        learned: vec![],
                    });
                }
                break;
            }
            out.timeouts += 1;
            timed_out.push(slot);
            i = (i + 1) % n;
        }
        out.correct = out.found.is_some() && out.found == self.responsible(key);
        out
    }

    fn routing_state(&self, slot: u32) -> u32 {
        let len = u32::try_from(self.view.ids.len()).expect("at most MAX_SLOTS identifiers");
        len - u32::from(self.view.ids.binary_search(&self.members.id(slot)).is_ok())
    }

    fn stale_entries(&self, _slot: u32) -> u32 {
        // Every node holds the same table: the view.
        let dead = self.view.slots.iter().filter(|&&s| !self.members.is_alive(s)).count();
        u32::try_from(dead).expect("at most MAX_SLOTS identifiers")
    }

    fn responsible(&self, key: u64) -> Option<u32> {
        self.members.live_successor(key)
    }

    fn join(&mut self, id: u64, owner: u32, _bootstrap: u32) -> Option<u32> {
        let slot = self.members.join(id, owner)?;
        self.view.insert(id, slot);
        Some(slot)
    }

    fn maintain(&mut self) -> u64 {
        self.refresh();
        0
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
    use crate::dht::Space;

    #[test]
    fn a_failed_owner_costs_a_timeout_until_gossip_catches_up() {
        let ids = Identifiers::draw(Space::new(32).unwrap(), 3, 50, 1).unwrap();
        let mut net = OneHop::converged(ids);
        let key = net.members.id(10) - 1; // owned by slot 10.
        net.fail(&[10]);
        let out = net.lookup(0, key, None);
        assert_eq!((out.timeouts, out.hops, out.found, out.correct), (1, 1, Some(11), true));
        assert_eq!(net.routing_state(0), 49);
        net.refresh();
        assert_eq!(net.lookup(0, key, None).timeouts, 0);
        assert_eq!(net.routing_state(0), 48);
    }
}
