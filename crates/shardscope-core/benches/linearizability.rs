//! How long the linearizability checker takes on simulated histories of 500 operations.
//!
//! Run with `cargo bench -p shardscope-core --bench linearizability`; results are recorded in
//! docs/benchmarks.md.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use shardscope_core::linearizability::{check, Operation};
use shardscope_core::partition::{workload, Config, Level, Mode, Nemesis, Sim};

fn history(mode: Mode, keys: u32) -> Vec<Operation> {
    let config = Config {
        nodes: 5,
        dcs: 1,
        local_latency: 2,
        remote_latency: 10,
        loss_percent: 5,
        timeout: 60,
        mode,
        seed: 9,
    };
    // Operations every 3 ticks with round trips of 4–8 ticks: several overlap at any time.
    let requests = workload(9, 5, keys, 500, 3);
    let nemesis = [(300, Nemesis::Split(vec![0, 0, 1, 1, 1])), (900, Nemesis::HealAll)];
    let mut sim = Sim::new(config, &requests, &nemesis);
    sim.run();
    sim.checkable().into_iter().map(|(_, op)| op).collect()
}

fn checker(c: &mut Criterion) {
    let abd = history(Mode::Abd, 1);
    let sloppy = history(
        Mode::Leaderless {
            n: 3,
            r: Level::Count(1),
            w: Level::Count(1),
            read_repair: false,
            sloppy: false,
            siblings: false,
        },
        1,
    );
    for (name, h) in [("abd", &abd), ("r1w1", &sloppy)] {
        let verdict = match check(h) {
            shardscope_core::linearizability::Verdict::Linearizable => "linearizable".to_string(),
            shardscope_core::linearizability::Verdict::NotLinearizable { prefix, .. } => {
                format!("not linearizable after a prefix of {}", prefix.len())
            }
        };
        eprintln!("{name}: {} checkable operations, {verdict}", h.len());
    }
    c.bench_function("check_500_ops_one_register_abd_linearizable", |b| {
        b.iter(|| check(black_box(&abd)));
    });
    c.bench_function("check_500_ops_one_register_r1w1", |b| {
        b.iter(|| check(black_box(&sloppy)));
    });
}

criterion_group!(benches, checker);
criterion_main!(benches);
