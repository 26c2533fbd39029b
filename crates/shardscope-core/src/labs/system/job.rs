//! The lab's computation: the scenario's simulation in bounded steps, then the search for the
//! largest user count that meets the SLO, and the monthly cost.

use serde::{Deserialize, Serialize};

use super::{Field, Params};
use crate::labs::Run;
use crate::system::design::{Design, Fault, Kind, MAX_USERS};
use crate::system::prices::{monthly, Cost};
use crate::system::report::{SystemReport, Tier};
use crate::system::sim::Sim;

/// Bus consumers are processes; the cost counts one server for each eight of them, as many as a
/// web server's workers by default.
pub const CONSUMERS_PER_SERVER: u32 = 8;
/// Events per step: a few milliseconds natively.
const STEP_EVENTS: u64 = 100_000;
/// The fewest seconds of traffic a trial of the SLO search simulates…
pub const TRIAL_SECONDS: u32 = 10;
/// …and the requests it aims for, so that its p99 is not the maximum of a handful (it runs
/// longer at low rates, up to an hour).
pub const TRIAL_REQUESTS: f64 = 20_000.0;
/// Trials after the two ends, each halving the bracket's ratio.
pub const BISECTIONS: u32 = 10;
/// The most service calls a trial may expect to make: with a wide fan-out a trial runs shorter
/// (down to a second), and the search stops at the users whose one second would make more.
pub const TRIAL_CALLS: f64 = 2_000_000.0;

/// One trial of the SLO search.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// Users simulated.
    pub users: u64,
    /// The trial's p99, in ms.
    pub p99: f64,
    /// Its share of failed requests.
    pub errors: f64,
    /// Whether it met the SLO.
    pub met: bool,
}

/// The SLO and the largest user count found to meet it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slo {
    /// The p99 it allows, in ms.
    pub p99_ms: u32,
    /// The failed requests it allows, per 10,000.
    pub errors_per_10k: u32,
    /// Whether this run met it.
    pub met: bool,
    /// The largest user count whose trial met it (0: not even one user), found by bisection on
    /// a logarithmic scale between 1 and 10,000,000 over trials of at least [`TRIAL_SECONDS`]
    /// seconds and about [`TRIAL_REQUESTS`] requests, without the fault or the spike (with
    /// autoscaling, at its most servers).
    pub max_users: u64,
    /// The most users the search tried: 10,000,000, or fewer with a fan-out so wide that one
    /// second of a trial would make more than [`TRIAL_CALLS`] calls ([`Params::search_ceiling`]).
    pub ceiling: u64,
    /// Every trial, in the order run.
    pub trials: Vec<Trial>,
}

/// The lab's report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The scenario's simulation.
    pub system: SystemReport,
    /// The SLO.
    pub slo: Slo,
    /// The monthly cost of the servers at the end of the run and of the CDN.
    pub cost: Cost,
    /// The mean request rate over a day and at the daily peak, per second.
    pub mean_rate: f64,
    /// The same at the daily peak.
    pub peak_rate: f64,
}

/// Where the job is.
enum Stage {
    Main(Box<Sim>),
    Search(Box<Sim>, u64),
    Done,
}

/// The computation, one bounded step at a time.
pub struct Job {
    params: Params,
    stage: Stage,
    main: Option<SystemReport>,
    trials: Vec<Trial>,
    /// The search's bracket: the largest meeting and the smallest failing user counts.
    bracket: (u64, u64),
    failure: Option<String>,
}

fn met(params: &Params, r: &SystemReport) -> (bool, f64, f64) {
    #[allow(clippy::cast_precision_loss)]
    let errors = if r.outcomes.requests == 0 {
        0.0
    } else {
        r.outcomes.failed() as f64 / r.outcomes.requests as f64
    };
    let ok = r.latency.p99 <= f64::from(params.get(Field::Slo))
        && errors * 10_000.0 <= f64::from(params.get(Field::SloErrors));
    (ok, r.latency.p99, errors)
}

impl Params {
    /// The most users the SLO search tries: [`MAX_USERS`], or fewer when one second of a trial
    /// at the daily peak would make more than [`TRIAL_CALLS`] service calls.
    ///
    /// ```
    /// use shardscope_core::labs::system::Params;
    /// assert_eq!(Params::default().search_ceiling(), 10_000_000);
    /// let (wide, _) = Params::from_query("v=1&db=separate&services=2000&fanout=2000");
    /// // 100 requests a day at twice the mean, a third of them with 2,000 calls.
    /// assert_eq!(wide.search_ceiling(), 1_309_090);
    /// ```
    #[must_use]
    pub fn search_ceiling(&self) -> u64 {
        let d = self.design();
        let per_user = f64::from(d.traffic.per_user_per_day) * f64::from(d.traffic.peak_centi) / 100.0 / 86_400.0
            * d.calls_per_request();
        if per_user <= 0.0 {
            return MAX_USERS;
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // Clamped to 1–10^7.
        let users = (TRIAL_CALLS / per_user).floor().clamp(1.0, 1e7) as u64;
        users.min(MAX_USERS)
    }

    /// The design of one SLO trial: this one at `users`, long enough for about
    /// [`TRIAL_REQUESTS`] requests, without the fault or the spike, and with autoscaling at its
    /// most servers.
    #[must_use]
    pub fn trial(&self, users: u64) -> Design {
        let mut d = self.design();
        d.traffic.users = users;
        let peak = d.traffic.peak_rate();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // Clamped to 10–3,600.
        let seconds = (TRIAL_REQUESTS / peak).ceil().clamp(f64::from(TRIAL_SECONDS), 3_600.0) as u32;
        let calls = peak * d.calls_per_request();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // At least 1, at most `seconds`.
        let seconds = if calls > 0.0 {
            seconds.min((TRIAL_CALLS / calls).floor().max(1.0).min(f64::from(seconds)) as u32)
        } else {
            seconds
        };
        d.traffic.seconds = seconds;
        d.traffic.spike = None;
        d.fault = (Fault::None, 0);
        if let Some(a) = d.autoscale.take() {
            d.web.servers = a.max;
        }
        d
    }
}

impl Job {
    /// The job for these settings.
    ///
    /// # Errors
    /// The design's problem, which repaired settings never have.
    pub fn new(params: &Params) -> Result<Self, String> {
        Ok(Self {
            params: params.clone(),
            stage: Stage::Main(Box::new(Sim::new(&params.design())?)),
            main: None,
            trials: Vec::new(),
            bracket: (0, 0),
            failure: None,
        })
    }

