//! Placement: the rule that maps keys to the nodes of a changing cluster, every algorithm the
//! labs offer (one file each, citing its paper), the one enumeration of them ([`Algorithm`], with
//! its builder), and the accounting of what a membership change moved.
//!
//! The [`Placement`] trait is all a lab needs of an algorithm: where a key goes, membership
//! changes, and the optional parts some algorithms have (weights, a preference order for replicas
//! and failover, order-dependent assignment, a drawing of their structure). Nothing here knows a
//! lab; the labs build algorithms through [`Algorithm::build`].

use serde::{Deserialize, Serialize};

pub mod algorithm;
pub mod anchor;
pub mod bounded;
pub mod error;
pub mod jump;
pub mod maglev;
pub mod modn;
pub mod movement;
pub mod multiprobe;
pub mod rendezvous;
pub mod ring;

pub use algorithm::{place_all, Algorithm, Settings, BENCH_CASES};
pub use error::PlacementError;
pub use movement::{movement, Movement};

/// Identifies a node (server, shard, bucket). Node ids are chosen by the caller and need not be
/// contiguous.
pub type NodeId = u32;

/// A rule that maps keys to the nodes of a changing cluster.
///
/// Every placement holds at least one node, so [`place`](Placement::place) always has an
/// answer; constructors reject an empty node list and [`remove_node`](Placement::remove_node)
/// refuses to remove the last node. The provided methods describe what an algorithm does not
/// have by default: no weights, no preference order, no order-dependent assignment, and its
/// nodes as a row of buckets for a drawing.
pub trait Placement: std::fmt::Debug {
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

    /// Adds a node with integer weight `weight` (at least 1). An algorithm that gives every node
    /// an equal share ignores the weight.
    fn add_node_with_weight(&mut self, id: NodeId, weight: u32) -> Result<(), PlacementError> {
        let _ = weight;
        self.add_node(id)
    }

    /// Gives a node integer weight `weight` (at least 1); ignored by algorithms without weights.
    fn reweight(&mut self, id: NodeId, weight: u32) -> Result<(), PlacementError> {
        let _ = (id, weight);
        Ok(())
    }

    /// Every node once, in `key`'s preference order (the owner first), for the algorithms that
    /// define one: a ring's clockwise walk, rendezvous hashing's ranking. Replicas are its first
    /// nodes, and a failed owner's keys go to the first live node in it.
    fn preference<'a>(&'a self, key: u64) -> Option<Box<dyn Iterator<Item = NodeId> + 'a>> {
        let _ = key;
        None
    }

    /// The first `count` nodes of [`preference`](Placement::preference).
    fn replicas(&self, key: u64, count: u32) -> Option<Vec<NodeId>> {
        self.preference(key)
            .map(|order| order.take(usize::try_from(count).unwrap_or(usize::MAX)).collect())
    }

    /// The first node of [`preference`](Placement::preference) for which `live` holds; `None`
    /// when the algorithm has no preference order (or no node is live).
    fn first_live(&self, key: u64, live: &dyn Fn(NodeId) -> bool) -> Option<NodeId> {
        self.preference(key)?.find(|&n| live(n))
    }

    /// For a placement where a key's node depends on the keys placed before it (bounded loads):
    /// the assigner that places `keys` keys in order.
    fn sequential(&self, keys: u64) -> Option<bounded::BoundedAssigner> {
        let _ = keys;
        None
    }

    /// What the algorithm's structure looks like, for a drawing.
    fn structure(&self) -> Structure {
        Structure::Buckets(self.nodes().to_vec())
    }
}

/// Arcs drawn for a ring view.
pub const RING_SEGMENTS: u32 = 180;
/// Cells drawn for a Maglev table strip.
pub const TABLE_SAMPLE: u32 = 256;

/// A view of an algorithm's structure: ring arcs, node points, a Maglev strip or buckets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Structure {
    /// The ring in [`RING_SEGMENTS`] equal arcs, each with the node owning its midpoint, and the
    /// number of points (vnodes) on the ring.
    Ring {
        /// Owner of each arc's midpoint, clockwise from position 0.
        segments: Vec<NodeId>,
        /// Points on the ring.
        points: u32,
    },
    /// Multi-probe's node points (one per node) as fractions of the circle.
    Points(Vec<(f64, NodeId)>),
    /// A sample of the Maglev table (owners of [`TABLE_SAMPLE`] evenly spaced slots) and slots
    /// per node (fewest, most).
    Table {
        /// Owners of evenly spaced slots.
        sample: Vec<NodeId>,
        /// Table size.
        size: u32,
        /// Fewest and most slots any node owns.
        slots: (u64, u64),
    },
    /// Buckets in order: bucket `i` is node `order[i]` (mod N, jump hash, AnchorHash's working set).
    Buckets(Vec<NodeId>),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_rejects_bad_membership_changes() {
        let settings = Settings {
            vnodes: 10,
            table: 251,
            capacity: 16,
            ..Settings::default()
        };
        for algorithm in <Algorithm as crate::query::Choice>::ALL.iter().copied() {
            assert_eq!(
                algorithm.build(&settings, 0, &[]).err(),
                Some(PlacementError::NoNodes),
                "{algorithm:?}"
            );
            assert_eq!(
                algorithm.build(&settings, 0, &[1, 2, 1]).err(),
                Some(PlacementError::DuplicateNode(1))
            );
            let mut p = algorithm.build(&settings, 0, &[5, 6]).unwrap();
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
        let mut p = Algorithm::Jump.build(&Settings::default(), 0, &[0, 1, 2]).unwrap();
        assert_eq!(
            p.remove_node(1),
            Err(PlacementError::OnlyLastRemovable { requested: 1, last: 2 })
        );
        assert_eq!(p.remove_node(2), Ok(()));
        assert_eq!(p.nodes(), &[0, 1]);
    }

    #[test]
    fn ring_and_rendezvous_validate_weights() {
        let out_of_range = |vnodes| PlacementError::VnodesOutOfRange { vnodes, max: 1000 };
        assert_eq!(ring::Ring::new(0, 0, &[1]).err(), Some(out_of_range(0)));
        assert_eq!(ring::Ring::new(0, 1001, &[1]).err(), Some(out_of_range(1001)));
        let mut ring = ring::Ring::new(0, 3, &[1]).unwrap();
        ring.add_node_with_vnodes(2, 7).unwrap();
        assert_eq!(
            (ring.vnodes_of(1), ring.vnodes_of(2), ring.points().len()),
            (Some(3), Some(7), 10)
        );
        assert!(ring.points().windows(2).all(|w| w[0] <= w[1]));
        let mut hrw = rendezvous::Rendezvous::new(0, &[1]).unwrap();
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                hrw.add_weighted_node(2, bad),
                Err(PlacementError::InvalidWeight(_))
            ));
        }
    }

    #[test]
    fn weights_reach_the_algorithms_that_use_them() {
        let settings = Settings {
            vnodes: 4,
            ..Settings::default()
        };
        for algorithm in <Algorithm as crate::query::Choice>::ALL.iter().copied() {
            let mut p = algorithm.build(&settings, 1, &[0, 1]).unwrap();
            p.add_node_with_weight(2, 3).unwrap();
            p.reweight(0, 2).unwrap();
            assert_eq!(p.nodes().len(), 3, "{algorithm:?}");
        }
    }
}
