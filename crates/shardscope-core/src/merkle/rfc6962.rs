//! The Merkle Tree Hash of RFC 6962 §2.1 (Certificate Transparency), restated in RFC 9162 §2.1,
//! with SHA-256: tree roots, inclusion (audit) proofs and consistency proofs, and their
//! verification algorithms (RFC 9162 §2.1.3.2 and §2.1.4.2).
//!
//! Leaves and interior nodes are hashed with different one-byte prefixes (`0x00` and `0x01`), so a
//! leaf can never be passed off as an interior node (a second-preimage attack on the tree).
//!
//! ```
//! use shardscope_core::merkle::rfc6962::{inclusion_proof, root, verify_inclusion};
//! let log: [&[u8]; 3] = [b"alpha", b"beta", b"gamma"];
//! let r = root(&log);
//! let proof = inclusion_proof(&log, 1).unwrap();
//! assert!(verify_inclusion(b"beta", 1, 3, &proof, &r));
//! assert!(!verify_inclusion(b"beta!", 1, 3, &proof, &r));
//! ```

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// Prefix of a leaf's hash input (RFC 6962 §2.1).
const LEAF_PREFIX: u8 = 0x00;
/// Prefix of an interior node's hash input (RFC 6962 §2.1).
const NODE_PREFIX: u8 = 0x01;

/// `SHA-256(0x00 || data)`.
#[must_use]
pub fn leaf_hash(data: &[u8]) -> Hash {
    Sha256::new()
        .chain_update([LEAF_PREFIX])
        .chain_update(data)
        .finalize()
        .into()
}

/// `SHA-256(0x01 || left || right)`.
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([NODE_PREFIX])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// The largest power of two strictly smaller than `n` (`n` ≥ 2): where RFC 6962 splits a tree.
fn split(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (n - 1).ilog2()
}

/// The Merkle Tree Hash of `leaves`; for no leaves, SHA-256 of the empty string.
#[must_use]
pub fn root(leaves: &[&[u8]]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaf_hash(leaves[0]),
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The audit path of leaf `index` (RFC 6962 §2.1.1), nearest sibling first; `None` when `index`
/// is not below the number of leaves.
#[must_use]
pub fn inclusion_proof(leaves: &[&[u8]], index: usize) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    path(index, leaves, &mut proof);
    Some(proof)
}

/// The number of hashes in the audit path of leaf `index` in a tree of `size` leaves (0 when
/// `index` is not below `size`), without hashing anything.
#[must_use]
pub fn path_len(index: u64, size: u64) -> u32 {
    let (mut m, mut n, mut len) = (index, size, 0);
    if m >= n {
        return 0;
    }
    while n > 1 {
        let k = 1u64 << (n - 1).ilog2();
        if m < k {
            n = k;
        } else {
            m -= k;
            n -= k;
        }
        len += 1;
    }
    len
}

/// The leaves each hash of the audit path of leaf `index` in a tree of `size` leaves covers, as
/// half-open ranges `(start, end)`, nearest sibling first: hash `i` of
/// [`inclusion_proof`] is the Merkle Tree Hash of exactly the leaves `start..end` of range `i`.
/// Empty when `index` is not below `size`. Nothing is hashed, so a picture can draw the path.
///
/// ```
/// use shardscope_core::merkle::rfc6962::inclusion_ranges;
/// // Leaf 2 of 7: its sibling leaf 3, then leaves 0–1, then the right subtree 4–6.
/// assert_eq!(inclusion_ranges(2, 7), vec![(3, 4), (0, 2), (4, 7)]);
/// ```
#[must_use]
pub fn inclusion_ranges(index: u64, size: u64) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    if index >= size {
        return out;
    }
    let (mut start, mut n, mut m) = (0, size, index);
    // Walk down from the root, collecting siblings farthest first; then reverse.
    while n > 1 {
        let k = 1u64 << (n - 1).ilog2();
        if m < k {
            out.push((start + k, start + n));
            n = k;
        } else {
            out.push((start, start + k));
            start += k;
            m -= k;
            n -= k;
        }
    }
    out.reverse();
    out
}

