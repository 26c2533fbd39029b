//! Distributed hash tables: Chord, Kademlia and a one-hop baseline, each routing real lookups hop
//! by hop over the same seeded identifiers, so their hops, messages and routing state compare.
//!
//! Identifiers live in an `m`-bit space ([`Space`], `m` up to 64). A physical node may carry
//! several identifiers (Chord §6.2's virtual nodes); each identifier is a *slot* of the overlay,
//! and slots are numbered in identifier order, so slot `i` holds the `i`-th smallest identifier.
//! Every protocol answers the same question, "which live slot is responsible for this key", and
//! records what answering it cost ([`Outcome`]) and, on request, every step ([`Step`]).
//!
//! - [`chord`]: the identifier circle, finger tables, successor lists and the maintenance protocol
//!   (stabilize, notify, `fix_fingers`, `check_predecessor`) in rounds (Stoica et al., SIGCOMM
//!   2001).
//! - [`kademlia`]: the XOR metric, k-buckets and the α-parallel iterative node lookup (Maymounkov
//!   and Mazières, IPTPS 2002).
//! - [`onehop`]: full membership at every node, as Dynamo and Cassandra route.

pub mod chord;
pub mod kademlia;
pub mod onehop;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::hash::hash_pair;

/// The most identifiers (nodes × virtual identifiers) an overlay holds. Chord keeps `m` fingers of
/// four bytes per identifier, so 2^18 identifiers at `m` = 64 take 64 MiB: inside a browser tab's
/// budget with room for everything else.
pub const MAX_SLOTS: u32 = 1 << 18;

/// Slot numbers are `u32`; this one means "none" (no predecessor known).
pub const NONE: u32 = u32::MAX;

/// Why an overlay could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DhtError {
    /// The identifier width is outside `1..=64`.
    Bits(u32),
    /// More identifiers than the space can hold without constant collisions (at most half of it),
    /// or than [`MAX_SLOTS`].
    TooManyIdentifiers {
        /// Identifiers asked for.
        wanted: u64,
        /// The most allowed for this space.
        limit: u64,
    },
    /// An overlay needs at least one node.
    NoNodes,
}

impl fmt::Display for DhtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bits(b) => write!(f, "identifiers must have 1–64 bits, not {b}"),
            Self::TooManyIdentifiers { wanted, limit } => {
                write!(f, "{wanted} identifiers do not fit: this space holds at most {limit}")
            }
            Self::NoNodes => write!(f, "an overlay needs at least one node"),
        }
    }
}

impl std::error::Error for DhtError {}

/// An identifier space of `bits` bits: identifiers are `0..2^bits`, held in a `u64`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Space {
    bits: u32,
}

impl Space {
    /// A space of `bits` bits, `1..=64`.
    ///
    /// ```
    /// use shardscope_core::dht::Space;
    /// let s = Space::new(3).unwrap();
    /// assert_eq!(s.add(6, 3), 1); // 6 + 3 wraps around a circle of 8.
    /// assert!(s.in_half_open(0, 6, 1)); // 0 is in (6, 1] going clockwise.
    /// assert!(Space::new(65).is_err());
    /// ```
    pub fn new(bits: u32) -> Result<Self, DhtError> {
        if (1..=64).contains(&bits) {
            Ok(Self { bits })
        } else {
            Err(DhtError::Bits(bits))
        }
    }

    /// The identifier width `m`.
    #[must_use]
    pub fn bits(self) -> u32 {
        self.bits
    }

    /// The largest identifier, `2^m − 1`.
    #[must_use]
    pub fn mask(self) -> u64 {
        u64::MAX >> (64 - self.bits)
    }

    /// The identifier a 64-bit hash maps to: its top `m` bits, the best-mixed ones.
    #[must_use]
    pub fn id(self, hash: u64) -> u64 {
        hash >> (64 - self.bits)
    }

