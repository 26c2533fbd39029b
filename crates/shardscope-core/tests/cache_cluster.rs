//! The Cache cluster lab against theory and against its own lessons: every request ends once,
//! a loss moves 1/N of the keys under consistent hashing and (N − 1)/N under hash mod N, node
//! loads match placement's shares, LRU nodes hit what Che's approximation predicts, coalescing
//! never sends more fetches, runs repeat exactly for a seed, and every number a preset's lesson
//! states is one the lab computes.

// proptest is native-only; wasm32 runs the known-answer file.
#![cfg(not(target_arch = "wasm32"))]

mod lessons;

use lessons::{assert_lessons_state_computed_numbers, whole};
use proptest::prelude::*;
use shardscope_core::labs::cache_cluster::{Field, Params, Report, PRESETS};
use shardscope_core::labs::{run_to_end, Computes};
use shardscope_core::placement::Algorithm;

fn run(query: &str) -> Report {
    let (p, problems) = Params::from_query(query);
    assert!(problems.is_empty(), "{query}: {problems:?}");
    run_to_end(p.start().unwrap())
}

#[test]
fn a_loss_moves_what_placement_promises() {
    let r = run("v=1&alg=ring,hrw,jump&nodes=20&objects=100000&capacity=500&rate=20000&seconds=10&fail=5000");
    for a in &r.algorithms {
        let moved = a.moved_keys.unwrap();
        assert!((moved - 0.05).abs() < 0.02, "{}: {moved}", a.name);
        assert_eq!(a.moved_theory, Some(0.05));
    }
    let m = run("v=1&alg=modn,maglev,anchor&nodes=20&objects=100000&capacity=500&rate=20000&seconds=10&fail=5000");
    assert!((m.algorithms[0].moved_keys.unwrap() - 0.95).abs() < 0.01);
    for a in &m.algorithms[1..] {
        assert!(a.moved_keys.unwrap() < 0.08, "{}: {:?}", a.name, a.moved_keys);
    }
}

#[test]
fn node_loads_and_hit_ratios_sit_on_theory() {
    // No answer time: Che assumes a miss is filled at once.
    for alpha in ["0.7", "0.9", "1.1"] {
        let r = run(&format!(
            "v=1&alg=ring,modn&nodes=8&objects=50000&capacity=1000&alpha={alpha}&rate=50000&seconds=40&fail=0&fetch=0"
        ));
        for a in &r.algorithms {
            let che = a.hit_ratio_theory.unwrap();
            assert!(
                (a.hit_ratio - che).abs() < 0.005,
                "{} α {alpha}: {} vs Che {che}",
                a.name,
                a.hit_ratio
            );
            for (m, t) in a.node_rps.iter().zip(&a.node_rps_theory) {
                assert!((m - t).abs() < 0.03 * t + 30.0, "{}: node load {m} vs {t}", a.name);
            }
        }
    }
}

#[test]
fn the_database_peak_at_a_loss_is_at_most_one_fetch_per_miss_when_answers_are_quick() {
    // With answers within one tick, a moved key's misses cannot pile up behind its fetch.
    // The prediction is the first instant's: every hit of a moved key turned into a fetch. Within
    // the busiest 10 ms tick a hot moved key misses once and then hits again, so the measured
    // excess over the steady rate is most, not all, of the predicted one.
    let r = run("v=1&alg=ring,modn&nodes=10&objects=100000&capacity=5000&rate=100000&seconds=30&fail=15000&fetch=0");
    for a in &r.algorithms {
        let (peak, theory, steady) = (a.db_peak_rps.unwrap(), a.db_peak_theory_rps.unwrap(), a.db_steady_rps);
        let share = (peak - steady) / (theory - steady);
        assert!(
            (0.5..=1.05).contains(&share),
            "{}: peak {peak}, predicted {theory}, steady {steady}",
            a.name
        );
    }
}

#[test]
fn replication_and_local_caches_relieve_the_celebrity_node() {
    let base = "v=1&alg=ring&nodes=10&objects=100000&capacity=5000&rate=100000&seconds=20&fail=0&hot=10";
    let busiest = |r: &Report| r.algorithms[0].node_rps.iter().copied().fold(0.0, f64::max);
    let hot = busiest(&run(base));
    let replicated = busiest(&run(&format!("{base}&replicas=8&hotkeys=10")));
    let local = run(&format!("{base}&local=100"));
    assert!(replicated < 0.7 * hot, "{replicated} vs {hot}");
    assert!(busiest(&local) < 0.6 * hot, "{} vs {hot}", busiest(&local));
    assert!(local.algorithms[0].total.local_hits > 0);
    // With local caches the nodes see other requests than Zipf's: no formula is claimed.
    assert_eq!(local.algorithms[0].hit_ratio_theory, None);
}