/// The leaves each hash of the consistency proof from `old_size` to `size` leaves covers (see
/// [`consistency_proof`]), as half-open ranges in the proof's order: the old tree's subtrees
/// inside the new tree and the subtrees appended after them. Empty when `old_size` is 0, equal
/// to `size` or larger.
///
/// ```
/// use shardscope_core::merkle::rfc6962::consistency_ranges;
/// // From 3 to 7 leaves: leaf 2, leaf 3, leaves 0–1 (the old tree's left part), then 4–6.
/// assert_eq!(consistency_ranges(3, 7), vec![(2, 3), (3, 4), (0, 2), (4, 7)]);
/// ```
#[must_use]
pub fn consistency_ranges(old_size: u64, size: u64) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    if old_size == 0 || old_size >= size {
        return out;
    }
    subranges(old_size, (0, size), true, &mut out);
    out
}

/// SUBPROOF(m, D[start..end], b) without the hashing: the ranges it would hash, in order.
fn subranges(m: u64, (start, end): (u64, u64), whole_old_tree: bool, out: &mut Vec<(u64, u64)>) {
    let n = end - start;
    if m == n {
        if !whole_old_tree {
            out.push((start, end));
        }
        return;
    }
    let k = 1u64 << (n - 1).ilog2();
    if m <= k {
        subranges(m, (start, start + k), whole_old_tree, out);
        out.push((start + k, end));
    } else {
        subranges(m - k, (start + k, end), false, out);
        out.push((start, start + k));
    }
}

/// PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) (or the mirror image): the recursion pushes the
/// sub-path before the sibling, so the proof comes out nearest sibling first.
fn path(m: usize, leaves: &[&[u8]], proof: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n);
    if m < k {
        path(m, &leaves[..k], proof);
        proof.push(root(&leaves[k..]));
    } else {
        path(m - k, &leaves[k..], proof);
        proof.push(root(&leaves[..k]));
    }
}

/// Verifies that `leaf` is at `index` in the tree of `tree_size` leaves whose root is `root`
/// (RFC 9162 §2.1.3.2).
#[must_use]
pub fn verify_inclusion(leaf: &[u8], index: u64, tree_size: u64, proof: &[Hash], root: &Hash) -> bool {
    inclusion_trace(leaf, index, tree_size, proof).is_some_and(|trace| trace.root() == Some(*root))
}

/// One step of recomputing a root from an audit path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceStep {
    /// Whether the proof hash was the left input (`true`) or the right one.
    pub sibling_on_left: bool,
    /// The hash after combining.
    pub result: Hash,
}

/// The recomputation of a root from a leaf and its audit path, step by step: what a verifier
/// does, kept so a reader can see where a forged proof goes wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionTrace {
    /// The leaf's hash, where the walk starts.
    pub leaf_hash: Hash,
    /// One step per proof hash.
    pub steps: Vec<TraceStep>,
    /// Whether the walk ended at the top of the tree (the proof had the right length).
    pub complete: bool,
}

impl InclusionTrace {
    /// The recomputed root, if the proof had the right shape.
    #[must_use]
    pub fn root(&self) -> Option<Hash> {
        self.complete
            .then(|| self.steps.last().map_or(self.leaf_hash, |s| s.result))
    }
}

/// Recomputes the root from `leaf` at `index` of `tree_size` and the audit path `proof`, following
/// RFC 9162 §2.1.3.2; `None` when `index` is not below `tree_size` or the proof is longer than
/// the tree is tall.
#[must_use]
pub fn inclusion_trace(leaf: &[u8], index: u64, tree_size: u64, proof: &[Hash]) -> Option<InclusionTrace> {
    if index >= tree_size {
        return None;
    }
    let mut walk = Walk {
        f_n: index,
        s_n: tree_size - 1,
    };
    let leaf_hash = leaf_hash(leaf);
    let mut r = leaf_hash;
    let mut steps = Vec::with_capacity(proof.len());
    for p in proof {
        let sibling_on_left = matches!(walk.next()?, Sibling::Left);
        r = if sibling_on_left {
            node_hash(p, &r)
        } else {
            node_hash(&r, p)
        };
        steps.push(TraceStep {
            sibling_on_left,
            result: r,
        });
    }
    Some(InclusionTrace {
        leaf_hash,
        steps,
        complete: walk.s_n == 0,
    })
}

