//! The DHT lab's computation in bounded steps: draw the identifiers, build each overlay, fail a
//! share of the nodes, run maintenance rounds, route the lookups, measure routing state and key
//! load, and run the experiments (`experiments`); `report` holds what they found.

use super::{theory, Params};
use crate::dht::chord::Chord;
use crate::dht::kademlia::{xor_closest_in, Kademlia};
use crate::dht::onehop::OneHop;
use crate::dht::{Identifiers, Outcome, Overlay, Protocol, Space, Step};
use crate::hash::{hash_pair, hash_u64, Stream};
use crate::labs::Run;

mod experiments;
mod report;

pub use report::{
    BucketRow, ChurnTick, Eclipse, FailureCurve, FailurePoint, LoadReport, ProtocolReport, Report, RoutePoint,
    SweepPoint, ZoomLevel,
};

/// Lookups for the attacked key in the eclipse experiment, per protocol and placement of the
/// attacker's identifiers.
pub const ATTACK_LOOKUPS: u32 = 2_000;
/// Ticks of the churn experiment.
pub const CHURN_TICKS: u32 = 60;
/// Lookups per tick of the churn experiment, per protocol.
pub const CHURN_LOOKUPS: u32 = 200;
/// Lookups routed per network size in the sweep across N.
pub const SWEEP_LOOKUPS: u32 = 1_000;
/// The sweep's sizes: N = 2^3 … 2^17.
const SWEEP_EXPONENTS: std::ops::RangeInclusive<u32> = 3..=17;
/// One-way latency of every link: this base plus [`LINK_MS_PER_UNIT`] times the distance between
/// the two nodes, placed at seeded points of a unit square (a map of the world in small).
pub const LINK_BASE_MS: f64 = 5.0;
/// One-way latency added per unit of distance between two nodes.
pub const LINK_MS_PER_UNIT: f64 = 100.0;
/// How long a query to a failed node is waited for before the lookup moves on.
pub const TIMEOUT_MS: f64 = 500.0;
/// Lookups (the first ones) whose latency is timed, per protocol.
pub const LATENCY_SAMPLE: u32 = 10_000;
/// Random node pairs whose round trips give the mean round trip.
const RTT_SAMPLE: u32 = 10_000;
/// Live nodes whose stale routing entries are counted each tick of the churn experiment.
pub const STALE_SAMPLE: u32 = 100;
/// Lookups routed per point of the failure sweep.
pub const FAILURE_LOOKUPS: u32 = 1_000;
/// The failure sweep's failed shares, in percent: the Chord paper's range, up to half the nodes.
pub const FAILURE_SHARES: [u32; 10] = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50];
/// The failure sweep's successor-list lengths: from none to spare up to the paper's 2·log2 N.
pub const FAILURE_SUCCESSORS: [u32; 5] = [1, 2, 4, 8, 16];
/// Routing state is counted on at most this many nodes (a seeded sample beyond it): Kademlia's
/// tables are drawn when read, and drawing every bucket of 100,000 nodes would cost seconds for
/// a mean that a sample pins down to well under one entry.
pub const STATE_SAMPLE: u32 = 2_000;
/// Slots drawn one by one in the ring picture; above this the picture is a density.
pub const RING_POINTS: u32 = 2_048;
/// Bins of the density picture around the circle.
pub const RING_BINS: u32 = 360;
/// Width of a load histogram bin, in multiples of the mean.
pub const LOAD_BIN: f64 = 0.25;
/// Load histogram bins; the last one holds everything above.
pub const LOAD_BINS: u32 = 40;
/// Keys placed per step.
const KEY_CHUNK: u32 = 1 << 16;
/// Maintenance: nodes per step.
const MAINTENANCE_CHUNK: u32 = 512;

