//! The properties the papers of Maglev, multi-probe hashing, bounded loads and AnchorHash claim,
//! checked on our implementations at fixed seeds and under proptest.

// proptest is a native-only dev-dependency; the wasm32 run is the known-answer file alone.
#![cfg(not(target_arch = "wasm32"))]
// Counts in these tests are of a few thousand items at most.
#![allow(clippy::cast_possible_truncation)]

use proptest::prelude::*;
use shardscope_core::hash::KeySet;
use shardscope_core::placement::anchor::AnchorHash;
use shardscope_core::placement::bounded::{capacity, BoundedAssigner};
use shardscope_core::placement::maglev::{is_prime, Maglev, DEFAULT_TABLE_SIZE, MAX_TABLE_SIZE};
use shardscope_core::placement::multiprobe::{MultiProbe, MAX_PROBES};
use shardscope_core::placement::ring::Ring;
use shardscope_core::placement::{NodeId, Placement, PlacementError};

fn keys(seed: u64, n: u64) -> Vec<u64> {
    let set = KeySet::new(seed, n);
    (0..n).map(|i| set.key(i)).collect()
}

fn loads(owners: &[NodeId], nodes: u32) -> Vec<u64> {
    let mut out = vec![0u64; nodes as usize];
    for &o in owners {
        out[o as usize] += 1;
    }
    out
}

fn peak_to_mean(loads: &[u64]) -> f64 {
    let total: u64 = loads.iter().sum();
    *loads.iter().max().unwrap() as f64 / (total as f64 / loads.len() as f64)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Maglev §3.4: the turn-taking population gives every backend ⌊M/N⌋ or ⌈M/N⌉ slots, whatever
    /// the hashes, and every slot is filled.
    #[test]
    fn maglev_tables_are_balanced_to_one_slot(seed: u64, n in 1u32..200, m in prop::sample::select(vec![211u32, 1009, 4099, 65_537])) {
        prop_assume!(n <= m);
        let nodes: Vec<NodeId> = (0..n).collect();
        let maglev = Maglev::new(seed, m, &nodes).unwrap();
        let counts = loads(maglev.table(), n);
        let (lo, hi) = (u64::from(m / n), u64::from(m.div_ceil(n)));
        prop_assert!(counts.iter().all(|&c| c == lo || c == hi), "{counts:?}");
        prop_assert_eq!(counts.iter().sum::<u64>(), u64::from(m));
    }

    /// Maglev §3.4 and Figure 7: removing one backend disturbs few other entries. The paper
    /// measures a small fraction; we bound it at 5% of the table for M = 65537 and at most 100
    /// backends, and check that every entry of the removed backend changed owner.
    #[test]
    fn maglev_removal_disrupts_few_other_entries(seed: u64, n in 10u32..100, pick: u32) {
        let nodes: Vec<NodeId> = (0..n).collect();
        let before = Maglev::new(seed, DEFAULT_TABLE_SIZE, &nodes).unwrap();
        let mut after = before.clone();
        let victim = pick % n;
        after.remove_node(victim).unwrap();
        let mut others_changed = 0u64;
        for (b, a) in before.table().iter().zip(after.table()) {
            prop_assert_ne!(*a, victim);
            if *b != victim && b != a {
                others_changed += 1;
            }
        }
        prop_assert!(others_changed * 20 <= u64::from(DEFAULT_TABLE_SIZE), "{others_changed} other entries changed");
    }

    /// AnchorHash is fully consistent under any sequence of removals and additions: a key moves
    /// only when its node leaves, or onto a node that joins.
    #[test]
    fn anchor_moves_only_what_a_change_forces(seed: u64, n in 2u32..60, ops in prop::collection::vec(any::<u32>(), 1..30)) {
        let nodes: Vec<NodeId> = (0..n).collect();
        let mut anchor = AnchorHash::new(seed, 128, &nodes).unwrap();
        let ks = keys(seed, 2_000);
        let mut next_id = n;
        for op in ops {
            let before: Vec<NodeId> = ks.iter().map(|&k| anchor.place(k)).collect();
            let members = anchor.nodes().to_vec();
            if op % 2 == 0 && members.len() > 1 {
                let victim = members[(op as usize / 2) % members.len()];
                anchor.remove_node(victim).unwrap();
                for (&k, &b) in ks.iter().zip(&before) {
                    let a = anchor.place(k);
                    prop_assert!(a == b || b == victim, "key moved {b} -> {a} when {victim} left");
                    prop_assert_ne!(a, victim);
                }
            } else {
                anchor.add_node(next_id).unwrap();
                for (&k, &b) in ks.iter().zip(&before) {
                    let a = anchor.place(k);
                    prop_assert!(a == b || a == next_id, "key moved {b} -> {a} when {next_id} joined");
                }
                next_id += 1;
            }
        }
    }

    /// Removing a node and adding it back (it takes the same bucket, LIFO) restores every key.
    #[test]
    fn anchor_remove_then_add_restores_the_placement(seed: u64, n in 2u32..60, pick: u32) {
        let nodes: Vec<NodeId> = (0..n).collect();
        let original = AnchorHash::new(seed, 64, &nodes).unwrap();
        let mut anchor = original.clone();
        anchor.remove_node(pick % n).unwrap();
        anchor.add_node(pick % n).unwrap();
        for k in keys(seed, 1_000) {
            prop_assert_eq!(anchor.place(k), original.place(k));
        }
    }

    /// Mirrokni et al.: no node ever holds more than ⌈(1+ε)·m/n⌉ keys, for any ring.
    #[test]
    fn bounded_loads_never_exceed_capacity(seed: u64, n in 1u32..40, vnodes in 1u32..50, eps in 0u32..=100) {
        let nodes: Vec<NodeId> = (0..n).collect();
        let ring = Ring::new(seed, vnodes, &nodes).unwrap();
        let ks = keys(seed, 3_000);
        let mut assigner = BoundedAssigner::new(&ring, ks.len() as u64, eps);
        let owners: Vec<NodeId> = ks.iter().map(|&k| assigner.assign(k)).collect();
        let cap = capacity(ks.len() as u64, u64::from(n), eps);
        prop_assert!(loads(&owners, n).iter().all(|&l| l <= cap));
    }
}

