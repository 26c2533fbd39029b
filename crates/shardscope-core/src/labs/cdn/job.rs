//! The CDN lab's computation in bounded steps: each run (a `max-age`, with or without shields)
//! is simulated on the same seeded requests, counted in buckets of time, and measured beside the
//! TTL-cache model where it holds.

use serde::{Deserialize, Serialize};

use super::{Field, Params, Shield};
use crate::cache::cdn::{ttl_model_gap, ttl_theory, Cdn, CdnConfig, Counts, REGIONS};
use crate::labs::Run;

/// The most buckets a run's series has.
const MAX_BUCKETS: u32 = 600;
/// Requests simulated per step, about.
const STEP_REQUESTS: u64 = 200_000;
/// The clock's slot, in ms: the origin's peak after a flush is its busiest slot.
const SLOT_MS: u32 = 100;
/// How long after a flush the origin's peak is looked for, in ms.
const PEAK_WINDOW_MS: u32 = 5_000;
/// How long after a flush its requests to the origin are counted, in ms.
const FLUSH_WINDOW_MS: u32 = 10_000;

/// Counts over one bucket of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// When the bucket starts, in ms.
    pub at_ms: u32,
    /// Requests made.
    pub requests: u64,
    /// Answered at the edge without waiting (fresh, or while revalidating).
    pub answered: u64,
    /// Requests that reached the origin.
    pub origin_requests: u64,
    /// Bytes of bodies the origin sent.
    pub origin_bytes: u64,
    /// Stale answers.
    pub stale: u64,
}

/// What one region's users saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegionReport {
    /// The region.
    pub name: String,
    /// Its requests over the run.
    pub requests: u64,
    /// Share answered at the edge without waiting, in the steady window.
    pub answered: f64,
    /// What the TTL-cache model predicts for it, without shields.
    pub answered_theory: Option<f64>,
    /// Share of its answers that were stale, in the steady window.
    pub stale: f64,
    /// Latency percentiles over the run, in ms: p50, p95, p99.
    pub p50_ms: Option<u32>,
    /// See `p50_ms`.
    pub p95_ms: Option<u32>,
    /// See `p50_ms`.
    pub p99_ms: Option<u32>,
    /// The model's round trip for an answer from the edge, in ms (the last mile adds jitter).
    pub hit_ms: u32,
    /// And for one the origin makes, through the shield if there is one.
    pub origin_path_ms: u32,
}

/// What one run did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// The run's name: its `max-age` and whether it has shields.
    pub name: String,
    /// A short name for the permalink-free selectors of tests and styles.
    pub slug: String,
    /// Its `max-age`, in seconds.
    pub max_age_s: u32,
    /// Whether regions have shields.
    pub shield: bool,
    /// Counts over time.
    pub series: Vec<Bucket>,
    /// Counts over the run.
    pub total: Counts,
    /// Counts over the steady window: the second half of the time before the flush, or of
    /// the run.
    pub steady: Counts,
    /// The steady window's length, in seconds.
    pub steady_s: f64,
    /// Requests per second reaching the origin, in the steady window.
    pub origin_rps: f64,
    /// What the TTL-cache model predicts for it.
    pub origin_rps_theory: Option<f64>,
    /// Share of the requests the origin does not see, in the steady window.
    pub offload: f64,
    /// What the model predicts for it.
    pub offload_theory: Option<f64>,
    /// Share of the answers that were stale, in the steady window.
    pub stale: f64,
    /// What the model predicts for it.
    pub stale_theory: Option<f64>,
    /// How stale a stale answer was on average (since its object changed), in ms.
    pub stale_mean_ms: Option<f64>,
    /// Share answered at the edge without waiting, in the steady window.
    pub answered: f64,
    /// What the model predicts for it (without shields).
    pub answered_theory: Option<f64>,
    /// The origin's bodies in megabits per second, in the steady window.
    pub egress_mbps: f64,
    /// Bodies the origin sent over the run, in gigabytes.
    pub egress_gb: f64,
    /// Share of the origin's answers that were "not modified" (no body), over the run.
    pub not_modified: f64,
    /// Share of the requests reaching shields that they answered, over the run.
    pub shield_hit_ratio: Option<f64>,
    /// The origin's busiest 100 ms within five seconds after the flush, per second.
    pub flush_peak_rps: Option<f64>,
    /// Requests reaching the origin in the ten seconds from the flush.
    pub flush_10s_requests: Option<u64>,
    /// Each region.
    pub regions: Vec<RegionReport>,
}

/// Everything the lab shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Each bucket's length, in ms.
    pub bucket_ms: u32,
    /// The run's length, in ms.
    pub run_ms: u32,
    /// When everything is purged, if it is.
    pub flush_ms: Option<u32>,
    /// Why the TTL-cache model is not drawn, if it is not.
    pub theory_missing: Option<String>,
    /// Each run, `max-age` by `max-age`, without shields first.
    pub runs: Vec<RunReport>,
}

