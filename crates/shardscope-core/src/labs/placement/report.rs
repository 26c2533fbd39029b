//! The numbers of one step, as the page, the worker and the CLI show them: per algorithm, every
//! node's load before and after, the moves against the minimum, the largest flows, the balance,
//! the replica spread and the structure, with theory beside them ([`theory`](super::theory)).

use serde::{Deserialize, Serialize};

use super::engine::Engine;
use super::job::{Job, Tally, REPLICA_SAMPLE};
use super::{location, Algorithm};
use crate::placement::NodeId;
pub use crate::placement::Structure;
use crate::topology::Location;

/// One node's row in a report.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeRow {
    /// The node.
    pub node: NodeId,
    /// Keys it held before the event (`None`: not a member of this algorithm then).
    pub before: Option<u64>,
    /// Keys it holds after the event (`None`: not a member now).
    pub after: Option<u64>,
    /// Its share of requests after the event, in keys' worth (equal to `after` without Zipf).
    pub requests: f64,
    /// Whether it is down after the event.
    pub failed: bool,
    /// Its weight.
    pub weight: u32,
    /// Where it is.
    pub location: Location,
}

/// Keys that moved from one node to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    /// Where they were.
    pub from: NodeId,
    /// Where they went.
    pub to: NodeId,
    /// How many.
    pub keys: u64,
}

/// What theory predicts for a step, next to the measurement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Theory {
    /// Keys expected to move (`None`: no closed form, said in `note`).
    pub moved: Option<f64>,
    /// Expected standard deviation of the load, in percent of the mean.
    pub std_pct: Option<f64>,
    /// Expected or guaranteed peak-to-mean load.
    pub peak: Option<f64>,
    /// Where the numbers come from.
    pub note: String,
}

/// Replication numbers after the event, over the first [`REPLICA_SAMPLE`] keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replication {
    /// Keys whose replica sets were examined.
    pub examined: u64,
    /// Keys with at least one failed replica.
    pub under_replicated: u64,
    /// Keys with no live replica.
    pub unavailable: u64,
    /// Keys whose replicas are not spread over as many racks and datacenters as possible.
    pub badly_spread: u64,
}

/// One algorithm's numbers for a step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlgorithmReport {
    /// Which algorithm.
    pub algorithm: Algorithm,
    /// Every node that is a member before or after, by id.
    pub nodes: Vec<NodeRow>,
    /// Keys moved by the event (their serving node changed).
    pub moved: u64,
    /// The fewest moves any placement with the same before and after loads needs.
    pub minimum: u64,
    /// The largest flows between nodes, largest first.
    pub flows: Vec<Flow>,
    /// Distinct (from, to) pairs that keys moved along.
    pub flow_pairs: u64,
    /// Live nodes after the event.
    pub live: u32,
    /// Largest request load over the mean, over live nodes (each node's load divided by its fair
    /// share when the algorithm honours weights).
    pub peak_to_mean: f64,
    /// The same for key counts, which is what bounded loads bounds (equal to `peak_to_mean`
    /// without Zipf popularity).
    pub peak_keys_to_mean: f64,
    /// Standard deviation of request load over live nodes, percent of the mean.
    pub std_pct: f64,
    /// Theory for these numbers.
    pub theory: Theory,
    /// Replica numbers, for algorithms with replica sets when `rf > 1` or nodes failed.
    pub replication: Option<Replication>,
    /// Events this algorithm refused up to this step.
    pub refused: Vec<String>,
    /// The structure view.
    pub structure: Structure,
}

/// The numbers for one step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Keys placed.
    pub keys: u64,
    /// The step's event, described (`None` at step 0).
    pub event: Option<String>,
    /// Events the cluster skipped up to this step.
    pub skipped: Vec<String>,
    /// The most popular key's share of requests, in percent (only with Zipf popularity).
    pub hot_key_pct: Option<f64>,
    /// One report per chosen algorithm, in the chosen order.
    pub algorithms: Vec<AlgorithmReport>,
}

impl Job {
    /// The numbers, once [`is_done`](Self::is_done).
    #[must_use]
    pub fn report(&self) -> Report {
        let keys = self.keys.len();
        let scale = if self.popularity_sum > 0.0 {
            keys as f64 / self.popularity_sum
        } else {
            1.0
        };
        let hot_key_pct = (self.zipf_exponent > 0.0 && self.popularity_sum > 0.0).then(|| 100.0 / self.popularity_sum);
        // Σ p_i² for the normalised popularity p_i = w_i / Σw: what the load variance depends on.
        let concentration = if self.popularity_sum > 0.0 {
            self.popularity_sq / (self.popularity_sum * self.popularity_sum)
        } else {
            1.0 / keys.max(1) as f64
        };
        let algorithms = self
            .tallies
            .iter()
            .map(|t| self.algorithm_report(t, scale, concentration))
            .collect();
        Report {
            keys,
            event: self.event.clone(),
            skipped: self.skipped.clone(),
            hot_key_pct,
            algorithms,
        }
    }

