//! The "Message bus" lab: a topic's partitions shared by a consumer group under each assignor,
//! one change to the group and its rebalance, the lag it leaves, and where a producer and a
//! consumer lose or duplicate messages under each delivery guarantee.
//!
//! This module holds the lab's state (what its permalink stores), commands and presets; `job`
//! runs the flow for each assignor compared and the delivery scenario for each guarantee.

use serde::{Deserialize, Serialize};

use super::cache::{alpha_from, alpha_text};
pub use super::Preset;
use super::{read_fields, set_field, set_number, toggle, FieldSpec, LabParams};
use crate::bus::assign::Assignor;
use crate::bus::delivery::Acks;
use crate::bus::partitioner::NullKey;
use crate::query::{list, to_query, Choice, Problem, Query};

mod job;
mod stage;

pub use job::{ClusterReport, DeliveryReport, Job, Report, Theory, LISTED};
pub use stage::{moment_text, stage, Stage, Status, MAX_STEP};

/// The permalink format version.
pub const VERSION: u32 = 1;
/// The most messages the flow produces over every assignor compared.
pub const MAX_WORK: u64 = 20_000_000;

/// The change to the group during the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// Nothing changes.
    None,
    /// A consumer joins.
    Join,
    /// The middle consumer leaves cleanly.
    Leave,
    /// The middle consumer crashes.
    Crash,
    /// The topic grows to the `grow` setting's partitions.
    Grow,
}

impl Choice for Change {
    const ALL: &'static [Self] = &[Self::None, Self::Join, Self::Leave, Self::Crash, Self::Grow];
    fn slug(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Join => "join",
            Self::Leave => "leave",
            Self::Crash => "crash",
            Self::Grow => "grow",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::None => "Nothing changes",
            Self::Join => "A consumer joins",
            Self::Leave => "A consumer leaves",
            Self::Crash => "A consumer crashes",
            Self::Grow => "Partitions are added",
        }
    }
}

/// What fails in the delivery scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fault {
    /// Nothing.
    None,
    /// The leader's broker crashes at the `crashat` tick.
    Broker,
    /// The consumer crashes after processing `crashat` messages.
    Consumer,
    /// The request carrying message `crashat` never reaches the leader.
    Lost,
    /// The request carrying message `crashat` is appended but its answer is lost.
    Unanswered,
}

impl Choice for Fault {
    const ALL: &'static [Self] = &[Self::None, Self::Broker, Self::Consumer, Self::Lost, Self::Unanswered];
    fn slug(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Broker => "broker",
            Self::Consumer => "consumer",
            Self::Lost => "lost",
            Self::Unanswered => "unanswered",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::None => "Nothing fails",
            Self::Broker => "The leader's broker crashes",
            Self::Consumer => "The consumer crashes",
            Self::Lost => "A produce request is lost",
            Self::Unanswered => "A produce request's answer is lost",
        }
    }
}

impl Choice for NullKey {
    const ALL: &'static [Self] = &[Self::Sticky, Self::RoundRobin];
    fn slug(self) -> &'static str {
        match self {
            Self::Sticky => "sticky",
            Self::RoundRobin => "roundrobin",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Sticky => "Sticky (a batch at a time)",
            Self::RoundRobin => "Round-robin (a record at a time)",
        }
    }
}

/// A numeric setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    /// Topics, every consumer subscribed to all.
    Topics,
    /// Each topic's partitions.
    Partitions,
    /// The group's consumers.
    Consumers,
    /// Messages produced.
    Messages,
    /// Messages produced per second.
    Rate,
    /// Messages a consumer processes per second.
    Capacity,
    /// Distinct keys (0: no keys).
    Keys,
    /// When the change happens, in ms.
    At,
    /// The partitions after growing.
    Grow,
    /// `session.timeout.ms`.
    Session,
    /// `heartbeat.interval.ms`.
    Heartbeat,
    /// How long a poll's processing takes, in ms.
    Poll,
    /// The cluster's brokers.
    Brokers,
    /// The partition's replicas, for delivery.
    Replicas,
    /// `min.insync.replicas`.
    MinInsync,
    /// The followers' lag, in ticks.
    Lag,
    /// `max.in.flight.requests.per.connection`.
    InFlight,
    /// `max.poll.records`.
    Batch,
    /// Messages the delivery scenario follows.
    Followed,
    /// When the fault strikes: a tick, a processed count or a message.
    FaultAt,
}

