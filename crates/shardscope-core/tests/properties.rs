//! Property tests: the guarantees each algorithm's paper proves, checked on random inputs.
//!
//! proptest does not run on wasm32, so these run natively only; `known_answers.rs` covers wasm32.
#![cfg(not(target_arch = "wasm32"))]

use std::num::NonZeroU32;

use proptest::prelude::*;
use shardscope_core::hash::KeySet;
use shardscope_core::labs::placement::{legacy::REBALANCE, Job, Params};
use shardscope_core::labs::LabParams;
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

    #[test]
    fn any_rebalance_link_opens_a_valid_placement_state(input in ".{0,200}") {
        let (params, _) = Params::from_alias_query(REBALANCE, &input, &[]);
        prop_assert!(Job::new(&params).is_ok());
        prop_assert!(params.step <= params.event_count());
    }

    #[test]
    fn a_rebalance_link_keeps_its_algorithm_cluster_and_event(alg in 0usize..4, nodes in 1u32..=64, keys in 1u32..=1_000_000, vnodes in 1u32..=1000, seed: u64, remove: Option<u32>) {
        let slug = ["modn", "ring", "hrw", "jump"][alg];
        let event = match remove {
            // The Rebalance lab only ever wrote removals it could show (jump hash: the last node).
            Some(r) if nodes > 1 => format!("remove-{}", if slug == "jump" { nodes - 1 } else { r % nodes }),
            _ => "add".to_owned(),
        };
        let link = format!("v=1&alg={slug}&nodes={nodes}&keys={keys}&vnodes={vnodes}&seed={seed}&event={event}");
        let (params, problems) = Params::from_alias_query(REBALANCE, &link, &[]);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        let expected = format!("v=1&alg={slug}&nodes={nodes}&keys={keys}&vnodes={vnodes}");
        prop_assert!(params.to_query().starts_with(&expected), "{}", params.to_query());
        prop_assert!(params.to_query().ends_with(&format!("&seed={seed}&events={event}&step=1")), "{}", params.to_query());
    }
}

mod rfc6962 {
    use proptest::prelude::*;
    use shardscope_core::merkle::rfc6962::{
        consistency_proof, inclusion_proof, path_len, root, verify_consistency, verify_inclusion,
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

mod antientropy_lab {
    use proptest::prelude::*;
    use shardscope_core::labs::anti_entropy::{Command, Damage, Job, Model, Params};
    use shardscope_core::labs::LabParams;
    use shardscope_core::query::Choice;

    fn run(p: Params) -> shardscope_core::labs::anti_entropy::Report {
        let mut job = Job::new(p);
        while !job.step() {}
        job.report().unwrap().clone()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn damage_is_exact_and_repair_converges(
            keys in 1u32..3_000, seed: u64, depth in 0u32..=12, three: bool, kind in 0usize..4, n in 1u32..50,
        ) {
            let p = Params { keys, seed, depth, replicas: if three { 3 } else { 2 }, damage: Damage::ALL[kind], count: n.min(keys), step: 0, focus: 1 };
            let r = run(p);
            // Each kind of damage touches exactly `count` keys of B.
            prop_assert_eq!(r.differing_keys, u64::from(p.count));
            prop_assert!(r.roots_after.windows(2).all(|w| w[0] == w[1]), "roots after repair differ");
            prop_assert_ne!(r.roots_before[0], r.roots_before[1]);
            // The chart's prediction for the chosen depth is what the first repair round did.
            let at_depth = r.chart.iter().find(|c| c.depth == depth).unwrap();
            let (pair, first) = r.rounds[0];
            prop_assert_eq!(pair, (0, 1));
            prop_assert_eq!((at_depth.sent, at_depth.over_streamed), (first.sent, first.over_streamed));
            prop_assert_eq!(at_depth.compared, r.diff.hashes_compared());
            prop_assert_eq!(at_depth.differing_leaves, r.diff.leaves.len() as u64);
        }

        #[test]
        fn any_query_gives_valid_params(input in ".{0,160}") {
            let (p, _) = Params::from_query(&input);
            prop_assert!(p.count <= p.keys && p.step <= p.repaired_step() && p.focus <= p.tree_nodes());
        }

        #[test]
        fn permalinks_round_trip(keys in 1u32..=1_000_000, seed: u64, depth in 0u32..=20, kind in 0usize..4, n: u32, steps in 0u32..30) {
            let mut m = Model::new(Params { keys, seed, depth, damage: Damage::ALL[kind], count: 1 + n % keys, ..Params::default() });
            for _ in 0..steps {
                m.apply(Command::Next);
            }
            let (parsed, problems) = Params::from_query(&m.params.to_query());
            prop_assert_eq!(parsed, m.params);
            prop_assert!(problems.is_empty());
        }
    }

    #[test]
    fn hostile_values_are_clamped_with_a_message() {
        let (p, problems) = Params::from_query("v=1&depth=40&keys=1000000000000&n=5&damage=meteor&focus=0");
        assert_eq!((p.depth, p.keys), (Params::default().depth, Params::default().keys));
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|t| t.starts_with("depth: 40 is outside 0–20")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.starts_with("keys: 1000000000000 is outside")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("“meteor” is not one of drop, corrupt, range, random")),
            "{text:?}"
        );
        assert!(text.iter().any(|t| t.starts_with("focus: 0 is outside")), "{text:?}");
        let (p, problems) = Params::from_query("v=1&keys=10&n=50");
        assert_eq!(p.count, 10);
        assert!(problems[0].message.contains("more than the 10 keys"));
    }

