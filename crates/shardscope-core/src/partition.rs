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
use crate::linearizability::{self, OpKind, INITIAL};

/// A node index, `0..nodes`.
pub type Node = u32;
/// Virtual time.
pub type Tick = u64;

/// How replicas serve reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Dynamo/Cassandra style: `n` replicas per key, a read waits for `r` answers and returns the
    /// newest (last write wins by timestamp), a write waits for `w` acknowledgements.
    Leaderless {
        /// Replicas per key.
        n: u32,
        /// What a read waits for.
        r: Level,
        /// What a write waits for.
        w: Level,
        /// After answering, push the newest value to replicas that answered with older ones.
        read_repair: bool,
        /// Sloppy quorum: when home replicas do not acknowledge a write in time, the next nodes
        /// of the key's preference list take it with a hint, count towards W, and hand it off
        /// when the home replica is reachable again (Dynamo, §4.6).
        sloppy: bool,
        /// Version vectors instead of last-write-wins: concurrent writes are kept side by side as
        /// siblings, and a read that meets more than one reports a conflict (Dynamo, §4.4).
        siblings: bool,
    },
    /// ABD: every node is a replica; both reads and writes take two majority round trips, and a
    /// read writes back what it returns.
    Abd,
    /// One leader (node 0 until a failover) orders every write and copies it to the followers.
    LeaderFollower {
        /// The leader acknowledges a write only once every follower has it (else at once, and
        /// copies it afterwards).
        sync: bool,
        /// Reads are answered from the client's own node (else forwarded to the leader).
        follower_reads: bool,
    },
}

/// How many replicas must answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// This many, from any datacenter (ONE = 1, QUORUM = ⌊N/2⌋ + 1, ALL = N).
    Count(u32),
    /// A majority of the key's replicas in the coordinator's datacenter, counting only those
    /// (Cassandra's `LOCAL_QUORUM`).
    LocalQuorum,
}

/// Something the nemesis does at a tick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Nemesis {
    /// Messages between the two nodes are dropped, both ways.
    Cut(Node, Node),
    /// The link works again.
    Heal(Node, Node),
    /// Only nodes in the same group can talk (`groups[i]` is node i's group).
    Split(Vec<u32>),
    /// Every link works again.
    HealAll,
    /// The node stops: it drops every message and refuses its clients (its storage survives).
    Crash(Node),
    /// The node runs again.
    Restart(Node),
    /// The operator makes this node the leader (leader–follower mode); writes the old leader
    /// acknowledged but the new one never received are lost.
    Failover(Node),
}

/// A client operation as scripted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    /// When the client invokes it.
    pub at: Tick,
    /// The node the client talks to (its coordinator).
    pub node: Node,
    /// The register.
    pub key: u32,
    /// `Some(value)` to write it, `None` to read.
    pub write: Option<u64>,
}

/// The simulation's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Replica nodes, `2..=9`.
    pub nodes: u32,
    /// Datacenters, `1..=3`; node `i` is in datacenter `i mod dcs`.
    pub dcs: u32,
    /// One-way latency within a datacenter, in ticks.
    pub local_latency: Tick,
    /// One-way latency between datacenters, in ticks.
    pub remote_latency: Tick,
    /// Percent of messages lost, `0..=100`.
    pub loss_percent: u32,
    /// How long a coordinator waits before answering "unavailable".
    pub timeout: Tick,
    /// The replication mode.
    pub mode: Mode,
    /// Seeds message loss.
    pub seed: u64,
}

/// How an operation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answered; for reads, with the value returned.
    Ok,
    /// A read that returned a value already overwritten by a write that completed before the read
    /// began.
    Stale,
    /// No answer in time (the write may or may not have taken effect).
    TimedOut,
    /// Refused at once (the coordinator is down).
    Refused,
    /// A read that found concurrent writes (siblings) and returned them all for the client to
    /// reconcile (version vectors only).
    Conflict,
}

/// One operation in the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// The request.
    pub request: Request,
    /// When the client got an answer (`None` while pending or when it timed out).
    pub completed: Option<Tick>,
    /// For reads answered: the value.
    pub value: Option<u64>,
    /// How it ended (`None` while pending).
    pub outcome: Option<Outcome>,
}

/// A message on the wire, for the space-time diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flight {
    /// Sender.
    pub from: Node,
    /// Receiver.
    pub to: Node,
    /// Sent at.
    pub sent: Tick,
    /// Arrives at, or `None` if dropped.
    pub delivered: Option<Tick>,
}

/// A value's version: `(counter, writer)` ordered lexicographically. The writer is the writing
/// operation's index + 1, unique per write (a node coordinating two concurrent writes must not give
/// them the same version, or replicas would disagree on which value a version names; the
/// property test over random partitions found exactly that when the node id was used), and never
/// 0, which is the initial state's.
type Version = (u64, u32);

