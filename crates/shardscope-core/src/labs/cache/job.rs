//! The Caching lab's computation in bounded steps: draw the requests, find each request's next
//! use (for OPT), take LRU's stack distances (its whole curve in one pass), simulate every other
//! policy at each size of its curve, and evaluate the theory.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::stepped::stepped_prefix;
use super::{stepped, Distribution, Params, Stepped, MAX_REQUESTS};
use crate::cache::mattson::StackDistances;
use crate::cache::opt::NEVER;
use crate::cache::theory::{che_lru_hit_ratio, fifo_irm_hit_ratio, Bins};
use crate::cache::tracefile::{ReadTrace, TraceReader};
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
/// Bytes of a user's trace read per step.
const READ_BATCH: usize = 1 << 20;
/// A trace file's bytes per unit of progress (about one request line).
const BYTES_PER_UNIT: u64 = 16;
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
    /// Bytes missed per counted byte requested at the chosen size, when requests have sizes.
    pub byte_miss_ratio: Option<f64>,
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
    /// What was read from the user's trace file, when the requests came from one.
    pub file: Option<FileSummary>,
    /// Bytes of the counted requests, when requests have sizes.
    pub counted_bytes: Option<u64>,
    /// What the run changed or left out, in words (a cache larger than the trace's objects).
    pub notes: Vec<String>,
}

/// What was read from a user's trace file.
// Each flag is a separate fact about the file that the page reports.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSummary {
    /// Bytes in the file.
    pub bytes: u64,
    /// Lines read.
    pub lines: u64,
    /// Whether the first line named the columns.
    pub header: bool,
    /// Whether requests have sizes.
    pub sizes: bool,
    /// Whether the file has a time column (checked, not used).
    pub times: bool,
    /// Whether keys were numbered in order of first appearance.
    pub renumbered: bool,
    /// Whether the file had more than [`MAX_REQUESTS`] requests, of which the first were read.
    pub truncated: bool,
}

/// Why a state that replays a trace file cannot run without one.
pub const NO_FILE: &str = "This state replays your own trace file, which never leaves your browser, so a link cannot carry it: choose the file again (“Your own trace” in the settings).";

/// What the job is doing.
#[derive(Debug, PartialEq, Eq)]
enum Stage {
    Read { at: usize },
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
    generator: Option<Generator>,
    /// The user's trace file and its reader, when the requests come from one.
    file: Option<(Arc<Vec<u8>>, Option<TraceReader>)>,
    summary: Option<FileSummary>,
    requests: Vec<u32>,
    /// Each request's size in bytes, when requests have sizes.
    sizes: Option<Vec<u32>>,
    /// Requests in the trace, once it is drawn or read.
    n: u32,
    /// The cache size compared, the chosen one unless the trace has fewer objects.
    size: u32,
    notes: Vec<String>,
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
    hit_bytes: u64,
    /// Hits per task.
    results: Vec<u64>,
    /// Bytes hit per task (sized requests only).
    byte_results: Vec<u64>,
    /// The sizes of every policy's curve, the chosen size among them.
    curve_sizes: Vec<u32>,
    lru_sizes: Vec<u32>,
    bins: Option<Bins>,
    che: Vec<CurvePoint>,
    irm: Vec<CurvePoint>,
    stage: Stage,
    done_units: u64,
    failed: Option<String>,
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
    /// Starts the computation for `params`; `file` is the user's trace when `params` asks for one.
    ///
    /// # Errors
    /// Zero objects, requests or size (never in a valid state), or a state that replays a trace
    /// file without one.
    pub fn new(params: &Params, file: Option<Arc<Vec<u8>>>) -> Result<Self, String> {
        if params.objects == 0 || params.requests == 0 || params.size == 0 {
            return Err("objects, requests and the cache size must be at least 1".into());
        }
        let file = match (params.distribution, file) {
            (Distribution::File, Some(bytes)) => Some((bytes, Some(TraceReader::new(MAX_REQUESTS)))),
            (Distribution::File, None) => return Err(NO_FILE.into()),
            _ => None,
        };
        let stage = if file.is_some() {
            Stage::Read { at: 0 }
        } else {
            Stage::Generate
        };
        Ok(Self {
            params: params.clone(),
            generator: file.is_none().then(|| Generator::new(params.workload())),
            file,
            summary: None,
            requests: Vec::with_capacity(if stage == Stage::Generate {
                params.requests as usize
            } else {
                0
            }),
            sizes: None,
            n: 0,
            size: params.size,
            notes: Vec::new(),
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
            hit_bytes: 0,
            results: Vec::new(),
            byte_results: Vec::new(),
            curve_sizes: Vec::new(),
            lru_sizes: Vec::new(),
            bins: None,
            che: Vec::new(),
            irm: Vec::new(),
            stage,
            done_units: 0,
            failed: None,
        })
    }