/// Seeds of the lab's independent streams, so a change to one draw leaves the others alone.
const LOOKUP_KEYS: u64 = 0x6b65_7973;
const LOOKUP_FROM: u64 = 0x6672_6f6d;
const FAILURES: u64 = 0x6661_696c;
const LOAD_KEYS: u64 = 0x6c6f_6164;
const BUCKETS: u64 = 0x6275_636b;
const ATTACK: u64 = 0x6174_7461;
const ATTACK_FROM: u64 = 0x6174_6672;
const CHURN: u64 = 0x6368_7572;
const FAILURE_SWEEP: u64 = 0x6673_7770;
const PLACES: u64 = 0x706c_6163;

/// A built overlay of one of the three kinds.
#[derive(Clone, Debug)]
enum Net {
    Chord(Chord),
    Kademlia(Kademlia),
    OneHop(OneHop),
}

impl Net {
    fn build(protocol: Protocol, ids: Identifiers, p: &Params) -> Self {
        match protocol {
            Protocol::Chord => Self::Chord(Chord::converged(ids, p.successors)),
            Protocol::Kademlia => Self::Kademlia(Kademlia::converged(ids, p.k, p.alpha, hash_u64(p.seed, BUCKETS))),
            Protocol::OneHop => Self::OneHop(OneHop::converged(ids)),
        }
    }

    fn overlay(&self) -> &dyn Overlay {
        match self {
            Self::Chord(c) => c,
            Self::Kademlia(k) => k,
            Self::OneHop(o) => o,
        }
    }

    fn overlay_mut(&mut self) -> &mut dyn Overlay {
        match self {
            Self::Chord(c) => c,
            Self::Kademlia(k) => k,
            Self::OneHop(o) => o,
        }
    }
}

/// Where the job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Build(usize),
    Fail,
    Maintain { round: u32, next: u32 },
    Lookups { protocol: usize, next: u32 },
    State(usize),
    Load { next: u32 },
    Sweep { exponent: u32 },
    FailureSweep { curve: usize, point: usize },
    Attack(usize),
    Churn { protocol: usize, tick: u32 },
    Done,
}

/// The lab's computation, advanced by [`Run::step`].
#[derive(Debug)]
pub struct Job {
    params: Params,
    ids: Identifiers,
    nets: Vec<Net>,
    live_slots: Vec<u32>,
    stage: Stage,
    reports: Vec<ProtocolReport>,
    loads: Vec<u64>,
    node_alive: Vec<bool>,
    sweep: Vec<SweepPoint>,
    /// The overlay the churn experiment is running on.
    churn_net: Option<Net>,
    /// The failure sweep's ring for the successor-list length being measured, its curves so far,
    /// and each physical node's place in the order in which nodes fail.
    failure_net: Option<Chord>,
    failure_curves: Vec<FailureCurve>,
    failure_rank: Vec<u32>,
    /// Every lookup's latency in milliseconds, per protocol.
    latencies: Vec<Vec<f64>>,
    failed_nodes: u64,
    done_units: u64,
}

/// A uniform choice in `0..len` from a 64-bit hash (Lemire's multiply-and-shift).
fn pick(hash: u64, len: usize) -> usize {
    usize::try_from((u128::from(hash) * len as u128) >> 64).expect("below len")
}

/// The bin of a non-negative `x` in bins of width `width`, the last bin holding everything above.
fn bin(x: f64, width: f64, bins: u32) -> usize {
    // Truncating a non-negative, finite quotient is the bin's floor; anything larger or not finite
    // lands in the last bin.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let b = (x / width).min(f64::from(bins - 1)).max(0.0) as usize;
    b
}

/// The smallest `h` such that at least `num/den` of `n` counted values are at most `h`, from a
/// histogram indexed by value.
fn histogram_quantile(histogram: &[u64], n: u64, num: u64, den: u64) -> u32 {
    let target = (num * n).div_ceil(den).max(1);
    let mut seen = 0;
    (0u32..)
        .zip(histogram)
        .find(|(_, &c)| {
            seen += c;
            seen >= target
        })
        .map_or(0, |(h, _)| h)
}

/// How many of `nodes` fail when `percent` of them do: at least one stays up, so every lookup has
/// somewhere to start.
fn failed_count(nodes: u32, percent: u32) -> u32 {
    let count = u64::from(nodes) * u64::from(percent) / 100;
    u32::try_from(count).expect("below nodes").min(nodes - 1)
}

