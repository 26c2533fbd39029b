//! The "Scaling to 10 million users" lab: the whole system as one simulation, from one server to
//! several datacenters, each tier's utilization, queue and latency beside Erlang C, the
//! end-to-end latency against an SLO, the largest user count that meets it, and the monthly cost.
//!
//! This module holds the lab's state (what its permalink stores), its commands, repairs and
//! presets; `job` runs the simulation and the SLO search.

use serde::{Deserialize, Serialize};

pub use super::Preset;
use super::{read_fields, set_field, set_number, FieldSpec, LabParams};
use crate::query::{to_query, Choice, Problem, Query};
use crate::system::design::{
    Autoscale, Backoff, Balance, Client, Database, Design, Fault, Pool, Sessions, Spike, Traffic, Work, MAX_REQUESTS,
};

mod job;
mod presets;

pub use job::{Job, Report, Slo, Trial, BISECTIONS, CONSUMERS_PER_SERVER, TRIAL_REQUESTS, TRIAL_SECONDS};
pub use presets::{BOTTLENECKS, PRESETS};

/// The permalink format version.
pub const VERSION: u32 = 1;

/// Where the database runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Db {
    /// On the web server itself.
    OnServer,
    /// On servers of its own.
    Separate,
}

impl Choice for Db {
    const ALL: &'static [Self] = &[Self::OnServer, Self::Separate];
    fn slug(self) -> &'static str {
        match self {
            Self::OnServer => "server",
            Self::Separate => "separate",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::OnServer => "On the web server",
            Self::Separate => "On its own servers",
        }
    }
}

/// The load balancer, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lb {
    /// None: users reach one web server.
    None,
    /// Round-robin.
    RoundRobin,
    /// Least connections.
    LeastConnections,
    /// Power of two choices.
    TwoChoices,
}

impl Choice for Lb {
    const ALL: &'static [Self] = &[Self::None, Self::RoundRobin, Self::LeastConnections, Self::TwoChoices];
    fn slug(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::RoundRobin => "rr",
            Self::LeastConnections => "lc",
            Self::TwoChoices => "p2c",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::None => "No load balancer",
            Self::RoundRobin => "Round-robin",
            Self::LeastConnections => "Least connections",
            Self::TwoChoices => "Power of two choices",
        }
    }
}

impl Choice for Sessions {
    const ALL: &'static [Self] = &[Self::Shared, Self::Sticky];
    fn slug(self) -> &'static str {
        match self {
            Self::Shared => "shared",
            Self::Sticky => "sticky",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Shared => "In a shared store",
            Self::Sticky => "Sticky to one web server",
        }
    }
}

impl Choice for Backoff {
    const ALL: &'static [Self] = &[Self::None, Self::Exponential, Self::Jitter];
    fn slug(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Exponential => "exponential",
            Self::Jitter => "jitter",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::None => "Retry at once",
            Self::Exponential => "Exponential backoff",
            Self::Jitter => "Exponential backoff with jitter",
        }
    }
}

impl Choice for Fault {
    const ALL: &'static [Self] = &[
        Self::None,
        Self::Server,
        Self::Flush,
        Self::Primary,
        Self::Datacenter,
        Self::Slowdown,
    ];
    fn slug(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Server => "server",
            Self::Flush => "flush",
            Self::Primary => "primary",
            Self::Datacenter => "dc",
            Self::Slowdown => "slowdown",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::None => "Nothing fails",
            Self::Server => "A web server dies",
            Self::Flush => "The cache is flushed",
            Self::Primary => "The database primary dies",
            Self::Datacenter => "A datacenter is lost",
            Self::Slowdown => "The database slows down (retry storm)",
        }
    }
}

/// How several datacenters share the traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DcMode {
    /// The first serves everyone; the others stand by.
    Passive,
    /// Each serves its own region.
    Active,
}

impl Choice for DcMode {
    const ALL: &'static [Self] = &[Self::Passive, Self::Active];
    fn slug(self) -> &'static str {
        match self {
            Self::Passive => "passive",
            Self::Active => "active",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Passive => "Active-passive",
            Self::Active => "Active-active",
        }
    }
}

