//! The "Anti-entropy" lab: replicas drift apart, Merkle trees find where, and repair streams only
//! those ranges.
//!
//! Replica A holds `keys` seeded keys at version 1. Replicas B (and C) start as copies and then
//! diverge by a seeded kind of damage. The lab compares A's and B's trees level by level, repairs
//! every pair until all roots agree, and charts, for every tree depth, what the comparison costs
//! against how many keys repair over-streams.

use super::LabParams;

mod job;

use crate::merkle::antientropy::MAX_DEPTH;
use crate::query::{echo, to_query, Choice, Problem, Query};
pub use job::{DepthCost, Job, Pair, Report};

/// The permalink format version.
pub const VERSION: u32 = 1;
/// The most keys a replica holds.
pub const MAX_KEYS: u32 = 1_000_000;
/// The deepest tree the trade-off chart goes to: one leaf per key or finer for the default sizes,
/// and Cassandra's default depth (15) included.
pub const CHART_DEPTH: u32 = 16;
/// The permalink parameters, in the order they are written.
pub const PARAMS: [&str; 9] = ["v", "keys", "seed", "depth", "replicas", "damage", "n", "step", "focus"];

/// A value is a version (high 32 bits) and a payload (low 32 bits); repair keeps the larger, so a
/// newer version wins and equal versions break the tie on the payload, as Cassandra breaks
/// timestamp ties on the value.
fn value(version: u32, payload: u32) -> u64 {
    (u64::from(version) << 32) | u64::from(payload)
}

/// How replica B (and C) drift from A.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Damage {
    /// `n` writes never reached the replica.
    DropWrites,
    /// `n` values were corrupted (same version, different payload).
    Corrupt,
    /// `n` consecutive keys (in token order) were lost: a whole range.
    LoseRange,
    /// `n` differences of mixed kinds: dropped, corrupted, or a newer write only this replica saw.
    Random,
}

impl Choice for Damage {
    const ALL: &'static [Self] = &[Self::DropWrites, Self::Corrupt, Self::LoseRange, Self::Random];

    fn slug(self) -> &'static str {
        match self {
            Self::DropWrites => "drop",
            Self::Corrupt => "corrupt",
            Self::LoseRange => "range",
            Self::Random => "random",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::DropWrites => "Dropped writes",
            Self::Corrupt => "Corrupted values",
            Self::LoseRange => "A lost range of keys",
            Self::Random => "Random mixed differences",
        }
    }
}

/// The lab's whole state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Keys on replica A, `1..=MAX_KEYS`.
    pub keys: u32,
    /// Seeds the keys and the damage.
    pub seed: u64,
    /// Tree depth, `0..=MAX_DEPTH`: `2^depth` leaves.
    pub depth: u32,
    /// Replicas, 2 or 3.
    pub replicas: u32,
    /// The kind of damage.
    pub damage: Damage,
    /// How many keys are damaged per diverged replica, `1..=keys`.
    pub count: u32,
    /// Progress through the walkthrough: `0..=depth + 1` levels of A↔B compared, then
    /// `depth + 2` once repaired.
    pub step: u32,
    /// The tree node the tree view is centred on (1 is the root).
    pub focus: u64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            keys: 100_000,
            seed: 42,
            depth: 10,
            replicas: 2,
            damage: Damage::DropWrites,
            count: 5,
            step: 0,
            focus: 1,
        }
    }
}

