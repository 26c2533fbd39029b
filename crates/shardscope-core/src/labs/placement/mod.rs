//! The "Placement" lab: every algorithm side by side on the same keys and the same recorded
//! events (nodes join, leave, change weight, fail), with replication across racks and datacenters,
//! at up to ten million keys.
//!
//! This module holds the lab's state (what its permalink stores), the events and commands, and
//! the presets; [`Job`] replays the events and computes the numbers.

use serde::{Deserialize, Serialize};

use super::LabParams;
pub use super::Preset;
use crate::placement::NodeId;
use crate::query::{echo, to_query, Capped, Choice, Problem, Query};

mod cluster;
mod engine;
mod job;
pub mod legacy;
mod report;
mod theory;

pub use cluster::{Cluster, Member};
pub use engine::{check_event, check_events, Engine, EventCheck};
pub use job::{Job, StepKind, CHUNK, REPLICA_SAMPLE};
pub use report::{AlgorithmReport, Flow, NodeRow, Replication, Report, Structure, Theory};

/// The permalink format version this code writes and reads.
pub const VERSION: u32 = 1;
/// The most keys the lab places.
pub const MAX_KEYS: u32 = 10_000_000;
/// The most nodes a cluster starts with (jump hash and AnchorHash may have more, see
/// [`max_nodes`]).
pub const MAX_NODES: u32 = 1_000;
/// The most nodes with jump hash: its lookups cost `O(ln n)` and it keeps no per-node state.
pub const MAX_NODES_JUMP: u32 = 10_000;
/// Rendezvous hashing scores every node for every key; `keys × nodes` is capped here so that a
/// step (two placements, so twice this many scores) stays near two seconds in a browser: at this
/// cap a step took 2.1–2.6 s in Chromium on the project machine, at twice it 4.2–4.6 s
/// (docs/benchmarks.md).
pub const MAX_HRW_WORK: u64 = 100_000_000;
/// The most events a scenario records.
pub const MAX_EVENTS: usize = 64;
/// The most replicas per key (or per datacenter, in topology mode).
pub const MAX_RF: u32 = 5;
/// The most datacenters and racks per datacenter.
pub const MAX_DCS: u32 = 4;
/// See [`MAX_DCS`].
pub const MAX_RACKS: u32 = 8;
/// The largest node weight.
pub const MAX_WEIGHT: u32 = 10;
/// The largest Zipf exponent, in hundredths.
pub const MAX_ZIPF: u32 = 300;
/// The permalink parameters of this lab, in the order they are written.
pub const PARAMS: [&str; 16] = [
    "v", "alg", "nodes", "keys", "vnodes", "table", "probes", "eps", "rf", "topo", "dcs", "racks", "zipf", "seed",
    "events", "step",
];

/// The algorithms the lab offers: every [`Algorithm`] of the core.
pub use crate::placement::Algorithm;
/// The most nodes an algorithm may hold in this lab: jump hash and AnchorHash keep no per-node
/// state and cost `O(ln n)` or less a lookup, so they go to [`MAX_NODES_JUMP`].
#[must_use]
pub fn max_nodes(algorithm: Algorithm) -> u32 {
    match algorithm {
        Algorithm::Jump | Algorithm::Anchor => MAX_NODES_JUMP,
        _ => MAX_NODES,
    }
}

/// Something that happens to the cluster; the lab records a list of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// A new node joins (its id is the next unused one).
    Add,
    /// A node leaves for good; its keys move.
    Remove(NodeId),
    /// A node's weight becomes `1..=MAX_WEIGHT`.
    Weight(NodeId, u32),
    /// A node fails: it stays a member, but its keys are served elsewhere.
    Fail(NodeId),
    /// Every node in one rack of one datacenter fails.
    FailRack {
        /// Datacenter index.
        dc: u32,
        /// Rack index.
        rack: u32,
    },
}

impl Event {
    /// The event's name in permalinks.
    #[must_use]
    pub fn slug(self) -> String {
        match self {
            Self::Add => "add".into(),
            Self::Remove(id) => format!("remove-{id}"),
            Self::Weight(id, w) => format!("weight-{id}-{w}"),
            Self::Fail(id) => format!("fail-{id}"),
            Self::FailRack { dc, rack } => format!("failrack-{dc}-{rack}"),
        }
    }

