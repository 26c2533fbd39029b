//! Kafka's `RoundRobinAssignor`: every partition dealt in turn to the members.

use super::{Group, NO_OWNER};

/// All partitions, topics in name order and each topic's partitions in order, go one by one to
/// the next member in a circle of the members in id order; a member not subscribed to the
/// partition's topic is passed over (and the circle moves on past it, as Kafka's
/// `CircularIterator` does).
pub(super) fn assign(group: &Group) -> Vec<u32> {
    let members = group.member_list();
    let n = members.len();
    let mut owner = vec![NO_OWNER; group.partitions() as usize];
    let mut next = 0usize;
    for (t, topic) in (0u32..).zip(group.topics()) {
        if !members.iter().any(|m| m.subscribes(t)) {
            continue;
        }
        for p in topic.first..topic.first + topic.partitions {
            while !members[next].subscribes(t) {
                next = (next + 1) % n;
            }
            owner[p as usize] = u32::try_from(next).unwrap_or(NO_OWNER);
            next = (next + 1) % n;
        }
    }
    owner
}
