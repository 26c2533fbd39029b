//! The Cache cluster lab's computation in bounded steps: each placement algorithm's cluster is
//! simulated tick by tick on the same seeded requests, counted in buckets of time, and measured
//! beside what placement and Che's approximation predict.

use serde::{Deserialize, Serialize};

use super::{Field, Params};
use crate::cache::cluster::{Cluster, ClusterConfig, Counts, TICK_MS};
use crate::cache::theory::{che_lru_hit_ratio, Bins};
use crate::cache::workload::{probabilities, Popularity};
use crate::cache::Policy;
use crate::labs::Run;
use crate::placement::Algorithm;
use crate::query::Choice;

/// The most buckets a run's series has.
const MAX_BUCKETS: u32 = 600;
/// Requests simulated per step, about.
const STEP_REQUESTS: u64 = 200_000;
/// How long after a loss the database's peak is looked for, in ms.
const PEAK_WINDOW_MS: u32 = 5_000;

/// Counts over one bucket of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// When the bucket starts, in ms.
    pub at_ms: u32,
    /// Requests made.
    pub requests: u64,
    /// Served by app servers' local caches.
    pub local_hits: u64,
    /// Served by cache nodes.
    pub hits: u64,
    /// Database fetches.
    pub fetches: u64,
    /// Misses that waited for a fetch under way.
    pub coalesced: u64,
    /// Requests to the busiest node.
    pub busiest: u64,
}

/// What one placement algorithm's cluster did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlgorithmReport {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Its name.
    pub name: String,
    /// The node lost (by number), if one is: the celebrity's node when there is a celebrity.
    pub lost_node: Option<u32>,
    /// Counts over time.
    pub series: Vec<Bucket>,
    /// Counts over the whole run.
    pub total: Totals,
    /// Requests each node received per second in the steady window.
    pub node_rps: Vec<f64>,
    /// What placement predicts each node receives per second (before any loss, without local
    /// caches, which take requests before they reach a node).
    pub node_rps_theory: Vec<f64>,
    /// Hit ratio of the requests that reached a node, measured over the steady window (the
    /// second half of the time before the loss, or of the run).
    pub hit_ratio: f64,
    /// What Che's approximation predicts for it, node by node, for LRU nodes without local
    /// caches (which change the requests a node sees).
    pub hit_ratio_theory: Option<f64>,
    /// Database fetches per second in the steady window.
    pub db_steady_rps: f64,
    /// The database's busiest tick (10 ms) within five seconds after the loss, per second.
    pub db_peak_rps: Option<f64>,
    /// What that peak would be if the lost node's hits all became misses, one fetch each:
    /// steady fetches + rate × moved share × hit ratio.
    pub db_peak_theory_rps: Option<f64>,
    /// Share of the keys (objects and their copies) whose node changed with the loss, measured
    /// from the placement.
    pub moved_keys: Option<f64>,
    /// What consistent hashing promises for it (1/N), or hash mod N's (N − 1)/N.
    pub moved_theory: Option<f64>,
    /// Share of the requests whose node changed: the keys weighted by popularity, so more than
    /// the keys' share when the lost node holds a hot one.
    pub moved_share: Option<f64>,
    /// Database fetches per second once the rate settles after the loss (the second half of the
    /// time after it): above the old steady rate, since one node fewer holds less.
    pub db_settled_rps: Option<f64>,
    /// Fetches beyond the settled rate from the loss until the rate is within 10 % of it.
    pub extra_fetches: Option<u64>,
    /// How long that took, in ms (none if it never settled within the run).
    pub recovery_ms: Option<u32>,
    /// Seconds the database was asked for more than its capacity.
    pub overloaded_seconds: f64,
}

/// Counts over a whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Requests made.
    pub requests: u64,
    /// Served by app servers' local caches.
    pub local_hits: u64,
    /// Served by cache nodes.
    pub hits: u64,
    /// Database fetches.
    pub fetches: u64,
    /// Misses that waited for a fetch under way.
    pub coalesced: u64,
}

/// Everything the lab shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Each bucket's length, in ms.
    pub bucket_ms: u32,
    /// The run's length, in ms.
    pub run_ms: u32,
    /// The database's capacity, per second.
    pub db_rps: u32,
    /// Each algorithm, in the order chosen.
    pub algorithms: Vec<AlgorithmReport>,
}

