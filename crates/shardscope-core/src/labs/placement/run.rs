//! Replays a Placement lab scenario and measures one step of it: every chosen algorithm places
//! the same keys before and after the step's event, in chunks, and the loads, moves, flows and
//! replica spread are counted against what theory predicts.


use serde::{Deserialize, Serialize};

use super::{location, AlgorithmChoice, Event, Params};
use crate::anchor::{AnchorHash, DEFAULT_CAPACITY};
use crate::bounded::{capacity, BoundedAssigner};
use crate::hash::{hash_pair, KeySet};
use crate::jump::JumpPlacement;
use crate::maglev::Maglev;
use crate::modn::ModN;
use crate::multiprobe::MultiProbe;
use crate::placement::{count_u32, index_usize, NodeId, Placement, PlacementError};
use crate::query::Choice;
use crate::rendezvous::Rendezvous;
use crate::ring::{Ring, MAX_VNODES};
use crate::topology::{network_topology, well_spread, Location};

/// A member of the cluster as the events leave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The node.
    pub id: NodeId,
    /// Its weight, `1..=MAX_WEIGHT`.
    pub weight: u32,
    /// Where it is.
    pub location: Location,
    /// Whether it has failed.
    pub failed: bool,
}

/// The membership every algorithm sees: events that make no sense for the cluster (an unknown
/// node, failing the last live node) are skipped for all algorithms alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// Members by ascending id.
    pub members: Vec<Member>,
    next_id: NodeId,
}

/// Keys moved per (from, to) pair, keyed by the pair packed in a `u64`. A hash map, for speed on the hot
/// path of ten million keys: its order never escapes, since the report sorts the flows by a total
/// order (keys, then the pair) before they leave.
#[allow(clippy::disallowed_types)]
type FlowTally = std::collections::HashMap<u64, u64>;

/// What an event did to the membership, in the terms the algorithms need.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Change {
    Added(NodeId, u32),
    Removed(NodeId),
    Weighted(NodeId, u32),
    Failed(Vec<NodeId>),
}

impl Cluster {
    /// The cluster before any event.
    #[must_use]
    pub fn initial(params: &Params) -> Self {
        Self {
            members: (0..params.nodes)
                .map(|id| Member {
                    id,
                    weight: 1,
                    location: location(params, id),
                    failed: false,
                })
                .collect(),
            next_id: params.nodes,
        }
    }

    fn position(&self, id: NodeId) -> Result<usize, String> {
        self.members
            .iter()
            .position(|m| m.id == id)
            .ok_or_else(|| format!("node {id} is not in the cluster"))
    }

    fn live(&self) -> usize {
        self.members.iter().filter(|m| !m.failed).count()
    }

    /// Applies an event, or says why it cannot happen to this cluster.
    fn apply(&mut self, params: &Params, event: Event) -> Result<Change, String> {
        match event {
            Event::Add => {
                let id = self.next_id;
                self.next_id += 1;
                self.members.push(Member {
                    id,
                    weight: 1,
                    location: location(params, id),
                    failed: false,
                });
                Ok(Change::Added(id, 1))
            }
            Event::Remove(id) => {
                let i = self.position(id)?;
                if self.members.len() == 1 || (self.live() == 1 && !self.members[i].failed) {
                    return Err(format!("node {id} is the last live node; a cluster needs one"));
                }
                self.members.remove(i);
                Ok(Change::Removed(id))
            }
            Event::Weight(id, w) => {
                if !(1..=super::MAX_WEIGHT).contains(&w) {
                    return Err(format!("weight {w} is outside 1–{}", super::MAX_WEIGHT));
                }
                let i = self.position(id)?;
                self.members[i].weight = w;
                Ok(Change::Weighted(id, w))
            }
            Event::Fail(id) => {
                let i = self.position(id)?;
                if self.members[i].failed {
                    return Err(format!("node {id} has already failed"));
                }
                if self.live() == 1 {
                    return Err(format!("node {id} is the last live node; a cluster needs one"));
                }
                self.members[i].failed = true;
                Ok(Change::Failed(vec![id]))
            }
            Event::FailRack { dc, rack } => {
                let at = Location { dc, rack };
                let victims: Vec<NodeId> = self
                    .members
                    .iter()
                    .filter(|m| m.location == at && !m.failed)
                    .map(|m| m.id)
                    .collect();
                if victims.is_empty() {
                    return Err(format!("rack {rack} of datacenter {dc} has no live node"));
                }
                if victims.len() == self.live() {
                    return Err(format!("rack {rack} of datacenter {dc} holds every live node"));
                }
                for m in &mut self.members {
                    if victims.contains(&m.id) {
                        m.failed = true;
                    }
                }
                Ok(Change::Failed(victims))
            }
        }
    }

    fn racks_in(&self, dc: u32) -> u32 {
        let mut racks: Vec<u32> = self
            .members
            .iter()
            .filter(|m| m.location.dc == dc)
            .map(|m| m.location.rack)
            .collect();
        racks.sort_unstable();
        racks.dedup();
        count_u32(racks.len())
    }

