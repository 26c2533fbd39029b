//! The Caching lab's computation in bounded steps: draw the requests, find each request's next
//! use (for OPT), take LRU's stack distances (its whole curve in one pass), simulate every other
//! policy at each size of its curve, and evaluate the theory.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{stepped, Params, Stepped};
use crate::cache::mattson::StackDistances;
use crate::cache::opt::NEVER;
use crate::cache::theory::{che_lru_hit_ratio, fifo_irm_hit_ratio, Bins};
use crate::cache::workload::{probabilities, Generator, Trace};
use crate::cache::{Cache, Policy};
use crate::hash::hash_u64;
use crate::labs::Run;

/// The first tenth of the requests warms every cache and is not counted, so measured miss
/// ratios are the steady state that theory predicts rather than an empty cache filling up.
pub const WARMUP_PERCENT: u32 = 10;
/// The sizes of each policy's curve, in thousandths of the working set (distinct objects
/// requested): 0.1 % to 100 %, about two a decade.
pub const CURVE_POINTS: [u32; 7] = [1, 3, 10, 30, 100, 300, 1_000];
/// Sizes on LRU's one-pass curve and on the theory's: 20 a decade over the same range (and
/// the policies' sizes besides).
pub const LRU_CURVE_POINTS: u32 = 61;
/// Requests served per step.
const BATCH: u32 = 262_144;
/// Seed of Random's eviction choices, apart from the requests' own stream.
const RANDOM_SEED: u64 = 0x7261_6e64;

/// One point of a miss-ratio curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Cache size in objects.
    pub size: u32,
    /// Misses per counted request.
    pub miss_ratio: f64,
}

/// What one policy did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyReport {
    /// The policy.
    pub policy: Policy,
    /// Its name.
    pub name: String,
    /// Its paper.
    pub source: String,
    /// Hits at the chosen size, over the counted requests.
    pub hits: u64,
    /// Misses at the chosen size.
    pub misses: u64,
    /// Misses per counted request at the chosen size.
    pub miss_ratio: f64,
    /// What theory predicts at the chosen size (Che for LRU, the IRM formula for FIFO and
    /// Random), when the requests are independent.
    pub theory: Option<f64>,
    /// Its curve (at [`CURVE_POINTS`], or only the chosen size).
    pub curve: Vec<CurvePoint>,
}

/// Everything the lab shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Requests in the trace.
    pub requests: u32,
    /// Requests counted (after the warm-up).
    pub counted: u32,
    /// Distinct objects requested (the working set).
    pub distinct: u32,
    /// Counted requests for an object never requested before: every policy misses them.
    pub cold: u64,
    /// The chosen cache size, in objects.
    pub size: u32,
    /// The chosen size in percent of the working set.
    pub size_percent: f64,
    /// Whether the requests are independent draws (the theory's assumption).
    pub independent: bool,
    /// Share of the counted requests that go to the most requested 1 % of objects.
    pub top_percent_share: f64,
    /// Each policy, in the order chosen.
    pub policies: Vec<PolicyReport>,
    /// LRU's curve from its stack distances, exact at every size (empty without LRU).
    pub lru_curve: Vec<CurvePoint>,
    /// Che's approximation at the same sizes (empty unless independent).
    pub che_curve: Vec<CurvePoint>,
    /// The IRM formula for FIFO and Random at the same sizes (empty unless independent).
    pub irm_curve: Vec<CurvePoint>,
    /// The smallest LRU size that hits 90 % of the counted requests, if any does.
    pub lru_size_for_90: Option<u32>,
    /// What Che's approximation says that size is.
    pub che_size_for_90: Option<u32>,
    /// The stepped miniature run.
    pub stepped: Stepped,
}

/// What the job is doing.
#[derive(Debug)]
enum Stage {
    Generate,
    NextUses { down_to: usize },
    Stack,
    Simulate { task: usize, at: u32 },
    Theory { point: usize },
    Done,
}

/// The running computation.
pub struct Job {
    params: Params,
    generator: Generator,
    requests: Vec<u32>,
    universe: u32,
    distinct: u32,
    next: Option<Arc<[u32]>>,
    next_build: Vec<u32>,
    last_seen: Vec<u32>,
    stack: Option<StackDistances>,
    stack_at: u32,
    /// (policy index, size) for every simulation to run.
    tasks: Vec<(usize, u32)>,
    cache: Option<Box<dyn Cache + Send>>,
    hits: u64,
    /// Hits per task.
    results: Vec<u64>,
    /// The sizes of every policy's curve, the chosen size among them.
    sizes: Vec<u32>,
    lru_sizes: Vec<u32>,
    bins: Option<Bins>,
    che: Vec<CurvePoint>,
    irm: Vec<CurvePoint>,
    stage: Stage,
    done_units: u64,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}

