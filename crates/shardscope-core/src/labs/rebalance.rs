//! The "Rebalance" lab: what one node joining or leaving does to the keys of a cluster.
//!
//! The lab places `keys` seeded keys on `nodes` nodes (ids `0..nodes`) with one algorithm, applies
//! one event (a node joins, or one leaves), and compares the two placements key by key: load per
//! node before and after, keys moved, and the fewest moves any placement with the same loads would
//! need.

use super::LabParams;
use crate::hash::KeySet;
use crate::placement::{Algorithm, Movement, MovementCounter, NodeId, Placement, PlacementError};
use crate::query::{to_query, Choice, Problem, Query};

/// The permalink format version this code writes and reads.
pub const VERSION: u32 = 1;
/// The most nodes the lab starts with.
pub const MAX_NODES: u32 = 64;
/// The most keys the lab places.
pub const MAX_KEYS: u32 = 1_000_000;
/// The permalink parameters of this lab, in the order they are written.
pub const PARAMS: [&str; 7] = ["v", "alg", "nodes", "keys", "vnodes", "seed", "event"];

/// The algorithms this lab compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlgorithmChoice {
    /// `hash % N`.
    ModN,
    /// Consistent-hash ring with virtual nodes.
    Ring,
    /// Rendezvous (HRW) hashing.
    Rendezvous,
    /// Jump consistent hash.
    Jump,
}

impl Choice for AlgorithmChoice {
    const ALL: &'static [Self] = &[Self::ModN, Self::Ring, Self::Rendezvous, Self::Jump];

    fn slug(self) -> &'static str {
        match self {
            Self::ModN => "modn",
            Self::Ring => "ring",
            Self::Rendezvous => "hrw",
            Self::Jump => "jump",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::ModN => "hash mod N",
            Self::Ring => "Ring with virtual nodes",
            Self::Rendezvous => "Rendezvous (HRW)",
            Self::Jump => "Jump hash",
        }
    }
}

impl AlgorithmChoice {
    /// Whether the choice minimises movement (every algorithm here but mod N).
    #[must_use]
    pub fn is_consistent(self) -> bool {
        self != Self::ModN
    }

    fn algorithm(self, vnodes: u32) -> Algorithm {
        match self {
            Self::ModN => Algorithm::ModN,
            Self::Ring => Algorithm::Ring { vnodes },
            Self::Rendezvous => Algorithm::Rendezvous,
            Self::Jump => Algorithm::Jump,
        }
    }
}

/// The membership change the lab shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A new node (id `nodes`) joins.
    Add,
    /// The node with this id leaves.
    Remove(NodeId),
}

impl Event {
    fn slug(self) -> String {
        match self {
            Self::Add => "add".into(),
            Self::Remove(id) => format!("remove-{id}"),
        }
    }
}

/// The lab's whole state: everything its permalink stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// The placement algorithm.
    pub algorithm: AlgorithmChoice,
    /// Nodes before the event, `1..=MAX_NODES`, with ids `0..nodes`.
    pub nodes: u32,
    /// Keys placed, `1..=MAX_KEYS`.
    pub keys: u32,
    /// Virtual nodes per node on the ring, `1..=MAX_VNODES` (kept, but unused, for the others).
    pub vnodes: u32,
    /// Seeds the keys and the seeded algorithms.
    pub seed: u64,
    /// The event.
    pub event: Event,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            algorithm: AlgorithmChoice::Ring,
            nodes: 8,
            keys: 100_000,
            vnodes: 100,
            seed: 42,
            event: Event::Add,
        }
    }
}

impl Params {
    /// [`LabParams::from_query_ignoring`] with nothing ignored.
    #[must_use]
    pub fn from_query(input: &str) -> (Self, Vec<Problem>) {
        <Self as LabParams>::from_query_ignoring(input, &[])
    }