/// The running computation.
pub struct Job {
    params: Params,
    runs: Vec<(u32, bool)>,
    config: CdnConfig,
    index: usize,
    cdn: Option<Cdn>,
    slot: u32,
    bucket: Counts,
    series: Vec<Bucket>,
    total: Counts,
    steady: Counts,
    /// Each region's counts when the steady window starts and ends.
    window: (Vec<Counts>, Vec<Counts>),
    peak_slot: Option<u64>,
    flush_requests: Option<u64>,
    done: Vec<RunReport>,
    made: u64,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl Job {
    /// Starts the computation for `params`.
    #[must_use]
    pub fn new(params: &Params) -> Self {
        let g = |f| params.get(f);
        let runs = params.runs();
        let config = CdnConfig {
            regions: g(Field::Regions),
            edges: g(Field::Edges),
            edge_capacity: g(Field::EdgeCapacity),
            shield: runs[0].1,
            shield_capacity: g(Field::ShieldCapacity),
            objects: g(Field::Objects),
            alpha_centi: params.alpha_centi,
            rate: g(Field::Rate),
            seconds: g(Field::Seconds),
            max_age_s: runs[0].0,
            swr_s: g(Field::Swr),
            change_s: g(Field::Change),
            purge: params.purge,
            purge_delay_ms: g(Field::PurgeDelay),
            flush_ms: Some(g(Field::Flush)).filter(|&ms| ms > 0),
            size_kb: g(Field::Size),
            origin_service_ms: g(Field::OriginMs),
            seed: params.seed,
        };
        let mut job = Self {
            params: params.clone(),
            runs,
            config,
            index: 0,
            cdn: None,
            slot: 0,
            bucket: Counts::default(),
            series: Vec::new(),
            total: Counts::default(),
            steady: Counts::default(),
            window: (Vec::new(), Vec::new()),
            peak_slot: None,
            flush_requests: None,
            done: Vec::new(),
            made: 0,
        };
        job.start_run();
        job
    }

    fn start_run(&mut self) {
        (self.config.max_age_s, self.config.shield) = self.runs[self.index];
        self.cdn = Some(Cdn::new(&self.config));
        self.slot = 0;
        (self.bucket, self.total, self.steady) = (Counts::default(), Counts::default(), Counts::default());
        self.series = Vec::new();
        self.window = (vec![Counts::default(); self.config.regions as usize], Vec::new());
        self.peak_slot = None;
        self.flush_requests = None;
    }

    fn slots(&self) -> u32 {
        self.config.seconds * (1_000 / SLOT_MS)
    }

    fn bucket_slots(&self) -> u32 {
        self.slots().div_ceil(MAX_BUCKETS).max(1)
    }

    /// The steady window, in slots: the second half of the time before the flush, or of the run.
    fn steady_window(&self) -> (u32, u32) {
        let end = self.config.flush_ms.map_or(self.slots(), |ms| ms / SLOT_MS);
        // A flush in the first moments leaves no time before it; the run's second half serves.
        let end = if end < 2 { self.slots() } else { end };
        (end / 2, end)
    }

    /// Requests in slot `k` (the rate spread evenly).
    fn requests_in(&self, k: u32) -> u64 {
        let at = |k: u32| u64::from(self.config.rate) * u64::from(k) / u64::from(1_000 / SLOT_MS);
        at(k + 1) - at(k)
    }

    /// Measures one finished run beside the model.
    fn report(&self) -> RunReport {
        let c = &self.config;
        let cdn = self.cdn.as_ref().expect("a run is under way");
        let (from, to) = self.steady_window();
        let steady_s = f64::from((to - from) * SLOT_MS) / 1_000.0;
        let s = &self.steady;
        let per = |n: u64| n as f64 / s.requests.max(1) as f64;
        let theory = ttl_theory(c);
        let rate = f64::from(c.rate);
        let shares = c.region_shares();
        let regions = cdn
            .stats()
            .iter()
            .enumerate()
            .map(|(r, stats)| {
                let (a, b) = (&self.window.0[r], &self.window.1[r]);
                let requests = (b.requests - a.requests).max(1) as f64;
                let region = REGIONS[r];
                RegionReport {
                    name: region.name.into(),
                    requests: stats.counts.requests,
                    answered: ((b.fresh + b.while_revalidating) - (a.fresh + a.while_revalidating)) as f64 / requests,
                    answered_theory: theory.as_ref().and_then(|t| t.edge_answered.as_ref().map(|e| e[r])),
                    stale: (b.stale - a.stale) as f64 / requests,
                    p50_ms: stats.percentile(0.5),
                    p95_ms: stats.percentile(0.95),
                    p99_ms: stats.percentile(0.99),
                    hit_ms: region.edge_ms,
                    origin_path_ms: region.edge_ms
                        + if c.shield { region.shield_ms } else { 0 }
                        + region.origin_ms
                        + c.origin_service_ms,
                }
            })
            .collect();
        let shield = if c.shield { " + shield" } else { "" };
        RunReport {
            name: format!("max-age {} s{shield}", c.max_age_s),
            slug: format!("ttl{}{}", c.max_age_s, if c.shield { "-shield" } else { "" }),
            max_age_s: c.max_age_s,
            shield: c.shield,
            series: self.series.clone(),
            total: self.total,
            steady: *s,
            steady_s,
            origin_rps: s.origin_requests as f64 / steady_s.max(1e-9),
            origin_rps_theory: theory.as_ref().map(|t| t.origin_rps),
            offload: 1.0 - per(s.origin_requests),
            offload_theory: theory.as_ref().map(|t| 1.0 - t.origin_rps / rate),
            stale: per(s.stale),
            stale_theory: theory.as_ref().map(|t| t.stale),
            stale_mean_ms: (self.total.stale > 0).then(|| self.total.stale_ms as f64 / self.total.stale as f64),
            answered: per(s.fresh + s.while_revalidating),
            answered_theory: theory
                .as_ref()
                .and_then(|t| t.edge_answered.as_ref())
                .map(|e| e.iter().zip(&shares).map(|(a, w)| a * w).sum()),
            egress_mbps: s.origin_bytes as f64 * 8.0 / 1e6 / steady_s.max(1e-9),
            egress_gb: self.total.origin_bytes as f64 / 1e9,
            not_modified: 1.0 - self.total.origin_bodies as f64 / self.total.origin_requests.max(1) as f64,
            shield_hit_ratio: c
                .shield
                .then(|| self.total.shield_hits as f64 / self.total.shield_requests.max(1) as f64),
            flush_peak_rps: self.peak_slot.map(|n| n as f64 * f64::from(1_000 / SLOT_MS)),
            flush_10s_requests: self.flush_requests,
            regions,
        }
    }
}

impl Run for Job {
    type Report = Report;

