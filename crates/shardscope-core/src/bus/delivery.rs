//! Where duplicates and losses come from: one partition's messages from a producer, through a
//! replicated log, to a consumer that writes what it processed, with a broker, a request or the
//! consumer failing at a chosen moment. Each message is followed by its id, so the outcome names
//! the exact messages lost, duplicated or put out of order, and says at which end it happened.
//!
//! The model, in virtual ticks (one tick is one produce request's round trip):
//!
//! - The application hands the producer message `i` at tick `i`. Each tick the producer sends
//!   what is waiting as one request (a batch), at most `in_flight` unanswered. The leader appends what it accepts; its followers
//!   copy the log `lag` ticks behind it. With `acks = 0` nothing is answered; with `acks = 1`
//!   the leader answers the tick after it appended; with `acks = all` it answers once every
//!   in-sync replica has the message, and refuses the write while fewer than
//!   `min.insync.replicas` are in sync.
//! - A failed request is sent again (with `acks` 1 or all). Without idempotence the leader
//!   appends whatever arrives, so a retry of a message that was appended but not yet answered is
//!   a duplicate, and a retry that follows later requests is out of order. An idempotent
//!   producer numbers its messages; the leader drops a number it has and refuses one that skips
//!   ahead, so the log keeps each message once and in order.
//! - A broker crash takes the leader down. After `failover` ticks a follower leads, with the log
//!   it had copied; the rest of the old leader's log is gone, answered or not. The crashed broker
//!   does not return within the run, so the in-sync set is one smaller. With one replica the
//!   broker itself comes back after `failover` ticks, its log intact.
//! - The consumer then reads the log `batch` messages a poll and writes what it processes.
//!   At-most-once commits the poll's offset first, at-least-once after processing, and
//!   exactly-once writes its output and the offset in one transaction. If the consumer crashes,
//!   a new one starts from the last committed offset: at-most-once skips the rest of the poll,
//!   at-least-once processes the processed part again, exactly-once's aborted transaction leaves
//!   no output.
//!
//! What is left out: the consumer reads the producer's final log rather than racing it (the
//! truncated messages were never below the high watermark, so a consumer could not have read
//! them), and timeouts are one tick.

use serde::Serialize;

use crate::query::Choice;

/// The most messages a scenario follows one by one.
pub const MAX_MESSAGES: u32 = 100_000;
/// The most replicas a partition may have.
pub const MAX_REPLICAS: u32 = 5;
/// The most requests an idempotent producer may have unanswered: Kafka keeps the sequence state of
/// the last five batches.
pub const MAX_IN_FLIGHT: u32 = 5;
/// The longest replication lag and failover, in ticks.
pub const MAX_TICKS: u32 = 1_000;
/// The largest consumer poll.
pub const MAX_BATCH: u32 = 1_000;

/// When the leader answers a produce request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Acks {
    /// Never: the producer does not wait, and does not know of a loss.
    Zero,
    /// Once the leader has appended the message.
    One,
    /// Once every in-sync replica has it, and only while at least `min.insync.replicas` are in sync.
    All,
}

impl Choice for Acks {
    const ALL: &'static [Self] = &[Self::Zero, Self::One, Self::All];
    fn slug(self) -> &'static str {
        match self {
            Self::Zero => "0",
            Self::One => "1",
            Self::All => "all",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Zero => "acks=0",
            Self::One => "acks=1",
            Self::All => "acks=all",
        }
    }
}

/// When the consumer commits the offset of what it polled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Semantics {
    /// Before processing the poll.
    AtMostOnce,
    /// After processing the poll.
    AtLeastOnce,
    /// With the poll's output, in one transaction (Kafka's transactions with an idempotent
    /// producer and `read_committed` readers).
    ExactlyOnce,
}