#[test]
fn every_preset_lesson_states_numbers_the_lab_computes() {
    // Lessons compare with each other (the replicated celebrity with the plain one), so a
    // lesson's number may be any preset's.
    let mut computed: Vec<String> = Vec::new();
    for preset in PRESETS {
        let (p, _) = Params::from_query(preset.query);
        let r = run_to_end(p.start().unwrap());
        // Everything the lab computes, as the lesson would write it.
        let hundreds = |x: f64| whole((x / 100.0).round() * 100.0);
        for a in &r.algorithms {
            let mut values = vec![a.hit_ratio, a.db_steady_rps];
            values.extend(a.hit_ratio_theory);
            values.extend(a.db_peak_rps);
            values.extend(a.db_peak_theory_rps);
            values.extend(a.db_settled_rps);
            values.extend(a.node_rps.iter().copied().reduce(f64::max));
            values.extend(a.node_rps_theory.iter().copied().reduce(f64::max));
            for v in values {
                computed.extend([
                    whole(v),
                    hundreds(v),
                    format!("{:.1}", 100.0 * v),
                    format!("{:.0}", 100.0 * v),
                ]);
            }
            for v in [a.moved_keys, a.moved_share].into_iter().flatten() {
                computed.push(format!("{:.0}", 100.0 * v));
            }
            computed.extend(a.extra_fetches.map(|x| whole(x as f64)));
            computed.extend(a.recovery_ms.map(|ms| format!("{:.1}", f64::from(ms) / 1_000.0)));
            let t = &a.total;
            computed.extend([
                whole(t.local_hits as f64),
                whole(t.requests as f64),
                whole(t.coalesced as f64),
            ]);
            computed.push(format!("{:.0}", 100.0 * t.local_hits as f64 / t.requests as f64));
            if let Some(peak) = a.db_peak_rps {
                computed.push(format!("{:.1}", peak / f64::from(r.db_rps)));
            }
        }
        computed.push(whole(f64::from(p.get(Field::Rate)) / f64::from(p.get(Field::Nodes))));
        // The settings themselves.
        for (field, ..) in shardscope_core::labs::cache_cluster::FIELDS {
            computed.push(whole(f64::from(p.get(field))));
        }
        assert_eq!(p.get(Field::Seconds), 60, "{}", preset.name);
    }
    // Counts and settings the lessons spell out: 1/N, Zipf(0.9), ten nodes, key#0 … key#7.
    computed.extend(["1".into(), "0.9".into(), "10".into(), "20".into(), "100".into()]);
    assert_lessons_state_computed_numbers(PRESETS, &computed);
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let q = "v=1&alg=ring,maglev&nodes=6&objects=20000&capacity=800&rate=20000&seconds=6&fail=3000&back=4500&hot=5&replicas=3&local=50&fetch=50&coalesce=1";
    assert_eq!(run(q), run(q));
    let (p, _) = Params::from_query(q);
    assert_eq!(p.algorithms, vec![Algorithm::Ring, Algorithm::Maglev]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any small cluster: every request ends exactly once (a local hit, a node hit, a fetch, or a
    /// wait on a fetch), and coalescing never sends more fetches than the same run without it.
    #[test]
    fn every_request_ends_once_and_coalescing_never_adds_fetches(
        nodes in 2u32..12, capacity in 1u32..400, objects in 1u32..5_000, rate in 100u32..5_000,
        seconds in 1u32..6, fail in 0u32..6_000, hot in 0u32..50, replicas in 1u32..5, local in 0u32..50,
        fetch in 0u32..300, alg in 0usize..7,
    ) {
        let alg = shardscope_core::labs::cache_cluster::ALGORITHMS[alg];
        let q = |coalesce: u32| format!(
            "v=1&alg={}&nodes={nodes}&capacity={capacity}&objects={objects}&rate={rate}&seconds={seconds}&fail={fail}&hot={hot}&replicas={replicas}&local={local}&fetch={fetch}&coalesce={coalesce}",
            shardscope_core::query::Choice::slug(alg)
        );
        let (plain, _) = Params::from_query(&q(0));
        let (merged, _) = Params::from_query(&q(1));
        let a = run_to_end(plain.start().unwrap());
        let b = run_to_end(merged.start().unwrap());
        for r in [&a, &b] {
            let t = r.algorithms[0].total;
            prop_assert_eq!(t.local_hits + t.hits + t.fetches + t.coalesced, t.requests);
            prop_assert_eq!(t.requests, plain.requests());
            prop_assert_eq!(r.algorithms[0].series.iter().map(|b| b.requests).sum::<u64>(), t.requests);
        }
        prop_assert!(b.algorithms[0].total.fetches <= a.algorithms[0].total.fetches);
        prop_assert_eq!(a.algorithms[0].total.coalesced, 0);
    }
}
