//! The "DHT" lab: Chord, Kademlia and a one-hop overlay route the same seeded lookups on up to
//! 100,000 nodes; hops, messages, routing state and key load beside the papers' numbers, one
//! lookup stepped hop by hop, and what failing a fraction of the nodes does before and after
//! maintenance.
//!
//! This module holds the lab's state (what its permalink stores), commands and presets; `job`
//! builds the overlays and routes the lookups in bounded steps, and `theory` holds the papers'
//! predictions.

use serde::{Deserialize, Serialize};

pub use super::Preset;
use super::{set_number, toggle, LabParams, NumberSetting};
use crate::dht::chord::MAX_SUCCESSORS;
use crate::dht::kademlia::{MAX_ALPHA, MAX_K};
use crate::dht::{Protocol, Space, MAX_SLOTS};
use crate::query::{echo, to_query, Capped, Choice, Problem, Query};

mod job;
pub mod theory;

pub use job::{
    BucketRow, ChurnTick, Eclipse, FailureCurve, FailurePoint, Job, LoadReport, ProtocolReport, Report, RoutePoint,
    SweepPoint, ZoomLevel, ATTACK_LOOKUPS, CHURN_LOOKUPS, CHURN_TICKS, FAILURE_LOOKUPS, FAILURE_SHARES,
    FAILURE_SUCCESSORS, LATENCY_SAMPLE, LINK_BASE_MS, LINK_MS_PER_UNIT, LOAD_BIN, LOAD_BINS, RING_BINS, RING_POINTS,
    STALE_SAMPLE, STATE_SAMPLE, SWEEP_LOOKUPS, TIMEOUT_MS,
};

/// The permalink format version.
pub const VERSION: u32 = 1;
/// The most nodes.
pub const MAX_NODES: u32 = 100_000;
/// The most virtual identifiers per node (Chord §6.2 goes to 20).
pub const MAX_VIDS: u32 = 20;
/// The most lookups routed per protocol.
pub const MAX_LOOKUPS: u32 = 100_000;
/// The most keys whose placement gives the load figures.
pub const MAX_KEYS: u32 = 1_000_000;
/// The most nodes that fail (and as many that join) per tick of the churn experiment.
pub const MAX_CHURN: u32 = 100;
/// The most ticks between two maintenance rounds under churn.
pub const MAX_PERIOD: u32 = 50;
/// The largest network the churn experiment runs on: each maintenance round makes every node
/// fix its fingers by lookups, about 30 ms per 1,000 nodes natively.
pub const MAX_CHURN_NODES: u32 = 10_000;
/// Under churn Kademlia's maintenance is its bucket refresh, a node lookup per bucket of every
/// live node, and a lookup's messages grow with `k`: nodes × maintenance rounds × `k` is held to
/// this (about 2 s natively), which the "Churn with stabilization" preset's 500 nodes with k = 20
/// every 3 ticks reach exactly.
pub const MAX_REFRESH_WORK: u32 = 200_000;
/// The most nodes an attacker adds to eclipse a key.
pub const MAX_SYBILS: u32 = 1_000;
/// The highest failed share, in percent.
pub const MAX_FAIL: u32 = 95;
/// The most maintenance rounds after a failure.
pub const MAX_ROUNDS: u32 = 8;
/// The most magnifications of the circle around the traced key (each 8 times the one before).
pub const MAX_ZOOM: u32 = 5;
/// The permalink parameters, in the order they are written.
pub const PARAMS: [&str; 21] = [
    "v", "proto", "nodes", "bits", "vids", "succ", "k", "alpha", "lookups", "keys", "fail", "rounds", "seed", "sweep",
    "fsweep", "sybils", "churn", "period", "trace", "hop", "zoom",
];