    /// Why the event cannot happen in this cluster, and the nearest event that can.
    fn event_conflict(&self) -> Option<(String, Event)> {
        let Event::Remove(id) = self.event else { return None };
        if self.nodes == 1 {
            return Some((PlacementError::LastNode(id).to_string(), Event::Add));
        }
        if id >= self.nodes {
            return Some((
                format!("node {id} is not in a cluster of nodes 0–{}", self.nodes - 1),
                Event::Add,
            ));
        }
        let last = self.nodes - 1;
        if self.algorithm == AlgorithmChoice::Jump && id != last {
            return Some((
                PlacementError::OnlyLastRemovable { requested: id, last }.to_string(),
                Event::Remove(last),
            ));
        }
        None
    }

    /// Replaces an event that cannot happen with the nearest one that can, and says why.
    fn repair_event(&mut self) -> Option<String> {
        let (reason, fallback) = self.event_conflict()?;
        self.event = fallback;
        Some(match fallback {
            Event::Add => format!("{reason}; adding a node instead"),
            Event::Remove(id) => format!("{reason}; removing node {id} instead"),
        })
    }

    /// The nodes before the event.
    #[must_use]
    pub fn initial_nodes(&self) -> Vec<NodeId> {
        (0..self.nodes).collect()
    }
}

/// What a user can do in the lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Choose the algorithm.
    SetAlgorithm(AlgorithmChoice),
    /// Set the node count before the event.
    SetNodes(u32),
    /// Set the number of keys.
    SetKeys(u32),
    /// Set the virtual nodes per node of the ring.
    SetVnodes(u32),
    /// Set the seed.
    SetSeed(u64),
    /// Show a node joining.
    AddNode,
    /// Show this node leaving.
    RemoveNode(NodeId),
    /// Replace the whole state, as when a permalink is opened.
    Load(Params),
}

/// The lab's model: its parameters and the notice left by the last command.
pub type Model = super::Model<Params>;

impl LabParams for Params {
    type Command = Command;
    const SLUG: &'static str = "rebalance";

    /// The permalink query string (without `?`), versioned.
    ///
    /// ```
    /// use shardscope_core::labs::{rebalance::Params, LabParams};
    /// let p = Params::default();
    /// let query = p.to_query();
    /// assert_eq!(query, "v=1&alg=ring&nodes=8&keys=100000&vnodes=100&seed=42&event=add");
    /// assert_eq!(Params::from_query(&query), (p, vec![]));
    /// ```
    fn to_query(&self) -> String {
        to_query(&[
            ("v", VERSION.to_string()),
            ("alg", self.algorithm.slug().into()),
            ("nodes", self.nodes.to_string()),
            ("keys", self.keys.to_string()),
            ("vnodes", self.vnodes.to_string()),
            ("seed", self.seed.to_string()),
            ("event", self.event.slug()),
        ])
    }

    /// Reads a permalink query string. Never fails: every missing or invalid field takes its
    /// default, and every problem is reported. `ignore` names parameters that belong to the page
    /// rather than to the lab (such as `embed`).
    fn from_query_ignoring(input: &str, ignore: &[&str]) -> (Self, Vec<Problem>) {
        let defaults = Self::default();
        let (query, mut problems) = Query::parse_versioned(input, VERSION, &PARAMS, ignore);
        let Some(query) = query else {
            return (defaults, problems);
        };
        let algorithm = query.choice("alg", defaults.algorithm, &mut problems);
        let nodes = query.int_in("nodes", 1..=MAX_NODES, defaults.nodes, &mut problems);
        let keys = query.int_in("keys", 1..=MAX_KEYS, defaults.keys, &mut problems);
        let vnodes = query.int_in("vnodes", 1..=crate::ring::MAX_VNODES, defaults.vnodes, &mut problems);
        let seed = query.int_in("seed", 0..=u64::MAX, defaults.seed, &mut problems);
        let event = match query.get("event") {
            None | Some("add") => Event::Add,
            Some(raw) => {
                if let Some(id) = raw.strip_prefix("remove-").and_then(|id| id.parse::<NodeId>().ok()) {
                    Event::Remove(id)
                } else {
                    problems.push(Problem {
                        field: "event".into(),
                        message: format!(
                            "“{}” is neither “add” nor “remove-ID”; using add",
                            crate::query::echo(raw)
                        ),
                    });
                    Event::Add
                }
            }
        };
        let mut params = Self {
            algorithm,
            nodes,
            keys,
            vnodes,
            seed,
            event,
        };
        if let Some(message) = params.repair_event() {
            problems.push(Problem {
                field: "event".into(),
                message,
            });
        }
        (params, problems)
    }