    #[test]
    fn the_walkthrough_stops_before_repair_until_asked() {
        let mut m = Model::new(Params {
            depth: 2,
            ..Params::default()
        });
        for _ in 0..10 {
            m.apply(Command::Next);
        }
        assert_eq!(m.params.step, 3); // Root, level 1 and level 2 (the leaves) compared.
        m.apply(Command::Repair);
        assert_eq!(m.params.step, 4);
        m.apply(Command::SetDepth(5));
        assert_eq!((m.params.step, m.params.focus), (0, 1));
    }
}

mod proofs_lab {
    use proptest::prelude::*;
    use shardscope_core::labs::proofs::{report, Command, ConsistencyTamper, Model, Params, Tamper, MAX_SIZE};
    use shardscope_core::labs::LabParams;
    use shardscope_core::query::Choice;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn honest_checks_pass_and_every_tamper_is_caught_where_it_happened(
            size in 1u32..300, seed: u64, leaf: u32, at: u32, old: u32, t in 0usize..5, c in 0usize..3,
        ) {
            let mut m = Model::new(Params::default());
            m.apply(Command::Load(Params { size, seed, leaf: leaf % size, at: 0, old: 1 + old % size, ..Params::default() }));
            m.apply(Command::SetAt(at % 12));
            m.apply(Command::SetTamper(Tamper::ALL[t]));
            m.apply(Command::SetConsistencyTamper(ConsistencyTamper::ALL[c]));
            let p = m.params;
            let r = report(&p);
            prop_assert_eq!(r.inclusion_ok, p.tamper == Tamper::None);
            match p.tamper {
                Tamper::None | Tamper::Root => prop_assert_eq!(r.diverged_at, None),
                Tamper::Record => prop_assert_eq!(r.diverged_at, Some(0)),
                Tamper::Proof => prop_assert_eq!(r.diverged_at, Some(p.at as usize + 1)),
                // Another log's path leaves the honest computation at its first differing hash.
                Tamper::OtherLog => prop_assert!(matches!(r.diverged_at, Some(k) if k >= 1)),
            }
            // An empty consistency proof (old = size) has nothing to tamper with.
            let untouched = p.ctamper == ConsistencyTamper::None || (p.ctamper == ConsistencyTamper::Proof && r.consistency.is_empty());
            prop_assert_eq!(r.consistency_ok, untouched);
            let (parsed, problems) = Params::from_query(&p.to_query());
            prop_assert_eq!(parsed, p);
            prop_assert!(problems.is_empty(), "{:?}", problems);
        }