    fn nodes_in(&self, dc: u32) -> u32 {
        count_u32(self.members.iter().filter(|m| m.location.dc == dc).count())
    }

    /// Distinct racks and datacenters among the members.
    fn spread(&self) -> (u32, u32) {
        let mut racks: Vec<Location> = self.members.iter().map(|m| m.location).collect();
        racks.sort_unstable();
        racks.dedup();
        let mut dcs: Vec<u32> = racks.iter().map(|l| l.dc).collect();
        dcs.dedup();
        (count_u32(racks.len()), count_u32(dcs.len()))
    }
}

/// One algorithm's placement, kept in step with the cluster.
#[derive(Clone, Debug)]
enum Inner {
    ModN(ModN),
    Ring(Ring),
    Rendezvous(Rendezvous),
    Jump(JumpPlacement),
    Maglev(Maglev),
    MultiProbe(MultiProbe),
    Bounded(Ring),
    Anchor(AnchorHash),
}

/// An algorithm's state after some events: its placement, the nodes it routes around, and the
/// events it refused.
#[derive(Clone, Debug)]
pub struct Engine {
    algorithm: AlgorithmChoice,
    inner: Inner,
    seed: u64,
    vnodes: u32,
    /// Failed nodes this algorithm keeps as members and routes around (ring, rendezvous: along
    /// their replica order; mod N, jump: by rehashing). The others remove a failed node, which is
    /// their own way of failing over (Maglev and AnchorHash rebuild or remap; bounded loads and
    /// multi-probe drop its points).
    failed: Vec<NodeId>,
    /// Events this algorithm could not apply, as sentences.
    pub refused: Vec<String>,
}

fn vnodes_for(vnodes: u32, weight: u32) -> u32 {
    (vnodes.saturating_mul(weight)).min(MAX_VNODES)
}

impl Engine {
    fn new(params: &Params, algorithm: AlgorithmChoice, cluster: &Cluster) -> Result<Self, PlacementError> {
        let ids: Vec<NodeId> = cluster.members.iter().map(|m| m.id).collect();
        let seed = params.seed;
        let inner = match algorithm {
            AlgorithmChoice::ModN => Inner::ModN(ModN::new(&ids)?),
            AlgorithmChoice::Ring => Inner::Ring(Ring::new(seed, params.vnodes, &ids)?),
            AlgorithmChoice::Rendezvous => Inner::Rendezvous(Rendezvous::new(seed, &ids)?),
            AlgorithmChoice::Jump => Inner::Jump(JumpPlacement::new(&ids)?),
            AlgorithmChoice::Maglev => Inner::Maglev(Maglev::new(seed, params.table, &ids)?),
            AlgorithmChoice::MultiProbe => Inner::MultiProbe(MultiProbe::new(seed, params.probes, &ids)?),
            AlgorithmChoice::Bounded => Inner::Bounded(Ring::new(seed, params.vnodes, &ids)?),
            AlgorithmChoice::Anchor => Inner::Anchor(AnchorHash::new(seed, DEFAULT_CAPACITY, &ids)?),
        };
        Ok(Self {
            algorithm,
            inner,
            seed,
            vnodes: params.vnodes,
            failed: Vec::new(),
            refused: Vec::new(),
        })
    }

    fn placement(&self) -> &dyn Placement {
        match &self.inner {
            Inner::ModN(p) => p,
            Inner::Ring(p) | Inner::Bounded(p) => p,
            Inner::Rendezvous(p) => p,
            Inner::Jump(p) => p,
            Inner::Maglev(p) => p,
            Inner::MultiProbe(p) => p,
            Inner::Anchor(p) => p,
        }
    }

    fn placement_mut(&mut self) -> &mut dyn Placement {
        match &mut self.inner {
            Inner::ModN(p) => p,
            Inner::Ring(p) | Inner::Bounded(p) => p,
            Inner::Rendezvous(p) => p,
            Inner::Jump(p) => p,
            Inner::Maglev(p) => p,
            Inner::MultiProbe(p) => p,
            Inner::Anchor(p) => p,
        }
    }

    /// The members this algorithm places keys on (failed ones it routes around included).
    #[must_use]
    pub fn nodes(&self) -> &[NodeId] {
        self.placement().nodes()
    }

    /// Whether the algorithm keeps failed nodes as members and routes around them.
    fn routes_around_failures(&self) -> bool {
        matches!(
            self.inner,
            Inner::ModN(_) | Inner::Ring(_) | Inner::Rendezvous(_) | Inner::Jump(_)
        )
    }