/// A numeric setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)] // Each is described by its entry in FIELDS.
pub enum Field {
    Users,
    Regions,
    PerDay,
    Peak,
    Hour,
    Seconds,
    Static,
    Read,
    Write,
    Login,
    Keys,
    Alpha,
    Objects,
    Web,
    Workers,
    Scale,
    Warmup,
    ScaleMin,
    ScaleMax,
    ScaleEvery,
    Cdn,
    Cache,
    CacheKeys,
    CacheWorkers,
    Services,
    Fanout,
    ServiceWorkers,
    Bus,
    Shards,
    Replicas,
    DbWorkers,
    Lag,
    Dcs,
    Timeout,
    Retries,
    BackoffMs,
    QueueLimit,
    Breaker,
    Coalesce,
    Hedge,
    ReadYourWrites,
    ShardByUser,
    SlowPpm,
    SlowMs,
    FollowUp,
    FaultAt,
    Failover,
    SpikeAt,
    SpikeSeconds,
    SpikeFactor,
    Slo,
    SloErrors,
}

/// The number of numeric settings.
pub const FIELD_COUNT: usize = 52;

/// Each numeric setting: its permalink name, what people call it, its range and its default.
pub const FIELDS: [FieldSpec<Field>; FIELD_COUNT] = [
    (Field::Users, "users", "users", 1, 10_000_000, 1_000),
    (Field::Regions, "regions", "user regions", 1, 3, 1),
    (Field::PerDay, "perday", "requests per user per day", 1, 10_000, 100),
    (
        Field::Peak,
        "peak",
        "daily peak over the mean (hundredths)",
        100,
        300,
        200,
    ),
    (Field::Hour, "hour", "start hour (UTC)", 0, 23, 1),
    (Field::Seconds, "seconds", "seconds of traffic", 1, 3_600, 60),
    (Field::Static, "static", "static assets (%)", 0, 100, 65),
    (Field::Read, "read", "reads (%)", 0, 100, 30),
    (Field::Write, "write", "writes (%)", 0, 100, 3),
    (Field::Login, "login", "logins (%)", 0, 100, 2),
    (Field::Keys, "keys", "data keys", 1, 1_000_000, 100_000),
    (Field::Alpha, "alpha", "popularity skew α (hundredths)", 0, 200, 90),
    (Field::Objects, "objects", "static objects", 1, 1_000_000, 10_000),
    (Field::Web, "web", "web servers", 1, 1_000, 1),
    (Field::Workers, "workers", "workers per web server", 1, 1_024, 8),
    (Field::Scale, "scale", "autoscaling target (%, 0 = off)", 0, 100, 0),
    (Field::Warmup, "warmup", "a new server's warm-up (s)", 0, 600, 30),
    (Field::ScaleMin, "scalemin", "fewest web servers", 1, 1_000, 2),
    (Field::ScaleMax, "scalemax", "most web servers", 1, 1_000, 20),
    (
        Field::ScaleEvery,
        "scaleevery",
        "seconds between scaling decisions",
        1,
        600,
        10,
    ),
    (
        Field::Cdn,
        "cdn",
        "CDN edge capacity (objects, 0 = no CDN)",
        0,
        1_000_000,
        0,
    ),
    (Field::Cache, "cache", "cache nodes (0 = no cache)", 0, 1_000, 0),
    (
        Field::CacheKeys,
        "cachekeys",
        "cache capacity (keys)",
        1,
        1_000_000,
        20_000,
    ),
    (
        Field::CacheWorkers,
        "cacheworkers",
        "workers per cache node",
        1,
        1_024,
        8,
    ),
    (
        Field::Services,
        "services",
        "service servers (0 = no services)",
        0,
        1_000,
        0,
    ),
    (Field::Fanout, "fanout", "service calls per request", 1, 100, 1),
    (
        Field::ServiceWorkers,
        "svcworkers",
        "workers per service server",
        1,
        1_024,
        16,
    ),
    (Field::Bus, "bus", "bus consumers (0 = no bus)", 0, 1_000, 0),
    (Field::Shards, "shards", "database shards", 1, 1_000, 1),
    (
        Field::Replicas,
        "replicas",
        "read replicas per shard and datacenter",
        0,
        100,
        0,
    ),
    (
        Field::DbWorkers,
        "dbworkers",
        "workers per database server",
        1,
        1_024,
        8,
    ),
    (Field::Lag, "lag", "replication lag (ms)", 0, 60_000, 100),
    (Field::Dcs, "dcs", "datacenters", 1, 3, 1),
    (
        Field::Timeout,
        "timeout",
        "client timeout (ms, 0 = none)",
        0,
        600_000,
        1_000,
    ),
    (Field::Retries, "retries", "retries", 0, 10, 2),
    (Field::BackoffMs, "backoffms", "first backoff (ms)", 1, 60_000, 100),
    (
        Field::QueueLimit,
        "queue",
        "queue limit per server (0 = unbounded)",
        0,
        1_000_000,
        0,
    ),
    (Field::Breaker, "breaker", "circuit breakers (0/1)", 0, 1, 0),
    (Field::Coalesce, "coalesce", "coalesce cache misses (0/1)", 0, 1, 0),
    (Field::Hedge, "hedge", "hedged service calls (0/1)", 0, 1, 0),
    (Field::ReadYourWrites, "ryw", "read-your-writes (0/1)", 0, 1, 0),
    (
        Field::ShardByUser,
        "shardbyuser",
        "shard by user instead of key (0/1)",
        0,
        1,
        0,
    ),
    (
        Field::SlowPpm,
        "slowppm",
        "slow service calls (per million)",
        0,
        1_000_000,
        0,
    ),
    (
        Field::SlowMs,
        "slowms",
        "a slow call's extra time (ms)",
        1,
        60_000,
        1_000,
    ),
    (
        Field::FollowUp,
        "followup",
        "a write's follow-up work (ms)",
        0,
        10_000,
        50,
    ),
    (Field::FaultAt, "faultat", "the fault at (s)", 0, 3_600, 20),
    (Field::Failover, "failover", "failover time (s)", 0, 600, 10),
    (Field::SpikeAt, "spikeat", "the spike at (s)", 0, 3_600, 30),
    (Field::SpikeSeconds, "spike", "spike length (s, 0 = none)", 0, 3_600, 0),
    (Field::SpikeFactor, "spikex", "spike multiplier", 2, 100, 10),
    (Field::Slo, "slo", "SLO: p99 under (ms)", 1, 60_000, 300),
    (
        Field::SloErrors,
        "sloerrors",
        "SLO: errors under (per 10,000)",
        0,
        10_000,
        10,
    ),
];