/// A position on the circle, as a fraction.
fn at(space: Space, id: u64) -> f64 {
    id as f64 / (space.mask() as f64 + 1.0)
}

impl Job {
    /// Starts the computation; fails only if the identifiers cannot be drawn, which valid
    /// parameters rule out.
    pub fn new(params: &Params) -> Result<Self, String> {
        let ids =
            Identifiers::draw(params.space(), params.seed, params.nodes, params.vids).map_err(|e| e.to_string())?;
        Ok(Self {
            live_slots: (0..ids.len()).collect(),
            node_alive: vec![true; params.nodes as usize],
            ids,
            params: params.clone(),
            nets: Vec::new(),
            stage: Stage::Build(0),
            reports: Vec::new(),
            loads: Vec::new(),
            sweep: Vec::new(),
            churn_net: None,
            failure_net: None,
            failure_curves: Vec::new(),
            failure_rank: Vec::new(),
            latencies: Vec::new(),
            failed_nodes: 0,
            done_units: 0,
        })
    }

    /// The key and starting slot of lookup `i`.
    fn lookup_at(&self, i: u32) -> (u64, u32) {
        let key = self
            .params
            .space()
            .id(hash_u64(self.params.seed ^ LOOKUP_KEYS, u64::from(i)));
        let from = self.live_slots[pick(
            hash_u64(self.params.seed ^ LOOKUP_FROM, u64::from(i)),
            self.live_slots.len(),
        )];
        (key, from)
    }

    /// Whether the slot that held `key` before the failure (by `protocol`'s rule) has failed.
    fn key_lost(&self, protocol: Protocol, key: u64) -> bool {
        let slot = match protocol {
            Protocol::Kademlia => {
                xor_closest_in(&self.ids.ids, self.ids.space.bits(), key).expect("at least one identifier")
            }
            Protocol::Chord | Protocol::OneHop => self.ids.successor(key) as usize,
        };
        !self.node_alive[self.ids.owner[slot] as usize]
    }

    fn empty_report(&self, protocol: Protocol) -> ProtocolReport {
        let n = self.ids.len().into();
        ProtocolReport {
            protocol,
            lookups: 0,
            histogram: Vec::new(),
            mean_hops: 0.0,
            p50: 0,
            p99: 0,
            max_hops: 0,
            theory_hops: match protocol {
                Protocol::Chord => theory::chord_mean_hops(n),
                Protocol::Kademlia => f64::from(theory::kademlia_rounds_bound(n)),
                Protocol::OneHop => theory::onehop_mean_hops(n),
            },
            mean_messages: 0.0,
            mean_timeouts: 0.0,
            mean_latency_ms: 0.0,
            p99_latency_ms: 0.0,
            theory_latency_ms: 0.0,
            misrouted: 0,
            lost: 0,
            unsuccessful: 0,
            state_mean: 0.0,
            state_min: 0,
            state_max: 0,
            state_nodes: 0,
            maintenance_messages: 0,
            trace: Vec::new(),
            trace_outcome: Outcome::default(),
            start_bits: 0.0,
            route: Vec::new(),
            buckets: Vec::new(),
            eclipse: None,
            churn: Vec::new(),
            churn_theory: None,
        }
    }