    fn change(&mut self, change: &Change) -> Result<(), String> {
        let vnodes = self.vnodes;
        let routes_around = self.routes_around_failures();
        match (change, &mut self.inner) {
            (Change::Added(id, w), Inner::Ring(r) | Inner::Bounded(r)) => {
                r.add_node_with_vnodes(*id, vnodes_for(vnodes, *w))
            }
            (Change::Added(id, w), Inner::Rendezvous(h)) => h.add_weighted_node(*id, f64::from(*w)),
            (Change::Added(id, _), _) => self.placement_mut().add_node(*id),
            (Change::Removed(id), _) => {
                let result = self.placement_mut().remove_node(*id);
                if result.is_ok() {
                    self.failed.retain(|f| f != id);
                }
                result
            }
            (Change::Weighted(id, w), Inner::Ring(r) | Inner::Bounded(r)) => r.set_vnodes(*id, vnodes_for(vnodes, *w)),
            (Change::Weighted(id, w), Inner::Rendezvous(h)) => h.set_weight(*id, f64::from(*w)),
            (Change::Weighted(..), _) => Ok(()),
            (Change::Failed(ids), _) if routes_around => {
                self.failed.extend(ids);
                self.failed.sort_unstable();
                Ok(())
            }
            (Change::Failed(ids), _) => ids.iter().try_for_each(|id| self.placement_mut().remove_node(*id)),
        }
        .map_err(|e| match e {
            PlacementError::OnlyLastRemovable { .. } => format!("{e}; AnchorHash removes any node"),
            other => other.to_string(),
        })
    }

    fn is_failed(&self, id: NodeId) -> bool {
        self.failed.binary_search(&id).is_ok()
    }

    /// The node that serves `key`: the owner, or whoever the algorithm fails over to.
    fn serve(&self, key: u64) -> NodeId {
        let first = self.placement().place(key);
        if self.failed.is_empty() || !self.is_failed(first) {
            return first;
        }
        match &self.inner {
            Inner::Ring(r) => r.walk(key).find(|&n| !self.is_failed(n)).unwrap_or(first),
            Inner::Rendezvous(h) => h.place_among(key, |n| !self.is_failed(n)).unwrap_or(first),
            _ => {
                // Mod N and jump hash have no successor order: rehash until a live node answers.
                let mut attempt = 0u64;
                loop {
                    attempt += 1;
                    let node = self.placement().place(hash_pair(self.seed, key, attempt));
                    if !self.is_failed(node) {
                        return node;
                    }
                }
            }
        }
    }

    /// The replica set of `key` (failed nodes included), for the algorithms that have one.
    fn replicas(&self, key: u64, params: &Params, cluster: &Cluster) -> Option<Vec<NodeId>> {
        let locate = |n: NodeId| location(params, n);
        let rf = params.rf as usize;
        match &self.inner {
            Inner::Ring(r) if params.topology => Some(network_topology(
                r.walk(key),
                params.rf,
                locate,
                |dc| cluster.racks_in(dc),
                |dc| cluster.nodes_in(dc),
            )),
            Inner::Ring(r) => Some(r.walk(key).take(rf).collect()),
            Inner::Rendezvous(h) if params.topology => {
                let ranked = h.place_replicas(key, u32::MAX);
                Some(network_topology(
                    ranked.into_iter(),
                    params.rf,
                    locate,
                    |dc| cluster.racks_in(dc),
                    |dc| cluster.nodes_in(dc),
                ))
            }
            Inner::Rendezvous(h) => Some(h.place_replicas(key, params.rf)),
            _ => None,
        }
    }
}

/// Whether an event can be recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventCheck {
    /// Every chosen algorithm can apply it.
    Fine,
    /// Some chosen algorithms refuse it (the sentence names them); the others apply it.
    RefusedBy(String),
    /// The cluster, or every chosen algorithm, refuses it.
    Impossible(String),
}

/// Replays the cluster and the engines through `events[..upto]`.
fn replay(params: &Params, upto: usize) -> Result<(Cluster, Vec<Engine>, Vec<String>), PlacementError> {
    let mut cluster = Cluster::initial(params);
    let mut engines: Vec<Engine> = params
        .algorithms
        .iter()
        .map(|&a| Engine::new(params, a, &cluster))
        .collect::<Result<_, _>>()?;
    let mut skipped = Vec::new();
    for (i, &event) in params.events.iter().take(upto).enumerate() {
        match cluster.apply(params, event) {
            Err(reason) => skipped.push(format!("event {} ({}) skipped: {reason}", i + 1, event.describe())),
            Ok(change) => {
                for engine in &mut engines {
                    if let Err(reason) = engine.change(&change) {
                        engine
                            .refused
                            .push(format!("event {} ({}): {reason}", i + 1, event.describe()));
                    }
                }
            }
        }
    }
    Ok((cluster, engines, skipped))
}

/// The parameters for checking which events the algorithms accept: the same as `params` but with
/// one virtual node per unit of weight. Whether an event is refused never depends on the number of
/// ring points, and a thousand nodes with a thousand points each would make a check (which runs
/// on the page's main thread, on every edit) cost a hundred milliseconds.
fn for_checks(params: &Params) -> Params {
    Params {
        vnodes: 1,
        ..params.clone()
    }
}

