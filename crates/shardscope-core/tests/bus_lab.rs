//! The Message bus lab: each preset's lesson states only numbers the lab computes, and the claims
//! each lesson makes hold; links round-trip and bad ones are repaired with a reason.

// Native only, as every lab test; wasm32 runs the known-answer file.
#![cfg(not(target_arch = "wasm32"))]

mod lessons;

use std::collections::BTreeMap;

use lessons::{assert_lessons_state_computed_numbers, whole};
use shardscope_core::bus::assign::Assignor;
use shardscope_core::labs::bus::{Params, Report, FIELDS, PRESETS};
use shardscope_core::labs::{run_to_end, Computes, LabParams};

fn report(query: &str) -> (Params, Report) {
    let (p, problems) = Params::from_query(query);
    assert!(problems.is_empty(), "{problems:?}");
    let r = run_to_end(p.start().unwrap());
    (p, r)
}

/// How many partitions each consumer owns, from a list of owners.
fn owned(owners: &[u32]) -> Vec<u32> {
    let mut counts: BTreeMap<u32, u32> = BTreeMap::new();
    for &o in owners {
        *counts.entry(o).or_default() += 1;
    }
    counts.into_values().collect()
}

/// Every number the report and the settings hold, written as lessons write them.
fn computed_numbers(params: &Params, report: &Report) -> Vec<String> {
    let mut values: Vec<f64> = FIELDS.iter().map(|f| f64::from(params.get(f.0))).collect();
    values.push(f64::from(params.get(shardscope_core::labs::bus::Field::Consumers) + 1));
    values.extend([report.theory.join_minimum, report.theory.idle_at_least].map(f64::from));
    let mut out = vec![shardscope_core::labs::cache::alpha_text(params.alpha_centi)];
    for flow in &report.flows {
        let counts = [
            flow.produced,
            flow.processed,
            flow.peak_lag.0,
            flow.peak_lag.1,
            flow.out_of_order,
        ];
        values.extend(counts.map(|x| x as f64));
        values.extend([flow.idle_consumers, flow.keys_out_of_order].map(f64::from));
        values.extend(flow.per_consumer.iter().map(|&x| x as f64));
        values.extend(
            owned(&flow.owner_before)
                .into_iter()
                .chain(owned(&flow.owner_after))
                .map(f64::from),
        );
        if let Some(rb) = &flow.rebalance {
            let (mv, tl) = (rb.movement, &rb.timeline);
            values.extend([mv.moved, mv.minimum, mv.revoked, mv.orphans].map(f64::from));
            let times = [
                tl.rounds,
                tl.done,
                tl.stalled_members,
                tl.longest_stall,
                tl.paused_partitions,
                tl.longest_pause,
            ];
            values.extend(times.map(f64::from));
            values.extend([tl.total_pause as f64, rb.expected_backlog]);
        }
        out.push(format!("{:.1}", flow.duration_ms as f64 / 1000.0));
    }
    for d in &report.delivery {
        values.extend([d.messages, d.output].map(f64::from));
        for (count, ids) in [
            &d.lost,
            &d.acked_lost,
            &d.skipped,
            &d.refused,
            &d.duplicated,
            &d.log_duplicates,
            &d.out_of_order,
        ] {
            values.push(f64::from(*count));
            values.extend(ids.iter().map(|&i| f64::from(i)));
        }
    }
    out.extend(values.into_iter().map(whole));
    out
}

#[test]
fn every_lesson_states_only_computed_numbers_and_its_claims_hold() {
    let mut computed = Vec::new();
    for preset in PRESETS {
        let (p, r) = report(preset.query);
        computed.extend(computed_numbers(&p, &r));
        let flow = |a: Assignor| r.flows.iter().find(|f| f.assignor == a).unwrap();
        match preset.name {
            "One consumer joins a group of 100" | "Eager vs cooperative rebalancing" => {
                let sticky = flow(Assignor::Sticky).rebalance.as_ref().unwrap();
                let coop = flow(Assignor::CooperativeSticky).rebalance.as_ref().unwrap();
                assert_eq!(sticky.movement.moved, r.theory.join_minimum, "sticky moves the minimum");
                assert_eq!(
                    coop.movement.revoked, coop.movement.moved,
                    "cooperative revokes only what moves"
                );
                assert_eq!(coop.timeline.stalled_members, 1, "only the joiner waits");
                assert!(coop.timeline.total_pause * 4 < sticky.timeline.total_pause);
            }
            "More consumers than partitions" => {
                assert!(r
                    .flows
                    .iter()
                    .all(|f| f.idle_consumers == r.theory.idle_at_least && f.idle_consumers == 2));
            }
            "Adding partitions breaks key order" => assert!(r.flows.iter().all(|f| f.out_of_order > 0)),
            _ => {}
        }
        let exactly = r.delivery.iter().find(|d| d.semantics == "exactly-once").unwrap();
        assert_eq!((exactly.lost.0, exactly.duplicated.0), (0, 0), "{}", preset.name);
        if !matches!(preset.name, "Adding partitions breaks key order") {
            assert!(
                r.flows.iter().all(|f| f.out_of_order == 0),
                "{}: P is fixed",
                preset.name
            );
        }
    }
    assert_lessons_state_computed_numbers(PRESETS, &computed);
}

#[test]
fn links_round_trip_and_bad_ones_are_repaired_with_a_reason() {
    let p = Params::default();
    assert_eq!(Params::from_query(&p.to_query()), (p, vec![]));
    let (p, problems) = Params::from_query(
        "v=1&assign=range,nosuch&topics=100&partitions=10000&acks=1&idem=1&minisr=5&replicas=2&change=grow&inflight=50",
    );
    assert_eq!(p.assignors, [Assignor::Range]);
    assert!(p.get(shardscope_core::labs::bus::Field::Partitions) * 100 <= 10_000);
    assert!(!p.idempotent);
    let text = format!("{problems:?}");
    for word in [
        "nosuch",
        "more than 10000 partitions",
        "single topic",
        "needs acks=all",
        "min.insync.replicas",
    ] {
        assert!(text.contains(word), "{word}: {text}");
    }
    assert!(p.start().is_ok(), "a repaired state always starts");
}

#[test]
fn runs_repeat_exactly_for_a_seed() {
    let (_, a) = report(PRESETS[2].query);
    let (_, b) = report(PRESETS[2].query);
    assert_eq!(a, b);
}