    /// The most identifiers an overlay in this space may hold: half the space (so drawing distinct
    /// ones stays cheap) and never more than [`MAX_SLOTS`].
    #[must_use]
    pub fn capacity(self) -> u64 {
        (self.mask() / 2 + 1).min(u64::from(MAX_SLOTS))
    }

    /// `a + b` around the circle.
    #[must_use]
    pub fn add(self, a: u64, b: u64) -> u64 {
        a.wrapping_add(b) & self.mask()
    }

    /// The clockwise distance from `from` to `to`: `to − from` around the circle.
    #[must_use]
    pub fn clockwise(self, from: u64, to: u64) -> u64 {
        to.wrapping_sub(from) & self.mask()
    }

    /// Whether `x` is in the half-open arc `(a, b]` going clockwise; `(a, a]` is the whole circle,
    /// since a node that is its own successor is responsible for everything.
    #[must_use]
    pub fn in_half_open(self, x: u64, a: u64, b: u64) -> bool {
        a == b || {
            let d = self.clockwise(a, x);
            d != 0 && d <= self.clockwise(a, b)
        }
    }

    /// Whether `x` is in the open arc `(a, b)` going clockwise; `(a, a)` is the circle without `a`.
    #[must_use]
    pub fn in_open(self, x: u64, a: u64, b: u64) -> bool {
        let d = self.clockwise(a, x);
        d != 0 && (a == b || d < self.clockwise(a, b))
    }
}

/// The overlay's identifiers: one entry per slot, in identifier order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identifiers {
    /// The space they are in.
    pub space: Space,
    /// Slot `i`'s identifier; strictly increasing.
    pub ids: Vec<u64>,
    /// The physical node slot `i` belongs to.
    pub owner: Vec<u32>,
}

impl Identifiers {
    /// Draws `per_node` distinct identifiers for each of `nodes` nodes: identifier `j` of node `i`
    /// is the top `m` bits of `hash_pair(seed, i, j)`; a draw that collides with another is drawn
    /// again (attempt `a` hashes `j + a·2^32`), so the result depends only on the seed.
    ///
    /// ```
    /// use shardscope_core::dht::{Identifiers, Space};
    /// let ids = Identifiers::draw(Space::new(8).unwrap(), 1, 100, 1).unwrap();
    /// assert_eq!(ids.ids.len(), 100);
    /// assert!(ids.ids.windows(2).all(|w| w[0] < w[1]));
    /// ```
    pub fn draw(space: Space, seed: u64, nodes: u32, per_node: u32) -> Result<Self, DhtError> {
        if nodes == 0 || per_node == 0 {
            return Err(DhtError::NoNodes);
        }
        let wanted = u64::from(nodes) * u64::from(per_node);
        if wanted > space.capacity() {
            return Err(DhtError::TooManyIdentifiers {
                wanted,
                limit: space.capacity(),
            });
        }
        let draw = |node: u32, j: u32, attempt: u64| {
            space.id(hash_pair(seed, u64::from(node), u64::from(j) + (attempt << 32)))
        };
        // (identifier, node, index, attempt): sorted by identifier, the first drawer of a value keeps it.
        let mut all: Vec<(u64, u32, u32, u64)> = (0..nodes)
            .flat_map(|n| (0..per_node).map(move |j| (draw(n, j, 0), n, j, 0)))
            .collect();
        loop {
            all.sort_unstable();
            let mut redraw = Vec::new();
            let mut kept: Vec<(u64, u32, u32, u64)> = Vec::with_capacity(all.len());
            for entry in all {
                if kept.last().is_some_and(|last| last.0 == entry.0) {
                    redraw.push(entry);
                } else {
                    kept.push(entry);
                }
            }
            if redraw.is_empty() {
                return Ok(Self {
                    space,
                    ids: kept.iter().map(|e| e.0).collect(),
                    owner: kept.iter().map(|e| e.1).collect(),
                });
            }
            all = kept;
            all.extend(redraw.into_iter().map(|(_, n, j, a)| (draw(n, j, a + 1), n, j, a + 1)));
        }
    }

