//! Where replicas go: racks and datacenters, Cassandra's `NetworkTopologyStrategy`, and the
//! check that a replica set is spread as widely as the cluster allows.

use crate::placement::{count_u32, NodeId};

/// A node's place in the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// Datacenter index.
    pub dc: u32,
    /// Rack index within the datacenter.
    pub rack: u32,
}

/// Picks replicas the way Cassandra's `NetworkTopologyStrategy` does: `per_dc` replicas in every
/// datacenter, walking the candidates in preference order (the ring walk, or the rendezvous
/// ranking), taking a node when its rack is new in its datacenter and setting it aside otherwise;
/// once every rack of a datacenter holds a replica, the set-aside nodes fill it in walk order.
///
/// `locate` gives each candidate's location; `racks_in` the number of racks (with live
/// candidates) in a datacenter; `nodes_in` the number of candidates in it, which caps its count.
///
/// ```
/// use shardscope_core::topology::{network_topology, Location};
/// // Six nodes, two racks in one datacenter: 0,2,4 in rack 0 and 1,3,5 in rack 1.
/// let at = |n: u32| Location { dc: 0, rack: n % 2 };
/// let picked = network_topology([0, 2, 4, 1, 3, 5].into_iter(), 3, at, |_| 2, |_| 6);
/// assert_eq!(picked, [0, 1, 2]); // Rack 1 is reached before 2 is taken from the set-aside list.
/// ```
pub fn network_topology(
    candidates: impl Iterator<Item = NodeId>,
    per_dc: u32,
    locate: impl Fn(NodeId) -> Location,
    racks_in: impl Fn(u32) -> u32,
    nodes_in: impl Fn(u32) -> u32,
) -> Vec<NodeId> {
    struct Dc {
        want: u32,
        taken: Vec<NodeId>,
        racks: Vec<u32>,
        racks_total: u32,
        skipped: Vec<NodeId>,
    }
    let mut dcs: Vec<(u32, Dc)> = Vec::new();
    let mut picked = Vec::new();
    for node in candidates {
        let at = locate(node);
        let i = if let Some(i) = dcs.iter().position(|(d, _)| *d == at.dc) {
            i
        } else {
            {
                dcs.push((
                    at.dc,
                    Dc {
                        want: per_dc.min(nodes_in(at.dc)),
                        taken: Vec::new(),
                        racks: Vec::new(),
                        racks_total: racks_in(at.dc),
                        skipped: Vec::new(),
                    },
                ));
                dcs.len() - 1
            }
        };
        let dc = &mut dcs[i].1;
        if count_u32(dc.taken.len()) >= dc.want {
            continue;
        }
        if count_u32(dc.racks.len()) >= dc.racks_total {
            dc.taken.push(node);
            picked.push(node);
        } else if dc.racks.contains(&at.rack) {
            dc.skipped.push(node);
        } else {
            dc.racks.push(at.rack);
            dc.taken.push(node);
            picked.push(node);
            if count_u32(dc.racks.len()) >= dc.racks_total {
                // Every rack is used: the set-aside nodes come next, in the order they were met.
                let room = (dc.want as usize).saturating_sub(dc.taken.len());
                let fill: Vec<NodeId> = dc.skipped.drain(..).take(room).collect();
                dc.taken.extend(&fill);
                picked.extend(fill);
            }
        }
    }
    // A walk that ends before every rack was seen leaves set-aside nodes to fill the gap.
    for (_, dc) in &mut dcs {
        let room = (dc.want as usize).saturating_sub(dc.taken.len());
        picked.extend(dc.skipped.drain(..).take(room));
    }
    picked
}

/// Whether a replica set is spread as widely as the cluster allows when any node may hold any
/// replica (`SimpleStrategy`): over `min(len, racks)` distinct racks and `min(len, datacenters)`
/// distinct datacenters.
///
/// ```
/// use shardscope_core::topology::{well_spread, Location};
/// let at = |n: u32| Location { dc: n % 2, rack: n % 4 };
/// assert!(well_spread(&[0, 1, 2], at, 4, 2));
/// assert!(!well_spread(&[0, 4], at, 4, 2)); // Same rack, same datacenter.
/// ```
#[must_use]
pub fn well_spread(replicas: &[NodeId], locate: impl Fn(NodeId) -> Location, racks: u32, dcs: u32) -> bool {
    let mut seen_racks: Vec<Location> = Vec::with_capacity(replicas.len());
    let mut seen_dcs: Vec<u32> = Vec::with_capacity(replicas.len());
    for &node in replicas {
        let at = locate(node);
        if !seen_racks.contains(&at) {
            seen_racks.push(at);
        }
        if !seen_dcs.contains(&at.dc) {
            seen_dcs.push(at.dc);
        }
    }
    let len = count_u32(replicas.len());
    count_u32(seen_racks.len()) >= len.min(racks) && count_u32(seen_dcs.len()) >= len.min(dcs)
}

/// Whether a `NetworkTopologyStrategy` set is spread as widely as its datacenters allow. The
/// strategy fixes how many replicas each datacenter holds, so racks are judged inside each one:
/// a datacenter holding `c` replicas on `racks_in(dc)` racks must use `min(c, racks_in(dc))`
/// distinct racks. (Counting racks over the whole cluster, as [`well_spread`] does, would call a
/// set badly spread because one datacenter has a single rack for its two replicas, which no
/// placement could avoid.)
///
/// ```
/// use shardscope_core::topology::{well_spread_per_dc, Location};
/// // Datacenter 0 has one rack (nodes 0 and 2); datacenter 1 has two (nodes 1 and 3).
/// let at = |n: u32| Location { dc: n % 2, rack: if n % 2 == 0 { 0 } else { n / 2 } };
/// let racks_in = |dc: u32| if dc == 0 { 1 } else { 2 };
/// assert!(well_spread_per_dc(&[0, 2, 1, 3], at, racks_in));
/// // Two replicas in datacenter 1 on one rack, though it has two.
/// let same_rack = |n: u32| Location { dc: n % 2, rack: 0 };
/// assert!(!well_spread_per_dc(&[0, 2, 1, 3], same_rack, racks_in));
/// ```
#[must_use]
pub fn well_spread_per_dc(
    replicas: &[NodeId],
    locate: impl Fn(NodeId) -> Location,
    racks_in: impl Fn(u32) -> u32,
) -> bool {
    // Per datacenter: replicas held and distinct racks used, in the order the datacenters appear.
    let mut dcs: Vec<(u32, u32, Vec<u32>)> = Vec::new();
    for &node in replicas {
        let at = locate(node);
        let i = if let Some(i) = dcs.iter().position(|(d, _, _)| *d == at.dc) {
            i
        } else {
            dcs.push((at.dc, 0, Vec::new()));
            dcs.len() - 1
        };
        let (_, held, racks) = &mut dcs[i];
        *held += 1;
        if !racks.contains(&at.rack) {
            racks.push(at.rack);
        }
    }
    dcs.iter()
        .all(|(dc, held, racks)| count_u32(racks.len()) >= (*held).min(racks_in(*dc)))
}