/// Each numeric setting: its permalink name, what people call it, its range and its default.
pub const FIELDS: [FieldSpec<Field>; 20] = [
    (Field::Topics, "topics", "topics", 1, 100, 1),
    (Field::Partitions, "partitions", "partitions per topic", 1, 10_000, 12),
    (Field::Consumers, "consumers", "consumers", 1, 1_000, 4),
    (Field::Messages, "messages", "messages", 1, 10_000_000, 200_000),
    (Field::Rate, "rate", "messages per second", 1, 10_000_000, 10_000),
    (
        Field::Capacity,
        "capacity",
        "messages a consumer processes per second",
        1,
        10_000_000,
        4_000,
    ),
    (Field::Keys, "keys", "distinct keys (0 = no keys)", 0, 1_000_000, 10_000),
    (Field::At, "at", "the change at (ms)", 0, 3_600_000, 5_000),
    (Field::Grow, "grow", "partitions after growing", 2, 10_000, 16),
    (Field::Session, "session", "session timeout (ms)", 1, 300_000, 45_000),
    (
        Field::Heartbeat,
        "heartbeat",
        "heartbeat interval (ms)",
        1,
        60_000,
        3_000,
    ),
    (Field::Poll, "poll", "processing one poll (ms)", 1, 60_000, 200),
    (
        Field::Brokers,
        "brokers",
        "brokers",
        1,
        crate::bus::brokers::MAX_BROKERS,
        3,
    ),
    (Field::Replicas, "replicas", "replicas", 1, 5, 3),
    (Field::MinInsync, "minisr", "min.insync.replicas", 1, 5, 2),
    (Field::Lag, "lag", "followers' lag (ticks)", 0, 1_000, 3),
    (Field::InFlight, "inflight", "requests in flight", 1, 100, 5),
    (Field::Batch, "batch", "records per poll", 1, 1_000, 100),
    (
        Field::Followed,
        "followed",
        "messages followed one by one",
        1,
        100_000,
        1_000,
    ),
    (
        Field::FaultAt,
        "faultat",
        "the fault at (tick, message or processed count)",
        0,
        100_000,
        550,
    ),
];

/// The permalink parameters, in the order they are written.
pub const PARAMS: [&str; 30] = [
    "v",
    "assign",
    "change",
    "topics",
    "partitions",
    "consumers",
    "messages",
    "rate",
    "capacity",
    "keys",
    "alpha",
    "nullkey",
    "at",
    "grow",
    "session",
    "heartbeat",
    "poll",
    "acks",
    "idem",
    "brokers",
    "replicas",
    "minisr",
    "lag",
    "inflight",
    "batch",
    "followed",
    "fault",
    "faultat",
    "seed",
    "step",
];

/// The lab's whole state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// The assignors compared, one to five, in [`Assignor::ALL`] order.
    pub assignors: Vec<Assignor>,
    /// The change to the group.
    pub change: Change,
    /// The keys' Zipf α in hundredths.
    pub alpha_centi: u32,
    /// What the producer does with records without a key.
    pub null_key: NullKey,
    /// The producer's `acks`.
    pub acks: Acks,
    /// Whether the producer is idempotent.
    pub idempotent: bool,
    /// What fails in the delivery scenario.
    pub fault: Fault,
    /// The numeric settings, in [`FIELDS`] order.
    pub values: [u32; 20],
    /// Seeds the keys and the rebalance's timing.
    pub seed: u64,
    /// The rebalance's step the grid shows, 1 to [`MAX_STEP`], or 0 for the outcome. It changes
    /// only the view: the run is the same for every step.
    pub step: u32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            assignors: vec![Assignor::Range, Assignor::CooperativeSticky],
            change: Change::Join,
            alpha_centi: 0,
            null_key: NullKey::Sticky,
            acks: Acks::All,
            idempotent: true,
            fault: Fault::Consumer,
            values: FIELDS.map(|f| f.5),
            seed: 42,
            step: 0,
        }
    }
}

