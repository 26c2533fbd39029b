//! The cache policies against theory, against each other and against their invariants: Che's
//! approximation and the IRM formula, Mattson's one-pass curve, OPT as the floor, capacities kept.
// proptest and the million-request runs are native-only; wasm32 runs the known-answer file.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::Arc;

use proptest::prelude::*;
use shardscope_core::cache::mattson::StackDistances;
use shardscope_core::cache::opt::next_uses;
use shardscope_core::cache::theory::{che_lru_hit_ratio, fifo_irm_hit_ratio, Bins};
use shardscope_core::cache::workload::{probabilities, Generator, Popularity, Trace, Workload};
use shardscope_core::cache::Policy;

fn zipf(alpha_centi: u32, objects: u32, requests: u32, seed: u64) -> Workload {
    Workload {
        popularity: Popularity::Zipf { alpha_centi },
        objects,
        requests,
        scan_percent: 0,
        scan_len: 0,
        shift_percent: 0,
        one_hit_percent: 0,
        seed,
    }
}

/// The miss ratio of `policy` at `capacity` over the requests after the first tenth.
fn warm_miss_ratio(policy: Policy, trace: &Trace, capacity: u32) -> f64 {
    let next: Arc<[u32]> = next_uses(&trace.requests, trace.universe).into();
    let mut cache = policy.build(capacity, trace.universe, Some(&next), 7);
    let warm = trace.requests.len() / 10;
    cache.run(&trace.requests[..warm]);
    let counted = &trace.requests[warm..];
    let hits = cache.run(counted);
    1.0 - hits as f64 / counted.len() as f64
}

#[test]
fn lru_matches_ches_approximation_within_half_a_percent() {
    for (alpha, m) in [(80, 10_000), (100, 10_000), (120, 20_000)] {
        let trace = Generator::generate(zipf(alpha, m, 2_000_000, 3));
        let bins = Bins::new(&probabilities(Popularity::Zipf { alpha_centi: alpha }, m));
        for c in [m / 1_000, m / 100, m / 10, m / 3] {
            let measured = warm_miss_ratio(Policy::Lru, &trace, c);
            let theory = 1.0 - che_lru_hit_ratio(&bins, f64::from(c));
            assert!(
                (measured - theory).abs() < 0.005,
                "α = {alpha}, M = {m}, C = {c}: LRU misses {measured:.4}, Che {theory:.4}"
            );
        }
    }
}

#[test]
fn fifo_and_random_match_the_irm_formula_within_half_a_percent() {
    for (alpha, m) in [(80, 10_000), (100, 10_000)] {
        let trace = Generator::generate(zipf(alpha, m, 2_000_000, 4));
        let bins = Bins::new(&probabilities(Popularity::Zipf { alpha_centi: alpha }, m));
        for c in [m / 1_000, m / 100, m / 10, m / 3] {
            let theory = 1.0 - fifo_irm_hit_ratio(&bins, f64::from(c));
            for policy in [Policy::Fifo, Policy::Random] {
                let measured = warm_miss_ratio(policy, &trace, c);
                assert!(
                    (measured - theory).abs() < 0.005,
                    "{policy:?}, α = {alpha}, C = {c}: misses {measured:.4}, IRM {theory:.4}"
                );
            }
        }
    }
}

/// LRU's hits at every size from 1 to the universe, simulated one size at a time.
fn lru_hits_each_size(trace: &[u32], universe: u32, sizes: &[u32], warm: usize) -> Vec<u64> {
    sizes
        .iter()
        .map(|&c| {
            let mut cache = Policy::Lru.build(c, universe, None, 0);
            cache.run(&trace[..warm]);
            cache.run(&trace[warm..])
        })
        .collect()
}

#[test]
fn mattsons_one_pass_equals_lru_at_every_size() {
    let w = Workload {
        scan_percent: 10,
        scan_len: 50,
        one_hit_percent: 5,
        ..zipf(90, 300, 30_000, 9)
    };
    let trace = Generator::generate(w);
    let warm = 3_000;
    let mut sd = StackDistances::new(30_000, trace.universe, 3_000);
    sd.feed(&trace.requests);
    let sizes: Vec<u32> = (1..=trace.distinct).collect();
    assert_eq!(
        sd.hits_at(&sizes),
        lru_hits_each_size(&trace.requests, trace.universe, &sizes, warm)
    );
    assert_eq!(sd.counted(), 27_000);
}