impl Choice for Semantics {
    const ALL: &'static [Self] = &[Self::AtMostOnce, Self::AtLeastOnce, Self::ExactlyOnce];
    fn slug(self) -> &'static str {
        match self {
            Self::AtMostOnce => "at-most-once",
            Self::AtLeastOnce => "at-least-once",
            Self::ExactlyOnce => "exactly-once",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::AtMostOnce => "At most once",
            Self::AtLeastOnce => "At least once",
            Self::ExactlyOnce => "Exactly once",
        }
    }
}

/// How a produce request fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Failure {
    /// It never reaches the leader. Requests sent after it may arrive first, so a retry lands
    /// behind them unless the producer is idempotent.
    Lost,
    /// The leader appends it but the answer is lost (a timeout). The retry appends it again
    /// unless the producer is idempotent.
    Unanswered,
}

/// One run: the settings of producer, partition and consumer, and what fails when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Scenario {
    /// Messages the application produces, one a tick.
    pub messages: u32,
    /// The partition's replicas (the leader and its followers).
    pub replicas: u32,
    /// `min.insync.replicas`.
    pub min_insync: u32,
    /// How many ticks the followers' copy trails the leader's log.
    pub lag: u32,
    /// The producer's `acks`.
    pub acks: Acks,
    /// Whether the producer is idempotent (`enable.idempotence`).
    pub idempotent: bool,
    /// `max.in.flight.requests.per.connection`.
    pub in_flight: u32,
    /// The consumer's commit discipline.
    pub semantics: Semantics,
    /// Messages per consumer poll (`max.poll.records`).
    pub batch: u32,
    /// The tick the leader's broker crashes, if it does.
    pub broker_crash: Option<u32>,
    /// Ticks without a leader after the crash.
    pub failover: u32,
    /// The message whose first request fails, and how, if one does.
    pub request_failure: Option<(u32, Failure)>,
    /// The consumer crashes after processing this many messages, if it does.
    pub consumer_crash: Option<u32>,
}

impl Scenario {
    /// A scenario with nothing failing: 1,000 messages, three replicas, `min.insync.replicas =
    /// 2`, a lag of 3 ticks, `acks = all`, idempotent, five in flight, at-least-once, polls of
    /// 100.
    pub const CALM: Self = Self {
        messages: 1_000,
        replicas: 3,
        min_insync: 2,
        lag: 3,
        acks: Acks::All,
        idempotent: true,
        in_flight: 5,
        semantics: Semantics::AtLeastOnce,
        batch: 100,
        broker_crash: None,
        failover: 10,
        request_failure: None,
        consumer_crash: None,
    };

    /// Why Kafka (or this model) would refuse these settings, if it would.
    ///
    /// # Errors
    /// A message naming the setting and its range: messages outside 1 to [`MAX_MESSAGES`],
    /// replicas outside 1 to [`MAX_REPLICAS`], `min.insync.replicas` above the replicas, an
    /// idempotent producer without `acks = all` or with more than five requests in flight (Kafka
    /// refuses both), exactly-once without an idempotent producer, and so on.
    pub fn check(&self) -> Result<(), String> {
        let range = |name: &str, v: u32, lo: u32, hi: u32| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(format!("{name} must be {lo} to {hi}, not {v}"))
            }
        };
        range("messages", self.messages, 1, MAX_MESSAGES)?;
        range("replicas", self.replicas, 1, MAX_REPLICAS)?;
        range("min.insync.replicas", self.min_insync, 1, self.replicas)?;
        range("the replication lag", self.lag, 0, MAX_TICKS)?;
        range("the failover", self.failover, 1, MAX_TICKS)?;
        range("max.in.flight.requests", self.in_flight, 1, 100)?;
        range("the poll size", self.batch, 1, MAX_BATCH)?;
        if self.idempotent && self.acks != Acks::All {
            return Err("an idempotent producer needs acks=all (Kafka refuses enable.idempotence otherwise)".into());
        }
        if self.idempotent && self.in_flight > MAX_IN_FLIGHT {
            return Err(format!(
                "an idempotent producer allows at most {MAX_IN_FLIGHT} requests in flight"
            ));
        }
        if self.semantics == Semantics::ExactlyOnce && !self.idempotent {
            return Err("exactly-once needs an idempotent producer (transactions build on it)".into());
        }
        Ok(())
    }
}