    fn load(params: Self) -> Command {
        Command::Load(params)
    }

    /// Applies a command. Values outside their range are refused with a notice; a change that
    /// makes the event impossible adjusts the event and says so.
    ///
    /// ```
    /// use shardscope_core::labs::rebalance::{AlgorithmChoice, Command, Event, Model};
    /// let mut model = Model::default();
    /// model.apply(Command::SetAlgorithm(AlgorithmChoice::Jump));
    /// model.apply(Command::RemoveNode(2));
    /// assert_eq!(model.params.event, Event::Add); // Refused: jump hash only drops the last bucket.
    /// assert!(model.notice.as_deref().unwrap().contains("only remove the last bucket"));
    /// ```
    fn apply(&mut self, command: Command) -> Option<String> {
        let mut notice = None;
        let mut next = *self;
        let out_of_range = |what: &str, value: u64, max: u64| Some(format!("{what} must be 1–{max}, not {value}"));
        match command {
            Command::SetAlgorithm(a) => next.algorithm = a,
            Command::SetNodes(n) if (1..=MAX_NODES).contains(&n) => next.nodes = n,
            Command::SetNodes(n) => notice = out_of_range("nodes", n.into(), MAX_NODES.into()),
            Command::SetKeys(k) if (1..=MAX_KEYS).contains(&k) => next.keys = k,
            Command::SetKeys(k) => notice = out_of_range("keys", k.into(), MAX_KEYS.into()),
            Command::SetVnodes(v) if (1..=crate::ring::MAX_VNODES).contains(&v) => next.vnodes = v,
            Command::SetVnodes(v) => {
                notice = out_of_range("virtual nodes", v.into(), crate::ring::MAX_VNODES.into());
            }
            Command::SetSeed(s) => next.seed = s,
            Command::AddNode => next.event = Event::Add,
            Command::RemoveNode(id) => {
                next.event = Event::Remove(id);
                if let Some((reason, _)) = next.event_conflict() {
                    // An explicit request that cannot happen is refused, not reinterpreted.
                    notice = Some(reason);
                    return notice;
                }
            }
            Command::Load(params) => next = params,
        }
        if let Some(message) = next.repair_event() {
            notice = Some(message);
        }
        *self = next;
        notice
    }
}

/// Load of one node before and after the event (`None`: not in the cluster then).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeLoad {
    /// The node.
    pub node: NodeId,
    /// Keys it owned before the event.
    pub before: Option<u64>,
    /// Keys it owns after the event.
    pub after: Option<u64>,
}

/// The lab's numbers once every key is placed.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Keys moved, and the minimum for the resulting loads.
    pub movement: Movement,
    /// Every node in either cluster, by id.
    pub loads: Vec<NodeLoad>,
    /// Keys theory expects to move, on average over seeds (see [`expected_moved`]).
    pub expected_moved: f64,
    /// Nodes after the event.
    pub nodes_after: u32,
    /// The largest load after the event divided by the mean load after it.
    pub peak_to_mean_after: f64,
}

/// A computation of the lab's numbers that advances in chunks, so a browser can show progress
/// and stay responsive while a million keys are placed twice.
pub struct Run {
    params: Params,
    keys: KeySet,
    before: Box<dyn Placement>,
    after: Box<dyn Placement>,
    next: u64,
    counter: MovementCounter,
    key_buf: Vec<u64>,
    before_buf: Vec<NodeId>,
    after_buf: Vec<NodeId>,
}

impl Run {
    /// Prepares the two placements. Fails only if `params` is inconsistent, which a [`Model`]
    /// never allows.
    pub fn new(params: Params) -> Result<Self, PlacementError> {
        let nodes = params.initial_nodes();
        let algorithm = params.algorithm.algorithm(params.vnodes);
        let before = algorithm.build(params.seed, &nodes)?;
        let mut after = algorithm.build(params.seed, &nodes)?;
        match params.event {
            Event::Add => after.add_node(params.nodes)?,
            Event::Remove(id) => after.remove_node(id)?,
        }
        Ok(Self {
            params,
            keys: KeySet::new(params.seed, params.keys.into()),
            before,
            after,
            next: 0,
            counter: MovementCounter::new(),
            key_buf: Vec::new(),
            before_buf: Vec::new(),
            after_buf: Vec::new(),
        })
    }