    /// Reads an event's permalink name.
    #[must_use]
    pub fn from_slug(raw: &str) -> Option<Self> {
        let mut parts = raw.split('-');
        let kind = parts.next()?;
        let numbers: Option<Vec<u32>> = parts.map(|p| p.parse().ok()).collect();
        match (kind, numbers?.as_slice()) {
            ("add", []) => Some(Self::Add),
            ("remove", [id]) => Some(Self::Remove(*id)),
            ("weight", [id, w]) => Some(Self::Weight(*id, *w)),
            ("fail", [id]) => Some(Self::Fail(*id)),
            ("failrack", [dc, rack]) => Some(Self::FailRack { dc: *dc, rack: *rack }),
            _ => None,
        }
    }

    /// A sentence for the event log.
    #[must_use]
    pub fn describe(self) -> String {
        match self {
            Self::Add => "a node joins".into(),
            Self::Remove(id) => format!("node {id} leaves"),
            Self::Weight(id, w) => format!("node {id} gets weight {w}"),
            Self::Fail(id) => format!("node {id} fails"),
            Self::FailRack { dc, rack } => format!("rack {rack} of datacenter {dc} fails"),
        }
    }
}

/// The lab's whole state: everything its permalink stores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// The algorithms compared, 1–4, distinct, in the order chosen.
    pub algorithms: Vec<Algorithm>,
    /// Nodes before the first event, with ids `0..nodes`.
    pub nodes: u32,
    /// Keys placed.
    pub keys: u32,
    /// Virtual nodes per unit of weight (ring and bounded loads), `1..=MAX_VNODES`.
    pub vnodes: u32,
    /// Maglev table size, a prime.
    pub table: u32,
    /// Multi-probe probes per key.
    pub probes: u32,
    /// Bounded loads' ε, in percent.
    pub epsilon: u32,
    /// Replicas per key (or per datacenter in topology mode), `1..=MAX_RF`.
    pub rf: u32,
    /// Whether replicas follow `NetworkTopologyStrategy` (`rf` per datacenter, racks spread).
    pub topology: bool,
    /// Datacenters, `1..=MAX_DCS`; node `i` is in datacenter `i mod dcs`.
    pub dcs: u32,
    /// Racks per datacenter, `1..=MAX_RACKS`; node `i` is in rack `(i / dcs) mod racks`.
    pub racks: u32,
    /// Zipf exponent in hundredths (0: every key equally popular).
    pub zipf: u32,
    /// Seeds the keys and the seeded algorithms.
    pub seed: u64,
    /// The recorded events.
    pub events: Vec<Event>,
    /// How many events have happened in the view, `0..=events.len()`.
    pub step: u32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            algorithms: vec![Algorithm::Ring],
            nodes: 8,
            keys: 1_000_000,
            vnodes: 100,
            table: crate::placement::maglev::DEFAULT_TABLE_SIZE,
            probes: crate::placement::multiprobe::DEFAULT_PROBES,
            epsilon: crate::placement::bounded::DEFAULT_EPSILON_PERCENT,
            rf: 1,
            topology: false,
            dcs: 1,
            racks: 1,
            zipf: 0,
            seed: 42,
            events: vec![Event::Add],
            step: 1,
        }
    }
}

/// What a user can do in the lab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Compare these algorithms (1–4).
    SetAlgorithms(Vec<Algorithm>),
    /// Set the initial node count (clears nothing; events that no longer apply are reported).
    SetNodes(u32),
    /// Set the number of keys.
    SetKeys(u32),
    /// Set the virtual nodes per unit of weight.
    SetVnodes(u32),
    /// Set the Maglev table size.
    SetTable(u32),
    /// Set the multi-probe probe count.
    SetProbes(u32),
    /// Set bounded loads' ε in percent.
    SetEpsilon(u32),
    /// Set the replication factor.
    SetRf(u32),
    /// Switch topology-aware replica placement.
    SetTopology(bool),
    /// Set the datacenter count.
    SetDcs(u32),
    /// Set racks per datacenter.
    SetRacks(u32),
    /// Set the Zipf exponent in hundredths.
    SetZipf(u32),
    /// Set the seed.
    SetSeed(u64),
    /// Record an event after the current step (dropping any events after it) and step to it.
    Record(Event),
    /// Show the state after this many events.
    Step(u32),
    /// Forget every event.
    ClearEvents,
    /// Replace the whole state, as when a permalink or a preset is opened.
    Load(Params),
}

