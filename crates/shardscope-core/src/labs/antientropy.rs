//! The "Anti-entropy" lab: replicas drift apart, Merkle trees find where, and repair streams only
//! those ranges.
//!
//! Replica A holds `keys` seeded keys at version 1. Replicas B (and C) start as copies and then
//! diverge by a seeded kind of damage. The lab compares A's and B's trees level by level, repairs
//! every pair until all roots agree, and charts, for every tree depth, what the comparison costs
//! against how many keys repair over-streams.

use std::fmt;

use super::LabParams;
use crate::hash::{hash_u64, high32, KeySet, Stream};
use crate::merkle::antientropy::{repair, Diff, Entries, MerkleTree, Repair, HASH_BYTES, MAX_DEPTH};
use crate::query::{echo, to_query, Choice, Problem, Query};

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
    /// use shardscope_core::labs::{antientropy::Params, LabParams};
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
    /// use shardscope_core::labs::antientropy::{Command, Model};
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

/// A pair of replicas (0 is A, 1 is B, 2 is C).
pub type Pair = (u32, u32);

/// One depth of the trade-off chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DepthCost {
    /// Tree depth.
    pub depth: u32,
    /// Nodes in one tree, `2^(depth + 1) − 1`.
    pub tree_nodes: u64,
    /// Hashes compared by the top-down A↔B diff.
    pub compared: u64,
    /// Leaves that differ.
    pub differing_leaves: u64,
    /// Entries repair would send for those leaves, both ways.
    pub sent: u64,
    /// Of those, entries the receiver already had.
    pub over_streamed: u64,
}

/// Everything the lab shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Entries per replica before repair.
    pub sizes: Vec<u64>,
    /// Entries that differ between A and B (in either, or with different values).
    pub differing_keys: u64,
    /// Bytes a comparison of every key would send: a token and a 16-byte hash per key of A.
    pub full_compare_bytes: u64,
    /// The A↔B tree at the chosen depth, before repair.
    pub tree_a: MerkleTree,
    /// B's tree before repair.
    pub tree_b: MerkleTree,
    /// The A↔B diff.
    pub diff: Diff,
    /// Roots of every replica before repair.
    pub roots_before: Vec<u128>,
    /// The repair rounds, pair by pair, until all roots agree.
    pub rounds: Vec<(Pair, Repair)>,
    /// Roots after repair.
    pub roots_after: Vec<u128>,
    /// The trade-off chart, depth 0 to `CHART_DEPTH` (or the chosen depth, if deeper).
    pub chart: Vec<DepthCost>,
}

/// Replica A's entry for key `i`: token `KeySet(seed).key(i)`, version 1, payload from the seed.
fn entry_a(keys: &KeySet, seed: u64, i: u64) -> (u64, u64) {
    (keys.key(i), value(1, high32(hash_u64(seed ^ 0xa5a5, i))))
}

/// Damages a copy of A as replica `which` (1 for B, 2 for C), with its own stream.
fn damaged(a: &Entries, p: &Params, which: u32) -> Entries {
    let mut out = a.clone();
    let mut rng = Stream::new(hash_u64(p.seed, 0xdead_0000 + u64::from(which)));
    let tokens = KeySet::new(p.seed, p.keys.into());
    let pick = |rng: &mut Stream| rng.distinct(p.count, p.keys);
    match p.damage {
        Damage::DropWrites => {
            for i in pick(&mut rng) {
                out.remove(&tokens.key(i.into()));
            }
        }
        Damage::Corrupt => {
            for i in pick(&mut rng) {
                let token = tokens.key(i.into());
                let old = out[&token];
                // A different payload at the same version; XOR with a non-zero value changes it.
                let flip = rng.next_u32() | 1;
                out.insert(token, old ^ u64::from(flip));
            }
        }
        Damage::LoseRange => {
            let start = rng.next_u64();
            let lost: Vec<u64> = a
                .range(start..)
                .chain(a.range(..start))
                .take(p.count as usize)
                .map(|(&t, _)| t)
                .collect();
            for t in lost {
                out.remove(&t);
            }
        }
        Damage::Random => {
            for i in pick(&mut rng) {
                let token = tokens.key(i.into());
                match rng.below(3) {
                    0 => drop(out.remove(&token)),
                    1 => drop(out.insert(token, out[&token] ^ u64::from(rng.next_u32() | 1))),
                    _ => drop(out.insert(token, value(2, rng.next_u32()))),
                }
            }
        }
    }
    out
}

