//! The Message bus lab: each preset's lesson states only numbers the lab computes, and the claims
//! each lesson makes hold; links round-trip and bad ones are repaired with a reason.

// Native only, as every lab test; wasm32 runs the known-answer file.
#![cfg(not(target_arch = "wasm32"))]

mod lessons;

use std::collections::BTreeMap;

use lessons::{assert_lessons_state_computed_numbers, whole};
use shardscope_core::bus::assign::Assignor;
use shardscope_core::labs::bus::{stage, Command, Model, Params, Report, Status, FIELDS, MAX_STEP, PRESETS};
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

/// How many partitions are in state `s` at step `step` of `flow`'s rebalance.
fn count(flow: &shardscope_core::bus::flow::FlowReport, step: u32, s: Status) -> usize {
    stage(flow, step).status.iter().filter(|&&x| x == s).count()
}

#[test]
fn stepping_a_rebalance_shows_what_each_protocol_revokes_and_when() {
    // "Eager vs cooperative": sticky and cooperative sticky move the same 3 of 24 partitions.
    let (_, r) = report(PRESETS[2].query);
    let [eager, cooperative] = [&r.flows[0], &r.flows[1]];
    assert_eq!(
        (eager.assignor, cooperative.assignor),
        (Assignor::Sticky, Assignor::CooperativeSticky)
    );
    for f in [eager, cooperative] {
        let rb = f.rebalance.as_ref().unwrap();
        // The outcome: the moved partitions, and nothing waits.
        assert_eq!(count(f, 0, Status::Moved), rb.movement.moved as usize);
        assert_eq!(count(f, 0, Status::Paused), 0);
        // At the change itself, a join stops nobody yet.
        assert_eq!(count(f, 1, Status::Paused), 0);
        // A step past the last shows the last, which is the outcome.
        assert_eq!(stage(f, MAX_STEP).owners, f.owner_after);
        assert_eq!(stage(f, MAX_STEP).status, stage(f, 0).status);
    }
    // Round 1 joined: eager sticky has revoked all 24; cooperative still consumes all of them.
    assert_eq!(count(eager, 3, Status::Paused), 24);
    assert_eq!(count(cooperative, 3, Status::Paused), 0);
    // Round 1 synced: eager is done; cooperative has revoked only the 3 that move, and every
    // other partition is with its first owner.
    assert_eq!(count(eager, 4, Status::Paused), 0);
    assert_eq!(count(cooperative, 4, Status::Paused), 3);
    assert_eq!(count(cooperative, 4, Status::Kept), 21);
    assert_eq!(eager.rebalance.as_ref().unwrap().timeline.steps.len(), 4);
    assert_eq!(cooperative.rebalance.as_ref().unwrap().timeline.steps.len(), 6);
    // Round 2 synced: the 3 are consumed by the joiner (identity 6).
    let last = stage(cooperative, 6);
    let moved: Vec<u32> = last
        .owners
        .iter()
        .zip(&last.status)
        .filter(|&(_, &s)| s == Status::Moved)
        .map(|(&o, _)| o)
        .collect();
    assert_eq!(moved, [6, 6, 6]);
    // Each partition's state at each step agrees with the windows the flow paused it by.
    for f in [eager, cooperative] {
        let rb = f.rebalance.as_ref().unwrap();
        for (k, s) in rb.timeline.steps.iter().enumerate() {
            let st = stage(f, u32::try_from(k).unwrap() + 1);
            assert_eq!(st.step, Some(*s));
            for (p, &(from, until)) in rb.windows.iter().enumerate() {
                assert_eq!(
                    st.status[p] == Status::Paused,
                    from <= s.at && s.at < until,
                    "partition {p} at {s:?}"
                );
            }
        }
    }
}

#[test]
fn a_crash_pauses_its_partitions_from_the_change_and_growth_adds_new_ones() {
    let q = PRESETS[2].query.replace("change=join", "change=crash");
    let (p, r) = report(&q);
    let crashed = p.flow().departed().unwrap();
    for f in &r.flows {
        let theirs = f.owner_before.iter().filter(|&&o| o == crashed).count();
        assert!(theirs > 0);
        // Until the session times out (step 2, detected) only the crashed consumer's wait.
        assert_eq!(count(f, 1, Status::Paused), theirs);
        assert!(!stage(f, 0).owners.contains(&crashed));
    }
    let (_, r) = report(PRESETS[6].query);
    for f in &r.flows {
        // 12 partitions grow to 16: the 4 new ones wait for an owner, then are new.
        assert!(count(f, 1, Status::Paused) >= 4);
        assert_eq!(count(f, 0, Status::New), 4);
    }
}

