//! A rebalance as steps in virtual time: when the group notices a change, when each member
//! stops, when the new assignment arrives, and so how long each member and each partition
//! waits, under the eager protocol (everyone stops) and the cooperative one (only what moves).
//!
//! The timing follows Kafka's group protocol, with its defaults where the page does not set
//! them: a crashed member is noticed when its session times out (45 s); the others learn of a
//! rebalance at their next heartbeat (every 3 s) and rejoin once their current poll's records
//! are processed; the coordinator answers the joins when the last member has joined, and the
//! assignment reaches every member one more round trip later (`SyncGroup`). Where in the
//! heartbeat and the poll each member is when the change comes is drawn from a seed.

use serde::Serialize;

use super::assign::{Group, Plan, FORMER_MEMBER, NO_OWNER};
use crate::hash::hash_pair;

/// What changed the group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Change {
    /// A member joined; it asks to join at once.
    Join,
    /// A member left cleanly (`LeaveGroup`), which starts the rebalance at once.
    Leave,
    /// A member crashed, noticed only when its session times out.
    Crash,
}

/// The protocol's times, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Timing {
    /// `session.timeout.ms`: how long a silent member is given before it is dropped.
    pub session_timeout: u32,
    /// `heartbeat.interval.ms`: how often a member hears from the coordinator.
    pub heartbeat: u32,
    /// How long a member takes to process one poll's records, before it can rejoin.
    pub poll: u32,
    /// One request's round trip to the coordinator.
    pub round_trip: u32,
}

impl Timing {
    /// Kafka's defaults (45 s session timeout, 3 s heartbeats), polls that take 200 ms and
    /// round trips of 2 ms.
    pub const DEFAULT: Self = Self {
        session_timeout: 45_000,
        heartbeat: 3_000,
        poll: 200,
        round_trip: 2,
    };
}

/// A moment of the rebalance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Moment {
    /// The change itself (at 0).
    Change,
    /// The coordinator starts the rebalance.
    Detected,
    /// The last member has joined (round 1 or 2).
    Joined(u32),
    /// The assignment of that round reached every member.
    Synced(u32),
}

/// One step, with its time since the change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Step {
    /// What happened.
    pub moment: Moment,
    /// When, in milliseconds after the change.
    pub at: u32,
}

/// The rebalance's timeline and what the members and partitions waited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Timeline {
    /// The steps in order.
    pub steps: Vec<Step>,
    /// Rounds of joining: 1, or 2 when cooperative revokes anything.
    pub rounds: u32,
    /// When every partition has an owner consuming it again.
    pub done: u32,
    /// Members that consumed nothing for a while.
    pub stalled_members: u32,
    /// The longest such stall, in milliseconds.
    pub longest_stall: u32,
    /// The stalls added up over the members, in milliseconds.
    pub total_stall: u64,
    /// Partitions that went unconsumed for a while.
    pub paused_partitions: u32,
    /// The longest pause of a partition, in milliseconds.
    pub longest_pause: u32,
    /// The pauses added up over the partitions, in partition-milliseconds.
    pub total_pause: u64,
}

/// The moment after `from` at which member `m` acts on a rebalance: its next heartbeat, then the
/// end of the poll it is processing.
fn learns(m: u32, from: u32, timing: &Timing, seed: u64, round: u32) -> u32 {
    let h = hash_pair(seed, u64::from(m), u64::from(round));
    let beat = u32::try_from(h % u64::from(timing.heartbeat.max(1))).unwrap_or(0);
    let poll = u32::try_from((h >> 32) % u64::from(timing.poll.max(1))).unwrap_or(0);
    from + beat + poll
}

/// The timeline of `plan`'s rebalance of `group` after `change`. `joiner` is the joining
/// member's number in `group` (for [`Change::Join`]); it asks to join at once.
#[must_use]
pub fn timeline(
    group: &Group,
    plan: &Plan,
    change: Change,
    joiner: Option<u32>,
    timing: &Timing,
    seed: u64,
) -> Timeline {
    timeline_with_windows(group, plan, change, joiner, timing, seed).0
}

