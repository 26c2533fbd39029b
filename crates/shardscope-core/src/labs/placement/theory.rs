//! What theory predicts for a step, beside each measured number: the spread of loads from
//! sampling and from the algorithm's own structure, the expected peak, and the keys an event
//! should move, each with the paper it comes from.

use super::cluster::Cluster;
use super::engine::Engine;
use super::job::{Job, Tally};
use super::report::{NodeRow, Theory};
use super::Algorithm;
use crate::placement::bounded::capacity;
use crate::placement::NodeId;

impl Job {
    pub(super) fn theory(&self, t: &Tally, nodes: &[NodeRow], live: u64, concentration: f64) -> Theory {
        let keys = self.keys.len() as f64;
        let n = live.max(1) as f64;
        // A node's share of requests when every key lands on it with probability 1/n:
        // σ/mean = √(n·Σp²·(1 − 1/n)), which is √((n − 1)/K) for equal popularity.
        let sampling = (n * concentration * (1.0 - 1.0 / n)).sqrt();
        let peak_of = |rel: f64| 1.0 + rel * (2.0 * n.ln()).sqrt();
        let moved = expected_moved(t, (&self.cluster_before, &self.cluster), nodes, keys);
        let (std, peak, note) = match t.after.algorithm {
            Algorithm::Ring => {
                let v = f64::from(self.params.vnodes);
                let rel = (1.0 / v + sampling * sampling).sqrt();
                (
                    Some(rel),
                    Some(peak_of(rel)),
                    "ring: σ ≈ √(1/vnodes + sampling) of the mean; moves ≈ the share of the nodes that changed (Karger et al.)",
                )
            }
            Algorithm::MultiProbe => {
                let k = f64::from(self.params.probes);
                (
                    None,
                    (k > 1.0).then(|| 1.0 + 1.0 / (k - 1.0) + sampling * (2.0 * n.ln()).sqrt()),
                    "multi-probe: peak/mean ≈ 1 + 1/(k − 1) with k probes (Appleton and O'Reilly), plus sampling noise",
                )
            }
            Algorithm::Bounded => {
                let cap = capacity(self.keys.len(), live, self.params.epsilon) as f64;
                (
                    None,
                    Some(cap / (keys / n)),
                    "bounded loads: no node holds more than ⌈(1 + ε)·mean⌉ keys (a guarantee); moves exceed the minimum by O(1/ε²) per change (Mirrokni et al.)",
                )
            }
            Algorithm::Maglev => (
                Some(sampling),
                Some(peak_of(sampling)),
                "Maglev: table shares differ by at most one slot (≤ N/M, under 1% when M > 100·N), so loads vary by sampling alone; the expected move is the minimum, K/(n + 1) on a join, which Maglev exceeds: refilling the table also shifts some slots between other nodes (Eisenbud et al. §3.4 trade a little disruption for balance)",
            ),
            Algorithm::ModN => (
                Some(sampling),
                Some(peak_of(sampling)),
                "mod N: balanced up to sampling noise; a change of N moves every key whose bucket differs (exact over lcm(n, m))",
            ),
            _ => (
                Some(sampling),
                Some(peak_of(sampling)),
                "balanced up to sampling noise σ = √((n − 1)/K) of the mean for equal popularity; moves = the share of the nodes that changed",
            ),
        };
        Theory {
            moved,
            std_pct: std.map(|s| 100.0 * s),
            peak,
            note: note.into(),
        }
    }
}

/// The keys theory expects an event to move: for consistent algorithms, the increase of every
/// node's expected share (weights where the algorithm uses them), which is also the minimum any
/// balanced placement must move; for mod N, exactly over the period lcm(n, m).
fn expected_moved(t: &Tally, clusters: (&Cluster, &Cluster), nodes: &[NodeRow], keys: f64) -> Option<f64> {
    let share = |e: &Engine, cluster: &Cluster, id: NodeId| -> f64 {
        if !e.nodes().contains(&id) || e.is_failed(id) {
            return 0.0;
        }
        let weight = |id: NodeId| {
            if e.algorithm.uses_weights() {
                f64::from(cluster.members.iter().find(|m| m.id == id).map_or(1, |m| m.weight))
            } else {
                1.0
            }
        };
        let total: f64 = e
            .nodes()
            .iter()
            .filter(|&&id| !e.is_failed(id))
            .map(|&id| weight(id))
            .sum();
        weight(id) / total
    };
    match t.after.algorithm {
        Algorithm::Bounded => None,
        Algorithm::ModN if t.before.failed.is_empty() && t.after.failed.is_empty() => {
            Some(keys * crate::placement::modn::moved_fraction(t.before.nodes(), t.after.nodes()))
        }
        _ => Some(
            keys * nodes
                .iter()
                .map(|row| (share(&t.after, clusters.1, row.node) - share(&t.before, clusters.0, row.node)).max(0.0))
                .sum::<f64>(),
        ),
    }
}
