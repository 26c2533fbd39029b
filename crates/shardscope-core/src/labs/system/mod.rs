//! The "Scaling to 10 million users" lab: the whole system as one simulation, from one server to
//! several datacenters, each tier's utilization, queue and latency beside Erlang C, the
//! end-to-end latency against an SLO, the largest user count that meets it, and the monthly cost.
//!
//! This module holds the lab's state (what its permalink stores) and its commands; `choices` and
//! `fields` its settings, `repair` what keeps them consistent, `presets` the lessons, and `job`
//! runs the simulation and the SLO search.

use serde::{Deserialize, Serialize};

pub use super::Preset;
use super::{read_fields, set_field, set_number, LabParams};
use crate::query::{to_query, Choice, Problem, Query};
use crate::system::design::{
    Autoscale, Backoff, Balance, Client, Database, Design, Fault, Pool, Sessions, Spike, Traffic, Work,
};

mod choices;
mod fields;
mod job;
mod presets;
mod repair;

pub use choices::{Db, DcMode, Lb};
pub use fields::{Field, FIELDS, FIELD_COUNT};
pub use job::{Job, Report, Slo, Trial, BISECTIONS, CONSUMERS_PER_SERVER, TRIAL_CALLS, TRIAL_REQUESTS, TRIAL_SECONDS};
pub use presets::{BOTTLENECKS, PRESETS};

/// The permalink format version.
pub const VERSION: u32 = 1;

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
