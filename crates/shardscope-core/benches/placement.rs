//! Native placement throughput of every algorithm, through the same batch API the labs use.
//!
//! Run with `cargo bench -p shardscope-core --bench placement`; results are recorded in
//! `docs/numbers.md`. The seed document repeats the jump-hash paper's claim that jump hash is
//! faster than a ring lookup; this benchmark measures that claim on this code.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shardscope_core::hash::KeySet;
use shardscope_core::placement::{Algorithm, NodeId, Settings};

const KEYS: u32 = 100_000;

fn place_batch(c: &mut Criterion) {
    let keys: Vec<u64> = {
        let set = KeySet::new(1, KEYS.into());
        (0..u64::from(KEYS)).map(|i| set.key(i)).collect()
    };
    let mut out = vec![0; keys.len()];
    let mut group = c.benchmark_group("place_batch_100k_keys");
    group.throughput(Throughput::Elements(KEYS.into()));
    for nodes in [8u32, 64, 1000] {
        let ids: Vec<NodeId> = (0..nodes).collect();
        for (name, (algorithm, settings)) in [
            ("modn", (Algorithm::ModN, Settings::DEFAULT)),
            (
                "ring_100_vnodes",
                (
                    Algorithm::Ring,
                    Settings {
                        vnodes: 100,
                        ..Settings::DEFAULT
                    },
                ),
            ),
            ("rendezvous", (Algorithm::Rendezvous, Settings::DEFAULT)),
            ("jump", (Algorithm::Jump, Settings::DEFAULT)),
        ] {
            // Rendezvous is O(nodes) per key; at 1000 nodes one iteration takes seconds.
            if name == "rendezvous" && nodes > 64 {
                continue;
            }
            let placement = algorithm.build(&settings, 1, &ids).expect("valid node list");
            group.bench_with_input(BenchmarkId::new(name, nodes), &nodes, |b, _| {
                b.iter(|| placement.place_batch(black_box(&keys), &mut out));
            });
        }
    }
    group.finish();
}

fn build_ring(c: &mut Criterion) {
    let ids: Vec<NodeId> = (0..64).collect();
    c.bench_function("build_ring_64_nodes_1000_vnodes", |b| {
        b.iter(|| {
            let settings = Settings {
                vnodes: 1000,
                ..Settings::DEFAULT
            };
            Algorithm::Ring.build(&settings, black_box(1), &ids).expect("valid")
        });
    });
}

criterion_group!(benches, place_batch, build_ring);
criterion_main!(benches);
