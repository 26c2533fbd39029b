//! `hash % N`: the baseline every consistent scheme is measured against.

use crate::placement::{NodeId, NodeList, Placement, PlacementError};

/// Places key `k` on `nodes[k % N]`.
///
/// Balanced and stateless, but when N changes almost every key moves: going from N to N + 1
/// nodes keeps a key only when `k mod N == k mod (N + 1)`, a fraction of `1/(N + 1)`.
///
/// ```
/// use shardscope_core::{modn::ModN, Placement};
/// let p = ModN::new(&[10, 11, 12]).unwrap();
/// assert_eq!(p.place(7), 11); // 7 % 3 == 1
/// ```
#[derive(Clone, Debug)]
pub struct ModN {
    nodes: NodeList,
}

impl ModN {
    /// Mod N over `nodes`, in that order.
    pub fn new(nodes: &[NodeId]) -> Result<Self, PlacementError> {
        Ok(Self {
            nodes: NodeList::new(nodes)?,
        })
    }
}

impl Placement for ModN {
    fn name(&self) -> &'static str {
        "modn"
    }

    fn nodes(&self) -> &[NodeId] {
        self.nodes.as_slice()
    }

    fn place(&self, key: u64) -> NodeId {
        self.nodes.at(key % self.nodes.len())
    }

    fn add_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        self.nodes.push(id)
    }

    /// Removes the node and closes the gap, as an application that keeps a list of servers
    /// would: every node after it shifts down by one index.
    fn remove_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        self.nodes.remove(id).map(drop)
    }
}