fn index(field: Field) -> usize {
    FIELDS.iter().position(|f| f.0 == field).expect("every field is listed")
}

fn rank(a: Assignor) -> usize {
    Assignor::ALL.iter().position(|&x| x == a).unwrap_or(0)
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

    /// [`LabParams::from_query_ignoring`] with nothing ignored.
    #[must_use]
    pub fn from_query(input: &str) -> (Self, Vec<Problem>) {
        <Self as LabParams>::from_query_ignoring(input, &[])
    }

    /// Brings settings that depend on each other back in range, saying what changed.
    fn repair(&mut self) -> Vec<String> {
        let mut notes = Vec::new();
        let runs = self.assignors.len().max(1) as u64;
        let most = u32::try_from(MAX_WORK / runs).unwrap_or(u32::MAX).min(10_000_000);
        if self.get(Field::Messages) > most {
            notes.push(format!(
                "{} messages for each of {runs} assignors is more than {MAX_WORK} in all; using {most}",
                self.get(Field::Messages)
            ));
            self.put(Field::Messages, most);
        }
        let (topics, partitions) = (self.get(Field::Topics), self.get(Field::Partitions));
        if topics * partitions > crate::bus::assign::MAX_PARTITIONS {
            let fit = crate::bus::assign::MAX_PARTITIONS / topics;
            notes.push(format!(
                "{topics} topics of {partitions} partitions is more than {} partitions in all; using {fit} per topic",
                crate::bus::assign::MAX_PARTITIONS
            ));
            self.put(Field::Partitions, fit);
        }
        if self.change == Change::Grow && self.get(Field::Topics) > 1 {
            notes.push("partitions are added here only to a single topic; nothing changes".into());
            self.change = Change::None;
        }
        if self.get(Field::Replicas) > self.get(Field::Brokers) {
            notes.push(format!(
                "{} replicas need {} brokers, and there are {}; using {} replicas",
                self.get(Field::Replicas),
                self.get(Field::Replicas),
                self.get(Field::Brokers),
                self.get(Field::Brokers)
            ));
            self.put(Field::Replicas, self.get(Field::Brokers));
        }
        if self.get(Field::MinInsync) > self.get(Field::Replicas) {
            notes.push(format!(
                "min.insync.replicas {} is more than the {} replicas; using {}",
                self.get(Field::MinInsync),
                self.get(Field::Replicas),
                self.get(Field::Replicas)
            ));
            self.put(Field::MinInsync, self.get(Field::Replicas));
        }
        if self.idempotent && self.acks != Acks::All {
            notes.push("an idempotent producer needs acks=all (Kafka refuses it otherwise); idempotence is off".into());
            self.idempotent = false;
        }
        if self.idempotent && self.get(Field::InFlight) > crate::bus::delivery::MAX_IN_FLIGHT {
            notes.push(format!(
                "an idempotent producer allows at most {} requests in flight; using {}",
                crate::bus::delivery::MAX_IN_FLIGHT,
                crate::bus::delivery::MAX_IN_FLIGHT
            ));
            self.put(Field::InFlight, crate::bus::delivery::MAX_IN_FLIGHT);
        }
        if self.change == Change::Grow && self.get(Field::Grow) <= self.get(Field::Partitions) {
            let grown = (self.get(Field::Partitions) + 1).min(10_000);
            if grown > self.get(Field::Partitions) {
                notes.push(format!(
                    "growing to {} partitions does not add any to {}; growing to {grown}",
                    self.get(Field::Grow),
                    self.get(Field::Partitions)
                ));
                self.put(Field::Grow, grown);
            } else {
                notes.push("the topic already has the most partitions; nothing is added".into());
                self.change = Change::None;
            }
        }
        if matches!(self.change, Change::Leave | Change::Crash) && self.get(Field::Consumers) < 2 {
            notes.push("a consumer can leave only a group of at least 2; nothing changes".into());
            self.change = Change::None;
        }
        if self.change == Change::None && self.step != 0 {
            notes.push("nothing changes, so there is no rebalance to step through; showing the outcome".into());
            self.step = 0;
        }
        notes
    }
}

