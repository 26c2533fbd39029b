//! The "Scaling to 10 million users" lab against its presets: each evolution step's bottleneck
//! is the tier its lesson names, every number a lesson states is one the lab computes, every
//! request ends once in every preset, and a link gives one report.

// The native test run holds these; the wasm32 run is the known-answer file alone.
#![cfg(not(target_arch = "wasm32"))]

mod lessons;

use lessons::{assert_lessons_state_computed_numbers, numbers_in, whole};
use shardscope_core::labs::system::{Params, Report, BOTTLENECKS, FIELDS, PRESETS};
use shardscope_core::labs::{run_to_end, Computes};
use shardscope_core::system::design::RTT_MS;
use shardscope_core::system::report::Tier;
use shardscope_core::system::sim::SLOWDOWN;

fn report(query: &str) -> (Params, Report) {
    let (params, problems) = Params::from_query(query);
    assert!(problems.is_empty(), "{problems:?}");
    let r = run_to_end(params.start().expect("a valid state"));
    (params, r)
}

/// Every number the report and the settings hold, written as lessons write them: counts whole,
/// utilizations and hit ratios in whole percent, latencies and dollars whole.
#[allow(clippy::cast_precision_loss)]
fn computed_numbers(params: &Params, r: &Report) -> Vec<String> {
    let s = &r.system;
    let o = s.outcomes;
    let mut values: Vec<f64> = FIELDS.iter().map(|f| f64::from(params.get(f.0))).collect();
    values.extend(RTT_MS.iter().flatten().map(|&x| f64::from(x)));
    values.extend([f64::from(SLOWDOWN.0), f64::from(SLOWDOWN.1)]);
    values.extend(
        [
            o.requests,
            o.served,
            o.failed(),
            o.timeouts,
            o.broken,
            o.down,
            o.shed,
            o.retries,
        ]
        .map(|x| x as f64),
    );
    values.extend([s.lost_writes, s.stale_reads, s.coalesced].map(|x| x as f64));
    values.extend([s.latency.p50, s.latency.p95, s.latency.p99, r.peak_rate, r.mean_rate]);
    values.extend([
        r.cost.total,
        r.cost.servers_dollars,
        r.cost.cdn_dollars,
        f64::from(r.cost.servers),
    ]);
    values.push(r.slo.max_users as f64);
    for t in &s.tiers {
        values.extend([t.utilization * 100.0, t.hottest * 100.0, f64::from(t.servers)]);
        values.extend([t.queue_max, t.wasted, t.shed, t.timeouts].map(|x| x as f64));
    }
    if let Some(f) = s.fanout {
        values.extend([f.requests, f.slow, f.calls, f.hedges].map(|x| x as f64));
        values.extend([
            f.slow as f64 / f.requests.max(1) as f64 * 100.0,
            f.slow_theory * 100.0,
            f.hedges as f64 / f.calls.max(1) as f64 * 100.0,
        ]);
    }
    for h in [s.cdn, s.cache].into_iter().flatten() {
        values.extend([h.hits as f64 / h.lookups.max(1) as f64 * 100.0, h.che * 100.0]);
    }
    values.into_iter().map(whole).collect()
}

/// The words a lesson may use for a tier.
fn named(tier: Tier) -> &'static [&'static str] {
    match tier {
        Tier::Server => &["the server is"],
        Tier::Web => &["web tier", "web server"],
        Tier::Cache => &["cache"],
        Tier::Services => &["services"],
        Tier::Primary => &["primary"],
        Tier::Replica => &["replicas"],
        Tier::Bus => &["consumers"],
    }
}

