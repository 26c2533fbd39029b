//! Anti-entropy Merkle trees, as Dynamo, Cassandra (`nodetool repair`) and Riak use them to find
//! which key ranges two replicas disagree on and to stream only those ranges.
//!
//! The token space `0..2^64` is cut into `2^depth` equal ranges, one per leaf. A leaf's hash is
//! the XOR of the 128-bit XXH3 hashes of the entries in its range, so a write updates it in O(1)
//! (XOR out the old entry, XOR in the new) and then its `depth` ancestors. An interior node is the
//! XXH3-128 hash of its two children. XXH3 is fast and catches accidental divergence (bit rot,
//! dropped writes); it is not collision-resistant against an adversary, which is why tamper
//! evidence uses [`rfc6962`](super::rfc6962) and SHA-256 instead.
//!
//! Cassandra's default depth is 15 (32,768 leaves); this module allows up to [`MAX_DEPTH`].

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;

use xxhash_rust::xxh3::xxh3_128;

/// The deepest tree allowed: 2^20 leaves (32 MiB of 16-byte hashes per tree).
pub const MAX_DEPTH: u32 = 20;

/// The bytes one side sends for one hash in a comparison.
pub const HASH_BYTES: u64 = 16;

/// A replica's data: each key's token (its position in `0..2^64`) and its value, in token order.
/// Values double as versions: when two replicas disagree, repair keeps the larger value
/// (last-write-wins on a version number).
pub type Entries = BTreeMap<u64, u64>;

/// Why a tree could not be built or two trees compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TreeError {
    /// The depth is above [`MAX_DEPTH`].
    DepthTooLarge(u32),
    /// Two trees of different depths cannot be compared node by node.
    DepthMismatch(u32, u32),
}

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DepthTooLarge(d) => write!(f, "depth {d} is above the maximum {MAX_DEPTH} (2^{MAX_DEPTH} leaves)"),
            Self::DepthMismatch(a, b) => write!(f, "trees of depth {a} and {b} cannot be compared"),
        }
    }
}

impl std::error::Error for TreeError {}

/// The 128-bit hash of one entry.
#[must_use]
pub fn entry_hash(token: u64, value: u64) -> u128 {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&token.to_le_bytes());
    bytes[8..].copy_from_slice(&value.to_le_bytes());
    xxh3_128(&bytes)
}

fn interior_hash(left: u128, right: u128) -> u128 {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(&left.to_le_bytes());
    bytes[16..].copy_from_slice(&right.to_le_bytes());
    xxh3_128(&bytes)
}

/// A Merkle tree over the token space, stored as an implicit binary heap: node 1 is the root,
/// node `i` has children `2i` and `2i + 1`, and the leaves are nodes `2^depth..2^(depth + 1)`.
///
/// ```
/// use shardscope_core::merkle::antientropy::{Entries, MerkleTree};
/// let mut a = Entries::new();
/// a.insert(10, 1);
/// a.insert(u64::MAX, 7);
/// let mut b = a.clone();
/// b.insert(10, 2); // b has a newer value for token 10.
/// let (ta, tb) = (MerkleTree::build(&a, 4).unwrap(), MerkleTree::build(&b, 4).unwrap());
/// let diff = ta.diff(&tb).unwrap();
/// assert_eq!(diff.leaves, vec![0]); // Token 10 falls in the first of 16 ranges.
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerkleTree {
    depth: u32,
    nodes: Vec<u128>,
}

impl MerkleTree {
    /// Builds the tree of `entries` with `2^depth` leaves.
    pub fn build(entries: &Entries, depth: u32) -> Result<Self, TreeError> {
        if depth > MAX_DEPTH {
            return Err(TreeError::DepthTooLarge(depth));
        }
        let leaves = 1usize << depth;
        let mut tree = Self {
            depth,
            nodes: vec![0; 2 * leaves],
        };
        for (&token, &value) in entries {
            let leaf = tree.leaf_node(token);
            tree.nodes[leaf] ^= entry_hash(token, value);
        }
        for i in (1..leaves).rev() {
            tree.nodes[i] = interior_hash(tree.nodes[2 * i], tree.nodes[2 * i + 1]);
        }
        Ok(tree)
    }

    /// The same entries' tree with `2^depth` leaves, `depth` ≤ this tree's depth, computed from
    /// this tree's leaves: a coarse leaf's range is the union of its fine leaves' ranges, and the
    /// XOR of their hashes is the XOR over all its entries, so no entry needs hashing again.
    ///
    /// # Panics
    /// If `depth` exceeds this tree's depth.
    #[must_use]
    pub fn coarsen(&self, depth: u32) -> Self {
        assert!(
            depth <= self.depth,
            "cannot refine a tree from depth {} to {depth}",
            self.depth
        );
        let leaves = 1usize << depth;
        let group = 1usize << (self.depth - depth);
        let fine = &self.nodes[1usize << self.depth..];
        let mut nodes = vec![0; 2 * leaves];
        for (i, chunk) in fine.chunks(group).enumerate() {
            nodes[leaves + i] = chunk.iter().fold(0, |acc, h| acc ^ h);
        }
        for i in (1..leaves).rev() {
            nodes[i] = interior_hash(nodes[2 * i], nodes[2 * i + 1]);
        }
        Self { depth, nodes }
    }

    /// The tree's depth: it has `2^depth` leaves.
    #[must_use]
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// The root hash.
    #[must_use]
    pub fn root(&self) -> u128 {
        self.nodes[1]
    }