/// `count` sizes spread evenly on a log scale from 0.1 % to 100 % of `distinct`, distinct and
/// at least 1.
fn log_sizes(distinct: u32, count: u32) -> Vec<u32> {
    let mut out: Vec<u32> = (0..count)
        .map(|i| {
            let exponent = -3.0 + 3.0 * f64::from(i) / f64::from(count - 1);
            let size = libm::round(f64::from(distinct) * libm::pow(10.0, exponent));
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // 1 ≤ size ≤ distinct.
            let size = size.max(1.0) as u32;
            size
        })
        .collect();
    out.dedup();
    out
}

impl Job {
    /// Starts the computation for `params`.
    pub fn new(params: &Params) -> Result<Self, String> {
        if params.objects == 0 || params.requests == 0 || params.size == 0 {
            return Err("objects, requests and the cache size must be at least 1".into());
        }
        Ok(Self {
            params: params.clone(),
            generator: Generator::new(params.workload()),
            requests: Vec::with_capacity(params.requests as usize),
            universe: 0,
            distinct: 0,
            next: None,
            next_build: Vec::new(),
            last_seen: Vec::new(),
            stack: None,
            stack_at: 0,
            tasks: Vec::new(),
            cache: None,
            hits: 0,
            results: Vec::new(),
            sizes: Vec::new(),
            lru_sizes: Vec::new(),
            bins: None,
            che: Vec::new(),
            irm: Vec::new(),
            stage: Stage::Generate,
            done_units: 0,
        })
    }

    fn warm(&self) -> u32 {
        u32::try_from(u64::from(self.params.requests) * u64::from(WARMUP_PERCENT) / 100).expect("below requests")
    }

    fn has(&self, policy: Policy) -> bool {
        self.params.policies.contains(&policy)
    }

    /// Counts the working set and lays out the simulations, once the requests are drawn.
    fn plan(&mut self) {
        let trace = Trace::from_requests(std::mem::take(&mut self.requests));
        (self.requests, self.universe, self.distinct) = (trace.requests, trace.universe, trace.distinct);
        let mut sizes: Vec<u32> = if self.params.curve {
            CURVE_POINTS
                .iter()
                .map(|&pm| {
                    let share = (u64::from(self.distinct) * u64::from(pm)).div_ceil(1_000);
                    u32::try_from(share).expect("at most the working set").max(1)
                })
                .collect()
        } else {
            Vec::new()
        };
        sizes.push(self.params.size);
        sizes.sort_unstable();
        sizes.dedup();
        for (i, &policy) in self.params.policies.iter().enumerate() {
            if policy != Policy::Lru {
                self.tasks.extend(sizes.iter().map(|&s| (i, s)));
            }
        }
        // The theory and LRU's exact curve are read at the policies' sizes too, for the table.
        let mut lru_sizes = log_sizes(self.distinct, LRU_CURVE_POINTS);
        lru_sizes.extend(&sizes);
        lru_sizes.sort_unstable();
        lru_sizes.dedup();
        self.lru_sizes = lru_sizes;
        self.sizes = sizes;
        self.results = vec![0; self.tasks.len()];
        if self.has(Policy::Opt) {
            self.next_build = vec![NEVER; self.requests.len()];
            self.last_seen = vec![NEVER; self.universe as usize];
        }
    }

    /// One batch of the backward pass that finds each request's next use.
    fn next_uses(&mut self, down_to: usize) -> Stage {
        let from = down_to.saturating_sub(BATCH as usize);
        for t in (from..down_to).rev() {
            let x = self.requests[t] as usize;
            self.next_build[t] = self.last_seen[x];
            self.last_seen[x] = u32::try_from(t).expect("fewer than 2^32 requests");
        }
        self.done_units += (down_to - from) as u64;
        if from == 0 {
            self.next = Some(std::mem::take(&mut self.next_build).into());
            self.last_seen = Vec::new();
            self.after_next_uses()
        } else {
            Stage::NextUses { down_to: from }
        }
    }

