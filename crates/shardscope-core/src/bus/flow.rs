//! Messages flowing through one topic to a consumer group, in virtual ticks of 10 ms: keyed
//! records partitioned by murmur2 (or spread by the sticky or round-robin choice), each
//! partition a queue, each consumer working through its partitions at a fixed rate, and one
//! change to the group (a member joins, leaves or crashes, or partitions are added) with its
//! rebalance's pauses. It measures the lag over time, each partition's share against the keys'
//! expected share, and every message of a key processed before an earlier one of the same key.

use std::collections::VecDeque;

use serde::Serialize;

use super::assign::{Assignor, Group, GroupSpec, MemberSpec, TopicSpec, FORMER_MEMBER, MAX_PARTITIONS, NO_OWNER};
use super::partitioner::{keyed_partition, NullKey, NullKeyPartitioner};
use super::rebalance::{timeline_with_windows, Change, Timeline, Timing};
use crate::hash::Stream;
use crate::sampling::Alias;

/// One tick of virtual time, in milliseconds.
pub const TICK_MS: u32 = 10;
/// The most consumers a group may start with.
pub const MAX_CONSUMERS: u32 = 1_000;
/// The most messages one run produces.
pub const MAX_MESSAGES: u64 = 10_000_000;
/// The most distinct keys.
pub const MAX_KEYS: u32 = 1_000_000;
/// The most topics.
pub const MAX_TOPICS: u32 = 100;
/// The most points the lag series keeps; longer runs are summed into buckets of several ticks.
pub const MAX_POINTS: u32 = 600;
/// The most rows of the lag by partition; beyond, a row sums a run of consecutive partitions.
pub const MAX_LAG_ROWS: u32 = 48;

/// The lag by partition over time: rows of consecutive partitions, a value per row and bucket.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LagMap {
    /// Partitions per row (the last row may hold fewer).
    pub per_row: u32,
    /// Rows.
    pub rows: u32,
    /// The row's lag (messages waiting in its partitions) at the end of each bucket, bucket by
    /// bucket: `values[bucket * rows + row]`.
    pub values: Vec<u64>,
}

/// What happens to the group during the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Event {
    /// Nothing.
    None,
    /// A new consumer joins.
    Join,
    /// The middle consumer leaves cleanly.
    Leave,
    /// The middle consumer crashes.
    Crash,
    /// The topic grows to this many partitions; producers send keys by the new count at once
    /// and the group is assigned the new partitions (as if its metadata refreshed at once).
    AddPartitions(u32),
}

/// One run's settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Flow {
    /// Topics, each with `partitions` partitions, all subscribed by every consumer; key `k`
    /// goes to topic `k mod topics`.
    pub topics: u32,
    /// Each topic's partitions.
    pub partitions: u32,
    /// The group's consumers before the event.
    pub consumers: u32,
    /// Messages produced in all.
    pub messages: u64,
    /// Messages produced per second.
    pub rate: u64,
    /// Messages one consumer processes per second.
    pub capacity: u64,
    /// Distinct keys; 0 sends every record without a key.
    pub keys: u32,
    /// The keys' Zipf exponent × 100 (0: uniform).
    pub alpha_centi: u32,
    /// What the producer does with records without a key.
    pub null_key: NullKey,
    /// Records per sticky batch.
    pub sticky_batch: u32,
    /// The change to the group.
    pub event: Event,
    /// When it happens, in milliseconds.
    pub event_at: u32,
    /// The rebalance protocol's times.
    pub timing: Timing,
    /// Seeds every draw.
    pub seed: u64,
}