#[test]
fn the_step_is_in_the_link_and_needs_a_change() {
    let (p, problems) = Params::from_query(&PRESETS[2].query.replace("step=0", "step=4"));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(p.step, 4);
    assert_eq!(Params::from_query(&p.to_query()).0, p);
    let (p, problems) = Params::from_query(&PRESETS[0].query.replace("step=0", "step=3"));
    assert_eq!(p.step, 0);
    assert!(
        format!("{problems:?}").contains("no rebalance to step through"),
        "{problems:?}"
    );
    let mut m = Model::default();
    m.apply(Command::Step(MAX_STEP + 1));
    assert!(m.notice.as_deref().unwrap().contains("step must be 0–6"));
}

#[test]
fn a_broker_crash_moves_the_leaderships_it_held_and_leaves_its_replicas_under_replicated() {
    // "acks=1 and a broker dies": 12 partitions on 3 brokers, 3 replicas each.
    let (_, r) = report(PRESETS[4].query);
    let c = &r.cluster;
    let f = c.failover.as_ref().expect("the preset crashes a broker");
    assert_eq!(f.dead, c.replicas[0][0], "the followed partition's leader dies");
    assert_eq!(f.led_before, [4, 4, 4]);
    assert!((c.leaders_mean - 4.0).abs() < 1e-12);
    assert_eq!(f.moved_leaders, 4);
    // Every partition has a replica on every broker, so all 12 lose one, as P·RF/B says.
    assert!((f64::from(f.under_replicated) - c.under_replicated_theory).abs() < 1e-9);
    assert_eq!((f.offline, f.below_min_insync), (0, 0));
    assert_eq!(f.led_after.iter().sum::<u32>(), 12);
    // Without a broker crash there is no failover; the replicas are still placed.
    let (_, r) = report(PRESETS[5].query);
    assert!(r.cluster.failover.is_none());
    assert_eq!(r.cluster.replicas.len(), 12);
    // More replicas than brokers is repaired with a reason.
    let (p, problems) = Params::from_query("v=1&brokers=2&replicas=5&minisr=2");
    assert_eq!(p.get(shardscope_core::labs::bus::Field::Replicas), 2);
    assert!(
        format!("{problems:?}").contains("5 replicas need 5 brokers, and there are 2"),
        "{problems:?}"
    );
}

#[test]
fn the_lag_by_partition_adds_up_to_the_total_lag_at_every_bucket() {
    for preset in PRESETS {
        let (_, r) = report(preset.query);
        for f in &r.flows {
            let m = &f.lag_map;
            let partitions = u32::try_from(f.owner_after.len()).unwrap();
            assert_eq!(m.rows, partitions.div_ceil(m.per_row), "{}", preset.name);
            assert!(m.rows <= shardscope_core::bus::flow::MAX_LAG_ROWS);
            assert_eq!(m.values.len(), f.lag.len() * m.rows as usize, "{}", preset.name);
            for (b, &total) in f.lag.iter().enumerate() {
                let rows = &m.values[b * m.rows as usize..(b + 1) * m.rows as usize];
                assert_eq!(rows.iter().sum::<u64>(), total, "{}, bucket {b}", preset.name);
            }
        }
    }
    // A crash: until the session times out, the crashed consumer's partitions alone pile up.
    let crash = PRESETS[2].query.replace("change=join", "change=crash");
    let (params, r) = report(&crash);
    let crashed = params.flow().departed().unwrap();
    let flow = &r.flows[0];
    let map = &flow.lag_map;
    assert_eq!(map.per_row, 1);
    let at = (5_000 + 40_000) / usize::try_from(flow.bucket_ms).unwrap();
    let lags = &map.values[at * map.rows as usize..(at + 1) * map.rows as usize];
    let top = *lags.iter().max().unwrap();
    for (part, &lag) in lags.iter().enumerate() {
        if flow.owner_before[part] == crashed {
            assert!(lag > top / 2, "partition {part} of the crashed consumer: {lags:?}");
        } else {
            assert!(lag < top / 10, "partition {part}: {lags:?}");
        }
    }
}