    /// The next trial's user count, or `None` when the search is over.
    fn next_users(&self) -> Option<u64> {
        match self.trials.as_slice() {
            [] => Some(self.params.search_ceiling()),
            [top] if !top.met => Some(1),
            [top] if top.met => None,
            [_, bottom] if !bottom.met => None,
            _ => {
                let (lo, hi) = self.bracket;
                let rounds = self.trials.len() - 2;
                #[allow(
                    clippy::cast_precision_loss,
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss
                )]
                let mid = libm::sqrt(lo as f64 * hi as f64).round() as u64;
                (rounds < BISECTIONS as usize && hi > lo + 1 && mid > lo && mid < hi).then_some(mid)
            }
        }
    }

    fn start_trial(&mut self) {
        match self.next_users() {
            Some(users) => match Sim::new(&self.params.trial(users)) {
                Ok(sim) => self.stage = Stage::Search(Box::new(sim), users),
                Err(e) => {
                    self.failure = Some(e);
                    self.stage = Stage::Done;
                }
            },
            None => self.stage = Stage::Done,
        }
    }

    fn record(&mut self, users: u64, r: &SystemReport) {
        let (ok, p99, errors) = met(&self.params, r);
        self.trials.push(Trial {
            users,
            p99,
            errors,
            met: ok,
        });
        if self.trials.len() == 1 {
            self.bracket = (0, users);
        }
        if ok {
            self.bracket.0 = self.bracket.0.max(users);
        } else {
            self.bracket.1 = self.bracket.1.min(users);
        }
    }
}

impl Run for Job {
    type Report = Report;

    fn step(&mut self) -> bool {
        match &mut self.stage {
            Stage::Main(sim) => {
                if sim.advance(STEP_EVENTS) {
                    self.main = Some(sim.finish());
                    self.start_trial();
                }
            }
            Stage::Search(sim, users) => {
                if sim.advance(STEP_EVENTS) {
                    let (report, users) = (sim.finish(), *users);
                    self.record(users, &report);
                    self.start_trial();
                }
            }
            Stage::Done => return true,
        }
        matches!(self.stage, Stage::Done)
    }

    fn progress(&self) -> (u64, u64) {
        let total = 1_000 + 1_000 * u64::from(BISECTIONS + 2);
        let part = |sim: &Sim| {
            let (done, all) = sim.progress();
            done * 1_000 / all.max(1)
        };
        match &self.stage {
            Stage::Main(sim) => (part(sim), total),
            Stage::Search(sim, _) => (1_000 + self.trials.len() as u64 * 1_000 + part(sim), total),
            Stage::Done => (total, total),
        }
    }

    fn failure(&mut self) -> Option<String> {
        self.failure.take()
    }

    fn finish(&mut self) -> Report {
        let system = self.main.take().expect("the main run finished first");
        let p = &self.params;
        let (ok, _, _) = met(p, &system);
        let servers: u32 = system
            .tiers
            .iter()
            .map(|t| {
                if t.tier == Tier::Bus {
                    p.get(Field::Bus).div_ceil(CONSUMERS_PER_SERVER) * p.get(Field::Dcs)
                } else {
                    t.servers
                }
            })
            .sum();
        let design = p.design();
        let mean_rate = design.traffic.mean_rate();
        let cdn_hits_per_day = system.cdn.map_or(0.0, |h| {
            #[allow(clippy::cast_precision_loss)]
            let ratio = if h.lookups == 0 {
                0.0
            } else {
                h.hits as f64 / h.lookups as f64
            };
            mean_rate * 86_400.0 * f64::from(design.traffic.mix[Kind::Static as usize]) / 100.0 * ratio
        });
        Report {
            slo: Slo {
                p99_ms: p.get(Field::Slo),
                errors_per_10k: p.get(Field::SloErrors),
                met: ok,
                max_users: self.bracket.0,
                ceiling: self.params.search_ceiling(),
                trials: std::mem::take(&mut self.trials),
            },
            cost: monthly(servers, cdn_hits_per_day),
            mean_rate,
            peak_rate: design.traffic.peak_rate(),
            system,
        }
    }
}

impl crate::labs::Computes for Params {
    type Run = Job;

    fn start(&self) -> Result<Job, String> {
        Job::new(self)
    }
}