/// The running computation.
pub struct Job {
    params: Params,
    config: ClusterConfig,
    probabilities: Vec<f64>,
    bucket_ticks: u32,
    index: usize,
    cluster: Option<Cluster>,
    bucket: Counts,
    series: Vec<Bucket>,
    total: Counts,
    /// The owner of every copy of every object before any loss, in [`Cluster::owners`] order:
    /// placement's shares, Che node by node and the keys a loss moves all start from it.
    owners: Vec<u32>,
    steady: Counts,
    /// Each node's load when the steady window starts and ends.
    window_loads: (Vec<u64>, Vec<u64>),
    /// The most fetches in one tick after the loss (within the peak window).
    peak_tick: Option<u64>,
    done: Vec<AlgorithmReport>,
    lost: Option<u32>,
    ticks_done: u64,
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
    ///
    /// # Errors
    /// A placement algorithm refuses the nodes (never for a valid state).
    pub fn new(params: &Params) -> Result<Self, String> {
        let g = |f| params.get(f);
        let nonzero = |v: u32| (v > 0).then_some(v);
        let config = ClusterConfig {
            algorithm: params.algorithms[0],
            nodes: g(Field::Nodes),
            policy: params.policy,
            capacity: g(Field::Capacity),
            objects: g(Field::Objects),
            alpha_centi: params.alpha_centi,
            rate: g(Field::Rate),
            seconds: g(Field::Seconds),
            fail_ms: nonzero(g(Field::FailMs)),
            back_ms: nonzero(g(Field::BackMs)),
            hot_percent: g(Field::HotPercent),
            replicas: g(Field::Replicas),
            hot_keys: g(Field::HotKeys),
            apps: g(Field::Apps),
            local: g(Field::Local),
            local_ttl_ms: g(Field::TtlMs),
            coalesce: params.coalesce,
            fetch_ms: g(Field::FetchMs),
            seed: params.seed,
        };
        // The celebrity is one more object, with its share of the requests.
        let hot = f64::from(config.hot_percent) / 100.0;
        let mut probabilities: Vec<f64> = probabilities(
            Popularity::Zipf {
                alpha_centi: config.alpha_centi,
            },
            config.objects,
        )
        .into_iter()
        .map(|p| p * (1.0 - hot))
        .collect();
        probabilities.push(hot);
        let ticks = config.seconds * (1_000 / TICK_MS);
        let mut job = Self {
            params: params.clone(),
            config,
            probabilities,
            bucket_ticks: ticks.div_ceil(MAX_BUCKETS).max(1),
            index: 0,
            cluster: None,
            bucket: Counts::default(),
            series: Vec::new(),
            total: Counts::default(),
            owners: Vec::new(),
            steady: Counts::default(),
            window_loads: (Vec::new(), Vec::new()),
            peak_tick: None,
            done: Vec::new(),
            lost: None,
            ticks_done: 0,
        };
        job.start_algorithm()?;
        Ok(job)
    }

    fn start_algorithm(&mut self) -> Result<(), String> {
        self.config.algorithm = self.params.algorithms[self.index];
        let cluster = Cluster::new(&self.config)?;
        self.owners = cluster.owners();
        self.lost = self.config.fail_ms.map(|_| cluster.lost_node());
        self.cluster = Some(cluster);
        (self.bucket, self.total, self.steady) = (Counts::default(), Counts::default(), Counts::default());
        self.series = Vec::new();
        self.peak_tick = None;
        Ok(())
    }

    fn ticks(&self) -> u32 {
        self.config.seconds * (1_000 / TICK_MS)
    }

    /// The steady window, in ticks: the second half of the time before the loss, or of the run.
    fn steady_window(&self) -> (u32, u32) {
        let end = self.config.fail_ms.map_or(self.ticks(), |ms| ms / TICK_MS);
        (end / 2, end)
    }