        #[test]
        fn any_query_gives_valid_params(input in ".{0,120}") {
            let (p, _) = Params::from_query(&input);
            prop_assert!(p.leaf < p.size && p.old <= p.size && p.size <= MAX_SIZE);
            let _ = report(&p);
        }
    }
}

mod placement_lab {
    use proptest::prelude::*;
    use shardscope_core::labs::placement::Job;
    use shardscope_core::labs::placement::{Algorithm, Command, Event, Model, Params, MAX_KEYS, PRESETS};
    use shardscope_core::labs::LabParams;
    use shardscope_core::query::Choice;

    fn run(params: &Params) -> shardscope_core::labs::placement::Report {
        let mut job = Job::new(params).unwrap();
        while !job.step() {}
        job.report()
    }

    fn small(mut p: Params) -> Params {
        p.keys = p.keys.min(20_000);
        p
    }

    fn events() -> impl Strategy<Value = Vec<Event>> {
        prop::collection::vec(
            prop_oneof![
                Just(Event::Add),
                (0u32..12).prop_map(Event::Remove),
                (0u32..12, 1u32..=10).prop_map(|(id, w)| Event::Weight(id, w)),
                (0u32..12).prop_map(Event::Fail),
                (0u32..2, 0u32..3).prop_map(|(dc, rack)| Event::FailRack { dc, rack }),
            ],
            0..8,
        )
    }

    fn algorithms() -> impl Strategy<Value = Vec<Algorithm>> {
        prop::sample::subsequence(Algorithm::ALL.to_vec(), 1..=4)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn permalinks_round_trip(algs in algorithms(), nodes in 1u32..=1000, keys in 1u32..=MAX_KEYS, events in events(), rf in 1u32..=5, topo: bool, zipf in 0u32..=300, seed: u64) {
            let mut p = Params { algorithms: algs, nodes, keys, events, rf, topology: topo, zipf, seed, dcs: 2, racks: 3, ..Params::default() };
            p.step = u32::try_from(p.events.len()).unwrap();
            let (back, _) = Params::from_query(&p.to_query());
            // Reading may clamp (HRW's work cap); it never changes what the link says otherwise.
            prop_assert_eq!(back.algorithms, p.algorithms.clone());
            prop_assert_eq!(back.events, p.events.clone());
            prop_assert_eq!((back.rf, back.topology, back.zipf, back.seed, back.step), (rf, topo, zipf, seed, p.step));
        }

        #[test]
        fn any_query_gives_a_runnable_lab(input in ".{0,300}") {
            let (p, _) = Params::from_query(&input);
            prop_assert!(p.step as usize <= p.events.len());
            prop_assert!(!p.algorithms.is_empty() && p.algorithms.len() <= 4);
            prop_assert!(Job::new(&small(p)).is_ok());
        }

        /// Whatever events happen, every key is placed exactly once per algorithm, moves never
        /// undercut the minimum, the consistent algorithms move exactly the minimum on joins and
        /// leaves they accept, and two runs agree.
        #[test]
        fn scenarios_are_sound_and_deterministic(algs in algorithms(), nodes in 2u32..12, events in events(), seed: u64, rf in 1u32..=3, topo: bool) {
            let mut p = Params { algorithms: algs, nodes, keys: 5_000, events, seed, rf, topology: topo, dcs: 2, racks: 3, ..Params::default() };
            for step in 0..=p.events.len() {
                p.step = u32::try_from(step).unwrap();
                let report = run(&p);
                prop_assert_eq!(&report, &run(&p));
                for a in &report.algorithms {
                    let after: u64 = a.nodes.iter().filter_map(|n| n.after).sum();
                    prop_assert_eq!(after, 5_000);
                    prop_assert!(a.moved >= a.minimum);
                    prop_assert!(a.nodes.iter().filter(|n| n.failed).all(|n| n.after.unwrap_or(0) == 0));
                    if let Some(r) = a.replication {
                        prop_assert!(r.unavailable <= r.under_replicated && r.under_replicated <= r.examined);
                        if topo {
                            prop_assert_eq!(r.badly_spread, 0, "NetworkTopologyStrategy spreads every set");
                        }
                    }
                }
            }
        }

        #[test]
        fn commands_keep_the_model_valid(cmds in prop::collection::vec((0u8..10, any::<u32>()), 0..30)) {
            let mut model = Model::default();
            for (kind, x) in cmds {
                let command = match kind {
                    0 => Command::SetNodes(x % 1_200),
                    1 => Command::SetKeys(x),
                    2 => Command::Record(Event::Add),
                    3 => Command::Record(Event::Remove(x % 12)),
                    4 => Command::Record(Event::Fail(x % 12)),
                    5 => Command::Step(x % 10),
                    6 => Command::SetAlgorithms(vec![Algorithm::ALL[x as usize % 8], Algorithm::Rendezvous]),
                    7 => Command::SetTable(x % 2_000_000),
                    8 => Command::SetVnodes(x % 1_200),
                    _ => Command::SetRf(x % 7),
                };
                model.apply(command);
                let p = &model.params;
                prop_assert!(p.step as usize <= p.events.len());
                prop_assert!((1..=p.max_nodes()).contains(&p.nodes));
                prop_assert_eq!(Params::from_query(&p.to_query()).0, p.clone());
            }
        }
    }

