//! Property tests: the guarantees each algorithm's paper proves, checked on random inputs.
//!
//! proptest does not run on wasm32, so these run natively only; `known_answers.rs` covers wasm32.
#![cfg(not(target_arch = "wasm32"))]

use std::num::NonZeroU32;

use proptest::prelude::*;
use shardscope_core::hash::KeySet;
use shardscope_core::placement::jump::jump_hash;
use shardscope_core::placement::rendezvous::Rendezvous;
use shardscope_core::placement::{movement, Algorithm, NodeId, Placement, Settings};

const KEYS: u64 = 4_000;

fn place_all(p: &dyn Placement, keys: &[u64]) -> Vec<NodeId> {
    let mut out = vec![0; keys.len()];
    p.place_batch(keys, &mut out);
    out
}

fn keys(seed: u64) -> Vec<u64> {
    let set = KeySet::new(seed, KEYS);
    (0..KEYS).map(|i| set.key(i)).collect()
}

fn consistent_algorithms() -> impl Strategy<Value = (Algorithm, Settings)> {
    prop_oneof![
        (1u32..=200).prop_map(|vnodes| (
            Algorithm::Ring,
            Settings {
                vnodes,
                ..Settings::DEFAULT
            }
        )),
        Just((Algorithm::Rendezvous, Settings::DEFAULT)),
        Just((Algorithm::Jump, Settings::DEFAULT)),
        (1u32..=64).prop_map(|probes| (
            Algorithm::MultiProbe,
            Settings {
                probes,
                ..Settings::DEFAULT
            }
        )),
        Just((
            Algorithm::Anchor,
            Settings {
                capacity: 64,
                ..Settings::DEFAULT
            }
        ))
    ]
}