/// Which side the next proof hash joins on.
enum Sibling {
    Left,
    Right,
}

/// The index arithmetic both RFC 9162 verification algorithms share: `f_n` is the node's index
/// and `s_n` the last index at the current level; each proof hash moves one level up.
struct Walk {
    f_n: u64,
    s_n: u64,
}

impl Walk {
    /// The side of the next sibling, or `None` when the proof is longer than the tree is tall.
    fn next(&mut self) -> Option<Sibling> {
        if self.s_n == 0 {
            return None;
        }
        let side = if self.f_n & 1 == 1 || self.f_n == self.s_n {
            // A right child, or the last node of its level: skip the levels where it has no
            // sibling (it is a left child with nothing to its right).
            while self.f_n & 1 == 0 && self.f_n != 0 {
                self.shift();
            }
            Sibling::Left
        } else {
            Sibling::Right
        };
        self.shift();
        Some(side)
    }

    fn shift(&mut self) {
        self.f_n >>= 1;
        self.s_n >>= 1;
    }
}

/// The consistency proof between the first `old_size` leaves and all of `leaves` (RFC 6962
/// §2.1.2): `None` when `old_size` is 0 or larger than the tree, empty when it equals it.
#[must_use]
pub fn consistency_proof(leaves: &[&[u8]], old_size: usize) -> Option<Vec<Hash>> {
    if old_size == 0 || old_size > leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    subproof(old_size, leaves, true, &mut proof);
    Some(proof)
}

/// SUBPROOF(m, D[n], b).
fn subproof(m: usize, leaves: &[&[u8]], whole_old_tree: bool, proof: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !whole_old_tree {
            proof.push(root(leaves));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(m, &leaves[..k], whole_old_tree, proof);
        proof.push(root(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, proof);
        proof.push(root(&leaves[..k]));
    }
}

/// Verifies that the tree of `old_size` leaves with root `old_root` is a prefix of the tree of
/// `new_size` leaves with root `new_root` (RFC 9162 §2.1.4.2).
///
/// An empty old tree is a prefix of every tree, so it verifies with an empty proof when
/// `old_root` is the empty tree's hash; equal sizes verify with an empty proof and equal roots.
#[must_use]
pub fn verify_consistency(old_size: u64, new_size: u64, old_root: &Hash, new_root: &Hash, proof: &[Hash]) -> bool {
    if old_size > new_size {
        return false;
    }
    if old_size == 0 {
        return proof.is_empty() && *old_root == root(&[]);
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    if proof.is_empty() {
        return false;
    }
    // Step 1: when the old tree is a complete subtree, its root is the first node of the path.
    let mut path: Vec<&Hash> = Vec::with_capacity(proof.len() + 1);
    if old_size.is_power_of_two() {
        path.push(old_root);
    }
    path.extend(proof);
    // Steps 2 and 3.
    let mut walk = Walk {
        f_n: old_size - 1,
        s_n: new_size - 1,
    };
    while walk.f_n & 1 == 1 {
        walk.shift();
    }
    // Step 4.
    let (mut f_r, mut s_r) = (*path[0], *path[0]);
    // Step 5.
    for c in &path[1..] {
        match walk.next() {
            None => return false,
            Some(Sibling::Left) => {
                f_r = node_hash(c, &f_r);
                s_r = node_hash(c, &s_r);
            }
            Some(Sibling::Right) => s_r = node_hash(&s_r, c),
        }
    }
    // Step 6.
    f_r == *old_root && s_r == *new_root && walk.s_n == 0
}
