//! Known-answer tests: published vectors and pinned fingerprints, run natively and on wasm32.
//!
//! On wasm32 the same file runs under `wasm-bindgen-test` (in Node), so every assertion here is
//! also a proof that native and wasm32 builds compute the same bits.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use std::num::NonZeroU32;

use shardscope_core::bus::partitioner::{keyed_partition, murmur2};
use shardscope_core::hash::{hash_bytes, hash_pair, hash_u64, KeySet};
use shardscope_core::placement::jump::jump_hash;
use shardscope_core::placement::rendezvous::Rendezvous;
use shardscope_core::placement::{Algorithm, NodeId, Settings};

/// Jump hash for buckets 1..=19, as published with the reference implementation (and given in
/// the foundation issue).
fn jump_row(key: u64) -> Vec<u32> {
    (1..=19).map(|n| jump_hash(key, NonZeroU32::new(n).unwrap())).collect()
}

#[test]
fn jump_hash_matches_published_values() {
    assert_eq!(jump_row(1), [0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17]);
    assert_eq!(
        jump_row(0xdead_beef),
        [0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16]
    );
    assert_eq!(
        jump_row(0x0ddc_0ffe_ebad_f00d),
        [0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 15, 15, 15, 15]
    );
}

#[test]
fn jump_hash_handles_extreme_inputs() {
    let max = NonZeroU32::new(u32::MAX).unwrap();
    assert!(jump_hash(u64::MAX, max) < u32::MAX);
    assert_eq!(jump_hash(u64::MAX, NonZeroU32::new(1).unwrap()), 0);
}

