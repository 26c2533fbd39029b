//! The one enumeration of the placement algorithms, with their names, their properties and the
//! builder. A new algorithm is a file of its own beside this one, a variant here and an arm in
//! [`Algorithm::build`] (and in the name and property matches, which the compiler points to).

use serde::{Deserialize, Serialize};

use super::anchor::AnchorHash;
use super::bounded::Bounded;
use super::jump::JumpPlacement;
use super::maglev::Maglev;
use super::modn::ModN;
use super::multiprobe::MultiProbe;
use super::rendezvous::Rendezvous;
use super::ring::Ring;
use super::{index_usize, NodeId, Placement, PlacementError};
use crate::query::Choice;

/// The placement algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Algorithm {
    /// `hash % N`, the baseline that moves almost everything when N changes.
    ModN,
    /// A consistent-hash ring with virtual nodes ([`Settings::vnodes`] per unit of weight).
    Ring,
    /// Weighted rendezvous (highest random weight) hashing.
    Rendezvous,
    /// Jump consistent hash.
    Jump,
    /// Maglev hashing with a lookup table of [`Settings::table`] slots.
    Maglev,
    /// Multi-probe consistent hashing with [`Settings::probes`] probes per key.
    MultiProbe,
    /// Consistent hashing with bounded loads (a ring whose nodes take at most
    /// `⌈(1 + ε)·mean⌉` keys, [`Settings::epsilon`]).
    Bounded,
    /// AnchorHash over an anchor of [`Settings::capacity`] buckets.
    Anchor,
}

impl Choice for Algorithm {
    const ALL: &'static [Self] = &[
        Self::ModN,
        Self::Ring,
        Self::Rendezvous,
        Self::Jump,
        Self::Maglev,
        Self::MultiProbe,
        Self::Bounded,
        Self::Anchor,
    ];

    fn slug(self) -> &'static str {
        match self {
            Self::ModN => "modn",
            Self::Ring => "ring",
            Self::Rendezvous => "hrw",
            Self::Jump => "jump",
            Self::Maglev => "maglev",
            Self::MultiProbe => "multiprobe",
            Self::Bounded => "bounded",
            Self::Anchor => "anchor",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::ModN => "hash mod N",
            Self::Ring => "Ring with virtual nodes",
            Self::Rendezvous => "Rendezvous (HRW)",
            Self::Jump => "Jump hash",
            Self::Maglev => "Maglev",
            Self::MultiProbe => "Multi-probe",
            Self::Bounded => "Bounded loads",
            Self::Anchor => "AnchorHash",
        }
    }
}

/// The parameters of the algorithms that have any; each algorithm reads its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Ring and bounded loads: points per node per unit of weight, `1..=ring::MAX_VNODES`.
    pub vnodes: u32,
    /// Maglev: the table size `M`, a prime.
    pub table: u32,
    /// Multi-probe: probes per key `k`.
    pub probes: u32,
    /// Bounded loads: ε in percent.
    pub epsilon: u32,
    /// AnchorHash: the anchor size `a`, the most nodes it can hold.
    pub capacity: u32,
}

impl Settings {
    /// The papers' (and the labs') defaults.
    pub const DEFAULT: Self = Self {
        vnodes: 100,
        table: super::maglev::DEFAULT_TABLE_SIZE,
        probes: super::multiprobe::DEFAULT_PROBES,
        epsilon: super::bounded::DEFAULT_EPSILON_PERCENT,
        capacity: super::anchor::DEFAULT_CAPACITY,
    };
}

impl Default for Settings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Algorithm {
    /// Builds the placement over `nodes` (in that order), seeded where the algorithm uses a
    /// seed, with its parameters from `settings`.
    ///
    /// ```
    /// use shardscope_core::placement::{Algorithm, Placement, Settings};
    /// let ring = Algorithm::Ring.build(&Settings::default(), 7, &[0, 1, 2]).unwrap();
    /// assert!(ring.nodes().contains(&ring.place(12345)));
    /// ```
    pub fn build(self, settings: &Settings, seed: u64, nodes: &[NodeId]) -> Result<Box<dyn Placement>, PlacementError> {
        Ok(match self {
            Self::ModN => Box::new(ModN::new(nodes)?),
            Self::Ring => Box::new(Ring::new(seed, settings.vnodes, nodes)?),
            Self::Rendezvous => Box::new(Rendezvous::new(seed, nodes)?),
            Self::Jump => Box::new(JumpPlacement::new(nodes)?),
            Self::Maglev => Box::new(Maglev::new(seed, settings.table, nodes)?),
            Self::MultiProbe => Box::new(MultiProbe::new(seed, settings.probes, nodes)?),
            Self::Bounded => Box::new(Bounded::new(seed, settings.vnodes, settings.epsilon, nodes)?),
            Self::Anchor => Box::new(AnchorHash::new(seed, settings.capacity, nodes)?),
        })
    }

