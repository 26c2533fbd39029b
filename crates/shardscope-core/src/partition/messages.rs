//! What the simulated nodes say to each other and what the event queue holds: messages, the
//! versions and version vectors they carry, and the state of a request in flight.

use super::{Nemesis, Node};

/// A value's version: `(counter, writer)` ordered lexicographically. The writer is the writing
/// operation's index + 1, unique per write (a node coordinating two concurrent writes must not give
/// them the same version, or replicas would disagree on which value a version names; the
/// property test over random partitions found exactly that when the node id was used), and never
/// 0, which is the initial state's.
pub(super) type Version = (u64, u32);

/// A version vector: one counter per node (at most 9 nodes).
pub(super) type Vv = [u32; 9];

/// Whether `a` happened before or equals `b`.
pub(super) fn dominated(a: &Vv, b: &Vv) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y)
}

/// Adds a version to a set of siblings: versions it supersedes go, and it is dropped itself if an
/// existing one supersedes it.
pub(super) fn merge_sibling(set: &mut Vec<(Vv, u64)>, version: Vv, value: u64) {
    if set.iter().any(|(v, _)| dominated(&version, v)) {
        return;
    }
    set.retain(|(v, _)| !dominated(v, &version));
    set.push((version, value));
}

#[derive(Clone, Debug)]
pub(super) enum Msg {
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
pub(super) enum Phase {
    Query,
    Write,
}

#[derive(Clone, Debug)]
pub(super) struct Pending {
    pub(super) phase: Phase,
    pub(super) answers: Vec<(Node, Version, u64)>,
    pub(super) acks: u32,
    /// The version and value being written (ABD write, ABD read write-back, leaderless write).
    pub(super) writing: Option<(Version, u64)>,
    /// Nodes that acknowledged the write phase.
    pub(super) acked: Vec<Node>,
    /// Version vectors: the siblings gathered so far, and from how many replicas.
    pub(super) merged: Vec<(Vv, u64)>,
    pub(super) merged_from: u32,
}

#[derive(Clone, Debug)]
pub(super) enum Event {
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