/// The lab's model: its parameters and the notice left by the last command.
pub type Model = super::Model<Params>;

/// The presets, in the order the lab lists them.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "mod N vs ring when a node joins",
        lesson: "Going from 8 to 9 nodes, mod N moves about 8/9 of the keys; the ring moves about 1/9.",
        query: "v=1&alg=modn,ring&nodes=8&keys=1000000&events=add&step=1",
    },
    Preset {
        name: "One node leaves: the four classic algorithms",
        lesson: "Node 7 of 8 leaves (the Rebalance lab's lesson): ring, rendezvous and jump hash move only its eighth of the keys, the minimum; mod N moves nearly all of them.",
        query: "v=1&alg=modn,ring,hrw,jump&nodes=8&keys=100000&events=remove-7&step=1",
    },
    Preset {
        name: "How many vnodes until ±5%?",
        lesson: "A ring node's share varies by about 1/√vnodes: 400 virtual nodes bring σ near 5%.",
        query: "v=1&alg=ring&nodes=20&keys=2000000&vnodes=400&events=&step=0",
    },
    Preset {
        name: "Hot key under Zipf",
        lesson: "With Zipf popularity one key carries several percent of the requests: no placement can split it, so one node runs hot.",
        query: "v=1&alg=ring,maglev,bounded&nodes=16&keys=1000000&zipf=110&events=&step=0",
    },
    Preset {
        name: "Lose a rack",
        lesson: "With replicas spread by NetworkTopologyStrategy, a whole rack can fail and every key keeps live replicas.",
        query: "v=1&alg=ring&nodes=12&keys=1000000&rf=2&topo=1&dcs=2&racks=3&events=failrack-0-1&step=1",
    },
    Preset {
        name: "Remove a middle node: jump vs AnchorHash",
        lesson: "Jump hash can only drop its last bucket; AnchorHash removes any node and moves only that node's keys.",
        query: "v=1&alg=jump,anchor,ring&nodes=10&keys=1000000&events=remove-3&step=1",
    },
    Preset {
        name: "Balance: multi-probe and Maglev vs a ring with one point per node",
        lesson: "One point per node leaves some nodes several times the mean; 21 probes or a Maglev table bring the peak near the mean.",
        query: "v=1&alg=ring,multiprobe,maglev&nodes=100&keys=2000000&vnodes=1&events=&step=0",
    },
    Preset {
        name: "Ten million keys, a thousand nodes",
        lesson: "Real scale: ten million keys on a thousand nodes, one joins; every consistent algorithm moves about 1/1001 of them.",
        query: "v=1&alg=ring,jump,maglev,anchor&nodes=1000&keys=10000000&events=add&step=1",
    },
];

/// A node's location under the lab's layout rule.
#[must_use]
pub fn location(params: &Params, id: NodeId) -> crate::topology::Location {
    crate::topology::Location {
        dc: id % params.dcs,
        rack: (id / params.dcs) % params.racks,
    }
}

impl Params {
    /// The algorithms' parameters this state sets (AnchorHash's anchor keeps its default).
    #[must_use]
    pub fn settings(&self) -> crate::placement::Settings {
        crate::placement::Settings {
            vnodes: self.vnodes,
            table: self.table,
            probes: self.probes,
            epsilon: self.epsilon,
            ..crate::placement::Settings::DEFAULT
        }
    }

    /// [`LabParams::from_query_ignoring`] with nothing ignored.
    #[must_use]
    pub fn from_query(input: &str) -> (Self, Vec<Problem>) {
        <Self as LabParams>::from_query_ignoring(input, &[])
    }

    /// The number of recorded events (at most [`MAX_EVENTS`]).
    #[must_use]
    pub fn event_count(&self) -> u32 {
        crate::placement::count_u32(self.events.len())
    }