/// Checks event `index` of `params.events` against the cluster and the chosen algorithms.
#[must_use]
pub fn check_event(params: &Params, index: usize) -> EventCheck {
    let Ok((mut cluster, mut engines, _)) = replay(&for_checks(params), index) else {
        return EventCheck::Impossible("the cluster cannot be built".into());
    };
    let event = params.events[index];
    let change = match cluster.apply(params, event) {
        Ok(change) => change,
        Err(reason) => return EventCheck::Impossible(reason),
    };
    let mut refusals = Vec::new();
    for engine in &mut engines {
        if let Err(reason) = engine.change(&change) {
            refusals.push(format!("{}: {reason}", engine.algorithm.label()));
        }
    }
    if refusals.is_empty() {
        EventCheck::Fine
    } else if refusals.len() == engines.len() {
        EventCheck::Impossible(refusals.join("; "))
    } else {
        EventCheck::RefusedBy(format!("recorded, but {}", refusals.join("; ")))
    }
}

/// Every recorded event the cluster skips (an unknown node, the last live node), as sentences.
/// Events only some algorithms refuse are not problems of the link: the lab shows them beside
/// those algorithms' numbers.
#[must_use]
pub fn check_events(params: &Params) -> Vec<String> {
    let mut cluster = Cluster::initial(params);
    let mut skipped = Vec::new();
    for (i, &event) in params.events.iter().enumerate() {
        if let Err(reason) = cluster.apply(params, event) {
            skipped.push(format!("event {} ({}) skipped: {reason}", i + 1, event.describe()));
        }
    }
    skipped
}

/// What one algorithm's chunked pass counts.
#[derive(Clone, Debug)]
struct Tally {
    before: Engine,
    after: Engine,
    before_bounded: Option<BoundedAssigner>,
    after_bounded: Option<BoundedAssigner>,
    keys_before: Vec<u64>,
    keys_after: Vec<u64>,
    requests_after: Vec<f64>,
    moved: u64,
    flows: FlowTally,
    under_replicated: u64,
    unavailable: u64,
    badly_spread: u64,
}

/// One node's row in a report.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeRow {
    /// The node.
    pub node: NodeId,
    /// Keys it held before the event (`None`: not a member of this algorithm then).
    pub before: Option<u64>,
    /// Keys it holds after the event (`None`: not a member now).
    pub after: Option<u64>,
    /// Its share of requests after the event, in keys' worth (equal to `after` without Zipf).
    pub requests: f64,
    /// Whether it is down after the event.
    pub failed: bool,
    /// Its weight.
    pub weight: u32,
    /// Where it is.
    pub location: Location,
}

/// Keys that moved from one node to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    /// Where they were.
    pub from: NodeId,
    /// Where they went.
    pub to: NodeId,
    /// How many.
    pub keys: u64,
}

/// What theory predicts for a step, next to the measurement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Theory {
    /// Keys expected to move (`None`: no closed form, said in `note`).
    pub moved: Option<f64>,
    /// Expected standard deviation of the load, in percent of the mean.
    pub std_pct: Option<f64>,
    /// Expected or guaranteed peak-to-mean load.
    pub peak: Option<f64>,
    /// Where the numbers come from.
    pub note: String,
}

/// Replication numbers after the event, over the first [`REPLICA_SAMPLE`] keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replication {
    /// Keys whose replica sets were examined.
    pub examined: u64,
    /// Keys with at least one failed replica.
    pub under_replicated: u64,
    /// Keys with no live replica.
    pub unavailable: u64,
    /// Keys whose replicas are not spread over as many racks and datacenters as possible.
    pub badly_spread: u64,
}

/// A view of the algorithm's structure: ring arcs, a Maglev strip or jump's buckets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Structure {
    /// The ring in equal arcs, each with the node owning its midpoint, and the number of points
    /// (vnodes) on the ring.
    Ring {
        /// Owner of each arc's midpoint, clockwise from position 0.
        segments: Vec<NodeId>,
        /// Points on the ring.
        points: u32,
    },
    /// Multi-probe's node points (one per node) as fractions of the circle.
    Points(Vec<(f64, NodeId)>),
    /// A sample of the Maglev table (owner of evenly spaced slots) and slots per node
    /// (fewest, most).
    Table {
        /// Owners of evenly spaced slots.
        sample: Vec<NodeId>,
        /// Table size.
        size: u32,
        /// Fewest and most slots any node owns.
        slots: (u64, u64),
    },
    /// Buckets in order: bucket `i` is node `order[i]` (mod N, jump hash, AnchorHash's working set).
    Buckets(Vec<NodeId>),
}