    /// The hash of heap node `index` (1 is the root), if the tree has it.
    #[must_use]
    pub fn node(&self, index: u64) -> Option<u128> {
        let i = usize::try_from(index).ok()?;
        (i >= 1).then(|| self.nodes.get(i).copied()).flatten()
    }

    /// The leaf (0-based) whose range holds `token`.
    #[must_use]
    pub fn leaf_of(&self, token: u64) -> u64 {
        // The top `depth` bits of the token; with depth 0 every token is in leaf 0.
        token.checked_shr(64 - self.depth).unwrap_or(0)
    }

    /// The tokens leaf `leaf` covers.
    #[must_use]
    pub fn leaf_range(&self, leaf: u64) -> RangeInclusive<u64> {
        let width_bits = 64 - self.depth;
        let start = leaf.checked_shl(width_bits).unwrap_or(0);
        let end = start | (u64::MAX.checked_shr(self.depth).unwrap_or(0));
        start..=end
    }

    fn leaf_node(&self, token: u64) -> usize {
        (1usize << self.depth) + usize::try_from(self.leaf_of(token)).expect("a leaf index below 2^20")
    }

    /// Updates the tree for one write: the entry for `token` changes from `old` to `new`
    /// (`None`: absent). Costs one leaf update and `depth` interior hashes.
    pub fn update(&mut self, token: u64, old: Option<u64>, new: Option<u64>) {
        let mut i = self.leaf_node(token);
        if let Some(v) = old {
            self.nodes[i] ^= entry_hash(token, v);
        }
        if let Some(v) = new {
            self.nodes[i] ^= entry_hash(token, v);
        }
        while i > 1 {
            i /= 2;
            self.nodes[i] = interior_hash(self.nodes[2 * i], self.nodes[2 * i + 1]);
        }
    }

    /// Compares two trees top-down, as replicas do over the network: the roots first, then the
    /// children of every pair that differs, level by level, down to the leaves.
    pub fn diff(&self, other: &Self) -> Result<Diff, TreeError> {
        if self.depth != other.depth {
            return Err(TreeError::DepthMismatch(self.depth, other.depth));
        }
        let mut levels = Vec::with_capacity(self.depth as usize + 1);
        let mut frontier: Vec<usize> = vec![1];
        for level in 0..=self.depth {
            let differing: Vec<usize> = frontier
                .iter()
                .copied()
                .filter(|&i| self.nodes[i] != other.nodes[i])
                .collect();
            levels.push(LevelDiff {
                level,
                compared: frontier.len() as u64,
                differing: differing.len() as u64,
            });
            if level == self.depth {
                frontier = differing;
                break;
            }
            frontier = differing.iter().flat_map(|&i| [2 * i, 2 * i + 1]).collect();
        }
        let first_leaf = 1usize << self.depth;
        let leaves = frontier.into_iter().map(|i| (i - first_leaf) as u64).collect();
        Ok(Diff { leaves, levels })
    }
}

/// One level of a top-down comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelDiff {
    /// Depth below the root (0 is the root).
    pub level: u32,
    /// Node pairs compared at this level.
    pub compared: u64,
    /// Pairs that differed (their children are compared next).
    pub differing: u64,
}

/// The result of comparing two trees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diff {
    /// The leaves (0-based, ascending) whose hashes differ.
    pub leaves: Vec<u64>,
    /// What each level compared.
    pub levels: Vec<LevelDiff>,
}

impl Diff {
    /// Node pairs compared in all.
    #[must_use]
    pub fn hashes_compared(&self) -> u64 {
        self.levels.iter().map(|l| l.compared).sum()
    }

    /// Bytes sent: one hash per compared pair.
    #[must_use]
    pub fn bytes_exchanged(&self) -> u64 {
        self.hashes_compared() * HASH_BYTES
    }
}

/// What a repair streamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Repair {
    /// Entries sent, in both directions.
    pub sent: u64,
    /// Of those, entries the receiver already held with the same value: the cost of leaves
    /// coarser than the damage.
    pub over_streamed: u64,
    /// Entries that changed on either replica.
    pub fixed: u64,
}

/// Repairs the ranges of `leaves` between two replicas and their trees: each side streams every
/// entry in those ranges to the other, and each keeps the larger value of a token (or the only
/// one). Afterwards the ranges agree, and so do the trees.
///
/// # Panics
/// If the trees differ in depth.
pub fn repair(
    a: &mut Entries,
    tree_a: &mut MerkleTree,
    b: &mut Entries,
    tree_b: &mut MerkleTree,
    leaves: &[u64],
) -> Repair {
    assert_eq!(tree_a.depth, tree_b.depth, "repair needs trees of the same depth");
    let mut report = Repair::default();
    for &leaf in leaves {
        let range = tree_a.leaf_range(leaf);
        let from_a: Vec<(u64, u64)> = a.range(range.clone()).map(|(&t, &v)| (t, v)).collect();
        let from_b: Vec<(u64, u64)> = b.range(range).map(|(&t, &v)| (t, v)).collect();
        report.sent += (from_a.len() + from_b.len()) as u64;
        for (into, tree, incoming) in [(&mut *b, &mut *tree_b, &from_a), (&mut *a, &mut *tree_a, &from_b)] {
            for &(token, value) in incoming {
                let old = into.get(&token).copied();
                match old {
                    Some(v) if v == value => report.over_streamed += 1,
                    Some(v) if v > value => {}
                    _ => {
                        into.insert(token, value);
                        tree.update(token, old, Some(value));
                        report.fixed += 1;
                    }
                }
            }
        }
    }
    report
}
