//! What the DHT lab reports: per protocol, the lookups' hops, messages and failures, the traced
//! lookup's route, the key load, and the experiments' results, all serialisable for the worker
//! and the CLI.

use serde::{Deserialize, Serialize};

use crate::dht::{Outcome, Protocol, Step};

/// One step of the traced lookup, placed on the circle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoutePoint {
    /// Positions (fractions of the circle, 0 at the top, clockwise) of the nodes that answered.
    pub at: Vec<f64>,
    /// Positions of the nodes that timed out.
    pub timed_out_at: Vec<f64>,
    /// log2 of the distance still to go after the step (clockwise for Chord and one-hop, XOR for
    /// Kademlia), from the nearest node reached.
    pub remaining_bits: f64,
}

/// One magnification of the circle around the traced lookup's key: an arc of `span` of the
/// circle centred on the key, its identifiers either each drawn or, when there are too many,
/// counted in bins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZoomLevel {
    /// The arc's width, as a fraction of the circle.
    pub span: f64,
    /// Where the arc starts on the circle (a fraction, wrapping past 1).
    pub start_at: f64,
    /// Identifiers in the arc.
    pub slots: u32,
    /// Each identifier's place in the arc (0 at its start, 1 at its end), when there are at most
    /// [`RING_POINTS`](crate::labs::dht::RING_POINTS).
    pub points: Vec<f64>,
    /// Otherwise, identifiers per bin of [`RING_BINS`](crate::labs::dht::RING_BINS) across the arc.
    pub density: Vec<u32>,
}

/// One k-bucket of the traced lookup's first node (Kademlia).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketRow {
    /// The bucket index `i`: XOR distances from `2^i` up to `2^(i+1)`.
    pub index: u32,
    /// Live nodes in that range.
    pub nodes: u32,
    /// Contacts the bucket holds (at most `k`).
    pub held: u32,
}

/// What one protocol did with the lab's lookups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProtocolReport {
    /// Which protocol.
    pub protocol: Protocol,
    /// Lookups routed.
    pub lookups: u64,
    /// Lookups by hop count (index = hops).
    pub histogram: Vec<u64>,
    /// Mean hops.
    pub mean_hops: f64,
    /// Median hops.
    pub p50: u32,
    /// 99th-percentile hops.
    pub p99: u32,
    /// Most hops.
    pub max_hops: u32,
    /// The paper's mean (Chord, one-hop) or bound (Kademlia).
    pub theory_hops: f64,
    /// Mean messages per lookup (every query, the contact of the owner included).
    pub mean_messages: f64,
    /// Mean timeouts per lookup.
    pub mean_timeouts: f64,
    /// Mean lookup latency in milliseconds, links as [`LINK_BASE_MS`](crate::labs::dht::LINK_BASE_MS)
    /// says and each timeout [`TIMEOUT_MS`](crate::labs::dht::TIMEOUT_MS).
    pub mean_latency_ms: f64,
    /// 99th-percentile lookup latency in milliseconds.
    pub p99_latency_ms: f64,
    /// The estimate from counts alone: the sequential steps (Chord's and one-hop's answered
    /// messages, Kademlia's rounds) times the mean round trip of a random pair, plus Chord's and
    /// one-hop's timeouts. Kademlia's rounds wait for their slowest of α (or a timeout), so it
    /// measures above this. Latency is timed on the first
    /// [`LATENCY_SAMPLE`](crate::labs::dht::LATENCY_SAMPLE) lookups.
    pub theory_latency_ms: f64,
    /// Lookups that ended nowhere or at a node that is not the key's live owner.
    pub misrouted: u64,
    /// Lookups whose key lived on a node that failed: the data is gone whatever the routing does.
    pub lost: u64,
    /// Lookups that did not return the key's data: misrouted or lost.
    pub unsuccessful: u64,
    /// Mean routing entries per physical node (over [`ProtocolReport::state_nodes`] nodes).
    pub state_mean: f64,
    /// Fewest routing entries on one of those nodes.
    pub state_min: u32,
    /// Most routing entries on one of those nodes.
    pub state_max: u32,
    /// Nodes whose routing state was counted (all, or a seeded sample of [`STATE_SAMPLE`](super::STATE_SAMPLE)).
    pub state_nodes: u32,
    /// Messages the maintenance rounds sent (Chord only; the other two refresh by fiat).
    pub maintenance_messages: u64,
    /// The traced lookup's steps.
    pub trace: Vec<Step>,
    /// The traced lookup's outcome.
    pub trace_outcome: Outcome,
    /// log2 of the distance from the traced lookup's first node to its key.
    pub start_bits: f64,
    /// The traced lookup on the circle, one point per step.
    pub route: Vec<RoutePoint>,
    /// Kademlia: the traced lookup's first node's buckets, from its first non-empty one up
    /// (empty for the other protocols).
    pub buckets: Vec<BucketRow>,
    /// The eclipse attack on the traced lookup's key, if there is an attacker.
    pub eclipse: Option<Eclipse>,
    /// The churn experiment, tick by tick (empty without churn).
    pub churn: Vec<ChurnTick>,
    /// Under churn with maintenance, the failed share the Chord paper's estimate gives (§6.5):
    /// mean hops × failures per maintenance period / N.
    pub churn_theory: Option<f64>,
}