/// One algorithm's numbers for a step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlgorithmReport {
    /// Which algorithm.
    pub algorithm: AlgorithmChoice,
    /// Every node that is a member before or after, by id.
    pub nodes: Vec<NodeRow>,
    /// Keys moved by the event (their serving node changed).
    pub moved: u64,
    /// The fewest moves any placement with the same before and after loads needs.
    pub minimum: u64,
    /// The largest flows between nodes, largest first.
    pub flows: Vec<Flow>,
    /// Distinct (from, to) pairs that keys moved along.
    pub flow_pairs: u64,
    /// Live nodes after the event.
    pub live: u32,
    /// Largest request load over the mean, over live nodes (each node's load divided by its fair
    /// share when the algorithm honours weights).
    pub peak_to_mean: f64,
    /// The same for key counts, which is what bounded loads bounds (equal to `peak_to_mean`
    /// without Zipf popularity).
    pub peak_keys_to_mean: f64,
    /// Standard deviation of request load over live nodes, percent of the mean.
    pub std_pct: f64,
    /// Theory for these numbers.
    pub theory: Theory,
    /// Replica numbers, for algorithms with replica sets when `rf > 1` or nodes failed.
    pub replication: Option<Replication>,
    /// Events this algorithm refused up to this step.
    pub refused: Vec<String>,
    /// The structure view.
    pub structure: Structure,
}

/// The numbers for one step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Keys placed.
    pub keys: u64,
    /// The step's event, described (`None` at step 0).
    pub event: Option<String>,
    /// Events the cluster skipped up to this step.
    pub skipped: Vec<String>,
    /// The most popular key's share of requests, in percent (only with Zipf popularity).
    pub hot_key_pct: Option<f64>,
    /// One report per chosen algorithm, in the chosen order.
    pub algorithms: Vec<AlgorithmReport>,
}

/// What the last [`Job::step`] did, so a caller with a clock can time lookups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// Placed this many keys twice (before and after) with algorithm `index`.
    Lookup {
        /// Index into the chosen algorithms.
        index: u32,
        /// Keys placed (each placed twice).
        keys: u64,
    },
    /// Counted loads, moves and replicas for the chunk just placed.
    Accounting,
}

/// The computation of one step, advanced in chunks.
#[derive(Clone, Debug)]
pub struct Job {
    params: Params,
    keys: KeySet,
    cluster_before: Cluster,
    cluster: Cluster,
    event: Option<String>,
    skipped: Vec<String>,
    tallies: Vec<Tally>,
    current: usize,
    next_key: u64,
    zipf_exponent: f64,
    /// Sum of raw popularity weights `(i+1)^-s` over all keys, and of their squares.
    popularity_sum: f64,
    popularity_sq: f64,
    placed: bool,
    last: StepKind,
    key_buf: Vec<u64>,
    before_buf: Vec<NodeId>,
    after_buf: Vec<NodeId>,
    chunk: u64,
}

/// Replica sets are computed for the first this many keys only: a topology-aware walk costs far
/// more than a lookup, and a million keys already pin the shares to within 0.1%.
pub const REPLICA_SAMPLE: u64 = 1_000_000;

/// Keys per chunk: small enough that a chunk takes a few milliseconds, large enough that the
/// per-chunk overhead vanishes.
pub const CHUNK: u64 = 1 << 15;

impl Job {
    /// Prepares the step `params.step` of the scenario.
    pub fn new(params: &Params) -> Result<Self, PlacementError> {
        let step = params.step as usize;
        let (cluster_before, engines_before, _) = replay(params, step.saturating_sub(1))?;
        let (cluster, engines_after, skipped) = replay(params, step)?;
        let keys = u64::from(params.keys);
        let event = (step > 0).then(|| params.events[step - 1].describe());
        let max_id = cluster.next_id.max(cluster_before.next_id) as usize + 1;
        let tallies = engines_before
            .into_iter()
            .zip(engines_after)
            .map(|(before, after)| {
                let bounded = |e: &Engine| match &e.inner {
                    Inner::Bounded(ring) => Some(BoundedAssigner::new(ring, keys, params.epsilon)),
                    _ => None,
                };
                Tally {
                    before_bounded: bounded(&before),
                    after_bounded: bounded(&after),
                    before,
                    after,
                    keys_before: vec![0; max_id],
                    keys_after: vec![0; max_id],
                    requests_after: vec![0.0; max_id],
                    moved: 0,
                    flows: FlowTally::default(),
                    under_replicated: 0,
                    unavailable: 0,
                    badly_spread: 0,
                }
            })
            .collect();
        Ok(Self {
            keys: KeySet::new(params.seed, keys),
            params: params.clone(),
            cluster_before,
            cluster,
            event,
            skipped,
            tallies,
            current: 0,
            next_key: 0,
            zipf_exponent: f64::from(params.zipf) / 100.0,
            popularity_sum: 0.0,
            popularity_sq: 0.0,
            placed: false,
            last: StepKind::Accounting,
            key_buf: Vec::new(),
            before_buf: Vec::new(),
            after_buf: Vec::new(),
            chunk: CHUNK,
        })
    }

    /// Units done and units in all (keys × algorithms).
    #[must_use]
    pub fn progress(&self) -> (u64, u64) {
        let total = self.keys.len() * self.tallies.len() as u64;
        (self.current as u64 * self.keys.len() + self.next_key, total)
    }