    fn after_next_uses(&mut self) -> Stage {
        if self.has(Policy::Lru) {
            self.stack = Some(StackDistances::new(self.params.requests, self.universe, self.warm()));
            Stage::Stack
        } else {
            Stage::Simulate { task: 0, at: 0 }
        }
    }

    /// One batch of a simulation.
    fn simulate(&mut self, task: usize, at: u32) -> Stage {
        let Some(&(policy_index, size)) = self.tasks.get(task) else {
            return Stage::Theory { point: 0 };
        };
        let policy = self.params.policies[policy_index];
        let warm = self.warm();
        let cache = self.cache.get_or_insert_with(|| {
            policy.build(
                size,
                self.universe,
                self.next.as_ref(),
                hash_u64(self.params.seed, RANDOM_SEED),
            )
        });
        let end = (at + BATCH).min(self.params.requests);
        // The batch is split at the end of the warm-up, whose hits are not counted.
        let split = warm.clamp(at, end);
        cache.run(&self.requests[at as usize..split as usize]);
        self.hits += cache.run(&self.requests[split as usize..end as usize]);
        self.done_units += u64::from(end - at);
        if end == self.params.requests {
            self.results[task] = std::mem::take(&mut self.hits);
            self.cache = None;
            Stage::Simulate { task: task + 1, at: 0 }
        } else {
            Stage::Simulate { task, at: end }
        }
    }

    /// One size's theory (Che and the IRM formula), when the requests are independent.
    fn theory(&mut self, point: usize) -> Stage {
        if !self.params.independent() || point >= self.lru_sizes.len() {
            return Stage::Done;
        }
        let bins = self
            .bins
            .get_or_insert_with(|| Bins::new(&probabilities(self.params.workload().popularity, self.params.objects)));
        let size = self.lru_sizes[point];
        self.che.push(CurvePoint {
            size,
            miss_ratio: 1.0 - che_lru_hit_ratio(bins, f64::from(size)),
        });
        self.irm.push(CurvePoint {
            size,
            miss_ratio: 1.0 - fifo_irm_hit_ratio(bins, f64::from(size)),
        });
        self.done_units += 1;
        Stage::Theory { point: point + 1 }
    }

    fn total_units(&self) -> u64 {
        let n = u64::from(self.params.requests);
        let sizes = if self.params.curve {
            CURVE_POINTS.len() as u64 + 1
        } else {
            1
        };
        let others = self.params.policies.iter().filter(|&&p| p != Policy::Lru).count() as u64;
        let opt = if self.has(Policy::Opt) { n } else { 0 };
        let lru = if self.has(Policy::Lru) { n } else { 0 };
        let theory = if self.params.independent() {
            self.lru_sizes.len() as u64
        } else {
            0
        };
        n + opt + lru + others * sizes * n + theory
    }

    /// Che's size for a 90 % hit ratio: the least size whose prediction reaches it.
    fn che_size_for_90(&self) -> Option<u32> {
        let bins = self.bins.as_ref()?;
        let (mut lo, mut hi) = (1u32, self.params.objects);
        if che_lru_hit_ratio(bins, f64::from(hi)) < 0.9 {
            return None;
        }
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if che_lru_hit_ratio(bins, f64::from(mid)) >= 0.9 {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Some(lo)
    }

    fn top_percent_share(&self) -> f64 {
        let counted = &self.requests[self.warm() as usize..];
        let mut counts = vec![0u32; self.universe as usize];
        for &x in counted {
            counts[x as usize] += 1;
        }
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let top = (self.distinct as usize).div_ceil(100);
        let hot: u64 = counts[..top].iter().map(|&c| u64::from(c)).sum();
        hot as f64 / counted.len().max(1) as f64
    }
}

impl Run for Job {
    type Report = Report;