/// What happened to the messages, by id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The final log, as message ids in offset order.
    pub log: Vec<u32>,
    /// What the consumer's output holds, in order.
    pub output: Vec<u32>,
    /// Messages the producer gave up on and reported to the application as failed (writes
    /// refused for too few in-sync replicas until the run ended). Not a silent loss; and, as in
    /// Kafka, a failed send may still be in the log, when the leader had appended it before the
    /// answer was lost.
    pub refused: Vec<u32>,
    /// Messages in neither the output nor `refused`: lost without anyone being told.
    pub lost: Vec<u32>,
    /// Of those, the ones the leader had acknowledged.
    pub acked_lost: Vec<u32>,
    /// Of those, the ones the log kept but the consumer skipped.
    pub skipped: Vec<u32>,
    /// Messages in the output more than once.
    pub duplicated: Vec<u32>,
    /// Of those, the ones the log itself holds more than once (a producer retry).
    pub log_duplicates: Vec<u32>,
    /// Messages the log holds after a later message: order broken by a retry.
    pub out_of_order: Vec<u32>,
    /// The tick the producer finished, every message answered or given up.
    pub ticks: u32,
}

#[derive(Clone, Copy)]
struct Entry {
    id: u32,
    at: u32,
}

struct Request {
    ids: Vec<u32>,
    /// The first tick its answer can arrive.
    due: u32,
    /// The tick the leader appended it, if it did and will answer.
    appended: Option<u32>,
}

/// Ticks before the producer gives up waiting for the answer to a lost request and sends it
/// again (its `request.timeout.ms`); meanwhile later requests go out, up to the in-flight limit.
pub const REQUEST_TIMEOUT: u32 = 10;

/// Runs a scenario. Returns `Err` with [`Scenario::check`]'s message for settings it refuses.
///
/// # Errors
/// When the settings are refused.
///
/// ```
/// use shardscope_core::bus::delivery::{run, Acks, Scenario};
/// // acks=1 and the leader dies: what it had acknowledged but not yet copied is gone.
/// // The followers trail by 10 ticks, so they have messages 0 to 490; 491 to 498 were answered
/// // (499's answer was due as the broker died, so the producer sends it again).
/// let s = Scenario { acks: Acks::One, idempotent: false, lag: 10, broker_crash: Some(500), ..Scenario::CALM };
/// let out = run(&s).unwrap();
/// assert_eq!(out.acked_lost, (491..=498).collect::<Vec<u32>>());
/// ```
pub fn run(s: &Scenario) -> Result<Outcome, String> {
    s.check()?;
    let mut p = Producer::new(s);
    p.run();
    let log: Vec<u32> = p.log.iter().map(|e| e.id).collect();
    let output = consume(s, &log);
    Ok(tally(s, log, output, p.refused, &p.acked, p.tick))
}

struct Producer<'a> {
    s: &'a Scenario,
    log: Vec<Entry>,
    queue: std::collections::VecDeque<u32>,
    flight: Vec<Request>,
    acked: Vec<bool>,
    done: Vec<bool>,
    remaining: u32,
    failed_once: bool,
    leader_from: u32,
    in_sync: u32,
    refused: Vec<u32>,
    tick: u32,
}

impl<'a> Producer<'a> {
    fn new(s: &'a Scenario) -> Self {
        let n = s.messages as usize;
        Self {
            s,
            log: Vec::with_capacity(n),
            queue: std::collections::VecDeque::with_capacity(n),
            flight: Vec::new(),
            acked: vec![false; n],
            done: vec![false; n],
            remaining: s.messages,
            failed_once: false,
            leader_from: 0,
            in_sync: s.replicas,
            refused: Vec::new(),
            tick: 0,
        }
    }

