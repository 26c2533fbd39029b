//! The placement abstraction every algorithm implements, a builder for the algorithms the labs
//! offer, and the accounting of what a membership change moved.

use std::collections::BTreeMap;
use std::fmt;

use crate::{
    anchor::AnchorHash, jump::JumpPlacement, maglev::Maglev, modn::ModN, multiprobe::MultiProbe,
    rendezvous::Rendezvous, ring::Ring,
};

/// Identifies a node (server, shard, bucket). Node ids are chosen by the caller and need not be
/// contiguous.
pub type NodeId = u32;

/// A rule that maps keys to the nodes of a changing cluster.
///
/// Every placement holds at least one node, so [`place`](Placement::place) always has an
/// answer; constructors reject an empty node list and [`remove_node`](Placement::remove_node)
/// refuses to remove the last node.
pub trait Placement {
    /// A short, stable name (used in permalinks and reports).
    fn name(&self) -> &'static str;

    /// The nodes, in the order the algorithm keeps them (for mod N and jump hash, the order
    /// that decides which bucket is which node).
    fn nodes(&self) -> &[NodeId];

    /// The node that owns `key`.
    fn place(&self, key: u64) -> NodeId;

    /// Places a batch: `out[i]` becomes the owner of `keys[i]`.
    ///
    /// # Panics
    /// If the two slices differ in length.
    fn place_batch(&self, keys: &[u64], out: &mut [NodeId]) {
        assert_eq!(keys.len(), out.len(), "place_batch needs one output slot per key");
        for (key, slot) in keys.iter().zip(out.iter_mut()) {
            *slot = self.place(*key);
        }
    }

    /// Adds a node with the algorithm's default weight.
    fn add_node(&mut self, id: NodeId) -> Result<(), PlacementError>;

    /// Removes a node; its keys move to the nodes that remain.
    fn remove_node(&mut self, id: NodeId) -> Result<(), PlacementError>;
}

/// Why a placement refused a change.
#[derive(Clone, Debug, PartialEq)]
pub enum PlacementError {
    /// A placement needs at least one node.
    NoNodes,
    /// The node is already present.
    DuplicateNode(NodeId),
    /// The node is not present.
    UnknownNode(NodeId),
    /// Removing this node would leave the placement empty.
    LastNode(NodeId),
    /// Jump hash (and mod N with stable numbering) can only drop the last bucket.
    OnlyLastRemovable {
        /// The node the caller asked to remove.
        requested: NodeId,
        /// The only node that can be removed.
        last: NodeId,
    },
    /// A ring node's virtual node count is outside `1..=MAX_VNODES`.
    VnodesOutOfRange(u32),
    /// A rendezvous weight is not a finite number greater than zero.
    InvalidWeight(f64),
    /// A Maglev table size is not a prime in range, or is smaller than the node count.
    TableSize(u32),
    /// A multi-probe probe count is outside `1..=MAX_PROBES`.
    ProbesOutOfRange(u32),
    /// An AnchorHash anchor of this capacity has no free bucket left.
    CapacityFull(u32),
}

impl fmt::Display for PlacementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoNodes => write!(f, "a placement needs at least one node"),
            Self::DuplicateNode(id) => write!(f, "node {id} is already in the cluster"),
            Self::UnknownNode(id) => write!(f, "node {id} is not in the cluster"),
            Self::LastNode(id) => write!(f, "node {id} is the last node; a cluster needs one"),
            Self::OnlyLastRemovable { requested, last } => write!(
                f,
                "jump hash can only remove the last bucket (node {last}), not node {requested}: \
                 its buckets are numbered 0..n and only n can shrink"
            ),
            Self::VnodesOutOfRange(v) => write!(f, "{v} virtual nodes is outside 1..={}", crate::ring::MAX_VNODES),
            Self::InvalidWeight(w) => write!(f, "weight {w} is not a finite number above zero"),
            Self::TableSize(m) => write!(
                f,
                "a Maglev table needs a prime size of at least the node count and at most {}; {m} is not",
                crate::maglev::MAX_TABLE_SIZE
            ),
            Self::ProbesOutOfRange(k) => {
                write!(f, "{k} probes is outside 1..={}", crate::multiprobe::MAX_PROBES)
            }
            Self::CapacityFull(a) => write!(f, "the AnchorHash anchor holds at most {a} nodes"),
        }
    }
}

