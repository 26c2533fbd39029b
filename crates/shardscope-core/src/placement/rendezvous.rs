//! Rendezvous or highest-random-weight hashing (Thaler and Ravishankar, "Using Name-Based
//! Mappings to Increase Hit Rates", IEEE/ACM Transactions on Networking, 1998), weighted with the logarithmic method.

use super::{NodeId, NodeList, Placement, PlacementError};
use crate::hash::{hash_pair, unit_interval, UNIT_INTERVAL_SHIFT};

/// Rendezvous hashing: every node scores every key and the highest score wins.
///
/// A node of weight `w` scores key `k` as `−w / ln(h)`, where `h = unit_interval(hash_pair(seed,
/// k, node))` lies in (0, 1). With this logarithmic method ("Weighted distributed hash tables",
/// Schindelhauer and Schomaker 2005; used by Ceph's straw2) a node wins a share of keys exactly
/// proportional to its weight, and changing one node's weight only moves keys to or from that
/// node. [`place_replicas`](Rendezvous::place_replicas) returns the top `k` nodes, the usual way
/// to choose replicas.
///
/// Logarithms come from the pure-Rust `libm`, so scores are the same on every target.
///
/// ```
/// use shardscope_core::placement::{rendezvous::Rendezvous, Placement};
/// let hrw = Rendezvous::new(9, &[0, 1, 2, 3]).unwrap();
/// let replicas = hrw.place_replicas(42, 3);
/// assert_eq!(replicas.len(), 3);
/// assert_eq!(replicas[0], hrw.place(42));
/// ```
#[derive(Clone, Debug)]
pub struct Rendezvous {
    seed: u64,
    nodes: NodeList,
    /// `weights[i]` is the weight of `nodes[i]`.
    weights: Vec<f64>,
    /// When every weight is equal the score is a monotone function of the hash, so the hash's
    /// top 52 bits (the bits `unit_interval` keeps) rank nodes as the score does, without a
    /// logarithm per node (a property test checks the two paths agree).
    uniform: bool,
}

impl Rendezvous {
    /// Rendezvous hashing over `nodes`, all of weight 1.
    pub fn new(seed: u64, nodes: &[NodeId]) -> Result<Self, PlacementError> {
        Ok(Self {
            seed,
            nodes: NodeList::new(nodes)?,
            weights: vec![1.0; nodes.len()],
            uniform: true,
        })
    }

    /// Adds a node of weight `weight` (a finite number above zero).
    pub fn add_weighted_node(&mut self, id: NodeId, weight: f64) -> Result<(), PlacementError> {
        if !(weight.is_finite() && weight > 0.0) {
            return Err(PlacementError::InvalidWeight(weight));
        }
        self.nodes.push(id)?;
        self.weights.push(weight);
        self.uniform = self.weights.iter().all(|&w| w.to_bits() == weight.to_bits());
        Ok(())
    }

    /// The weighted score of `node` (of weight `weight`) for `key`; higher wins.
    #[must_use]
    pub fn score(&self, key: u64, node: NodeId, weight: f64) -> f64 {
        let h = unit_interval(hash_pair(self.seed, key, u64::from(node)));
        -weight / libm::log(h)
    }

    /// The `k` highest-scoring nodes for `key`, best first (fewer if the cluster is smaller).
    /// Ties, which need two equal 52-bit hashes, go to the lower node id.
    #[must_use]
    pub fn place_replicas(&self, key: u64, k: u32) -> Vec<NodeId> {
        let mut ranked: Vec<(f64, NodeId)> = self
            .nodes
            .as_slice()
            .iter()
            .zip(&self.weights)
            .map(|(&node, &w)| (self.score(key, node, w), node))
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked
            .into_iter()
            .take(usize::try_from(k).unwrap_or(usize::MAX))
            .map(|(_, node)| node)
            .collect()
    }

