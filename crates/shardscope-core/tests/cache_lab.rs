//! The Caching lab's model under any commands and any link: the state stays valid, its
//! computation's counts add up and OPT stays the floor.

// proptest is native-only; wasm32 runs the known-answer file.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use shardscope_core::cache::Policy;
use shardscope_core::labs::cache::{Command, Distribution, Model, Params};
use shardscope_core::labs::{run_to_end, Computes, LabParams};

fn command(kind: u8, value: u32) -> Command {
    match kind % 11 {
        0 => Command::Toggle(Policy::ALL[value as usize % Policy::ALL.len()]),
        1 => Command::SetAlpha(value % 300),
        2 => Command::SetObjects(value % 3_000),
        3 => Command::SetRequests(value % 30_000),
        4 => Command::SetScan(value % 120),
        5 => Command::SetScanLen(value % 2_000),
        6 => Command::SetShift(value % 120),
        7 => Command::SetOneHit(value % 120),
        8 => Command::SetSize(value % 5_000),
        9 => Command::SetCurve(value.is_multiple_of(2)),
        _ => Command::SetDistribution(if value.is_multiple_of(2) {
            Distribution::Zipf
        } else {
            Distribution::Uniform
        }),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever a user does, the state stays valid (its computation starts and ends, its
    /// counts add up, OPT is the floor) and its link reads back as the same state.
    #[test]
    fn any_commands_leave_a_valid_model(commands in proptest::collection::vec((any::<u8>(), any::<u32>()), 0..12)) {
        let mut m = Model::new(Params { objects: 1_000, requests: 10_000, size: 50, ..Params::default() });
        for (kind, value) in commands {
            m.apply(command(kind, value));
        }
        let p = m.params.clone();
        prop_assert!(!p.policies.is_empty() && p.policies.len() <= 6 && p.size >= 1);
        let (back, problems) = Params::from_query(&p.to_query());
        prop_assert_eq!(&back, &p);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        let r = run_to_end(p.start().expect("a valid state starts"));
        prop_assert_eq!(r.policies.len(), p.policies.len());
        let opt = r.policies.iter().find(|x| x.policy == Policy::Opt).map(|x| x.misses);
        for x in &r.policies {
            prop_assert_eq!(x.hits + x.misses, u64::from(r.counted));
            prop_assert!(x.misses >= r.cold, "{:?} misses fewer than the first uses", x.policy);
            prop_assert!(x.curve.iter().all(|c| (0.0..=1.0).contains(&c.miss_ratio)));
            if let Some(o) = opt {
                prop_assert!(o <= x.misses, "OPT {} > {:?} {}", o, x.policy, x.misses);
            }
        }
    }

    #[test]
    fn any_query_gives_valid_params(input in ".{0,160}") {
        let (p, _) = Params::from_query(&input);
        prop_assert!(!p.policies.is_empty() && p.policies.len() <= 6 && p.size >= 1 && p.size <= p.most_objects());
    }
}