#[test]
fn each_preset_has_the_bottleneck_its_lesson_names_and_states_only_computed_numbers() {
    assert_eq!(PRESETS.len(), BOTTLENECKS.len());
    let mut computed = Vec::new();
    let mut previous: Option<Report> = None;
    for (preset, &tier) in PRESETS.iter().zip(&BOTTLENECKS) {
        let (params, r) = report(preset.query);
        assert_eq!(r.system.bottleneck, Some(tier), "{}", preset.name);
        assert!(
            named(tier).iter().any(|w| preset.lesson.contains(w)),
            "{}: the lesson names {tier:?}",
            preset.name
        );
        let o = r.system.outcomes;
        assert_eq!(o.requests, o.served + o.failed(), "{}", preset.name);
        computed.extend(computed_numbers(&params, &r));
        let hottest = |r: &Report, tier: Tier| {
            r.system
                .tiers
                .iter()
                .find(|t| t.tier == tier)
                .map_or(0.0, |t| t.hottest)
        };
        // Each evolution step relieves the tier that was the bottleneck before it.
        if let Some(before) = previous.take() {
            if let Some(was) = before.system.bottleneck {
                if preset.name != "A datacenter in every region" && was != Tier::Server {
                    assert!(
                        hottest(&r, was) < hottest(&before, was),
                        "{}: {was:?} was {} and is {}",
                        preset.name,
                        hottest(&before, was),
                        hottest(&r, was)
                    );
                }
            }
        }
        if preset.name == "A datacenter in every region" {
            // The datacenters' gain is latency, not load.
            assert!(r.system.latency.p99 * 2.0 < 252.0 * 1.01, "{}", r.system.latency.p99);
        }
        if ![
            "A retry storm",
            "Backoff, jitter and a circuit breaker",
            "The primary dies",
            "A datacenter in every region",
            "The tail at scale: a 100-way fan-out",
            "Hedged requests cut the tail",
            "One slow call in ten thousand, across 2,000 servers",
            "The cache is flushed",
            "Coalesced misses",
            "Shedding ends the thundering herd",
            "A spike outruns the autoscaler",
            "A fast warm-up keeps up",
            "Active-passive: the datacenter is lost",
        ]
        .contains(&preset.name)
        {
            previous = Some(r);
        }
    }
    assert_lessons_state_computed_numbers(PRESETS, &computed);
}

#[test]
fn a_lesson_s_numbers_are_its_figures_not_the_digits_of_names() {
    assert_eq!(numbers_in("p99 is 1,098 ms on an m7g.large, 63 %."), ["1,098", "63"]);
}

#[test]
fn the_mitigations_measurably_help() {
    let find = |name: &str| report(PRESETS.iter().find(|p| p.name == name).unwrap().query).1;
    let storm = find("A retry storm");
    let tamed = find("Backoff, jitter and a circuit breaker");
    assert!(tamed.system.outcomes.failed() * 3 < storm.system.outcomes.failed());
    assert!(tamed.system.outcomes.retries * 3 < storm.system.outcomes.retries);
    let primary = find("The primary dies");
    assert!(primary.system.lost_writes > 0 && primary.system.outcomes.down > 0);
    // Hedging costs about 5 % more calls and takes the fan-out's tail away.
    let tail = find("The tail at scale: a 100-way fan-out");
    let hedged = find("Hedged requests cut the tail");
    let (t, h) = (tail.system.fanout.unwrap(), hedged.system.fanout.unwrap());
    #[allow(clippy::cast_precision_loss)]
    let extra = h.hedges as f64 / h.calls as f64;
    assert!((0.03..0.08).contains(&extra), "{extra}");
    assert!(h.slow * 20 < t.slow && hedged.system.latency.p99 * 4.0 < tail.system.latency.p99);
    assert!(hedged.slo.max_users > tail.slo.max_users);
    // After a flush, coalescing narrows the database's queue and shedding ends the collapse.
    let herd = find("The cache is flushed");
    let coalesced = find("Coalesced misses");
    let shed = find("Shedding ends the thundering herd");
    let primary = |r: &Report| r.system.tiers.iter().find(|t| t.tier == Tier::Primary).unwrap().clone();
    assert!(coalesced.system.coalesced > 0 && primary(&coalesced).queue_max * 3 < primary(&herd).queue_max);
    assert!(coalesced.system.outcomes.failed() < herd.system.outcomes.failed());
    assert!(shed.system.outcomes.failed() * 10 < herd.system.outcomes.failed());
    assert_eq!(shed.system.outcomes.timeouts, 0);
    // The herd outlasts the arrivals: the primary still holds a queue when they end, and only
    // shedding lets it drain.
    assert!(
        primary(&herd).seconds[..20].iter().all(|s| s.hottest < 0.8),
        "the primary keeps up before the flush"
    );
    // A web server that warms up in 5 s instead of 30 s lets the autoscaler meet a spike.
    let slow = find("A spike outruns the autoscaler");
    let fast = find("A fast warm-up keeps up");
    assert!(fast.system.outcomes.failed() * 20 < slow.system.outcomes.failed());
    let most = |r: &Report| r.system.timeline.iter().map(|s| s.web).max().unwrap();
    let spike: Vec<u32> = fast.system.timeline[20..50].iter().map(|s| s.web).collect();
    assert!(spike.iter().any(|&w| w > 12) && most(&fast) <= 40, "{spike:?}");
    assert!(slow.system.timeline[20..45].iter().all(|s| s.web == 12));
    // The fast one's failures all fall within the spike's first 20 s, and its tier shrinks back.
    let failed = |r: &[shardscope_core::system::report::Second]| r.iter().map(|s| u64::from(s.failed)).sum::<u64>();
    assert_eq!(failed(&fast.system.timeline[20..40]), fast.system.outcomes.failed());
    assert!(fast.system.timeline[75..90].iter().all(|s| s.web == 12));
    let last = |r: &Report| primary(r).seconds[59].queue;
    assert!(
        last(&herd) > 10_000 && last(&coalesced) > 10_000 && last(&shed) < 100,
        "{} {} {}",
        last(&herd),
        last(&coalesced),
        last(&shed)
    );
}