/// A version vector: one counter per node (at most 9 nodes).
type Vv = [u32; 9];

/// Whether `a` happened before or equals `b`.
fn dominated(a: &Vv, b: &Vv) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y)
}

/// Adds a version to a set of siblings: versions it supersedes go, and it is dropped itself if an
/// existing one supersedes it.
fn merge_sibling(set: &mut Vec<(Vv, u64)>, version: Vv, value: u64) {
    if set.iter().any(|(v, _)| dominated(&version, v)) {
        return;
    }
    set.retain(|(v, _)| !dominated(v, &version));
    set.push((version, value));
}

#[derive(Clone, Debug)]
enum Msg {
    ReadReq {
        op: u32,
        key: u32,
    },
    ReadResp {
        op: u32,
        version: Version,
        value: u64,
    },
    WriteReq {
        op: Option<u32>,
        key: u32,
        version: Version,
        value: u64,
    },
    WriteAck {
        op: u32,
    },
    /// Leader–follower: the client's node asks the leader to serve the operation.
    Forward {
        op: u32,
    },
    /// Leader–follower: the leader's answer to the client's node.
    Done {
        op: u32,
        value: u64,
    },
    /// Sloppy quorum: a write a fallback node keeps for `home`.
    Hinted {
        op: u32,
        key: u32,
        version: Version,
        value: u64,
        home: Node,
    },
    /// Hinted handoff: the fallback delivers hint `id` to its home replica.
    Handoff {
        id: u32,
        key: u32,
        version: Version,
        value: u64,
    },
    /// The home replica has the hinted write.
    HandoffAck {
        id: u32,
    },
    /// Version vectors: a write with its vector.
    VvWrite {
        op: Option<u32>,
        key: u32,
        vv: Vv,
        value: u64,
    },
    /// Version vectors: a replica's siblings for a read.
    VvReadResp {
        op: u32,
        siblings: Vec<(Vv, u64)>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Query,
    Write,
}

#[derive(Clone, Debug)]
struct Pending {
    phase: Phase,
    answers: Vec<(Node, Version, u64)>,
    acks: u32,
    /// The version and value being written (ABD write, ABD read write-back, leaderless write).
    writing: Option<(Version, u64)>,
    /// Nodes that acknowledged the write phase.
    acked: Vec<Node>,
    /// Version vectors: the siblings gathered so far, and from how many replicas.
    merged: Vec<(Vv, u64)>,
    merged_from: u32,
}

/// A write a fallback node holds for an unreachable home replica.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hint {
    /// The node that keeps it.
    pub holder: Node,
    /// The replica it belongs to.
    pub home: Node,
    /// The register.
    pub key: u32,
    /// The write.
    pub version: (u64, u32),
    /// Its value.
    pub value: u64,
    /// When it was delivered, if it was.
    pub delivered: Option<Tick>,
}

/// How long a sloppy write waits for its home replicas before asking fallbacks, as a share of
/// the timeout, and how often a holder retries handing hints off.
const SLOPPY_AFTER_DIVISOR: u64 = 3;
/// Handoff attempts per hint before the holder gives up (so a replica that never comes back does
/// not keep the simulation running forever).
pub const MAX_HANDOFF_ATTEMPTS: u32 = 200;