impl std::error::Error for PlacementError {}

/// The algorithms the labs can build, with their parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// `hash % N`, the baseline that moves almost everything when N changes.
    ModN,
    /// A consistent-hash ring with this many virtual nodes per node.
    Ring {
        /// Points each node places on the ring, `1..=1000`.
        vnodes: u32,
    },
    /// Rendezvous (highest random weight) hashing with equal weights.
    Rendezvous,
    /// Jump consistent hash.
    Jump,
    /// Maglev hashing with a lookup table of this (prime) size.
    Maglev {
        /// The table size `M`.
        table: u32,
    },
    /// Multi-probe consistent hashing with this many probes per key.
    MultiProbe {
        /// The probe count `k`.
        probes: u32,
    },
    /// AnchorHash over an anchor of this many buckets.
    Anchor {
        /// The anchor size `a`: the most nodes the placement can hold.
        capacity: u32,
    },
}

impl Algorithm {
    /// Builds the placement over `nodes` (in that order), seeded where the algorithm uses a seed.
    ///
    /// ```
    /// use shardscope_core::placement::{Algorithm, Placement};
    /// let ring = Algorithm::Ring { vnodes: 100 }.build(7, &[0, 1, 2]).unwrap();
    /// assert!(ring.nodes().contains(&ring.place(12345)));
    /// ```
    pub fn build(self, seed: u64, nodes: &[NodeId]) -> Result<Box<dyn Placement>, PlacementError> {
        Ok(match self {
            Self::ModN => Box::new(ModN::new(nodes)?),
            Self::Ring { vnodes } => Box::new(Ring::new(seed, vnodes, nodes)?),
            Self::Rendezvous => Box::new(Rendezvous::new(seed, nodes)?),
            Self::Jump => Box::new(JumpPlacement::new(nodes)?),
            Self::Maglev { table } => Box::new(Maglev::new(seed, table, nodes)?),
            Self::MultiProbe { probes } => Box::new(MultiProbe::new(seed, probes, nodes)?),
            Self::Anchor { capacity } => Box::new(AnchorHash::new(seed, capacity, nodes)?),
        })
    }
}

/// A count of things held in memory (nodes, points, racks) as a `u32`; the labs' limits keep
/// every such count far below `u32::MAX`.
pub(crate) fn count_u32(len: usize) -> u32 {
    u32::try_from(len).expect("a count of in-memory items fits in u32")
}

/// An index held as `u64` (a slot, a bucket, a residue) below the length of an in-memory vector,
/// which therefore fits in `usize`.
pub(crate) fn index_usize(index: u64) -> usize {
    usize::try_from(index).expect("an index below a vector's length fits in usize")
}

/// The ordered, duplicate-free, never-empty list of nodes every algorithm keeps, with the
/// membership checks they all share.
#[derive(Clone, Debug)]
pub(crate) struct NodeList(Vec<NodeId>);

impl NodeList {
    /// A list of `nodes`, which must be non-empty and free of duplicates.
    pub(crate) fn new(nodes: &[NodeId]) -> Result<Self, PlacementError> {
        if nodes.is_empty() {
            return Err(PlacementError::NoNodes);
        }
        let mut list = Self(Vec::with_capacity(nodes.len()));
        for &id in nodes {
            list.push(id)?;
        }
        Ok(list)
    }

    pub(crate) fn as_slice(&self) -> &[NodeId] {
        &self.0
    }

    /// Appends a node that is not yet present.
    pub(crate) fn push(&mut self, id: NodeId) -> Result<(), PlacementError> {
        if self.0.contains(&id) {
            return Err(PlacementError::DuplicateNode(id));
        }
        self.0.push(id);
        Ok(())
    }

    /// Removes a node that is present and not the only one; returns the index it had.
    pub(crate) fn remove(&mut self, id: NodeId) -> Result<usize, PlacementError> {
        let index = self
            .0
            .iter()
            .position(|&n| n == id)
            .ok_or(PlacementError::UnknownNode(id))?;
        if self.0.len() == 1 {
            return Err(PlacementError::LastNode(id));
        }
        self.0.remove(index);
        Ok(index)
    }

    /// The node at `index`, which must be below the length (callers reduce modulo it).
    pub(crate) fn at(&self, index: u64) -> NodeId {
        self.0[usize::try_from(index).expect("index below a Vec length fits in usize")]
    }