/// Multi-probe, the paper's headline: peak-to-mean 1 + ε with 1 + 1/ε probes. With one point per
/// node and 21 probes we measure the peak over 100 nodes and 1M keys at three seeds; a plain ring
/// with one point per node is around 4–5. We require below 1.2 and far below the single-probe
/// ring.
#[test]
fn multiprobe_peak_to_mean_falls_with_probes() {
    let nodes: Vec<NodeId> = (0..100).collect();
    let ks = keys(7, 1_000_000);
    for seed in [1, 2, 3] {
        let one = MultiProbe::new(seed, 1, &nodes).unwrap();
        let many = MultiProbe::new(seed, 21, &nodes).unwrap();
        let p1 = peak_to_mean(&loads(&ks.iter().map(|&k| one.place(k)).collect::<Vec<_>>(), 100));
        let p21 = peak_to_mean(&loads(&ks.iter().map(|&k| many.place(k)).collect::<Vec<_>>(), 100));
        assert!(p21 < 1.2, "seed {seed}: peak/mean {p21:.3} with 21 probes");
        assert!(
            p1 > 2.0 * p21 - 1.0 && p1 > 2.0,
            "seed {seed}: one probe {p1:.3}, 21 probes {p21:.3}"
        );
    }
}

/// Multi-probe against the paper's figure: 21 probes give a peak of 1 + ε = 1.05 times the mean
/// (abstract of arXiv:1505.00062). Measured here on 100 nodes with 4M keys, where sampling adds
/// about σ·√(2 ln n) = √(99/4·10⁶)·3.03 ≈ 0.015, so the expected peak is about 1.065. Pinned at
/// seeds 1–4 (the mean of the four within 0.03 of 1.065), and against the double-hashing probes
/// (`x + i·h(x)`) this crate used before, whose probes are not independent and whose peak was
/// higher at every one of these seeds (1.07–1.12 at 10M keys, against 1.03–1.08).
#[test]
fn multiprobe_reaches_the_papers_balance_with_independent_probes() {
    let nodes: Vec<NodeId> = (0..100).collect();
    let ks = keys(42, 4_000_000);
    let mut independent = Vec::new();
    let mut double = Vec::new();
    for seed in 1..=4 {
        let mp = MultiProbe::new(seed, 21, &nodes).unwrap();
        independent.push(peak_to_mean(&loads(
            &ks.iter().map(|&k| mp.place(k)).collect::<Vec<_>>(),
            100,
        )));
        double.push(peak_to_mean(&loads(
            &ks.iter().map(|&k| mp.place_double_hashing(k)).collect::<Vec<_>>(),
            100,
        )));
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(
        (mean(&independent) - 1.065).abs() < 0.03,
        "independent probes: {independent:.4?}"
    );
    assert!(
        mean(&double) > mean(&independent),
        "double {double:.4?} vs independent {independent:.4?}"
    );
}

/// AnchorHash balance: after removing a third of the nodes in random order the remaining ones
/// are as balanced as uniform random placement (peak within 6σ of the binomial mean).
#[test]
fn anchor_stays_balanced_after_removals() {
    let nodes: Vec<NodeId> = (0..60).collect();
    let mut anchor = AnchorHash::new(5, 1024, &nodes).unwrap();
    for victim in [17, 3, 44, 59, 0, 21, 38, 9, 50, 12, 33, 27, 5, 41, 56, 1, 19, 30, 48, 8] {
        anchor.remove_node(victim).unwrap();
    }
    let ks = keys(11, 400_000);
    let mut counts = std::collections::BTreeMap::<NodeId, u64>::new();
    for &k in &ks {
        *counts.entry(anchor.place(k)).or_default() += 1;
    }
    assert_eq!(counts.len(), 40);
    let mean = 400_000.0 / 40.0;
    let sd = (400_000.0 * (1.0 / 40.0) * (39.0 / 40.0f64)).sqrt();
    for (node, &c) in &counts {
        assert!((c as f64 - mean).abs() < 6.0 * sd, "node {node} has {c}, mean {mean}");
    }
}

#[test]
fn bad_parameters_are_refused() {
    assert_eq!(
        Maglev::new(0, 65_536, &[1]).err(),
        Some(PlacementError::TableSize {
            size: 65_536,
            max: MAX_TABLE_SIZE
        })
    );
    assert_eq!(
        Maglev::new(0, 3, &[1, 2, 3, 4]).err(),
        Some(PlacementError::TableSize {
            size: 3,
            max: MAX_TABLE_SIZE
        })
    );
    assert!(is_prime(2) && !is_prime(0) && is_prime(1_048_573));
    assert_eq!(
        MultiProbe::new(0, 0, &[1]).err(),
        Some(PlacementError::ProbesOutOfRange {
            probes: 0,
            max: MAX_PROBES
        })
    );
    assert_eq!(
        AnchorHash::new(0, 2, &[1, 2, 3]).err(),
        Some(PlacementError::CapacityFull(2))
    );
    let mut full = AnchorHash::new(0, 2, &[1, 2]).unwrap();
    assert_eq!(full.add_node(3), Err(PlacementError::CapacityFull(2)));
    let mut maglev = Maglev::new(0, 3, &[1, 2, 3]).unwrap();
    assert_eq!(
        maglev.add_node(4),
        Err(PlacementError::TableSize {
            size: 3,
            max: MAX_TABLE_SIZE
        })
    );
    assert_eq!(maglev.nodes(), &[1, 2, 3], "a refused join leaves the table as it was");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Replica sets are distinct nodes; NetworkTopologyStrategy puts at most `per_dc` in each
    /// datacenter, exactly `min(per_dc, nodes there)`, and spreads them over as many racks as the
    /// datacenter has.
    #[test]
    fn replica_sets_are_distinct_and_spread(seed: u64, n in 1u32..40, dcs in 1u32..=3, racks in 1u32..=4, per_dc in 1u32..=4, key: u64) {
        use shardscope_core::topology::{network_topology, Location};
        let nodes: Vec<NodeId> = (0..n).collect();
        let at = |id: NodeId| Location { dc: id % dcs, rack: (id / dcs) % racks };
        let ring = Ring::new(seed, 20, &nodes).unwrap();
        let walk: Vec<NodeId> = ring.walk(key).collect();
        let mut sorted = walk.clone();
        sorted.sort_unstable();
        sorted.dedup();
        prop_assert_eq!(sorted.len(), walk.len());
        prop_assert_eq!(walk.len() as u32, n);
        let in_dc = |dc: u32| nodes.iter().filter(|&&id| at(id).dc == dc).count() as u32;
        let racks_in = |dc: u32| {
            let mut r: Vec<u32> = nodes.iter().filter(|&&id| at(id).dc == dc).map(|&id| at(id).rack).collect();
            r.sort_unstable();
            r.dedup();
            r.len() as u32
        };
        let picked = network_topology(walk.into_iter(), per_dc, at, racks_in, in_dc);
        let mut unique = picked.clone();
        unique.sort_unstable();
        unique.dedup();
        prop_assert_eq!(unique.len(), picked.len(), "replicas are distinct");
        for dc in 0..dcs {
            let mine: Vec<NodeId> = picked.iter().copied().filter(|&id| at(id).dc == dc).collect();
            prop_assert_eq!(mine.len() as u32, per_dc.min(in_dc(dc)));
            let mut rs: Vec<u32> = mine.iter().map(|&id| at(id).rack).collect();
            rs.sort_unstable();
            rs.dedup();
            prop_assert_eq!(rs.len() as u32, (mine.len() as u32).min(racks_in(dc)), "racks spread in dc {}", dc);
        }
    }
}

/// The theory column of the Placement lab, checked: at fixed seeds, with 100 nodes and a million
/// keys, each algorithm's measured σ of load is within a factor of the σ the lab predicts (it is
/// one sample of a random quantity, so the band is wide but catches a wrong formula), and the
/// consistent algorithms' moves on a join are within 15% of the predicted K/(n+1).
#[test]
fn measured_balance_and_moves_match_the_lab_theory() {
    use shardscope_core::labs::placement::{Algorithm, Job, Params};
    for seed in [1u64, 2] {
        let query = format!("v=1&alg=modn,jump,maglev,anchor&nodes=100&keys=1000000&seed={seed}&events=add&step=1");
        let (params, problems) = Params::from_query(&query);
        assert!(problems.is_empty());
        let mut job = Job::new(&params).unwrap();
        while !job.step() {}
        for a in job.report().algorithms {
            let theory = a.theory.std_pct.unwrap();
            assert!(
                a.std_pct > 0.6 * theory && a.std_pct < 1.5 * theory,
                "{:?} seed {seed}: σ {} vs theory {theory}",
                a.algorithm,
                a.std_pct
            );
            let expected = a.theory.moved.unwrap();
            match a.algorithm {
                // mod N's expectation is exact over the period lcm(n, m).
                Algorithm::ModN => assert!((a.moved as f64 - expected).abs() < 0.01 * expected),
                // Maglev is not minimally disruptive: it moves more than the minimum, but the same order.
                Algorithm::Maglev => {
                    assert!(a.moved as f64 > 0.85 * expected && (a.moved as f64) < 3.0 * expected);
                }
                _ => assert!(
                    (a.moved as f64 - expected).abs() < 0.15 * expected,
                    "{:?}: moved {} vs {expected}",
                    a.algorithm,
                    a.moved
                ),
            }
        }
    }
    // The ring's σ is dominated by arc lengths: ≈ 1/√vnodes.
    let (params, _) = Params::from_query("v=1&alg=ring&nodes=100&keys=1000000&vnodes=100&seed=3&events=&step=0");
    let mut job = Job::new(&params).unwrap();
    while !job.step() {}
    let ring = &job.report().algorithms[0];
    let theory = ring.theory.std_pct.unwrap();
    assert!(
        ring.std_pct > 0.7 * theory && ring.std_pct < 1.3 * theory,
        "ring σ {} vs {theory}",
        ring.std_pct
    );
}