/// The presets a teacher would use, in the order the lab lists them.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "Range vs round-robin with two topics",
        lesson: "Two consumers read two topics of 3 partitions, 7,000 messages a second without keys, and each consumer can process 4,000. Range splits each topic on its own and gives the first consumer the extra partition of both, so it owns 4 of the 6 (the example in Kafka's documentation): it processes 98,500 of the 140,000 messages, falls behind by up to 18,500, and the run takes 24.6 s. Round-robin deals all six partitions in turn, 3 each: 69,600 and 70,400 messages, a lag of at most 800, done in 20.0 s.",
        query: "v=1&assign=range,roundrobin&change=none&topics=2&partitions=3&consumers=2&messages=140000&rate=7000&capacity=4000&keys=0&alpha=0&nullkey=sticky&at=5000&grow=16&session=45000&heartbeat=3000&poll=200&acks=all&idem=1&brokers=3&replicas=3&minisr=2&lag=3&inflight=5&batch=100&followed=1000&fault=none&faultat=550&seed=42&step=0",
    },
    Preset {
        name: "One consumer joins a group of 100",
        lesson: "1,000 partitions, 100 consumers and 100,000 keyed messages a second; a 101st consumer joins at 3,000 ms. A balanced group must move at least 9 partitions to it (1,000 / 101, rounded down). Sticky and cooperative-sticky move exactly 9; range moves 45, because every member's range shifts; round-robin 900, because the deal starts over. Consistent hashing moves only 6, the joiner's arcs, but it was never balanced: its busiest consumer processes 23,195 messages against sticky's 10,983. Eager rebalancing stops all 101 consumers, and the 1,000 paused partitions pile up 144,482 messages of lag (the pauses predict 144,507); cooperative stops only the joiner and the 9 partitions that move, over two rounds taking 6,111 ms, and the lag peaks at 2,683 (predicted 2,666).",
        query: "v=1&assign=range,roundrobin,sticky,cooperative-sticky,consistent-hash&change=join&topics=1&partitions=1000&consumers=100&messages=1000000&rate=100000&capacity=1500&keys=100000&alpha=0&nullkey=sticky&at=3000&grow=16&session=45000&heartbeat=3000&poll=200&acks=all&idem=1&brokers=3&replicas=3&minisr=2&lag=3&inflight=5&batch=100&followed=1000&fault=none&faultat=550&seed=42&step=0",
    },
    Preset {
        name: "Eager vs cooperative rebalancing",
        lesson: "Six consumers share 24 partitions at 20,000 messages a second, and a seventh joins at 5,000 ms. Both assignors move the same 3 partitions, the minimum. Eager sticky first revokes all 24: 7 consumers stall, the rebalance takes 2,826 ms, the partitions lose 37,756 partition-milliseconds, and the lag peaks at 31,162 messages (the pauses predict 31,340). Cooperative sticky revokes only the 3 that move; it needs 2 rounds and 5,536 ms, but only the joiner waits, the pauses add up to 8,130 partition-milliseconds, and the lag peaks at 6,980 (predicted 6,900).",
        query: "v=1&assign=sticky,cooperative-sticky&change=join&topics=1&partitions=24&consumers=6&messages=400000&rate=20000&capacity=4000&keys=10000&alpha=0&nullkey=sticky&at=5000&grow=16&session=45000&heartbeat=3000&poll=200&acks=all&idem=1&brokers=3&replicas=3&minisr=2&lag=3&inflight=5&batch=100&followed=1000&fault=none&faultat=550&seed=42&step=0",
    },
    Preset {
        name: "More consumers than partitions",
        lesson: "A partition has one consumer in a group, so 6 consumers of 4 partitions leave 2 idle whatever the assignor: range, round-robin and sticky each give 4 consumers one partition and the other 2 nothing. Adding consumers beyond the partition count adds no throughput; adding partitions does.",
        query: "v=1&assign=range,roundrobin,sticky&change=none&topics=1&partitions=4&consumers=6&messages=100000&rate=10000&capacity=4000&keys=10000&alpha=0&nullkey=sticky&at=5000&grow=16&session=45000&heartbeat=3000&poll=200&acks=all&idem=1&brokers=3&replicas=3&minisr=2&lag=3&inflight=5&batch=100&followed=1000&fault=none&faultat=550&seed=42&step=0",
    },
    Preset {
        name: "acks=1 and a broker dies",
        lesson: "1,000 messages followed one by one; the followers copy the leader 10 ticks behind, and the leader's broker dies at tick 500. With acks=1 the leader had acknowledged messages its followers did not have yet: 8 of them, 491 to 498, are gone from the new leader's log, and no consumer guarantee can bring them back. With acks=all and an idempotent producer (what exactly-once requires), all 1,000 arrive once.",
        query: "v=1&assign=sticky&change=none&topics=1&partitions=12&consumers=4&messages=100000&rate=10000&capacity=4000&keys=10000&alpha=0&nullkey=sticky&at=5000&grow=16&session=45000&heartbeat=3000&poll=200&acks=1&idem=0&brokers=3&replicas=3&minisr=2&lag=10&inflight=5&batch=100&followed=1000&fault=broker&faultat=500&seed=42&step=0",
    },
    Preset {
        name: "At-least-once means duplicates",
        lesson: "The consumer polls 100 messages at a time and crashes after processing 550, halfway through the poll of 500 to 599. At-most-once had committed the poll before processing it, so its successor skips 550 to 599: 50 messages lost. At-least-once commits after processing, so its successor processes 500 to 549 again: 50 duplicates. Exactly-once writes the output and the offset in one transaction, which the crash aborts: every one of the 1,000 messages is in the output once.",
        query: "v=1&assign=sticky&change=none&topics=1&partitions=12&consumers=4&messages=100000&rate=10000&capacity=4000&keys=10000&alpha=0&nullkey=sticky&at=5000&grow=16&session=45000&heartbeat=3000&poll=200&acks=all&idem=1&brokers=3&replicas=3&minisr=2&lag=3&inflight=5&batch=100&followed=1000&fault=consumer&faultat=550&seed=42&step=0",
    },
    Preset {
        name: "Adding partitions breaks key order",
        lesson: "A key's messages stay in order because they share a partition. 10,000 Zipf(1) keys over 12 partitions at 10,000 messages a second, read by 4 consumers of 3,000 each, so a backlog builds; at 5,000 ms the topic grows to 16. The producer now sends many keys to new partitions, whose consumers start on them at once while the keys' older messages still wait in the old ones: under range, 1,122 messages of 63 keys are processed after a later message of the same key; under cooperative sticky, 844 messages of 28 keys. Range also moves 6 of the old partitions, since every range shifts; cooperative sticky moves none and only adds the new ones.",
        query: "v=1&assign=range,cooperative-sticky&change=grow&topics=1&partitions=12&consumers=4&messages=200000&rate=10000&capacity=3000&keys=10000&alpha=1&nullkey=sticky&at=5000&grow=16&session=45000&heartbeat=3000&poll=200&acks=all&idem=1&brokers=3&replicas=3&minisr=2&lag=3&inflight=5&batch=100&followed=1000&fault=none&faultat=550&seed=42&step=0",
    },
];