/// [`timeline`], and for each partition when (in milliseconds after the change) it stops being
/// consumed and when its new owner starts: what a simulation of the messages needs.
#[must_use]
pub fn timeline_with_windows(
    group: &Group,
    plan: &Plan,
    change: Change,
    joiner: Option<u32>,
    timing: &Timing,
    seed: u64,
) -> (Timeline, Vec<(u32, u32)>) {
    let members = group.members();
    let rtt = timing.round_trip;
    let detected = if change == Change::Crash {
        timing.session_timeout
    } else {
        0
    };
    let act = |m: u32, from: u32, round: u32| {
        if Some(m) == joiner && round == 1 {
            from
        } else {
            learns(m, from, timing, seed, round)
        }
    };
    let acted1: Vec<u32> = (0..members).map(|m| act(m, detected, 1)).collect();
    let joined1 = acted1.iter().copied().max().unwrap_or(detected) + rtt;
    let synced1 = joined1 + 2 * rtt;
    let mut steps = vec![
        Step {
            moment: Moment::Change,
            at: 0,
        },
        Step {
            moment: Moment::Detected,
            at: detected,
        },
        Step {
            moment: Moment::Joined(1),
            at: joined1,
        },
        Step {
            moment: Moment::Synced(1),
            at: synced1,
        },
    ];
    let second = plan.first_round.is_some();
    let synced2 = if second {
        // Everyone rejoins for the second round at their next heartbeat after the first.
        let joined2 = (0..members).map(|m| act(m, synced1, 2)).max().unwrap_or(synced1) + rtt;
        steps.push(Step {
            moment: Moment::Joined(2),
            at: joined2,
        });
        steps.push(Step {
            moment: Moment::Synced(2),
            at: joined2 + 2 * rtt,
        });
        joined2 + 2 * rtt
    } else {
        synced1
    };
    let when = When {
        acted1,
        synced1,
        synced2,
    };
    let windows = windows(group, plan, &when);
    let pause: Vec<u32> = windows.iter().map(|&(from, until)| until - from).collect();
    let stall = stalls(group, plan, joiner, &when);
    let done = steps.last().map_or(0, |s| s.at);
    let timeline = Timeline {
        steps,
        rounds: if second { 2 } else { 1 },
        done,
        stalled_members: count_nonzero(&stall),
        longest_stall: stall.iter().copied().max().unwrap_or(0),
        total_stall: stall.iter().map(|&s| u64::from(s)).sum(),
        paused_partitions: count_nonzero(&pause),
        longest_pause: pause.iter().copied().max().unwrap_or(0),
        total_pause: pause.iter().map(|&s| u64::from(s)).sum(),
    };
    (timeline, windows)
}

/// When each member acted in round 1, and when each round's assignment arrived (the same
/// moment twice when there is one round).
struct When {
    acted1: Vec<u32>,
    synced1: u32,
    synced2: u32,
}

/// When each partition stops being consumed and when its new owner starts, in milliseconds
/// after the change (equal when it never stops).
fn windows(group: &Group, plan: &Plan, when: &When) -> Vec<(u32, u32)> {
    let eager = plan.assignor.eager();
    group
        .previous()
        .iter()
        .zip(plan.target.owners())
        .map(|(&prev, &now)| {
            if now == NO_OWNER && prev == NO_OWNER {
                (0, 0)
            } else if prev == FORMER_MEMBER || prev == NO_OWNER {
                // An orphan (or a new partition) waits from the change for its first owner, who
                // gets it in the first round.
                (0, when.synced1)
            } else if eager {
                (when.acted1[prev as usize], when.synced1)
            } else if prev != now {
                // Cooperative: kept through round 1, revoked when it ends, owned after round 2.
                (when.synced1, when.synced2)
            } else {
                (0, 0)
            }
        })
        .collect()
}

/// How long each member has nothing to consume: under eager, from when it revokes until the
/// assignment; under cooperative, only if the first round left it nothing; the joiner, until
/// its first partitions arrive.
fn stalls(group: &Group, plan: &Plan, joiner: Option<u32>, when: &When) -> Vec<u32> {
    let members = group.members();
    let eager = plan.assignor.eager();
    let before = counts_of(group.previous(), members);
    let kept = plan
        .first_round
        .as_ref()
        .map_or_else(|| before.clone(), |r| counts_of(r.owners(), members));
    (0..members)
        .map(|m| {
            let i = m as usize;
            if Some(m) == joiner {
                if eager {
                    when.synced1
                } else {
                    when.synced2
                }
            } else if before[i] == 0 {
                0
            } else if eager {
                when.synced1 - when.acted1[i]
            } else if kept[i] == 0 {
                when.synced2 - when.synced1
            } else {
                0
            }
        })
        .collect()
}

fn counts_of(owners: &[u32], members: u32) -> Vec<u32> {
    let mut c = vec![0u32; members as usize];
    for &o in owners {
        if let Some(x) = c.get_mut(o as usize) {
            *x += 1;
        }
    }
    c
}

fn count_nonzero(v: &[u32]) -> u32 {
    u32::try_from(v.iter().filter(|&&x| x > 0).count()).unwrap_or(u32::MAX)
}