    /// Whether every algorithm has placed every key.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.current == self.tallies.len()
    }

    /// What the last step did.
    #[must_use]
    pub fn last_step(&self) -> StepKind {
        self.last
    }

    /// Advances by one chunk: alternately places a chunk of keys (before and after) and counts
    /// it. Returns whether the job is done.
    pub fn step(&mut self) -> bool {
        if self.is_done() {
            return true;
        }
        if self.placed {
            self.account();
            self.placed = false;
            self.next_key += self.key_buf.len() as u64;
            if self.next_key == self.keys.len() {
                self.current += 1;
                self.next_key = 0;
            }
            self.last = StepKind::Accounting;
        } else {
            let count = (self.keys.len() - self.next_key).min(self.chunk);
            let len = usize::try_from(count).expect("a chunk fits in memory");
            self.key_buf.resize(len, 0);
            self.before_buf.resize(len, 0);
            self.after_buf.resize(len, 0);
            self.keys.fill(self.next_key, &mut self.key_buf);
            let tally = &mut self.tallies[self.current];
            place(
                &tally.before,
                tally.before_bounded.as_mut(),
                &self.key_buf,
                &mut self.before_buf,
            );
            place(
                &tally.after,
                tally.after_bounded.as_mut(),
                &self.key_buf,
                &mut self.after_buf,
            );
            self.placed = true;
            self.last = StepKind::Lookup {
                index: u32::try_from(self.current).expect("at most four algorithms"),
                keys: count,
            };
        }
        self.is_done()
    }

    fn account(&mut self) {
        let first_pass = self.current == 0;
        let zipf = self.zipf_exponent > 0.0;
        let tally = &mut self.tallies[self.current];
        let with_replicas =
            (self.params.rf > 1 || !tally.after.failed.is_empty()) && tally.after.algorithm.replication().is_ok();
        let (racks, dcs) = self.cluster.spread();
        for (i, ((&b, &a), &key)) in self
            .before_buf
            .iter()
            .zip(&self.after_buf)
            .zip(&self.key_buf)
            .enumerate()
        {
            let weight = if zipf {
                libm::pow((self.next_key + i as u64 + 1) as f64, -self.zipf_exponent)
            } else {
                1.0
            };
            if first_pass {
                self.popularity_sum += weight;
                self.popularity_sq += weight * weight;
            }
            tally.keys_before[b as usize] += 1;
            tally.keys_after[a as usize] += 1;
            tally.requests_after[a as usize] += weight;
            if a != b {
                tally.moved += 1;
                *tally.flows.entry((u64::from(b) << 32) | u64::from(a)).or_default() += 1;
            }
            if with_replicas && self.next_key + (i as u64) < REPLICA_SAMPLE {
                if let Some(set) = tally.after.replicas(key, &self.params, &self.cluster) {
                    let down = set.iter().filter(|&&n| tally.after.is_failed(n)).count();
                    tally.under_replicated += u64::from(down > 0);
                    tally.unavailable += u64::from(down == set.len());
                    let locate = |n: NodeId| location(&self.params, n);
                    tally.badly_spread += u64::from(!well_spread(&set, locate, racks, dcs));
                }
            }
        }
    }

    /// The numbers, once [`is_done`](Self::is_done).
    #[must_use]
    pub fn report(&self) -> Report {
        let keys = self.keys.len();
        let scale = if self.popularity_sum > 0.0 {
            keys as f64 / self.popularity_sum
        } else {
            1.0
        };
        let hot_key_pct = (self.zipf_exponent > 0.0 && self.popularity_sum > 0.0).then(|| 100.0 / self.popularity_sum);
        // Σ p_i² for the normalised popularity p_i = w_i / Σw: what the load variance depends on.
        let concentration = if self.popularity_sum > 0.0 {
            self.popularity_sq / (self.popularity_sum * self.popularity_sum)
        } else {
            1.0 / keys.max(1) as f64
        };
        let algorithms = self
            .tallies
            .iter()
            .map(|t| self.algorithm_report(t, scale, concentration))
            .collect();
        Report {
            keys,
            event: self.event.clone(),
            skipped: self.skipped.clone(),
            hot_key_pct,
            algorithms,
        }
    }

    fn algorithm_report(&self, t: &Tally, scale: f64, concentration: f64) -> AlgorithmReport {
        let member = |e: &Engine, id: NodeId| e.nodes().contains(&id);
        let mut ids: Vec<NodeId> = t.before.nodes().iter().chain(t.after.nodes()).copied().collect();
        ids.sort_unstable();
        ids.dedup();
        let info = |id: NodeId| self.cluster.members.iter().find(|m| m.id == id);
        let nodes: Vec<NodeRow> = ids
            .iter()
            .map(|&id| {
                let m = info(id).or_else(|| self.cluster_before.members.iter().find(|m| m.id == id));
                NodeRow {
                    node: id,
                    before: member(&t.before, id).then(|| t.keys_before[id as usize]),
                    after: member(&t.after, id).then(|| t.keys_after[id as usize]),
                    requests: t.requests_after[id as usize] * scale,
                    failed: info(id).is_some_and(|m| m.failed),
                    weight: m.map_or(1, |m| m.weight),
                    location: m.map_or(location(&self.params, id), |m| m.location),
                }
            })
            .collect();
        let minimum: u64 = ids
            .iter()
            .map(|&id| t.keys_after[id as usize].saturating_sub(t.keys_before[id as usize]))
            .sum();
        let live: Vec<&NodeRow> = nodes.iter().filter(|r| r.after.is_some() && !r.failed).collect();
        let live_count = live.len() as u64;
        let n = live.len().max(1) as f64;
        // Balance is judged against each node's fair share: with weights that is its weight's
        // part of the total, for the algorithms that honour weights.
        let weighted = t.after.algorithm.uses_weights();
        let mean_weight = live.iter().map(|r| f64::from(r.weight)).sum::<f64>() / n;
        let fair = |r: &NodeRow| {
            if weighted {
                f64::from(r.weight) / mean_weight
            } else {
                1.0
            }
        };
        let relative = |value: f64, r: &NodeRow| value / fair(r);
        let mean = live.iter().map(|r| r.requests).sum::<f64>() / n;
        let peak = live.iter().map(|r| relative(r.requests, r)).fold(0.0, f64::max);
        let var = live
            .iter()
            .map(|r| (relative(r.requests, r) - mean).powi(2))
            .sum::<f64>()
            / n;
        let mean_keys = live.iter().map(|r| r.after.unwrap_or(0) as f64).sum::<f64>() / n;
        let peak_keys = live
            .iter()
            .map(|r| relative(r.after.unwrap_or(0) as f64, r))
            .fold(0.0, f64::max);
        let mut flows: Vec<Flow> = t
            .flows
            .iter()
            .map(|(&pair, &keys)| Flow {
                from: (pair >> 32) as NodeId,
                to: (pair & 0xffff_ffff) as NodeId,
                keys,
            })
            .collect();
        // Largest first; ties by (from, to) so that the order never depends on the map's.
        flows.sort_unstable_by(|a, b| b.keys.cmp(&a.keys).then((a.from, a.to).cmp(&(b.from, b.to))));
        let flow_pairs = flows.len() as u64;
        flows.truncate(8);
        let replication = ((self.params.rf > 1 || !t.after.failed.is_empty())
            && t.after.algorithm.replication().is_ok())
        .then_some(Replication {
            examined: self.keys.len().min(REPLICA_SAMPLE),
            under_replicated: t.under_replicated,
            unavailable: t.unavailable,
            badly_spread: t.badly_spread,
        });
        let theory = self.theory(t, &nodes, live_count, concentration);
        AlgorithmReport {
            algorithm: t.after.algorithm,
            theory,
            nodes,
            moved: t.moved,
            minimum,
            flows,
            flow_pairs,
            live: u32::try_from(live_count).expect("node count fits in u32"),
            peak_to_mean: if mean > 0.0 { peak / mean } else { 0.0 },
            peak_keys_to_mean: if mean_keys > 0.0 { peak_keys / mean_keys } else { 0.0 },
            std_pct: if mean > 0.0 { 100.0 * var.sqrt() / mean } else { 0.0 },
            replication,
            refused: t.after.refused.clone(),
            structure: structure(&t.after),
        }
    }

    fn theory(&self, t: &Tally, nodes: &[NodeRow], live: u64, concentration: f64) -> Theory {
        let keys = self.keys.len() as f64;
        let n = live.max(1) as f64;
        // A node's share of requests when every key lands on it with probability 1/n:
        // σ/mean = √(n·Σp²·(1 − 1/n)), which is √((n − 1)/K) for equal popularity.
        let sampling = (n * concentration * (1.0 - 1.0 / n)).sqrt();
        let peak_of = |rel: f64| 1.0 + rel * (2.0 * n.ln()).sqrt();
        let moved = expected_moved(t, (&self.cluster_before, &self.cluster), nodes, keys);
        let (std, peak, note) = match t.after.algorithm {
            AlgorithmChoice::Ring => {
                let v = f64::from(self.params.vnodes);
                let rel = (1.0 / v + sampling * sampling).sqrt();
                (
                    Some(rel),
                    Some(peak_of(rel)),
                    "ring: σ ≈ √(1/vnodes + sampling) of the mean; moves ≈ the share of the nodes that changed (Karger et al.)",
                )
            }
            AlgorithmChoice::MultiProbe => {
                let k = f64::from(self.params.probes);
                (
                    None,
                    (k > 1.0).then(|| 1.0 + 1.0 / (k - 1.0) + sampling * (2.0 * n.ln()).sqrt()),
                    "multi-probe: peak/mean ≈ 1 + 1/(k − 1) with k probes (Appleton and O'Reilly), plus sampling noise",
                )
            }
            AlgorithmChoice::Bounded => {
                let cap = capacity(self.keys.len(), live, self.params.epsilon) as f64;
                (
                    None,
                    Some(cap / (keys / n)),
                    "bounded loads: no node holds more than ⌈(1 + ε)·mean⌉ keys (a guarantee); moves exceed the minimum by O(1/ε²) per change (Mirrokni et al.)",
                )
            }
            AlgorithmChoice::Maglev => (
                Some(sampling),
                Some(peak_of(sampling)),
                "Maglev: table shares differ by at most one slot (≤ N/M, under 1% when M > 100·N), so loads vary by sampling alone; the expected move is the minimum, K/(n + 1) on a join, which Maglev exceeds: refilling the table also shifts some slots between other nodes (Eisenbud et al. §3.4 trade a little disruption for balance)",
            ),
            AlgorithmChoice::ModN => (
                Some(sampling),
                Some(peak_of(sampling)),
                "mod N: balanced up to sampling noise; a change of N moves every key whose bucket differs (exact over lcm(n, m))",
            ),
            _ => (
                Some(sampling),
                Some(peak_of(sampling)),
                "balanced up to sampling noise σ = √((n − 1)/K) of the mean for equal popularity; moves = the share of the nodes that changed",
            ),
        };
        Theory {
            moved,
            std_pct: std.map(|s| 100.0 * s),
            peak,
            note: note.into(),
        }
    }
}

