//! Requests per second of every Shardscope cache policy next to peer crates with a comparable
//! policy (`lru` for LRU, `sieve-cache` for SIEVE, `quick_cache` for S3-FIFO-like CLOCK-Pro,
//! `moka` for W-TinyLFU), side by side in one run on the same requests; plus the one-pass LRU curve.
//!
//! Run with `cargo bench -p shardscope-bench --bench cache_peers`; results are recorded in
//! docs/benchmarks.md. Each iteration serves the whole trace from an empty cache: 1,000,000
//! Zipf(1.0) requests over 1,000,000 objects, a cache of 10,000. Our policies take dense object
//! numbers; the peers hash the same `u32` keys with their crates' default hashers. The hit ratio
//! each side reaches is printed once, so speed is never compared across different work unseen.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shardscope_core::cache::mattson::StackDistances;
use shardscope_core::cache::opt::next_uses;
use shardscope_core::cache::workload::{Generator, Popularity, Trace, Workload};
use shardscope_core::cache::Policy;

const CAPACITY: u32 = 10_000;

fn trace() -> Trace {
    Generator::generate(Workload {
        popularity: Popularity::Zipf { alpha_centi: 100 },
        objects: 1_000_000,
        requests: 1_000_000,
        scan_percent: 0,
        scan_len: 0,
        shift_percent: 0,
        one_hit_percent: 0,
        seed: 1,
    })
}

/// A peer's hits over the trace.
type Peer = fn(&[u32]) -> u64;

/// Serves `trace` through `serve`, which answers whether a key hit and stores it on a miss.
fn hits(trace: &[u32], mut serve: impl FnMut(u32) -> bool) -> u64 {
    trace.iter().map(|&k| u64::from(serve(k))).sum()
}

fn lru_crate(trace: &[u32]) -> u64 {
    let mut c = lru::LruCache::new(NonZeroUsize::new(CAPACITY as usize).expect("non-zero"));
    hits(trace, |k| {
        let hit = c.get(&k).is_some();
        if !hit {
            c.put(k, ());
        }
        hit
    })
}

fn sieve_crate(trace: &[u32]) -> u64 {
    let mut c = sieve_cache::SieveCache::new(CAPACITY as usize).expect("non-zero");
    hits(trace, |k| {
        let hit = c.get(&k).is_some();
        if !hit {
            c.insert(k, ());
        }
        hit
    })
}

fn quick_cache_crate(trace: &[u32]) -> u64 {
    let mut c = quick_cache::unsync::Cache::<u32, ()>::new(CAPACITY as usize);
    hits(trace, |k| {
        let hit = c.get(&k).is_some();
        if !hit {
            c.insert(k, ());
        }
        hit
    })
}

fn moka_crate(trace: &[u32]) -> u64 {
    let c = moka::sync::Cache::<u32, ()>::new(u64::from(CAPACITY));
    hits(trace, |k| {
        let hit = c.get(&k).is_some();
        if !hit {
            c.insert(k, ());
        }
        hit
    })
}

const PEERS: [(&str, Peer); 4] = [
    ("lru crate (LRU)", lru_crate),
    ("sieve-cache crate (SIEVE)", sieve_crate),
    ("quick_cache unsync (CLOCK-Pro, S3-FIFO-like)", quick_cache_crate),
    ("moka sync (W-TinyLFU)", moka_crate),
];

fn bench(c: &mut Criterion) {
    let t = trace();
    let next: Arc<[u32]> = next_uses(&t.requests, t.universe).into();
    let n = t.requests.len() as f64;
    for policy in Policy::ALL {
        let hits = policy.build(CAPACITY, t.universe, Some(&next), 1).run(&t.requests);
        println!("hit ratio, shardscope {}: {:.4}", policy.name(), hits as f64 / n);
    }
    for (name, peer) in PEERS {
        println!("hit ratio, {name}: {:.4}", peer(&t.requests) as f64 / n);
    }
    let mut group = c.benchmark_group("cache requests");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(t.requests.len() as u64));
    for policy in Policy::ALL {
        group.bench_function(BenchmarkId::new("shardscope", policy.name()), |b| {
            b.iter(|| {
                black_box(
                    policy
                        .build(CAPACITY, t.universe, Some(&next), 1)
                        .run(black_box(&t.requests)),
                )
            });
        });
    }
    for (name, peer) in PEERS {
        group.bench_function(BenchmarkId::new("peer", name), |b| {
            b.iter(|| black_box(peer(black_box(&t.requests))));
        });
    }
    group.bench_function(
        BenchmarkId::new("shardscope", "Mattson stack distances (every LRU size)"),
        |b| {
            b.iter(|| {
                let n = u32::try_from(t.requests.len()).expect("a million");
                let mut s = StackDistances::new(n, t.universe, 0);
                s.feed(black_box(&t.requests));
                black_box(s.cold())
            });
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