/// Walks two replicas together in token order: `visit(token, value in a, value in b)` for every
/// token in either, without a lookup per key.
fn merge_walk(a: &Entries, b: &Entries, mut visit: impl FnMut(u64, Option<u64>, Option<u64>)) {
    let (mut ia, mut ib) = (a.iter().peekable(), b.iter().peekable());
    loop {
        let (ta, tb) = (ia.peek().map(|(t, _)| **t), ib.peek().map(|(t, _)| **t));
        match (ta, tb) {
            (None, None) => return,
            (Some(x), Some(y)) if x == y => {
                let (_, va) = ia.next().expect("peeked");
                let (_, vb) = ib.next().expect("peeked");
                visit(x, Some(*va), Some(*vb));
            }
            (Some(x), y) if y.is_none_or(|y| x < y) => {
                let (_, va) = ia.next().expect("peeked");
                visit(x, Some(*va), None);
            }
            (_, Some(y)) => {
                let (_, vb) = ib.next().expect("peeked");
                visit(y, None, Some(*vb));
            }
            (Some(_), None) => unreachable!("handled by the arm above"),
        }
    }
}

/// Entries that are not identical on both replicas, and per leaf of `fine`: entries on A, on B,
/// and identical on both.
fn compare_entries(a: &Entries, b: &Entries, fine: &MerkleTree) -> (u64, Vec<[u64; 3]>) {
    let mut differing = 0;
    let mut counts = vec![[0u64; 3]; 1usize << fine.depth()];
    merge_walk(a, b, |token, va, vb| {
        let c = &mut counts[slot(fine.leaf_of(token))];
        c[0] += u64::from(va.is_some());
        c[1] += u64::from(vb.is_some());
        if va == vb {
            c[2] += 1;
        } else {
            differing += 1;
        }
    });
    (differing, counts)
}

/// A leaf index as a vector index; trees have at most 2^20 leaves.
fn slot(leaf: u64) -> usize {
    usize::try_from(leaf).expect("a leaf index below 2^20 fits in usize")
}

/// One unit of the lab's work, small enough to keep a browser responsive between units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Insert replica A's keys from this index on, a chunk at a time.
    BuildA(u32),
    /// Copy and damage replica `n` (1 is B, 2 is C).
    Damage(u32),
    /// Build replica `n`'s tree at the chart's depth.
    Tree(u32),
    /// Compare A and B, and chart every depth.
    Compare,
    /// Repair every pair.
    Repair,
    /// Finished.
    Done,
}

/// Keys replica A inserts per stage.
const BUILD_CHUNK: u32 = 1 << 17;

/// The lab's computation in small stages, so a browser can show progress and stay responsive.
pub struct Job {
    params: Params,
    stage: Stage,
    done: u64,
    replicas: Vec<Entries>,
    fine: Vec<MerkleTree>,
    report: Option<Report>,
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("params", &self.params)
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}

impl Job {
    /// A job for these parameters (which a [`Model`] keeps valid).
    #[must_use]
    pub fn new(params: Params) -> Self {
        Self {
            params,
            stage: Stage::BuildA(0),
            done: 0,
            replicas: vec![Entries::new()],
            fine: Vec::new(),
            report: None,
        }
    }

    /// Stages done and stages in all.
    #[must_use]
    pub fn progress(&self) -> (u64, u64) {
        let p = self.params;
        let build = u64::from(p.keys.div_ceil(BUILD_CHUNK));
        (self.done, build + u64::from(p.replicas - 1) + u64::from(p.replicas) + 2)
    }

