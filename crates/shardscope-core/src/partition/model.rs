//! What a simulation is given and what it records: the replication mode and consistency levels,
//! the nemesis's actions, scripted requests and the settings (`Config`); each operation's outcome,
//! every message on the wire and every hint.

use super::{Node, Tick};

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