    fn step(&mut self) -> bool {
        self.stage = match std::mem::replace(&mut self.stage, Stage::Done) {
            Stage::Generate => {
                self.generator.fill(&mut self.requests, BATCH);
                self.done_units += u64::from(BATCH.min(self.params.requests));
                if self.generator.done() {
                    self.plan();
                    if self.has(Policy::Opt) {
                        Stage::NextUses {
                            down_to: self.requests.len(),
                        }
                    } else {
                        self.after_next_uses()
                    }
                } else {
                    Stage::Generate
                }
            }
            Stage::NextUses { down_to } => self.next_uses(down_to),
            Stage::Stack => {
                let stack = self.stack.as_mut().expect("the stack stage has its distances");
                let end = (self.stack_at + BATCH).min(self.params.requests);
                stack.feed(&self.requests[self.stack_at as usize..end as usize]);
                self.done_units += u64::from(end - self.stack_at);
                self.stack_at = end;
                if end == self.params.requests {
                    Stage::Simulate { task: 0, at: 0 }
                } else {
                    Stage::Stack
                }
            }
            Stage::Simulate { task, at } => self.simulate(task, at),
            Stage::Theory { point } => self.theory(point),
            Stage::Done => return true,
        };
        false
    }

    fn progress(&self) -> (u64, u64) {
        let total = self.total_units();
        (self.done_units.min(total), total)
    }

    fn finish(&mut self) -> Report {
        let p = self.params.clone();
        let counted = p.requests - self.warm();
        let ratio = |hits: u64| 1.0 - hits as f64 / f64::from(counted.max(1));
        let bins = self.bins.as_ref();
        let mut policies = Vec::new();
        for (i, &policy) in p.policies.iter().enumerate() {
            let (hits, curve) = if policy == Policy::Lru {
                let stack = self.stack.as_ref().expect("LRU's stack distances were taken");
                let sizes = &self.sizes;
                let hits = stack.hits_at(sizes);
                let at_size = hits[sizes.iter().position(|&s| s == p.size).expect("the size is among them")];
                let curve = sizes
                    .iter()
                    .zip(&hits)
                    .map(|(&size, &h)| CurvePoint {
                        size,
                        miss_ratio: ratio(h),
                    })
                    .collect();
                (at_size, curve)
            } else {
                let mut curve = Vec::new();
                let mut at_size = 0;
                for (task, &(pi, size)) in self.tasks.iter().enumerate() {
                    if pi == i {
                        curve.push(CurvePoint {
                            size,
                            miss_ratio: ratio(self.results[task]),
                        });
                        if size == p.size {
                            at_size = self.results[task];
                        }
                    }
                }
                (at_size, curve)
            };
            let theory = match (policy, bins) {
                (Policy::Lru, Some(b)) => Some(1.0 - che_lru_hit_ratio(b, f64::from(p.size))),
                (Policy::Fifo | Policy::Random, Some(b)) => Some(1.0 - fifo_irm_hit_ratio(b, f64::from(p.size))),
                _ => None,
            };
            policies.push(PolicyReport {
                policy,
                name: policy.name().into(),
                source: policy.source().into(),
                hits,
                misses: u64::from(counted) - hits,
                miss_ratio: ratio(hits),
                theory,
                curve,
            });
        }
        let lru_curve = self.stack.as_ref().map_or_else(Vec::new, |stack| {
            let hits = stack.hits_at(&self.lru_sizes);
            self.lru_sizes
                .iter()
                .zip(hits)
                .map(|(&size, h)| CurvePoint {
                    size,
                    miss_ratio: ratio(h),
                })
                .collect()
        });
        let target = (u64::from(counted) * 9).div_ceil(10);
        Report {
            requests: p.requests,
            counted,
            distinct: self.distinct,
            cold: self.stack.as_ref().map_or_else(|| self.cold(), StackDistances::cold),
            size: p.size,
            size_percent: 100.0 * f64::from(p.size) / f64::from(self.distinct.max(1)),
            independent: p.independent(),
            top_percent_share: self.top_percent_share(),
            policies,
            lru_curve,
            che_curve: std::mem::take(&mut self.che),
            irm_curve: std::mem::take(&mut self.irm),
            lru_size_for_90: self.stack.as_ref().and_then(|s| s.smallest_size_for(target)),
            che_size_for_90: self.che_size_for_90(),
            stepped: stepped(&p),
        }
    }
}

impl Job {
    /// Counted requests for objects not requested before (without LRU's stack distances).
    fn cold(&self) -> u64 {
        let mut seen = vec![false; self.universe as usize];
        let warm = self.warm() as usize;
        let mut cold = 0;
        for (t, &x) in self.requests.iter().enumerate() {
            if !std::mem::replace(&mut seen[x as usize], true) && t >= warm {
                cold += 1;
            }
        }
        cold
    }
}

impl crate::labs::Computes for Params {
    type Run = Job;

    fn start(&self) -> Result<Job, String> {
        Job::new(self)
    }
}