/// What one assignor's run measured.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct FlowReport {
    /// The assignor.
    pub assignor: Assignor,
    /// Messages produced and processed.
    pub produced: u64,
    /// Messages processed by the end.
    pub processed: u64,
    /// The run's length in milliseconds (production, then draining for as long again at most).
    pub duration_ms: u64,
    /// Milliseconds per point of `lag`.
    pub bucket_ms: u64,
    /// The total lag (messages produced, not yet processed) at the end of each bucket.
    pub lag: Vec<u64>,
    /// The largest total lag before the event, and after it.
    pub peak_lag: (u64, u64),
    /// The lag by partition, at the same buckets as `lag`.
    pub lag_map: LagMap,
    /// Each partition's messages, at the end (new partitions included).
    pub per_partition: Vec<u64>,
    /// Each partition's expected share of the messages from the keys' popularity (before any
    /// change of the partition count).
    pub expected_share: Vec<f64>,
    /// Each consumer's processed messages, by its number in the first group (a joiner last; a
    /// consumer that left or crashed keeps its number, and its count is from before it went).
    pub per_consumer: Vec<u64>,
    /// Consumers that processed nothing.
    pub idle_consumers: u32,
    /// Each partition's owner before the event, by consumer identity (`u32::MAX`: none).
    pub owner_before: Vec<u32>,
    /// Each partition's owner at the end, by consumer identity (`u32::MAX`: none).
    pub owner_after: Vec<u32>,
    /// Messages processed after a later message of the same key.
    pub out_of_order: u64,
    /// Keys with at least one such message.
    pub keys_out_of_order: u32,
    /// The rebalance (after an event).
    pub rebalance: Option<RebalanceReport>,
}

/// The event's rebalance, as the flow saw it.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct RebalanceReport {
    /// What the assignment moved.
    pub movement: super::assign::Movement,
    /// Its steps and pauses.
    pub timeline: Timeline,
    /// Messages that waited because of the pauses, by the expected rates (Σ over partitions of
    /// rate share × the pause while production lasts): the lag the rebalance should add.
    pub expected_backlog: f64,
    /// Each partition's pause, in milliseconds after the change: when its old owner stops
    /// consuming it and when its new owner starts (equal when it never stops).
    pub windows: Vec<(u32, u32)>,
}

/// A message waiting in a partition: its key and its number among the key's messages.
#[derive(Clone, Copy)]
struct Waiting {
    key: u32,
    seq: u32,
}

const NO_KEY: u32 = u32::MAX;

fn member_id(i: u32) -> String {
    format!("consumer-{i:04}")
}

fn topic_name(t: u32) -> String {
    format!("topic-{t:03}")
}

/// The group of `members`, each subscribed to `topics` topics of `partitions` each; topic `t`'s
/// partition `p` is global partition `t · partitions + p`, since the names sort in number order.
fn group_of(topics: u32, partitions: u32, members: impl Iterator<Item = u32>) -> Result<Group, String> {
    let names: Vec<String> = (0..topics).map(topic_name).collect();
    Group::from_spec(&GroupSpec {
        topics: names
            .iter()
            .map(|name| TopicSpec {
                name: name.clone(),
                partitions,
            })
            .collect(),
        members: members
            .map(|i| MemberSpec {
                id: member_id(i),
                topics: names.clone(),
                owned: vec![],
            })
            .collect(),
    })
    .map_err(|e| e.to_string())
}

impl Flow {
    /// The identity of the consumer that joins, if one does: the next number after the first
    /// group's.
    #[must_use]
    pub fn joiner(&self) -> Option<u32> {
        (self.event == Event::Join).then_some(self.consumers)
    }

    /// The identity of the consumer that leaves or crashes, if one does: the middle one, so
    /// that members on both sides of it are renumbered by the next group.
    #[must_use]
    pub fn departed(&self) -> Option<u32> {
        matches!(self.event, Event::Leave | Event::Crash).then_some(self.consumers / 2)
    }

