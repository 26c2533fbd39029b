//! The Partition lab's presets: the scenarios a teacher would open, each with its lesson.

use super::Preset;

/// The presets, in the order the lab lists them.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "Gilbert–Lynch, choosing availability",
        lesson: "G1 and G2 hold v0 and are cut apart. A client writes v1 at G1; another reads at G2, which answers at once: with the old v0.",
        query: "v=1&mode=leaderless&nodes=2&dcs=1&n=2&rl=one&wl=one&rr=0&ops=0&req=10:0:w,100:1:r&nem=0:cut-0-1",
    },
    Preset {
        name: "Gilbert–Lynch, choosing consistency",
        lesson: "The same cut with a linearizable register: G2 cannot reach a majority, so it cannot answer at all (nor can G1 finish its write).",
        query: "v=1&mode=abd&nodes=2&dcs=1&n=2&ops=0&req=10:0:w,100:1:r&nem=0:cut-0-1",
    },
    Preset {
        name: "Majority side works, minority refuses",
        lesson: "Five ABD nodes split 3–2: the three keep answering, the two time out, and the history stays linearizable.",
        query: "v=1&mode=abd&nodes=5&dcs=1&ops=40&spacing=15&keys=1&nem=100:split-0.0.1.1.1,400:healall",
    },
    Preset {
        name: "R = W = 1 gives stale reads",
        lesson: "With one replica per read and per write, a partition lets reads miss completed writes; the checker finds the history not linearizable.",
        query: "v=1&mode=leaderless&nodes=3&dcs=1&n=3&rl=one&wl=one&rr=0&ops=40&spacing=15&keys=1&nem=100:split-0.1.1,400:healall",
    },
    Preset {
        name: "R + W > N is not enough without write-back",
        lesson: "Quorums intersect, yet a write that reached only one replica (its other messages lost) can be seen by one read and missed by a later one: a new-then-old inversion the checker catches. Switch to ABD: its write-back prevents it.",
        query: "v=1&mode=leaderless&nodes=3&dcs=1&n=3&rl=quorum&wl=quorum&rr=0&lat=2&rlat=10&loss=20&ops=60&spacing=3&keys=1&seed=26",
    },
    Preset {
        name: "Asynchronous leader failover loses an acknowledged write",
        lesson: "The leader n0 is cut off, acknowledges a write it cannot copy, and the operator fails over to n1: the acknowledged write is gone, and a read returns the old value. Try synchronous replication: the write is never acknowledged.",
        query: "v=1&mode=leader&nodes=3&dcs=1&sync=0&fr=0&ops=0&req=10:0:w,80:1:r&nem=5:split-0.1.1,50:failover-1",
    },
    Preset {
        name: "After healing, replicas diverge until anti-entropy runs",
        lesson: "R = W = 1 during a split lets each side take writes the other never sees; the network heals at tick 200, but nothing copies the writes across: both registers stay diverged until anti-entropy (or a read repair) runs.",
        query: "v=1&mode=leaderless&nodes=4&dcs=1&n=4&rl=one&wl=one&rr=0&ops=16&spacing=10&keys=2&nem=5:split-0.0.1.1,200:healall",
    },
    Preset {
        name: "Sloppy quorum with hinted handoff, then heal",
        lesson: "Key 0 lives on n0, n1, n2. Split {n0, n3, n4} from {n1, n2}: n0's write gets its quorum from n3 and n4 holding hints, so it succeeds, yet a read on the other side misses it. After healing at tick 300 the hints are handed off and a later read sees the write.",
        query: "v=1&mode=leaderless&nodes=5&dcs=1&n=3&rl=quorum&wl=quorum&rr=0&sloppy=1&ops=0&req=10:0:w,120:1:r,400:1:r&nem=0:split-0.1.1.0.0,300:healall",
    },
    Preset {
        name: "Concurrent writes: last-write-wins vs version vectors",
        lesson: "During a split, n0 and n2 each accept a write. After healing, a read of all replicas finds two concurrent versions: version vectors return both as siblings for the client to merge; turn them off and last-write-wins silently keeps one.",
        query: "v=1&mode=leaderless&nodes=4&dcs=1&n=4&rl=all&wl=one&rr=0&vv=1&ops=0&req=10:0:w,12:2:w,300:1:r&nem=0:split-0.0.1.1,200:healall",
    },
    Preset {
        name: "A datacenter cut off: LOCAL_QUORUM vs QUORUM",
        lesson: "Datacenter 1 is isolated. LOCAL_QUORUM keeps both sides answering (and diverging); switch both levels to QUORUM and the isolated side times out.",
        query: "v=1&mode=leaderless&nodes=6&dcs=2&n=6&rl=local_quorum&wl=local_quorum&rr=0&ops=40&spacing=15&keys=1&nem=100:isolate-1",
    },
];
