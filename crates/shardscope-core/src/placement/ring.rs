//! A consistent-hash ring with virtual nodes (Karger et al., "Consistent Hashing and Random
//! Trees", STOC 1997): a sorted vector of points and a binary search.

use std::collections::BTreeMap;

use super::{count_u32, NodeId, NodeList, Placement, PlacementError, Structure, RING_SEGMENTS};
use crate::hash::hash_pair;

/// The most virtual nodes one node may place on the ring. A thousand points per node already
/// brings the load spread to a few percent; more only costs memory and set-up time.
pub const MAX_VNODES: u32 = 1000;

/// One point on the ring: the position a virtual node hashes to, and its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RingPoint {
    /// Position on the ring, `0..2^64`.
    pub position: u64,
    /// The node that owns the arc ending at this point.
    pub node: NodeId,
}

/// A consistent-hash ring.
///
/// Each node places `vnodes` points at `hash_pair(seed, node, replica)`. A key at position `p`
/// belongs to the first point at or after `p`, wrapping around past `2^64 − 1`. A node's weight
/// is its number of virtual nodes.
///
/// ```
/// use shardscope_core::placement::{ring::Ring, Placement};
/// let mut ring = Ring::new(1, 100, &[0, 1, 2]).unwrap();
/// let before = ring.place(0xfeed);
/// ring.add_node(3).unwrap();
/// let after = ring.place(0xfeed);
/// // Adding a node only ever moves keys onto the new node.
/// assert!(after == before || after == 3);
/// ```
#[derive(Clone, Debug)]
pub struct Ring {
    seed: u64,
    default_vnodes: u32,
    nodes: NodeList,
    vnodes: BTreeMap<NodeId, u32>,
    points: Vec<RingPoint>,
}

impl Ring {
    /// A ring over `nodes`, each with `vnodes` virtual nodes.
    pub fn new(seed: u64, vnodes: u32, nodes: &[NodeId]) -> Result<Self, PlacementError> {
        check_vnodes(vnodes)?;
        let mut ring = Self {
            seed,
            default_vnodes: vnodes,
            nodes: NodeList::new(nodes)?,
            vnodes: BTreeMap::new(),
            points: Vec::new(),
        };
        for &id in nodes {
            ring.insert_points(id, vnodes);
        }
        ring.points.sort_unstable();
        Ok(ring)
    }

    /// Adds a node with its own number of virtual nodes (its weight).
    pub fn add_node_with_vnodes(&mut self, id: NodeId, vnodes: u32) -> Result<(), PlacementError> {
        check_vnodes(vnodes)?;
        self.nodes.push(id)?;
        self.insert_points(id, vnodes);
        // Sorting by (position, node) makes the order of equal positions independent of the
        // order nodes joined in, so the same membership always gives the same ring.
        self.points.sort_unstable();
        Ok(())
    }

    /// Gives a present node a new number of virtual nodes (its weight on the ring). Only arcs
    /// won or lost by that node change owner.
    pub fn set_vnodes(&mut self, id: NodeId, vnodes: u32) -> Result<(), PlacementError> {
        check_vnodes(vnodes)?;
        if !self.vnodes.contains_key(&id) {
            return Err(PlacementError::UnknownNode(id));
        }
        self.points.retain(|p| p.node != id);
        self.insert_points(id, vnodes);
        self.points.sort_unstable();
        Ok(())
    }

    /// The ring's points in ascending order of position.
    #[must_use]
    pub fn points(&self) -> &[RingPoint] {
        &self.points
    }

    /// The number of virtual nodes of `id`, if it is on the ring.
    #[must_use]
    pub fn vnodes_of(&self, id: NodeId) -> Option<u32> {
        self.vnodes.get(&id).copied()
    }

    /// The distinct nodes met walking clockwise from `key`, owner first: the order in which the
    /// ring hands out replicas (Dynamo's preference list, Cassandra's `SimpleStrategy`) and in
    /// which it fails over.
    ///
    /// ```
    /// use shardscope_core::placement::ring::Ring;
    /// use shardscope_core::Placement;
    /// let ring = Ring::new(1, 50, &[0, 1, 2, 3]).unwrap();
    /// let walk: Vec<u32> = ring.walk(99).collect();
    /// assert_eq!(walk.len(), 4);
    /// assert_eq!(walk[0], ring.place(99));
    /// ```
    pub fn walk(&self, key: u64) -> impl Iterator<Item = NodeId> + '_ {
        let start = self.points.partition_point(|p| p.position < key);
        let len = self.points.len();
        let total = self.nodes.as_slice().len();
        let mut seen: Vec<NodeId> = Vec::new();
        (0..len)
            .map(move |step| self.points[(start + step) % len].node)
            .filter(move |node| {
                if seen.contains(node) {
                    false
                } else {
                    seen.push(*node);
                    true
                }
            })
            .take(total)
    }

    /// Points for a node of integer weight `weight`: the default count times the weight.
    fn vnodes_for(&self, weight: u32) -> u32 {
        self.default_vnodes.saturating_mul(weight).min(MAX_VNODES)
    }

    fn insert_points(&mut self, id: NodeId, vnodes: u32) {
        self.vnodes.insert(id, vnodes);
        self.points.extend((0..u64::from(vnodes)).map(|replica| RingPoint {
            position: hash_pair(self.seed, u64::from(id), replica),
            node: id,
        }));
    }
}

fn check_vnodes(vnodes: u32) -> Result<(), PlacementError> {
    if (1..=MAX_VNODES).contains(&vnodes) {
        Ok(())
    } else {
        Err(PlacementError::VnodesOutOfRange {
            vnodes,
            max: MAX_VNODES,
        })
    }
}

impl Placement for Ring {
    fn name(&self) -> &'static str {
        "ring"
    }

    fn nodes(&self) -> &[NodeId] {
        self.nodes.as_slice()
    }

    fn place(&self, key: u64) -> NodeId {
        let index = self.points.partition_point(|p| p.position < key);
        // Past the last point the ring wraps to the first.
        self.points.get(index).unwrap_or(&self.points[0]).node
    }

    fn add_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        self.add_node_with_vnodes(id, self.default_vnodes)
    }

    fn remove_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        self.nodes.remove(id)?;
        self.vnodes.remove(&id);
        self.points.retain(|p| p.node != id);
        Ok(())
    }

    /// A node of weight `w` gets `w` times the default number of points (at most
    /// [`MAX_VNODES`]), so its expected share grows with its weight.
    fn add_node_with_weight(&mut self, id: NodeId, weight: u32) -> Result<(), PlacementError> {
        self.add_node_with_vnodes(id, self.vnodes_for(weight))
    }

    fn reweight(&mut self, id: NodeId, weight: u32) -> Result<(), PlacementError> {
        self.set_vnodes(id, self.vnodes_for(weight))
    }

    /// The clockwise [`walk`](Ring::walk).
    fn preference<'a>(&'a self, key: u64) -> Option<Box<dyn Iterator<Item = NodeId> + 'a>> {
        Some(Box::new(self.walk(key)))
    }

    /// The ring in [`RING_SEGMENTS`] arcs. Sampling each arc at its midpoint keeps the view cheap
    /// however many points the ring has; the arcs are drawn, not measured (loads are measured).
    fn structure(&self) -> Structure {
        let segment_len = u64::MAX / u64::from(RING_SEGMENTS);
        let segments = (0..u64::from(RING_SEGMENTS))
            .map(|s| self.place(s * segment_len + segment_len / 2))
            .collect();
        Structure::Ring {
            segments,
            points: count_u32(self.points.len()),
        }
    }
}
