//! What a whole-system run reports: each tier's utilization, queue, latency and errors beside
//! the M/M/c prediction and Little's law, the end-to-end outcome, and a per-second timeline.

use serde::{Deserialize, Serialize};

use super::histogram::Percentiles;
use super::theory::Mmc;

/// A tier's name in reports, in the order the lab draws them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tier {
    /// The one server that runs both the application and the database.
    Server,
    /// The stateless web (application) servers.
    Web,
    /// The cache nodes.
    Cache,
    /// The services the application calls.
    Services,
    /// The database primaries (one per shard).
    Primary,
    /// The database read replicas.
    Replica,
    /// The message bus's consumers.
    Bus,
}

impl Tier {
    /// Every tier, in drawing order.
    pub const ALL: [Self; 7] = [
        Self::Server,
        Self::Web,
        Self::Cache,
        Self::Services,
        Self::Primary,
        Self::Replica,
        Self::Bus,
    ];

    /// The tier's name in reports and links.
    #[must_use]
    pub fn slug(self) -> &'static str {
        match self {
            Self::Server => "server",
            Self::Web => "web",
            Self::Cache => "cache",
            Self::Services => "services",
            Self::Primary => "primary",
            Self::Replica => "replica",
            Self::Bus => "bus",
        }
    }
}

/// Little's law over the whole run, arrivals to the last departure: `L` measured as the time
/// average of jobs present, against `λ·W` from the arrivals and their mean time in the tier.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Little {
    /// The time-average number of jobs in the tier (waiting or in service).
    pub l: f64,
    /// The arrival rate (per second) times the mean time in the tier (seconds).
    pub lambda_w: f64,
}

/// One tier's numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierReport {
    /// Which tier.
    pub tier: Tier,
    /// Servers in the tier at the end of the arrivals (the most during the run, for the web tier).
    pub servers: u32,
    /// Workers per server.
    pub workers: u32,
    /// Busy worker time over worker time available while requests arrived.
    pub utilization: f64,
    /// The busiest server's utilization (a hot shard, an unlucky web server).
    pub hottest: f64,
    /// The time-average number of jobs waiting, over all the tier's servers.
    pub queue: f64,
    /// The most jobs waiting at one server at once.
    pub queue_max: u64,
    /// Jobs that arrived (admitted or not).
    pub arrivals: u64,
    /// Jobs refused because the server's queue was full.
    pub shed: u64,
    /// Jobs lost because their server was down.
    pub failed: u64,
    /// Jobs served for attempts the client had already given up on.
    pub wasted: u64,
    /// Attempts whose client timed out while they waited on this tier (in its queue, in service
    /// or on the way to it).
    pub timeouts: u64,
    /// Time in the tier (wait and service), in ms.
    pub latency: Percentiles,
    /// The mean wait before service, in ms.
    pub wait_mean: f64,
    /// The mean service time, in ms.
    pub service_mean: f64,
    /// What M/M/c predicts for one server at the tier's mean arrival rate and service time.
    pub theory: Option<Mmc>,
    /// Little's law, measured.
    pub little: Little,
    /// Each second of the run, the drain included, in the order of [`SystemReport::timeline`].
    pub seconds: Vec<TierSecond>,
}

/// One tier during one second of the run: what flowed into it, how busy it was and what it
/// failed.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct TierSecond {
    /// Visits that reached the tier (admitted or not).
    pub arrivals: u32,
    /// Visits refused by a full queue or lost to a dead server.
    pub failed: u32,
    /// Attempts that timed out while they waited on the tier.
    pub timeouts: u32,
    /// Jobs waiting at the end of the second, over all the tier's servers.
    pub queue: u32,
    /// Busy worker time over the worker time of the tier's servers in service that second.
    pub utilization: f32,
    /// The busiest server's utilization that second.
    pub hottest: f32,
}

/// What happened to requests, counted once each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Outcomes {
    /// Requests that started (first attempts).
    pub requests: u64,
    /// Requests answered.
    pub served: u64,
    /// Requests that failed after their last attempt because a server refused them.
    pub shed: u64,
    /// Requests that failed because a server, a datacenter or the primary was down.
    pub down: u64,
    /// Requests whose last attempt timed out.
    pub timeouts: u64,
    /// Requests refused by an open circuit breaker.
    pub broken: u64,
    /// Attempts after the first.
    pub retries: u64,
}

impl Outcomes {
    /// Requests that failed, for any reason.
    #[must_use]
    pub fn failed(&self) -> u64 {
        self.shed + self.down + self.timeouts + self.broken
    }
}

/// One second of the run.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Second {
    /// Requests that started.
    pub started: u32,
    /// Attempts (first ones and retries) that started.
    pub attempts: u32,
    /// Requests answered.
    pub served: u32,
    /// Requests that failed for good.
    pub failed: u32,
    /// Web servers taking traffic at the end of the second.
    pub web: u32,
    /// The 99th percentile of the second's answered requests, in ms.
    pub p99: f32,
    /// Work waiting on the bus at the end of the second.
    pub bus_depth: u32,
    /// Static requests the CDN's edges were asked for…
    pub cdn_lookups: u32,
    /// …and answered.
    pub cdn_hits: u32,
}

/// The caches' measured hit ratios beside Che's approximation.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Hits {
    /// Lookups.
    pub lookups: u64,
    /// Of those, hits.
    pub hits: u64,
    /// Che's approximation for an LRU of this size under the same Zipf popularity.
    pub che: f64,
}

/// The fan-out's tail beside "The Tail at Scale".
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Fanout {
    /// Calls per request.
    pub k: u32,
    /// Requests that made their calls.
    pub requests: u64,
    /// Of those, requests with at least one slow call.
    pub slow: u64,
    /// `1 − (1 − p)^k` for the configured slow-call probability.
    pub slow_theory: f64,
    /// Calls sent.
    pub calls: u64,
    /// Hedged calls sent on top.
    pub hedges: u64,
}

/// A whole-system run's report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SystemReport {
    /// Every tier the architecture has.
    pub tiers: Vec<TierReport>,
    /// The tier whose busiest server is the most utilized.
    pub bottleneck: Option<Tier>,
    /// What happened to requests.
    pub outcomes: Outcomes,
    /// End-to-end latency of answered requests, as users see it (network included), in ms.
    pub latency: Percentiles,
    /// The same for each kind, in [`super::design::Kind::ALL`] order.
    pub by_kind: Vec<Percentiles>,
    /// The arrival rate the traffic model gives at the run's start, per second.
    pub rate: f64,
    /// The CDN's edges.
    pub cdn: Option<Hits>,
    /// The cache tier.
    pub cache: Option<Hits>,
    /// Reads of a replica that missed a write: one made before the read reached the replica and
    /// less than the replication lag before the replica answered.
    pub stale_reads: u64,
    /// Writes acknowledged by a primary that died before they reached a replica.
    pub lost_writes: u64,
    /// Cache misses that waited for another request's database read instead of making one.
    pub coalesced: u64,
    /// The services' fan-out.
    pub fanout: Option<Fanout>,
    /// Each second of arrivals and of the drain after them.
    pub timeline: Vec<Second>,
    /// Simulated events.
    pub events: u64,
    /// Virtual time at the last event, in ms.
    pub end_ms: f64,
}