    /// Routes lookups `range` on protocol `index`, adding to its report.
    fn route(&mut self, index: usize, range: std::ops::Range<u32>) {
        let protocol = self.params.protocols[index];
        let placeholder = self.empty_report(protocol);
        let mut rep = std::mem::replace(&mut self.reports[index], placeholder);
        let (mut messages, mut timeouts, mut hops) = (0u64, 0u64, 0u64);
        for i in range {
            let (key, from) = self.lookup_at(i);
            let mut steps = Vec::new();
            let traced = i == self.params.trace;
            // Recording steps costs a Kademlia lookup a third more: latency is timed on a sample.
            let timed = i < LATENCY_SAMPLE;
            let out = self.nets[index]
                .overlay()
                .lookup(from, key, (traced || timed).then_some(&mut steps));
            if timed {
                let latency = self.latency(protocol, from, &out, &steps);
                self.latencies[index].push(latency);
            }
            if traced {
                if let Net::Kademlia(k) = &self.nets[index] {
                    rep.buckets = k
                        .bucket_sizes(from)
                        .into_iter()
                        .map(|(index, nodes, held)| BucketRow { index, nodes, held })
                        .collect();
                }
                (rep.start_bits, rep.route) = self.route_points(protocol, from, key, &steps);
                rep.trace = steps;
                rep.trace_outcome = out;
            }
            let h = out.hops as usize;
            if rep.histogram.len() <= h {
                rep.histogram.resize(h + 1, 0);
            }
            rep.histogram[h] += 1;
            hops += u64::from(out.hops);
            messages += u64::from(out.messages);
            timeouts += u64::from(out.timeouts);
            let lost = self.key_lost(protocol, key);
            rep.misrouted += u64::from(!out.correct);
            rep.lost += u64::from(lost);
            rep.unsuccessful += u64::from(lost || !out.correct);
        }
        // Running means, kept as sums until the end (see `finish_means`).
        rep.mean_hops += hops as f64;
        rep.mean_messages += messages as f64;
        rep.mean_timeouts += timeouts as f64;
        self.reports[index] = rep;
    }

    /// Where physical node `node` sits on the unit square that sets link latencies.
    fn place(&self, node: u32) -> (f64, f64) {
        let h = hash_u64(self.params.seed ^ PLACES, u64::from(node));
        (
            crate::hash::unit_interval(h),
            crate::hash::unit_interval(h.rotate_left(32)),
        )
    }

    /// The round trip between two slots' nodes, in milliseconds (zero on the same node).
    fn rtt(&self, a: u32, b: u32) -> f64 {
        let (na, nb) = (self.ids.owner[a as usize], self.ids.owner[b as usize]);
        if na == nb {
            return 0.0;
        }
        let ((xa, ya), (xb, yb)) = (self.place(na), self.place(nb));
        2.0 * (LINK_BASE_MS + LINK_MS_PER_UNIT * libm::hypot(xa - xb, ya - yb))
    }

    /// A lookup's latency: the querier's messages one after another for Chord and one-hop, each a
    /// round trip or a timeout; for Kademlia one round after another, each as long as its slowest
    /// query (a timeout, if any of the α failed).
    fn latency(&self, protocol: Protocol, from: u32, out: &Outcome, steps: &[Step]) -> f64 {
        match protocol {
            Protocol::Kademlia => steps
                .iter()
                .map(|s| {
                    if s.timed_out.is_empty() {
                        s.queried.iter().map(|&q| self.rtt(from, q)).fold(0.0, f64::max)
                    } else {
                        TIMEOUT_MS
                    }
                })
                .sum(),
            Protocol::Chord | Protocol::OneHop => {
                steps.iter().map(|s| self.rtt(from, s.queried[0])).sum::<f64>() + f64::from(out.timeouts) * TIMEOUT_MS
            }
        }
    }

    /// The circle around `key` at each magnification: arcs of 8^−z of the circle centred on
    /// the key, for z = 1 … `MAX_ZOOM`.
    fn zoom_levels(&self, key: u64) -> Vec<ZoomLevel> {
        let space = self.ids.space;
        let ids = &self.ids.ids;
        let centre = at(space, key);
        let positions: Vec<f64> = ids.iter().map(|&id| at(space, id)).collect();
        (1..=super::MAX_ZOOM)
            .map(|z| {
                let span = libm::pow(8.0, -f64::from(z));
                let start_at = (centre - span / 2.0).rem_euclid(1.0);
                // Places in the arc, the circle's wrap included; identifiers are sorted, so a
                // scan keeps them in order within each side of the wrap.
                let mut places: Vec<f64> = positions
                    .iter()
                    .map(|&x| (x - start_at).rem_euclid(1.0) / span)
                    .filter(|&x| x < 1.0)
                    .collect();
                places.sort_unstable_by(f64::total_cmp);
                let slots = u32::try_from(places.len()).expect("at most MAX_SLOTS");
                let (points, density) = if slots <= RING_POINTS {
                    (places, Vec::new())
                } else {
                    let mut bins = vec![0u32; RING_BINS as usize];
                    for x in places {
                        bins[bin(x, 1.0 / f64::from(RING_BINS), RING_BINS)] += 1;
                    }
                    (Vec::new(), bins)
                };
                ZoomLevel {
                    span,
                    start_at,
                    slots,
                    points,
                    density,
                }
            })
            .collect()
    }

