//! Property tests of the labs' models: any link or command sequence leaves a valid state, links
//! round-trip, hostile links cost little, Rebalance links keep their state in the Placement lab,
//! and the labs' own claims (damage is exact and repair converges, tampering is caught).
//!
//! proptest does not run on wasm32, so these run natively only; `known_answers.rs` covers wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod rebalance_links {
    use proptest::prelude::*;
    use shardscope_core::labs::placement::{legacy::REBALANCE, Job, Params};
    use shardscope_core::labs::LabParams;

    proptest! {
        // As many cases as the algorithm properties these tests stood beside.
        #![proptest_config(ProptestConfig::with_cases(64))]

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

    #[test]
    fn presets_open_cleanly_and_show_their_lessons() {
        use shardscope_core::labs::anti_entropy::PRESETS;
        let opened: Vec<Params> = PRESETS
            .iter()
            .map(|preset| {
                let (p, problems) = Params::from_query(preset.query);
                assert!(problems.is_empty(), "{}: {problems:?}", preset.name);
                assert_eq!(p.to_query(), preset.query, "{} is canonical", preset.name);
                p
            })
            .collect();
        // One dropped write: one leaf, 25 hashes (400 bytes) against 2,400,000 bytes.
        let one = run(opened[0]);
        assert_eq!((one.diff.leaves.len(), one.diff.hashes_compared()), (1, 25));
        assert_eq!((one.diff.bytes_exchanged(), one.full_compare_bytes), (400, 2_400_000));
        // A lost range: levels 1 to 4 find one differing node each, level 5 more.
        let range = run(opened[1]);
        assert!(range.diff.levels[1..=4].iter().all(|l| l.differing == 1));
        assert!(range.diff.levels[5].differing > 1);
        // Too shallow: all 64 leaves differ, and repair sends every key of both replicas.
        let shallow = run(opened[2]);
        assert_eq!(shallow.diff.leaves.len(), 64);
        let (_, first) = shallow.rounds[0];
        assert_eq!(first.sent, shallow.sizes[0] + shallow.sizes[1]);
        // Three replicas: three rounds, then one root.
        let three = run(opened[3]);
        assert_eq!(three.rounds.len(), 3);
        assert!(three.roots_after.windows(2).all(|w| w[0] == w[1]));
        assert_eq!(opened[3].step, opened[3].repaired_step());
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
    use shardscope_core::labs::proofs::{report, Command, ConsistencyTamper, Model, Params, Tamper, MAX_SIZE, PRESETS};
    use shardscope_core::labs::LabParams;
    use shardscope_core::query::Choice;

    #[test]
    fn presets_open_cleanly_and_show_their_lessons() {
        let r: Vec<_> = PRESETS
            .iter()
            .map(|preset| {
                let (p, problems) = Params::from_query(preset.query);
                assert!(problems.is_empty(), "{}: {problems:?}", preset.name);
                assert_eq!(p.to_query(), preset.query, "{} is canonical", preset.name);
                report(&p)
            })
            .collect();
        assert!(r[0].inclusion_ok && r[0].consistency_ok && r[0].proof.len() == 4);
        assert!(!r[1].inclusion_ok && r[1].diverged_at == Some(3));
        assert!(!r[2].inclusion_ok && r[2].diverged_at == Some(0));
        assert!(r[3].inclusion_ok && !r[3].consistency_ok);
        assert!(r[4].inclusion_ok && r[4].consistency_ok);
        assert_eq!((r[4].proof.len(), r[4].consistency.len()), (12, 8));
    }

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

    /// Found by the scenario property: after nodes 2 and 4 leave seven, datacenter 0 keeps one
    /// rack (nodes 0 and 6), so its two replicas share it however they are chosen. The set is as
    /// well spread as the cluster allows and must not be counted as badly spread.
    #[test]
    fn a_datacenter_with_one_rack_left_is_not_badly_spread() {
        let p = Params {
            algorithms: vec![Algorithm::Rendezvous],
            nodes: 7,
            keys: 5_000,
            events: vec![Event::Remove(2), Event::Remove(4)],
            step: 2,
            seed: 0,
            rf: 2,
            topology: true,
            dcs: 2,
            racks: 3,
            ..Params::default()
        };
        let report = run(&p);
        let r = report.algorithms[0].replication.expect("rf 2 has replica sets");
        assert_eq!(r.examined, 5_000);
        assert_eq!(r.badly_spread, 0);
        // Without the topology rule the same cluster does leave sets badly spread.
        let simple = run(&Params { topology: false, ..p });
        assert!(simple.algorithms[0].replication.unwrap().badly_spread > 0);
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

mod dht_lab {
    use proptest::prelude::*;
    use shardscope_core::dht::Protocol;
    use shardscope_core::labs::dht::{Command, Model, Params, MAX_NODES, PRESETS};
    use shardscope_core::labs::{run_to_end, Computes, LabParams};
    use shardscope_core::query::Choice;

    #[test]
    fn presets_open_cleanly() {
        for preset in PRESETS {
            let (p, problems) = Params::from_query(preset.query);
            assert!(problems.is_empty(), "{}: {problems:?}", preset.name);
            assert_eq!(Params::from_query(&p.to_query()).0, p, "{} round-trips", preset.name);
        }
    }

    fn command(kind: u8, value: u32) -> Command {
        match kind % 16 {
            0 => Command::Toggle(Protocol::ALL[value as usize % 3]),
            1 => Command::SetNodes(value % (2 * MAX_NODES)),
            2 => Command::SetBits(value % 80),
            3 => Command::SetVids(value % 30),
            4 => Command::SetSuccessors(value % 40),
            5 => Command::SetK(value % 80),
            6 => Command::SetAlpha(value % 20),
            7 => Command::SetLookups(value % 300),
            8 => Command::SetKeys(value % 3_000),
            9 => Command::SetFail(value % 120),
            10 => Command::SetRounds(value % 12),
            11 => Command::Trace(value % 400),
            12 => Command::NextHop { steps: value % 20 },
            13 => Command::SetChurn(value % 30),
            14 => Command::SetPeriod(value % 60),
            _ => Command::BackHop,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Whatever a user does, the state stays valid (its computation starts and ends) and its
        /// link reads back as the same state.
        #[test]
        fn any_commands_leave_a_valid_model(commands in proptest::collection::vec((any::<u8>(), any::<u32>()), 0..12)) {
            let mut m = Model::new(Params { nodes: 300, lookups: 200, keys: 1_000, ..Params::default() });
            for (kind, value) in commands {
                m.apply(command(kind, value));
                // Keep each run small: the property is about validity, not scale. Churn rebuilds
                // Kademlia's buckets by lookups every few ticks, so it runs on fewer nodes.
                let most = if m.params.churn > 0 { 200 } else { 2_000 };
                if m.params.nodes > most {
                    m.apply(Command::SetNodes(most));
                }
                if m.params.churn > 0 && (m.params.k > 8 || m.params.alpha > 3) {
                    m.apply(Command::SetK(m.params.k.min(8)));
                    m.apply(Command::SetAlpha(m.params.alpha.min(3)));
                }
            }
            let p = m.params.clone();
            prop_assert!(p.slots() <= p.space().capacity());
            prop_assert!(p.trace < p.lookups);
            let (back, problems) = Params::from_query(&p.to_query());
            prop_assert_eq!(&back, &p);
            prop_assert!(problems.is_empty(), "{:?}", problems);
            let r = run_to_end(p.start().expect("a valid state starts"));
            prop_assert_eq!(r.protocols.len(), p.protocols.len());
            for x in &r.protocols {
                prop_assert_eq!(x.histogram.iter().sum::<u64>(), u64::from(p.lookups));
            }
        }

        #[test]
        fn any_query_gives_valid_params(input in ".{0,160}") {
            let (p, _) = Params::from_query(&input);
            prop_assert!(p.slots() <= p.space().capacity() && !p.protocols.is_empty());
        }
    }
}

/// Hostile links: reading any link costs memory and time linear in its length, and the problems
/// are a handful per field, whatever the link holds.
mod hostile_links {
    use proptest::prelude::*;
    use shardscope_core::labs::placement::legacy::REBALANCE;
    use shardscope_core::labs::{anti_entropy, cache, dht, partition, placement, proofs, LabParams};
    use shardscope_core::query::{Problem, MAX_PROBLEMS_PER_FIELD, MAX_QUERY_BYTES};

    /// Every lab's reading of `input` (and the Placement lab's reading of it as a Rebalance link).
    fn problems_of_every_lab(input: &str) -> Vec<Vec<Problem>> {
        vec![
            placement::Params::from_query_ignoring(input, &[]).1,
            placement::Params::from_alias_query(REBALANCE, input, &[]).1,
            partition::Params::from_query_ignoring(input, &[]).1,
            anti_entropy::Params::from_query_ignoring(input, &[]).1,
            proofs::Params::from_query_ignoring(input, &[]).1,
            dht::Params::from_query_ignoring(input, &[]).1,
            cache::Params::from_query_ignoring(input, &[]).1,
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
            5 => format!("v=1&proto={}", "pastry,chord,".repeat(entries / 2)),
            6 => format!(
                "v=1&pol={}&alpha=-{}",
                "mru,lru,".repeat(entries / 2),
                "9".repeat(entries)
            ),
            _ => format!("v=1&alg=ring,{}", "ring,".repeat(entries)),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn a_link_of_megabytes_is_refused_with_one_problem(kind in 0usize..8, megabytes in 1usize..=4) {
            let input = hostile(kind, megabytes * 1_000_000 / 2);
            prop_assert!(input.len() > MAX_QUERY_BYTES);
            for problems in problems_of_every_lab(&input) {
                prop_assert_eq!(problems.len(), 1, "{:?}", problems);
                prop_assert_eq!(problems[0].field.as_str(), "link");
                prop_assert!(problems[0].message.contains("bytes long"));
            }
        }

        #[test]
        fn a_readable_link_has_a_handful_of_problems_per_field(kind in 0usize..8, entries in 0usize..3_000) {
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