    #[test]
    fn presets_open_without_problems() {
        for preset in PRESETS {
            let (p, problems) = Params::from_query(preset.query);
            assert!(problems.is_empty(), "{}: {problems:?}", preset.name);
            assert!(Job::new(&p).is_ok());
        }
    }

    #[test]
    fn hostile_links_are_clamped_with_a_message() {
        let (p, problems) =
            Params::from_query("v=1&alg=ring,paxos&keys=1000000000000&vnodes=0&nodes=99999&events=add,explode&step=9");
        assert_eq!(p.algorithms, [Algorithm::Ring]);
        assert_eq!((p.keys, p.vnodes, p.nodes, p.step), (MAX_KEYS, 1, 1_000, 1));
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        for needle in ["paxos", "1000000000000", "vnodes", "nodes", "explode"] {
            assert!(
                text.iter().any(|t| t.contains(needle)),
                "{needle} not named in {text:?}"
            );
        }
        // Rendezvous hashing's work is capped: keys × nodes ≤ 10^8.
        let (p, problems) = Params::from_query("v=1&alg=hrw&keys=10000000&nodes=1000&events=&step=0");
        assert_eq!(p.keys, 100_000);
        assert!(problems.iter().any(|p| p.message.contains("scores every node")));
    }

    #[test]
    fn jump_refuses_a_middle_removal_and_anchor_takes_it() {
        let preset = PRESETS
            .iter()
            .find(|p| p.name.starts_with("Remove a middle node"))
            .unwrap();
        let (p, problems) = Params::from_query(preset.query);
        assert!(problems.is_empty());
        let report = run(&small(p));
        let by = |alg| report.algorithms.iter().find(|a| a.algorithm == alg).unwrap();
        assert_eq!(by(Algorithm::Jump).moved, 0);
        assert!(by(Algorithm::Jump).refused[0].contains("AnchorHash"));
        let anchor = by(Algorithm::Anchor);
        assert_eq!(anchor.moved, anchor.minimum);
        assert!(anchor.nodes.iter().all(|n| n.node != 3 || n.after.is_none()));
    }
}