#[test]
fn lru_loses_to_the_frequency_aware_policies_under_zipf() {
    // α = 1, 100,000 objects, a cache of 1 % of them: the order the S3-FIFO and SIEVE papers
    // report on Zipf workloads (their Figures 6 and 7 show the same ranking on skewed traces):
    // LRU and FIFO-like policies behind SIEVE, S3-FIFO and W-TinyLFU, and OPT below all.
    let trace = Generator::generate(zipf(100, 100_000, 2_000_000, 5));
    let miss = |p| warm_miss_ratio(p, &trace, 1_000);
    let (lru, fifo, sieve, s3, tiny, opt) = (
        miss(Policy::Lru),
        miss(Policy::Fifo),
        miss(Policy::Sieve),
        miss(Policy::S3Fifo),
        miss(Policy::TinyLfu),
        miss(Policy::Opt),
    );
    assert!(fifo > lru, "FIFO {fifo} vs LRU {lru}");
    assert!(
        lru > sieve && lru > s3 && lru > tiny,
        "LRU {lru}, SIEVE {sieve}, S3-FIFO {s3}, W-TinyLFU {tiny}"
    );
    assert!(opt < sieve.min(s3).min(tiny), "OPT {opt}");
}

#[test]
fn a_scan_flushes_lru_but_not_the_scan_resistant_policies() {
    // 20 % of the requests scan a loop of 5,000 objects, five times the cache.
    let w = Workload {
        scan_percent: 20,
        scan_len: 5_000,
        ..zipf(100, 100_000, 1_000_000, 6)
    };
    let trace = Generator::generate(w);
    let miss = |p| warm_miss_ratio(p, &trace, 1_000);
    let lru = miss(Policy::Lru);
    for p in [Policy::TwoQ, Policy::Arc, Policy::S3Fifo, Policy::TinyLfu] {
        assert!(miss(p) < lru - 0.02, "{p:?} {} vs LRU {lru}", miss(p));
    }
}

/// LFU-DA as Arlitt et al. state it, by brute force: each cached object's priority is
/// `L + f`, recomputed on every hit; a miss in a full cache evicts the least priority (the least
/// recently used among equals) and sets `L` to it.
fn lfu_da_reference(trace: &[u32], capacity: usize) -> Vec<bool> {
    let mut cached: Vec<(u32, u64, u64, u64)> = Vec::new(); // object, priority, last use, count
    let mut age = 0;
    let mut out = Vec::new();
    for (t, &x) in (1u64..).zip(trace) {
        if let Some(e) = cached.iter_mut().find(|e| e.0 == x) {
            e.3 += 1;
            e.1 = age + e.3;
            e.2 = t;
            out.push(true);
            continue;
        }
        if cached.len() >= capacity {
            let i = (0..cached.len())
                .min_by_key(|&i| (cached[i].1, cached[i].2))
                .expect("full");
            age = cached[i].1;
            cached.swap_remove(i);
        }
        cached.push((x, age + 1, t, 1));
        out.push(false);
    }
    out
}