/// The lab's whole state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// The protocols compared, one to three, in the order shown.
    pub protocols: Vec<Protocol>,
    /// Physical nodes, `1..=MAX_NODES`.
    pub nodes: u32,
    /// Identifier width `m`, `1..=64`.
    pub bits: u32,
    /// Virtual identifiers per node (Chord §6.2), `1..=MAX_VIDS`.
    pub vids: u32,
    /// Chord's successor-list length `r`.
    pub successors: u32,
    /// Kademlia's bucket size `k`.
    pub k: u32,
    /// Kademlia's parallel queries `α`.
    pub alpha: u32,
    /// Lookups routed per protocol.
    pub lookups: u32,
    /// Keys placed for the load figures (0: none).
    pub keys: u32,
    /// Percent of the nodes that fail at once before the lookups, `0..=MAX_FAIL`.
    pub fail: u32,
    /// Maintenance rounds after the failure and before the lookups (Chord's stabilize and
    /// `fix_fingers`; Kademlia's bucket refresh and one-hop's gossip from the first round on).
    pub rounds: u32,
    /// Seeds identifiers, keys, lookups and failures.
    pub seed: u64,
    /// Whether to chart mean hops across N = 2^3 … 2^17.
    pub sweep: bool,
    /// Whether to chart Chord's failed lookups against the failed share for several
    /// successor-list lengths (the Chord paper's experiment), before any repair.
    pub fail_sweep: bool,
    /// Nodes an attacker adds to eclipse the traced lookup's key (0: no attack), `0..=MAX_SYBILS`.
    pub sybils: u32,
    /// Nodes that fail, and as many that join, per tick of the churn experiment (0: none),
    /// `0..=MAX_CHURN`.
    pub churn: u32,
    /// Ticks between maintenance rounds under churn (0: never), `0..=MAX_PERIOD`.
    pub period: u32,
    /// Which lookup is stepped through (its index).
    pub trace: u32,
    /// How many of its steps are shown.
    pub hop: u32,
    /// How far the circle is magnified around the traced key, `0..=MAX_ZOOM` (each level 8
    /// times the one before; used above [`RING_POINTS`] identifiers, where the circle is a density).
    pub zoom: u32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            protocols: vec![Protocol::Chord, Protocol::Kademlia, Protocol::OneHop],
            nodes: 1_000,
            bits: 32,
            vids: 1,
            successors: 4,
            k: 20,
            alpha: 3,
            lookups: 10_000,
            keys: 100_000,
            fail: 0,
            rounds: 0,
            seed: 42,
            sweep: false,
            fail_sweep: false,
            sybils: 0,
            churn: 0,
            period: 10,
            trace: 0,
            hop: 0,
            zoom: 0,
        }
    }
}

