//! The linearizability checker on hand-written histories with known verdicts, and against a
//! brute-force search over every order on small random histories.

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use shardscope_core::linearizability::{check, OpKind, OpKind::*, Operation, Verdict, INITIAL};

fn op(kind: OpKind, invoked: u64, completed: u64) -> Operation {
    Operation {
        key: 0,
        kind,
        invoked,
        completed: Some(completed),
    }
}

fn linearizable(h: &[Operation]) -> bool {
    check(h) == Verdict::Linearizable
}

#[test]
fn known_linearizable_histories() {
    assert!(linearizable(&[]));
    assert!(linearizable(&[op(Read(INITIAL), 0, 1)]));
    // Sequential write then read.
    assert!(linearizable(&[op(Write(1), 0, 1), op(Read(1), 2, 3)]));
    // A read overlapping a write may see either value.
    assert!(linearizable(&[
        op(Write(1), 0, 10),
        op(Read(0), 1, 2),
        op(Read(1), 3, 4)
    ]));
    // Two overlapping writes; later reads agree on the one that won.
    assert!(linearizable(&[
        op(Write(1), 0, 10),
        op(Write(2), 0, 10),
        op(Read(1), 11, 12),
        op(Read(1), 13, 14)
    ]));
    // A write that never completed may have happened...
    let pending = Operation {
        key: 0,
        kind: Write(7),
        invoked: 0,
        completed: None,
    };
    assert!(linearizable(&[pending, op(Read(7), 5, 6)]));
    // ...or not.
    assert!(linearizable(&[pending, op(Read(0), 5, 6)]));
    // Independent keys are checked independently.
    let other = Operation {
        key: 1,
        ..op(Read(0), 20, 21)
    };
    assert!(linearizable(&[op(Write(1), 0, 1), other]));
}

#[test]
fn known_non_linearizable_histories() {
    // Stale read after a completed write.
    match check(&[op(Write(1), 0, 1), op(Read(0), 2, 3)]) {
        Verdict::NotLinearizable { key, prefix, blocked } => {
            assert_eq!((key, blocked), (0, 1));
            assert_eq!(prefix, vec![0]);
        }
        Verdict::Linearizable => panic!("a stale read is not linearizable"),
    }
    // New-then-old inversion: one reader sees 1, a later reader sees 0 again (the R + W > N
    // without read repair anomaly).
    assert!(!linearizable(&[
        op(Write(1), 0, 100),
        op(Read(1), 10, 20),
        op(Read(0), 30, 40)
    ]));
    // A value nobody wrote.
    assert!(!linearizable(&[op(Write(1), 0, 1), op(Read(9), 2, 3)]));
    // Two sequential writes, then a read of the first.
    assert!(!linearizable(&[
        op(Write(1), 0, 1),
        op(Write(2), 2, 3),
        op(Read(1), 4, 5)
    ]));
    // A violation on key 1 is found and named although key 0 is fine.
    let h = [
        op(Write(1), 0, 1),
        Operation {
            key: 1,
            ..op(Write(5), 0, 1)
        },
        Operation {
            key: 1,
            ..op(Read(0), 2, 3)
        },
    ];
    assert!(matches!(check(&h), Verdict::NotLinearizable { key: 1, blocked: 2, .. }));
}

/// Every order of the operations, checked directly: the definition of linearizability.
fn brute_force(h: &[Operation]) -> bool {
    fn extend(h: &[Operation], used: &mut Vec<bool>, order: &mut Vec<usize>, value: u64) -> bool {
        if order.len() == h.len() {
            return true;
        }
        for i in 0..h.len() {
            if used[i] {
                continue;
            }
            // i may go next only if no unplaced operation completed before i was invoked.
            let blocked = (0..h.len()).any(|j| !used[j] && j != i && h[j].completed.is_some_and(|c| c < h[i].invoked));
            if blocked {
                continue;
            }
            let next = match h[i].kind {
                Write(v) => v,
                Read(v) if v == value => value,
                Read(_) => continue,
            };
            used[i] = true;
            order.push(i);
            if extend(h, used, order, next) {
                return true;
            }
            used[i] = false;
            order.pop();
        }
        // Pending writes may also never happen: drop them when only they remain.
        let rest: Vec<usize> = (0..h.len()).filter(|&i| !used[i]).collect();
        !rest.is_empty() && rest.iter().all(|&i| h[i].completed.is_none())
    }
    extend(h, &mut vec![false; h.len()], &mut Vec::new(), INITIAL)
}

fn histories() -> impl Strategy<Value = Vec<Operation>> {
    prop::collection::vec((any::<bool>(), 0u64..3, 0u64..20, 1u64..10, 0u8..10), 0..7).prop_map(|ops| {
        ops.into_iter()
            .map(|(write, value, invoked, length, pending)| Operation {
                key: 0,
                kind: if write { Write(value) } else { Read(value) },
                invoked,
                // Now and then a write never completes.
                completed: (pending != 0 || !write).then_some(invoked + length),
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn agrees_with_brute_force(h in histories()) {
        prop_assert_eq!(linearizable(&h), brute_force(&h), "{:?}", h);
    }

    #[test]
    fn a_counterexample_names_a_real_operation(h in histories()) {
        if let Verdict::NotLinearizable { prefix, blocked, .. } = check(&h) {
            prop_assert!(blocked < h.len());
            prop_assert!(!prefix.contains(&blocked));
            prop_assert!(prefix.iter().all(|&i| i < h.len()));
        }
    }
}