    /// The most nodes every chosen algorithm allows.
    #[must_use]
    pub fn max_nodes(&self) -> u32 {
        self.algorithms.iter().map(|&a| max_nodes(a)).min().unwrap_or(MAX_NODES)
    }

    /// Repairs combinations that are each valid but too costly or inconsistent together, and
    /// says what changed.
    fn repair(&mut self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.nodes > self.max_nodes() {
            notes.push(format!(
                "{} nodes is more than {} allows; using {}",
                self.nodes,
                self.algorithms
                    .iter()
                    .filter(|&&a| max_nodes(a) < self.nodes)
                    .map(|a| a.label())
                    .collect::<Vec<_>>()
                    .join(" and "),
                self.max_nodes()
            ));
            self.nodes = self.max_nodes();
        }
        if self.algorithms.contains(&Algorithm::Rendezvous) {
            let peak_nodes = u64::from(self.nodes) + self.events.iter().filter(|e| **e == Event::Add).count() as u64;
            let most_keys = MAX_HRW_WORK / peak_nodes.max(1);
            if u64::from(self.keys) > most_keys {
                let keys = u32::try_from(most_keys).unwrap_or(MAX_KEYS).max(1);
                notes.push(format!(
                    "rendezvous hashing scores every node for every key: with {peak_nodes} nodes it is limited to {keys} keys (keys × nodes ≤ {MAX_HRW_WORK})"
                ));
                self.keys = keys;
            }
        }
        if self.step as usize > self.events.len() {
            self.step = u32::try_from(self.events.len()).expect("events are few");
        }
        if let Err(e) = crate::placement::maglev::Maglev::new(0, self.table, &[0]) {
            notes.push(format!("{e}; using {}", crate::placement::maglev::DEFAULT_TABLE_SIZE));
            self.table = crate::placement::maglev::DEFAULT_TABLE_SIZE;
        }
        notes
    }
}

fn algorithms_from(raw: &str, problems: &mut Vec<Problem>) -> Vec<Algorithm> {
    let mut out = Vec::new();
    // One count for every entry refused, whatever the reason: a hostile list yields a handful.
    let mut refused = Capped::new();
    let problem = |message| Problem {
        field: "alg".into(),
        message,
    };
    for part in raw.split(',').filter(|p| !p.is_empty()) {
        match Algorithm::from_slug(part) {
            Some(a) if out.contains(&a) => refused.push(problems, || {
                problem(format!("{} is listed twice; showing it once", a.slug()))
            }),
            Some(a) if out.len() == 4 => refused.push(problems, || {
                problem(format!("at most four algorithms side by side; {} left out", a.slug()))
            }),
            Some(a) => out.push(a),
            None => refused.push(problems, || {
                problem(format!(
                    "“{}” is not one of {}; left out",
                    echo(part),
                    Algorithm::ALL.iter().map(|c| c.slug()).collect::<Vec<_>>().join(", ")
                ))
            }),
        }
    }
    refused.finish(problems, "alg", "entries left out");
    if out.is_empty() {
        out.push(Algorithm::Ring);
    }
    out
}

fn events_from(raw: &str, problems: &mut Vec<Problem>) -> Vec<Event> {
    crate::query::list(
        "events",
        raw,
        MAX_EVENTS,
        "events",
        "an event (add, remove-ID, weight-ID-W, fail-ID, failrack-DC-RACK)",
        Event::from_slug,
        problems,
    )
}

impl LabParams for Params {
    type Command = Command;
    const SLUG: &'static str = "placement";