    /// The highest-scoring node for which `usable` holds, if any: how rendezvous hashing fails
    /// over, since the next-highest score takes a down node's keys.
    #[must_use]
    pub fn place_among(&self, key: u64, usable: impl Fn(NodeId) -> bool) -> Option<NodeId> {
        let mut best: Option<(f64, NodeId)> = None;
        for (&node, &w) in self.nodes.as_slice().iter().zip(&self.weights) {
            if !usable(node) {
                continue;
            }
            let s = self.score(key, node, w);
            if best.is_none_or(|(b, id)| s > b || (s.total_cmp(&b).is_eq() && node < id)) {
                best = Some((s, node));
            }
        }
        best.map(|(_, node)| node)
    }

    /// The weight of `node`, if present.
    #[must_use]
    pub fn weight_of(&self, node: NodeId) -> Option<f64> {
        let i = self.nodes.as_slice().iter().position(|&n| n == node)?;
        Some(self.weights[i])
    }

    /// Changes the weight of a present node.
    pub fn set_weight(&mut self, node: NodeId, weight: f64) -> Result<(), PlacementError> {
        if !(weight.is_finite() && weight > 0.0) {
            return Err(PlacementError::InvalidWeight(weight));
        }
        let i = self
            .nodes
            .as_slice()
            .iter()
            .position(|&n| n == node)
            .ok_or(PlacementError::UnknownNode(node))?;
        self.weights[i] = weight;
        let first = self.weights[0];
        self.uniform = self.weights.iter().all(|&w| w.to_bits() == first.to_bits());
        Ok(())
    }

    /// The weighted winner, computed with a logarithm per node (the general path).
    #[must_use]
    pub fn place_weighted(&self, key: u64) -> NodeId {
        let mut best = (f64::NEG_INFINITY, NodeId::MAX);
        for (&node, &w) in self.nodes.as_slice().iter().zip(&self.weights) {
            let s = self.score(key, node, w);
            if s > best.0 || (s.total_cmp(&best.0).is_eq() && node < best.1) {
                best = (s, node);
            }
        }
        best.1
    }
}

impl Placement for Rendezvous {
    fn name(&self) -> &'static str {
        "rendezvous"
    }

    fn nodes(&self) -> &[NodeId] {
        self.nodes.as_slice()
    }

    fn place(&self, key: u64) -> NodeId {
        if !self.uniform {
            return self.place_weighted(key);
        }
        let mut best = (0u64, NodeId::MAX);
        for &node in self.nodes.as_slice() {
            let h = hash_pair(self.seed, key, u64::from(node)) >> UNIT_INTERVAL_SHIFT;
            if h > best.0 || (h == best.0 && node < best.1) {
                best = (h, node);
            }
        }
        best.1
    }

    fn add_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        let weight = self.weights.first().copied().unwrap_or(1.0);
        self.add_weighted_node(id, if self.uniform { weight } else { 1.0 })
    }

    fn remove_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        let index = self.nodes.remove(id)?;
        self.weights.remove(index);
        let first = self.weights[0];
        self.uniform = self.weights.iter().all(|&w| w.to_bits() == first.to_bits());
        Ok(())
    }

    fn add_node_with_weight(&mut self, id: NodeId, weight: u32) -> Result<(), PlacementError> {
        self.add_weighted_node(id, f64::from(weight))
    }

    fn reweight(&mut self, id: NodeId, weight: u32) -> Result<(), PlacementError> {
        self.set_weight(id, f64::from(weight))
    }

    /// Every node, highest score first.
    fn preference<'a>(&'a self, key: u64) -> Option<Box<dyn Iterator<Item = NodeId> + 'a>> {
        Some(Box::new(self.place_replicas(key, u32::MAX).into_iter()))
    }

    /// The `count` highest scores, without ranking every node.
    fn replicas(&self, key: u64, count: u32) -> Option<Vec<NodeId>> {
        Some(self.place_replicas(key, count))
    }

    /// The highest-scoring live node, in one pass.
    fn first_live(&self, key: u64, live: &dyn Fn(NodeId) -> bool) -> Option<NodeId> {
        self.place_among(key, live)
    }
}