/// Binomial bound: |observed − expected| within 6 standard deviations (a false alarm about once
/// in 10^9 cases).
fn within_six_sigma(observed: u64, trials: u64, p: f64) -> bool {
    let mean = trials as f64 * p;
    let sd = (trials as f64 * p * (1.0 - p)).sqrt();
    (observed as f64 - mean).abs() <= 6.0 * sd + 1.0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn jump_growth_moves_keys_only_into_the_new_bucket(seed: u64, n in 1u32..2_000) {
        let from = NonZeroU32::new(n).unwrap();
        let to = NonZeroU32::new(n + 1).unwrap();
        let mut moved = 0;
        for key in keys(seed) {
            let (a, b) = (jump_hash(key, from), jump_hash(key, to));
            prop_assert!(a < n && b <= n);
            if a != b {
                prop_assert_eq!(b, n, "a key may only move into the new bucket");
                moved += 1;
            }
        }
        prop_assert!(within_six_sigma(moved, KEYS, 1.0 / f64::from(n + 1)), "moved {moved} of {KEYS} for n = {n}");
    }

    #[test]
    fn adding_a_node_moves_keys_only_onto_it(alg in consistent_algorithms(), seed: u64, n in 1u32..40) {
        let nodes: Vec<NodeId> = (0..n).collect();
        let before = alg.0.build(&alg.1, seed, &nodes).unwrap();
        let mut after = alg.0.build(&alg.1, seed, &nodes).unwrap();
        after.add_node(n).unwrap();
        let ks = keys(seed ^ 1);
        let (b, a) = (place_all(before.as_ref(), &ks), place_all(after.as_ref(), &ks));
        for (x, y) in b.iter().zip(&a) {
            prop_assert!(x == y || *y == n, "key moved from {x} to {y}, not to the new node {n}");
        }
        let m = movement(&b, &a);
        prop_assert_eq!(m.moved, m.minimum, "a consistent algorithm moves the minimum for its loads");
    }

    #[test]
    fn removing_a_node_moves_only_its_keys(alg in consistent_algorithms(), seed: u64, n in 2u32..40, pick: u32) {
        let nodes: Vec<NodeId> = (0..n).collect();
        // Jump hash can only drop its last bucket.
        let victim = if alg.0 == Algorithm::Jump { n - 1 } else { pick % n };
        let before = alg.0.build(&alg.1, seed, &nodes).unwrap();
        let mut after = alg.0.build(&alg.1, seed, &nodes).unwrap();
        after.remove_node(victim).unwrap();
        let ks = keys(seed ^ 2);
        let (b, a) = (place_all(before.as_ref(), &ks), place_all(after.as_ref(), &ks));
        for (x, y) in b.iter().zip(&a) {
            prop_assert!(x == y || *x == victim, "key on {x} moved although only {victim} left");
            prop_assert!(*y != victim);
        }
        let m = movement(&b, &a);
        prop_assert_eq!(m.moved, m.minimum);
    }

    #[test]
    fn every_algorithm_is_deterministic_for_a_seed(seed: u64, n in 1u32..30, vnodes in 1u32..=300) {
        let nodes: Vec<NodeId> = (0..n).collect();
        for alg in [(Algorithm::ModN, Settings::DEFAULT), (Algorithm::Ring, Settings { vnodes, ..Settings::DEFAULT }), (Algorithm::Rendezvous, Settings::DEFAULT), (Algorithm::Jump, Settings::DEFAULT)] {
            let ks = keys(seed);
            let first = place_all(alg.0.build(&alg.1, seed, &nodes).unwrap().as_ref(), &ks);
            let second = place_all(alg.0.build(&alg.1, seed, &nodes).unwrap().as_ref(), &ks);
            prop_assert_eq!(first, second);
        }
    }

    #[test]
    fn ring_membership_order_does_not_matter(seed: u64, n in 2u32..30, vnodes in 1u32..=100) {
        let forward: Vec<NodeId> = (0..n).collect();
        let backward: Vec<NodeId> = (0..n).rev().collect();
        let ks = keys(seed);
        let a = Algorithm::Ring.build(&Settings { vnodes, ..Settings::DEFAULT }, seed, &forward).unwrap();
        let b = Algorithm::Ring.build(&Settings { vnodes, ..Settings::DEFAULT }, seed, &backward).unwrap();
        prop_assert_eq!(place_all(a.as_ref(), &ks), place_all(b.as_ref(), &ks));
    }

    #[test]
    fn uniform_rendezvous_fast_path_equals_the_weighted_score(seed: u64, n in 1u32..30) {
        let nodes: Vec<NodeId> = (0..n).collect();
        let hrw = Rendezvous::new(seed, &nodes).unwrap();
        for key in keys(seed).into_iter().take(500) {
            prop_assert_eq!(hrw.place(key), hrw.place_weighted(key));
            prop_assert_eq!(hrw.place_replicas(key, 1)[0], hrw.place(key));
        }
    }

    #[test]
    fn mod_n_growth_moves_about_n_over_n_plus_one(seed: u64, n in 1u32..64) {
        let nodes: Vec<NodeId> = (0..n).collect();
        let before = Algorithm::ModN.build(&Settings::DEFAULT, seed, &nodes).unwrap();
        let mut after = Algorithm::ModN.build(&Settings::DEFAULT, seed, &nodes).unwrap();
        after.add_node(n).unwrap();
        let ks = keys(seed);
        let m = movement(&place_all(before.as_ref(), &ks), &place_all(after.as_ref(), &ks));
        let p = shardscope_core::placement::modn::moved_fraction(before.nodes(), after.nodes());
        prop_assert!((p - f64::from(n) / f64::from(n + 1)).abs() < 1e-12);
        prop_assert!(within_six_sigma(m.moved, KEYS, p), "moved {} with p = {p}", m.moved);
        prop_assert!(m.moved >= m.minimum);
    }

}

mod rfc6962 {
    use proptest::prelude::*;
    use shardscope_core::merkle::rfc6962::{
        consistency_proof, consistency_ranges, inclusion_proof, inclusion_ranges, path_len, root, verify_consistency,
        verify_inclusion,
    };