    /// The permalink query string (without `?`), versioned.
    ///
    /// ```
    /// use shardscope_core::labs::{placement::Params, LabParams};
    /// let p = Params::default();
    /// let query = p.to_query();
    /// assert!(query.starts_with("v=1&alg=ring&nodes=8&keys=1000000"));
    /// assert_eq!(Params::from_query(&query), (p, vec![]));
    /// ```
    fn to_query(&self) -> String {
        let list = |items: Vec<String>| items.join(",");
        to_query(&[
            ("v", VERSION.to_string()),
            (
                "alg",
                list(self.algorithms.iter().map(|a| a.slug().to_string()).collect()),
            ),
            ("nodes", self.nodes.to_string()),
            ("keys", self.keys.to_string()),
            ("vnodes", self.vnodes.to_string()),
            ("table", self.table.to_string()),
            ("probes", self.probes.to_string()),
            ("eps", self.epsilon.to_string()),
            ("rf", self.rf.to_string()),
            ("topo", u32::from(self.topology).to_string()),
            ("dcs", self.dcs.to_string()),
            ("racks", self.racks.to_string()),
            ("zipf", self.zipf.to_string()),
            ("seed", self.seed.to_string()),
            ("events", list(self.events.iter().map(|e| e.slug()).collect())),
            ("step", self.step.to_string()),
        ])
    }

    /// Reads a permalink. Numbers outside their range are clamped to it, unknown algorithms and
    /// events are left out, and every problem is reported.
    /// Reads a Rebalance link (the lab folded into this one) through
    /// [`legacy::rebalance_query`], so it shows the same numbers here.
    fn from_alias_query(alias: &str, input: &str, ignore: &[&str]) -> (Self, Vec<Problem>) {
        if alias == legacy::REBALANCE {
            Self::from_query_ignoring(&legacy::rebalance_query(input), ignore)
        } else {
            Self::from_query_ignoring(input, ignore)
        }
    }

    fn from_query_ignoring(input: &str, ignore: &[&str]) -> (Self, Vec<Problem>) {
        let d = Self::default();
        let (query, mut problems) = Query::parse_versioned(input, VERSION, &PARAMS, ignore);
        let Some(q) = query else {
            return (d, problems);
        };
        let p = &mut problems;
        let algorithms = match q.get("alg") {
            Some(raw) => algorithms_from(raw, p),
            None => d.algorithms.clone(),
        };
        let events = match q.get("events") {
            Some(raw) => events_from(raw, p),
            None => d.events.clone(),
        };
        let max_nodes = algorithms.iter().map(|&a| max_nodes(a)).min().unwrap_or(MAX_NODES);
        let mut params = Self {
            nodes: q.int_clamped("nodes", 1..=max_nodes, d.nodes, p),
            keys: q.int_clamped("keys", 1..=MAX_KEYS, d.keys, p),
            vnodes: q.int_clamped("vnodes", 1..=crate::placement::ring::MAX_VNODES, d.vnodes, p),
            table: q.int_clamped("table", 2..=crate::placement::maglev::MAX_TABLE_SIZE, d.table, p),
            probes: q.int_clamped("probes", 1..=crate::placement::multiprobe::MAX_PROBES, d.probes, p),
            epsilon: q.int_clamped("eps", 0..=200, d.epsilon, p),
            rf: q.int_clamped("rf", 1..=MAX_RF, d.rf, p),
            topology: q.int_clamped("topo", 0..=1, 0, p) == 1,
            dcs: q.int_clamped("dcs", 1..=MAX_DCS, d.dcs, p),
            racks: q.int_clamped("racks", 1..=MAX_RACKS, d.racks, p),
            zipf: q.int_clamped("zipf", 0..=MAX_ZIPF, d.zipf, p),
            seed: q.int_in("seed", 0..=u64::MAX, d.seed, p),
            step: q.int_clamped("step", 0..=u32::try_from(MAX_EVENTS).expect("small"), 0, p),
            algorithms,
            events,
        };
        if q.get("step").is_none() {
            params.step = u32::try_from(params.events.len()).expect("events are few");
        }
        problems.extend(params.repair().into_iter().map(Problem::with_params));
        for message in check_events(&params) {
            problems.push(Problem {
                field: "events".into(),
                message,
            });
        }
        (params, problems)
    }

    fn load(params: Self) -> Command {
        Command::Load(params)
    }