    fn warm(&self) -> u32 {
        u32::try_from(u64::from(self.n) * u64::from(WARMUP_PERCENT) / 100).expect("below requests")
    }

    fn has(&self, policy: Policy) -> bool {
        self.params.policies.contains(&policy)
    }

    /// One batch of the user's trace file.
    fn read(&mut self, at: usize) -> Result<Stage, String> {
        let (bytes, reader) = self.file.as_mut().expect("reading a file");
        let reader_ref = reader.as_mut().expect("the reader lives until the end of the file");
        let end = (at + READ_BATCH).min(bytes.len());
        reader_ref.feed(&bytes[at..end]).map_err(|e| e.to_string())?;
        self.done_units += (end - at) as u64 / BYTES_PER_UNIT;
        if end < bytes.len() && !reader_ref.full() {
            return Ok(Stage::Read { at: end });
        }
        let total = bytes.len() as u64;
        let read: ReadTrace = reader.take().expect("read once").finish().map_err(|e| e.to_string())?;
        self.done_units = total / BYTES_PER_UNIT;
        self.summary = Some(FileSummary {
            bytes: total,
            lines: read.lines,
            header: read.header,
            sizes: read.sizes.is_some(),
            times: read.times,
            renumbered: read.renumbered,
            truncated: read.truncated,
        });
        self.sizes = read.sizes;
        self.plan(read.trace);
        Ok(self.after_plan())
    }

    /// Counts the working set and lays out the simulations, once the requests are drawn or read.
    fn plan(&mut self, trace: Trace) {
        (self.requests, self.universe, self.distinct) = (trace.requests, trace.universe, trace.distinct);
        self.n = u32::try_from(self.requests.len()).expect("at most MAX_REQUESTS");
        // A link cannot know a file's objects, so the size is brought within them here; a drawn
        // trace's size was checked against what it can touch when the state was made.
        if self.file.is_some() && self.size > self.distinct {
            self.notes.push(format!(
                "a cache of {} objects is larger than the trace's {} objects; using {}",
                self.size, self.distinct, self.distinct
            ));
            self.size = self.distinct;
        }
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
        sizes.push(self.size);
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
        self.curve_sizes = sizes;
        self.results = vec![0; self.tasks.len()];
        self.byte_results = vec![0; self.tasks.len()];
        if self.has(Policy::Opt) {
            self.next_build = vec![NEVER; self.requests.len()];
            self.last_seen = vec![NEVER; self.universe as usize];
        }
    }