    /// The number of slots.
    #[must_use]
    pub fn len(&self) -> u32 {
        u32::try_from(self.ids.len()).expect("at most MAX_SLOTS identifiers")
    }

    /// These identifiers with `extra` ones added for new nodes `first_owner`, `first_owner + 1`,
    /// …, and the slots the new ones got. An extra identifier already taken is left out (a node
    /// cannot join with an identifier in use).
    #[must_use]
    pub fn with_extra(&self, extra: &[u64], first_owner: u32) -> (Self, Vec<u32>) {
        let mut all: Vec<(u64, u32, bool)> = self
            .ids
            .iter()
            .zip(&self.owner)
            .map(|(&id, &o)| (id, o, false))
            .collect();
        for (owner, &id) in (first_owner..).zip(extra) {
            all.push((id, owner, true));
        }
        // Existing identifiers sort before a new copy of themselves, which is then dropped.
        all.sort_unstable_by_key(|&(id, _, new)| (id, new));
        all.dedup_by_key(|e| e.0);
        let slots = (0u32..).zip(&all).filter(|(_, e)| e.2).map(|(s, _)| s).collect();
        let ids = Self {
            space: self.space,
            ids: all.iter().map(|e| e.0).collect(),
            owner: all.iter().map(|e| e.1).collect(),
        };
        (ids, slots)
    }

    /// Whether there are none (never, for a drawn set).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The slot responsible for `key` on the circle: the first identifier at or after it,
    /// wrapping around (Chord's `successor(key)`).
    #[must_use]
    pub fn successor(&self, key: u64) -> u32 {
        successor_in(&self.ids, key)
    }
}

/// Who is in an overlay and who is alive: its identifiers, and the live ones in identifier order,
/// the ground truth every protocol's lookups are checked against.
#[derive(Clone, Debug)]
pub struct Membership {
    space: Space,
    /// Slot `i`'s identifier and physical node. The slots of the identifiers an overlay starts
    /// with are in identifier order; a slot that joins later comes after them.
    ids: Vec<u64>,
    owner: Vec<u32>,
    /// Every identifier ever in the overlay, sorted: a joining node may not reuse one.
    taken: Vec<u64>,
    alive: Vec<bool>,
    live_ids: Vec<u64>,
    live_slots: Vec<u32>,
    /// Slots an attacker runs (see [`Membership::mark_sybils`]), in slot order.
    sybils: Vec<u32>,
    sybil: Vec<bool>,
}

impl Membership {
    /// Every slot of `ids`, all alive.
    #[must_use]
    pub fn new(ids: Identifiers) -> Self {
        Self {
            alive: vec![true; ids.ids.len()],
            live_ids: ids.ids.clone(),
            live_slots: (0..ids.len()).collect(),
            sybils: Vec::new(),
            sybil: vec![false; ids.ids.len()],
            space: ids.space,
            taken: ids.ids.clone(),
            ids: ids.ids,
            owner: ids.owner,
        }
    }

    /// A new slot with identifier `id` for physical node `owner`, alive; `None` if the identifier
    /// is or was in use.
    pub fn join(&mut self, id: u64, owner: u32) -> Option<u32> {
        let at = self.taken.binary_search(&id).err()?;
        self.taken.insert(at, id);
        let slot = self.len();
        self.ids.push(id);
        self.owner.push(owner);
        self.alive.push(true);
        self.sybil.push(false);
        let at = self.live_ids.partition_point(|&x| x < id);
        self.live_ids.insert(at, id);
        self.live_slots.insert(at, slot);
        Some(slot)
    }

    /// The physical node slot `slot` belongs to.
    #[must_use]
    pub fn owner(&self, slot: u32) -> u32 {
        self.owner[slot as usize]
    }