#[derive(Clone, Debug)]
enum Event {
    Invoke(u32),
    Deliver {
        to: Node,
        from: Node,
        msg: Msg,
    },
    Timeout(u32),
    Nemesis(Nemesis),
    /// A sloppy write checks whether its home replicas answered.
    Sloppy(u32),
    /// A hint holder tries to hand its hints off.
    Handoff(Node),
}

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

    fn uses_siblings(&self) -> bool {
        matches!(self.config.mode, Mode::Leaderless { siblings: true, .. })
    }

    /// Version vectors: a replica's siblings for a read; once enough replicas answered, the read
    /// returns the one value, or reports the conflict.
    fn on_siblings(&mut self, op: u32, from: Node, siblings: Vec<(Vv, u64)>) {
        if !self.counts(op, from) {
            return;
        }
        let needed = self.needed(op);
        let Some(p) = self.pending[op as usize].as_mut() else {
            return;
        };
        for (vv, value) in siblings {
            merge_sibling(&mut p.merged, vv, value);
        }
        p.merged_from += 1;
        if p.merged_from < needed {
            return;
        }
        let mut values: Vec<u64> = p.merged.iter().map(|(_, v)| *v).collect();
        values.sort_unstable();
        values.dedup();
        match values.as_slice() {
            [] => self.complete_read(op, INITIAL),
            [one] => self.complete_read(op, *one),
            _ => {
                self.conflicts[op as usize] = values;
                self.finish(op, Outcome::Conflict, None);
            }
        }
    }

    /// A sloppy write whose home replicas have not all acknowledged asks the next nodes of the
    /// key's preference list to hold it for them.
    fn go_sloppy(&mut self, op: u32) {
        let Some(p) = self.pending[op as usize].clone() else {
            return;
        };
        let Some((version, value)) = p.writing else { return };
        let request = self.history[op as usize].request;
        let home = self.replicas(request.key);
        let missing: Vec<Node> = home.iter().copied().filter(|h| !p.acked.contains(h)).collect();
        let nodes = self.config.nodes;
        let fallbacks: Vec<Node> = (0..nodes)
            .map(|i| (request.key + i) % nodes)
            .filter(|n| !home.contains(n))
            .collect();
        for (home, fallback) in missing.into_iter().zip(fallbacks) {
            let msg = Msg::Hinted {
                op,
                key: request.key,
                version,
                value,
                home,
            };
            self.send(request.node, fallback, msg);
        }
    }

    fn schedule_handoff(&mut self, holder: Node) {
        if !self.handoff_scheduled[holder as usize] {
            self.handoff_scheduled[holder as usize] = true;
            let every = (self.config.timeout / SLOPPY_AFTER_DIVISOR).max(1);
            self.schedule(self.now + every, Event::Handoff(holder));
        }
    }

    /// A holder sends each undelivered hint to its home replica, and tries again later while any
    /// remain (up to [`MAX_HANDOFF_ATTEMPTS`] times per hint).
    fn hand_off(&mut self, holder: Node) {
        self.handoff_scheduled[holder as usize] = false;
        if !self.up[holder as usize] {
            self.schedule_handoff(holder);
            return;
        }
        let mut again = false;
        for id in 0..self.hints.len() {
            let hint = self.hints[id];
            if hint.holder != holder || hint.delivered.is_some() || self.handoff_attempts[id] >= MAX_HANDOFF_ATTEMPTS {
                continue;
            }
            self.handoff_attempts[id] += 1;
            let id32 = u32::try_from(id).expect("few hints");
            self.send(
                holder,
                hint.home,
                Msg::Handoff {
                    id: id32,
                    key: hint.key,
                    version: hint.version,
                    value: hint.value,
                },
            );
            again = true;
        }
        if again {
            self.schedule_handoff(holder);
        }
    }

    /// Leader–follower: the leader serves `op` for the client's node `client`. A node that is no
    /// longer the leader ignores the request, and the client times out.
    fn lead(&mut self, op: u32, me: Node, client: Node) {
        let Mode::LeaderFollower { sync, .. } = self.config.mode else {
            return;
        };
        if me != self.leader {
            return;
        }
        let request = self.history[op as usize].request;
        let (version, _) = self.store[me as usize][request.key as usize];
        let Some(value) = request.write else {
            // Serving an uncommitted write would let a failover take back what a read saw.
            let (_, current) = self.committed[request.key as usize];
            self.send(me, client, Msg::Done { op, value: current });
            return;
        };
        // Versions count within an epoch, and a new leader's epoch outranks every older write.
        let seq = if version.0 >> 32 == self.epoch {
            (version.0 & 0xffff_ffff) + 1
        } else {
            1
        };
        let version = ((self.epoch << 32) | seq, op + 1);
        self.store[me as usize][request.key as usize] = (version, value);
        self.write_versions[op as usize] = version;
        self.applied[op as usize] |= 1 << me;
        for follower in (0..self.config.nodes).filter(|&n| n != me) {
            let ack = sync.then_some(op);
            self.send(
                me,
                follower,
                Msg::WriteReq {
                    op: ack,
                    key: request.key,
                    version,
                    value,
                },
            );
        }
        if !sync {
            self.committed[request.key as usize] = (version, value);
            self.send(me, client, Msg::Done { op, value });
        }
    }

    /// Leader–follower, synchronous: a follower has the write; once all have it, the leader
    /// answers the client.
    fn on_follower_ack(&mut self, op: u32, me: Node) {
        self.follower_acks[op as usize] += 1;
        // A deposed leader never acknowledges: its write may not survive the new leader.
        if self.follower_acks[op as usize] == self.config.nodes - 1 && me == self.leader {
            let request = self.history[op as usize].request;
            let value = request.write.expect("only writes are acknowledged");
            let version = self.write_versions[op as usize];
            let slot = &mut self.committed[request.key as usize];
            // Acknowledgements can arrive out of order; the committed value only moves forward.
            if version > slot.0 {
                *slot = (version, value);
            }
            self.send(me, request.node, Msg::Done { op, value });
        }
    }

    /// Acknowledged writes a failover lost.
    #[must_use]
    pub fn lost_writes(&self) -> usize {
        self.lost.iter().filter(|&&l| l).count()
    }

    /// The level `op` waits for (ABD: a majority of all nodes, in both phases).
    fn level(&self, op: u32) -> Level {
        match self.config.mode {
            Mode::Abd | Mode::LeaderFollower { .. } => Level::Count(self.majority()),
            Mode::Leaderless { r, w, .. } => {
                if self.history[op as usize].request.write.is_some() {
                    w
                } else {
                    r
                }
            }
        }
    }

    /// Whether an answer from `from` counts towards `op`'s quorum.
    fn counts(&self, op: u32, from: Node) -> bool {
        let coordinator = self.history[op as usize].request.node;
        match self.level(op) {
            Level::LocalQuorum => from % self.config.dcs == coordinator % self.config.dcs,
            Level::Count(_) => true,
        }
    }

    /// How many counted answers `op` needs.
    fn needed(&self, op: u32) -> u32 {
        match self.level(op) {
            Level::Count(k) => k,
            Level::LocalQuorum => {
                let request = self.history[op as usize].request;
                let local = self
                    .replicas(request.key)
                    .into_iter()
                    .filter(|r| r % self.config.dcs == request.node % self.config.dcs)
                    .count();
                u32::try_from(local / 2 + 1).expect("few replicas")
            }
        }
    }

    fn on_answer(&mut self, op: u32, from: Node, version: Version, value: u64) {
        if !self.counts(op, from) {
            return;
        }
        let needed = self.needed(op);
        let Some(p) = self.pending[op as usize].as_mut() else {
            return;
        };
        if p.phase != Phase::Query {
            return;
        }
        p.answers.push((from, version, value));
        let count = u32::try_from(p.answers.len()).expect("few answers");
        if count < needed {
            return;
        }
        let &(_, newest, newest_value) = p.answers.iter().max_by_key(|a| a.1).expect("answers");
        let request = self.history[op as usize].request;
        match self.config.mode {
            Mode::Leaderless { read_repair, .. } => {
                let stale: Vec<Node> = p.answers.iter().filter(|a| a.1 < newest).map(|a| a.0).collect();
                self.complete_read(op, newest_value);
                if read_repair {
                    for node in stale {
                        let msg = Msg::WriteReq {
                            op: None,
                            key: request.key,
                            version: newest,
                            value: newest_value,
                        };
                        self.send(request.node, node, msg);
                    }
                }
            }
            Mode::Abd => {
                // Writes take the next version; reads write back what they will return, so no
                // later read can return anything older.
                p.phase = Phase::Write;
                p.writing = Some(match request.write {
                    Some(value) => ((newest.0 + 1, op + 1), value),
                    None => (newest, newest_value),
                });
                self.broadcast(op);
            }
            // Leader–follower answers come as `Done`, never as read responses.
            Mode::LeaderFollower { .. } => {}
        }
    }

    fn on_ack(&mut self, op: u32, from: Node) {
        if !self.counts(op, from) {
            return;
        }
        let is_write = self.history[op as usize].request.write.is_some();
        let needed = self.needed(op);
        let Some(p) = self.pending[op as usize].as_mut() else {
            return;
        };
        if p.phase != Phase::Write {
            return;
        }
        p.acks += 1;
        p.acked.push(from);
        if p.acks < needed {
            return;
        }
        let value = p.writing.map(|(_, v)| v);
        if is_write {
            self.finish(op, Outcome::Ok, None);
        } else {
            self.complete_read(op, value.expect("a write-back carries its value"));
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

    /// The history as the checker reads it: answered operations, plus writes that timed out (they
    /// may have taken effect); refused operations and unanswered reads carry no information.
    #[must_use]
    pub fn checkable(&self) -> Vec<(usize, linearizability::Operation)> {
        self.history
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let kind = match (r.request.write, r.outcome?, r.value) {
                    // A conflict returns a set of values, which is not a register read.
                    (_, Outcome::Refused | Outcome::Conflict, _) | (None, Outcome::TimedOut, _) | (None, _, None) => {
                        return None
                    }
                    (Some(v), _, _) => OpKind::Write(v),
                    (None, _, Some(v)) => OpKind::Read(v),
                };
                Some((
                    i,
                    linearizability::Operation {
                        key: r.request.key,
                        kind,
                        invoked: r.request.at,
                        completed: r.completed,
                    },
                ))
            })
            .collect()
    }

    /// Registers whose replicas hold different versions now (what anti-entropy would repair).
    #[must_use]
    pub fn diverged(&self) -> u32 {
        let diverged = (0..self.keys)
            .filter(|&key| {
                let replicas = self.replicas(key);
                let first = self.store[replicas[0] as usize][key as usize].0;
                replicas
                    .iter()
                    .any(|&r| self.store[r as usize][key as usize].0 != first)
            })
            .count();
        u32::try_from(diverged).expect("few keys")
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
