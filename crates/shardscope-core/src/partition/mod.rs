//! A deterministic discrete-event simulation of replicated registers under network partitions:
//! replica nodes in datacenters, links with latency and loss, a nemesis that cuts and heals links,
//! splits the cluster, crashes and restarts nodes; clients whose reads and writes are served by a
//! leaderless Dynamo-style quorum (N, R, W, optional read repair) or by ABD (Attiya, Bar-Noy and
//! Dolev, "Sharing Memory Robustly in Message-Passing Systems", JACM 1995).
//!
//! Time advances in virtual ticks; the same configuration, seed and nemesis schedule give the same
//! history on every target. The history feeds [`crate::linearizability::check`].

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::hash::Stream;
use crate::linearizability::{self, INITIAL};

mod history;
mod leader;
mod messages;
mod model;
mod quorum;

pub use model::{Config, Flight, Hint, Level, Mode, Nemesis, Outcome, Record, Request};

use messages::{merge_sibling, Event, Msg, Pending, Phase, Version, Vv};

/// A node index, `0..nodes`.
pub type Node = u32;
/// Virtual time.
pub type Tick = u64;

/// How long a sloppy write waits for its home replicas before asking fallbacks, as a share of
/// the timeout, and how often a holder retries handing hints off.
const SLOPPY_AFTER_DIVISOR: u64 = 3;
/// Handoff attempts per hint before the holder gives up (so a replica that never comes back does
/// not keep the simulation running forever).
pub const MAX_HANDOFF_ATTEMPTS: u32 = 200;

/// The simulation.
#[derive(Clone, Debug)]
pub struct Sim {
    config: Config,
    now: Tick,
    queue: BinaryHeap<Reverse<(Tick, u64)>>,
    events: Vec<Option<Event>>,
    /// `store[node][key]`: the node's version and value of the register.
    store: Vec<Vec<(Version, u64)>>,
    keys: u32,
    cut: Vec<bool>,
    up: Vec<bool>,
    loss: Stream,
    pending: Vec<Option<Pending>>,
    /// The history, one record per request, in request order.
    pub history: Vec<Record>,
    /// Every message sent.
    pub flights: Vec<Flight>,
    leader: Node,
    epoch: u64,
    /// For each write request: the nodes (bit per node) that applied it.
    applied: Vec<u16>,
    /// For each write request: whether a failover lost it after it was acknowledged.
    lost: Vec<bool>,
    /// Leader–follower, synchronous: follower acknowledgements per write.
    follower_acks: Vec<u32>,
    /// Leader–follower: the value a leader may serve, per key: the newest write every node has
    /// acknowledged (synchronous), or simply the newest write (asynchronous).
    committed: Vec<(Version, u64)>,
    /// Leader–follower: the version the leader gave each write.
    write_versions: Vec<Version>,
    /// Every hint a fallback node took, delivered or not.
    pub hints: Vec<Hint>,
    /// Version vectors: `vv[node][key]`, the siblings a node holds.
    vv: Vec<Vec<Vec<(Vv, u64)>>>,
    /// For reads that ended in a conflict: the sibling values, ascending.
    pub conflicts: Vec<Vec<u64>>,
    handoff_attempts: Vec<u32>,
    handoff_scheduled: Vec<bool>,
}

impl Sim {
    /// A simulation of `requests` under `nemesis` (both lists of timed items, in any order).
    ///
    /// # Panics
    /// If the configuration is out of range (the lab's model never builds one).
    #[must_use]
    pub fn new(config: Config, requests: &[Request], nemesis: &[(Tick, Nemesis)]) -> Self {
        assert!((2..=9).contains(&config.nodes) && (1..=3).contains(&config.dcs));
        let nodes = config.nodes as usize;
        let keys = requests.iter().map(|r| r.key + 1).max().unwrap_or(1);
        let mut sim = Self {
            loss: Stream::new(config.seed),
            now: 0,
            queue: BinaryHeap::new(),
            events: Vec::new(),
            store: vec![vec![((0, 0), INITIAL); keys as usize]; nodes],
            keys,
            cut: vec![false; nodes * nodes],
            up: vec![true; nodes],
            pending: vec![None; requests.len()],
            history: requests
                .iter()
                .map(|&request| Record {
                    request,
                    completed: None,
                    value: None,
                    outcome: None,
                })
                .collect(),
            flights: Vec::new(),
            leader: 0,
            epoch: 0,
            applied: vec![0; requests.len()],
            lost: vec![false; requests.len()],
            follower_acks: vec![0; requests.len()],
            committed: vec![((0, 0), INITIAL); keys as usize],
            write_versions: vec![(0, 0); requests.len()],
            hints: Vec::new(),
            vv: vec![vec![Vec::new(); keys as usize]; nodes],
            conflicts: vec![Vec::new(); requests.len()],
            handoff_attempts: Vec::new(),
            handoff_scheduled: vec![false; nodes],
            config,
        };
        for (at, n) in nemesis {
            sim.schedule(*at, Event::Nemesis(n.clone()));
        }
        for (i, r) in requests.iter().enumerate() {
            sim.schedule(r.at, Event::Invoke(u32::try_from(i).expect("few requests")));
        }
        sim
    }

