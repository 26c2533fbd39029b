//! Where a topic's partitions live: Kafka's replica assignment over the brokers (the rack-unaware
//! one `kafka-topics.sh --create` uses), each partition's leader and in-sync replicas, and what
//! the loss of one broker does to them.
//!
//! Kafka places the first replica of partition `p` on broker `(p + start) mod B`, round robin,
//! and each further replica a shift away that grows by one every `B` partitions, so that the
//! partitions a broker leads have their followers spread over all the other brokers. The first
//! replica is the preferred leader; when a leader's broker dies, the controller elects the first
//! replica in the assignment's order that is alive and in sync.

use serde::{Deserialize, Serialize};

/// The most brokers a cluster here has.
pub const MAX_BROKERS: u32 = 100;

/// Each partition's replicas, by broker, preferred leader first: Kafka's
/// `assignReplicasToBrokers` without racks, with its two random numbers given (`start`, the
/// first partition's broker, and `shift`, the first replica shift).
///
/// # Errors
/// No broker or partition, more than [`MAX_BROKERS`] brokers, or a replication factor of 0 or
/// more than the brokers.
///
/// ```
/// use shardscope_core::bus::brokers::assign_replicas;
/// // The example of Kafka's documentation: 5 brokers, 10 partitions, 3 replicas.
/// let r = assign_replicas(10, 5, 3, 0, 0).unwrap();
/// assert_eq!(r[0], [0, 1, 2]);
/// assert_eq!(r[5], [0, 2, 3]);
/// assert_eq!(r[9], [4, 1, 2]);
/// ```
pub fn assign_replicas(
    partitions: u32,
    brokers: u32,
    factor: u32,
    start: u32,
    shift: u32,
) -> Result<Vec<Vec<u32>>, String> {
    if brokers == 0 || brokers > MAX_BROKERS {
        return Err(format!("brokers must be 1–{MAX_BROKERS}, not {brokers}"));
    }
    if partitions == 0 {
        return Err("a topic needs at least 1 partition".into());
    }
    if factor == 0 || factor > brokers {
        return Err(format!(
            "the replication factor must be 1–{brokers} (the brokers), not {factor}"
        ));
    }
    let (start, mut shift) = (start % brokers, shift % brokers);
    Ok((0..partitions)
        .map(|p| {
            if p > 0 && p % brokers == 0 {
                shift += 1;
            }
            let first = (p + start) % brokers;
            std::iter::once(first)
                .chain((0..factor - 1).map(|j| {
                    // One broker has no other to shift to; the factor is 1 then.
                    let step = 1 + (shift + j) % (brokers - 1).max(1);
                    (first + step) % brokers
                }))
                .collect()
        })
        .collect())
}

/// The cluster before and after one broker dies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failover {
    /// The broker that died.
    pub dead: u32,
    /// Each partition's leader before (its preferred leader, every replica in sync).
    pub leaders_before: Vec<u32>,
    /// Each partition's leader after: the first live replica, or `None` when every replica was
    /// on the dead broker (the partition is offline).
    pub leaders_after: Vec<Option<u32>>,
    /// Partitions each broker leads, before and after.
    pub led_before: Vec<u32>,
    /// Partitions each broker leads after (the dead one leads none).
    pub led_after: Vec<u32>,
    /// Partitions whose leader changed.
    pub moved_leaders: u32,
    /// Partitions with a replica on the dead broker: their in-sync set shrank by one.
    pub under_replicated: u32,
    /// Partitions with no live replica.
    pub offline: u32,
    /// Partitions left with fewer in-sync replicas than `min.insync.replicas`: they refuse
    /// `acks=all` writes until the broker is back.
    pub below_min_insync: u32,
}