#[test]
fn kafka_murmur2_matches_the_java_clients_vectors() {
    // Kafka's clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2:
    // tail lengths 2, 2, 0, 2, 0 and 3, so every branch of the tail is taken.
    let cases: [(&[u8], i32); 6] = [
        (b"21", -973_932_308),
        (b"foobar", -790_332_482),
        (b"a-little-bit-long-string", -985_981_536),
        (b"a-little-bit-longer-string", -1_486_304_829),
        (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
        (b"abc", 479_470_107),
    ];
    for (key, want) in cases {
        assert_eq!(murmur2(key).cast_signed(), want, "{}", String::from_utf8_lossy(key));
    }
    // The default partitioner clears the sign bit before the modulus.
    assert_eq!(keyed_partition(b"foobar", 50), 16);
}

#[test]
fn kafka_replica_assignment_matches_its_documented_example() {
    // The table in the documentation of Kafka's AdminUtils.assignReplicasToBrokers: 5 brokers,
    // 10 partitions, 3 replicas, start index and shift 0. Each row lists, broker by broker, the
    // partition whose replica of that rank it holds.
    let r = shardscope_core::bus::brokers::assign_replicas(10, 5, 3, 0, 0).unwrap();
    let table: [(usize, u32, [u32; 5]); 6] = [
        (0, 0, [0, 1, 2, 3, 4]),
        (0, 5, [5, 6, 7, 8, 9]),
        (1, 0, [4, 0, 1, 2, 3]),
        (1, 5, [8, 9, 5, 6, 7]),
        (2, 0, [3, 4, 0, 1, 2]),
        (2, 5, [7, 8, 9, 5, 6]),
    ];
    for (rank, first, row) in table {
        for (broker, p) in (0u32..).zip(row) {
            assert!((first..first + 5).contains(&p));
            assert_eq!(r[p as usize][rank], broker, "p{p}, replica {rank}");
        }
    }
}

#[test]
fn xxh3_matches_the_reference_for_empty_input() {
    // XXH3_64bits("") from the xxHash reference implementation.
    assert_eq!(hash_bytes(0, b""), 0x2D06_8005_38D3_94C2);
}

/// Folds a sequence of node ids into one number, so a single constant pins a whole placement.
fn fingerprint(ids: impl IntoIterator<Item = NodeId>) -> u64 {
    ids.into_iter().fold(0x5eed, |acc, id| hash_pair(0, acc, u64::from(id)))
}

fn placement_fingerprint((algorithm, settings): (Algorithm, Settings)) -> u64 {
    let nodes: Vec<NodeId> = (0..13).collect();
    let placement = algorithm.build(&settings, 7, &nodes).unwrap();
    let keys = KeySet::new(7, 20_000);
    let mut buf = vec![0; 20_000];
    keys.fill(0, &mut buf);
    let mut out = vec![0; 20_000];
    placement.place_batch(&buf, &mut out);
    fingerprint(out)
}

// The fingerprints below were produced by the native build; the wasm32 run of this file checks
// that wasm computes the identical placement of 20,000 keys for each algorithm.
#[test]
fn hashes_are_pinned() {
    assert_eq!(hash_u64(42, 0), 0x4596_7081_67f8_eb2e);
    assert_eq!(hash_pair(1, 2, 3), 0x26f2_a114_8cf5_2011);
}

// Native fingerprints of the newer algorithms and of a whole Placement lab step.
const PIN_MAGLEV: u64 = 0x0582_85ad_7ec4_bd09;
// Multi-probe with independent probe hashes (issue #11; the double-hashing pin was 0xecd5_b690_578d_e85d).
const PIN_MULTIPROBE: u64 = 0x8da7_637c_8e8a_1713;
const PIN_ANCHOR: u64 = 0x1567_8475_cccf_1370;
const PIN_PLACEMENT_LAB: u64 = 0x480c_13f9_dbe0_7429;

#[test]
fn placements_are_pinned() {
    assert_eq!(
        placement_fingerprint((Algorithm::ModN, Settings::DEFAULT)),
        0x35b0_3550_b307_335e
    );
    assert_eq!(
        placement_fingerprint((
            Algorithm::Ring,
            Settings {
                vnodes: 100,
                ..Settings::DEFAULT
            }
        )),
        0x3cf0_45c7_0034_f0e0
    );
    assert_eq!(
        placement_fingerprint((Algorithm::Rendezvous, Settings::DEFAULT)),
        0x3df9_e5d1_1bfb_061f
    );
    assert_eq!(
        placement_fingerprint((Algorithm::Jump, Settings::DEFAULT)),
        0xe7fc_d02d_622d_4e1a
    );
    assert_eq!(
        placement_fingerprint((
            Algorithm::Maglev,
            Settings {
                table: 65_537,
                ..Settings::DEFAULT
            }
        )),
        PIN_MAGLEV
    );
    assert_eq!(
        placement_fingerprint((
            Algorithm::MultiProbe,
            Settings {
                probes: 21,
                ..Settings::DEFAULT
            }
        )),
        PIN_MULTIPROBE
    );
    assert_eq!(
        placement_fingerprint((
            Algorithm::Anchor,
            Settings {
                capacity: 64,
                ..Settings::DEFAULT
            }
        )),
        PIN_ANCHOR
    );
}

/// A whole Placement lab step (four algorithms, failures, weights, replicas across racks and
/// datacenters, Zipf popularity) folded into one number: the wasm32 run must produce the same
/// report, floating-point popularity sums included.
#[test]
fn placement_lab_report_is_pinned() {
    use shardscope_core::labs::placement::{Job, Params};
    let (params, problems) = Params::from_query(
        "v=1&alg=ring,hrw,bounded,maglev&nodes=9&keys=30000&rf=2&topo=1&dcs=3&racks=2&zipf=90&seed=3&events=add,fail-4,weight-1-3,remove-2&step=4",
    );
    assert!(problems.is_empty(), "{problems:?}");
    let mut job = Job::new(&params).unwrap();
    while !job.step() {}
    let report = job.report();
    let mut ids = Vec::new();
    for a in &report.algorithms {
        ids.extend([a.moved, a.minimum, a.peak_to_mean.to_bits(), a.std_pct.to_bits()]);
        for n in &a.nodes {
            ids.extend([n.after.unwrap_or(u64::MAX), n.requests.to_bits()]);
        }
        if let Some(r) = a.replication {
            ids.extend([r.under_replicated, r.unavailable, r.badly_spread]);
        }
    }
    let folded = ids.into_iter().fold(0x5eed, |acc, x| hash_pair(0, acc, x));
    assert_eq!(folded, PIN_PLACEMENT_LAB);
}

#[test]
fn weighted_rendezvous_is_pinned() {
    // The weighted path takes a logarithm per node; libm makes it the same on every target.
    let mut hrw = Rendezvous::new(3, &[0, 1]).unwrap();
    hrw.add_weighted_node(2, 2.5).unwrap();
    hrw.add_weighted_node(3, 0.25).unwrap();
    let keys = KeySet::new(3, 5_000);
    assert_eq!(
        fingerprint((0..5_000).map(|i| hrw.place_weighted(keys.key(i)))),
        0x7bca_ff42_0cdf_95d7
    );
    assert_eq!(hrw.score(1, 2, 2.5).to_bits(), 0x3feb_61b1_477c_31cc);
    assert_eq!(hrw.place_replicas(77, 4), [2, 1, 0, 3]);
}

mod rfc6962 {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use shardscope_core::merkle::rfc6962::{
        consistency_proof, inclusion_proof, root, verify_consistency, verify_inclusion, Hash,
    };

    fn hex(h: &Hash) -> String {
        use std::fmt::Write;
        h.iter().fold(String::new(), |mut s, b| {
            write!(s, "{b:02x}").unwrap();
            s
        })
    }

    /// The eight leaves of the Certificate Transparency test vectors (RFC 6962 reference code).
    const LEAVES: [&[u8]; 8] = [
        b"",
        &[0x00],
        &[0x10],
        &[0x20, 0x21],
        &[0x30, 0x31],
        &[0x40, 0x41, 0x42, 0x43],
        &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        &[
            0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
        ],
    ];

    #[test]
    fn roots_match_the_published_vectors() {
        assert_eq!(
            hex(&root(&LEAVES)),
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        );
        assert_eq!(
            hex(&root(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    /// Every byte of every hash in a proof, flipped in turn.
    fn tampered(proof: &[Hash]) -> impl Iterator<Item = Vec<Hash>> + '_ {
        (0..proof.len() * 32).map(move |i| {
            let mut p = proof.to_vec();
            p[i / 32][i % 32] ^= 1;
            p
        })
    }

    #[test]
    fn every_inclusion_proof_up_to_eight_leaves_verifies_and_tampering_fails() {
        for n in 1..=LEAVES.len() {
            let leaves = &LEAVES[..n];
            let r = root(leaves);
            let size = n as u64;
            assert_eq!(inclusion_proof(leaves, n), None);
            for (i, leaf) in leaves.iter().enumerate() {
                let proof = inclusion_proof(leaves, i).unwrap();
                let index = i as u64;
                assert!(verify_inclusion(leaf, index, size, &proof, &r), "n={n} i={i}");
                assert!(!verify_inclusion(b"not the leaf", index, size, &proof, &r));
                assert!(!verify_inclusion(leaf, index + 1, size, &proof, &r) || leaves.get(i + 1) == Some(leaf));
                // A larger claimed tree size is not asserted to fail: it verifies when the path has
                // the same shape (index 0 of 3 leaves and of 4); the root, not the size, binds content.
                for bad in tampered(&proof) {
                    assert!(!verify_inclusion(leaf, index, size, &bad, &r), "n={n} i={i}");
                }
                let mut bad_root = r;
                bad_root[0] ^= 0x80;
                assert!(!verify_inclusion(leaf, index, size, &proof, &bad_root));
            }
        }
    }

    #[test]
    fn every_consistency_proof_up_to_eight_leaves_verifies_and_tampering_fails() {
        for n in 1..=LEAVES.len() {
            let new_root = root(&LEAVES[..n]);
            assert_eq!(consistency_proof(&LEAVES[..n], 0), None);
            assert_eq!(consistency_proof(&LEAVES[..n], n + 1), None);
            for m in 1..=n {
                let old_root = root(&LEAVES[..m]);
                let proof = consistency_proof(&LEAVES[..n], m).unwrap();
                assert_eq!(proof.is_empty(), m == n);
                let (old, new) = (m as u64, n as u64);
                assert!(
                    verify_consistency(old, new, &old_root, &new_root, &proof),
                    "m={m} n={n}"
                );
                for bad in tampered(&proof) {
                    assert!(!verify_consistency(old, new, &old_root, &new_root, &bad), "m={m} n={n}");
                }
                let mut wrong = old_root;
                wrong[31] ^= 1;
                assert!(!verify_consistency(old, new, &wrong, &new_root, &proof));
                assert!(!verify_consistency(old, new, &old_root, &wrong, &proof));
            }
        }
        assert!(verify_consistency(0, 5, &root(&[]), &root(&LEAVES[..5]), &[]));
        assert!(!verify_consistency(3, 2, &root(&LEAVES[..3]), &root(&LEAVES[..2]), &[]));
    }
}

mod antientropy {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use shardscope_core::hash::KeySet;
    use shardscope_core::merkle::antientropy::{Entries, MerkleTree};

    // Pinned from the native build; the wasm32 run checks that the same tree comes out there.
    #[test]
    fn anti_entropy_root_is_pinned() {
        let keys = KeySet::new(3, 10_000);
        let entries: Entries = (0..10_000).map(|i| (keys.key(i), i)).collect();
        let tree = MerkleTree::build(&entries, 10).unwrap();
        assert_eq!(tree.root(), 0xe649_8697_070c_fda2_c0f6_8420_0222_a67d);
    }
}

/// The partition simulation and the checker give the same history and verdict on wasm32 as
/// natively: a seeded run with message loss, a split, a crash and a failover, folded into one
/// number.
#[test]
fn partition_history_is_pinned() {
    use shardscope_core::labs::partition::{report, Params};
    use shardscope_core::linearizability::Verdict;
    let (params, problems) = Params::from_query(
        "v=1&mode=leaderless&nodes=5&dcs=2&n=3&rl=quorum&wl=one&rr=1&loss=10&ops=80&spacing=4&keys=2&seed=5&nem=40:split-0.0.1.1.1,120:crash-3,200:healall",
    );
    assert!(problems.is_empty(), "{problems:?}");
    let r = report(&params);
    let mut words: Vec<u64> = Vec::new();
    for h in &r.history {
        words.extend([
            h.completed.unwrap_or(u64::MAX),
            h.value.unwrap_or(u64::MAX),
            h.outcome.map_or(9, |o| o as u64),
        ]);
    }
    for f in &r.flights {
        words.extend([
            u64::from(f.from),
            u64::from(f.to),
            f.sent,
            f.delivered.unwrap_or(u64::MAX),
        ]);
    }
    words.push(u64::from(r.verdict == Verdict::Linearizable));
    let folded = words.into_iter().fold(0x5eed, |acc, x| hash_pair(0, acc, x));
    assert_eq!(folded, PIN_PARTITION);
}

const PIN_PARTITION: u64 = 0xe104_02ed_f800_32b6;

/// The DHT lab gives the same routes, counts and loads on wasm32 as natively: three protocols,
/// virtual identifiers, a failure and a maintenance round, folded into one number.
#[test]
fn dht_lab_report_is_pinned() {
    use shardscope_core::labs::dht::Params;
    use shardscope_core::labs::{run_to_end, Computes};
    let (params, problems) = Params::from_query(
        "v=1&proto=chord,kademlia,onehop&nodes=400&bits=40&vids=2&succ=4&k=8&alpha=3&lookups=1500&keys=20000&fail=25&rounds=1&seed=7&trace=3",
    );
    assert!(problems.is_empty(), "{problems:?}");
    let r = run_to_end(params.start().unwrap());
    let mut words: Vec<u64> = vec![r.slots, r.failed_nodes, r.trace_key];
    for p in &r.protocols {
        words.extend(p.histogram.iter().copied());
        words.extend([p.misrouted, p.lost, p.unsuccessful, p.maintenance_messages]);
        words.extend([
            p.mean_messages.to_bits(),
            p.mean_timeouts.to_bits(),
            p.state_mean.to_bits(),
        ]);
        words.extend(
            p.trace
                .iter()
                .flat_map(|s| s.queried.iter().chain(&s.timed_out).map(|&x| u64::from(x))),
        );
    }
    words.extend(r.load.histogram.iter().copied());
    words.extend([r.load.max, r.load.p99, r.load.empty]);
    let folded = words.into_iter().fold(0x5eed, |acc, x| hash_pair(0, acc, x));
    assert_eq!(folded, PIN_DHT_LAB, "{folded:#x}");
}

const PIN_DHT_LAB: u64 = 0x571b_e715_3900_386b;

/// A Caching lab run with every policy family and the theory (scans off, so Che's and the IRM
/// formula are drawn), folded into one number: the alias-table draws, each policy's hits at each
/// size, LRU's stack distances and the theory's floating-point bits.
#[test]
fn cache_lab_report_is_pinned() {
    use shardscope_core::labs::cache::Params;
    use shardscope_core::labs::{run_to_end, Computes};
    let mut words: Vec<u64> = Vec::new();
    for q in [
        "v=1&pol=lru,lfu,arc,tinylfu,s3fifo,opt&alpha=0.9&objects=3000&requests=60000&size=70&seed=5",
        "v=1&pol=fifo,clock,2q,sieve,random,lru&alpha=1.1&objects=3000&requests=60000&size=70&scan=10&scanlen=300&onehit=5&seed=5",
    ] {
        let (params, problems) = Params::from_query(q);
        assert!(problems.is_empty(), "{problems:?}");
        let r = run_to_end(params.start().unwrap());
        words.extend([u64::from(r.distinct), r.cold, r.top_percent_share.to_bits()]);
        for p in &r.policies {
            words.push(p.hits);
            words.extend(p.curve.iter().map(|c| c.miss_ratio.to_bits()));
            words.extend(p.theory.map(f64::to_bits));
        }
        words.extend(r.che_curve.iter().chain(&r.irm_curve).chain(&r.lru_curve).map(|c| c.miss_ratio.to_bits()));
        words.extend(r.lru_size_for_90.into_iter().chain(r.che_size_for_90).map(u64::from));
    }
    let folded = words.into_iter().fold(0x5eed, |acc, x| hash_pair(0, acc, x));
    assert_eq!(folded, PIN_CACHE_LAB, "{folded:#x}");
}

const PIN_CACHE_LAB: u64 = 0x8814_6b42_12c7_ee01;

/// A Cache cluster run with a loss, a return, a celebrity with copies, local caches and
/// coalescing, folded into one number: every bucket's counts, each node's load and the theory's
/// floating-point bits (Che node by node, placement's shares).
#[test]
fn cache_cluster_lab_report_is_pinned() {
    use shardscope_core::labs::cache_cluster::Params;
    use shardscope_core::labs::{run_to_end, Computes};
    let mut words: Vec<u64> = Vec::new();
    for q in [
        "v=1&alg=ring,modn,maglev&nodes=6&objects=5000&capacity=300&alpha=0.8&rate=5000&seconds=4&fail=2000&back=3000&fetch=30&seed=5",
        "v=1&alg=hrw,jump,anchor&policy=s3fifo&nodes=5&objects=5000&capacity=300&rate=5000&seconds=4&fail=2000&hot=10&replicas=3&hotkeys=5&local=20&coalesce=1&fetch=50&seed=5",
    ] {
        let (params, problems) = Params::from_query(q);
        assert!(problems.is_empty(), "{problems:?}");
        let r = run_to_end(params.start().unwrap());
        for a in &r.algorithms {
            for b in &a.series {
                words.extend([b.requests, b.local_hits, b.hits, b.fetches, b.coalesced, b.busiest]);
            }
            words.extend(a.node_rps.iter().chain(&a.node_rps_theory).map(|x| x.to_bits()));
            words.extend([a.hit_ratio.to_bits(), a.db_steady_rps.to_bits()]);
            words.extend(a.hit_ratio_theory.into_iter().chain(a.moved_keys).chain(a.moved_share).map(f64::to_bits));
            words.extend(a.extra_fetches);
        }
    }
    let folded = words.into_iter().fold(0x5eed, |acc, x| hash_pair(0, acc, x));
    assert_eq!(folded, PIN_CACHE_CLUSTER_LAB, "{folded:#x}");
}

const PIN_CACHE_CLUSTER_LAB: u64 = 0xb7f5_780a_b6e4_5812;

/// A CDN run with shields compared, stale-while-revalidate, changes, purges on change and a
/// purge of everything, folded into one number: every bucket's counts, each region's latency
/// percentiles and the model's floating-point bits.
#[test]
fn cdn_lab_report_is_pinned() {
    use shardscope_core::labs::cdn::Params;
    use shardscope_core::labs::{run_to_end, Computes};
    let mut words: Vec<u64> = Vec::new();
    for q in [
        "v=1&ttl=5,30&shield=both&regions=3&edges=2&objects=3000&edgecap=3000&shieldcap=3000&rate=3000&seconds=20&change=15&seed=5",
        "v=1&ttl=10&shield=on&regions=6&edges=3&objects=3000&edgecap=400&shieldcap=2000&rate=3000&seconds=20&swr=5&change=8&purge=1&purgedelay=300&flush=12000&seed=5",
    ] {
        let (params, problems) = Params::from_query(q);
        assert!(problems.is_empty(), "{problems:?}");
        let r = run_to_end(params.start().unwrap());
        for a in &r.runs {
            for b in &a.series {
                words.extend([b.requests, b.answered, b.origin_requests, b.origin_bytes, b.stale]);
            }
            for g in &a.regions {
                words.extend([g.p50_ms, g.p95_ms, g.p99_ms].into_iter().flatten().map(u64::from));
                words.push(g.answered.to_bits());
            }
            words.extend([a.offload.to_bits(), a.stale.to_bits(), a.egress_mbps.to_bits()]);
            words.extend(a.origin_rps_theory.into_iter().chain(a.stale_theory).map(f64::to_bits));
            words.extend(a.flush_10s_requests);
        }
    }
    let folded = words.into_iter().fold(0x5eed, |acc, x| hash_pair(0, acc, x));
    assert_eq!(folded, PIN_CDN_LAB, "{folded:#x}");
}

const PIN_CDN_LAB: u64 = 0x0074_7563_bc60_ad49;

/// Message bus runs (a join under every assignor with Zipf keys, and a topic that grows), and
/// the delivery scenario under each guarantee, folded into one number: every lag point, each
/// partition's and consumer's count, both assignments, the rebalance's times and the theory's
/// floating-point bits.
#[test]
fn bus_lab_report_is_pinned() {
    use shardscope_core::labs::bus::Params;
    use shardscope_core::labs::{run_to_end, Computes};
    let mut words: Vec<u64> = Vec::new();
    for q in [
        "v=1&assign=range,roundrobin,sticky,cooperative-sticky,consistent-hash&change=join&partitions=40&consumers=7&messages=60000&rate=10000&capacity=2000&keys=5000&alpha=1.1&fault=broker&acks=1&idem=0&lag=5&faultat=300&seed=3",
        "v=1&assign=range,sticky&change=grow&partitions=8&grow=13&consumers=3&messages=40000&rate=8000&capacity=3000&keys=2000&alpha=0.9&fault=consumer&faultat=333&batch=50&seed=3",
    ] {
        let (params, problems) = Params::from_query(q);
        assert!(problems.is_empty(), "{problems:?}");
        let r = run_to_end(params.start().unwrap());
        for f in &r.flows {
            words.extend(&f.lag);
            words.extend(&f.per_partition);
            words.extend(&f.per_consumer);
            words.extend(f.owner_before.iter().chain(&f.owner_after).map(|&o| u64::from(o)));
            words.extend([f.out_of_order, f.peak_lag.0, f.peak_lag.1, f.duration_ms]);
            words.extend(f.expected_share.iter().map(|x| x.to_bits()));
            if let Some(rb) = &f.rebalance {
                words.extend(rb.timeline.steps.iter().map(|s| u64::from(s.at)));
                words.extend([rb.timeline.total_pause, rb.timeline.total_stall, rb.expected_backlog.to_bits()]);
                words.extend([rb.movement.moved, rb.movement.minimum, rb.movement.revoked].map(u64::from));
            }
        }
        for d in &r.delivery {
            for (count, ids) in [&d.lost, &d.duplicated, &d.skipped, &d.acked_lost, &d.log_duplicates] {
                words.push(u64::from(*count));
                words.extend(ids.iter().map(|&i| u64::from(i)));
            }
        }
    }
    let folded = words.into_iter().fold(0x5eed, |acc, x| hash_pair(0, acc, x));
    assert_eq!(folded, PIN_BUS_LAB, "{folded:#x}");
}

const PIN_BUS_LAB: u64 = 0x1e8f_56f3_d541_7e38;

/// A whole-system run with every tier and a dying web server, folded into one number: each
/// tier's integrals, latencies and seconds, the outcomes and the timeline, bit for bit.
#[test]
fn system_simulation_is_pinned() {
    use shardscope_core::system::design::{Balance, Design, Fault, Pool};
    use shardscope_core::system::sim::Sim;
    let mut d = Design::default();
    d.traffic.users = 300_000;
    d.traffic.regions = 2;
    d.traffic.seconds = 10;
    d.colocated = false;
    d.web = Pool { servers: 3, workers: 8 };
    d.balance = Some(Balance::TwoChoices);
    d.cdn_objects = Some(500);
    d.cache = Some((Pool { servers: 2, workers: 4 }, 5_000));
    d.services = Some((Pool { servers: 6, workers: 8 }, 3));
    d.bus = Some(Pool { servers: 4, workers: 1 });
    d.db.shards = 2;
    d.db.replicas = 1;
    d.dcs = 2;
    d.active_active = true;
    d.work.slow_ppm = 10_000;
    d.client.hedge = true;
    d.fault = (Fault::Server, 4);
    let mut sim = Sim::new(&d).unwrap();
    while !sim.advance(50_000) {}
    let r = sim.finish();
    let mut words: Vec<u64> = Vec::new();
    for t in &r.tiers {
        words.extend(
            [
                t.utilization,
                t.hottest,
                t.queue,
                t.wait_mean,
                t.service_mean,
                t.latency.p99,
                t.little.l,
            ]
            .map(f64::to_bits),
        );
        words.extend([t.arrivals, t.shed, t.failed, t.wasted, t.queue_max, t.timeouts]);
        words.push(u64::from(t.servers));
        words.extend(t.seconds.iter().flat_map(|s| {
            [
                u64::from(s.arrivals),
                u64::from(s.failed),
                u64::from(s.timeouts),
                u64::from(s.queue),
                u64::from(s.utilization.to_bits()),
                u64::from(s.hottest.to_bits()),
            ]
        }));
    }
    let o = r.outcomes;
    words.extend([
        o.requests,
        o.served,
        o.shed,
        o.down,
        o.timeouts,
        o.broken,
        o.retries,
        r.events,
        r.stale_reads,
        r.lost_writes,
    ]);
    words.extend([r.latency.p50, r.latency.p99, r.latency.mean, r.end_ms].map(f64::to_bits));
    words.extend(r.timeline.iter().flat_map(|s| {
        [
            u64::from(s.started),
            u64::from(s.served),
            u64::from(s.failed),
            u64::from(s.p99.to_bits()),
            u64::from(s.cdn_hits),
        ]
    }));
    let folded = words.into_iter().fold(0x5eed, |acc, x| hash_pair(0, acc, x));
    assert_eq!(folded, PIN_SYSTEM, "{folded:#x}");
}

const PIN_SYSTEM: u64 = 0x4ad3_a766_2f7c_d93e;