/// How the keys spread over the physical nodes (Chord's successor rule, §6.2).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    /// Keys placed.
    pub keys: u64,
    /// Mean keys per live node.
    pub mean: f64,
    /// Fewest keys on a node.
    pub min: u64,
    /// 1st percentile.
    pub p1: u64,
    /// 99th percentile.
    pub p99: u64,
    /// Most keys on a node.
    pub max: u64,
    /// Nodes holding no key.
    pub empty: u64,
    /// Nodes by load / mean, in bins of [`LOAD_BIN`](super::LOAD_BIN); the last bin holds everything above.
    pub histogram: Vec<u64>,
    /// The nodes Gamma(r, 1/r) expects in each bin.
    pub theory_histogram: Vec<f64>,
    /// Gamma(r, 1/r)'s 1st percentile, times the mean.
    pub theory_p1: f64,
    /// Its 99th percentile, times the mean.
    pub theory_p99: f64,
    /// Its (1 − 1/N) quantile, times the mean: about where the largest of N loads falls.
    pub theory_max: f64,
}

/// What an attacker's nodes did to the lookups for one key (an eclipse attack).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Eclipse {
    /// Lookups for the attacked key, from honest nodes, per placement.
    pub lookups: u64,
    /// Of those, the ones that ended at an attacker's node when the attacker chose its
    /// identifiers next to the key.
    pub chosen: u64,
    /// When identifiers are bound to a hash of each node's address, the attacker cannot aim at a
    /// key: of as many lookups for random keys, the ones that ended at an attacker's node.
    pub bound: u64,
    /// With bound identifiers, the chance that the key's owner is one of the attacker's:
    /// `s / (slots + s)`; routes through the attacker's nodes add to it.
    pub theory_bound: f64,
}

/// One tick of the churn experiment: nodes failed and joined, lookups routed, maybe a
/// maintenance round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChurnTick {
    /// Live nodes after the tick's failures and joins.
    pub live: u32,
    /// Lookups that did not end at the key's live owner.
    pub misrouted: u32,
    /// Mean hops of the tick's lookups.
    pub mean_hops: f64,
    /// Mean timeouts of the tick's lookups.
    pub mean_timeouts: f64,
    /// The share of routing entries that name a failed node, on a sample of
    /// [`STALE_SAMPLE`](crate::labs::dht::STALE_SAMPLE) live nodes, before the tick's maintenance.
    pub stale: f64,
    /// Whether a maintenance round ran at the end of the tick.
    pub maintained: bool,
}

/// One network size of the sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// Nodes.
    pub nodes: u64,
    /// Mean hops per protocol, in the lab's protocol order.
    pub hops: Vec<f64>,
    /// Mean routing entries per node, per protocol.
    pub state: Vec<f64>,
}

/// One point of the failure sweep: Chord lookups right after a share of the nodes failed at
/// once, before any maintenance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailurePoint {
    /// Percent of the physical nodes that failed.
    pub fail: u32,
    /// Lookups that did not end at the key's live successor.
    pub misrouted: u32,
    /// Lookups whose key lived on a failed node (lost whatever the routing does).
    pub lost: u32,
    /// Lookups that did not return the key's data: misrouted or lost.
    pub unsuccessful: u32,
    /// Mean timeouts (queries to failed nodes) per lookup.
    pub mean_timeouts: f64,
    /// The share of keys stranded behind `r` dead successors, a lower bound on the misrouted
    /// share ([`chord_stranded_share`](crate::labs::dht::theory::chord_stranded_share)).
    pub theory_misrouted: f64,
}

/// The failure sweep for one successor-list length.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailureCurve {
    /// The successor-list length `r`.
    pub successors: u32,
    /// One point per failed share, in increasing order.
    pub points: Vec<FailurePoint>,
}

/// Everything the lab shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Identifiers in the overlay.
    pub slots: u64,
    /// Physical nodes that failed.
    pub failed_nodes: u64,
    /// The mean round trip between two random nodes, in milliseconds.
    pub mean_rtt_ms: f64,
    /// One report per protocol, in the lab's order.
    pub protocols: Vec<ProtocolReport>,
    /// The key load.
    pub load: LoadReport,
    /// The sweep across N (empty unless asked for).
    pub sweep: Vec<SweepPoint>,
    /// Chord's failed lookups against the failed share, one curve per successor-list length
    /// (empty unless asked for).
    pub failure_sweep: Vec<FailureCurve>,
    /// Positions of every slot, when there are at most [`RING_POINTS`](super::RING_POINTS).
    pub ring: Vec<f64>,
    /// Whether each of those slots is alive.
    pub ring_alive: Vec<bool>,
    /// Slots per bin around the circle, when there are more.
    pub density: Vec<u32>,
    /// When there are more, the circle around the traced lookup's key at
    /// [`MAX_ZOOM`](crate::labs::dht::MAX_ZOOM) magnifications, each 8 times the one before
    /// (level 0 is the whole circle, drawn from `density`).
    pub zoom: Vec<ZoomLevel>,
    /// The traced lookup's key, and its position.
    pub trace_key: u64,
    /// The key's position on the circle.
    pub trace_key_at: f64,
    /// The traced lookup's starting slot and its position.
    pub trace_from_at: f64,
}
