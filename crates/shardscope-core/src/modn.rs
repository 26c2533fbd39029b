//! `hash % N`: the baseline every consistent scheme is measured against.

use crate::placement::{check_node_list, NodeId, Placement, PlacementError};

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
    nodes: Vec<NodeId>,
}

impl ModN {
    /// Mod N over `nodes`, in that order.
    pub fn new(nodes: &[NodeId]) -> Result<Self, PlacementError> {
        check_node_list(nodes)?;
        Ok(Self { nodes: nodes.to_vec() })
    }
}

impl Placement for ModN {
    fn name(&self) -> &'static str {
        "modn"
    }

    fn nodes(&self) -> &[NodeId] {
        &self.nodes
    }

    fn place(&self, key: u64) -> NodeId {
        let index = key % self.nodes.len() as u64;
        // The remainder is below the node count, which is a Vec length.
        self.nodes[usize::try_from(index).expect("remainder below a Vec length")]
    }

    fn add_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        if self.nodes.contains(&id) {
            return Err(PlacementError::DuplicateNode(id));
        }
        self.nodes.push(id);
        Ok(())
    }

    /// Removes the node and closes the gap, as an application that keeps a list of servers
    /// would: every node after it shifts down by one index.
    fn remove_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        let index = self
            .nodes
            .iter()
            .position(|&n| n == id)
            .ok_or(PlacementError::UnknownNode(id))?;
        if self.nodes.len() == 1 {
            return Err(PlacementError::LastNode(id));
        }
        self.nodes.remove(index);
        Ok(())
    }
}