    /// Measures one finished cluster beside theory.
    fn report(&self) -> AlgorithmReport {
        let c = &self.config;
        let (from, to) = self.steady_window();
        let window_s = f64::from((to - from) * TICK_MS) / 1_000.0;
        let reached = self.steady.hits + self.steady.fetches + self.steady.coalesced;
        let hit_ratio = self.steady.hits as f64 / reached.max(1) as f64;
        let db_steady_rps = self.steady.fetches as f64 / window_s.max(1e-9);
        let node_rps = self
            .window_loads
            .1
            .iter()
            .zip(&self.window_loads.0)
            .map(|(&end, &start)| (end - start) as f64 / window_s.max(1e-9))
            .collect();
        let probabilities = self.copy_probabilities();
        let shares = self.shares(&probabilities);
        let node_rps_theory = shares.iter().map(|s| s * f64::from(c.rate)).collect();
        let hit_ratio_theory =
            (c.policy == Policy::Lru && c.local == 0).then(|| self.che_hit_ratio(&shares, &probabilities));
        let bucket_ms = self.bucket_ticks * TICK_MS;
        let (mut db_peak_rps, mut db_peak_theory_rps, mut moved_share, mut moved_theory) = (None, None, None, None);
        let (mut moved_keys, mut db_settled_rps) = (None, None);
        let (mut extra_fetches, mut recovery_ms) = (None, None);
        if let Some(fail_ms) = c.fail_ms {
            let (before, after) = (&self.owners, self.owners_after());
            let moved: f64 = probabilities
                .iter()
                .zip(before.iter().zip(&after))
                .filter(|(_, (b, a))| b != a)
                .map(|(p, _)| p)
                .sum();
            moved_share = Some(moved);
            let keys = before.iter().zip(&after).filter(|(b, a)| b != a).count();
            moved_keys = Some(keys as f64 / before.len().max(1) as f64);
            let n = f64::from(c.nodes);
            moved_theory = Some(if c.algorithm == Algorithm::ModN {
                (n - 1.0) / n
            } else {
                1.0 / n
            });
            let per_second = 1_000.0 / f64::from(bucket_ms);
            let after_loss = self.series.iter().filter(|b| b.at_ms >= fail_ms);
            db_peak_rps = self.peak_tick.map(|f| f as f64 * f64::from(1_000 / TICK_MS));
            db_peak_theory_rps = Some(db_steady_rps + f64::from(c.rate) * moved * hit_ratio);
            // One node fewer holds less, so the rate settles above the old one: the new steady
            // rate is the second half of the time after the loss (until the node is back).
            let end_ms = c.back_ms.unwrap_or(c.seconds * 1_000);
            let settled: Vec<f64> = self
                .series
                .iter()
                .filter(|b| b.at_ms >= fail_ms + (end_ms - fail_ms) / 2 && b.at_ms < end_ms)
                .map(|b| b.fetches as f64)
                .collect();
            let settled_bucket = settled.iter().sum::<f64>() / settled.len().max(1) as f64;
            db_settled_rps = Some(settled_bucket * per_second);
            let mut extra = 0.0;
            for b in after_loss.take_while(|b| b.at_ms < end_ms) {
                if (b.fetches as f64) <= 1.1 * settled_bucket + 1.0 {
                    recovery_ms = Some(b.at_ms - fail_ms);
                    break;
                }
                extra += b.fetches as f64 - settled_bucket;
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // A count above zero.
            let extra = extra.max(0.0).round() as u64;
            extra_fetches = Some(extra);
        }
        let per_second = 1_000.0 / f64::from(bucket_ms);
        let overloaded = self
            .series
            .iter()
            .filter(|b| b.fetches as f64 * per_second > f64::from(self.params.get(Field::DbRps)))
            .count();
        AlgorithmReport {
            algorithm: c.algorithm,
            name: c.algorithm.label().into(),
            lost_node: self.lost,
            series: self.series.clone(),
            total: Totals {
                requests: self.total.requests,
                local_hits: self.total.local_hits,
                hits: self.total.hits,
                fetches: self.total.fetches,
                coalesced: self.total.coalesced,
            },
            node_rps,
            node_rps_theory,
            hit_ratio,
            hit_ratio_theory,
            db_steady_rps,
            db_peak_rps,
            db_peak_theory_rps,
            db_settled_rps,
            moved_keys,
            moved_theory,
            moved_share,
            extra_fetches,
            recovery_ms,
            overloaded_seconds: overloaded as f64 * f64::from(bucket_ms) / 1_000.0,
        }
    }

    /// Each copy's share of the requests, in the order of [`Cluster::owners`].
    fn copy_probabilities(&self) -> Vec<f64> {
        let cluster = self.cluster.as_ref().expect("a cluster runs");
        self.probabilities
            .iter()
            .enumerate()
            .flat_map(|(x, &p)| {
                let copies = cluster.copies(u32::try_from(x).expect("objects fit u32"));
                (0..copies).map(move |_| p / f64::from(copies))
            })
            .collect()
    }

    /// Each node's share of the requests before any loss, from each copy's share.
    fn shares(&self, probabilities: &[f64]) -> Vec<f64> {
        let mut shares = vec![0.0; self.config.nodes as usize];
        for (&owner, p) in self.owners.iter().zip(probabilities) {
            shares[owner as usize] += p;
        }
        shares
    }

    /// The owners after the loss: a fresh cluster that loses the same node at once.
    fn owners_after(&self) -> Vec<u32> {
        let config = ClusterConfig {
            fail_ms: Some(0),
            back_ms: None,
            seconds: 1,
            rate: 100,
            ..self.config
        };
        let mut cluster = Cluster::new(&config).expect("built once already");
        cluster.step(&mut Counts::default());
        cluster.owners()
    }

    /// Che's approximation applied to each node over the keys it owns, weighted by its share.
    fn che_hit_ratio(&self, shares: &[f64], probabilities: &[f64]) -> f64 {
        let mut per_node: Vec<Vec<f64>> = vec![Vec::new(); shares.len()];
        for (&owner, &p) in self.owners.iter().zip(probabilities) {
            per_node[owner as usize].push(p);
        }
        per_node
            .iter()
            .zip(shares)
            .filter(|(_, &share)| share > 0.0)
            .map(|(ps, &share)| {
                let within: Vec<f64> = ps.iter().map(|p| p / share).collect();
                share * che_lru_hit_ratio(&Bins::new(&within), f64::from(self.config.capacity))
            })
            .sum()
    }
}

impl Run for Job {
    type Report = Report;