    fn logs() -> impl Strategy<Value = Vec<Vec<u8>>> {
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..24), 1..70)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn a_proof_verifies_exactly_for_its_leaf_and_index(log in logs(), pick: usize, other: usize, bit in 0usize..256) {
            let leaves: Vec<&[u8]> = log.iter().map(Vec::as_slice).collect();
            let (n, i, j) = (leaves.len(), pick % leaves.len(), other % leaves.len());
            let r = root(&leaves);
            let proof = inclusion_proof(&leaves, i).unwrap();
            prop_assert_eq!(path_len(i as u64, n as u64) as usize, proof.len());
            prop_assert!(verify_inclusion(leaves[i], i as u64, n as u64, &proof, &r));
            // Another position's leaf does not verify at this index unless it is the same bytes.
            prop_assert_eq!(verify_inclusion(leaves[j], i as u64, n as u64, &proof, &r), leaves[j] == leaves[i]);
            // Any single flipped bit of the root or of the proof breaks it.
            let mut bad_root = r;
            bad_root[bit / 8] ^= 1 << (bit % 8);
            prop_assert!(!verify_inclusion(leaves[i], i as u64, n as u64, &proof, &bad_root));
            if !proof.is_empty() {
                let mut bad = proof.clone();
                let k = pick % bad.len();
                bad[k][bit / 8] ^= 1 << (bit % 8);
                prop_assert!(!verify_inclusion(leaves[i], i as u64, n as u64, &bad, &r));
            }
            // Any single flipped bit of the leaf breaks it.
            let mut leaf = leaves[i].to_vec();
            if !leaf.is_empty() {
                let b = bit % (leaf.len() * 8);
                leaf[b / 8] ^= 1 << (b % 8);
                prop_assert!(!verify_inclusion(&leaf, i as u64, n as u64, &proof, &r));
            }
        }

        #[test]
        fn every_proof_hash_is_the_root_of_the_range_the_picture_draws(log in logs(), pick: usize, other: usize) {
            let leaves: Vec<&[u8]> = log.iter().map(Vec::as_slice).collect();
            let n = leaves.len();
            let i = pick % n;
            let proof = inclusion_proof(&leaves, i).unwrap();
            let ranges = inclusion_ranges(i as u64, n as u64);
            prop_assert_eq!(ranges.len(), proof.len());
            for (hash, &(a, b)) in proof.iter().zip(&ranges) {
                prop_assert_eq!(*hash, root(&leaves[usize::try_from(a).unwrap()..usize::try_from(b).unwrap()]));
            }
            let m = 1 + other % n;
            let proof = consistency_proof(&leaves, m).unwrap();
            let ranges = consistency_ranges(m as u64, n as u64);
            prop_assert_eq!(ranges.len(), proof.len());
            for (hash, &(a, b)) in proof.iter().zip(&ranges) {
                prop_assert_eq!(*hash, root(&leaves[usize::try_from(a).unwrap()..usize::try_from(b).unwrap()]));
            }
        }

        #[test]
        fn consistency_proofs_verify_for_every_prefix_and_only_for_it(log in logs(), pick: usize, bit in 0usize..256) {
            let leaves: Vec<&[u8]> = log.iter().map(Vec::as_slice).collect();
            let n = leaves.len();
            let m = 1 + pick % n;
            let (old_root, new_root) = (root(&leaves[..m]), root(&leaves));
            let proof = consistency_proof(&leaves, m).unwrap();
            prop_assert!(verify_consistency(m as u64, n as u64, &old_root, &new_root, &proof));
            let mut wrong = old_root;
            wrong[bit / 8] ^= 1 << (bit % 8);
            prop_assert!(!verify_consistency(m as u64, n as u64, &wrong, &new_root, &proof));
            prop_assert!(!verify_consistency(m as u64, n as u64, &old_root, &wrong, &proof));
            // A log whose old part was rewritten is not consistent with the old root.
            let mut rewritten = log.clone();
            rewritten[pick % m].push(0xff);
            let rewritten: Vec<&[u8]> = rewritten.iter().map(Vec::as_slice).collect();
            if m < n {
                let forged = consistency_proof(&rewritten, m).unwrap();
                prop_assert!(!verify_consistency(m as u64, n as u64, &old_root, &root(&rewritten), &forged));
            }
        }
    }
}

mod antientropy {
    use proptest::prelude::*;
    use shardscope_core::merkle::antientropy::{repair, Entries, MerkleTree, TreeError, MAX_DEPTH};