/// The keys theory expects an event to move: for consistent algorithms, the increase of every
/// node's expected share (weights where the algorithm uses them), which is also the minimum any
/// balanced placement must move; for mod N, exactly over the period lcm(n, m).
fn expected_moved(t: &Tally, clusters: (&Cluster, &Cluster), nodes: &[NodeRow], keys: f64) -> Option<f64> {
    let share = |e: &Engine, cluster: &Cluster, id: NodeId| -> f64 {
        if !e.nodes().contains(&id) || e.is_failed(id) {
            return 0.0;
        }
        let weight = |id: NodeId| {
            if e.algorithm.uses_weights() {
                f64::from(cluster.members.iter().find(|m| m.id == id).map_or(1, |m| m.weight))
            } else {
                1.0
            }
        };
        let total: f64 = e
            .nodes()
            .iter()
            .filter(|&&id| !e.is_failed(id))
            .map(|&id| weight(id))
            .sum();
        weight(id) / total
    };
    match t.after.algorithm {
        AlgorithmChoice::Bounded => None,
        AlgorithmChoice::ModN if t.before.failed.is_empty() && t.after.failed.is_empty() => {
            Some(keys * crate::modn::moved_fraction(t.before.nodes(), t.after.nodes()))
        }
        _ => Some(
            keys * nodes
                .iter()
                .map(|row| (share(&t.after, clusters.1, row.node) - share(&t.before, clusters.0, row.node)).max(0.0))
                .sum::<f64>(),
        ),
    }
}