    fn step(&mut self) -> bool {
        let (from, to) = self.steady_window();
        let Some(cluster) = self.cluster.as_mut() else {
            return true;
        };
        let per_tick = (u64::from(self.config.rate) / 100).max(1);
        let mut budget = STEP_REQUESTS / per_tick + 1;
        while budget > 0 && cluster.tick() < cluster.ticks() {
            let t = cluster.tick();
            let mut counts = Counts::default();
            cluster.step(&mut counts);
            self.bucket.add(&counts);
            self.total.add(&counts);
            if (from..to).contains(&t) {
                self.steady.add(&counts);
            }
            if t + 1 == from {
                self.window_loads.0 = cluster.loads();
            }
            if t + 1 == to {
                self.window_loads.1 = cluster.loads();
            }
            if let Some(ms) = self.config.fail_ms {
                if (ms / TICK_MS..(ms + PEAK_WINDOW_MS) / TICK_MS).contains(&t) {
                    self.peak_tick = Some(self.peak_tick.unwrap_or(0).max(counts.fetches));
                }
            }
            if (t + 1) % self.bucket_ticks == 0 || t + 1 == cluster.ticks() {
                let loads = cluster.take_bucket_loads();
                let b = std::mem::take(&mut self.bucket);
                self.series.push(Bucket {
                    at_ms: (t + 1 - (t % self.bucket_ticks) - 1) * TICK_MS,
                    requests: b.requests,
                    local_hits: b.local_hits,
                    hits: b.hits,
                    fetches: b.fetches,
                    coalesced: b.coalesced,
                    busiest: loads.into_iter().max().unwrap_or(0),
                });
            }
            budget -= 1;
            self.ticks_done += 1;
        }
        if cluster.tick() < cluster.ticks() {
            return false;
        }
        let report = self.report();
        self.done.push(report);
        self.index += 1;
        if self.index == self.params.algorithms.len() {
            self.cluster = None;
            return true;
        }
        // A valid state's algorithms all build; if one did not, the run would end here.
        self.start_algorithm().is_err()
    }

    fn progress(&self) -> (u64, u64) {
        let total = u64::from(self.ticks()) * self.params.algorithms.len() as u64;
        (self.ticks_done.min(total), total)
    }

    fn finish(&mut self) -> Report {
        Report {
            bucket_ms: self.bucket_ticks * TICK_MS,
            run_ms: self.config.seconds * 1_000,
            db_rps: self.params.get(Field::DbRps),
            algorithms: std::mem::take(&mut self.done),
        }
    }
}

impl crate::labs::Computes for Params {
    type Run = Job;

    fn start(&self) -> Result<Job, String> {
        Job::new(self)
    }
}