    /// Marks slots as the attacker's: a Chord node of the attacker claims every key it is asked
    /// about, a Kademlia one answers `FIND_NODE` with the attacker's own nodes only.
    pub fn mark_sybils(&mut self, slots: &[u32]) {
        for &s in slots {
            self.sybil[s as usize] = true;
        }
        self.sybils = (0..self.len()).filter(|&s| self.sybil[s as usize]).collect();
    }

    /// Whether the attacker runs slot `slot`.
    #[must_use]
    pub fn is_sybil(&self, slot: u32) -> bool {
        self.sybil[slot as usize]
    }

    /// The attacker's slots.
    #[must_use]
    pub fn sybils(&self) -> &[u32] {
        &self.sybils
    }

    /// The identifier space.
    #[must_use]
    pub fn space(&self) -> Space {
        self.space
    }

    /// The number of slots, alive or not.
    #[must_use]
    pub fn len(&self) -> u32 {
        u32::try_from(self.ids.len()).expect("slots are counted in u32")
    }

    /// Whether there are none (never, for drawn identifiers).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Slot `slot`'s identifier.
    #[must_use]
    pub fn id(&self, slot: u32) -> u64 {
        self.ids[slot as usize]
    }

    /// Whether a slot is alive.
    #[must_use]
    pub fn is_alive(&self, slot: u32) -> bool {
        self.alive[slot as usize]
    }

    /// The live identifiers, sorted, and the slot of each.
    #[must_use]
    pub fn live(&self) -> (&[u64], &[u32]) {
        (&self.live_ids, &self.live_slots)
    }

    /// Marks slots failed.
    pub fn fail(&mut self, slots: &[u32]) {
        for &s in slots {
            self.alive[s as usize] = false;
        }
        // Slots that joined later come after the first ones whatever their identifiers: the live
        // list is kept in identifier order, not slot order.
        let mut live: Vec<(u64, u32)> = (0..self.len())
            .filter(|&s| self.is_alive(s))
            .map(|s| (self.id(s), s))
            .collect();
        live.sort_unstable();
        (self.live_ids, self.live_slots) = live.into_iter().unzip();
    }

    /// The live slot responsible for `key`: the first live identifier at or after it.
    #[must_use]
    pub fn live_successor(&self, key: u64) -> Option<u32> {
        (!self.live_ids.is_empty()).then(|| self.live_slots[successor_in(&self.live_ids, key) as usize])
    }

    /// The live slot just before identifier `id` (the slot itself when it is alone).
    #[must_use]
    pub fn live_predecessor(&self, id: u64) -> Option<u32> {
        if self.live_ids.is_empty() {
            return None;
        }
        let i = self.live_ids.partition_point(|&x| x < id);
        let i = if i == 0 { self.live_ids.len() - 1 } else { i - 1 };
        Some(self.live_slots[i])
    }
}

/// What an overlay's nodes believe the membership is, in identifier order: Kademlia draws its
/// buckets from it and one-hop's table is it. Joins reach it as they happen; failures only when a
/// refresh (bucket refresh, gossip) catches up with the [`Membership`].
#[derive(Clone, Debug)]
pub struct View {
    ids: Vec<u64>,
    slots: Vec<u32>,
}

impl View {
    /// The live membership as it is now.
    #[must_use]
    pub fn of(members: &Membership) -> Self {
        let (ids, slots) = members.live();
        Self {
            ids: ids.to_vec(),
            slots: slots.to_vec(),
        }
    }

    /// Catches up with the membership: failed slots leave the view.
    pub fn refresh(&mut self, members: &Membership) {
        *self = Self::of(members);
    }

    /// A slot that joined with identifier `id`.
    pub fn insert(&mut self, id: u64, slot: u32) {
        let at = self.ids.partition_point(|&x| x < id);
        self.ids.insert(at, id);
        self.slots.insert(at, slot);
    }
}