    fn algorithm_report(&self, t: &Tally, scale: f64, concentration: f64) -> AlgorithmReport {
        let member = |e: &Engine, id: NodeId| e.nodes().contains(&id);
        let mut ids: Vec<NodeId> = t.before.nodes().iter().chain(t.after.nodes()).copied().collect();
        ids.sort_unstable();
        ids.dedup();
        let info = |id: NodeId| self.cluster.members.iter().find(|m| m.id == id);
        let nodes: Vec<NodeRow> = ids
            .iter()
            .map(|&id| {
                let m = info(id).or_else(|| self.cluster_before.members.iter().find(|m| m.id == id));
                NodeRow {
                    node: id,
                    before: member(&t.before, id).then(|| t.keys_before[id as usize]),
                    after: member(&t.after, id).then(|| t.keys_after[id as usize]),
                    requests: t.requests_after[id as usize] * scale,
                    failed: info(id).is_some_and(|m| m.failed),
                    weight: m.map_or(1, |m| m.weight),
                    location: m.map_or(location(&self.params, id), |m| m.location),
                }
            })
            .collect();
        let minimum: u64 = ids
            .iter()
            .map(|&id| t.keys_after[id as usize].saturating_sub(t.keys_before[id as usize]))
            .sum();
        let live: Vec<&NodeRow> = nodes.iter().filter(|r| r.after.is_some() && !r.failed).collect();
        let live_count = live.len() as u64;
        let n = live.len().max(1) as f64;
        // Balance is judged against each node's fair share: with weights that is its weight's
        // part of the total, for the algorithms that honour weights.
        let weighted = t.after.algorithm.uses_weights();
        let mean_weight = live.iter().map(|r| f64::from(r.weight)).sum::<f64>() / n;
        let fair = |r: &NodeRow| {
            if weighted {
                f64::from(r.weight) / mean_weight
            } else {
                1.0
            }
        };
        let relative = |value: f64, r: &NodeRow| value / fair(r);
        let mean = live.iter().map(|r| r.requests).sum::<f64>() / n;
        let peak = live.iter().map(|r| relative(r.requests, r)).fold(0.0, f64::max);
        let var = live
            .iter()
            .map(|r| (relative(r.requests, r) - mean).powi(2))
            .sum::<f64>()
            / n;
        let mean_keys = live.iter().map(|r| r.after.unwrap_or(0) as f64).sum::<f64>() / n;
        let peak_keys = live
            .iter()
            .map(|r| relative(r.after.unwrap_or(0) as f64, r))
            .fold(0.0, f64::max);
        let mut flows: Vec<Flow> = t
            .flows
            .iter()
            .map(|(&pair, &keys)| Flow {
                from: (pair >> 32) as NodeId,
                to: (pair & 0xffff_ffff) as NodeId,
                keys,
            })
            .collect();
        // Largest first; ties by (from, to) so that the order never depends on the map's.
        flows.sort_unstable_by(|a, b| b.keys.cmp(&a.keys).then((a.from, a.to).cmp(&(b.from, b.to))));
        let flow_pairs = flows.len() as u64;
        flows.truncate(8);
        let replication = ((self.params.rf > 1 || !t.after.failed.is_empty())
            && t.after.algorithm.replication().is_ok())
        .then_some(Replication {
            examined: self.keys.len().min(REPLICA_SAMPLE),
            under_replicated: t.under_replicated,
            unavailable: t.unavailable,
            badly_spread: t.badly_spread,
        });
        let theory = self.theory(t, &nodes, live_count, concentration);
        AlgorithmReport {
            algorithm: t.after.algorithm,
            theory,
            nodes,
            moved: t.moved,
            minimum,
            flows,
            flow_pairs,
            live: u32::try_from(live_count).expect("node count fits in u32"),
            peak_to_mean: if mean > 0.0 { peak / mean } else { 0.0 },
            peak_keys_to_mean: if mean_keys > 0.0 { peak_keys / mean_keys } else { 0.0 },
            std_pct: if mean > 0.0 { 100.0 * var.sqrt() / mean } else { 0.0 },
            replication,
            refused: t.after.refused.clone(),
            structure: t.after.placement.structure(),
        }
    }
}
