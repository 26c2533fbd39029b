//! The Message bus lab's computation: the flow under each assignor compared, in bounded steps,
//! then the delivery scenario under each guarantee and the partitions' placement on the brokers,
//! beside what theory predicts.

use serde::{Deserialize, Serialize};

use super::{Change, Fault, Field, Params};
use crate::bus::assign::Assignor;
use crate::bus::brokers::{assign_replicas, fail, Failover};
use crate::bus::delivery::{run, Acks, Failure, Scenario, Semantics, MAX_IN_FLIGHT};
use crate::bus::flow::{Event, Flow, FlowReport, FlowSim};
use crate::bus::rebalance::Timing;
use crate::labs::Run;
use crate::query::Choice;

/// Work per step: partition visits and messages, a few milliseconds' worth.
const STEP_WORK: u64 = 300_000;
/// Ticks without a leader after the delivery scenario's broker crash.
pub const FAILOVER_TICKS: u32 = 10;
/// The most ids of each kind a delivery report lists.
pub const LISTED: usize = 100;

/// One guarantee's delivery scenario, summed up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryReport {
    /// The consumer's guarantee.
    pub semantics: String,
    /// The producer's `acks` in this scenario.
    pub acks: String,
    /// Whether its producer was idempotent.
    pub idempotent: bool,
    /// Messages followed.
    pub messages: u32,
    /// Messages in the consumer's output (with repeats).
    pub output: u32,
    /// Messages lost without anyone being told, and the first of them.
    pub lost: (u32, Vec<u32>),
    /// Of those, the ones the leader had acknowledged.
    pub acked_lost: (u32, Vec<u32>),
    /// Of those, the ones the consumer skipped.
    pub skipped: (u32, Vec<u32>),
    /// Messages the producer reported as failed.
    pub refused: (u32, Vec<u32>),
    /// Messages in the output more than once.
    pub duplicated: (u32, Vec<u32>),
    /// Of those, the ones the log holds twice.
    pub log_duplicates: (u32, Vec<u32>),
    /// Messages the log holds after a later one.
    pub out_of_order: (u32, Vec<u32>),
}

/// What theory says beside the flow's numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Theory {
    /// The fewest partitions a join must move to keep the group balanced, `⌊P/(n+1)⌋`.
    pub join_minimum: u32,
    /// The consumers left idle by any assignor, `max(0, n − P)`.
    pub idle_at_least: u32,
    /// The largest expected share of a partition, from the keys' popularity.
    pub hottest_share: f64,
    /// The mean share, `1/P`.
    pub mean_share: f64,
}

/// Where the partitions live, and what the delivery scenario's broker crash does to the cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterReport {
    /// The brokers.
    pub brokers: u32,
    /// Each partition's replicas by broker, preferred leader first (Kafka's assignment, its
    /// start and shift drawn from the seed).
    pub replicas: Vec<Vec<u32>>,
    /// The loss of the followed partition's leader, when the fault is a broker crash.
    pub failover: Option<Failover>,
    /// Partitions a broker leads on average, P/B.
    pub leaders_mean: f64,
    /// Partitions with a replica on any one broker, P·RF/B: what a broker's loss leaves
    /// under-replicated.
    pub under_replicated_theory: f64,
}

/// The lab's report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Each assignor's flow, in the order compared.
    pub flows: Vec<FlowReport>,
    /// Each guarantee's delivery: at most, at least and exactly once.
    pub delivery: Vec<DeliveryReport>,
    /// The partitions' brokers.
    pub cluster: ClusterReport,
    /// Theory beside the flows.
    pub theory: Theory,
}

/// The computation, one bounded step at a time.
pub struct Job {
    params: Params,
    flow: Flow,
    index: usize,
    sim: Option<FlowSim>,
    flows: Vec<FlowReport>,
    delivery: Vec<DeliveryReport>,
    failure: Option<String>,
}

impl Params {
    /// The flow these settings describe.
    #[must_use]
    pub fn flow(&self) -> Flow {
        let event = match self.change {
            Change::None => Event::None,
            Change::Join => Event::Join,
            Change::Leave => Event::Leave,
            Change::Crash => Event::Crash,
            Change::Grow => Event::AddPartitions(self.get(Field::Grow)),
        };
        Flow {
            topics: self.get(Field::Topics),
            partitions: self.get(Field::Partitions),
            consumers: self.get(Field::Consumers),
            messages: u64::from(self.get(Field::Messages)),
            rate: u64::from(self.get(Field::Rate)),
            capacity: u64::from(self.get(Field::Capacity)),
            keys: self.get(Field::Keys),
            alpha_centi: self.alpha_centi,
            null_key: self.null_key,
            sticky_batch: 100,
            event,
            event_at: self.get(Field::At),
            timing: Timing {
                session_timeout: self.get(Field::Session),
                heartbeat: self.get(Field::Heartbeat),
                poll: self.get(Field::Poll),
                round_trip: Timing::DEFAULT.round_trip,
            },
            seed: self.seed,
        }
    }

    /// Where the partitions live, and for a broker crash what it does to them. The crashed
    /// broker is the followed partition's leader (partition 0's).
    ///
    /// # Panics
    /// Never for repaired settings, which keep the replicas within the brokers.
    #[must_use]
    pub fn cluster(&self) -> ClusterReport {
        let (brokers, factor) = (self.get(Field::Brokers), self.get(Field::Replicas));
        let partitions = self.get(Field::Partitions) * self.get(Field::Topics);
        let h = crate::hash::hash_pair(self.seed, 0xb40c, 0);
        // Kafka draws both at random; assign_replicas reduces them modulo the brokers.
        let start = u32::try_from(h >> 32).unwrap_or(0);
        let shift = u32::try_from(h & u64::from(u32::MAX)).unwrap_or(0);
        let replicas = assign_replicas(partitions, brokers, factor, start, shift)
            .expect("repaired settings keep the replicas within the brokers");
        let failover =
            (self.fault == Fault::Broker).then(|| fail(&replicas, brokers, replicas[0][0], self.get(Field::MinInsync)));
        ClusterReport {
            brokers,
            replicas,
            failover,
            leaders_mean: f64::from(partitions) / f64::from(brokers),
            under_replicated_theory: f64::from(partitions) * f64::from(factor) / f64::from(brokers),
        }
    }