#[test]
fn an_active_passive_failover_loses_its_window_and_the_lag_then_serves_from_afar() {
    let lost = report(
        PRESETS
            .iter()
            .find(|p| p.name.starts_with("Active-passive"))
            .unwrap()
            .query,
    )
    .1;
    let s = &lost.system;
    // Failures fall between the loss (20 s) and routing's move (10 s later), and none after.
    let failed = |r: std::ops::Range<usize>| s.timeline[r].iter().map(|x| u64::from(x.failed)).sum::<u64>();
    assert_eq!(failed(20..31), s.outcomes.failed());
    assert!(s.outcomes.down > 0 && s.lost_writes > 0);
    // Afterwards every request crosses the Atlantic: each second's p99 is above the round trip.
    let p99 = |r: std::ops::Range<usize>| s.timeline[r].iter().map(|x| f64::from(x.p99)).fold(0.0, f64::max);
    assert!(p99(2..20) < f64::from(RTT_MS[0][1]) + 40.0);
    assert!(s.timeline[32..60]
        .iter()
        .all(|x| f64::from(x.p99) > f64::from(RTT_MS[0][1])));
}

#[test]
fn the_slo_search_brackets_the_largest_user_count() {
    let (_, r) = report(PRESETS[0].query);
    let slo = &r.slo;
    assert!(slo.max_users > 0 && slo.max_users < 10_000_000);
    let met = slo.trials.iter().filter(|t| t.met).map(|t| t.users).max().unwrap();
    let failed = slo.trials.iter().filter(|t| !t.met).map(|t| t.users).min().unwrap();
    assert_eq!(met, slo.max_users);
    assert!(failed > met && (failed as f64 / met as f64) < 1.05, "{met} … {failed}");
}

#[test]
fn a_link_gives_one_report() {
    let q = PRESETS[2].query;
    assert_eq!(report(q).1, report(q).1);
}

mod links {
    use std::fmt::Write;

    use proptest::prelude::*;
    use shardscope_core::labs::system::{Params, FIELDS};
    use shardscope_core::labs::LabParams;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Any link whose numbers are each within their ranges repairs to a state the
        /// simulation accepts, and that state's link reads back to itself.
        #[test]
        fn every_link_repairs_to_a_valid_design(
            picks in proptest::collection::vec(0.0f64..1.0, FIELDS.len()),
            db in 0..2usize, lb in 0..4usize, fault in 0..6usize, mode in 0..2usize,
        ) {
            let mut q = format!(
                "v=1&db={}&lb={}&fault={}&dcmode={}",
                ["server", "separate"][db],
                ["none", "rr", "lc", "p2c"][lb],
                ["none", "server", "flush", "primary", "dc", "slowdown"][fault],
                ["passive", "active"][mode],
            );
            for (f, pick) in FIELDS.iter().zip(&picks) {
                let (_, name, _, lo, hi, _) = *f;
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let v = lo + ((f64::from(hi - lo) + 1.0) * pick).floor().min(f64::from(hi - lo)) as u32;
                write!(q, "&{name}={v}").unwrap();
            }
            let (p, _) = Params::from_query(&q);
            prop_assert!(p.design().check().is_ok(), "{q}: {:?}", p.design().check());
            prop_assert_eq!(Params::from_query(&p.to_query()), (p.clone(), vec![]));
        }
    }
}