    fn step(&mut self) -> bool {
        let (from, to) = self.steady_window();
        let (slots, bucket_slots) = (self.slots(), self.bucket_slots());
        let mut budget = STEP_REQUESTS;
        while self.slot < slots && budget > 0 {
            let k = self.slot;
            let n = self.requests_in(k);
            let cdn = self.cdn.as_mut().expect("a run is under way");
            let mut counts = Counts::default();
            cdn.step(n, &mut counts);
            if k + 1 == from {
                self.window.0 = cdn.stats().iter().map(|s| s.counts).collect();
            }
            if k + 1 == to {
                self.window.1 = cdn.stats().iter().map(|s| s.counts).collect();
            }
            self.bucket.add(&counts);
            self.total.add(&counts);
            if (from..to).contains(&k) {
                self.steady.add(&counts);
            }
            if let Some(ms) = self.config.flush_ms {
                if (ms / SLOT_MS..(ms + PEAK_WINDOW_MS) / SLOT_MS).contains(&k) {
                    self.peak_slot = Some(self.peak_slot.unwrap_or(0).max(counts.origin_requests));
                }
                if (ms / SLOT_MS..(ms + FLUSH_WINDOW_MS) / SLOT_MS).contains(&k) {
                    self.flush_requests = Some(self.flush_requests.unwrap_or(0) + counts.origin_requests);
                }
            }
            if (k + 1).is_multiple_of(bucket_slots) || k + 1 == slots {
                let b = std::mem::take(&mut self.bucket);
                self.series.push(Bucket {
                    at_ms: (k - k % bucket_slots) * SLOT_MS,
                    requests: b.requests,
                    answered: b.fresh + b.while_revalidating,
                    origin_requests: b.origin_requests,
                    origin_bytes: b.origin_bytes,
                    stale: b.stale,
                });
            }
            self.slot += 1;
            self.made += n;
            budget = budget.saturating_sub(n.max(1));
        }
        if self.slot < slots {
            return false;
        }
        let report = self.report();
        self.done.push(report);
        self.index += 1;
        if self.index == self.runs.len() {
            self.cdn = None;
            return true;
        }
        self.start_run();
        false
    }

    fn progress(&self) -> (u64, u64) {
        let total = self.params.requests() * self.runs.len() as u64;
        (self.made.min(total), total)
    }

    fn finish(&mut self) -> Report {
        Report {
            bucket_ms: self.bucket_slots() * SLOT_MS,
            run_ms: self.config.seconds * 1_000,
            flush_ms: self.config.flush_ms,
            // The check covers every run: a run with shields has the most reasons to miss.
            theory_missing: ttl_model_gap(&CdnConfig {
                shield: self.params.shield != Shield::Off,
                ..self.config
            })
            .map(String::from),
            runs: std::mem::take(&mut self.done),
        }
    }
}

impl crate::labs::Computes for Params {
    type Run = Job;

    fn start(&self) -> Result<Job, String> {
        Ok(Job::new(self))
    }
}
