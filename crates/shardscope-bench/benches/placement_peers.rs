//! Placement speed of every Shardscope algorithm next to peer crates that implement the same
//! algorithm, at 10, 100, 1,000 and 10,000 nodes, side by side in one run; plus the jump hash vs
//! ring (1,000 vnodes) ratio up to 100,000 nodes and the lab's batch throughput.
//!
//! Run with `cargo bench -p shardscope-bench --bench placement_peers`; results are recorded in
//! docs/benchmarks.md.
//!
//! Single-key lookups start from a raw `u64` key for everyone, so each side pays for its own key
//! hash: ours is seeded XXH3, the peers use their crates' default hashers (SipHash for most).

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use maglev::ConsistentHasher;
use shardscope_core::hash::{hash_u64, KeySet};
use shardscope_core::placement::{Algorithm, NodeId, Placement, Settings};

const SIZES: [u32; 4] = [10, 100, 1_000, 10_000];
/// Keys cycled through by the single-key benchmarks (more than fit in L1, as in real lookups).
const LOOKUP_KEYS: usize = 1 << 14;
const SEED: u64 = 1;

fn raw_keys() -> Vec<u64> {
    (0..LOOKUP_KEYS as u64)
        .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5555)
        .collect()
}

fn configure(c: &mut Criterion) -> criterion::BenchmarkGroup<'_, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group("lookup");
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(1));
    group
}

/// One lookup per iteration, cycling through `keys`.
fn lookup_loop<F: FnMut(u64) -> u64>(b: &mut criterion::Bencher<'_>, keys: &[u64], mut f: F) {
    let mut i = 0usize;
    b.iter(|| {
        i = (i + 1) & (LOOKUP_KEYS - 1);
        black_box(f(black_box(keys[i])))
    });
}

/// An algorithm with one setting changed from the defaults.
fn configured(algorithm: Algorithm, change: impl FnOnce(&mut Settings)) -> (Algorithm, Settings) {
    let mut settings = Settings::DEFAULT;
    change(&mut settings);
    (algorithm, settings)
}

fn ours((algorithm, settings): (Algorithm, Settings), nodes: u32) -> Box<dyn Placement> {
    let ids: Vec<NodeId> = (0..nodes).collect();
    algorithm.build(&settings, SEED, &ids).expect("valid node list")
}

fn single_key(c: &mut Criterion) {
    let keys = raw_keys();
    let mut group = configure(c);
    for n in SIZES {
        let ids: Vec<u32> = (0..n).collect();

        let jump = ours((Algorithm::Jump, Settings::DEFAULT), n);
        group.bench_with_input(BenchmarkId::new("jump/shardscope", n), &n, |b, _| {
            lookup_loop(b, &keys, |k| u64::from(jump.place(hash_u64(SEED, k))));
        });
        let peer = jumphash::JumpHasher::new_with_keys(1, 2);
        group.bench_with_input(BenchmarkId::new("jump/jumphash", n), &n, |b, _| {
            lookup_loop(b, &keys, |k| u64::from(peer.slot(&k, n)));
        });

        for vnodes in [100u32, 1000] {
            // Ten million points at 10,000 nodes: both rings fit, and building them is the cost.
            let ring = ours(configured(Algorithm::Ring, |s| s.vnodes = vnodes), n);
            group.bench_with_input(BenchmarkId::new(format!("ring{vnodes}/shardscope"), n), &n, |b, _| {
                lookup_loop(b, &keys, |k| u64::from(ring.place(hash_u64(SEED, k))));
            });
            drop(ring);
            let mut peer: hashring::HashRing<(u32, u32)> = hashring::HashRing::new();
            peer.batch_add(ids.iter().flat_map(|&id| (0..vnodes).map(move |v| (id, v))).collect());
            group.bench_with_input(BenchmarkId::new(format!("ring{vnodes}/hashring"), n), &n, |b, _| {
                lookup_loop(b, &keys, |k| u64::from(peer.get(&k).expect("non-empty").0));
            });
        }

        let hrw = ours((Algorithm::Rendezvous, Settings::DEFAULT), n);
        group.bench_with_input(BenchmarkId::new("hrw/shardscope", n), &n, |b, _| {
            lookup_loop(b, &keys, |k| u64::from(hrw.place(hash_u64(SEED, k))));
        });
        let peer = hrw_hash::HrwNodes::new(ids.iter().copied());
        group.bench_with_input(BenchmarkId::new("hrw/hrw-hash", n), &n, |b, _| {
            lookup_loop(b, &keys, |k| u64::from(*peer.sorted(&k).next().expect("non-empty")));
        });

        let maglev_ours = ours(configured(Algorithm::Maglev, |s| s.table = 65_537), n);
        group.bench_with_input(BenchmarkId::new("maglev/shardscope", n), &n, |b, _| {
            lookup_loop(b, &keys, |k| u64::from(maglev_ours.place(hash_u64(SEED, k))));
        });
        let peer = maglev::Maglev::with_capacity(ids.clone(), 65_537);
        group.bench_with_input(BenchmarkId::new("maglev/maglev", n), &n, |b, _| {
            lookup_loop(b, &keys, |k| u64::from(*peer.get(&k).expect("non-empty")));
        });

        // mpchash fixes 23 probes; ours is given the same.
        let mp = ours(configured(Algorithm::MultiProbe, |s| s.probes = 23), n);
        group.bench_with_input(BenchmarkId::new("multiprobe/shardscope", n), &n, |b, _| {
            lookup_loop(b, &keys, |k| u64::from(mp.place(hash_u64(SEED, k))));
        });
        let peer = mpchash::HashRing::new();
        for &id in &ids {
            peer.add(id);
        }
        group.bench_with_input(BenchmarkId::new("multiprobe/mpchash", n), &n, |b, _| {
            lookup_loop(b, &keys, |k| u64::from(*peer.node(&k).expect("non-empty").node()));
        });

        // The anchorhash crate's capacity is a u16; both get an anchor of 2n buckets.
        let capacity = u16::try_from(2 * n).expect("at most 20,000");
        let anchor = ours(configured(Algorithm::Anchor, |s| s.capacity = u32::from(capacity)), n);
        group.bench_with_input(BenchmarkId::new("anchor/shardscope", n), &n, |b, _| {
            lookup_loop(b, &keys, |k| u64::from(anchor.place(hash_u64(SEED, k))));
        });
        let peer = anchorhash::Builder::default()
            .with_resources(ids.iter().copied())
            .build::<u64>(capacity);
        group.bench_with_input(BenchmarkId::new("anchor/anchorhash", n), &n, |b, _| {
            lookup_loop(b, &keys, |k| u64::from(*peer.get_resource(k).expect("non-empty")));
        });

        let modn = ours((Algorithm::ModN, Settings::DEFAULT), n);
        group.bench_with_input(BenchmarkId::new("modn/shardscope", n), &n, |b, _| {
            lookup_loop(b, &keys, |k| u64::from(modn.place(hash_u64(SEED, k))));
        });
    }
    group.finish();
}