    /// Why the settings cannot run, if they cannot.
    ///
    /// # Errors
    /// The setting out of range, and its range.
    pub fn check(&self) -> Result<(), String> {
        let range = |name: &str, v: u64, lo: u64, hi: u64| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(format!("{name} must be {lo} to {hi}, not {v}"))
            }
        };
        range("topics", u64::from(self.topics), 1, u64::from(MAX_TOPICS))?;
        range("partitions", u64::from(self.partitions), 1, u64::from(MAX_PARTITIONS))?;
        if u64::from(self.topics) * u64::from(self.partitions) > u64::from(MAX_PARTITIONS) {
            return Err(format!(
                "{} topics of {} partitions is more than {MAX_PARTITIONS} partitions in all",
                self.topics, self.partitions
            ));
        }
        range("consumers", u64::from(self.consumers), 1, u64::from(MAX_CONSUMERS))?;
        range("messages", self.messages, 1, MAX_MESSAGES)?;
        range("the produce rate", self.rate, 1, 100_000_000)?;
        range("a consumer's capacity", self.capacity, 1, 100_000_000)?;
        range("keys", u64::from(self.keys), 0, u64::from(MAX_KEYS))?;
        range("the keys' Zipf alpha x 100", u64::from(self.alpha_centi), 0, 300)?;
        if let Event::AddPartitions(to) = self.event {
            if self.topics > 1 {
                return Err("partitions can be added here only to a single topic".into());
            }
            if to <= self.partitions || to > MAX_PARTITIONS {
                return Err(format!(
                    "adding partitions must grow the topic: {} to at most {MAX_PARTITIONS}, not {to}",
                    self.partitions + 1
                ));
            }
        }
        if matches!(self.event, Event::Leave | Event::Crash) && self.consumers < 2 {
            return Err("a consumer can leave only a group of at least 2".into());
        }
        Ok(())
    }

    /// How long production takes, in milliseconds.
    #[must_use]
    pub fn production_ms(&self) -> u64 {
        (self.messages * 1000).div_ceil(self.rate.max(1))
    }
}

/// A run in progress, advanced a bounded number of ticks at a time.
pub struct FlowSim {
    flow: Flow,
    assignor: Assignor,
    keys: Option<Alias>,
    draws: Stream,
    unkeyed: NullKeyPartitioner,
    part_of_key: Vec<u32>,
    partitions: u32,
    queues: Vec<VecDeque<Waiting>>,
    next_seq: Vec<u32>,
    last_done: Vec<u32>,
    key_broken: Vec<bool>,
    before: Vec<u32>,
    after: Vec<u32>,
    identity_after: Vec<u32>,
    rebalance: Option<RebalanceReport>,
    budget: Vec<u64>,
    made_milli: u64,
    produced: u64,
    processed: u64,
    per_partition: Vec<u64>,
    per_consumer: Vec<u64>,
    out_of_order: u64,
    tick: u64,
    end_tick: u64,
    bucket_ticks: u64,
    lag: Vec<u64>,
    lag_map: LagMap,
    peak: (u64, u64),
    mine: Vec<Vec<u32>>,
}