    /// Places up to `max_keys` more keys; returns whether every key is now placed.
    pub fn advance(&mut self, max_keys: u32) -> bool {
        let count = (self.keys.len() - self.next).min(max_keys.into());
        let len = usize::try_from(count).expect("a chunk is at most u32::MAX keys");
        self.key_buf.resize(len, 0);
        self.before_buf.resize(len, 0);
        self.after_buf.resize(len, 0);
        self.keys.fill(self.next, &mut self.key_buf);
        self.before.place_batch(&self.key_buf, &mut self.before_buf);
        self.after.place_batch(&self.key_buf, &mut self.after_buf);
        self.counter.record(&self.before_buf, &self.after_buf);
        self.next += count;
        self.is_done()
    }

    /// Places every remaining key.
    #[must_use]
    pub fn finish(mut self) -> Report {
        while !self.advance(1 << 16) {}
        self.report()
    }

    /// Keys placed so far.
    #[must_use]
    pub fn placed(&self) -> u64 {
        self.next
    }

    /// Keys to place in all.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.keys.len()
    }

    /// Whether every key is placed.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.next == self.keys.len()
    }

    /// The numbers for the keys placed so far.
    #[must_use]
    pub fn report(&self) -> Report {
        let load = |members: &[NodeId], counts: &std::collections::BTreeMap<NodeId, u64>, id: NodeId| {
            members.contains(&id).then(|| counts.get(&id).copied().unwrap_or(0))
        };
        let mut ids: Vec<NodeId> = self.before.nodes().iter().chain(self.after.nodes()).copied().collect();
        ids.sort_unstable();
        ids.dedup();
        let loads: Vec<NodeLoad> = ids
            .into_iter()
            .map(|node| NodeLoad {
                node,
                before: load(self.before.nodes(), self.counter.loads_before(), node),
                after: load(self.after.nodes(), self.counter.loads_after(), node),
            })
            .collect();
        let nodes_after = u32::try_from(self.after.nodes().len()).expect("node count fits in u32");
        let movement = self.counter.movement();
        let peak = loads.iter().filter_map(|l| l.after).max().unwrap_or(0);
        let mean = movement.keys as f64 / f64::from(nodes_after);
        Report {
            movement,
            loads,
            expected_moved: expected_moved(self.params.algorithm, self.before.nodes(), self.after.nodes())
                * movement.keys as f64,
            nodes_after,
            peak_to_mean_after: if mean > 0.0 { peak as f64 / mean } else { 0.0 },
        }
    }
}

/// The fraction of keys theory expects an event to move, for uniformly random keys.
///
/// For the consistent algorithms it is the share of the node that joins (`1/(n + 1)`) or leaves
/// (`1/n`): the minimum for a balanced placement (Karger et al. 1997; Lamping and Veach 2014, §2).
/// For mod N a key `k` stays exactly when `before[k mod n] == after[k mod m]`, which depends only
/// on `k mod lcm(n, m)`, so the fraction is computed exactly by enumerating that period.
#[must_use]
pub fn expected_moved(algorithm: AlgorithmChoice, before: &[NodeId], after: &[NodeId]) -> f64 {
    let (n, m) = (before.len() as u64, after.len() as u64);
    if algorithm.is_consistent() {
        let changed = before.iter().filter(|id| !after.contains(id)).count()
            + after.iter().filter(|id| !before.contains(id)).count();
        return changed as f64 / n.max(m) as f64;
    }
    let period = n / gcd(n, m) * m;
    let stay = (0..period)
        .filter(|&r| before[usize::try_from(r % n).expect("index")] == after[usize::try_from(r % m).expect("index")])
        .count();
    1.0 - stay as f64 / period as f64
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}
