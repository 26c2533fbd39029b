//! AnchorHash (Mendelson, Vargaftik, Barabash, Lorenz, Keslassy and Orda, "AnchorHash: A
//! Scalable Consistent Hash", IEEE/ACM Transactions on Networking 2021, arXiv:1812.09674): jump-
//! like lookups over a fixed anchor of buckets, and any bucket can be removed.

use super::{NodeId, NodeList, Placement, PlacementError};
use crate::hash::hash_pair;

/// The anchor size (capacity) the lab gives every AnchorHash: the most nodes it can ever hold at
/// once. Lookups cost more the more buckets have been removed, not the larger the anchor.
pub const DEFAULT_CAPACITY: u32 = 16_384;

/// AnchorHash with the paper's minimal-memory state (its Algorithm 3): arrays `A`, `K`, `W`, `L`
/// over the anchor's buckets and the stack `R` of removed buckets, plus which node holds each
/// working bucket.
///
/// A key first hashes to any anchor bucket; while that bucket is removed it rehashes into the
/// working set as it was just after the removal, so a key only moves when its own bucket is
/// removed (or comes back). A new node takes the most recently removed bucket, as the paper's
/// `ADDBUCKET` does.
///
/// ```
/// use shardscope_core::placement::anchor::AnchorHash;
/// use shardscope_core::Placement;
/// let mut anchor = AnchorHash::new(9, 64, &[0, 1, 2, 3]).unwrap();
/// let keys: Vec<u64> = (0..1000u64).map(|k| k.wrapping_mul(0x9e37_79b9_7f4a_7c15)).collect();
/// let before: Vec<u32> = keys.iter().map(|&k| anchor.place(k)).collect();
/// anchor.remove_node(1).unwrap(); // Any node, not only the last.
/// for (&k, &b) in keys.iter().zip(&before) {
///     if b != 1 {
///         assert_eq!(anchor.place(k), b); // Only node 1's keys moved.
///     }
/// }
/// ```
#[allow(non_snake_case)] // The arrays keep the paper's names so the code can be read beside it.
#[derive(Clone, Debug)]
pub struct AnchorHash {
    seed: u64,
    nodes: NodeList,
    /// `A[b]`: 0 while bucket `b` works; once removed, the size of the working set just after.
    A: Vec<u32>,
    /// `K[b]`: where the search for a replacement of `b` continues.
    K: Vec<u32>,
    /// `W[i]`: the working buckets in positions `0..N`.
    W: Vec<u32>,
    /// `L[b]`: the last position of `b` in `W`.
    L: Vec<u32>,
    /// `R`: removed buckets, the most recent last.
    R: Vec<u32>,
    /// `N`: the number of working buckets.
    N: u32,
    /// The node in each bucket (meaningful for working buckets only).
    owner: Vec<NodeId>,
}

impl AnchorHash {
    /// An anchor of `capacity` buckets with `nodes` in buckets `0..nodes.len()`.
    pub fn new(seed: u64, capacity: u32, nodes: &[NodeId]) -> Result<Self, PlacementError> {
        let list = NodeList::new(nodes)?;
        let working = u32::try_from(nodes.len()).map_err(|_| PlacementError::CapacityFull(capacity))?;
        if working > capacity {
            return Err(PlacementError::CapacityFull(capacity));
        }
        let all: Vec<u32> = (0..capacity).collect();
        let mut owner = vec![NodeId::MAX; all.len()];
        owner[..nodes.len()].copy_from_slice(nodes);
        let mut anchor = Self {
            seed,
            nodes: list,
            A: vec![0; all.len()],
            K: all.clone(),
            W: all.clone(),
            L: all,
            // INITANCHOR removes the unused buckets from the top down, so bucket `w` is on top.
            R: (working..capacity).rev().collect(),
            N: working,
            owner,
        };
        for b in working..capacity {
            anchor.A[b as usize] = b;
        }
        Ok(anchor)
    }

    /// The anchor size `a`.
    #[must_use]
    pub fn capacity(&self) -> u32 {
        u32::try_from(self.A.len()).expect("capacity was a u32")
    }

    /// The bucket (`0..capacity`) that `key` maps to: the paper's `GETBUCKET`.
    #[must_use]
    pub fn bucket(&self, key: u64) -> u32 {
        let a = u64::from(self.capacity());
        let mut b = index(key % a);
        while self.A[b] > 0 {
            // h_b(k): an independent hash for each removed bucket, reduced into W_b.
            let mut h = index(hash_pair(self.seed, key, b as u64) % u64::from(self.A[b]));
            while self.A[h] >= self.A[b] {
                h = self.K[h] as usize;
            }
            b = h;
        }
        u32::try_from(b).expect("bucket below a u32 capacity")
    }

    fn bucket_of(&self, id: NodeId) -> Option<u32> {
        (0..self.N)
            .map(|i| self.W[i as usize])
            .find(|&b| self.owner[b as usize] == id)
    }
}

/// A bucket number as an index; buckets are below a `u32` capacity.
#[allow(clippy::cast_possible_truncation)]
fn index(bucket: u64) -> usize {
    bucket as usize
}

impl Placement for AnchorHash {
    fn name(&self) -> &'static str {
        "anchor"
    }

    fn nodes(&self) -> &[NodeId] {
        self.nodes.as_slice()
    }

    fn place(&self, key: u64) -> NodeId {
        self.owner[self.bucket(key) as usize]
    }

    /// `ADDBUCKET`: the node takes the most recently removed bucket.
    fn add_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        if self.R.is_empty() {
            return Err(PlacementError::CapacityFull(self.capacity()));
        }
        self.nodes.push(id)?;
        let b = self.R.pop().expect("checked non-empty");
        let n = self.N as usize;
        self.A[b as usize] = 0;
        self.L[self.W[n] as usize] = self.N;
        let lb = self.L[b as usize] as usize;
        self.W[lb] = b;
        self.K[b as usize] = b;
        self.N += 1;
        self.owner[b as usize] = id;
        Ok(())
    }

    /// `REMOVEBUCKET`: any node can go.
    fn remove_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        let b = self.bucket_of(id).ok_or(PlacementError::UnknownNode(id))?;
        self.nodes.remove(id)?;
        self.R.push(b);
        self.N -= 1;
        let n = self.N as usize;
        self.A[b as usize] = self.N;
        let lb = self.L[b as usize] as usize;
        self.W[lb] = self.W[n];
        self.K[b as usize] = self.W[n];
        self.L[self.W[n] as usize] = self.L[b as usize];
        self.owner[b as usize] = NodeId::MAX;
        Ok(())
    }
}
