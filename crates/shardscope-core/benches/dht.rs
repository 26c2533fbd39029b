//! How fast the DHT lab's overlays build, route and repair at 100,000 nodes.
//!
//! Run with `cargo bench -p shardscope-core --bench dht`; results are recorded in
//! docs/benchmarks.md.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use shardscope_core::dht::chord::Chord;
use shardscope_core::dht::kademlia::Kademlia;
use shardscope_core::dht::onehop::OneHop;
use shardscope_core::dht::{Identifiers, Overlay, Space};
use shardscope_core::hash::hash_u64;

const NODES: u32 = 100_000;
const LOOKUPS: u64 = 1_000;

fn ids(nodes: u32) -> Identifiers {
    Identifiers::draw(Space::new(64).unwrap(), 1, nodes, 1).unwrap()
}

/// Routes `LOOKUPS` seeded lookups and returns the hops, so nothing is optimised away.
fn route(net: &dyn Overlay, nodes: u32) -> u64 {
    (0..LOOKUPS)
        .map(|i| {
            let from = u32::try_from(hash_u64(2, i) % u64::from(nodes)).unwrap();
            u64::from(net.lookup(from, hash_u64(3, i), None).hops)
        })
        .sum()
}

fn dht(c: &mut Criterion) {
    let mut g = c.benchmark_group("dht");
    g.sample_size(10);
    let ids = ids(NODES);
    g.bench_function("chord build, 100,000 nodes, exact fingers", |b| {
        b.iter(|| Chord::converged(black_box(ids.clone()), 8));
    });
    g.throughput(Throughput::Elements(LOOKUPS));
    let chord = Chord::converged(ids.clone(), 8);
    g.bench_function("chord lookups, 100,000 nodes", |b| b.iter(|| route(&chord, NODES)));
    let kademlia = Kademlia::converged(ids.clone(), 20, 3, 1);
    g.bench_function("kademlia lookups, 100,000 nodes, k = 20, alpha = 3", |b| {
        b.iter(|| route(&kademlia, NODES));
    });
    let onehop = OneHop::converged(ids.clone());
    g.bench_function("one-hop lookups, 100,000 nodes", |b| b.iter(|| route(&onehop, NODES)));
    g.throughput(Throughput::Elements(u64::from(NODES)));
    // One maintenance round after 1 % of the nodes failed: every live node stabilizes and fixes
    // all its fingers.
    let mut failed = Chord::converged(ids, 8);
    let dead: Vec<u32> = (0..NODES).filter(|s| s % 100 == 0).collect();
    failed.fail(&dead);
    g.bench_function("chord maintenance round, 100,000 nodes, 1 % failed", |b| {
        b.iter_batched(
            || failed.clone(),
            |mut ring| ring.maintenance_round(),
            BatchSize::LargeInput,
        );
    });
    // Kademlia's maintenance under churn: with its buckets held as state, every live node of
    // the churn presets' 500 refreshes each bucket by a lookup, after 1 % failed.
    let small = ids_of(500);
    let mut held = Kademlia::converged(small, 20, 3, 1);
    held.hold_tables();
    held.fail(&[0, 100, 200, 300, 400]);
    g.throughput(Throughput::Elements(500));
    g.bench_function(
        "kademlia bucket refresh round, 500 nodes, held tables, 1 % failed",
        |b| {
            b.iter_batched(|| held.clone(), |mut net| net.maintain(), BatchSize::LargeInput);
        },
    );
    g.finish();
}

fn ids_of(nodes: u32) -> Identifiers {
    Identifiers::draw(Space::new(32).unwrap(), 1, nodes, 1).unwrap()
}

criterion_group!(benches, dht);
criterion_main!(benches);