impl FlowSim {
    /// Builds the run: the keys' table, the first assignment and, for an event, the next
    /// group's plan and its rebalance's windows.
    ///
    /// # Errors
    /// [`Flow::check`]'s message, or the group's (it cannot fail for checked settings).
    pub fn new(flow: &Flow, assignor: Assignor) -> Result<Self, String> {
        flow.check()?;
        let n = flow.consumers;
        let first = group_of(flow.topics, flow.partitions, 0..n)?;
        let before = assignor.assign(&first).owners().to_vec();
        let keys = (flow.keys > 0).then(|| {
            let a = f64::from(flow.alpha_centi) / 100.0;
            let weights: Vec<f64> = (1..=flow.keys).map(|r| libm::pow(f64::from(r), -a)).collect();
            Alias::new(&weights)
        });
        let part_of_key = key_partitions(flow.keys, flow.topics, flow.partitions);
        let final_partitions = match flow.event {
            Event::AddPartitions(to) => to,
            _ => flow.partitions * flow.topics,
        };
        let shares = expected_shares(flow, keys.as_ref(), final_partitions);
        let Planned {
            after,
            identity_after,
            rebalance,
        } = plan_event(flow, assignor, &before, final_partitions, &shares)?;
        // The joiner is one more identity; a departed consumer keeps its own.
        let identities = n as usize + usize::from(flow.event == Event::Join);
        let end_tick = (flow.production_ms() * 2).div_ceil(u64::from(TICK_MS)).max(1)
            + rebalance
                .as_ref()
                .map_or(0, |r| u64::from(r.timeline.done).div_ceil(u64::from(TICK_MS)));
        Ok(Self {
            flow: *flow,
            assignor,
            keys,
            draws: Stream::new(flow.seed),
            unkeyed: NullKeyPartitioner::new(flow.null_key, flow.sticky_batch, flow.seed ^ 0x6e75_6c6c),
            part_of_key,
            partitions: flow.partitions * flow.topics,
            queues: vec![VecDeque::new(); final_partitions as usize],
            next_seq: vec![0; flow.keys as usize],
            last_done: vec![0; flow.keys as usize],
            key_broken: vec![false; flow.keys as usize],
            before,
            after,
            identity_after,
            rebalance,
            budget: vec![0; identities],
            made_milli: 0,
            produced: 0,
            processed: 0,
            per_partition: vec![0; final_partitions as usize],
            per_consumer: vec![0; identities],
            out_of_order: 0,
            tick: 0,
            end_tick,
            bucket_ticks: end_tick.div_ceil(u64::from(MAX_POINTS)).max(1),
            lag: Vec::with_capacity(MAX_POINTS as usize),
            lag_map: {
                let per_row = final_partitions.div_ceil(MAX_LAG_ROWS).max(1);
                LagMap {
                    per_row,
                    rows: final_partitions.div_ceil(per_row),
                    values: Vec::new(),
                }
            },
            peak: (0, 0),
            mine: vec![Vec::new(); identities],
        })
    }

    /// Whether the run is over: everything produced and processed, or the time allowed spent.
    #[must_use]
    pub fn done(&self) -> bool {
        self.tick >= self.end_tick || (self.produced == self.flow.messages && self.processed == self.produced)
    }

    /// How far the run is, from 0 to 1.
    #[must_use]
    pub fn progress(&self) -> f64 {
        self.tick as f64 / self.end_tick as f64
    }

    /// Advances up to `ticks` ticks.
    pub fn advance(&mut self, ticks: u32) {
        for _ in 0..ticks {
            if self.done() {
                break;
            }
            self.step();
        }
    }

    fn step(&mut self) {
        let now_ms = self.tick * u64::from(TICK_MS);
        let event_ms = u64::from(self.flow.event_at);
        let happened = self.rebalance.is_some() && now_ms >= event_ms;
        if let (true, Event::AddPartitions(to)) = (happened, self.flow.event) {
            if self.partitions != to {
                self.partitions = to;
                self.part_of_key = key_partitions(self.flow.keys, 1, to);
            }
        }
        self.produce();
        // Who consumes each partition this tick.
        for list in &mut self.mine {
            list.clear();
        }
        let since = now_ms.saturating_sub(event_ms);
        // The pause windows are the rebalance report's own, which the page steps through.
        let windows = self.rebalance.as_ref().filter(|_| happened).map(|r| &r.windows);
        for p in 0..self.partitions as usize {
            // Before its window the old owner consumes it (numbered as the first group is, which
            // is each consumer's identity); in it nobody; after it the new owner. The departed
            // consumer's partitions have windows from the event on, so it stops at once.
            let (from, until) = windows.map_or((u32::MAX, u32::MAX), |w| w[p]);
            let owner = if since < u64::from(from) {
                self.before.get(p).copied().unwrap_or(NO_OWNER)
            } else if since < u64::from(until) {
                NO_OWNER
            } else {
                self.identity_after
                    .get(self.after[p] as usize)
                    .copied()
                    .unwrap_or(NO_OWNER)
            };
            if owner != NO_OWNER {
                self.mine[owner as usize].push(u32::try_from(p).unwrap_or(0));
            }
        }
        for c in 0..self.mine.len() {
            self.budget[c] += self.flow.capacity * u64::from(TICK_MS);
            let mut allowed = self.budget[c] / 1000;
            let parts = std::mem::take(&mut self.mine[c]);
            // Round-robin over the consumer's partitions, one message at a time in turns, which
            // is what fetching from each in turn does on average.
            let mut busy = true;
            while allowed > 0 && busy {
                busy = false;
                for &p in &parts {
                    if allowed == 0 {
                        break;
                    }
                    if let Some(m) = self.queues[p as usize].pop_front() {
                        self.process(m, c);
                        allowed -= 1;
                        busy = true;
                    }
                }
            }
            // Unused capacity does not carry over (an idle consumer cannot process ahead); the
            // fraction of a message does.
            self.budget[c] %= 1000;
            self.mine[c] = parts;
        }
        let lag = self.produced - self.processed;
        if happened {
            self.peak.1 = self.peak.1.max(lag);
        } else {
            self.peak.0 = self.peak.0.max(lag);
        }
        self.tick += 1;
        if self.tick.is_multiple_of(self.bucket_ticks) || self.done() {
            self.lag.push(lag);
            let per_row = self.lag_map.per_row as usize;
            for row in self.queues.chunks(per_row) {
                self.lag_map.values.push(row.iter().map(|q| q.len() as u64).sum());
            }
        }
    }