/// The presets, in the order the lab lists them. Each lesson's numbers are what the lab computes
/// for its query (checked by a test).
pub const PRESETS: &[super::Preset] = &[
    super::Preset {
        name: "One dropped write: one path down the tree",
        lesson: "One write never reached B. Exactly one leaf differs, and the comparison follows a single path from the root: 25 hashes (400 bytes) find it, where comparing every key would send 2,400,000 bytes.",
        query: "v=1&keys=100000&seed=1&depth=12&replicas=2&damage=drop&n=1&step=13&focus=1",
    },
    super::Preset {
        name: "A lost range stays in one subtree",
        lesson: "B lost 2,000 consecutive keys. The damage sits in one subtree: levels 1 to 4 each find a single differing node, and only below it does the comparison fan out.",
        query: "v=1&keys=100000&seed=1&depth=12&replicas=2&damage=range&n=2000&step=13&focus=1",
    },
    super::Preset {
        name: "Too shallow a tree for scattered damage",
        lesson: "200 scattered keys differ among 100,000. With only 64 leaves every leaf differs, so the tree narrows nothing down and repair streams the whole keyspace; the chart shows how a deeper tree trades hashes for keys.",
        query: "v=1&keys=100000&seed=1&depth=6&replicas=2&damage=random&n=200&step=7&focus=1",
    },
    super::Preset {
        name: "Three replicas, repaired pair by pair",
        lesson: "B and C each drifted from A. Repairing A–B, A–C and B–C in turn leaves all three replicas with the same root.",
        query: "v=1&keys=20000&seed=1&depth=10&replicas=3&damage=random&n=50&step=12&focus=1",
    },
];

impl Params {
    /// The step at which the replicas have been repaired.
    #[must_use]
    pub fn repaired_step(&self) -> u32 {
        self.depth + 2
    }

    /// The number of nodes in a tree of this depth.
    #[must_use]
    pub fn tree_nodes(&self) -> u64 {
        (2u64 << self.depth) - 1
    }

    /// [`LabParams::from_query_ignoring`] with nothing ignored.
    #[must_use]
    pub fn from_query(input: &str) -> (Self, Vec<Problem>) {
        <Self as LabParams>::from_query_ignoring(input, &[])
    }

    /// Brings fields that depend on each other back in range, saying what changed.
    fn repair_fields(&mut self) -> Vec<(&'static str, String)> {
        let mut notes = Vec::new();
        if self.count > self.keys {
            notes.push((
                "n",
                format!(
                    "{} damaged keys is more than the {} keys; using {}",
                    self.count, self.keys, self.keys
                ),
            ));
            self.count = self.keys;
        }
        if self.step > self.repaired_step() {
            notes.push((
                "step",
                format!(
                    "step {} is past the last step {}; using it",
                    self.step,
                    self.repaired_step()
                ),
            ));
            self.step = self.repaired_step();
        }
        if self.focus > self.tree_nodes() {
            notes.push((
                "focus",
                format!(
                    "node {} is not in a tree of depth {}; showing the root",
                    echo(&self.focus.to_string()),
                    self.depth
                ),
            ));
            self.focus = 1;
        }
        notes
    }
}

/// What a user can do in the lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Set the number of keys.
    SetKeys(u32),
    /// Set the seed.
    SetSeed(u64),
    /// Set the tree depth.
    SetDepth(u32),
    /// Set the number of replicas.
    SetReplicas(u32),
    /// Choose the damage.
    SetDamage(Damage),
    /// Set how many keys are damaged.
    SetCount(u32),
    /// Compare one more level.
    Next,
    /// Undo one step.
    Back,
    /// Finish comparing and repair.
    Repair,
    /// Back to the undamaged start of the walkthrough.
    Restart,
    /// Centre the tree view on this node.
    Focus(u64),
    /// Replace the whole state (a permalink was opened).
    Load(Params),
}

/// The lab's model: its parameters and the notice left by the last command.
pub type Model = super::Model<Params>;

impl LabParams for Params {
    type Command = Command;
    const SLUG: &'static str = "anti-entropy";

    /// The permalink query string, versioned.
    ///
    /// ```
    /// use shardscope_core::labs::{anti_entropy::Params, LabParams};
    /// let p = Params::default();
    /// assert_eq!(Params::from_query(&p.to_query()), (p, vec![]));
    /// ```
    fn to_query(&self) -> String {
        to_query(&[
            ("v", VERSION.to_string()),
            ("keys", self.keys.to_string()),
            ("seed", self.seed.to_string()),
            ("depth", self.depth.to_string()),
            ("replicas", self.replicas.to_string()),
            ("damage", self.damage.slug().into()),
            ("n", self.count.to_string()),
            ("step", self.step.to_string()),
            ("focus", self.focus.to_string()),
        ])
    }