/// What a user can do in the lab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Compare this assignor or stop comparing it.
    ToggleAssignor(Assignor),
    /// Set the change to the group.
    SetChange(Change),
    /// Set α in hundredths.
    SetAlpha(u32),
    /// Set what the producer does with records without a key.
    SetNullKey(NullKey),
    /// Set `acks`.
    SetAcks(Acks),
    /// Make the producer idempotent or not.
    SetIdempotent(bool),
    /// Set what fails in the delivery scenario.
    SetFault(Fault),
    /// Set a numeric setting.
    Set(Field, u32),
    /// Set the seed.
    SetSeed(u64),
    /// Show the rebalance's step `n` (1 to [`MAX_STEP`]), or the outcome (0).
    Step(u32),
    /// Replace the whole state (a permalink was opened).
    Load(Params),
}

/// The lab's model.
pub type Model = super::Model<Params>;

fn assignors_text(list: &[Assignor]) -> String {
    list.iter().map(|a| a.slug()).collect::<Vec<_>>().join(",")
}

impl LabParams for Params {
    type Command = Command;
    const SLUG: &'static str = "bus";

    /// The permalink query string, versioned.
    ///
    /// ```
    /// use shardscope_core::labs::{bus::Params, LabParams};
    /// let p = Params::default();
    /// assert_eq!(Params::from_query(&p.to_query()), (p, vec![]));
    /// ```
    fn to_query(&self) -> String {
        let mut pairs = vec![
            ("v", VERSION.to_string()),
            ("assign", assignors_text(&self.assignors)),
            ("change", self.change.slug().to_string()),
            ("alpha", alpha_text(self.alpha_centi)),
            ("nullkey", self.null_key.slug().to_string()),
            ("acks", self.acks.slug().to_string()),
            ("idem", u32::from(self.idempotent).to_string()),
            ("fault", self.fault.slug().to_string()),
            ("seed", self.seed.to_string()),
            ("step", self.step.to_string()),
        ];
        pairs.extend(FIELDS.iter().map(|f| (f.1, self.get(f.0).to_string())));
        pairs.sort_by_key(|(name, _)| PARAMS.iter().position(|p| p == name));
        to_query(&pairs)
    }

