//! Where the message bus loses, duplicates and reorders messages: each lesson of the delivery
//! model checked message by message, and exactly-once property-tested under every crash point.

// proptest is native-only; wasm32 runs the known-answer file.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use shardscope_core::bus::delivery::{run, Acks, Failure, Outcome, Scenario, Semantics};

const CALM: Scenario = Scenario::CALM;

fn ids(range: std::ops::RangeInclusive<u32>) -> Vec<u32> {
    range.collect()
}

fn clean(o: &Outcome) -> bool {
    o.lost.is_empty() && o.duplicated.is_empty() && o.out_of_order.is_empty() && o.refused.is_empty()
}

#[test]
fn nothing_fails_nothing_is_lost() {
    let o = run(&CALM).unwrap();
    assert!(clean(&o));
    assert_eq!(o.output, (0..1000).collect::<Vec<u32>>());
}

#[test]
fn acks_one_loses_acknowledged_messages_the_followers_had_not_copied() {
    // Followers 10 ticks behind have 0..=490 when the leader dies at tick 500; 491..=498 were
    // answered; 499's answer was due at 500, so the producer sends it again.
    let s = Scenario {
        acks: Acks::One,
        idempotent: false,
        lag: 10,
        broker_crash: Some(500),
        ..CALM
    };
    let o = run(&s).unwrap();
    assert_eq!(o.acked_lost, ids(491..=498));
    assert_eq!(o.lost, o.acked_lost);
    assert!(o.duplicated.is_empty());
}

#[test]
fn acks_zero_loses_silently() {
    let s = Scenario {
        acks: Acks::Zero,
        idempotent: false,
        lag: 10,
        broker_crash: Some(500),
        ..CALM
    };
    let o = run(&s).unwrap();
    assert_eq!(o.lost, ids(491..=499));
    assert!(o.acked_lost.is_empty(), "nothing was ever acknowledged");
}

#[test]
fn acks_all_keeps_every_acknowledged_message_and_idempotence_drops_the_retries_copies() {
    let crash = Scenario {
        lag: 10,
        broker_crash: Some(500),
        ..CALM
    };
    assert!(clean(&run(&crash).unwrap()));
    // Without idempotence, what the followers had copied (up to 490) but the leader had not
    // yet answered (an answer waits the 10-tick lag) is sent again: the last requests before
    // the crash, a run of messages ending at 490.
    let o = run(&Scenario {
        idempotent: false,
        ..crash
    })
    .unwrap();
    let first = *o.log_duplicates.first().expect("some are sent twice");
    assert_eq!(o.log_duplicates, ids(first..=490));
    assert_eq!(o.duplicated, o.log_duplicates);
    assert!(o.lost.is_empty());
}

#[test]
fn min_insync_equal_to_replicas_refuses_writes_after_a_broker_dies() {
    let o = run(&Scenario {
        min_insync: 3,
        broker_crash: Some(500),
        ..CALM
    })
    .unwrap();
    assert!(o.lost.is_empty() && o.duplicated.is_empty(), "nothing is lost silently");
    assert_eq!(o.refused.first(), Some(&497));
    assert_eq!(
        o.refused.len(),
        503,
        "every message from the first unanswered one on is refused"
    );
    assert!(
        o.output.contains(&497),
        "a refused send can still be in the log: its copy had arrived"
    );
}

#[test]
fn a_lost_request_reorders_only_with_several_in_flight_and_no_idempotence() {
    let lost = Scenario {
        idempotent: false,
        request_failure: Some((300, Failure::Lost)),
        ..CALM
    };
    let o = run(&lost).unwrap();
    assert_eq!(o.out_of_order, [300]);
    let at = o.log.iter().position(|&x| x == 300).unwrap();
    // Its retry waits out the 10-tick timeout, while 301 to 309 go ahead of it.
    assert_eq!(&o.log[at - 1..=at + 1], &[309, 300, 310]);
    assert!(run(&Scenario { in_flight: 1, ..lost }).unwrap().out_of_order.is_empty());
    let idempotent = run(&Scenario {
        request_failure: Some((300, Failure::Lost)),
        ..CALM
    })
    .unwrap();
    assert!(clean(&idempotent));
    let unanswered = Scenario {
        idempotent: false,
        request_failure: Some((300, Failure::Unanswered)),
        ..CALM
    };
    assert_eq!(run(&unanswered).unwrap().duplicated, [300]);
    assert!(clean(
        &run(&Scenario {
            idempotent: true,
            ..unanswered
        })
        .unwrap()
    ));
}