    /// Whether the algorithm minimises movement (every one here but mod N).
    #[must_use]
    pub fn is_consistent(self) -> bool {
        self != Self::ModN
    }

    /// Whether node weights change the placement (the others give every node an equal share).
    #[must_use]
    pub fn uses_weights(self) -> bool {
        matches!(self, Self::Ring | Self::Rendezvous | Self::Bounded)
    }

    /// Whether a failed node stays a member that the algorithm routes around (along its
    /// preference order, or by rehashing for mod N and jump hash, whose bucket numbering must not
    /// change). The others remove a failed node, which is their own way of failing over (Maglev
    /// and AnchorHash rebuild or remap; bounded loads and multi-probe drop its points).
    #[must_use]
    pub fn keeps_failed_nodes(self) -> bool {
        matches!(self, Self::ModN | Self::Ring | Self::Rendezvous | Self::Jump)
    }

    /// How the algorithm picks `RF` replicas, or why it has no natural replica set.
    pub fn replication(self) -> Result<&'static str, &'static str> {
        match self {
            Self::Ring => Ok("the next distinct nodes clockwise (Dynamo's preference list)"),
            Self::Rendezvous => Ok("the RF highest-scoring nodes"),
            Self::ModN => Err("mod N has no replica order; systems use a second hash or the next bucket"),
            Self::Jump => Err("jump hash returns one bucket; replicas need a second scheme (e.g. key + i)"),
            Self::Maglev => Err("a Maglev table names one backend per slot; the paper has no replicas"),
            Self::MultiProbe => Err("multi-probe picks one node; the paper defines no replica set"),
            Self::Bounded => Err("bounded loads places each key once; the paper defines no replica set"),
            Self::Anchor => Err("AnchorHash returns one bucket; the paper defines no replica set"),
        }
    }
}

/// Places every key of `keys` in chunks of `chunk` keys and returns a checksum of the owners (so
/// that no compiler can skip the work). The browser and native benchmarks time this same loop.
///
/// ```
/// use shardscope_core::{hash::KeySet, placement::{place_all, Algorithm}};
/// let jump = Algorithm::Jump.build(&Default::default(), 0, &[0, 1, 2]).unwrap();
/// let a = place_all(jump.as_ref(), &KeySet::new(1, 10_000), 4096);
/// assert_eq!(a, place_all(jump.as_ref(), &KeySet::new(1, 10_000), 333));
/// ```
#[must_use]
pub fn place_all(placement: &dyn Placement, keys: &crate::hash::KeySet, chunk: u32) -> u64 {
    let chunk = u64::from(chunk.max(1));
    let mut key_buf = Vec::new();
    let mut out = Vec::new();
    let mut checksum = 0u64;
    let mut start = 0;
    while start < keys.len() {
        let len = index_usize((keys.len() - start).min(chunk));
        key_buf.resize(len, 0);
        out.resize(len, 0);
        keys.fill(start, &mut key_buf);
        placement.place_batch(&key_buf, &mut out);
        checksum = out
            .iter()
            .fold(checksum, |acc, &id| acc.wrapping_mul(31).wrapping_add(u64::from(id)));
        start += len as u64;
    }
    checksum
}

/// The algorithms and the setting of the browser-vs-native benchmark: ten million keys on a
/// thousand nodes, each algorithm with the labs' default parameters.
pub const BENCH_CASES: [(&str, Algorithm); 6] = [
    ("modn", Algorithm::ModN),
    ("ring100", Algorithm::Ring),
    ("jump", Algorithm::Jump),
    ("maglev", Algorithm::Maglev),
    ("multiprobe21", Algorithm::MultiProbe),
    ("anchor", Algorithm::Anchor),
];