    /// The mean round trip between two random nodes: the unit every latency estimate uses.
    fn mean_rtt(&self) -> f64 {
        let n = self.ids.len() as usize;
        let total: f64 = (0..RTT_SAMPLE)
            .map(|i| {
                let a = pick(hash_pair(self.params.seed, 0x7274_7461, u64::from(i)), n);
                let b = pick(hash_pair(self.params.seed, 0x7274_7462, u64::from(i)), n);
                self.rtt(u32::try_from(a).expect("a slot"), u32::try_from(b).expect("a slot"))
            })
            .sum();
        total / f64::from(RTT_SAMPLE)
    }

    /// The traced lookup's steps as points on the circle, after the distance it starts from.
    fn route_points(&self, protocol: Protocol, from: u32, key: u64, steps: &[Step]) -> (f64, Vec<RoutePoint>) {
        let space = self.ids.space;
        let id = |s: u32| self.ids.ids[s as usize];
        let remaining = |s: u32| match protocol {
            Protocol::Kademlia => id(s) ^ key,
            Protocol::Chord | Protocol::OneHop => space.clockwise(id(s), key),
        };
        let bits = |d: u64| libm::log2(d as f64 + 1.0);
        let mut best = remaining(from);
        let start = bits(best);
        let points = steps
            .iter()
            .map(|s| {
                for &q in s.queried.iter().filter(|q| !s.timed_out.contains(q)) {
                    best = best.min(remaining(q));
                }
                RoutePoint {
                    at: s
                        .queried
                        .iter()
                        .filter(|q| !s.timed_out.contains(q))
                        .map(|&q| at(space, id(q)))
                        .collect(),
                    timed_out_at: s.timed_out.iter().map(|&q| at(space, id(q))).collect(),
                    remaining_bits: bits(best),
                }
            })
            .collect();
        (start, points)
    }

    /// Counts routing entries per physical node over all nodes or a seeded sample.
    fn count_state(&mut self, index: usize) {
        let p = &self.params;
        let alive: Vec<u32> = (0..p.nodes).filter(|&n| self.node_alive[n as usize]).collect();
        let sample: Vec<u32> = if alive.len() as u64 <= u64::from(STATE_SAMPLE) {
            alive
        } else {
            let mut rng = Stream::new(hash_u64(p.seed, 0x7374_6174));
            let len = u32::try_from(alive.len()).expect("at most MAX_NODES");
            rng.distinct(STATE_SAMPLE, len)
                .into_iter()
                .map(|i| alive[i as usize])
                .collect()
        };
        // Each node's slots, found by sorting (owner, slot): every node has exactly `vids` of them.
        let mut by_owner: Vec<(u32, u32)> = self.ids.owner.iter().copied().zip(0u32..).collect();
        by_owner.sort_unstable();
        let per = p.vids as usize;
        let net = self.nets[index].overlay();
        let counts: Vec<u32> = sample
            .iter()
            .map(|&n| {
                by_owner[n as usize * per..(n as usize + 1) * per]
                    .iter()
                    .map(|&(_, s)| net.routing_state(s))
                    .sum()
            })
            .collect();
        let rep = &mut self.reports[index];
        rep.state_nodes = u32::try_from(counts.len()).expect("at most STATE_SAMPLE");
        rep.state_min = counts.iter().copied().min().unwrap_or(0);
        rep.state_max = counts.iter().copied().max().unwrap_or(0);
        rep.state_mean = counts.iter().map(|&c| f64::from(c)).sum::<f64>() / counts.len().max(1) as f64;
    }

