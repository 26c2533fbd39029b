//! How many events per second the whole-system simulation runs natively: the one-server step
//! (two events per request) and the message-bus step at 10,000,000 users (every tier, three
//! regions), each reported as simulated events per second.
//!
//! Run with `cargo bench -p shardscope-core --bench system`; results are recorded in
//! docs/benchmarks.md.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use shardscope_core::labs::system::{Params, PRESETS};
use shardscope_core::system::sim::Sim;

fn events(name: &str) -> (shardscope_core::system::design::Design, u64) {
    let preset = PRESETS.iter().find(|p| p.name == name).expect("a preset");
    let design = Params::from_query(preset.query).0.design();
    let mut sim = Sim::new(&design).unwrap();
    while !sim.advance(1 << 20) {}
    (design, sim.events())
}

fn simulate(c: &mut Criterion) {
    let mut g = c.benchmark_group("whole-system simulation");
    g.sample_size(10);
    for name in ["One server", "A message bus"] {
        let (design, count) = events(name);
        g.throughput(Throughput::Elements(count));
        g.bench_function(format!("{name}: {count} events"), |b| {
            b.iter(|| {
                let mut sim = Sim::new(black_box(&design)).unwrap();
                while !sim.advance(1 << 20) {}
                sim.finish()
            });
        });
    }
    g.finish();
}

criterion_group!(benches, simulate);
criterion_main!(benches);