    pub(crate) fn len(&self) -> u64 {
        self.0.len() as u64
    }
}

/// Places every key of `keys` in chunks of `chunk` keys and returns a checksum of the owners (so
/// that no compiler can skip the work). The browser and native benchmarks time this same loop.
///
/// ```
/// use shardscope_core::{hash::KeySet, placement::{place_all, Algorithm}};
/// let jump = Algorithm::Jump.build(0, &[0, 1, 2]).unwrap();
/// let a = place_all(jump.as_ref(), &KeySet::new(1, 10_000), 4096);
/// assert_eq!(a, place_all(jump.as_ref(), &KeySet::new(1, 10_000), 333));
/// ```
#[must_use]
pub fn place_all(placement: &dyn Placement, keys: &crate::hash::KeySet, chunk: u32) -> u64 {
    let chunk = u64::from(chunk.max(1));
    let mut key_buf = Vec::new();
    let mut out = Vec::new();
    let mut checksum = 0u64;
    let mut start = 0;
    while start < keys.len() {
        let len = index_usize((keys.len() - start).min(chunk));
        key_buf.resize(len, 0);
        out.resize(len, 0);
        keys.fill(start, &mut key_buf);
        placement.place_batch(&key_buf, &mut out);
        checksum = out
            .iter()
            .fold(checksum, |acc, &id| acc.wrapping_mul(31).wrapping_add(u64::from(id)));
        start += len as u64;
    }
    checksum
}

/// The algorithms and the setting of the browser-vs-native benchmark: ten million keys on a
/// thousand nodes, each algorithm with the lab's default parameters.
pub const BENCH_CASES: [(&str, Algorithm); 6] = [
    ("modn", Algorithm::ModN),
    ("ring100", Algorithm::Ring { vnodes: 100 }),
    ("jump", Algorithm::Jump),
    ("maglev", Algorithm::Maglev { table: 65_537 }),
    ("multiprobe21", Algorithm::MultiProbe { probes: 21 }),
    ("anchor", Algorithm::Anchor { capacity: 16_384 }),
];

/// What an event did to a set of keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Movement {
    /// Keys counted.
    pub keys: u64,
    /// Keys whose owner changed.
    pub moved: u64,
    /// The fewest keys that must change owner to turn the load per node before the event into
    /// the load per node after it: `Σ max(0, after − before)` over all nodes. No placement that
    /// ends with these loads can move fewer; ring, rendezvous and jump hash move exactly this
    /// many, mod N many more.
    pub minimum: u64,
}

/// Counts loads and moves over a stream of (before, after) placements, chunk by chunk, so that
/// millions of keys never have to be held in memory at once.
#[derive(Clone, Debug, Default)]
pub struct MovementCounter {
    before: BTreeMap<NodeId, u64>,
    after: BTreeMap<NodeId, u64>,
    keys: u64,
    moved: u64,
}

impl MovementCounter {
    /// An empty counter.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one chunk: `before[i]` and `after[i]` own the same key.
    ///
    /// # Panics
    /// If the slices differ in length.
    pub fn record(&mut self, before: &[NodeId], after: &[NodeId]) {
        assert_eq!(
            before.len(),
            after.len(),
            "before and after must describe the same keys"
        );
        for (&b, &a) in before.iter().zip(after) {
            *self.before.entry(b).or_default() += 1;
            *self.after.entry(a).or_default() += 1;
            self.moved += u64::from(b != a);
        }
        self.keys += before.len() as u64;
    }

    /// Keys per node before the event, by node id (nodes without keys are absent).
    #[must_use]
    pub fn loads_before(&self) -> &BTreeMap<NodeId, u64> {
        &self.before
    }

    /// Keys per node after the event, by node id (nodes without keys are absent).
    #[must_use]
    pub fn loads_after(&self) -> &BTreeMap<NodeId, u64> {
        &self.after
    }

    /// The movement counted so far.
    #[must_use]
    pub fn movement(&self) -> Movement {
        Movement {
            keys: self.keys,
            moved: self.moved,
            minimum: minimum_moves(&self.before, &self.after),
        }
    }
}

/// The fewest moves that turn the `before` loads into the `after` loads (see
/// [`Movement::minimum`]).
#[must_use]
pub fn minimum_moves(before: &BTreeMap<NodeId, u64>, after: &BTreeMap<NodeId, u64>) -> u64 {
    after
        .iter()
        .map(|(node, &load)| load.saturating_sub(before.get(node).copied().unwrap_or(0)))
        .sum()
}

