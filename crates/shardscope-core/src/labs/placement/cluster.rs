//! The membership every algorithm sees as the recorded events unfold: who is in, with what
//! weight and where, and who has failed. Events that make no sense for the cluster are skipped
//! here, for all algorithms alike.

use serde::{Deserialize, Serialize};

use super::{location, Event, Params};
use crate::placement::{count_u32, NodeId};
use crate::topology::Location;

/// A member of the cluster as the events leave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The node.
    pub id: NodeId,
    /// Its weight, `1..=MAX_WEIGHT`.
    pub weight: u32,
    /// Where it is.
    pub location: Location,
    /// Whether it has failed.
    pub failed: bool,
}

/// The membership every algorithm sees: events that make no sense for the cluster (an unknown
/// node, failing the last live node) are skipped for all algorithms alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// Members by ascending id.
    pub members: Vec<Member>,
    pub(super) next_id: NodeId,
}

/// What an event did to the membership, in the terms the algorithms need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Change {
    Added(NodeId, u32),
    Removed(NodeId),
    Weighted(NodeId, u32),
    Failed(Vec<NodeId>),
}

impl Cluster {
    /// The cluster before any event.
    #[must_use]
    pub fn initial(params: &Params) -> Self {
        Self {
            members: (0..params.nodes)
                .map(|id| Member {
                    id,
                    weight: 1,
                    location: location(params, id),
                    failed: false,
                })
                .collect(),
            next_id: params.nodes,
        }
    }

    pub(super) fn position(&self, id: NodeId) -> Result<usize, String> {
        self.members
            .iter()
            .position(|m| m.id == id)
            .ok_or_else(|| format!("node {id} is not in the cluster"))
    }

    pub(super) fn live(&self) -> usize {
        self.members.iter().filter(|m| !m.failed).count()
    }

    /// Applies an event, or says why it cannot happen to this cluster.
    pub(super) fn apply(&mut self, params: &Params, event: Event) -> Result<Change, String> {
        match event {
            Event::Add => {
                let id = self.next_id;
                self.next_id += 1;
                self.members.push(Member {
                    id,
                    weight: 1,
                    location: location(params, id),
                    failed: false,
                });
                Ok(Change::Added(id, 1))
            }
            Event::Remove(id) => {
                let i = self.position(id)?;
                if self.members.len() == 1 || (self.live() == 1 && !self.members[i].failed) {
                    return Err(format!("node {id} is the last live node; a cluster needs one"));
                }
                self.members.remove(i);
                Ok(Change::Removed(id))
            }
            Event::Weight(id, w) => {
                if !(1..=super::MAX_WEIGHT).contains(&w) {
                    return Err(format!("weight {w} is outside 1–{}", super::MAX_WEIGHT));
                }
                let i = self.position(id)?;
                self.members[i].weight = w;
                Ok(Change::Weighted(id, w))
            }
            Event::Fail(id) => {
                let i = self.position(id)?;
                if self.members[i].failed {
                    return Err(format!("node {id} has already failed"));
                }
                if self.live() == 1 {
                    return Err(format!("node {id} is the last live node; a cluster needs one"));
                }
                self.members[i].failed = true;
                Ok(Change::Failed(vec![id]))
            }
            Event::FailRack { dc, rack } => {
                let at = Location { dc, rack };
                let victims: Vec<NodeId> = self
                    .members
                    .iter()
                    .filter(|m| m.location == at && !m.failed)
                    .map(|m| m.id)
                    .collect();
                if victims.is_empty() {
                    return Err(format!("rack {rack} of datacenter {dc} has no live node"));
                }
                if victims.len() == self.live() {
                    return Err(format!("rack {rack} of datacenter {dc} holds every live node"));
                }
                for m in &mut self.members {
                    if victims.contains(&m.id) {
                        m.failed = true;
                    }
                }
                Ok(Change::Failed(victims))
            }
        }
    }

    pub(super) fn racks_in(&self, dc: u32) -> u32 {
        let mut racks: Vec<u32> = self
            .members
            .iter()
            .filter(|m| m.location.dc == dc)
            .map(|m| m.location.rack)
            .collect();
        racks.sort_unstable();
        racks.dedup();
        count_u32(racks.len())
    }

    pub(super) fn nodes_in(&self, dc: u32) -> u32 {
        count_u32(self.members.iter().filter(|m| m.location.dc == dc).count())
    }

    /// Distinct racks and datacenters among the members.
    pub(super) fn spread(&self) -> (u32, u32) {
        let mut racks: Vec<Location> = self.members.iter().map(|m| m.location).collect();
        racks.sort_unstable();
        racks.dedup();
        let mut dcs: Vec<u32> = racks.iter().map(|l| l.dc).collect();
        dcs.dedup();
        (count_u32(racks.len()), count_u32(dcs.len()))
    }
}