/// The choices' permalink names, written after `v` and before the numbers.
const CHOICES: [&str; 6] = ["db", "lb", "sessions", "backoff", "fault", "dcmode"];

/// The latest second the picture can show: a day, far past any run's arrivals and drain.
pub const MAX_SECOND: u32 = 86_400;

/// Every permalink parameter.
#[must_use]
pub fn params_list() -> Vec<&'static str> {
    let mut all = vec!["v"];
    all.extend(CHOICES);
    all.extend(FIELDS.iter().map(|f| f.1));
    all.extend(["seed", "second"]);
    all
}

/// The lab's whole state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Where the database runs.
    pub db: Db,
    /// The load balancer.
    pub lb: Lb,
    /// Where sessions live.
    pub sessions: Sessions,
    /// How clients space retries.
    pub backoff: Backoff,
    /// What breaks.
    pub fault: Fault,
    /// How datacenters share traffic.
    pub dc_mode: DcMode,
    /// The numeric settings, in [`FIELDS`] order (a vector, since serde reads arrays of at
    /// most 32).
    pub values: Vec<u32>,
    /// Seeds every random choice.
    pub seed: u64,
    /// The second of the run the picture shows, 1 to its last (past the last shows the last),
    /// or 0 for the whole run. It changes only the view: the run is the same for every second.
    pub second: u32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            db: Db::OnServer,
            lb: Lb::None,
            sessions: Sessions::Shared,
            backoff: Backoff::Jitter,
            fault: Fault::None,
            dc_mode: DcMode::Passive,
            values: FIELDS.map(|f| f.5).to_vec(),
            seed: 42,
            second: 0,
        }
    }
}