/// What the loss of broker `dead` does to a cluster with these `replicas` (from
/// [`assign_replicas`]), with `min_insync` as `min.insync.replicas`.
///
/// ```
/// use shardscope_core::bus::brokers::{assign_replicas, fail};
/// let r = assign_replicas(10, 5, 3, 0, 0).unwrap();
/// let f = fail(&r, 5, 0, 2);
/// // Broker 0 led p0 and p5 and followed p3, p4, p7 and p8.
/// assert_eq!((f.moved_leaders, f.under_replicated, f.offline), (2, 6, 0));
/// assert_eq!(f.leaders_after[0], Some(1));
/// ```
#[must_use]
pub fn fail(replicas: &[Vec<u32>], brokers: u32, dead: u32, min_insync: u32) -> Failover {
    let leaders_before: Vec<u32> = replicas.iter().map(|r| r[0]).collect();
    let leaders_after: Vec<Option<u32>> = replicas
        .iter()
        .map(|r| r.iter().copied().find(|&b| b != dead))
        .collect();
    let led = |leaders: &mut dyn Iterator<Item = u32>| {
        let mut n = vec![0u32; brokers as usize];
        for b in leaders {
            n[b as usize] += 1;
        }
        n
    };
    let count =
        |f: &dyn Fn(usize) -> bool| u32::try_from((0..replicas.len()).filter(|&p| f(p)).count()).unwrap_or(u32::MAX);
    let live = |p: usize| replicas[p].iter().filter(|&&b| b != dead).count();
    Failover {
        dead,
        led_before: led(&mut leaders_before.iter().copied()),
        led_after: led(&mut leaders_after.iter().flatten().copied()),
        moved_leaders: count(&|p| leaders_after[p] != Some(leaders_before[p])),
        under_replicated: count(&|p| replicas[p].contains(&dead)),
        offline: count(&|p| leaders_after[p].is_none()),
        below_min_insync: count(&|p| (live(p) as u64) < u64::from(min_insync)),
        leaders_before,
        leaders_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kafka's documentation's table, broker by broker: the partitions of each replica rank.
    #[test]
    fn the_documented_example_is_reproduced_row_by_row() {
        let r = assign_replicas(10, 5, 3, 0, 0).unwrap();
        let row = |rank: usize, first: u32| -> Vec<u32> {
            (0..5u32)
                .map(|b| (first..first + 5).find(|&p| r[p as usize][rank] == b).unwrap())
                .collect()
        };
        assert_eq!(row(0, 0), [0, 1, 2, 3, 4]);
        assert_eq!(row(0, 5), [5, 6, 7, 8, 9]);
        assert_eq!(row(1, 0), [4, 0, 1, 2, 3]);
        assert_eq!(row(1, 5), [8, 9, 5, 6, 7]);
        assert_eq!(row(2, 0), [3, 4, 0, 1, 2]);
        assert_eq!(row(2, 5), [7, 8, 9, 5, 6]);
    }

    #[test]
    fn replicas_are_distinct_and_leaders_balanced() {
        for brokers in 1..=12 {
            for factor in 1..=brokers.min(4) {
                for (start, shift) in [(0, 0), (3, 7), (brokers - 1, 1)] {
                    let r = assign_replicas(100, brokers, factor, start, shift).unwrap();
                    for set in &r {
                        let mut s = set.clone();
                        s.sort_unstable();
                        s.dedup();
                        assert_eq!(s.len(), factor as usize, "{brokers} brokers, rf {factor}: {set:?}");
                    }
                    let f = fail(&r, brokers, 0, 1);
                    let (lo, hi) = (f.led_before.iter().min().unwrap(), f.led_before.iter().max().unwrap());
                    assert!(hi - lo <= 1, "{:?}", f.led_before);
                }
            }
        }
    }

    #[test]
    fn a_broker_loss_moves_its_leaderships_and_shrinks_its_partitions_isr() {
        let r = assign_replicas(12, 3, 3, 0, 0).unwrap();
        let f = fail(&r, 3, 1, 2);
        assert_eq!(f.led_before, [4, 4, 4]);
        assert_eq!(
            (f.moved_leaders, f.under_replicated, f.offline, f.below_min_insync),
            (4, 12, 0, 0)
        );
        assert_eq!(f.led_after[1], 0);
        assert_eq!(f.led_after.iter().sum::<u32>(), 12);
        // With one replica, the dead broker's partitions are offline.
        let r = assign_replicas(12, 3, 1, 0, 0).unwrap();
        let f = fail(&r, 3, 1, 1);
        assert_eq!((f.offline, f.below_min_insync), (4, 4));
        assert!(assign_replicas(12, 3, 4, 0, 0)
            .unwrap_err()
            .contains("replication factor must be 1–3"));
        assert!(assign_replicas(12, 0, 1, 0, 0).is_err());
        assert!(assign_replicas(0, 3, 1, 0, 0).is_err());
    }
}
