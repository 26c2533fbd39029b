//! The sticky assignors' assignment: balanced counts first, then as little movement as balance
//! allows.
//!
//! Kafka's `AbstractStickyAssignor` has two paths, and so has this: when every member subscribes
//! to the same topics, balance fixes each member's count and the assignment follows from the
//! counts (the "constrained" path); otherwise partitions are placed greedily and then moved from
//! the fullest members to the emptiest until no member could take a partition from one that has
//! two or more than it (Kafka's definition of balanced). The tie-breaks are this crate's own, so
//! which member keeps which partition can differ from Kafka's; the counts and the number of
//! partitions moved are what the goals fix.

use super::{Group, NO_OWNER};

pub(super) fn assign(group: &Group) -> Vec<u32> {
    if group.uniform() {
        constrained(group)
    } else {
        general(group)
    }
}

/// Every member subscribes to the same topics. With `P` partitions and `n` members, each member
/// gets `⌊P/n⌋` and `P mod n` of them one more; the extra slots go to the members that owned most
/// before, so the fewest owners give anything up. Each member keeps its previous partitions up
/// to its count (lowest numbers first) and the rest are dealt in turn to the members below
/// their count.
fn constrained(group: &Group) -> Vec<u32> {
    let members = group.members();
    let mut owner = vec![NO_OWNER; group.partitions() as usize];
    let Some(first) = group.member_list().first() else {
        return owner;
    };
    let subscribed: Vec<u32> = first
        .topics
        .iter()
        .flat_map(|&t| {
            let topic = &group.topics()[t as usize];
            topic.first..topic.first + topic.partitions
        })
        .collect();
    let total = u32::try_from(subscribed.len()).unwrap_or(u32::MAX);
    let mut had: Vec<Vec<u32>> = vec![Vec::new(); members as usize];
    for &p in &subscribed {
        if let Some(o) = group.keepable_owner(p) {
            had[o as usize].push(p);
        }
    }
    let mut by_size: Vec<u32> = (0..members).collect();
    by_size.sort_by_key(|&m| std::cmp::Reverse(had[m as usize].len()));
    let (base, extra) = (total / members, total % members);
    let mut quota = vec![base; members as usize];
    for &m in by_size.iter().take(extra as usize) {
        quota[m as usize] += 1;
    }
    let mut count = vec![0u32; members as usize];
    for (m, kept) in (0u32..).zip(&had) {
        for &p in kept.iter().take(quota[m as usize] as usize) {
            owner[p as usize] = m;
            count[m as usize] += 1;
        }
    }
    let mut next = 0u32;
    for &p in &subscribed {
        if owner[p as usize] != NO_OWNER {
            continue;
        }
        // The quotas add up to the partitions, so a member below its quota exists while a
        // partition is unplaced, and this walk finds it within one turn of the circle.
        while count[next as usize] >= quota[next as usize] {
            next = (next + 1) % members;
        }
        owner[p as usize] = next;
        count[next as usize] += 1;
        next = (next + 1) % members;
    }
    owner
}

/// Subscriptions differ. Previous owners keep what they still subscribe to; each other partition
/// (the ones with fewest possible owners first) goes to the subscribed member with fewest
/// partitions; then, while some member could take a partition from a member with two or more
/// than it, the partition moves (one the giver did not own before, when it has one). Every move
/// lowers the sum of squared counts, so the loop ends.
fn general(group: &Group) -> Vec<u32> {
    let members = group.member_list();
    let n = members.len();
    let mut owner = vec![NO_OWNER; group.partitions() as usize];
    let mut holds: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut subscribers: Vec<Vec<u32>> = vec![Vec::new(); group.topics().len()];
    for (i, m) in (0u32..).zip(members) {
        for &t in &m.topics {
            subscribers[t as usize].push(i);
        }
    }
    let mut free = Vec::new();
    for p in 0..group.partitions() {
        let t = group.topic_of(p) as usize;
        if subscribers[t].is_empty() {
            continue;
        }
        if let Some(o) = group.keepable_owner(p) {
            owner[p as usize] = o;
            holds[o as usize].push(p);
        } else {
            free.push(p);
        }
    }
    free.sort_by_key(|&p| (subscribers[group.topic_of(p) as usize].len(), p));
    for p in free {
        let eligible = &subscribers[group.topic_of(p) as usize];
        let Some(&m) = eligible.iter().min_by_key(|&&m| (holds[m as usize].len(), m)) else {
            continue;
        };
        owner[p as usize] = m;
        holds[m as usize].push(p);
    }
    while let Some((from, to, at)) = next_move(group, &holds) {
        let p = holds[from].remove(at);
        owner[p as usize] = u32::try_from(to).unwrap_or(NO_OWNER);
        holds[to].push(p);
    }
    owner
}

/// A move that improves balance: a partition of a member with at least two more than a member
/// subscribed to its topic. The emptiest taker first, the fullest giver first; the giver parts
/// with a partition it did not own before the rebalance when it can.
fn next_move(group: &Group, holds: &[Vec<u32>]) -> Option<(usize, usize, usize)> {
    let members = group.member_list();
    let mut order: Vec<usize> = (0..holds.len()).collect();
    order.sort_by_key(|&m| (holds[m].len(), m));
    for &to in &order {
        for &from in order.iter().rev() {
            if holds[from].len() < holds[to].len() + 2 {
                break;
            }
            let takeable = |&(_, &p): &(usize, &u32)| members[to].subscribes(group.topic_of(p));
            let mut candidates = holds[from].iter().enumerate().filter(takeable);
            let kept_before = |p: u32| group.keepable_owner(p) == u32::try_from(from).ok();
            let first = candidates.clone().next();
            if let Some((at, _)) = candidates.find(|&(_, &p)| !kept_before(p)).or(first) {
                return Some((from, to, at));
            }
        }
    }
    None
}