    fn load_report(&self) -> LoadReport {
        let p = &self.params;
        if p.keys == 0 {
            return LoadReport::default();
        }
        let mut live: Vec<u64> = (0..p.nodes)
            .filter(|&n| self.node_alive[n as usize])
            .map(|n| self.loads[n as usize])
            .collect();
        live.sort_unstable();
        let n = live.len();
        let mean = f64::from(p.keys) / n as f64;
        // The value below which `percent` of the nodes' loads lie (nearest rank).
        let quantile = |percent: usize| live[(percent * n / 100).min(n - 1)];
        let mut histogram = vec![0u64; LOAD_BINS as usize];
        for &l in &live {
            histogram[bin(l as f64 / mean, LOAD_BIN, LOAD_BINS)] += 1;
        }
        let r = p.vids;
        let theory_histogram = (0..LOAD_BINS)
            .map(|b| {
                let lo = f64::from(b) * LOAD_BIN;
                let hi = if b + 1 == LOAD_BINS {
                    f64::INFINITY
                } else {
                    lo + LOAD_BIN
                };
                let upper = if hi.is_finite() { theory::gamma_cdf(r, hi) } else { 1.0 };
                (upper - theory::gamma_cdf(r, lo)) * n as f64
            })
            .collect();
        LoadReport {
            keys: p.keys.into(),
            mean,
            min: live[0],
            p1: quantile(1),
            p99: quantile(99),
            max: live[n - 1],
            empty: live.iter().filter(|&&l| l == 0).count() as u64,
            histogram,
            theory_histogram,
            theory_p1: theory::gamma_quantile(r, 0.01) * mean,
            theory_p99: theory::gamma_quantile(r, 0.99) * mean,
            theory_max: theory::gamma_quantile(r, 1.0 - 1.0 / n as f64) * mean,
        }
    }

    /// Fails the lab's share of the physical nodes (all their identifiers) at once.
    fn fail_nodes(&mut self) -> Stage {
        let p = &self.params;
        let failed = failed_count(p.nodes, p.fail);
        let mut rng = Stream::new(hash_u64(p.seed, FAILURES));
        for n in rng.distinct(failed, p.nodes) {
            self.node_alive[n as usize] = false;
        }
        let dead: Vec<u32> = (0..self.ids.len())
            .filter(|&s| !self.node_alive[self.ids.owner[s as usize] as usize])
            .collect();
        for net in &mut self.nets {
            net.overlay_mut().fail(&dead);
        }
        self.live_slots
            .retain(|&s| self.node_alive[self.ids.owner[s as usize] as usize]);
        self.failed_nodes = failed.into();
        if p.rounds > 0 {
            Stage::Maintain { round: 0, next: 0 }
        } else {
            Stage::Lookups { protocol: 0, next: 0 }
        }
    }

    /// Runs the slots from `next` on (a chunk of them) through maintenance round `round`.
    fn maintain(&mut self, round: u32, next: u32) -> Stage {
        let end = (next + MAINTENANCE_CHUNK).min(self.ids.len());
        for (net, rep) in self.nets.iter_mut().zip(&mut self.reports) {
            match net {
                Net::Chord(c) => rep.maintenance_messages += c.maintenance_slots(next..end),
                Net::Kademlia(k) => k.refresh(),
                Net::OneHop(o) => o.refresh(),
            }
        }
        self.done_units += u64::from(end - next) / 64;
        match (end == self.ids.len(), round + 1 == self.params.rounds) {
            (false, _) => Stage::Maintain { round, next: end },
            (true, false) => Stage::Maintain {
                round: round + 1,
                next: 0,
            },
            (true, true) => Stage::Lookups { protocol: 0, next: 0 },
        }
    }