#[test]
fn the_consumers_commit_decides_between_a_gap_and_a_repeat() {
    // Polls of 100; the consumer dies after processing 250 messages, halfway through 200..=299.
    let crash = Scenario {
        consumer_crash: Some(250),
        ..CALM
    };
    let most = run(&Scenario {
        semantics: Semantics::AtMostOnce,
        ..crash
    })
    .unwrap();
    assert_eq!(
        (most.lost.clone(), most.skipped.clone()),
        (ids(250..=299), ids(250..=299))
    );
    let least = run(&Scenario {
        semantics: Semantics::AtLeastOnce,
        ..crash
    })
    .unwrap();
    assert_eq!(least.duplicated, ids(200..=249));
    assert!(least.lost.is_empty());
    assert!(clean(
        &run(&Scenario {
            semantics: Semantics::ExactlyOnce,
            ..crash
        })
        .unwrap()
    ));
}

#[test]
fn settings_kafka_refuses_are_refused_with_a_reason() {
    let cases = [
        (Scenario { messages: 0, ..CALM }, "messages must be 1 to 100000, not 0"),
        (
            Scenario { min_insync: 4, ..CALM },
            "min.insync.replicas must be 1 to 3, not 4",
        ),
        (
            Scenario {
                acks: Acks::One,
                ..CALM
            },
            "an idempotent producer needs acks=all",
        ),
        (Scenario { in_flight: 6, ..CALM }, "at most 5 requests in flight"),
        (
            Scenario {
                idempotent: false,
                semantics: Semantics::ExactlyOnce,
                ..CALM
            },
            "exactly-once needs an idempotent producer",
        ),
    ];
    for (s, want) in cases {
        let got = run(&s).unwrap_err();
        assert!(got.contains(want), "{got:?} should say {want:?}");
    }
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        (1u32..400, 1u32..=5, 0u32..20, 1u32..30, 1u32..=5, 1u32..50),
        (
            prop::option::of(0u32..500),
            prop::option::of((0u32..400, any::<bool>())),
            prop::option::of(0u32..500),
        ),
        (0usize..3, 0usize..3, any::<bool>(), any::<u32>()),
    )
        .prop_map(
            |((messages, replicas, lag, failover, in_flight, batch), (crash, failure, consumer), (a, m, idem, isr))| {
                Scenario {
                    messages,
                    replicas,
                    min_insync: 1 + isr % replicas,
                    lag,
                    acks: [Acks::Zero, Acks::One, Acks::All][a],
                    idempotent: idem,
                    in_flight,
                    semantics: [Semantics::AtMostOnce, Semantics::AtLeastOnce, Semantics::ExactlyOnce][m],
                    batch,
                    broker_crash: crash,
                    failover,
                    request_failure: failure
                        .map(|(at, lost)| (at, if lost { Failure::Lost } else { Failure::Unanswered })),
                    consumer_crash: consumer,
                }
            },
        )
}

proptest! {
    #[test]
    fn exactly_once_neither_loses_nor_duplicates_under_any_crash(s in scenario()) {
        let s = Scenario { acks: Acks::All, idempotent: true, semantics: Semantics::ExactlyOnce, ..s };
        let o = run(&s).unwrap();
        prop_assert!(o.lost.is_empty(), "lost {:?}", o.lost);
        prop_assert!(o.duplicated.is_empty(), "duplicated {:?}", o.duplicated);
        prop_assert!(o.out_of_order.is_empty(), "out of order {:?}", o.out_of_order);
    }

    #[test]
    fn every_message_is_accounted_for_and_no_setting_panics(s in scenario()) {
        let Ok(o) = run(&s) else { return Ok(()) };
        let mut seen = vec![0u32; s.messages as usize];
        for &id in &o.output {
            seen[id as usize] += 1;
        }
        for id in 0..s.messages {
            let out = seen[id as usize];
            let lost = o.lost.contains(&id);
            prop_assert!(out > 0 || lost || o.refused.contains(&id), "message {id} vanished");
            prop_assert_eq!(lost, out == 0 && !o.refused.contains(&id));
            prop_assert_eq!(o.duplicated.contains(&id), out > 1);
        }
        prop_assert!(o.acked_lost.iter().chain(&o.skipped).all(|id| o.lost.contains(id)));
        if s.acks != Acks::Zero && s.semantics != Semantics::AtMostOnce {
            prop_assert!(o.skipped.is_empty());
        }
    }
}