fn place(engine: &Engine, bounded: Option<&mut BoundedAssigner>, keys: &[u64], out: &mut [NodeId]) {
    if let Some(assigner) = bounded {
        for (k, o) in keys.iter().zip(out.iter_mut()) {
            *o = assigner.assign(*k);
        }
    } else if engine.failed.is_empty() {
        engine.placement().place_batch(keys, out);
    } else {
        for (k, o) in keys.iter().zip(out.iter_mut()) {
            *o = engine.serve(*k);
        }
    }
}

/// Arcs drawn for a ring view.
pub const RING_SEGMENTS: u32 = 180;
/// Cells drawn for a Maglev table strip.
pub const TABLE_SAMPLE: u32 = 256;

fn structure(engine: &Engine) -> Structure {
    match &engine.inner {
        Inner::Ring(r) | Inner::Bounded(r) => {
            // Sampling each arc at its midpoint keeps the view cheap however many points the
            // ring has; the arcs are drawn, not measured (the loads are measured).
            let segment_len = u64::MAX / u64::from(RING_SEGMENTS);
            let segments = (0..u64::from(RING_SEGMENTS))
                .map(|s| r.place(s * segment_len + segment_len / 2))
                .collect();
            Structure::Ring {
                segments,
                points: count_u32(r.points().len()),
            }
        }
        Inner::MultiProbe(m) => Structure::Points(
            m.points()
                .iter()
                .map(|p| (crate::hash::unit_interval(p.position), p.node))
                .collect(),
        ),
        Inner::Maglev(m) => {
            let size = u64::from(m.size());
            let sample = (0..u64::from(TABLE_SAMPLE))
                .map(|i| m.table()[index_usize(i * size / u64::from(TABLE_SAMPLE))])
                .collect();
            let mut counts: Vec<(NodeId, u64)> = m.nodes().iter().map(|&n| (n, 0)).collect();
            counts.sort_unstable();
            for &owner in m.table() {
                if let Ok(i) = counts.binary_search_by_key(&owner, |c| c.0) {
                    counts[i].1 += 1;
                }
            }
            let lo = counts.iter().map(|c| c.1).min().unwrap_or(0);
            let hi = counts.iter().map(|c| c.1).max().unwrap_or(0);
            Structure::Table {
                sample,
                size: m.size(),
                slots: (lo, hi),
            }
        }
        _ => Structure::Buckets(engine.nodes().to_vec()),
    }
}