    fn schedule(&mut self, at: Tick, event: Event) {
        let seq = self.events.len() as u64;
        self.events.push(Some(event));
        // Ties at one tick run in scheduling order, which is itself deterministic.
        self.queue.push(Reverse((at, seq)));
    }

    /// The current virtual time.
    #[must_use]
    pub fn now(&self) -> Tick {
        self.now
    }

    /// Processes the next event; returns `false` when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        let Some(Reverse((at, seq))) = self.queue.pop() else {
            return false;
        };
        self.now = at;
        let event = self.events[crate::placement::index_usize(seq)]
            .take()
            .expect("each event runs once");
        match event {
            Event::Invoke(op) => self.invoke(op),
            Event::Deliver { to, from, msg } => self.deliver(to, from, msg),
            Event::Timeout(op) => self.time_out(op),
            Event::Nemesis(n) => self.nemesis(n),
            Event::Sloppy(op) => self.go_sloppy(op),
            Event::Handoff(node) => self.hand_off(node),
        }
        true
    }

    /// Runs until nothing is left to happen.
    pub fn run(&mut self) {
        while self.step() {}
    }

    fn link(&self, a: Node, b: Node) -> usize {
        (a * self.config.nodes + b) as usize
    }

    fn nemesis(&mut self, event: Nemesis) {
        let nodes = self.config.nodes;
        match event {
            Nemesis::Cut(a, b) | Nemesis::Heal(a, b) => {
                let cut = matches!(event, Nemesis::Cut(..));
                let (there, back) = (self.link(a, b), self.link(b, a));
                self.cut[there] = cut;
                self.cut[back] = cut;
            }
            Nemesis::Split(groups) => {
                for from in 0..nodes {
                    for to in 0..nodes {
                        let link = self.link(from, to);
                        self.cut[link] = groups.get(from as usize) != groups.get(to as usize);
                    }
                }
            }
            Nemesis::HealAll => self.cut.iter_mut().for_each(|c| *c = false),
            Nemesis::Crash(a) => self.up[a as usize] = false,
            Nemesis::Restart(a) => self.up[a as usize] = true,
            Nemesis::Failover(a) => {
                for (i, record) in self.history.iter().enumerate() {
                    let acknowledged = record.request.write.is_some() && record.outcome == Some(Outcome::Ok);
                    if acknowledged && self.applied[i] & (1 << a) == 0 {
                        self.lost[i] = true;
                    }
                }
                self.leader = a;
                self.epoch += 1;
                // Asynchronously, the new leader serves whatever it holds (and what it never
                // received is gone). Synchronously, every committed write is on every node, and
                // the commit point carries over: serving the new leader's uncommitted tail would
                // let a second failover take back what a read saw.
                if matches!(self.config.mode, Mode::LeaderFollower { sync: false, .. }) {
                    self.committed.clone_from(&self.store[a as usize]);
                }
            }
        }
    }

    fn send(&mut self, from: Node, to: Node, msg: Msg) {
        let latency = if from % self.config.dcs == to % self.config.dcs {
            self.config.local_latency
        } else {
            self.config.remote_latency
        };
        // A message to oneself takes no time and cannot be lost.
        let lost =
            from != to && (self.cut[self.link(from, to)] || self.loss.below(100) < u64::from(self.config.loss_percent));
        let arrives = self.now + if from == to { 0 } else { latency };
        self.flights.push(Flight {
            from,
            to,
            sent: self.now,
            delivered: (!lost).then_some(arrives),
        });
        if !lost {
            self.schedule(arrives, Event::Deliver { to, from, msg });
        }
    }

    /// The replicas of `key`: all nodes for ABD, `n` consecutive nodes for leaderless.
    fn replicas(&self, key: u32) -> Vec<Node> {
        match self.config.mode {
            Mode::Abd | Mode::LeaderFollower { .. } => (0..self.config.nodes).collect(),
            Mode::Leaderless { n, .. } => (0..n).map(|i| (key + i) % self.config.nodes).collect(),
        }
    }

    fn majority(&self) -> u32 {
        self.config.nodes / 2 + 1
    }

    fn invoke(&mut self, op: u32) {
        let request = self.history[op as usize].request;
        if !self.up[request.node as usize] {
            self.finish(op, Outcome::Refused, None);
            return;
        }
        if let Mode::LeaderFollower { follower_reads, .. } = self.config.mode {
            if request.write.is_none() && follower_reads {
                let value = self.store[request.node as usize][request.key as usize].1;
                self.complete_read(op, value);
                return;
            }
            self.pending[op as usize] = Some(Pending {
                phase: Phase::Write,
                answers: Vec::new(),
                acks: 0,
                writing: None,
                acked: Vec::new(),
                merged: Vec::new(),
                merged_from: 0,
            });
            self.send(request.node, self.leader, Msg::Forward { op });
            self.schedule(self.now + self.config.timeout, Event::Timeout(op));
            return;
        }
        let (phase, writing) = match (self.config.mode, request.write) {
            // A leaderless write needs no query: its version is the coordinator's clock.
            (Mode::Leaderless { .. }, Some(value)) => (Phase::Write, Some(((self.now, op + 1), value))),
            _ => (Phase::Query, None),
        };
        self.pending[op as usize] = Some(Pending {
            phase,
            answers: Vec::new(),
            acks: 0,
            writing,
            acked: Vec::new(),
            merged: Vec::new(),
            merged_from: 0,
        });
        if self.uses_siblings() {
            if let Some(value) = request.write {
                // The coordinator's context is what it has seen of the key; its own counter moves on.
                let mut vv: Vv = [0; 9];
                for (v, _) in &self.vv[request.node as usize][request.key as usize] {
                    for (m, x) in vv.iter_mut().zip(v) {
                        *m = (*m).max(*x);
                    }
                }
                vv[request.node as usize] += 1;
                merge_sibling(&mut self.vv[request.node as usize][request.key as usize], vv, value);
                for to in self.replicas(request.key) {
                    self.send(
                        request.node,
                        to,
                        Msg::VvWrite {
                            op: Some(op),
                            key: request.key,
                            vv,
                            value,
                        },
                    );
                }
                self.schedule(self.now + self.config.timeout, Event::Timeout(op));
                return;
            }
        }
        self.broadcast(op);
        self.schedule(self.now + self.config.timeout, Event::Timeout(op));
        if matches!(self.config.mode, Mode::Leaderless { sloppy: true, .. }) && request.write.is_some() {
            self.schedule(self.now + self.config.timeout / SLOPPY_AFTER_DIVISOR, Event::Sloppy(op));
        }
    }

    /// Sends the current phase's messages of `op` to every replica of its key.
    fn broadcast(&mut self, op: u32) {
        let request = self.history[op as usize].request;
        let pending = self.pending[op as usize].clone().expect("pending");
        for to in self.replicas(request.key) {
            let msg = match (pending.phase, pending.writing) {
                (Phase::Write, Some((version, value))) => Msg::WriteReq {
                    op: Some(op),
                    key: request.key,
                    version,
                    value,
                },
                _ => Msg::ReadReq { op, key: request.key },
            };
            self.send(request.node, to, msg);
        }
    }

    /// A replica keeps a write if it is newer than what it has (last write wins by version).
    fn store_write(&mut self, to: Node, key: u32, version: Version, value: u64) {
        let slot = &mut self.store[to as usize][key as usize];
        if version > slot.0 {
            *slot = (version, value);
        }
        self.mark_applied(to, key, value);
    }

    /// Records that `node` received the write of `value` (values are unique per write).
    fn mark_applied(&mut self, node: Node, key: u32, value: u64) {
        if let Some(i) = self
            .history
            .iter()
            .position(|r| r.request.key == key && r.request.write == Some(value))
        {
            self.applied[i] |= 1 << node;
        }
    }

    fn deliver(&mut self, to: Node, from: Node, msg: Msg) {
        // A crashed node hears nothing; a message on a link cut while it flew is lost too.
        if !self.up[to as usize] || (from != to && self.cut[self.link(from, to)]) {
            return;
        }
        match msg {
            Msg::ReadReq { op, key } if self.uses_siblings() => {
                let siblings = self.vv[to as usize][key as usize].clone();
                self.send(to, from, Msg::VvReadResp { op, siblings });
            }
            Msg::ReadReq { op, key } => {
                let (version, value) = self.store[to as usize][key as usize];
                self.send(to, from, Msg::ReadResp { op, version, value });
            }
            Msg::VvWrite { op, key, vv, value } => {
                merge_sibling(&mut self.vv[to as usize][key as usize], vv, value);
                self.mark_applied(to, key, value);
                if let Some(op) = op {
                    self.send(to, from, Msg::WriteAck { op });
                }
            }
            Msg::VvReadResp { op, siblings } => self.on_siblings(op, from, siblings),
            Msg::WriteReq {
                op,
                key,
                version,
                value,
            } => {
                self.store_write(to, key, version, value);
                if let Some(op) = op {
                    self.send(to, from, Msg::WriteAck { op });
                }
            }
            Msg::ReadResp { op, version, value } => self.on_answer(op, from, version, value),
            Msg::WriteAck { op } if matches!(self.config.mode, Mode::LeaderFollower { .. }) => {
                self.on_follower_ack(op, to);
            }
            Msg::WriteAck { op } => self.on_ack(op, from),
            Msg::Forward { op } => self.lead(op, to, from),
            Msg::Hinted {
                op,
                key,
                version,
                value,
                home,
            } => {
                self.hints.push(Hint {
                    holder: to,
                    home,
                    key,
                    version,
                    value,
                    delivered: None,
                });
                self.handoff_attempts.push(0);
                self.send(to, from, Msg::WriteAck { op });
                self.schedule_handoff(to);
            }
            Msg::Handoff {
                id,
                key,
                version,
                value,
            } => {
                self.store_write(to, key, version, value);
                self.send(to, from, Msg::HandoffAck { id });
            }
            Msg::HandoffAck { id } => {
                let hint = &mut self.hints[id as usize];
                if hint.delivered.is_none() {
                    hint.delivered = Some(self.now);
                }
            }
            Msg::Done { op, value } => {
                if self.pending[op as usize].is_some() {
                    if self.history[op as usize].request.write.is_some() {
                        self.finish(op, Outcome::Ok, None);
                    } else {
                        self.complete_read(op, value);
                    }
                }
            }
        }
    }

    fn complete_read(&mut self, op: u32, value: u64) {
        let stale = self.is_stale(op, value);
        self.finish(op, if stale { Outcome::Stale } else { Outcome::Ok }, Some(value));
    }

    /// Whether `value`, read by `op`, had been overwritten before `op` began: some write completed
    /// before the read was invoked, and the write of `value` (or the initial state) completed
    /// before that write was invoked.
    fn is_stale(&self, op: u32, value: u64) -> bool {
        let read = self.history[op as usize].request;
        let key_writes = || {
            self.history.iter().filter(move |r| {
                r.request.key == read.key && r.request.write.is_some() && r.outcome == Some(Outcome::Ok)
            })
        };
        let source = key_writes().find(|r| r.request.write == Some(value));
        key_writes().any(|w| {
            w.completed.is_some_and(|c| c < read.at)
                && w.request.write != Some(value)
                && match source {
                    None => value == INITIAL,
                    Some(s) => s.completed.is_some_and(|c| c < w.request.at),
                }
        })
    }

    fn time_out(&mut self, op: u32) {
        if self.pending[op as usize].is_some() {
            self.pending[op as usize] = None;
            self.history[op as usize].outcome = Some(Outcome::TimedOut);
        }
    }

    fn finish(&mut self, op: u32, outcome: Outcome, value: Option<u64>) {
        self.pending[op as usize] = None;
        let record = &mut self.history[op as usize];
        record.completed = Some(self.now);
        record.outcome = Some(outcome);
        record.value = value;
    }

    /// Whether the link from `a` to `b` is cut now.
    #[must_use]
    pub fn is_cut(&self, a: Node, b: Node) -> bool {
        self.cut[self.link(a, b)]
    }

    /// The leader now (leader–follower mode; node 0 until a failover).
    #[must_use]
    pub fn leader(&self) -> Node {
        self.leader
    }

    /// Whether the node is up now.
    #[must_use]
    pub fn is_up(&self, node: Node) -> bool {
        self.up[node as usize]
    }

    /// Runs every event up to and including tick `t`.
    pub fn run_until(&mut self, t: Tick) {
        while let Some(Reverse((at, _))) = self.queue.peek() {
            if *at > t {
                break;
            }
            self.step();
        }
        self.now = self.now.max(t);
    }

    /// The number of registers.
    #[must_use]
    pub fn keys(&self) -> u32 {
        self.keys
    }
}

/// A seeded workload: `count` operations, one every `spacing` ticks from a random client node, on
/// `keys` registers, half writes (each writing a fresh value: its own index + 1).
#[must_use]
pub fn workload(seed: u64, nodes: u32, keys: u32, count: u32, spacing: Tick) -> Vec<Request> {
    let mut rng = Stream::new(seed ^ 0x776f_726b);
    (0..count)
        .map(|i| Request {
            at: u64::from(i) * spacing,
            node: u32::try_from(rng.below(u64::from(nodes))).expect("node below nodes"),
            key: u32::try_from(rng.below(u64::from(keys))).expect("key below keys"),
            write: (rng.below(2) == 0).then_some(u64::from(i) + 1),
        })
        .collect()
}