    /// The next message the log expects, which the idempotent producer's sequence check
    /// compares with (an idempotent log is in order, so it is the last one's successor).
    fn next_expected(&self) -> u32 {
        self.log.last().map_or(0, |e| e.id + 1)
    }

    fn run(&mut self) {
        // Every message is answered within a few failovers, lags and timeouts of being handed
        // over, unless writes are refused for good; then the producer gives up (its delivery
        // timeout) and tells the application.
        let end = self.s.messages + 2 * self.s.failover + 4 * (self.s.lag + REQUEST_TIMEOUT) + 16;
        while self.tick < end && self.remaining > 0 {
            if self.tick < self.s.messages {
                self.queue.push_back(self.tick);
            }
            if Some(self.tick) == self.s.broker_crash {
                self.crash();
            }
            self.answer();
            self.send();
            self.tick += 1;
        }
        self.refused = (0..self.s.messages).filter(|&i| !self.done[i as usize]).collect();
    }

    fn finish(&mut self, id: u32, acked: bool) {
        let done = &mut self.done[id as usize];
        if !*done {
            *done = true;
            self.remaining -= 1;
        }
        self.acked[id as usize] |= acked;
    }

    fn requeue(&mut self, mut ids: Vec<u32>) {
        ids.sort_unstable();
        for id in ids.into_iter().rev() {
            self.queue.push_front(id);
        }
    }

    fn crash(&mut self) {
        let now = self.tick;
        let lag = self.s.lag;
        if self.s.replicas > 1 {
            // The new leader has what it had copied; the in-sync set loses the crashed broker.
            self.log.retain(|e| e.at + lag <= now);
            self.in_sync -= 1;
        }
        self.leader_from = now + self.s.failover;
        // Every unanswered request fails; the producer sends its messages again, oldest first.
        let failed: Vec<u32> = self.flight.drain(..).flat_map(|r| r.ids).collect();
        self.requeue(failed);
    }

    /// Answers the requests whose answer is due: acknowledged, or failed and queued again.
    fn answer(&mut self) {
        let mut retry = Vec::new();
        let mut kept = Vec::with_capacity(self.flight.len());
        for r in std::mem::take(&mut self.flight) {
            if r.due > self.tick {
                kept.push(r);
                continue;
            }
            match r.appended {
                None => retry.extend(r.ids),
                // acks=all waits for every in-sync follower's copy.
                Some(at) if self.s.acks == Acks::All && self.in_sync > 1 && at + self.s.lag > self.tick => kept.push(r),
                Some(_) => r.ids.iter().for_each(|&id| self.finish(id, true)),
            }
        }
        self.flight = kept;
        self.requeue(retry);
    }

    /// Sends every queued message as one request, if the leader is up and the in-flight limit
    /// allows (Kafka batches the records waiting for a partition into one request).
    fn send(&mut self) {
        if self.tick < self.leader_from || self.queue.is_empty() {
            return;
        }
        if self.s.acks != Acks::Zero && self.flight.len() >= self.s.in_flight as usize {
            return;
        }
        let ids: Vec<u32> = self.queue.drain(..).collect();
        let failure = match self.s.request_failure {
            Some((at, how)) if !self.failed_once && ids.contains(&at) => {
                self.failed_once = true;
                Some(how)
            }
            _ => None,
        };
        let appended = match failure {
            Some(Failure::Lost) => None,
            Some(Failure::Unanswered) => {
                self.deliver(&ids);
                None
            }
            None => self.deliver(&ids),
        };
        if self.s.acks == Acks::Zero {
            // Nobody answers, so nothing is retried: the producer counts them sent.
            for &id in &ids {
                self.finish(id, false);
            }
        } else {
            let wait = if failure.is_some() { REQUEST_TIMEOUT } else { 1 };
            self.flight.push(Request {
                ids,
                due: self.tick + wait,
                appended,
            });
        }
    }