/// The presets a teacher would use, in the order the lab lists them.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "Why ½ log2 N: one lookup, finger by finger",
        lesson: "On 1,000 nodes a Chord lookup passes 4.5 nodes on average, against ½·log2 N ≈ 5.0 (one more message reaches the owner). Across N = 8 … 131,072 the mean grows by about ½ hop each time N doubles, to 8.1 at 131,072; Kademlia's rounds grow more slowly, and one-hop stays at one hop while its table grows to N − 1 entries.",
        query: "v=1&proto=chord,kademlia,onehop&nodes=1000&bits=32&vids=1&succ=4&k=20&alpha=3&lookups=10000&keys=100000&fail=0&rounds=0&seed=42&sweep=1&trace=0&hop=9",
    },
    Preset {
        name: "Load with virtual identifiers (Chord §6.2)",
        lesson: "10,000 nodes, 500,000 keys, one identifier each: 198 nodes hold no key, the busiest holds 9.9× the mean and the 99th percentile is 4.6× the mean (the paper: about 9× and 4.6×), the exponential law of one arc. Raise the virtual identifiers towards 20 and the spread narrows as the Gamma(r, 1/r) curve predicts.",
        query: "v=1&proto=chord&nodes=10000&bits=64&vids=1&succ=4&k=20&alpha=3&lookups=1000&keys=500000&fail=0&rounds=0&seed=42&sweep=0&trace=0&hop=0",
    },
    Preset {
        name: "Fingers vs successor list under failure",
        lesson: "Half the nodes fail at once and nothing has been repaired: each lookup waits out six to seven dead contacts. With a successor list of r = 1, 86 % of the lookups never reach the key's live successor; with r = 4, 33 %; with r = 8, none. Half the keys are lost all the same: they lived on the dead nodes. The chart sweeps 5–50 % failed for r = 1, 2, 4, 8 and 16 on one failure order: at 50 %, 86, 64, 28 and 0 % miss, never below the share of keys stranded behind r dead successors, p^r·((r+1)(1−p)+p).",
        query: "v=1&proto=chord&nodes=1000&bits=32&vids=1&succ=1&k=20&alpha=3&lookups=10000&keys=100000&fail=50&rounds=0&seed=42&sweep=0&fsweep=1&trace=0&hop=0",
    },
    Preset {
        name: "After stabilization only the dead nodes' keys are lost (§6.4)",
        lesson: "20 % of the nodes fail, then two maintenance rounds run. Every lookup of every protocol reaches the key's live owner; what still fails is the data that lived on the dead nodes, 20.3 % of the lookups for Chord and one-hop, as the paper found (p of them).",
        query: "v=1&proto=chord,kademlia,onehop&nodes=1000&bits=32&vids=1&succ=8&k=20&alpha=3&lookups=10000&keys=100000&fail=20&rounds=2&seed=42&sweep=0&trace=0&hop=0",
    },
    Preset {
        name: "BitTorrent's Kademlia (k = 8)",
        lesson: "BitTorrent's DHT (BEP 5) uses buckets of k = 8 with α = 3. On 10,000 nodes that is 89 contacts per node and 12.9 messages in 3.9 rounds per lookup, against 197 contacts and 22.9 messages in 3.4 rounds with k = 20; every lookup still ends at the XOR-closest node.",
        query: "v=1&proto=kademlia&nodes=10000&bits=64&vids=1&succ=4&k=8&alpha=3&lookups=10000&keys=100000&fail=0&rounds=0&seed=42&sweep=0&trace=0&hop=4",
    },
    Preset {
        name: "Churn with stabilization (Chord §6.5)",
        lesson: "500 nodes; every tick one fails and one joins, and every 3 ticks each node runs stabilize and fix_fingers. 1.1 % of Chord's lookups miss the key's live owner, mostly keys of nodes that joined since the last round, against the paper's estimate of mean hops × failures per period / N = 2.5 %. Kademlia's lookups all find the owner, waiting out 0.08 dead contacts each.",
        query: "v=1&proto=chord,kademlia&nodes=500&bits=32&vids=1&succ=4&k=20&alpha=3&lookups=10000&keys=100000&fail=0&rounds=0&seed=42&sweep=0&sybils=0&churn=1&period=3&trace=0&hop=0",
    },
    Preset {
        name: "Churn without stabilization",
        lesson: "The same churn with no maintenance at all: Chord's missed lookups grow from 2.5 % in the first 20 ticks to 9.2 % in the last 20, as joined nodes stay unknown and dead successors pile up. Kademlia's parallel lookups still find the owner, at 1.2 timeouts per lookup.",
        query: "v=1&proto=chord,kademlia&nodes=500&bits=32&vids=1&succ=4&k=20&alpha=3&lookups=10000&keys=100000&fail=0&rounds=0&seed=42&sweep=0&sybils=0&churn=1&period=0&trace=0&hop=0",
    },
    Preset {
        name: "Eclipse a key",
        lesson: "An attacker adds 100 nodes to 1,000 with identifiers chosen next to lookup 0's key: every lookup for that key, in all three protocols, ends at the attacker. Bind identifiers to a hash of each node's address (S/Kademlia's defence) and the attacker lands at random: one-hop and Kademlia then give it about the share of keys its nodes own (11 % and 9 % of lookups for random keys, against s/(N+s) = 9.1 %), Chord 46 %, because an attacker's node anywhere on a lookup's one path claims the key, while Kademlia's parallel queries route around it.",
        query: "v=1&proto=chord,kademlia,onehop&nodes=1000&bits=32&vids=1&succ=4&k=20&alpha=3&lookups=10000&keys=100000&fail=0&rounds=0&seed=42&sweep=0&sybils=100&trace=0&hop=0",
    },
    Preset {
        name: "One-hop vs multi-hop at 100,000 nodes",
        lesson: "At 100,000 nodes Chord passes 7.6 nodes per lookup (½·log2 N = 8.3) with 21 routing entries, Kademlia takes 3.9 rounds and 24.6 messages with 264 contacts, one-hop a single hop with 99,999 entries: routing state traded for hops.",
        query: "v=1&proto=chord,kademlia,onehop&nodes=100000&bits=64&vids=1&succ=8&k=20&alpha=3&lookups=100000&keys=1000000&fail=0&rounds=0&seed=42&sweep=0&trace=0&hop=0",
    },
];

