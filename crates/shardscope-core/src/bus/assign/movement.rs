//! What a rebalance moved, against the least any balanced assignment of the same group must
//! move.

use serde::Serialize;

use super::{Assignment, Group, FORMER_MEMBER, NO_OWNER};

/// What a rebalance moved, against the least any balanced assignment must move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Movement {
    /// Partitions that had an owner (a member, or one that has left) and now have another.
    pub moved: u32,
    /// Of those, the orphans of members that left.
    pub orphans: u32,
    /// Partitions taken from members that stay: with the eager protocol every partition such a
    /// member owned, with the cooperative one only those that move.
    pub revoked: u32,
    /// The fewest partitions any balanced assignment must move (see `minimum_exact`).
    pub minimum: u32,
    /// Whether `minimum` is exact: it is when every member subscribes to the same topics;
    /// otherwise it counts only the orphans, a lower bound.
    pub minimum_exact: bool,
    /// The fewest partitions a member owns.
    pub min_count: u32,
    /// The most partitions a member owns.
    pub max_count: u32,
    /// Members that own no partition.
    pub idle: u32,
    /// Partitions nobody owns, because nobody subscribes to their topic.
    pub unowned: u32,
}

impl Movement {
    /// What `target` moved from the group's previous owners; `eager` says whether every member
    /// revoked everything first.
    #[must_use]
    pub fn of(group: &Group, target: &Assignment, eager: bool) -> Self {
        let members = group.members();
        let mut m = Self {
            moved: 0,
            orphans: 0,
            revoked: 0,
            minimum: 0,
            minimum_exact: group.uniform(),
            min_count: 0,
            max_count: 0,
            idle: 0,
            unowned: 0,
        };
        for (&prev, &now) in group.previous.iter().zip(&target.owner) {
            if now == NO_OWNER {
                m.unowned += 1;
            }
            let had = prev != NO_OWNER;
            if had && now != prev && now != NO_OWNER {
                m.moved += 1;
                if prev == FORMER_MEMBER {
                    m.orphans += 1;
                }
            }
            if prev < members && (eager || now != prev) {
                m.revoked += 1;
            }
        }
        let counts = target.counts(members);
        m.min_count = counts.iter().copied().min().unwrap_or(0);
        m.max_count = counts.iter().copied().max().unwrap_or(0);
        m.idle = u32::try_from(counts.iter().filter(|&&c| c == 0).count()).unwrap_or(u32::MAX);
        m.minimum = minimum_moves(group);
        m
    }
}

/// The fewest moves any balanced assignment of `group` makes. With one subscription for all,
/// balance fixes the counts (`⌊P/n⌋`, and `P mod n` members one more); the cheapest way to reach
/// them gives the extra slots to the members that owned most, so the moves are the orphans plus
/// what each member owned beyond its count. Otherwise, the orphans alone: a lower bound.
fn minimum_moves(group: &Group) -> u32 {
    let subscribed = group.subscribed_partitions();
    let orphans = u32::try_from(
        subscribed
            .iter()
            .filter(|&&p| {
                let prev = group.previous[p as usize];
                prev != NO_OWNER && group.keepable_owner(p).is_none()
            })
            .count(),
    )
    .unwrap_or(u32::MAX);
    let members = group.members();
    if members == 0 || !group.uniform() {
        return orphans;
    }
    let total = u32::try_from(subscribed.len()).unwrap_or(u32::MAX);
    let mut owned = vec![0u32; members as usize];
    for &p in &subscribed {
        if let Some(o) = group.keepable_owner(p) {
            owned[o as usize] += 1;
        }
    }
    owned.sort_unstable_by(|a, b| b.cmp(a));
    let (base, extra) = (total / members, total % members);
    let excess: u32 = (0..members)
        .zip(&owned)
        .map(|(rank, &had)| had.saturating_sub(base + u32::from(rank < extra)))
        .sum();
    orphans + excess
}