    /// Reads a permalink; never fails (see [`Query::parse_versioned`]).
    fn from_query_ignoring(input: &str, ignore: &[&str]) -> (Self, Vec<Problem>) {
        let defaults = Self::default();
        let (query, mut problems) = Query::parse_versioned(input, VERSION, &PARAMS, ignore);
        let Some(query) = query else {
            return (defaults, problems);
        };
        let mut p = Self {
            keys: query.int_in("keys", 1..=MAX_KEYS, defaults.keys, &mut problems),
            seed: query.int_in("seed", 0..=u64::MAX, defaults.seed, &mut problems),
            depth: query.int_in("depth", 0..=MAX_DEPTH, defaults.depth, &mut problems),
            replicas: query.int_in("replicas", 2..=3, defaults.replicas, &mut problems),
            damage: query.choice("damage", defaults.damage, &mut problems),
            count: query.int_in("n", 1..=MAX_KEYS, defaults.count, &mut problems),
            step: query.int_in("step", 0..=MAX_DEPTH + 2, 0, &mut problems),
            focus: query.int_in("focus", 1..=u64::MAX, 1, &mut problems),
        };
        problems.extend(p.repair_fields().into_iter().map(|(field, message)| Problem {
            field: field.into(),
            message,
        }));
        (p, problems)
    }

    fn load(params: Self) -> Command {
        Command::Load(params)
    }

    /// Applies a command. Changing the scenario restarts the walkthrough.
    ///
    /// ```
    /// use shardscope_core::labs::anti_entropy::{Command, Model};
    /// let mut m = Model::default();
    /// m.apply(Command::Next);
    /// m.apply(Command::Next);
    /// m.apply(Command::Back);
    /// assert_eq!(m.params.step, 1);
    /// m.apply(Command::SetDepth(40));
    /// assert!(m.notice.as_deref().unwrap().contains("0–20"));
    /// ```
    fn apply(&mut self, command: Command) -> Option<String> {
        let mut notice = None;
        let mut p = *self;
        let range = |what: &str, v: u64, lo: u64, hi: u64| Some(format!("{what} must be {lo}–{hi}, not {v}"));
        let restart = |p: &mut Params| {
            p.step = 0;
            p.focus = 1;
        };
        match command {
            Command::SetKeys(k) if (1..=MAX_KEYS).contains(&k) => {
                p.keys = k;
                restart(&mut p);
            }
            Command::SetKeys(k) => notice = range("keys", k.into(), 1, MAX_KEYS.into()),
            Command::SetSeed(s) => {
                p.seed = s;
                restart(&mut p);
            }
            Command::SetDepth(d) if d <= MAX_DEPTH => {
                p.depth = d;
                restart(&mut p);
            }
            Command::SetDepth(d) => notice = range("depth", d.into(), 0, MAX_DEPTH.into()),
            Command::SetReplicas(r) if (2..=3).contains(&r) => {
                p.replicas = r;
                restart(&mut p);
            }
            Command::SetReplicas(r) => notice = range("replicas", r.into(), 2, 3),
            Command::SetDamage(d) => {
                p.damage = d;
                restart(&mut p);
            }
            Command::SetCount(n) if (1..=MAX_KEYS).contains(&n) => {
                p.count = n;
                restart(&mut p);
            }
            Command::SetCount(n) => notice = range("damaged keys", n.into(), 1, MAX_KEYS.into()),
            Command::Next => p.step = (p.step + 1).min(p.repaired_step() - 1),
            Command::Back => p.step = p.step.saturating_sub(1),
            Command::Repair => p.step = p.repaired_step(),
            Command::Restart => p.step = 0,
            Command::Focus(node) if (1..=p.tree_nodes()).contains(&node) => p.focus = node,
            Command::Focus(node) => notice = Some(format!("node {node} is not in this tree")),
            Command::Load(params) => p = params,
        }
        let notes = p.repair_fields();
        if let Some((_, message)) = notes.into_iter().next() {
            notice = Some(message);
        }
        *self = p;
        notice
    }
}