fn index(field: Field) -> usize {
    FIELDS.iter().position(|f| f.0 == field).expect("every field is listed")
}

/// What a user can do in the lab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Where the database runs.
    SetDb(Db),
    /// The load balancer.
    SetLb(Lb),
    /// Where sessions live.
    SetSessions(Sessions),
    /// How clients space retries.
    SetBackoff(Backoff),
    /// What breaks.
    SetFault(Fault),
    /// How datacenters share traffic.
    SetDcMode(DcMode),
    /// Set a numeric setting.
    Set(Field, u32),
    /// Set the seed.
    SetSeed(u64),
    /// Show second `n` of the run (1 to [`MAX_SECOND`]), or the whole run (0).
    Show(u32),
    /// Replace the whole state (a permalink was opened).
    Load(Params),
}

/// The lab's model.
pub type Model = super::Model<Params>;

/// The user slider's positions per factor of ten; its positions run from 0 (1 user) to
/// [`SLIDER_MAX`] (10,000,000).
pub const SLIDER_STEPS: u32 = 100;
/// The user slider's last position.
pub const SLIDER_MAX: u32 = 7 * SLIDER_STEPS;

/// The users at a slider position: a logarithmic scale, so that every factor of ten gets the
/// same room.
///
/// ```
/// use shardscope_core::labs::system::{slider_position, users_at, SLIDER_MAX};
/// assert_eq!((users_at(0), users_at(SLIDER_MAX)), (1, 10_000_000));
/// assert_eq!(users_at(slider_position(300_000)), 301_995); // the nearest position
/// ```
#[must_use]
pub fn users_at(position: u32) -> u32 {
    let x = libm::pow(10.0, f64::from(position.min(SLIDER_MAX)) / f64::from(SLIDER_STEPS));
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // 1 ≤ x ≤ 10^7.
    let users = x.round() as u32;
    users
}

/// The slider position nearest `users`.
#[must_use]
pub fn slider_position(users: u32) -> u32 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // 0 ≤ log ≤ 7 for users ≤ 10^7.
    let p = (libm::log10(f64::from(users.max(1))) * f64::from(SLIDER_STEPS)).round() as u32;
    p.min(SLIDER_MAX)
}

impl Params {
    /// The value of a numeric setting.
    #[must_use]
    pub fn get(&self, field: Field) -> u32 {
        self.values[index(field)]
    }

    fn put(&mut self, field: Field, value: u32) {
        self.values[index(field)] = value;
    }

    fn on(&self, field: Field) -> bool {
        self.get(field) > 0
    }

    /// [`LabParams::from_query_ignoring`] with nothing ignored.
    #[must_use]
    pub fn from_query(input: &str) -> (Self, Vec<Problem>) {
        <Self as LabParams>::from_query_ignoring(input, &[])
    }