    fn produce(&mut self) {
        self.made_milli += self.flow.rate * u64::from(TICK_MS);
        let due = (self.made_milli / 1000).min(self.flow.messages - self.produced);
        self.made_milli %= 1000;
        for _ in 0..due {
            let (p, m) = match &self.keys {
                Some(alias) => {
                    let key = alias.sample(self.draws.next_u64());
                    let seq = self.next_seq[key as usize];
                    self.next_seq[key as usize] += 1;
                    (self.part_of_key[key as usize], Waiting { key, seq })
                }
                None => (self.unkeyed.next(self.partitions), Waiting { key: NO_KEY, seq: 0 }),
            };
            self.queues[p as usize].push_back(m);
            self.per_partition[p as usize] += 1;
        }
        self.produced += due;
    }

    fn process(&mut self, m: Waiting, consumer: usize) {
        self.processed += 1;
        self.per_consumer[consumer] += 1;
        if m.key == NO_KEY {
            return;
        }
        let k = m.key as usize;
        if m.seq < self.last_done[k] {
            self.out_of_order += 1;
            self.key_broken[k] = true;
        } else {
            self.last_done[k] = m.seq + 1;
        }
    }

    /// The report; call when [`FlowSim::done`].
    #[must_use]
    pub fn finish(self) -> FlowReport {
        FlowReport {
            assignor: self.assignor,
            produced: self.produced,
            processed: self.processed,
            duration_ms: self.tick * u64::from(TICK_MS),
            bucket_ms: self.bucket_ticks * u64::from(TICK_MS),
            lag: self.lag,
            lag_map: self.lag_map,
            peak_lag: self.peak,
            expected_share: expected_shares(&self.flow, self.keys.as_ref(), self.flow.partitions),
            per_partition: self.per_partition,
            idle_consumers: u32::try_from(self.per_consumer.iter().filter(|&&c| c == 0).count()).unwrap_or(0),
            owner_after: self
                .after
                .iter()
                .map(|&o| self.identity_after.get(o as usize).copied().unwrap_or(NO_OWNER))
                .collect(),
            owner_before: self.before,
            per_consumer: self.per_consumer,
            out_of_order: self.out_of_order,
            keys_out_of_order: u32::try_from(self.key_broken.iter().filter(|&&b| b).count()).unwrap_or(0),
            rebalance: self.rebalance,
        }
    }
}

/// What the event changes: the new owners, each new member's identity (its number in the first
/// group) and the rebalance's report, which holds each partition's pause window.
struct Planned {
    after: Vec<u32>,
    identity_after: Vec<u32>,
    rebalance: Option<RebalanceReport>,
}

