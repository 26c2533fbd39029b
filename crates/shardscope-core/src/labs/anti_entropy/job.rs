//! The Anti-entropy lab's computation: seeded replicas, their damage, the Merkle trees built in
//! chunks, the level-by-level comparison, the depth chart and the repair, staged so that a browser
//! never waits long; and the `Report` of what it found.

use std::fmt;

use super::{value, Damage, Params, CHART_DEPTH};
use crate::hash::{hash_u64, high32, KeySet, Stream};
use crate::merkle::antientropy::{repair, Diff, Entries, MerkleTree, Repair, HASH_BYTES};

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
    /// A job for these parameters (which a [`Model`](super::Model) keeps valid).
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

impl crate::labs::Run for Job {
    type Report = Report;

    fn step(&mut self) -> bool {
        Job::step(self)
    }

    fn progress(&self) -> (u64, u64) {
        Job::progress(self)
    }

    fn finish(&mut self) -> Report {
        // Moved, not cloned: at depth 20 the report holds two trees of 32 MiB each.
        self.take_report().expect("finish is only called once the job is done")
    }
}

impl crate::labs::Computes for Params {
    type Run = Job;

    fn start(&self) -> Result<Job, String> {
        Ok(Job::new(*self))
    }
}
