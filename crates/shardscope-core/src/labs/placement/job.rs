//! The computation of one step, advanced in chunks: every chosen algorithm places the same keys
//! before and after the step's event, and the loads, moves, flows and replica spread are counted.
//! [`report`](super::report) turns the counts into numbers.

use super::cluster::Cluster;
use super::engine::{replay, Engine};
use super::{location, Params};
use crate::hash::KeySet;
use crate::placement::bounded::BoundedAssigner;
use crate::placement::{NodeId, PlacementError};
use crate::topology::{well_spread, well_spread_per_dc};

/// Keys moved per (from, to) pair, keyed by the pair packed in a `u64`. A hash map, for speed on the hot
/// path of ten million keys: its order never escapes, since the report sorts the flows by a total
/// order (keys, then the pair) before they leave.
#[allow(clippy::disallowed_types)]
pub(super) type FlowTally = std::collections::HashMap<u64, u64>;

/// What one algorithm's chunked pass counts.
#[derive(Debug)]
pub(super) struct Tally {
    pub(super) before: Engine,
    pub(super) after: Engine,
    pub(super) before_bounded: Option<BoundedAssigner>,
    pub(super) after_bounded: Option<BoundedAssigner>,
    pub(super) keys_before: Vec<u64>,
    pub(super) keys_after: Vec<u64>,
    pub(super) requests_after: Vec<f64>,
    pub(super) moved: u64,
    pub(super) flows: FlowTally,
    pub(super) under_replicated: u64,
    pub(super) unavailable: u64,
    pub(super) badly_spread: u64,
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
#[derive(Debug)]
pub struct Job {
    pub(super) params: Params,
    pub(super) keys: KeySet,
    pub(super) cluster_before: Cluster,
    pub(super) cluster: Cluster,
    pub(super) event: Option<String>,
    pub(super) skipped: Vec<String>,
    pub(super) tallies: Vec<Tally>,
    pub(super) current: usize,
    pub(super) next_key: u64,
    pub(super) zipf_exponent: f64,
    /// Sum of raw popularity weights `(i+1)^-s` over all keys, and of their squares.
    pub(super) popularity_sum: f64,
    pub(super) popularity_sq: f64,
    pub(super) placed: bool,
    pub(super) last: StepKind,
    pub(super) key_buf: Vec<u64>,
    pub(super) before_buf: Vec<NodeId>,
    pub(super) after_buf: Vec<NodeId>,
    pub(super) chunk: u64,
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
                let bounded = |e: &Engine| e.placement.sequential(keys);
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

    pub(super) fn account(&mut self) {
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
                    let spread = if self.params.topology {
                        well_spread_per_dc(&set, locate, |dc| self.cluster.racks_in(dc))
                    } else {
                        well_spread(&set, locate, racks, dcs)
                    };
                    tally.badly_spread += u64::from(!spread);
                }
            }
        }
    }
}

pub(super) fn place(engine: &Engine, bounded: Option<&mut BoundedAssigner>, keys: &[u64], out: &mut [NodeId]) {
    if let Some(assigner) = bounded {
        for (k, o) in keys.iter().zip(out.iter_mut()) {
            *o = assigner.assign(*k);
        }
    } else if engine.failed.is_empty() {
        engine.placement.place_batch(keys, out);
    } else {
        for (k, o) in keys.iter().zip(out.iter_mut()) {
            *o = engine.serve(*k);
        }
    }
}

impl crate::labs::Run for Job {
    type Report = super::Report;

    fn step(&mut self) -> bool {
        Job::step(self)
    }

    fn progress(&self) -> (u64, u64) {
        Job::progress(self)
    }

    fn finish(&mut self) -> super::Report {
        self.report()
    }

    /// A lookup step placed its keys twice (before and after the event) with one algorithm.
    fn timed_work(&self) -> Option<(u32, u64)> {
        match self.last_step() {
            StepKind::Lookup { index, keys } => Some((index, 2 * keys)),
            StepKind::Accounting => None,
        }
    }
}

impl crate::labs::Computes for Params {
    type Run = Job;

    fn start(&self) -> Result<Job, String> {
        Job::new(self).map_err(|e| e.to_string())
    }
}
