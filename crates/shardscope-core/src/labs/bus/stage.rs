//! One moment of a rebalance as the lab's grid draws it: who consumes each partition then, and
//! whether it stayed with its owner, moved, waits for an owner, or is new.

use serde::{Deserialize, Serialize};

use crate::bus::assign::NO_OWNER;
use crate::bus::flow::FlowReport;
use crate::bus::rebalance::{Moment, Step};

/// The most steps a rebalance has: the change, its detection, and a join and a sync for each of
/// at most two rounds.
pub const MAX_STEP: u32 = 6;

/// A partition's state at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Consumed by the consumer that owned it before the change.
    Kept,
    /// Consumed by another consumer than before the change.
    Moved,
    /// Consumed, and created by the change (the topic grew).
    New,
    /// Nobody consumes it: revoked and not yet assigned, or its owner is gone.
    Paused,
}

/// The group at one moment of the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// The rebalance's step shown, or `None` for the outcome (every partition with its final
    /// owner, compared with its first).
    pub step: Option<Step>,
    /// Each partition's consumer at that moment, by identity ([`NO_OWNER`] while paused).
    pub owners: Vec<u32>,
    /// Each partition's state.
    pub status: Vec<Status>,
}

/// Why a moment matters, in a sentence the lab's step caption uses.
#[must_use]
pub fn moment_text(moment: Moment) -> String {
    match moment {
        Moment::Change => "the change: a consumer joins, leaves or crashes, or the topic grows".into(),
        Moment::Detected => {
            "the coordinator starts a rebalance (a crash is noticed only when its session times out)".into()
        }
        Moment::Joined(round) => format!("round {round}: the last member has sent its JoinGroup"),
        Moment::Synced(round) => format!("round {round}: the assignment has reached every member"),
    }
}

/// The group of `flow` at its rebalance's step `step` (1 is the change; a step past the
/// rebalance's last shows the last), or its outcome for `step == 0` or a run without a change.
///
/// ```
/// use shardscope_core::labs::bus::{stage, Params, Status};
/// use shardscope_core::labs::{run_to_end, Computes};
/// let p = Params::default(); // range and cooperative sticky; a fifth consumer joins four
/// let r = run_to_end(p.start().unwrap());
/// let eager = &r.flows[0];
/// // Once every member has rejoined round 1, eager range has revoked every partition.
/// let joined = stage(eager, 3);
/// assert!(joined.status.iter().all(|&s| s == Status::Paused));
/// // In the outcome nothing waits, and the joiner (consumer 4) owns some partitions.
/// let outcome = stage(eager, 0);
/// assert!(outcome.owners.contains(&4) && !outcome.status.contains(&Status::Paused));
/// ```
#[must_use]
pub fn stage(flow: &FlowReport, step: u32) -> Stage {
    let before = |p: usize| flow.owner_before.get(p).copied().unwrap_or(NO_OWNER);
    let settled = |p: usize| {
        let (was, now) = (before(p), flow.owner_after[p]);
        if now == NO_OWNER {
            Status::Paused
        } else if p >= flow.owner_before.len() {
            Status::New
        } else if was == now {
            Status::Kept
        } else {
            Status::Moved
        }
    };
    let partitions = flow.owner_after.len();
    let at = flow.rebalance.as_ref().filter(|_| step > 0).and_then(|r| {
        let last = r.timeline.steps.len().checked_sub(1)?;
        let shown = r.timeline.steps[(step as usize - 1).min(last)];
        Some((shown, &r.windows))
    });
    let Some((shown, windows)) = at else {
        return Stage {
            step: None,
            owners: flow.owner_after.clone(),
            status: (0..partitions).map(settled).collect(),
        };
    };
    let (owners, status) = (0..partitions)
        .map(|p| {
            let (from, until) = windows.get(p).copied().unwrap_or((0, 0));
            if shown.at < from {
                (before(p), Status::Kept)
            } else if shown.at < until {
                (NO_OWNER, Status::Paused)
            } else {
                (flow.owner_after[p], settled(p))
            }
        })
        .unzip();
    Stage {
        step: Some(shown),
        owners,
        status,
    }
}
