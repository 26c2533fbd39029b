//! Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, "Consistent
//! Hashing with Bounded Loads", SODA 2018, arXiv:1608.01350): a ring where every node accepts at
//! most `⌈(1 + ε)·m/n⌉` of the `m` keys and a key that finds its node full walks on clockwise.

use super::ring::{Ring, RingPoint};
use super::{NodeId, Placement, PlacementError, Structure};

/// The lab's default balance parameter, ε = 0.25: every node may take a quarter more than the
/// mean.
pub const DEFAULT_EPSILON_PERCENT: u32 = 25;

/// The per-node capacity `⌈(1 + ε)·m/n⌉` for `m` keys on `n` nodes, with ε given in percent.
/// Integer arithmetic keeps the bound exact.
///
/// ```
/// use shardscope_core::placement::bounded::capacity;
/// assert_eq!(capacity(1000, 8, 25), 157); // ⌈1.25 · 125⌉ = ⌈156.25⌉
/// assert_eq!(capacity(0, 8, 25), 1);
/// ```
#[must_use]
pub fn capacity(keys: u64, nodes: u64, epsilon_percent: u32) -> u64 {
    let numerator = u128::from(keys) * u128::from(100 + epsilon_percent);
    let denominator = u128::from(nodes.max(1)) * 100;
    let cap = numerator.div_ceil(denominator);
    u64::try_from(cap).unwrap_or(u64::MAX).max(1)
}

/// Assigns keys one after another, each to the first node clockwise from it that still has room.
///
/// The assignment depends on the order keys arrive in (the paper's balls-into-bins process);
/// the lab feeds keys in index order, so two runs over the same keys agree. Every node ends with
/// at most [`capacity`] keys, which is the algorithm's guarantee.
///
/// ```
/// use shardscope_core::placement::bounded::BoundedAssigner;
/// use shardscope_core::placement::ring::Ring;
/// let ring = Ring::new(1, 10, &[0, 1, 2, 3]).unwrap();
/// let mut assign = BoundedAssigner::new(&ring, 1000, 10);
/// let owners: Vec<u32> = (0..1000u64).map(|k| assign.assign(k.wrapping_mul(0x9e37_79b9_7f4a_7c15))).collect();
/// for node in 0..4 {
///     assert!(owners.iter().filter(|&&o| o == node).count() <= 275); // ⌈1.1 · 250⌉
/// }
/// ```
#[derive(Clone, Debug)]
pub struct BoundedAssigner {
    /// The ring's points (a copy, so an assigner can outlive a borrow of the ring).
    points: Vec<RingPoint>,
    capacity: u64,
    /// Keys assigned so far, per node, indexed by the node's position in `slots`.
    loads: Vec<u64>,
    /// For each ring point, the index of its node in `loads`.
    slots: Vec<u32>,
}

impl BoundedAssigner {
    /// An assigner for `keys` keys over `ring`, with ε = `epsilon_percent`/100.
    #[must_use]
    pub fn new(ring: &Ring, keys: u64, epsilon_percent: u32) -> Self {
        let nodes = ring.nodes();
        let mut sorted: Vec<NodeId> = nodes.to_vec();
        sorted.sort_unstable();
        let slots = ring
            .points()
            .iter()
            .map(|p| {
                let i = sorted.binary_search(&p.node).expect("every point belongs to a node");
                u32::try_from(i).expect("node count fits in u32")
            })
            .collect();
        Self {
            points: ring.points().to_vec(),
            capacity: capacity(keys, nodes.len() as u64, epsilon_percent),
            loads: vec![0; nodes.len()],
            slots,
        }
    }

    /// The per-node capacity in force.
    #[must_use]
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Assigns one key and returns its node.
    ///
    /// # Panics
    /// If every node is full, which cannot happen while fewer than `capacity · n` keys have been
    /// assigned (so never for the `keys` the assigner was made for).
    pub fn assign(&mut self, key: u64) -> NodeId {
        let points = &self.points;
        let start = points.partition_point(|p| p.position < key);
        for step in 0..points.len() {
            let i = (start + step) % points.len();
            let slot = self.slots[i] as usize;
            if self.loads[slot] < self.capacity {
                self.loads[slot] += 1;
                return points[i].node;
            }
        }
        panic!("every node is at capacity {}", self.capacity);
    }
}

/// Consistent hashing with bounded loads as a [`Placement`]: a ring whose keys are assigned in
/// order through [`Placement::sequential`], each node taking at most its [`capacity`].
///
/// [`place`](Placement::place) answers where a key goes without the bound (its ring owner); a
/// bounded placement of many keys comes from the assigner, since it depends on the keys placed
/// before.
///
/// ```
/// use shardscope_core::placement::{bounded::Bounded, Placement};
/// let bounded = Bounded::new(1, 10, 10, &[0, 1, 2, 3]).unwrap();
/// let mut assign = bounded.sequential(1000).unwrap();
/// let owners: Vec<u32> = (0..1000u64).map(|k| assign.assign(k.wrapping_mul(0x9e37_79b9_7f4a_7c15))).collect();
/// assert!((0..4).all(|n| owners.iter().filter(|&&o| o == n).count() <= 275));
/// ```
#[derive(Clone, Debug)]
pub struct Bounded {
    ring: Ring,
    epsilon_percent: u32,
}

impl Bounded {
    /// A ring of `nodes` with `vnodes` points each, bounding loads at `(1 + ε)` times the mean,
    /// ε given in percent.
    pub fn new(seed: u64, vnodes: u32, epsilon_percent: u32, nodes: &[NodeId]) -> Result<Self, PlacementError> {
        Ok(Self {
            ring: Ring::new(seed, vnodes, nodes)?,
            epsilon_percent,
        })
    }
}

impl Placement for Bounded {
    fn name(&self) -> &'static str {
        "bounded"
    }

    fn nodes(&self) -> &[NodeId] {
        self.ring.nodes()
    }

    fn place(&self, key: u64) -> NodeId {
        self.ring.place(key)
    }

    fn add_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        self.ring.add_node(id)
    }

    fn remove_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        self.ring.remove_node(id)
    }

    fn add_node_with_weight(&mut self, id: NodeId, weight: u32) -> Result<(), PlacementError> {
        self.ring.add_node_with_weight(id, weight)
    }

    fn reweight(&mut self, id: NodeId, weight: u32) -> Result<(), PlacementError> {
        self.ring.reweight(id, weight)
    }

    fn sequential(&self, keys: u64) -> Option<BoundedAssigner> {
        Some(BoundedAssigner::new(&self.ring, keys, self.epsilon_percent))
    }

    fn structure(&self) -> Structure {
        self.ring.structure()
    }
}