    /// Runs one stage; returns whether the job is finished.
    pub fn step(&mut self) -> bool {
        let p = self.params;
        self.stage = match self.stage {
            Stage::BuildA(from) => {
                let keys = KeySet::new(p.seed, p.keys.into());
                let to = from.saturating_add(BUILD_CHUNK).min(p.keys);
                // Collecting sorts and bulk-builds; `append` then merges two sorted maps in linear
                // time. Both are far faster than inserting random tokens one by one.
                let mut chunk: Entries = (from..to).map(|i| entry_a(&keys, p.seed, i.into())).collect();
                self.replicas[0].append(&mut chunk);
                if to == p.keys {
                    Stage::Damage(1)
                } else {
                    Stage::BuildA(to)
                }
            }
            Stage::Damage(which) => {
                let copy = damaged(&self.replicas[0], &p, which);
                self.replicas.push(copy);
                if which + 1 < p.replicas {
                    Stage::Damage(which + 1)
                } else {
                    Stage::Tree(0)
                }
            }
            Stage::Tree(n) => {
                let depth = p.depth.max(CHART_DEPTH);
                let tree = MerkleTree::build(&self.replicas[n as usize], depth).expect("depth ≤ MAX_DEPTH");
                self.fine.push(tree);
                if n + 1 < p.replicas {
                    Stage::Tree(n + 1)
                } else {
                    Stage::Compare
                }
            }
            Stage::Compare => {
                self.report = Some(self.compare());
                Stage::Repair
            }
            Stage::Repair => {
                self.repair_all();
                Stage::Done
            }
            Stage::Done => Stage::Done,
        };
        self.done = (self.done + 1).min(self.progress().1);
        self.stage == Stage::Done
    }

    fn compare(&self) -> Report {
        let p = self.params;
        let (a, b) = (&self.replicas[0], &self.replicas[1]);
        let tree_a = self.fine[0].coarsen(p.depth);
        let tree_b = self.fine[1].coarsen(p.depth);
        let diff = tree_a.diff(&tree_b).expect("same depth");
        let (differing_keys, counts) = compare_entries(a, b, &self.fine[0]);
        let chart = (0..=self.fine[0].depth())
            .map(|depth| {
                let (ca, cb) = (self.fine[0].coarsen(depth), self.fine[1].coarsen(depth));
                let d = ca.diff(&cb).expect("same depth");
                let group = 1usize << (self.fine[0].depth() - depth);
                let (mut sent, mut over) = (0, 0);
                for &leaf in &d.leaves {
                    let start = slot(leaf) * group;
                    for c in &counts[start..start + group] {
                        sent += c[0] + c[1];
                        over += 2 * c[2];
                    }
                }
                DepthCost {
                    depth,
                    tree_nodes: (2u64 << depth) - 1,
                    compared: d.hashes_compared(),
                    differing_leaves: d.leaves.len() as u64,
                    sent,
                    over_streamed: over,
                }
            })
            .collect();
        Report {
            sizes: self.replicas.iter().map(|r| r.len() as u64).collect(),
            differing_keys,
            full_compare_bytes: a.len() as u64 * (8 + HASH_BYTES),
            roots_before: self.fine.iter().map(|t| t.coarsen(p.depth).root()).collect(),
            tree_a,
            tree_b,
            diff,
            rounds: Vec::new(),
            roots_after: Vec::new(),
            chart,
        }
    }

    fn repair_all(&mut self) {
        let p = self.params;
        let mut trees: Vec<MerkleTree> = self.fine.iter().map(|t| t.coarsen(p.depth)).collect();
        let pairs: Vec<Pair> = if p.replicas == 3 {
            vec![(0, 1), (0, 2), (1, 2)]
        } else {
            vec![(0, 1)]
        };
        let mut rounds = Vec::new();
        for (pair_x, pair_y) in pairs {
            let (x, y) = (pair_x as usize, pair_y as usize);
            let leaves = trees[x].diff(&trees[y]).expect("same depth").leaves;
            let (left, right) = self.replicas.split_at_mut(y);
            let (tl, tr) = trees.split_at_mut(y);
            let outcome = repair(&mut left[x], &mut tl[x], &mut right[0], &mut tr[0], &leaves);
            rounds.push(((pair_x, pair_y), outcome));
        }
        let report = self.report.as_mut().expect("compare runs before repair");
        report.roots_after = trees.iter().map(MerkleTree::root).collect();
        report.rounds = rounds;
    }

    /// Moves the result out, once [`step`](Self::step) has returned `true`.
    pub fn take_report(&mut self) -> Option<Report> {
        if self.stage == Stage::Done {
            self.report.take()
        } else {
            None
        }
    }

    /// The result, once [`step`](Self::step) has returned `true`.
    #[must_use]
    pub fn report(&self) -> Option<&Report> {
        (self.stage == Stage::Done).then_some(self.report.as_ref()).flatten()
    }
}