#[test]
fn every_preset_lesson_states_numbers_the_lab_computes() {
    use shardscope_core::labs::cache::{Params, PRESETS};
    use shardscope_core::labs::{run_to_end, Computes};
    for preset in PRESETS {
        let (params, problems) = Params::from_query(preset.query);
        assert!(problems.is_empty(), "{problems:?}");
        let r = run_to_end(params.start().unwrap());
        let mut shown: Vec<String> = vec![format!("{:.1}", r.size_percent)];
        for p in &r.policies {
            shown.push(format!("{:.1}", 100.0 * p.miss_ratio));
            shown.extend(p.theory.map(|t| format!("{:.1}", 100.0 * t)));
        }
        let group = |n: u32| {
            let d = n.to_string();
            let mut out = String::new();
            for (i, c) in d.chars().enumerate() {
                if i > 0 && (d.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
            out
        };
        shown.extend(
            r.lru_size_for_90
                .into_iter()
                .chain(r.che_size_for_90)
                .chain([r.distinct])
                .map(group),
        );
        // Every measured share in a lesson is written with one decimal ("74.0 %"); each must be
        // one the lab computes for the preset's link.
        let words: Vec<&str> = preset
            .lesson
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .collect();
        for pair in words.windows(2) {
            let (number, next) = (pair[0], pair[1]);
            if number.contains('.') && next.starts_with('%') && number.chars().all(|c| c.is_ascii_digit() || c == '.') {
                assert!(
                    shown.iter().any(|s| s == number),
                    "{}: {number} % is not among {shown:?}",
                    preset.name
                );
            }
        }
        for n in ["59,923", "59,879", "763,347"] {
            if preset.lesson.contains(n) {
                assert!(shown.iter().any(|s| s == n), "{}: {n}", preset.name);
            }
        }
    }
}

fn any_trace() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(0u32..60, 1..600)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A cache never holds more than its capacity, and every request is a hit or a miss.
    #[test]
    fn no_policy_holds_more_than_its_capacity(trace in any_trace(), capacity in 1u32..40) {
        let t = Trace::from_requests(trace);
        let next: Arc<[u32]> = next_uses(&t.requests, t.universe).into();
        for policy in Policy::ALL {
            let mut cache = policy.build(capacity, t.universe, Some(&next), 1);
            let mut hits = 0u64;
            for &x in &t.requests {
                hits += u64::from(cache.access(x));
                prop_assert!(cache.len() <= capacity, "{:?} holds {} > {}", policy, cache.len(), capacity);
                let held = (0..t.universe).filter(|&y| cache.holds(y)).count();
                prop_assert_eq!(held, cache.len() as usize, "{:?}: holds and len disagree", policy);
                prop_assert!(policy == Policy::Opt || cache.holds(x), "{:?} did not keep {} just requested", policy, x);
            }
            prop_assert!(hits <= t.requests.len() as u64);
            prop_assert!(hits + u64::from(t.distinct) <= t.requests.len() as u64, "{policy:?}: a first use is a miss");
        }
    }

    /// OPT misses no more than any policy, at every size, on any trace.
    #[test]
    fn opt_is_a_lower_bound(trace in any_trace(), capacity in 1u32..40) {
        let t = Trace::from_requests(trace);
        let next: Arc<[u32]> = next_uses(&t.requests, t.universe).into();
        let hits = |p: Policy| p.build(capacity, t.universe, Some(&next), 2).run(&t.requests);
        let opt = hits(Policy::Opt);
        for policy in Policy::ALL {
            prop_assert!(hits(policy) <= opt, "{:?} hits {} > OPT {}", policy, hits(policy), opt);
        }
    }

    /// The lazily updated LFU-DA evicts exactly what the definition evicts.
    #[test]
    fn lfu_da_matches_its_definition(trace in any_trace(), capacity in 1u32..30) {
        let t = Trace::from_requests(trace);
        let mut cache = Policy::Lfu.build(capacity, t.universe, None, 0);
        let ours: Vec<bool> = t.requests.iter().map(|&x| cache.access(x)).collect();
        prop_assert_eq!(ours, lfu_da_reference(&t.requests, capacity as usize));
    }

    /// Mattson's curve equals separately simulated LRU at sampled sizes.
    #[test]
    fn mattson_equals_lru(trace in any_trace(), warm_tenths in 0usize..5) {
        let t = Trace::from_requests(trace);
        let warm = t.requests.len() * warm_tenths / 10;
        let n = u32::try_from(t.requests.len()).unwrap();
        let mut sd = StackDistances::new(n, t.universe, u32::try_from(warm).unwrap());
        sd.feed(&t.requests);
        let sizes = [1, 2, 3, 5, 8, 13, 21, 34, 55, 61];
        prop_assert_eq!(sd.hits_at(&sizes), lru_hits_each_size(&t.requests, t.universe, &sizes, warm));
    }
}