    /// The leader's handling of a request that arrives: the tick it appended it, if it accepts it.
    fn deliver(&mut self, ids: &[u32]) -> Option<u32> {
        if self.s.acks == Acks::All && self.in_sync < self.s.min_insync {
            // NotEnoughReplicas: refused without appending; the producer tries again later.
            return None;
        }
        if self.s.idempotent {
            let expected = self.next_expected();
            // Sequence numbers the leader already has are answered without appending them
            // again; one that skips ahead is refused (OutOfOrderSequence) and retried after the
            // missing one.
            let fresh = ids.iter().position(|&id| id >= expected).unwrap_or(ids.len());
            if ids.get(fresh).is_some_and(|&id| id != expected) {
                return None;
            }
            self.append(&ids[fresh..]);
        } else {
            self.append(ids);
        }
        Some(self.tick)
    }

    fn append(&mut self, ids: &[u32]) {
        let at = self.tick;
        self.log.extend(ids.iter().map(|&id| Entry { id, at }));
    }
}

/// The consumer's output over `log`, with its commit discipline and its crash.
fn consume(s: &Scenario, log: &[u32]) -> Vec<u32> {
    let mut output = Vec::with_capacity(log.len());
    let mut committed = 0usize;
    let mut processed = 0u32;
    let mut crashed = false;
    let batch = s.batch as usize;
    while committed < log.len() {
        let poll = committed..(committed + batch).min(log.len());
        let end = poll.end;
        if s.semantics == Semantics::AtMostOnce {
            committed = end;
        }
        let mut pending = Vec::with_capacity(batch);
        let mut died = false;
        for &id in &log[poll] {
            if !crashed && s.consumer_crash == Some(processed) {
                crashed = true;
                died = true;
                break;
            }
            processed += 1;
            if s.semantics == Semantics::ExactlyOnce {
                pending.push(id);
            } else {
                output.push(id);
            }
        }
        if died {
            // The transaction aborts, so its output is never seen; the new consumer starts from
            // the last committed offset.
            continue;
        }
        output.extend_from_slice(&pending);
        committed = end;
    }
    output
}

fn tally(s: &Scenario, log: Vec<u32>, output: Vec<u32>, refused: Vec<u32>, acked: &[bool], ticks: u32) -> Outcome {
    let n = s.messages as usize;
    let mut in_log = vec![0u32; n];
    let mut in_output = vec![0u32; n];
    for &id in &log {
        in_log[id as usize] += 1;
    }
    for &id in &output {
        in_output[id as usize] += 1;
    }
    let mut is_refused = vec![false; n];
    for &id in &refused {
        is_refused[id as usize] = true;
    }
    let ids = 0..s.messages;
    let lost: Vec<u32> = ids
        .clone()
        .filter(|&i| in_output[i as usize] == 0 && !is_refused[i as usize])
        .collect();
    let acked_lost = lost
        .iter()
        .copied()
        .filter(|&i| acked[i as usize] && in_log[i as usize] == 0)
        .collect();
    let skipped = lost.iter().copied().filter(|&i| in_log[i as usize] > 0).collect();
    let duplicated = ids.clone().filter(|&i| in_output[i as usize] > 1).collect();
    let log_duplicates = ids.filter(|&i| in_log[i as usize] > 1).collect();
    let mut highest: Option<u32> = None;
    let mut out_of_order = Vec::new();
    for &id in &log {
        match highest {
            Some(h) if id < h => out_of_order.push(id),
            _ => highest = Some(highest.map_or(id, |h| h.max(id))),
        }
    }
    out_of_order.sort_unstable();
    out_of_order.dedup();
    Outcome {
        log,
        output,
        refused,
        lost,
        acked_lost,
        skipped,
        duplicated,
        log_duplicates,
        out_of_order,
        ticks,
    }
}
