//! Jump consistent hash (Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm",
//! 2014, arXiv:1406.2294), bit-exact with the paper's reference code.

use std::num::NonZeroU32;

/// The multiplier of the 64-bit linear congruential generator in the paper's figure 1.
const LCG_MULTIPLIER: u64 = 2_862_933_555_777_941_757;

/// Maps `key` to a bucket in `0..buckets`, exactly as the paper's `JumpConsistentHash`.
///
/// When `buckets` grows from `n` to `n + 1`, a key either stays or moves to bucket `n`, and about
/// `1/(n + 1)` of all keys move: the minimum any balanced scheme can achieve. Buckets can only be
/// added or removed at the end; removing bucket 3 of 10 is not something this function can
/// express.
///
/// The paper's reference code (its snippet in our seed document has typos: `b = -1`, and the `_`
/// are `;`):
///
/// ```c
/// int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) {
///     int64_t b = -1, j = 0;
///     while (j < num_buckets) {
///         b = j;
///         key = key * 2862933555777941757ULL + 1;
///         j = (b + 1) * (double(1LL << 31) / double((key >> 33) + 1));
///     }
///     return b;
/// }
/// ```
///
/// ```
/// use std::num::NonZeroU32;
/// use shardscope_core::placement::jump::jump_hash;
/// let ten = NonZeroU32::new(10).unwrap();
/// assert_eq!(jump_hash(0xdead_beef, ten), 5);
/// ```
#[must_use]
pub fn jump_hash(mut key: u64, buckets: NonZeroU32) -> u32 {
    let buckets = i64::from(buckets.get());
    let mut b: i64 = -1;
    let mut j: i64 = 0;
    while j < buckets {
        b = j;
        key = key.wrapping_mul(LCG_MULTIPLIER).wrapping_add(1);
        // Every step is an IEEE-754 operation with one correctly rounded result, so native and
        // wasm32 agree bit for bit. The casts mirror the C++ conversions; `(key >> 33) + 1` fits
        // in 31 bits and is exact as a double.
        #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
        {
            j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
        }
    }
    // `b` lies in `0..buckets`, and buckets fits in u32.
    u32::try_from(b).expect("jump hash returns a bucket below a u32 bucket count")
}

use super::{NodeId, NodeList, Placement, PlacementError};

/// Jump hash over a list of nodes: bucket `b` is `nodes[b]`.
///
/// Nodes join at the end and only the last one can leave, because jump hash numbers its buckets
/// `0..n`. Removing any other node is refused with [`PlacementError::OnlyLastRemovable`].
#[derive(Clone, Debug)]
pub struct JumpPlacement {
    nodes: NodeList,
}

impl JumpPlacement {
    /// Jump hash over `nodes`; `nodes[0]` is bucket 0.
    pub fn new(nodes: &[NodeId]) -> Result<Self, PlacementError> {
        Ok(Self {
            nodes: NodeList::new(nodes)?,
        })
    }
}

impl Placement for JumpPlacement {
    fn name(&self) -> &'static str {
        "jump"
    }

    fn nodes(&self) -> &[NodeId] {
        self.nodes.as_slice()
    }

    fn place(&self, key: u64) -> NodeId {
        let count = u32::try_from(self.nodes.len()).expect("node count fits in u32");
        let buckets = NonZeroU32::new(count).expect("a placement always has a node");
        self.nodes.at(jump_hash(key, buckets).into())
    }

    fn add_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        self.nodes.push(id)
    }

    fn remove_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        let last = self.nodes.at(self.nodes.len() - 1);
        if id != last && self.nodes.as_slice().contains(&id) {
            return Err(PlacementError::OnlyLastRemovable { requested: id, last });
        }
        self.nodes.remove(id).map(drop)
    }
}