impl Params {
    /// [`LabParams::from_query_ignoring`] with nothing ignored.
    #[must_use]
    pub fn from_query(input: &str) -> (Self, Vec<Problem>) {
        <Self as LabParams>::from_query_ignoring(input, &[])
    }

    /// The identifier space.
    #[must_use]
    pub fn space(&self) -> Space {
        Space::new(self.bits).expect("bits stay in 1..=64")
    }

    /// Identifiers in the overlay.
    #[must_use]
    pub fn slots(&self) -> u64 {
        u64::from(self.nodes) * u64::from(self.vids)
    }

    /// The most nodes these identifier settings allow.
    #[must_use]
    pub fn max_nodes(&self) -> u32 {
        let cap = Space::new(self.bits).map_or(1, Space::capacity) / u64::from(self.vids.max(1));
        u32::try_from(cap.min(u64::from(MAX_NODES))).expect("at most MAX_NODES")
    }

    /// Brings fields that depend on each other back in range, saying what changed.
    fn repair(&mut self) -> Vec<String> {
        let mut notes = Vec::new();
        // Even one node's identifiers must fit: a 1-bit space holds one.
        let capacity = Space::new(self.bits).map_or(1, Space::capacity);
        if u64::from(self.vids) > capacity {
            notes.push(format!(
                "{} identifiers per node do not fit a {}-bit space; using {capacity}",
                self.vids, self.bits
            ));
            self.vids = u32::try_from(capacity).expect("below MAX_VIDS");
        }
        if self.nodes > self.max_nodes() {
            let max = self.max_nodes().max(1);
            notes.push(format!(
                "{} nodes × {} identifiers do not fit a {}-bit space (at most {} identifiers); using {max} nodes",
                self.nodes,
                self.vids,
                self.bits,
                Space::new(self.bits)
                    .map_or(1, Space::capacity)
                    .min(u64::from(MAX_SLOTS)),
            ));
            self.nodes = max;
        }
        if self.churn > 0 && self.nodes > MAX_CHURN_NODES {
            notes.push(format!(
                "the churn experiment runs on at most {MAX_CHURN_NODES} nodes, not {}; no churn",
                self.nodes
            ));
            self.churn = 0;
        }
        if self.churn > 0 && self.churn > self.nodes / 10 {
            let most = self.nodes / 10;
            notes.push(format!(
                "{} of {} nodes failing each tick would empty the network; using {most}",
                self.churn, self.nodes
            ));
            self.churn = most;
        }
        if self.churn > 0 && self.period > 0 && self.protocols.contains(&Protocol::Kademlia) {
            let work = |period: u32| u64::from(self.nodes) * u64::from(CHURN_TICKS / period) * u64::from(self.k);
            if work(self.period) > u64::from(MAX_REFRESH_WORK) {
                let period = (self.period..=MAX_PERIOD)
                    .find(|&t| work(t) <= u64::from(MAX_REFRESH_WORK))
                    .unwrap_or(MAX_PERIOD);
                notes.push(format!(
                    "Kademlia's bucket refresh is a lookup per bucket of every node, and nodes × rounds × k is held to {}: {} nodes with k = {} refresh every {period} ticks, not every {}",
                    MAX_REFRESH_WORK,
                    self.nodes,
                    self.k,
                    self.period
                ));
                self.period = period;
            }
        }
        if self.trace >= self.lookups {
            notes.push(format!(
                "lookup {} is not among the {} routed; showing lookup 0",
                self.trace, self.lookups
            ));
            self.trace = 0;
        }
        if self.fail_sweep && !self.protocols.contains(&Protocol::Chord) {
            notes.push(
                "the failure sweep is Chord's experiment (successor lists); it needs Chord among the protocols".into(),
            );
            self.fail_sweep = false;
        }
        if self.fail == 0 && self.rounds > 0 {
            self.rounds = 0;
        }
        notes
    }
}