/// The index of the first identifier at or after `key` in sorted `ids`, wrapping to 0.
pub(crate) fn successor_in(ids: &[u64], key: u64) -> u32 {
    let i = ids.partition_point(|&x| x < key);
    let i = if i == ids.len() { 0 } else { i };
    u32::try_from(i).expect("at most MAX_SLOTS identifiers")
}

/// What one lookup cost and found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Hops: nodes contacted one after another that answered (Chord: up to the key's predecessor,
    /// see [`chord`]; Kademlia: rounds of parallel queries; one-hop: the owner).
    pub hops: u32,
    /// Messages sent: every query, answered or not.
    pub messages: u32,
    /// Queries to nodes that had failed, each waited out.
    pub timeouts: u32,
    /// The slot the lookup ended at, if it ended at all.
    pub found: Option<u32>,
    /// Whether that is the slot truly responsible among the live ones.
    pub correct: bool,
}

/// One step of a recorded lookup, for stepping through it on the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The slots queried in this step (Chord and one-hop: one; Kademlia: up to α in parallel).
    pub queried: Vec<u32>,
    /// Which of them had failed and timed out.
    pub timed_out: Vec<u32>,
    /// What the step learned: Chord's next hop, Kademlia's k closest known after the step.
    pub learned: Vec<u32>,
}

/// Which protocol routes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Protocol {
    /// Chord's finger tables on the identifier circle.
    Chord,
    /// Kademlia's k-buckets under the XOR metric.
    Kademlia,
    /// Full membership at every node.
    OneHop,
}

impl crate::query::Choice for Protocol {
    const ALL: &'static [Self] = &[Self::Chord, Self::Kademlia, Self::OneHop];

    fn slug(self) -> &'static str {
        match self {
            Self::Chord => "chord",
            Self::Kademlia => "kademlia",
            Self::OneHop => "onehop",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Chord => "Chord",
            Self::Kademlia => "Kademlia",
            Self::OneHop => "One-hop",
        }
    }
}

/// The identifiers an attacker's `count` nodes take to eclipse `key`: with `chosen`, the ones
/// XOR-closest to it (`key ^ j` for `j < count`), which include `key` itself, so that the key's
/// successor on the circle and its XOR-closest node are both the attacker's; otherwise the
/// identifiers a hash of each node's address gives (S/Kademlia's defence: an identifier is bound
/// to an address the attacker does not choose), drawn from `seed`.
#[must_use]
pub fn sybil_identifiers(space: Space, key: u64, count: u32, chosen: bool, seed: u64) -> Vec<u64> {
    (0..u64::from(count))
        .map(|j| {
            if chosen {
                (key ^ j) & space.mask()
            } else {
                space.id(hash_pair(seed, 0x5b11, j))
            }
        })
        .collect()
}