/// Hostile links: reading any link costs memory and time linear in its length, and the problems
/// are a handful per field, whatever the link holds.
mod hostile_links {
    use proptest::prelude::*;
    use shardscope_core::labs::placement::legacy::REBALANCE;
    use shardscope_core::labs::{anti_entropy, partition, placement, proofs, LabParams};
    use shardscope_core::query::{Problem, MAX_PROBLEMS_PER_FIELD, MAX_QUERY_BYTES};

    /// Every lab's reading of `input` (and the Placement lab's reading of it as a Rebalance link).
    fn problems_of_every_lab(input: &str) -> Vec<Vec<Problem>> {
        vec![
            placement::Params::from_query_ignoring(input, &[]).1,
            placement::Params::from_alias_query(REBALANCE, input, &[]).1,
            partition::Params::from_query_ignoring(input, &[]).1,
            anti_entropy::Params::from_query_ignoring(input, &[]).1,
            proofs::Params::from_query_ignoring(input, &[]).1,
        ]
    }

    /// A hostile link of one of the kinds outside checks used, `entries` entries long.
    fn hostile(kind: usize, entries: usize) -> String {
        match kind {
            0 => format!("v=1&events={}", "x,".repeat(entries)),
            1 => format!("v=1&{}", "a=&".repeat(entries)),
            2 => format!("v=1&alg={}", "nope,".repeat(entries)),
            3 => format!("v=1&{}", "nodes=3&".repeat(entries)),
            4 => format!("v=1&req={}&nem={}", "bad,".repeat(entries), "cut-9-9,".repeat(entries)),
            _ => format!("v=1&alg=ring,{}", "ring,".repeat(entries)),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn a_link_of_megabytes_is_refused_with_one_problem(kind in 0usize..6, megabytes in 1usize..=4) {
            let input = hostile(kind, megabytes * 1_000_000 / 2);
            prop_assert!(input.len() > MAX_QUERY_BYTES);
            for problems in problems_of_every_lab(&input) {
                prop_assert_eq!(problems.len(), 1, "{:?}", problems);
                prop_assert_eq!(problems[0].field.as_str(), "link");
                prop_assert!(problems[0].message.contains("bytes long"));
            }
        }

        #[test]
        fn a_readable_link_has_a_handful_of_problems_per_field(kind in 0usize..6, entries in 0usize..3_000) {
            let mut input = hostile(kind, entries);
            input.truncate(MAX_QUERY_BYTES);
            for problems in problems_of_every_lab(&input) {
                let mut fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
                fields.sort_unstable();
                fields.dedup();
                for field in fields {
                    let count = problems.iter().filter(|p| p.field == field).count();
                    // The kept problems of two kinds (unknown and repeated parameters share the
                    // "link" field), their "…and N more" lines, and a limit's own message.
                    prop_assert!(count <= 2 * MAX_PROBLEMS_PER_FIELD + 3, "{} problems in {}: {:?}", count, field, problems);
                }
                prop_assert!(problems.len() <= 40, "{} problems", problems.len());
            }
        }
    }

    #[test]
    fn the_rest_are_counted_in_one_line() {
        let (_, problems) = placement::Params::from_query(&format!("v=1&events={}", "x,".repeat(1000)));
        let events: Vec<&Problem> = problems.iter().filter(|p| p.field == "events").collect();
        assert_eq!(events.len(), MAX_PROBLEMS_PER_FIELD + 1, "{problems:?}");
        assert!(events
            .last()
            .unwrap()
            .message
            .starts_with(&format!("…and {} more", 1000 - MAX_PROBLEMS_PER_FIELD)));
        let (_, problems) = proofs::Params::from_query(&format!("v=1&{}", "zz=1&".repeat(50)));
        assert_eq!(problems.len(), MAX_PROBLEMS_PER_FIELD + 1, "{problems:?}");
        assert_eq!(
            problems.last().unwrap().message,
            "…and 45 more parameters that are not this lab's, ignored"
        );
    }
}