    /// Places a chunk of the keys from `next` on, each on its live successor.
    fn place_keys(&mut self, next: u32) -> Stage {
        let p = &self.params;
        let end = next.saturating_add(KEY_CHUNK).min(p.keys);
        let space = p.space();
        // The live successor holds a key: after failures, the next live identifier.
        let live_ids: Vec<u64> = self.live_slots.iter().map(|&s| self.ids.ids[s as usize]).collect();
        for i in next..end {
            let key = space.id(hash_u64(p.seed ^ LOAD_KEYS, u64::from(i)));
            let slot = self.live_slots[crate::dht::successor_in(&live_ids, key) as usize];
            self.loads[self.ids.owner[slot as usize] as usize] += 1;
        }
        self.done_units += u64::from(end - next) / 64;
        Stage::Load { next: end }
    }

    fn total_units(&self) -> u64 {
        let p = &self.params;
        let protocols = p.protocols.len() as u64;
        let maintenance = u64::from(p.rounds) * u64::from(self.ids.len()) / 64;
        let sweep = if p.sweep {
            SWEEP_EXPONENTS.count() as u64 * protocols * 1_000
        } else {
            0
        };
        let attack = if p.sybils > 0 { protocols * 1_000 } else { 0 };
        let failure_sweep = if p.fail_sweep {
            (FAILURE_SUCCESSORS.len() * FAILURE_SHARES.len()) as u64 * u64::from(FAILURE_LOOKUPS)
        } else {
            0
        };
        let churn = if p.churn > 0 {
            protocols * u64::from(CHURN_TICKS * CHURN_LOOKUPS)
        } else {
            0
        };
        protocols * (1_000 + u64::from(p.lookups) + 1_000)
            + maintenance
            + u64::from(p.keys) / 64
            + sweep
            + attack
            + failure_sweep
            + churn
    }
}

impl Run for Job {
    type Report = Report;

    fn step(&mut self) -> bool {
        let p = self.params.clone();
        match self.stage {
            Stage::Build(i) if i < p.protocols.len() => {
                self.nets.push(Net::build(p.protocols[i], self.ids.clone(), &p));
                self.reports.push(self.empty_report(p.protocols[i]));
                self.latencies
                    .push(Vec::with_capacity(p.lookups.min(LATENCY_SAMPLE) as usize));
                self.done_units += 1_000;
                self.stage = Stage::Build(i + 1);
            }
            Stage::Build(_) => self.stage = Stage::Fail,
            Stage::Fail => self.stage = self.fail_nodes(),
            Stage::Maintain { round, next } => self.stage = self.maintain(round, next),
            Stage::Lookups { protocol, next } if protocol < p.protocols.len() => {
                let chunk = match p.protocols[protocol] {
                    Protocol::Kademlia => 256,
                    Protocol::Chord => 4_096,
                    Protocol::OneHop => 16_384,
                };
                let end = (next + chunk).min(p.lookups);
                self.route(protocol, next..end);
                self.done_units += u64::from(end - next);
                self.stage = if end == p.lookups {
                    Stage::Lookups {
                        protocol: protocol + 1,
                        next: 0,
                    }
                } else {
                    Stage::Lookups { protocol, next: end }
                };
            }
            Stage::Lookups { .. } => self.stage = Stage::State(0),
            Stage::State(i) if i < p.protocols.len() => {
                self.count_state(i);
                self.done_units += 1_000;
                self.stage = Stage::State(i + 1);
            }
            Stage::State(_) => {
                self.loads = vec![0; p.nodes as usize];
                self.stage = Stage::Load { next: 0 };
            }
            Stage::Load { next } if next < p.keys => self.stage = self.place_keys(next),
            Stage::Load { .. } => {
                // Without the sweep, the stage past its last size moves straight on.
                self.stage = Stage::Sweep {
                    exponent: if p.sweep {
                        *SWEEP_EXPONENTS.start()
                    } else {
                        SWEEP_EXPONENTS.end() + 1
                    },
                };
            }
            Stage::Sweep { exponent } if SWEEP_EXPONENTS.contains(&exponent) => {
                if let Some(point) = self.sweep_point(1 << exponent) {
                    self.sweep.push(point);
                }
                self.done_units += p.protocols.len() as u64 * 1_000;
                self.stage = Stage::Sweep { exponent: exponent + 1 };
            }
            Stage::Sweep { .. } => {
                self.stage = if p.fail_sweep {
                    Stage::FailureSweep { curve: 0, point: 0 }
                } else {
                    Stage::Attack(0)
                };
            }
            Stage::FailureSweep { curve, point } => self.stage = self.failure_step(curve, point),
            Stage::Attack(i) if i < p.protocols.len() && p.sybils > 0 => {
                self.reports[i].eclipse = Some(self.eclipse(p.protocols[i]));
                self.done_units += 1_000;
                self.stage = Stage::Attack(i + 1);
            }
            Stage::Attack(_) => {
                self.stage = if p.churn > 0 {
                    Stage::Churn { protocol: 0, tick: 0 }
                } else {
                    Stage::Done
                };
            }
            Stage::Churn { protocol, tick } if protocol < p.protocols.len() => {
                self.stage = self.churn_step(protocol, tick);
            }
            Stage::Churn { .. } => self.stage = Stage::Done,
            Stage::Done => return true,
        }
        false
    }

