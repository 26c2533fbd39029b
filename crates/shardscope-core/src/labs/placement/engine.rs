//! One engine per chosen algorithm: its placement kept in step with the cluster, the failed
//! nodes it routes around, and the events it refused; and the replay of a scenario's events
//! through the cluster and the engines.

use super::cluster::{Change, Cluster};
use super::{location, Algorithm, Params};
use crate::hash::hash_pair;
use crate::placement::{NodeId, Placement, PlacementError};
use crate::query::Choice;
use crate::topology::network_topology;

/// An algorithm's state after some events: its placement, the nodes it routes around, and the
/// events it refused.
#[derive(Debug)]
pub struct Engine {
    pub(super) algorithm: Algorithm,
    pub(super) placement: Box<dyn Placement>,
    pub(super) seed: u64,
    /// Failed nodes this algorithm keeps as members and routes around (see
    /// [`Algorithm::keeps_failed_nodes`]); the others remove a failed node.
    pub(super) failed: Vec<NodeId>,
    /// Events this algorithm could not apply, as sentences.
    pub refused: Vec<String>,
}

impl Engine {
    pub(super) fn new(params: &Params, algorithm: Algorithm, cluster: &Cluster) -> Result<Self, PlacementError> {
        let ids: Vec<NodeId> = cluster.members.iter().map(|m| m.id).collect();
        Ok(Self {
            algorithm,
            placement: algorithm.build(&params.settings(), params.seed, &ids)?,
            seed: params.seed,
            failed: Vec::new(),
            refused: Vec::new(),
        })
    }

    /// The members this algorithm places keys on (failed ones it routes around included).
    #[must_use]
    pub fn nodes(&self) -> &[NodeId] {
        self.placement.nodes()
    }

    pub(super) fn change(&mut self, change: &Change) -> Result<(), String> {
        match change {
            Change::Added(id, weight) => self.placement.add_node_with_weight(*id, *weight),
            Change::Removed(id) => {
                let result = self.placement.remove_node(*id);
                if result.is_ok() {
                    self.failed.retain(|f| f != id);
                }
                result
            }
            Change::Weighted(id, weight) => self.placement.reweight(*id, *weight),
            Change::Failed(ids) if self.algorithm.keeps_failed_nodes() => {
                self.failed.extend(ids);
                self.failed.sort_unstable();
                Ok(())
            }
            Change::Failed(ids) => ids.iter().try_for_each(|id| self.placement.remove_node(*id)),
        }
        .map_err(|e| match e {
            PlacementError::OnlyLastRemovable { .. } => format!("{e}; AnchorHash removes any node"),
            other => other.to_string(),
        })
    }

    pub(super) fn is_failed(&self, id: NodeId) -> bool {
        self.failed.binary_search(&id).is_ok()
    }

    /// The node that serves `key`: the owner, or whoever the algorithm fails over to.
    pub(super) fn serve(&self, key: u64) -> NodeId {
        let first = self.placement.place(key);
        if self.failed.is_empty() || !self.is_failed(first) {
            return first;
        }
        if let Some(node) = self.placement.first_live(key, &|n| !self.is_failed(n)) {
            return node;
        }
        // Without a preference order (mod N, jump hash), rehash until a live node answers; the
        // cluster never fails its last live node, so one does.
        let mut attempt = 0u64;
        loop {
            attempt += 1;
            let node = self.placement.place(hash_pair(self.seed, key, attempt));
            if !self.is_failed(node) {
                return node;
            }
        }
    }

    /// The replica set of `key` (failed nodes included), for the algorithms that have one.
    pub(super) fn replicas(&self, key: u64, params: &Params, cluster: &Cluster) -> Option<Vec<NodeId>> {
        if !params.topology {
            return self.placement.replicas(key, params.rf);
        }
        Some(network_topology(
            self.placement.preference(key)?,
            params.rf,
            |n: NodeId| location(params, n),
            |dc| cluster.racks_in(dc),
            |dc| cluster.nodes_in(dc),
        ))
    }
}

/// Whether an event can be recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventCheck {
    /// Every chosen algorithm can apply it.
    Fine,
    /// Some chosen algorithms refuse it (the sentence names them); the others apply it.
    RefusedBy(String),
    /// The cluster, or every chosen algorithm, refuses it.
    Impossible(String),
}

/// Replays the cluster and the engines through `events[..upto]`.
pub(super) fn replay(params: &Params, upto: usize) -> Result<(Cluster, Vec<Engine>, Vec<String>), PlacementError> {
    let mut cluster = Cluster::initial(params);
    let mut engines: Vec<Engine> = params
        .algorithms
        .iter()
        .map(|&a| Engine::new(params, a, &cluster))
        .collect::<Result<_, _>>()?;
    let mut skipped = Vec::new();
    for (i, &event) in params.events.iter().take(upto).enumerate() {
        match cluster.apply(params, event) {
            Err(reason) => skipped.push(format!("event {} ({}) skipped: {reason}", i + 1, event.describe())),
            Ok(change) => {
                for engine in &mut engines {
                    if let Err(reason) = engine.change(&change) {
                        engine
                            .refused
                            .push(format!("event {} ({}): {reason}", i + 1, event.describe()));
                    }
                }
            }
        }
    }
    Ok((cluster, engines, skipped))
}

/// The parameters for checking which events the algorithms accept: the same as `params` but with
/// one virtual node per unit of weight. Whether an event is refused never depends on the number of
/// ring points, and a thousand nodes with a thousand points each would make a check (which runs
/// on the page's main thread, on every edit) cost a hundred milliseconds.
pub(super) fn for_checks(params: &Params) -> Params {
    Params {
        vnodes: 1,
        ..params.clone()
    }
}

/// Checks event `index` of `params.events` against the cluster and the chosen algorithms.
#[must_use]
pub fn check_event(params: &Params, index: usize) -> EventCheck {
    let Ok((mut cluster, mut engines, _)) = replay(&for_checks(params), index) else {
        return EventCheck::Impossible("the cluster cannot be built".into());
    };
    let event = params.events[index];
    let change = match cluster.apply(params, event) {
        Ok(change) => change,
        Err(reason) => return EventCheck::Impossible(reason),
    };
    let mut refusals = Vec::new();
    for engine in &mut engines {
        if let Err(reason) = engine.change(&change) {
            refusals.push(format!("{}: {reason}", engine.algorithm.label()));
        }
    }
    if refusals.is_empty() {
        EventCheck::Fine
    } else if refusals.len() == engines.len() {
        EventCheck::Impossible(refusals.join("; "))
    } else {
        EventCheck::RefusedBy(format!("recorded, but {}", refusals.join("; ")))
    }
}

/// Every recorded event the cluster skips (an unknown node, the last live node), as sentences.
/// Events only some algorithms refuse are not problems of the link: the lab shows them beside
/// those algorithms' numbers.
#[must_use]
pub fn check_events(params: &Params) -> Vec<String> {
    let mut cluster = Cluster::initial(params);
    let mut skipped = Vec::new();
    for (i, &event) in params.events.iter().enumerate() {
        if let Err(reason) = cluster.apply(params, event) {
            skipped.push(format!("event {} ({}) skipped: {reason}", i + 1, event.describe()));
        }
    }
    skipped
}