    /// The delivery scenario for one guarantee. Exactly-once runs with what Kafka requires of it
    /// (an idempotent producer with `acks=all`), whatever the producer settings say.
    #[must_use]
    pub fn scenario(&self, semantics: Semantics) -> Scenario {
        let at = self.get(Field::FaultAt);
        let exactly = semantics == Semantics::ExactlyOnce;
        let idempotent = self.idempotent || exactly;
        let in_flight = self.get(Field::InFlight);
        Scenario {
            messages: self.get(Field::Followed),
            replicas: self.get(Field::Replicas),
            min_insync: self.get(Field::MinInsync),
            lag: self.get(Field::Lag),
            acks: if exactly { Acks::All } else { self.acks },
            idempotent,
            in_flight: if idempotent {
                in_flight.min(MAX_IN_FLIGHT)
            } else {
                in_flight
            },
            semantics,
            batch: self.get(Field::Batch),
            broker_crash: (self.fault == Fault::Broker).then_some(at),
            failover: FAILOVER_TICKS,
            request_failure: match self.fault {
                Fault::Lost => Some((at, Failure::Lost)),
                Fault::Unanswered => Some((at, Failure::Unanswered)),
                _ => None,
            },
            consumer_crash: (self.fault == Fault::Consumer).then_some(at),
        }
    }
}

fn listed(ids: &[u32]) -> (u32, Vec<u32>) {
    (
        u32::try_from(ids.len()).unwrap_or(u32::MAX),
        ids.iter().take(LISTED).copied().collect(),
    )
}

impl Job {
    /// The job for these settings.
    #[must_use]
    pub fn new(params: &Params) -> Self {
        Self {
            params: params.clone(),
            flow: params.flow(),
            index: 0,
            sim: None,
            flows: Vec::new(),
            delivery: Vec::new(),
            failure: None,
        }
    }

    fn assignors(&self) -> &[Assignor] {
        &self.params.assignors
    }

    fn deliver(&mut self) -> Result<(), String> {
        for &semantics in Semantics::ALL {
            let s = self.params.scenario(semantics);
            let o = run(&s)?;
            self.delivery.push(DeliveryReport {
                semantics: semantics.slug().into(),
                acks: s.acks.slug().into(),
                idempotent: s.idempotent,
                messages: s.messages,
                output: u32::try_from(o.output.len()).unwrap_or(u32::MAX),
                lost: listed(&o.lost),
                acked_lost: listed(&o.acked_lost),
                skipped: listed(&o.skipped),
                refused: listed(&o.refused),
                duplicated: listed(&o.duplicated),
                log_duplicates: listed(&o.log_duplicates),
                out_of_order: listed(&o.out_of_order),
            });
        }
        Ok(())
    }
}

impl Run for Job {
    type Report = Report;

    fn step(&mut self) -> bool {
        if self.index == self.assignors().len() {
            if let Err(e) = self.deliver() {
                self.failure = Some(e);
            }
            return true;
        }
        let sim = match self.sim.as_mut() {
            Some(sim) => sim,
            None => match FlowSim::new(&self.flow, self.assignors()[self.index]) {
                Ok(sim) => self.sim.insert(sim),
                Err(e) => {
                    self.failure = Some(e);
                    return true;
                }
            },
        };
        let per_tick = u64::from(self.flow.partitions) + self.flow.rate / 100 + u64::from(self.flow.consumers);
        let ticks = u32::try_from((STEP_WORK / per_tick.max(1)).max(1)).unwrap_or(u32::MAX);
        sim.advance(ticks);
        if sim.done() {
            let sim = self.sim.take().expect("a run is under way");
            self.flows.push(sim.finish());
            self.index += 1;
        }
        false
    }

    fn progress(&self) -> (u64, u64) {
        let runs = self.assignors().len() as u64;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // 0 ≤ progress ≤ 1.
        let within = self
            .sim
            .as_ref()
            .map_or(0, |s| (s.progress().clamp(0.0, 1.0) * 1000.0) as u64);
        (self.index as u64 * 1000 + within, runs * 1000 + 1)
    }

    fn failure(&mut self) -> Option<String> {
        self.failure.take()
    }

    fn finish(&mut self) -> Report {
        let (p, n) = (self.flow.partitions * self.flow.topics, self.flow.consumers);
        let shares = self.flows.first().map(|f| f.expected_share.clone()).unwrap_or_default();
        Report {
            flows: std::mem::take(&mut self.flows),
            delivery: std::mem::take(&mut self.delivery),
            cluster: self.params.cluster(),
            theory: Theory {
                join_minimum: p / (n + 1),
                idle_at_least: n.saturating_sub(p),
                hottest_share: shares.iter().copied().fold(0.0, f64::max),
                mean_share: 1.0 / f64::from(p),
            },
        }
    }
}

impl crate::labs::Computes for Params {
    type Run = Job;

    fn start(&self) -> Result<Job, String> {
        self.flow().check()?;
        for &s in Semantics::ALL {
            self.scenario(s).check()?;
        }
        Ok(Job::new(self))
    }
}
