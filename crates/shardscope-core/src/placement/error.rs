//! Why a placement refused a change. Each variant carries what its message needs (the limit it
//! broke included), so this file depends on no algorithm.

use std::fmt;

use super::NodeId;

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
    /// A ring node's virtual node count is outside `1..=max`.
    VnodesOutOfRange {
        /// The count asked for.
        vnodes: u32,
        /// The most a node may have.
        max: u32,
    },
    /// A rendezvous weight is not a finite number greater than zero.
    InvalidWeight(f64),
    /// A Maglev table size is not a prime in range, or is smaller than the node count.
    TableSize {
        /// The size asked for.
        size: u32,
        /// The largest size allowed.
        max: u32,
    },
    /// A multi-probe probe count is outside `1..=max`.
    ProbesOutOfRange {
        /// The count asked for.
        probes: u32,
        /// The most probes allowed.
        max: u32,
    },
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
            Self::VnodesOutOfRange { vnodes, max } => write!(f, "{vnodes} virtual nodes is outside 1..={max}"),
            Self::InvalidWeight(w) => write!(f, "weight {w} is not a finite number above zero"),
            Self::TableSize { size, max } => write!(
                f,
                "a Maglev table needs a prime size of at least the node count and at most {max}; {size} is not"
            ),
            Self::ProbesOutOfRange { probes, max } => write!(f, "{probes} probes is outside 1..={max}"),
            Self::CapacityFull(a) => write!(f, "the AnchorHash anchor holds at most {a} nodes"),
        }
    }
}

impl std::error::Error for PlacementError {}