/// Plans the event's rebalance: the next group, with each partition's previous owner numbered
/// as that group numbers its members, the assignor's plan and the rebalance's windows.
fn plan_event(
    flow: &Flow,
    assignor: Assignor,
    before: &[u32],
    final_partitions: u32,
    shares: &[f64],
) -> Result<Planned, String> {
    let n = flow.consumers;
    // Identities: the first consumers are 0..n; a joiner is n; after a leave or crash the
    // departed middle consumer keeps its identity, and the new group's numbers skip it.
    let gone = flow.departed().unwrap_or(n / 2);
    let (next, identity_after, joiner, change): (Option<Group>, Vec<u32>, Option<u32>, Change) = match flow.event {
        Event::None => (None, (0..n).collect(), None, Change::Join),
        Event::Join => (
            Some(group_of(flow.topics, flow.partitions, 0..=n)?),
            (0..=n).collect(),
            Some(n),
            Change::Join,
        ),
        Event::Leave | Event::Crash => {
            let ids: Vec<u32> = (0..n).filter(|&i| i != gone).collect();
            let change = if flow.event == Event::Crash {
                Change::Crash
            } else {
                Change::Leave
            };
            (
                Some(group_of(flow.topics, flow.partitions, ids.iter().copied())?),
                ids,
                None,
                change,
            )
        }
        Event::AddPartitions(to) => (Some(group_of(1, to, 0..n)?), (0..n).collect(), None, Change::Join),
    };
    let mut after = before.to_vec();
    let mut rebalance = None;
    if let Some(next) = next {
        let mut previous = vec![NO_OWNER; final_partitions as usize];
        for (p, &o) in before.iter().enumerate() {
            previous[p] = match flow.event {
                Event::Leave | Event::Crash if o == gone => FORMER_MEMBER,
                Event::Leave | Event::Crash if o > gone && o != NO_OWNER => o - 1,
                _ => o,
            };
        }
        let next = next.with_previous(previous).map_err(|e| e.to_string())?;
        let plan = assignor.plan(&next);
        let (tl, w) = timeline_with_windows(&next, &plan, change, joiner, &flow.timing, flow.seed);
        after = plan.target.owners().to_vec();
        // Messages arrive only while production lasts, so each pause counts the part of it
        // before production ends.
        let per_ms = flow.rate as f64 / 1000.0;
        let (at, end) = (u64::from(flow.event_at), flow.production_ms());
        let expected_backlog = w
            .iter()
            .zip(shares)
            .map(|(&(from, until), s)| {
                let paused = (at + u64::from(until)).min(end).saturating_sub(at + u64::from(from));
                s * per_ms * paused as f64
            })
            .sum();
        rebalance = Some(RebalanceReport {
            movement: plan.movement,
            timeline: tl,
            expected_backlog,
            windows: w,
        });
    }
    Ok(Planned {
        after,
        identity_after,
        rebalance,
    })
}

/// Each key's global partition: topic `k mod topics`, and within it Kafka's default
/// partitioner over the key's bytes (the decimal text of `k`).
fn key_partitions(keys: u32, topics: u32, partitions: u32) -> Vec<u32> {
    (0..keys)
        .map(|k| (k % topics) * partitions + keyed_partition(k.to_string().as_bytes(), partitions))
        .collect()
}

/// Each global partition's expected share of the messages, with `partitions` in each topic:
/// the keys' Zipf probabilities summed by partition, or an even share without keys.
fn expected_shares(flow: &Flow, keys: Option<&Alias>, partitions: u32) -> Vec<f64> {
    let total = partitions * flow.topics;
    if keys.is_none() {
        return vec![1.0 / f64::from(total); total as usize];
    }
    let mut share = vec![0.0; total as usize];
    let a = f64::from(flow.alpha_centi) / 100.0;
    let weights: Vec<f64> = (1..=flow.keys).map(|r| libm::pow(f64::from(r), -a)).collect();
    let sum: f64 = weights.iter().sum();
    for (w, p) in weights.iter().zip(key_partitions(flow.keys, flow.topics, partitions)) {
        share[p as usize] += w / sum;
    }
    share
}