    /// A replica and a diverged copy: some entries dropped, some changed, some only on the copy.
    fn replicas() -> impl Strategy<Value = (Entries, Entries, u32)> {
        (
            proptest::collection::btree_map(any::<u64>(), 0u64..1_000, 0..300),
            proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u64>()), 0..12),
            0u32..=12,
        )
            .prop_map(|(a, edits, depth)| {
                let mut b = a.clone();
                let tokens: Vec<u64> = a.keys().copied().collect();
                for (pick, kind, x) in edits {
                    match (kind, tokens.is_empty()) {
                        (0, false) => drop(b.remove(&tokens[pick.index(tokens.len())])),
                        (1, false) => drop(b.insert(tokens[pick.index(tokens.len())], 1_000 + x % 1_000)),
                        _ => drop(b.insert(x, x % 1_000)),
                    }
                }
                (a, b, depth)
            })
    }

    fn leaf_contents(e: &Entries, tree: &MerkleTree, leaf: u64) -> Vec<(u64, u64)> {
        e.range(tree.leaf_range(leaf)).map(|(&t, &v)| (t, v)).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn diff_finds_exactly_the_leaves_whose_contents_differ((a, b, depth) in replicas()) {
            let (ta, tb) = (MerkleTree::build(&a, depth).unwrap(), MerkleTree::build(&b, depth).unwrap());
            let diff = ta.diff(&tb).unwrap();
            let expected: Vec<u64> =
                (0..1u64 << depth).filter(|&l| leaf_contents(&a, &ta, l) != leaf_contents(&b, &tb, l)).collect();
            prop_assert_eq!(&diff.leaves, &expected);
            prop_assert_eq!(ta.root() == tb.root(), a == b);
            // Top-down comparison touches at most the root plus two children per differing node
            // on each level: 1 + 2·d·depth for d differing leaves.
            let d = expected.len() as u64;
            prop_assert!(diff.hashes_compared() <= 1 + 2 * d * u64::from(depth));
        }

        #[test]
        fn repair_makes_replicas_and_trees_equal((a, b, depth) in replicas()) {
            let (mut a, mut b) = (a, b);
            let (mut ta, mut tb) = (MerkleTree::build(&a, depth).unwrap(), MerkleTree::build(&b, depth).unwrap());
            let diff = ta.diff(&tb).unwrap();
            let report = repair(&mut a, &mut ta, &mut b, &mut tb, &diff.leaves);
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(ta.root(), tb.root());
            // The incrementally updated trees equal trees built afresh.
            prop_assert_eq!(&ta, &MerkleTree::build(&a, depth).unwrap());
            // Every entry sent was either already there (over-streamed), applied (fixed), or
            // older than what the receiver had.
            prop_assert!(report.sent >= report.over_streamed + report.fixed);
            prop_assert_eq!(report.fixed == 0, diff.leaves.is_empty());
            prop_assert!(ta.diff(&tb).unwrap().leaves.is_empty());
        }

        #[test]
        fn every_token_lies_in_its_leaf_range(token: u64, depth in 0u32..=12) {
            let tree = MerkleTree::build(&Entries::new(), depth).unwrap();
            prop_assert!(tree.leaf_range(tree.leaf_of(token)).contains(&token));
        }
    }

    #[test]
    fn bad_depths_are_refused() {
        assert_eq!(
            MerkleTree::build(&Entries::new(), MAX_DEPTH + 1).err(),
            Some(TreeError::DepthTooLarge(21))
        );
        let (a, b) = (
            MerkleTree::build(&Entries::new(), 3).unwrap(),
            MerkleTree::build(&Entries::new(), 4).unwrap(),
        );
        assert_eq!(a.diff(&b).err(), Some(TreeError::DepthMismatch(3, 4)));
    }

    #[test]
    fn leaf_ranges_tile_the_token_space() {
        for depth in [0, 1, 5, MAX_DEPTH] {
            let tree = MerkleTree::build(&Entries::new(), depth).unwrap();
            let last = (1u64 << depth) - 1;
            assert_eq!(*tree.leaf_range(0).start(), 0);
            assert_eq!(*tree.leaf_range(last).end(), u64::MAX);
            for leaf in [0, last / 2, last.saturating_sub(1)] {
                if leaf < last {
                    assert_eq!(tree.leaf_range(leaf).end() + 1, *tree.leaf_range(leaf + 1).start());
                }
            }
        }
    }
}

mod coarsen {
    use proptest::prelude::*;
    use shardscope_core::merkle::antientropy::{Entries, MerkleTree};

    proptest! {
        #[test]
        fn coarsening_equals_building_at_the_smaller_depth(
            entries in proptest::collection::btree_map(any::<u64>(), any::<u64>(), 0..200),
            fine in 0u32..=10,
            coarse in 0u32..=10,
        ) {
            let coarse = coarse.min(fine);
            let entries: Entries = entries;
            let tree = MerkleTree::build(&entries, fine).unwrap();
            prop_assert_eq!(tree.coarsen(coarse), MerkleTree::build(&entries, coarse).unwrap());
        }
    }
}