    /// The first stage after the trace is planned.
    fn after_plan(&mut self) -> Stage {
        if self.has(Policy::Opt) {
            Stage::NextUses {
                down_to: self.requests.len(),
            }
        } else {
            self.after_next_uses()
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
            self.stack = Some(StackDistances::new(self.n, self.universe, self.warm()));
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
        let end = (at + BATCH).min(self.n);
        // The batch is split at the end of the warm-up, whose hits are not counted.
        let split = warm.clamp(at, end);
        let (warming, counted) = (at as usize..split as usize, split as usize..end as usize);
        if let Some(sizes) = &self.sizes {
            cache.run_sized(&self.requests[warming.clone()], &sizes[warming]);
            let (hits, bytes) = cache.run_sized(&self.requests[counted.clone()], &sizes[counted]);
            self.hits += hits;
            self.hit_bytes += bytes;
        } else {
            cache.run(&self.requests[warming]);
            self.hits += cache.run(&self.requests[counted]);
        }
        self.done_units += u64::from(end - at);
        if end == self.n {
            self.results[task] = std::mem::take(&mut self.hits);
            self.byte_results[task] = std::mem::take(&mut self.hit_bytes);
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
        let n = if self.n > 0 {
            u64::from(self.n)
        } else if let Some((bytes, _)) = &self.file {
            // Until the file is read, its requests are estimated from its length.
            bytes.len() as u64 / BYTES_PER_UNIT
        } else {
            u64::from(self.params.requests)
        };
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
            Stage::Read { at } => match self.read(at) {
                Ok(stage) => stage,
                Err(message) => {
                    self.failed = Some(message);
                    Stage::Done
                }
            },
            Stage::Generate => {
                let generator = self.generator.as_mut().expect("drawn requests have a generator");
                generator.fill(&mut self.requests, BATCH);
                self.done_units += u64::from(BATCH.min(self.params.requests));
                if generator.done() {
                    let trace = Trace::from_requests(std::mem::take(&mut self.requests));
                    self.sizes = self.params.drawn_sizes(&trace.requests);
                    self.plan(trace);
                    self.after_plan()
                } else {
                    Stage::Generate
                }
            }
            Stage::NextUses { down_to } => self.next_uses(down_to),
            Stage::Stack => {
                let stack = self.stack.as_mut().expect("the stack stage has its distances");
                let end = (self.stack_at + BATCH).min(self.n);
                let batch = self.stack_at as usize..end as usize;
                match &self.sizes {
                    Some(sizes) => stack.feed_sized(&self.requests[batch.clone()], &sizes[batch]),
                    None => stack.feed(&self.requests[batch]),
                }
                self.done_units += u64::from(end - self.stack_at);
                self.stack_at = end;
                if end == self.n {
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

    fn failure(&mut self) -> Option<String> {
        self.failed.take()
    }

    fn finish(&mut self) -> Report {
        let p = self.params.clone();
        let counted = self.n - self.warm();
        let counted_bytes = self
            .sizes
            .as_ref()
            .map(|sizes| sizes[self.warm() as usize..].iter().map(|&s| u64::from(s)).sum::<u64>());
        let ratio = |hits: u64| 1.0 - hits as f64 / f64::from(counted.max(1));
        let byte_ratio = |bytes: u64| counted_bytes.map(|all| 1.0 - bytes as f64 / all.max(1) as f64);
        let bins = self.bins.as_ref();
        let size = self.size;
        let mut policies = Vec::new();
        for (i, &policy) in p.policies.iter().enumerate() {
            // (hits, bytes hit) at the chosen size, and the curve.
            let (hits, bytes, curve) = if policy == Policy::Lru {
                let stack = self.stack.as_ref().expect("LRU's stack distances were taken");
                let sizes = &self.curve_sizes;
                let hits = stack.hits_at(sizes);
                let at = sizes.iter().position(|&s| s == size).expect("the size is among them");
                let bytes = if self.sizes.is_some() {
                    stack.byte_hits_at(&[size])[0]
                } else {
                    0
                };
                let curve = sizes
                    .iter()
                    .zip(&hits)
                    .map(|(&size, &h)| CurvePoint {
                        size,
                        miss_ratio: ratio(h),
                    })
                    .collect();
                (hits[at], bytes, curve)
            } else {
                let mut curve = Vec::new();
                let (mut hits, mut bytes) = (0, 0);
                for (task, &(pi, s)) in self.tasks.iter().enumerate() {
                    if pi == i {
                        curve.push(CurvePoint {
                            size: s,
                            miss_ratio: ratio(self.results[task]),
                        });
                        if s == size {
                            (hits, bytes) = (self.results[task], self.byte_results[task]);
                        }
                    }
                }
                (hits, bytes, curve)
            };
            let theory = match (policy, bins) {
                (Policy::Lru, Some(b)) => Some(1.0 - che_lru_hit_ratio(b, f64::from(size))),
                (Policy::Fifo | Policy::Random, Some(b)) => Some(1.0 - fifo_irm_hit_ratio(b, f64::from(size))),
                _ => None,
            };
            policies.push(PolicyReport {
                policy,
                name: policy.name().into(),
                source: policy.source().into(),
                hits,
                misses: u64::from(counted) - hits,
                miss_ratio: ratio(hits),
                byte_miss_ratio: byte_ratio(bytes),
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
            requests: self.n,
            counted,
            distinct: self.distinct,
            cold: self.stack.as_ref().map_or_else(|| self.cold(), StackDistances::cold),
            size,
            size_percent: 100.0 * f64::from(size) / f64::from(self.distinct.max(1)),
            independent: p.independent(),
            top_percent_share: self.top_percent_share(),
            policies,
            lru_curve,
            che_curve: std::mem::take(&mut self.che),
            irm_curve: std::mem::take(&mut self.irm),
            lru_size_for_90: self.stack.as_ref().and_then(|s| s.smallest_size_for(target)),
            che_size_for_90: self.che_size_for_90(),
            stepped: if self.file.is_some() {
                stepped_prefix(&p, &self.requests)
            } else {
                stepped(&p)
            },
            file: self.summary.take(),
            counted_bytes,
            notes: std::mem::take(&mut self.notes),
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
        Job::new(self, None)
    }

    fn start_with(&self, file: Option<Arc<Vec<u8>>>) -> Result<Job, String> {
        Job::new(self, file)
    }
}