    /// Applies a command. Values outside their range are refused with a notice; events that
    /// cannot happen to any chosen algorithm are refused, and ones some algorithms refuse are
    /// recorded with a notice naming them.
    ///
    /// ```
    /// use shardscope_core::labs::placement::{Algorithm, Command, Event, Model};
    /// let mut model = Model::default();
    /// model.apply(Command::SetAlgorithms(vec![Algorithm::Jump]));
    /// model.apply(Command::Record(Event::Remove(2)));
    /// assert_eq!(model.params.events, [Event::Add]); // Refused: jump only drops its last bucket.
    /// assert!(model.notice.as_deref().unwrap().contains("AnchorHash"));
    /// ```
    fn apply(&mut self, command: Command) -> Option<String> {
        let mut next = self.clone();
        let range = |what: &str, value: u64, lo: u64, hi: u64| Some(format!("{what} must be {lo}–{hi}, not {value}"));
        let mut notice = None;
        let within = |v: u32, lo: u32, hi: u32| (lo..=hi).contains(&v);
        match command {
            Command::SetAlgorithms(list) => {
                let mut problems = Vec::new();
                let joined = list.iter().map(|a| a.slug()).collect::<Vec<_>>().join(",");
                next.algorithms = algorithms_from(&joined, &mut problems);
                notice = problems.first().map(|p| p.message.clone());
            }
            Command::SetNodes(n) if within(n, 1, self.max_nodes()) => next.nodes = n,
            Command::SetNodes(n) => notice = range("nodes", n.into(), 1, self.max_nodes().into()),
            Command::SetKeys(k) if within(k, 1, MAX_KEYS) => next.keys = k,
            Command::SetKeys(k) => notice = range("keys", k.into(), 1, MAX_KEYS.into()),
            Command::SetVnodes(v) if within(v, 1, crate::placement::ring::MAX_VNODES) => next.vnodes = v,
            Command::SetVnodes(v) => {
                notice = range("virtual nodes", v.into(), 1, crate::placement::ring::MAX_VNODES.into());
            }
            Command::SetTable(m) => match crate::placement::maglev::Maglev::new(0, m, &[0]) {
                Ok(_) => next.table = m,
                Err(e) => notice = Some(e.to_string()),
            },
            Command::SetProbes(k) if within(k, 1, crate::placement::multiprobe::MAX_PROBES) => next.probes = k,
            Command::SetProbes(k) => {
                notice = range("probes", k.into(), 1, crate::placement::multiprobe::MAX_PROBES.into());
            }
            Command::SetEpsilon(e) if e <= 200 => next.epsilon = e,
            Command::SetEpsilon(e) => notice = range("ε (percent)", e.into(), 0, 200),
            Command::SetRf(r) if within(r, 1, MAX_RF) => next.rf = r,
            Command::SetRf(r) => notice = range("replicas", r.into(), 1, MAX_RF.into()),
            Command::SetTopology(t) => next.topology = t,
            Command::SetDcs(d) if within(d, 1, MAX_DCS) => next.dcs = d,
            Command::SetDcs(d) => notice = range("datacenters", d.into(), 1, MAX_DCS.into()),
            Command::SetRacks(r) if within(r, 1, MAX_RACKS) => next.racks = r,
            Command::SetRacks(r) => notice = range("racks per datacenter", r.into(), 1, MAX_RACKS.into()),
            Command::SetZipf(z) if z <= MAX_ZIPF => next.zipf = z,
            Command::SetZipf(z) => notice = range("Zipf exponent (hundredths)", z.into(), 0, MAX_ZIPF.into()),
            Command::SetSeed(s) => next.seed = s,
            Command::Record(event) => {
                if next.step as usize >= MAX_EVENTS {
                    return Some(format!("a scenario holds at most {MAX_EVENTS} events"));
                }
                next.events.truncate(next.step as usize);
                next.events.push(event);
                match check_event(&next, next.events.len() - 1) {
                    EventCheck::Impossible(reason) => return Some(reason),
                    EventCheck::RefusedBy(reason) => notice = Some(reason),
                    EventCheck::Fine => {}
                }
                next.step = u32::try_from(next.events.len()).expect("events are few");
            }
            Command::Step(s) if s as usize <= next.events.len() => next.step = s,
            Command::Step(s) => notice = range("step", s.into(), 0, next.events.len() as u64),
            Command::ClearEvents => {
                next.events.clear();
                next.step = 0;
            }
            Command::Load(params) => next = params,
        }
        let notes = next.repair();
        if let Some(first) = notes.into_iter().next() {
            notice = Some(first);
        }
        *self = next;
        notice
    }
}