/// The operations the lab asks of every protocol.
pub trait Overlay {
    /// Routes one lookup for `key` from slot `from`; with `trace`, records every step.
    fn lookup(&self, from: u32, key: u64, trace: Option<&mut Vec<Step>>) -> Outcome;
    /// Routing entries a slot holds (distinct contacts, successor list included).
    fn routing_state(&self, slot: u32) -> u32;
    /// Of those routing entries, the ones that name a failed node (stale until maintenance or a
    /// timeout removes them).
    fn stale_entries(&self, slot: u32) -> u32;
    /// The live slot truly responsible for `key`, by brute force over the membership.
    fn responsible(&self, key: u64) -> Option<u32>;
    /// Who is in the overlay.
    fn members(&self) -> &Membership;
    /// The same, to change.
    fn members_mut(&mut self) -> &mut Membership;
    /// A node with identifier `id` joins through `bootstrap`, as the protocol joins (Chord: its
    /// successor found by a lookup, everything else left to maintenance; Kademlia and one-hop:
    /// known to the others at once, as a joining node's own lookup announces it). `None` if the
    /// identifier is or was in use.
    fn join(&mut self, id: u64, owner: u32, bootstrap: u32) -> Option<u32>;
    /// One round of maintenance (Chord: stabilize, notify, `fix_fingers`, `check_predecessor` at
    /// every node; Kademlia: bucket refresh; one-hop: gossip): the messages it sent, where counted.
    fn maintain(&mut self) -> u64;
    /// Marks slots failed at once (no protocol has noticed yet).
    fn fail(&mut self, slots: &[u32]) {
        self.members_mut().fail(slots);
    }
    /// Whether a slot is alive.
    fn is_alive(&self, slot: u32) -> bool {
        self.members().is_alive(slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arcs_wrap_and_cover_the_circle_for_one_node() {
        let s = Space::new(4).unwrap();
        assert!(s.in_half_open(15, 14, 2));
        assert!(s.in_half_open(2, 14, 2));
        assert!(!s.in_half_open(14, 14, 2));
        assert!(s.in_half_open(5, 3, 3));
        assert!(s.in_open(1, 14, 2));
        assert!(!s.in_open(2, 14, 2));
        assert!(s.in_open(9, 3, 3));
        assert!(!s.in_open(3, 3, 3));
        let full = Space::new(64).unwrap();
        assert_eq!(full.mask(), u64::MAX);
        assert_eq!(full.add(u64::MAX, 2), 1);
    }

    #[test]
    fn extra_identifiers_join_in_order_and_taken_ones_are_refused() {
        let space = Space::new(8).unwrap();
        let ids = Identifiers {
            space,
            ids: vec![10, 20, 30],
            owner: vec![0, 1, 2],
        };
        let (all, new) = ids.with_extra(&[25, 20, 5, 25], 3);
        assert_eq!(all.ids, vec![5, 10, 20, 25, 30]);
        assert_eq!(all.owner, vec![5, 0, 1, 3, 2]);
        assert_eq!(new, vec![0, 3]);
        // Chosen identifiers sit next to the key; bound ones anywhere.
        assert_eq!(
            sybil_identifiers(space, 0b1010_0000, 3, true, 1),
            vec![0b1010_0000, 0b1010_0001, 0b1010_0010]
        );
        assert_ne!(
            sybil_identifiers(space, 0b1010_0000, 3, false, 1),
            sybil_identifiers(space, 0b1010_0000, 3, true, 1)
        );
    }

    #[test]
    fn joined_slots_keep_the_live_list_in_identifier_order() {
        let space = Space::new(8).unwrap();
        let mut m = Membership::new(Identifiers {
            space,
            ids: vec![10, 20, 30],
            owner: vec![0, 1, 2],
        });
        assert_eq!(m.join(15, 3), Some(3));
        assert_eq!(m.join(20, 4), None, "a taken identifier");
        assert_eq!(m.join(5, 5), Some(4));
        m.fail(&[1]);
        assert_eq!(m.live(), (&[5, 10, 15, 30][..], &[4, 0, 3, 2][..]));
        assert_eq!(m.live_successor(16), Some(2));
        assert_eq!(m.live_predecessor(10), Some(4));
        assert_eq!(m.join(20, 6), None, "a failed node's identifier is not reused");
    }

    #[test]
    fn identifiers_are_distinct_even_in_a_crowded_space() {
        let s = Space::new(6).unwrap();
        let ids = Identifiers::draw(s, 9, 8, 4).unwrap();
        assert_eq!(ids.len(), 32);
        assert!(ids.ids.windows(2).all(|w| w[0] < w[1]));
        assert!(ids.ids.iter().all(|&x| x <= s.mask()));
        for n in 0..8 {
            assert_eq!(ids.owner.iter().filter(|&&o| o == n).count(), 4);
        }
        assert!(matches!(
            Identifiers::draw(s, 9, 33, 1),
            Err(DhtError::TooManyIdentifiers { .. })
        ));
        assert_eq!(Identifiers::draw(s, 9, 0, 1), Err(DhtError::NoNodes));
    }
}
