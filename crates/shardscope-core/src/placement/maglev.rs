//! Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
//! Balancer", NSDI 2016, §3.4): a prime-sized lookup table filled by the nodes in turn, each
//! following its own permutation of the slots.

use super::{index_usize, NodeId, NodeList, Placement, PlacementError, Structure, TABLE_SAMPLE};
use crate::hash::hash_pair;

/// The table size the paper uses in its evaluation (§5.3) and the lab's default: the smallest
/// prime above 2^16.
pub const DEFAULT_TABLE_SIZE: u32 = 65_537;
/// The largest table the lab builds (about 4 MiB of `u32` slots); the paper's production size is
/// 65,537 and its large one 655,373.
pub const MAX_TABLE_SIZE: u32 = 1_048_573;

/// Whether `n` is prime (trial division; table sizes are at most [`MAX_TABLE_SIZE`]).
///
/// ```
/// use shardscope_core::placement::maglev::is_prime;
/// assert!(is_prime(65_537) && is_prime(655_373) && !is_prime(65_536) && !is_prime(1));
/// ```
#[must_use]
pub fn is_prime(n: u32) -> bool {
    if n < 2 {
        return false;
    }
    let n = u64::from(n);
    let mut d = 2u64;
    while d * d <= n {
        if n % d == 0 {
            return false;
        }
        d += 1;
    }
    true
}

/// A Maglev lookup table over a set of nodes.
///
/// Node `i` (in ascending id order) fills slots in the order `(offset + j·skip) mod M`, with
/// `offset = h1(node) mod M` and `skip = h2(node) mod (M − 1) + 1`; because `M` is prime every
/// such sequence is a permutation of the slots. The nodes take turns claiming their next free
/// preferred slot until the table is full (the paper's Pseudocode 1), so every node owns
/// `⌊M/N⌋` or `⌈M/N⌉` slots.
///
/// ```
/// use shardscope_core::placement::maglev::Maglev;
/// use shardscope_core::Placement;
/// let maglev = Maglev::new(1, 7, &[10, 20]).unwrap();
/// assert_eq!(maglev.table().len(), 7);
/// let owned_by_10 = maglev.table().iter().filter(|&&n| n == 10).count();
/// assert!(owned_by_10 == 3 || owned_by_10 == 4);
/// assert!([10, 20].contains(&maglev.place(99)));
/// ```
#[derive(Clone, Debug)]
pub struct Maglev {
    seed: u64,
    size: u32,
    nodes: NodeList,
    /// `table[slot]` is the node that owns the slot.
    table: Vec<NodeId>,
}

impl Maglev {
    /// A table of `size` slots (a prime, at least the node count, at most [`MAX_TABLE_SIZE`]).
    pub fn new(seed: u64, size: u32, nodes: &[NodeId]) -> Result<Self, PlacementError> {
        if !is_prime(size) || size > MAX_TABLE_SIZE {
            return Err(PlacementError::TableSize {
                size,
                max: MAX_TABLE_SIZE,
            });
        }
        let mut maglev = Self {
            seed,
            size,
            nodes: NodeList::new(nodes)?,
            table: Vec::new(),
        };
        maglev.populate()?;
        Ok(maglev)
    }

    /// The table: the owner of every slot.
    #[must_use]
    pub fn table(&self) -> &[NodeId] {
        &self.table
    }

    /// The table size `M`.
    #[must_use]
    pub fn size(&self) -> u32 {
        self.size
    }

    /// Fills the table from scratch, as the paper's Pseudocode 1 does on every membership change.
    fn populate(&mut self) -> Result<(), PlacementError> {
        let m = u64::from(self.size);
        if self.nodes.len() > m {
            return Err(PlacementError::TableSize {
                size: self.size,
                max: MAX_TABLE_SIZE,
            });
        }
        // The paper iterates the backends in a fixed order; ascending id makes the table depend
        // only on the membership, not on the order nodes joined in.
        let mut order: Vec<NodeId> = self.nodes.as_slice().to_vec();
        order.sort_unstable();
        let steps: Vec<(u64, u64)> = order
            .iter()
            .map(|&node| {
                let offset = hash_pair(self.seed, u64::from(node), 0) % m;
                let skip = hash_pair(self.seed, u64::from(node), 1) % (m - 1) + 1;
                (offset, skip)
            })
            .collect();
        let mut next = vec![0u64; order.len()];
        let mut table = vec![NodeId::MAX; usize::try_from(m).expect("table size fits in usize")];
        let mut filled = 0u64;
        'fill: loop {
            for (i, &node) in order.iter().enumerate() {
                let (offset, skip) = steps[i];
                let mut slot = (offset + next[i] * skip) % m;
                while table[index(slot)] != NodeId::MAX {
                    next[i] += 1;
                    slot = (offset + next[i] * skip) % m;
                }
                table[index(slot)] = node;
                next[i] += 1;
                filled += 1;
                if filled == m {
                    break 'fill;
                }
            }
        }
        self.table = table;
        Ok(())
    }
}

/// A slot number as an index. Slots are below [`MAX_TABLE_SIZE`], which fits every `usize`.
#[allow(clippy::cast_possible_truncation)]
fn index(slot: u64) -> usize {
    slot as usize
}

impl Placement for Maglev {
    fn name(&self) -> &'static str {
        "maglev"
    }

    fn nodes(&self) -> &[NodeId] {
        self.nodes.as_slice()
    }

    fn place(&self, key: u64) -> NodeId {
        self.table[index(key % u64::from(self.size))]
    }

    fn add_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        self.nodes.push(id)?;
        if let Err(e) = self.populate() {
            self.nodes.remove(id)?;
            return Err(e);
        }
        Ok(())
    }

    fn remove_node(&mut self, id: NodeId) -> Result<(), PlacementError> {
        self.nodes.remove(id)?;
        self.populate()
    }

    /// A strip of [`TABLE_SAMPLE`] evenly spaced slots, and the fewest and most slots any node
    /// owns (the paper's balance guarantee: they differ by at most one).
    fn structure(&self) -> Structure {
        let size = u64::from(self.size);
        let sample = (0..u64::from(TABLE_SAMPLE))
            .map(|i| self.table[index_usize(i * size / u64::from(TABLE_SAMPLE))])
            .collect();
        let mut counts: Vec<(NodeId, u64)> = self.nodes().iter().map(|&n| (n, 0)).collect();
        counts.sort_unstable();
        for &owner in &self.table {
            if let Ok(i) = counts.binary_search_by_key(&owner, |c| c.0) {
                counts[i].1 += 1;
            }
        }
        let lo = counts.iter().map(|c| c.1).min().unwrap_or(0);
        let hi = counts.iter().map(|c| c.1).max().unwrap_or(0);
        Structure::Table {
            sample,
            size: self.size,
            slots: (lo, hi),
        }
    }
}