    fn progress(&self) -> (u64, u64) {
        let total = self.total_units();
        (self.done_units.min(total), total)
    }

    fn finish(&mut self) -> Report {
        let mean_rtt = self.mean_rtt();
        let p = &self.params;
        for (rep, latencies) in self.reports.iter_mut().zip(&mut self.latencies) {
            latencies.sort_unstable_by(f64::total_cmp);
            let count = latencies.len().max(1);
            rep.mean_latency_ms = latencies.iter().sum::<f64>() / count as f64;
            rep.p99_latency_ms = latencies.get((count * 99).div_ceil(100) - 1).copied().unwrap_or(0.0);
            let n = u64::from(p.lookups);
            rep.lookups = n;
            rep.mean_hops /= n as f64;
            rep.mean_messages /= n as f64;
            rep.mean_timeouts /= n as f64;
            rep.max_hops = u32::try_from(rep.histogram.len().saturating_sub(1)).expect("few hops");
            rep.p50 = histogram_quantile(&rep.histogram, n, 1, 2);
            rep.p99 = histogram_quantile(&rep.histogram, n, 99, 100);
            // One after another: Chord's and one-hop's messages, Kademlia's rounds.
            // One after another: Chord's and one-hop's answered messages and timeouts; Kademlia's
            // rounds, whose timeouts overlap the round's other queries and are left out.
            rep.theory_latency_ms = match rep.protocol {
                Protocol::Kademlia => rep.mean_hops * mean_rtt,
                Protocol::Chord | Protocol::OneHop => {
                    (rep.mean_messages - rep.mean_timeouts) * mean_rtt + rep.mean_timeouts * TIMEOUT_MS
                }
            };
        }
        let space = self.ids.space;
        let (key, from) = self.lookup_at(p.trace);
        let small = self.ids.len() <= RING_POINTS;
        let mut density = Vec::new();
        if !small {
            density = vec![0u32; RING_BINS as usize];
            for &id in &self.ids.ids {
                density[bin(at(space, id), 1.0 / f64::from(RING_BINS), RING_BINS)] += 1;
            }
        }
        let zoom = if small { Vec::new() } else { self.zoom_levels(key) };
        Report {
            zoom,
            slots: self.ids.len().into(),
            failed_nodes: self.failed_nodes,
            mean_rtt_ms: mean_rtt,
            protocols: std::mem::take(&mut self.reports),
            load: self.load_report(),
            sweep: std::mem::take(&mut self.sweep),
            failure_sweep: std::mem::take(&mut self.failure_curves),
            ring: if small {
                self.ids.ids.iter().map(|&id| at(space, id)).collect()
            } else {
                Vec::new()
            },
            ring_alive: if small {
                self.ids.owner.iter().map(|&o| self.node_alive[o as usize]).collect()
            } else {
                Vec::new()
            },
            density,
            trace_key: key,
            trace_key_at: at(space, key),
            trace_from_at: at(space, self.ids.ids[from as usize]),
        }
    }
}

impl crate::labs::Computes for Params {
    type Run = Job;

    fn start(&self) -> Result<Job, String> {
        Job::new(self)
    }
}