    /// The simulation these settings describe.
    #[must_use]
    pub fn design(&self) -> Design {
        let g = |f| self.get(f);
        let pool = |servers, workers| Pool { servers, workers };
        Design {
            traffic: Traffic {
                users: u64::from(g(Field::Users)),
                regions: g(Field::Regions),
                per_user_per_day: g(Field::PerDay),
                peak_centi: g(Field::Peak),
                hour: g(Field::Hour),
                seconds: g(Field::Seconds),
                mix: [g(Field::Static), g(Field::Read), g(Field::Write), g(Field::Login)],
                spike: self.on(Field::SpikeSeconds).then(|| Spike {
                    at_s: g(Field::SpikeAt),
                    seconds: g(Field::SpikeSeconds),
                    factor: g(Field::SpikeFactor),
                }),
                keys: g(Field::Keys),
                alpha_centi: g(Field::Alpha),
                objects: g(Field::Objects),
            },
            colocated: self.db == Db::OnServer,
            web: pool(g(Field::Web), g(Field::Workers)),
            balance: match self.lb {
                Lb::None => None,
                Lb::RoundRobin => Some(Balance::RoundRobin),
                Lb::LeastConnections => Some(Balance::LeastConnections),
                Lb::TwoChoices => Some(Balance::TwoChoices),
            },
            sessions: self.sessions,
            autoscale: self.on(Field::Scale).then(|| Autoscale {
                target_pct: g(Field::Scale),
                warmup_s: g(Field::Warmup),
                min: g(Field::ScaleMin),
                max: g(Field::ScaleMax),
                every_s: g(Field::ScaleEvery),
            }),
            cdn_objects: self.on(Field::Cdn).then(|| g(Field::Cdn)),
            cache: self
                .on(Field::Cache)
                .then(|| (pool(g(Field::Cache), g(Field::CacheWorkers)), g(Field::CacheKeys))),
            services: self
                .on(Field::Services)
                .then(|| (pool(g(Field::Services), g(Field::ServiceWorkers)), g(Field::Fanout))),
            bus: self.on(Field::Bus).then(|| pool(g(Field::Bus), 1)),
            db: Database {
                shards: g(Field::Shards),
                replicas: g(Field::Replicas),
                workers: g(Field::DbWorkers),
                lag_ms: g(Field::Lag),
                read_your_writes: self.on(Field::ReadYourWrites),
                shard_by_key: !self.on(Field::ShardByUser),
            },
            dcs: g(Field::Dcs),
            active_active: self.dc_mode == DcMode::Active,
            client: Client {
                timeout_ms: g(Field::Timeout),
                retries: g(Field::Retries),
                backoff: self.backoff,
                backoff_ms: g(Field::BackoffMs),
                breaker: self.on(Field::Breaker),
                queue_limit: g(Field::QueueLimit),
                coalesce: self.on(Field::Coalesce),
                hedge: self.on(Field::Hedge),
            },
            work: Work {
                follow_up_us: g(Field::FollowUp).saturating_mul(1_000).max(1),
                slow_ppm: g(Field::SlowPpm),
                slow_us: g(Field::SlowMs).saturating_mul(1_000),
                ..Work::default()
            },
            fault: (self.fault, g(Field::FaultAt)),
            failover_s: g(Field::Failover),
            seed: self.seed,
        }
    }

