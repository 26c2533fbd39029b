//! A consistent-hashing assignor, for comparison with Kafka's: members and partitions on a ring.

use std::collections::BTreeMap;

use super::{Group, NO_OWNER};
use crate::hash::hash_bytes;

/// Points each member has on the ring. With 100, a member's share of the partitions has a
/// relative standard deviation of about 1/√100 = 10 %, which is what the lab shows against the
/// balanced assignors.
pub const POINTS_PER_MEMBER: u32 = 100;

/// The ring's hash seed, distinct from every other seed in the crate so that the ring's points
/// do not line up with any other hashing of the same names.
const SEED: u64 = 0x6275_735f_7269_6e67; // "bus_ring"

/// Each member is hashed to `POINTS_PER_MEMBER` points from its id, and each partition to one
/// point from its topic's name and number; a partition goes to the first member clockwise that
/// subscribes to its topic. Nothing is remembered between rebalances, yet a join takes only the
/// arcs before the new member's points and a leave gives back only the leaver's: about `P/(n+1)`
/// and `P/n` partitions move, as on a consistent-hashing ring of caches.
pub(super) fn assign(group: &Group) -> Vec<u32> {
    let members = group.member_list();
    let mut points: Vec<(u64, u32)> = Vec::with_capacity(members.len() * POINTS_PER_MEMBER as usize);
    for (i, m) in (0u32..).zip(members) {
        let mut bytes = m.id.as_bytes().to_vec();
        bytes.push(0);
        let len = bytes.len();
        for v in 0..POINTS_PER_MEMBER {
            bytes.truncate(len);
            bytes.extend_from_slice(&v.to_le_bytes());
            points.push((hash_bytes(SEED, &bytes), i));
        }
    }
    points.sort_unstable();
    let mut owner = vec![NO_OWNER; group.partitions() as usize];
    let mut rings: BTreeMap<Vec<bool>, Vec<(u64, u32)>> = BTreeMap::new();
    for (t, topic) in (0u32..).zip(group.topics()) {
        if !members.iter().any(|m| m.subscribes(t)) {
            continue;
        }
        // A topic some members do not subscribe to gets a ring of its subscribers' points only,
        // so finding an owner never walks past other members' points; topics with the same
        // subscribers share one.
        let ring = if members.iter().all(|m| m.subscribes(t)) {
            &points
        } else {
            let subscribed: Vec<bool> = members.iter().map(|m| m.subscribes(t)).collect();
            rings.entry(subscribed).or_insert_with_key(|subscribed| {
                points
                    .iter()
                    .copied()
                    .filter(|&(_, m)| subscribed[m as usize])
                    .collect()
            })
        };
        let mut bytes = topic.name.as_bytes().to_vec();
        bytes.push(0);
        let len = bytes.len();
        for p in 0..topic.partitions {
            bytes.truncate(len);
            bytes.extend_from_slice(&p.to_le_bytes());
            let h = hash_bytes(SEED, &bytes);
            let start = ring.partition_point(|&(x, _)| x < h);
            owner[(topic.first + p) as usize] = ring[start % ring.len()].1;
        }
    }
    owner
}
