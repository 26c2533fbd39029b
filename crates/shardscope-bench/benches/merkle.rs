//! Merkle trees side by side: our RFC 6962 functions against `ct-merkle` (also RFC 6962) and
//! `rs_merkle` (a different tree shape, no domain separation), all with SHA-256 from `sha2`; and our
//! anti-entropy tree build and diff.
//!
//! Our RFC 6962 API is stateless over a slice of leaves, as the Integrity issue specifies, so
//! building a proof re-hashes the sibling subtrees (O(n)); the peers keep the whole tree in memory
//! and read a proof off it (O(log n)). Both costs are reported, not hidden.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use rs_merkle::algorithms::Sha256 as RsSha256;
use rs_merkle::{Hasher, MerkleTree as RsTree};
use sha2::Sha256;
use shardscope_core::hash::KeySet;
use shardscope_core::merkle::antientropy::{Entries, MerkleTree};
use shardscope_core::merkle::rfc6962;

fn records(n: u32) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| format!("record {i}: payment {:016x}", i.wrapping_mul(2_654_435_761)).into_bytes())
        .collect()
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("merkle_root_sha256");
    for n in [1_024u32, 65_536] {
        let data = records(n);
        let leaves: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();
        group.throughput(Throughput::Elements(n.into()));
        group.bench_with_input(BenchmarkId::new("shardscope_rfc6962", n), &n, |b, _| {
            b.iter(|| rfc6962::root(black_box(&leaves)));
        });
        group.bench_with_input(BenchmarkId::new("ct_merkle", n), &n, |b, _| {
            b.iter(|| {
                let mut tree = MemoryBackedTree::<Sha256, &[u8]>::new();
                for leaf in &leaves {
                    tree.push(*leaf);
                }
                tree.root()
            });
        });
        group.bench_with_input(BenchmarkId::new("rs_merkle", n), &n, |b, _| {
            b.iter(|| {
                let hashes: Vec<[u8; 32]> = leaves.iter().map(|l| RsSha256::hash(l)).collect();
                RsTree::<RsSha256>::from_leaves(&hashes).root()
            });
        });
    }
    group.finish();
}

fn proofs(c: &mut Criterion) {
    let n = 65_536u32;
    let data = records(n);
    let leaves: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();
    let index = 40_000usize;
    let mut group = c.benchmark_group("inclusion_proof_65536_leaves");

    let ours_root = rfc6962::root(&leaves);
    let ours_proof = rfc6962::inclusion_proof(&leaves, index).expect("in range");
    group.bench_function("shardscope_generate_stateless", |b| {
        b.iter(|| rfc6962::inclusion_proof(black_box(&leaves), index));
    });
    group.bench_function("shardscope_verify", |b| {
        b.iter(|| {
            rfc6962::verify_inclusion(
                leaves[index],
                index as u64,
                n.into(),
                black_box(&ours_proof),
                &ours_root,
            )
        });
    });

    let mut ct = MemoryBackedTree::<Sha256, &[u8]>::new();
    for leaf in &leaves {
        ct.push(*leaf);
    }
    let ct_root = ct.root();
    assert_eq!(
        ct_root.as_bytes().as_slice(),
        ours_root.as_slice(),
        "ct-merkle and ours agree on RFC 6962"
    );
    let ct_proof = ct.prove_inclusion(index);
    group.bench_function("ct_merkle_generate_from_stored_tree", |b| {
        b.iter(|| ct.prove_inclusion(black_box(index)));
    });
    group.bench_function("ct_merkle_verify", |b| {
        b.iter(|| ct_root.verify_inclusion(&leaves[index], index as u64, black_box(&ct_proof)));
    });

    let hashes: Vec<[u8; 32]> = leaves.iter().map(|l| RsSha256::hash(l)).collect();
    let rs = RsTree::<RsSha256>::from_leaves(&hashes);
    let rs_root = rs.root().expect("non-empty");
    let rs_proof = rs.proof(&[index]);
    group.bench_function("rs_merkle_generate_from_stored_tree", |b| {
        b.iter(|| rs.proof(black_box(&[index])));
    });
    group.bench_function("rs_merkle_verify", |b| {
        b.iter(|| rs_proof.verify(rs_root, &[index], &[hashes[index]], n as usize));
    });
    group.finish();
}

fn anti_entropy(c: &mut Criterion) {
    let keys = KeySet::new(1, 1_000_000);
    let entries: Entries = (0..1_000_000).map(|i| (keys.key(i), i)).collect();
    let mut group = c.benchmark_group("anti_entropy_1m_entries");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_000_000));
    for depth in [10u32, 15, 20] {
        group.bench_with_input(BenchmarkId::new("build", depth), &depth, |b, &d| {
            b.iter(|| MerkleTree::build(black_box(&entries), d).expect("depth ≤ 20"));
        });
    }
    group.finish();
    let a = MerkleTree::build(&entries, 15).expect("depth 15");
    let mut damaged = entries.clone();
    for i in 0..100 {
        damaged.insert(keys.key(i * 9_973), 7);
    }
    let b_tree = MerkleTree::build(&damaged, 15).expect("depth 15");
    c.bench_function("anti_entropy_diff_depth15_100_differences", |b| {
        b.iter(|| a.diff(black_box(&b_tree)));
    });
}

criterion_group!(benches, build, proofs, anti_entropy);
criterion_main!(benches);
