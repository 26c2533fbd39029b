//! What a membership change moved: keys whose owner changed, against the fewest moves any
//! placement with the same resulting loads must make.

use std::collections::BTreeMap;

use super::NodeId;

/// What an event did to a set of keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Movement {
    /// Keys counted.
    pub keys: u64,
    /// Keys whose owner changed.
    pub moved: u64,
    /// The fewest keys that must change owner to turn the load per node before the event into
    /// the load per node after it: `Σ max(0, after − before)` over all nodes. No placement that
    /// ends with these loads can move fewer; ring, rendezvous and jump hash move exactly this
    /// many, mod N many more.
    pub minimum: u64,
}

/// The fewest moves that turn the `before` loads into the `after` loads (see
/// [`Movement::minimum`]).
#[must_use]
pub fn minimum_moves(before: &BTreeMap<NodeId, u64>, after: &BTreeMap<NodeId, u64>) -> u64 {
    after
        .iter()
        .map(|(node, &a)| a.saturating_sub(before.get(node).copied().unwrap_or(0)))
        .sum()
}

/// Counts the keys moved between two placements of the same keys and the minimum any placement
/// with the same resulting loads must move.
///
/// ```
/// use shardscope_core::placement::movement;
/// // Four keys on nodes 0 and 1; node 2 joins and takes one key from each.
/// let m = movement(&[0, 0, 1, 1], &[2, 0, 2, 1]);
/// assert_eq!((m.keys, m.moved, m.minimum), (4, 2, 2));
/// // A rule that shuffles everything moves four keys for the same resulting loads.
/// let m = movement(&[0, 0, 1, 1], &[1, 2, 0, 2]);
/// assert_eq!((m.moved, m.minimum), (4, 2));
/// ```
///
/// # Panics
/// If the slices differ in length.
#[must_use]
pub fn movement(before: &[NodeId], after: &[NodeId]) -> Movement {
    assert_eq!(
        before.len(),
        after.len(),
        "before and after must describe the same keys"
    );
    let mut loads_before: BTreeMap<NodeId, u64> = BTreeMap::new();
    let mut loads_after: BTreeMap<NodeId, u64> = BTreeMap::new();
    let mut moved = 0;
    for (&b, &a) in before.iter().zip(after) {
        *loads_before.entry(b).or_default() += 1;
        *loads_after.entry(a).or_default() += 1;
        moved += u64::from(b != a);
    }
    Movement {
        keys: before.len() as u64,
        moved,
        minimum: minimum_moves(&loads_before, &loads_after),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_moves_counts_what_the_loads_force() {
        let before: BTreeMap<NodeId, u64> = [(0, 10), (1, 10)].into();
        let after: BTreeMap<NodeId, u64> = [(0, 7), (1, 6), (2, 7)].into();
        assert_eq!(minimum_moves(&before, &after), 7);
        // A node that leaves forces all of its keys to move.
        let after: BTreeMap<NodeId, u64> = [(0, 20)].into();
        assert_eq!(minimum_moves(&before, &after), 10);
    }
}