    fn from_query_ignoring(input: &str, ignore: &[&str]) -> (Self, Vec<Problem>) {
        let d = Self::default();
        let (query, mut problems) = Query::parse_versioned(input, VERSION, &PARAMS, ignore);
        let Some(q) = query else {
            return (d, problems);
        };
        let p = &mut problems;
        let mut assignors = match q.get("assign") {
            Some(raw) => list(
                "assign",
                raw,
                Assignor::ALL.len(),
                "assignors",
                "an assignor",
                Assignor::from_slug,
                p,
            ),
            None => d.assignors.clone(),
        };
        assignors.sort_by_key(|&a| rank(a));
        assignors.dedup();
        if assignors.is_empty() {
            assignors.clone_from(&d.assignors);
        }
        let mut params = Self {
            assignors,
            change: q.choice("change", d.change, p),
            alpha_centi: alpha_from(&q, d.alpha_centi, p),
            null_key: q.choice("nullkey", d.null_key, p),
            acks: q.choice("acks", d.acks, p),
            idempotent: q.int_clamped("idem", 0..=1, u32::from(d.idempotent), p) == 1,
            fault: q.choice("fault", d.fault, p),
            values: read_fields(&q, &FIELDS, p),
            seed: q.int_in("seed", 0..=u64::MAX, d.seed, p),
            step: q.int_clamped("step", 0..=MAX_STEP, d.step, p),
        };
        problems.extend(params.repair().into_iter().map(Problem::with_params));
        (params, problems)
    }

    fn load(params: Self) -> Command {
        Command::Load(params)
    }

    fn computed(&self) -> Self {
        Self {
            step: 0,
            ..self.clone()
        }
    }

    /// Applies a command. A value out of range is refused with a notice naming the range.
    ///
    /// ```
    /// use shardscope_core::labs::bus::{Command, Field, Model};
    /// let mut m = Model::default();
    /// m.apply(Command::Set(Field::Partitions, 0));
    /// assert!(m.notice.as_deref().unwrap().contains("partitions per topic must be 1–10000"));
    /// ```
    fn apply(&mut self, command: Command) -> Option<String> {
        let mut p = self.clone();
        let mut notice = None;
        match command {
            Command::ToggleAssignor(a) => {
                notice = toggle(
                    &mut p.assignors,
                    a,
                    Assignor::ALL.len(),
                    ("assignor", "assignors"),
                    |&a| rank(a),
                )
                .err();
            }
            Command::SetChange(c) => p.change = c,
            Command::SetAlpha(a) => {
                notice = set_number(&mut p, ("α × 100", a, 0..=200, |p, v| p.alpha_centi = v)).err();
            }
            Command::SetNullKey(k) => p.null_key = k,
            Command::SetAcks(a) => p.acks = a,
            Command::SetIdempotent(on) => p.idempotent = on,
            Command::SetFault(f) => p.fault = f,
            Command::Set(field, value) => notice = set_field(&FIELDS, &mut p.values, field, value).err(),
            Command::SetSeed(s) => p.seed = s,
            Command::Step(n) => {
                notice = set_number(&mut p, ("step", n, 0..=MAX_STEP, |p, v| p.step = v)).err();
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