/// Reads the protocol list: known, distinct names in the order given; at least one.
fn protocols_from(raw: &str, problems: &mut Vec<Problem>) -> Vec<Protocol> {
    let mut out = Vec::new();
    let mut refused = Capped::new();
    for part in raw.split(',').filter(|p| !p.is_empty()) {
        match Protocol::from_slug(part) {
            Some(p) if out.contains(&p) => refused.push(problems, || Problem {
                field: "proto".into(),
                message: format!("{} is listed twice; showing it once", p.slug()),
            }),
            Some(p) => out.push(p),
            None => refused.push(problems, || Problem {
                field: "proto".into(),
                message: format!(
                    "“{}” is not one of {}; left out",
                    echo(part),
                    Protocol::ALL.iter().map(|c| c.slug()).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }
    refused.finish(problems, "proto", "entries left out");
    if out.is_empty() {
        out.push(Protocol::Chord);
    }
    out
}

/// The setting a numeric command makes, if it is one.
fn number(command: &Command) -> Option<NumberSetting<Params>> {
    Some(match *command {
        Command::SetNodes(v) => ("nodes", v, 1..=MAX_NODES, |p, v| p.nodes = v),
        Command::SetBits(v) => ("identifier bits", v, 1..=64, |p, v| p.bits = v),
        Command::SetVids(v) => ("virtual identifiers", v, 1..=MAX_VIDS, |p, v| p.vids = v),
        Command::SetSuccessors(v) => ("successor-list length", v, 1..=MAX_SUCCESSORS, |p, v| p.successors = v),
        Command::SetK(v) => ("k", v, 1..=MAX_K, |p, v| p.k = v),
        Command::SetAlpha(v) => ("α", v, 1..=MAX_ALPHA, |p, v| p.alpha = v),
        Command::SetLookups(v) => ("lookups", v, 1..=MAX_LOOKUPS, |p, v| p.lookups = v),
        Command::SetKeys(v) => ("keys", v, 0..=MAX_KEYS, |p, v| p.keys = v),
        Command::SetFail(v) => ("failed share (%)", v, 0..=MAX_FAIL, |p, v| p.fail = v),
        Command::SetRounds(v) => ("maintenance rounds", v, 0..=MAX_ROUNDS, |p, v| p.rounds = v),
        Command::SetSybils(v) => ("attacker's nodes", v, 0..=MAX_SYBILS, |p, v| p.sybils = v),
        Command::SetChurn(v) => ("nodes failing and joining per tick", v, 0..=MAX_CHURN, |p, v| {
            p.churn = v;
        }),
        Command::SetPeriod(v) => ("ticks between maintenance rounds", v, 0..=MAX_PERIOD, |p, v| {
            p.period = v;
        }),
        _ => return None,
    })
}

/// What a user can do in the lab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Show this protocol or stop showing it (the last one stays).
    Toggle(Protocol),
    /// Set the number of nodes.
    SetNodes(u32),
    /// Set the identifier width.
    SetBits(u32),
    /// Set virtual identifiers per node.
    SetVids(u32),
    /// Set Chord's successor-list length.
    SetSuccessors(u32),
    /// Set Kademlia's k.
    SetK(u32),
    /// Set Kademlia's α.
    SetAlpha(u32),
    /// Set the number of lookups.
    SetLookups(u32),
    /// Set the number of keys.
    SetKeys(u32),
    /// Set the failed share in percent.
    SetFail(u32),
    /// Set the maintenance rounds.
    SetRounds(u32),
    /// Set the attacker's nodes.
    SetSybils(u32),
    /// Set the nodes failing and joining per tick of churn.
    SetChurn(u32),
    /// Set the ticks between maintenance rounds under churn.
    SetPeriod(u32),
    /// Set the seed.
    SetSeed(u64),
    /// Chart the sweep across N, or not.
    SetSweep(bool),
    /// Chart Chord's failed lookups against the failed share, or not.
    SetFailSweep(bool),
    /// Step through another lookup (from its first step).
    Trace(u32),
    /// Show one more step of the traced lookup, which has `steps` of them.
    NextHop {
        /// The traced lookup's steps (the longest over the protocols shown).
        steps: u32,
    },
    /// Show one step fewer.
    BackHop,
    /// Back to the start of the traced lookup.
    FirstHop,
    /// Magnify the circle around the traced key once more (up to `MAX_ZOOM`).
    ZoomIn,
    /// Magnify it once less (down to the whole circle).
    ZoomOut,
    /// Replace the whole state (a permalink was opened).
    Load(Params),
}

/// The lab's model.
pub type Model = super::Model<Params>;

impl LabParams for Params {
    type Command = Command;
    const SLUG: &'static str = "dht";

    /// The permalink query string, versioned.
    ///
    /// ```
    /// use shardscope_core::labs::{dht::Params, LabParams};
    /// let p = Params::default();
    /// assert_eq!(Params::from_query(&p.to_query()), (p, vec![]));
    /// ```
    fn to_query(&self) -> String {
        to_query(&[
            ("v", VERSION.to_string()),
            (
                "proto",
                self.protocols.iter().map(|p| p.slug()).collect::<Vec<_>>().join(","),
            ),
            ("nodes", self.nodes.to_string()),
            ("bits", self.bits.to_string()),
            ("vids", self.vids.to_string()),
            ("succ", self.successors.to_string()),
            ("k", self.k.to_string()),
            ("alpha", self.alpha.to_string()),
            ("lookups", self.lookups.to_string()),
            ("keys", self.keys.to_string()),
            ("fail", self.fail.to_string()),
            ("rounds", self.rounds.to_string()),
            ("seed", self.seed.to_string()),
            ("sweep", u32::from(self.sweep).to_string()),
            ("fsweep", u32::from(self.fail_sweep).to_string()),
            ("sybils", self.sybils.to_string()),
            ("churn", self.churn.to_string()),
            ("period", self.period.to_string()),
            ("trace", self.trace.to_string()),
            ("hop", self.hop.to_string()),
            ("zoom", self.zoom.to_string()),
        ])
    }

    fn from_query_ignoring(input: &str, ignore: &[&str]) -> (Self, Vec<Problem>) {
        let d = Self::default();
        let (query, mut problems) = Query::parse_versioned(input, VERSION, &PARAMS, ignore);
        let Some(q) = query else {
            return (d, problems);
        };
        let p = &mut problems;
        let protocols = match q.get("proto") {
            Some(raw) => protocols_from(raw, p),
            None => d.protocols.clone(),
        };
        let mut params = Self {
            protocols,
            nodes: q.int_clamped("nodes", 1..=MAX_NODES, d.nodes, p),
            bits: q.int_clamped("bits", 1..=64, d.bits, p),
            vids: q.int_clamped("vids", 1..=MAX_VIDS, d.vids, p),
            successors: q.int_clamped("succ", 1..=MAX_SUCCESSORS, d.successors, p),
            k: q.int_clamped("k", 1..=MAX_K, d.k, p),
            alpha: q.int_clamped("alpha", 1..=MAX_ALPHA, d.alpha, p),
            lookups: q.int_clamped("lookups", 1..=MAX_LOOKUPS, d.lookups, p),
            keys: q.int_clamped("keys", 0..=MAX_KEYS, d.keys, p),
            fail: q.int_clamped("fail", 0..=MAX_FAIL, d.fail, p),
            rounds: q.int_clamped("rounds", 0..=MAX_ROUNDS, d.rounds, p),
            seed: q.int_in("seed", 0..=u64::MAX, d.seed, p),
            sweep: q.int_clamped("sweep", 0..=1, 0, p) == 1,
            fail_sweep: q.int_clamped("fsweep", 0..=1, 0, p) == 1,
            sybils: q.int_clamped("sybils", 0..=MAX_SYBILS, 0, p),
            churn: q.int_clamped("churn", 0..=MAX_CHURN, 0, p),
            period: q.int_clamped("period", 0..=MAX_PERIOD, d.period, p),
            trace: q.int_clamped("trace", 0..=MAX_LOOKUPS - 1, 0, p),
            hop: q.int_clamped("hop", 0..=u32::from(u8::MAX), 0, p),
            zoom: q.int_clamped("zoom", 0..=MAX_ZOOM, 0, p),
        };
        problems.extend(params.repair().into_iter().map(Problem::with_params));
        (params, problems)
    }

    fn load(params: Self) -> Command {
        Command::Load(params)
    }

    /// Applies a command. A value out of range is refused with a notice naming the range;
    /// changing the network starts the stepped lookup again.
    ///
    /// ```
    /// use shardscope_core::labs::dht::{Command, Model};
    /// let mut m = Model::default();
    /// m.apply(Command::NextHop { steps: 3 });
    /// assert_eq!(m.params.hop, 1);
    /// m.apply(Command::SetNodes(0));
    /// assert!(m.notice.as_deref().unwrap().contains("1–100000"));
    /// m.apply(Command::SetBits(8));
    /// assert!(m.notice.as_deref().unwrap().contains("using 128 nodes"));
    /// ```
    fn apply(&mut self, command: Command) -> Option<String> {
        let mut p = self.clone();
        let mut notice = None;
        if let Some(setting) = number(&command) {
            match set_number(&mut p, setting) {
                Ok(()) => p.hop = 0,
                Err(refused) => notice = Some(refused),
            }
        }
        match command {
            Command::Toggle(proto) => {
                // Every protocol fits at once, so only the last one's removal is refused.
                let every = Protocol::ALL.len();
                notice = toggle(&mut p.protocols, proto, every, ("protocol", "protocols"), |x| *x).err();
            }
            Command::SetSeed(s) => {
                p.seed = s;
                p.hop = 0;
            }
            Command::SetSweep(on) => p.sweep = on,
            Command::SetFailSweep(on) => p.fail_sweep = on,
            Command::Trace(t) if t < p.lookups => {
                p.trace = t;
                p.hop = 0;
            }
            Command::Trace(t) => notice = Some(format!("lookup {t} is not among the {} routed", p.lookups)),
            Command::NextHop { steps } => p.hop = (p.hop + 1).min(steps),
            Command::BackHop => p.hop = p.hop.saturating_sub(1),
            Command::FirstHop => p.hop = 0,
            Command::ZoomIn => p.zoom = (p.zoom + 1).min(MAX_ZOOM),
            Command::ZoomOut => p.zoom = p.zoom.saturating_sub(1),
            Command::Load(params) => p = params,
            // The numeric settings, handled above.
            _ => {}
        }
        if let Some(note) = p.repair().into_iter().next() {
            notice = Some(note);
        }
        *self = p;
        notice
    }
}