/// The jump-hash paper's comparison: jump hash against a ring with 1,000 points per node, on
/// pre-hashed keys, up to 100,000 nodes (a 100-million-point ring, 1.6 GB).
fn jump_vs_ring(c: &mut Criterion) {
    let set = KeySet::new(SEED, LOOKUP_KEYS as u64);
    let keys: Vec<u64> = (0..LOOKUP_KEYS as u64).map(|i| set.key(i)).collect();
    let mut group = c.benchmark_group("jump_vs_ring1000");
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(1));
    for n in [1_000u32, 10_000, 100_000] {
        let jump = ours((Algorithm::Jump, Settings::DEFAULT), n);
        group.bench_with_input(BenchmarkId::new("jump", n), &n, |b, _| {
            lookup_loop(b, &keys, |k| u64::from(jump.place(k)));
        });
        let ring = ours(configured(Algorithm::Ring, |s| s.vnodes = 1000), n);
        group.bench_with_input(BenchmarkId::new("ring1000", n), &n, |b, _| {
            lookup_loop(b, &keys, |k| u64::from(ring.place(k)));
        });
    }
    group.finish();
}

/// The lab's own workload: `place_batch` over 16,384 pre-hashed keys.
fn batch(c: &mut Criterion) {
    let set = KeySet::new(SEED, LOOKUP_KEYS as u64);
    let keys: Vec<u64> = (0..LOOKUP_KEYS as u64).map(|i| set.key(i)).collect();
    let mut out = vec![0; keys.len()];
    let mut group = c.benchmark_group("batch_16k");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(LOOKUP_KEYS as u64));
    for n in SIZES {
        for (name, algorithm) in [
            ("modn", (Algorithm::ModN, Settings::DEFAULT)),
            ("ring100", configured(Algorithm::Ring, |s| s.vnodes = 100)),
            ("ring1000", configured(Algorithm::Ring, |s| s.vnodes = 1000)),
            ("hrw", (Algorithm::Rendezvous, Settings::DEFAULT)),
            ("jump", (Algorithm::Jump, Settings::DEFAULT)),
            ("maglev", configured(Algorithm::Maglev, |s| s.table = 65_537)),
            ("multiprobe21", configured(Algorithm::MultiProbe, |s| s.probes = 21)),
            ("anchor", configured(Algorithm::Anchor, |s| s.capacity = 2 * n)),
        ] {
            if name == "hrw" && n > 1_000 {
                continue; // 16,384 × 10,000 scores per iteration: the lab caps HRW's work instead.
            }
            let p = ours(algorithm, n);
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter(|| p.place_batch(black_box(&keys), &mut out));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, single_key, jump_vs_ring, batch);
criterion_main!(benches);
