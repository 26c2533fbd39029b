//! Kafka's `RangeAssignor`: each topic alone, its partitions cut into contiguous ranges.

use super::{Group, NO_OWNER};

/// For each topic, its `n` subscribers in id order get `⌊P/n⌋` consecutive partitions each and
/// the first `P mod n` of them one more. Since every topic starts again from the first member, a
/// group of many topics with few partitions each piles the extra partitions on the same members,
/// and a member beyond the largest topic's partition count gets nothing at all.
pub(super) fn assign(group: &Group) -> Vec<u32> {
    let mut owner = vec![NO_OWNER; group.partitions() as usize];
    for (t, topic) in (0u32..).zip(group.topics()) {
        let subscribers: Vec<u32> = (0u32..)
            .zip(group.member_list())
            .filter(|(_, m)| m.subscribes(t))
            .map(|(i, _)| i)
            .collect();
        let Ok(n) = u32::try_from(subscribers.len()) else {
            continue;
        };
        if n == 0 {
            continue;
        }
        let (each, extra) = (topic.partitions / n, topic.partitions % n);
        for (i, &m) in (0u32..).zip(&subscribers) {
            let start = each * i + i.min(extra);
            let len = each + u32::from(i < extra);
            for p in start..start + len {
                owner[(topic.first + p) as usize] = m;
            }
        }
    }
    owner
}