    /// Brings settings that depend on each other back in range, saying what changed.
    fn repair(&mut self) -> Vec<String> {
        let mut notes = Vec::new();
        let mix = [Field::Static, Field::Read, Field::Write, Field::Login];
        let sum: u32 = mix.iter().map(|&f| self.get(f)).sum();
        if sum != 100 {
            let others = sum - self.get(Field::Read);
            if others <= 100 {
                self.put(Field::Read, 100 - others);
                notes.push(format!(
                    "the request mix added up to {sum} %; reads are now {} % so that it adds up to 100 %",
                    100 - others
                ));
            } else {
                for (f, v) in mix.into_iter().zip([65, 30, 3, 2]) {
                    self.put(f, v);
                }
                notes.push(format!("the request mix added up to {sum} %; using 65/30/3/2"));
            }
        }
        if self.db == Db::OnServer {
            let extra = self.get(Field::Web) > 1
                || self.lb != Lb::None
                || self.get(Field::Dcs) > 1
                || self.get(Field::Shards) > 1
                || self.on(Field::Replicas)
                || self.on(Field::Scale);
            if extra {
                notes.push("a database on the web server means one server: no load balancer, autoscaling, shards, replicas or second datacenter".into());
                for (f, v) in [
                    (Field::Web, 1),
                    (Field::Dcs, 1),
                    (Field::Shards, 1),
                    (Field::Replicas, 0),
                    (Field::Scale, 0),
                ] {
                    self.put(f, v);
                }
                self.lb = Lb::None;
            }
        }
        if self.lb == Lb::None && (self.get(Field::Web) > 1 || self.on(Field::Scale)) {
            notes
                .push("without a load balancer users reach only one web server; using one, without autoscaling".into());
            self.put(Field::Web, 1);
            self.put(Field::Scale, 0);
        }
        if self.on(Field::Services) && self.get(Field::Fanout) > self.get(Field::Services) {
            notes.push(format!(
                "a request cannot call {} of {} service servers; calling all {}",
                self.get(Field::Fanout),
                self.get(Field::Services),
                self.get(Field::Services)
            ));
            self.put(Field::Fanout, self.get(Field::Services));
        }
        if self.get(Field::ScaleMin) > self.get(Field::ScaleMax) {
            notes.push(format!(
                "the fewest web servers ({}) is more than the most ({}); the most is now {}",
                self.get(Field::ScaleMin),
                self.get(Field::ScaleMax),
                self.get(Field::ScaleMin)
            ));
            self.put(Field::ScaleMax, self.get(Field::ScaleMin));
        }
        let db_servers = self.get(Field::Shards) * (1 + self.get(Field::Replicas) * self.get(Field::Dcs));
        if db_servers > 10_000 {
            let replicas = (10_000 / self.get(Field::Shards)).saturating_sub(1) / self.get(Field::Dcs);
            notes.push(format!(
                "{db_servers} database servers is more than the 10,000 the lab simulates; using {replicas} replicas per shard"
            ));
            self.put(Field::Replicas, replicas);
        }
        #[allow(clippy::cast_precision_loss)]
        let budget = MAX_REQUESTS as f64;
        let t = self.design().traffic;
        if t.expected_requests() > budget {
            let peak = t.mean_rate() * f64::from(t.peak_centi) / 100.0;
            let before = t.expected_requests();
            // The spike goes first: a run at the peak must fit on its own.
            let room = (budget / peak - f64::from(t.seconds)).max(0.0);
            let extra = f64::from(t.spike.map_or(1, |k| k.factor) - 1);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let spike = ((room / extra).floor() as u32).min(t.spike_seconds());
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let seconds = ((budget / peak).floor().max(1.0) as u32).min(t.seconds);
            if t.spike.is_some() && spike < t.spike_seconds() {
                self.put(Field::SpikeSeconds, spike);
            }
            if self.design().traffic.expected_requests() > budget {
                self.put(Field::Seconds, seconds);
                self.put(Field::SpikeSeconds, 0);
            }
            notes.push(format!(
                "{} users for {} s is about {before:.0} requests, more than the {MAX_REQUESTS} a run simulates; using {} s with a spike of {} s",
                t.users,
                t.seconds,
                self.get(Field::Seconds),
                self.get(Field::SpikeSeconds)
            ));
        }
        notes
    }
}

impl LabParams for Params {
    type Command = Command;
    const SLUG: &'static str = "system";

    /// The permalink query string, versioned.
    ///
    /// ```
    /// use shardscope_core::labs::{system::Params, LabParams};
    /// let p = Params::default();
    /// assert_eq!(Params::from_query(&p.to_query()), (p, vec![]));
    /// ```
    fn to_query(&self) -> String {
        let mut pairs = vec![
            ("v", VERSION.to_string()),
            ("db", self.db.slug().to_string()),
            ("lb", self.lb.slug().to_string()),
            ("sessions", self.sessions.slug().to_string()),
            ("backoff", self.backoff.slug().to_string()),
            ("fault", self.fault.slug().to_string()),
            ("dcmode", self.dc_mode.slug().to_string()),
        ];
        pairs.extend(FIELDS.iter().map(|f| (f.1, self.get(f.0).to_string())));
        pairs.push(("seed", self.seed.to_string()));
        pairs.push(("second", self.second.to_string()));
        to_query(&pairs)
    }

