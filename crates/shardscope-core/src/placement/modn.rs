//! `hash % N`: the baseline every consistent scheme is measured against.

use super::{index_usize, NodeId, NodeList, Placement, PlacementError};

/// Periods (`lcm` of the two node counts) up to this are enumerated exactly by
/// [`moved_fraction`]; beyond it, the fraction is that of a fresh bucket count.
const EXACT_PERIOD: u64 = 4_000_000;

/// The fraction of uniformly hashed keys whose node changes when mod N goes from the node list
/// `before` to `after` (both non-empty): exact over the period `lcm(n, m)` of the residues, where
/// a key stays exactly when `before[k mod n] == after[k mod m]`.
///
/// ```
/// use shardscope_core::placement::modn::moved_fraction;
/// // 8 → 9 nodes: a key stays only when k mod 8 == k mod 9, 8 residues of 72.
/// assert!((moved_fraction(&[0, 1, 2, 3, 4, 5, 6, 7], &[0, 1, 2, 3, 4, 5, 6, 7, 8]) - 8.0 / 9.0).abs() < 1e-12);
/// ```
#[must_use]
pub fn moved_fraction(before: &[NodeId], after: &[NodeId]) -> f64 {
    let (n, m) = (before.len() as u64, after.len() as u64);
    if n == 0 || m == 0 {
        return 1.0;
    }
    let period = n / gcd(n, m) * m;
    // Beyond a few million residues, a fresh bucket count changes almost every key's owner.
    if period > EXACT_PERIOD {
        return 1.0 - 1.0 / n.max(m) as f64;
    }
    let stay = (0..period)
        .filter(|&r| before[index_usize(r % n)] == after[index_usize(r % m)])
        .count();
    1.0 - stay as f64 / period as f64
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Places key `k` on `nodes[k % N]`.
///
/// Balanced and stateless, but when N changes almost every key moves: going from N to N + 1
/// nodes keeps a key only when `k mod N == k mod (N + 1)`, a fraction of `1/(N + 1)`.
///
/// ```
/// use shardscope_core::placement::{modn::ModN, Placement};
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