/// Counts the keys moved between two placements of the same keys and the minimum any placement
/// with the same resulting loads must move.
///
/// ```
/// use shardscope_core::placement::movement;
/// // Four keys on nodes 0 and 1; node 2 joins and takes one key from each.
/// let m = movement(&[0, 0, 1, 1], &[2, 0, 2, 1]);
/// assert_eq!((m.keys, m.moved, m.minimum), (4, 2, 2));
/// // A rule that shuffles everything moves four keys for the same resulting loads.
/// let m = movement(&[0, 0, 1, 1], &[1, 2, 0, 2]);
/// assert_eq!((m.moved, m.minimum), (4, 2));
/// ```
///
/// # Panics
/// If the slices differ in length.
#[must_use]
pub fn movement(before: &[NodeId], after: &[NodeId]) -> Movement {
    let mut counter = MovementCounter::new();
    counter.record(before, after);
    counter.movement()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rendezvous::Rendezvous;
    use crate::ring::Ring;

    const ALL: [Algorithm; 7] = [
        Algorithm::ModN,
        Algorithm::Ring { vnodes: 10 },
        Algorithm::Rendezvous,
        Algorithm::Jump,
        Algorithm::Maglev { table: 251 },
        Algorithm::MultiProbe { probes: 21 },
        Algorithm::Anchor { capacity: 16 },
    ];

    #[test]
    fn every_algorithm_rejects_bad_membership_changes() {
        for algorithm in ALL {
            assert_eq!(
                algorithm.build(0, &[]).err(),
                Some(PlacementError::NoNodes),
                "{algorithm:?}"
            );
            assert_eq!(
                algorithm.build(0, &[1, 2, 1]).err(),
                Some(PlacementError::DuplicateNode(1))
            );
            let mut p = algorithm.build(0, &[5, 6]).unwrap();
            assert_eq!(p.add_node(6), Err(PlacementError::DuplicateNode(6)));
            assert_eq!(p.remove_node(9), Err(PlacementError::UnknownNode(9)));
            p.remove_node(6).unwrap();
            assert_eq!(p.remove_node(5), Err(PlacementError::LastNode(5)));
            assert_eq!(p.nodes(), &[5]);
            assert_eq!(p.place(12345), 5);
        }
    }

    #[test]
    fn jump_hash_removes_only_its_last_bucket() {
        let mut p = Algorithm::Jump.build(0, &[0, 1, 2]).unwrap();
        assert_eq!(
            p.remove_node(1),
            Err(PlacementError::OnlyLastRemovable { requested: 1, last: 2 })
        );
        assert_eq!(p.remove_node(2), Ok(()));
        assert_eq!(p.nodes(), &[0, 1]);
    }

    #[test]
    fn ring_and_rendezvous_validate_weights() {
        assert_eq!(Ring::new(0, 0, &[1]).err(), Some(PlacementError::VnodesOutOfRange(0)));
        assert_eq!(
            Ring::new(0, 1001, &[1]).err(),
            Some(PlacementError::VnodesOutOfRange(1001))
        );
        let mut ring = Ring::new(0, 3, &[1]).unwrap();
        ring.add_node_with_vnodes(2, 7).unwrap();
        assert_eq!(
            (ring.vnodes_of(1), ring.vnodes_of(2), ring.points().len()),
            (Some(3), Some(7), 10)
        );
        assert!(ring.points().windows(2).all(|w| w[0] <= w[1]));
        let mut hrw = Rendezvous::new(0, &[1]).unwrap();
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                hrw.add_weighted_node(2, bad),
                Err(PlacementError::InvalidWeight(_))
            ));
        }
    }

    #[test]
    fn minimum_moves_counts_what_the_loads_force() {
        let before: BTreeMap<NodeId, u64> = [(0, 10), (1, 10)].into();
        let after: BTreeMap<NodeId, u64> = [(0, 7), (1, 6), (2, 7)].into();
        assert_eq!(minimum_moves(&before, &after), 7);
        // A node that leaves forces all of its keys to move.
        let after: BTreeMap<NodeId, u64> = [(0, 20)].into();
        assert_eq!(minimum_moves(&before, &after), 10);
    }
}