    fn from_query_ignoring(input: &str, ignore: &[&str]) -> (Self, Vec<Problem>) {
        let d = Self::default();
        let names = params_list();
        let (query, mut problems) = Query::parse_versioned(input, VERSION, &names, ignore);
        let Some(q) = query else {
            return (d, problems);
        };
        let p = &mut problems;
        let mut params = Self {
            db: q.choice("db", d.db, p),
            lb: q.choice("lb", d.lb, p),
            sessions: q.choice("sessions", d.sessions, p),
            backoff: q.choice("backoff", d.backoff, p),
            fault: q.choice("fault", d.fault, p),
            dc_mode: q.choice("dcmode", d.dc_mode, p),
            values: read_fields(&q, &FIELDS, p).to_vec(),
            seed: q.int_in("seed", 0..=u64::MAX, d.seed, p),
            second: q.int_clamped("second", 0..=MAX_SECOND, d.second, p),
        };
        problems.extend(params.repair().into_iter().map(Problem::with_params));
        (params, problems)
    }

    fn load(params: Self) -> Command {
        Command::Load(params)
    }

    fn computed(&self) -> Self {
        Self {
            second: 0,
            ..self.clone()
        }
    }

    /// Applies a command. A value out of range is refused with a notice naming the range.
    ///
    /// ```
    /// use shardscope_core::labs::system::{Command, Field, Model};
    /// let mut m = Model::default();
    /// m.apply(Command::Set(Field::Users, 0));
    /// assert!(m.notice.as_deref().unwrap().contains("users must be 1–10000000"));
    /// ```
    fn apply(&mut self, command: Command) -> Option<String> {
        let mut p = self.clone();
        let mut notice = None;
        match command {
            Command::SetDb(x) => p.db = x,
            Command::SetLb(x) => p.lb = x,
            Command::SetSessions(x) => p.sessions = x,
            Command::SetBackoff(x) => p.backoff = x,
            Command::SetFault(x) => p.fault = x,
            Command::SetDcMode(x) => p.dc_mode = x,
            Command::Set(field, value) => notice = set_field(&FIELDS, &mut p.values, field, value).err(),
            Command::SetSeed(s) => p.seed = s,
            Command::Show(n) => {
                notice = set_number(&mut p, ("the second shown", n, 0..=MAX_SECOND, |p, v| p.second = v)).err();
            }
            Command::Load(params) => p = params,
        }
        if let Some(note) = p.repair().into_iter().next() {
            notice = Some(note);
        }
        *self = p;
        notice
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_read_cleanly() {
        super::super::assert_presets_read_cleanly::<Params>(PRESETS);
    }

    #[test]
    fn every_repaired_state_is_a_valid_design() {
        let links = [
            "v=1&db=server&web=5&lb=rr&shards=4",
            "v=1&db=separate&lb=none&web=9&scale=60",
            "v=1&static=90&read=90",
            "v=1&users=10000000&seconds=3600&spike=600&spikex=100",
            "v=1&db=separate&lb=rr&services=3&fanout=50",
            "v=1&db=separate&lb=rr&scale=50&scalemin=30&scalemax=4",
            "v=1&db=separate&shards=1000&replicas=100&dcs=3",
        ];
        for link in links {
            let (p, problems) = Params::from_query(link);
            assert!(!problems.is_empty(), "{link}: a repair should be reported");
            p.design().check().unwrap_or_else(|e| panic!("{link}: {e}"));
        }
        Params::default().design().check().unwrap();
    }

    #[test]
    fn the_second_shown_is_view_state_kept_in_the_link() {
        let mut m = Model::default();
        m.apply(Command::Show(12));
        assert_eq!((m.params.second, m.notice.as_deref()), (12, None));
        assert_eq!(m.params.computed(), Params::default());
        assert_eq!(Params::from_query(&m.params.to_query()), (m.params.clone(), vec![]));
        m.apply(Command::Show(MAX_SECOND + 1));
        assert_eq!(m.params.second, 12);
        assert!(m
            .notice
            .as_deref()
            .unwrap()
            .contains("the second shown must be 0–86400"));
        let (p, problems) = Params::from_query("v=1&second=999999");
        assert_eq!((p.second, problems.len()), (MAX_SECOND, 1));
    }

    #[test]
    fn a_malformed_link_keeps_the_defaults_and_says_why() {
        let (p, problems) = Params::from_query("v=1&users=lots&lb=magic");
        assert_eq!(p, Params::default());
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
