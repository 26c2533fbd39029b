//! The partition simulation: the Gilbert–Lynch scenario, ABD's linearizability under random
//! partitions over a thousand seeds, R = W = 1's stale reads, and determinism.

#![cfg(not(target_arch = "wasm32"))]

use shardscope_core::linearizability::{check, Verdict};
use shardscope_core::partition::{workload, Config, Level, Mode, Nemesis, Outcome, Request, Sim, Tick};

fn config(nodes: u32, mode: Mode, seed: u64) -> Config {
    Config {
        nodes,
        dcs: 1,
        local_latency: 2,
        remote_latency: 10,
        loss_percent: 0,
        timeout: 50,
        mode,
        seed,
    }
}

fn verdict(sim: &Sim) -> Verdict {
    let ops: Vec<_> = sim.checkable().into_iter().map(|(_, op)| op).collect();
    check(&ops)
}

const ONE: Mode = Mode::Leaderless {
    n: 2,
    r: Level::Count(1),
    w: Level::Count(1),
    read_repair: false,
    sloppy: false,
    siblings: false,
};

/// Gilbert and Lynch's proof: G1 and G2 hold v0; the link between them is cut; a client writes v1
/// at G1, then another reads at G2.
fn gilbert_lynch(mode: Mode) -> Sim {
    let requests = [
        Request {
            at: 10,
            node: 0,
            key: 0,
            write: Some(1),
        },
        Request {
            at: 100,
            node: 1,
            key: 0,
            write: None,
        },
    ];
    let mut sim = Sim::new(config(2, mode, 1), &requests, &[(0, Nemesis::Cut(0, 1))]);
    sim.run();
    sim
}

#[test]
fn gilbert_lynch_availability_returns_the_old_value() {
    let sim = gilbert_lynch(ONE);
    assert_eq!(sim.history[0].outcome, Some(Outcome::Ok));
    assert_eq!(sim.history[1].outcome, Some(Outcome::Stale));
    assert_eq!(sim.history[1].value, Some(0));
    assert!(matches!(verdict(&sim), Verdict::NotLinearizable { blocked: 1, .. }));
}

#[test]
fn gilbert_lynch_consistency_cannot_answer() {
    let sim = gilbert_lynch(Mode::Abd);
    // A majority of two is both: neither side can finish anything.
    assert_eq!(sim.history[0].outcome, Some(Outcome::TimedOut));
    assert_eq!(sim.history[1].outcome, Some(Outcome::TimedOut));
    assert_eq!(verdict(&sim), Verdict::Linearizable);
}

#[test]
fn abd_majority_side_works_and_minority_side_times_out() {
    let requests: Vec<Request> = (0..10)
        .map(|i| Request {
            at: 10 + 20 * u64::from(i),
            node: i % 5,
            key: 0,
            write: (i % 2 == 0).then_some(u64::from(i) + 1),
        })
        .collect();
    let split = vec![0, 0, 1, 1, 1];
    let mut sim = Sim::new(config(5, Mode::Abd, 3), &requests, &[(0, Nemesis::Split(split))]);
    sim.run();
    for r in &sim.history {
        let majority_side = r.request.node >= 2;
        let expected = if majority_side { Outcome::Ok } else { Outcome::TimedOut };
        assert_eq!(r.outcome, Some(expected), "{r:?}");
    }
    assert_eq!(verdict(&sim), Verdict::Linearizable);
}

/// A random nemesis schedule over `horizon` ticks: splits, cuts, crashes, and heals.
fn nemesis(seed: u64, nodes: u32, horizon: Tick, with_failover: bool) -> Vec<(Tick, Nemesis)> {
    let mut rng = shardscope_core::hash::Stream::new(seed ^ 0x6e65_6d65);
    (0..8)
        .map(|_| {
            let at = rng.below(horizon);
            let a = u32::try_from(rng.below(u64::from(nodes))).unwrap();
            let b = u32::try_from(rng.below(u64::from(nodes))).unwrap();
            let n = match rng.below(6) {
                0 => Nemesis::Split((0..nodes).map(|_| u32::try_from(rng.below(2)).unwrap()).collect()),
                1 => Nemesis::Cut(a, b),
                2 => Nemesis::Crash(a),
                3 if with_failover => Nemesis::Failover(a),
                3 => Nemesis::Restart(a),
                4 => Nemesis::Heal(a, b),
                _ => Nemesis::HealAll,
            };
            (at, n)
        })
        .collect()
}

fn random_run(seed: u64, mode: Mode, nodes: u32) -> Sim {
    let requests = workload(seed, nodes, 2, 60, 7);
    let mut cfg = config(nodes, mode, seed);
    cfg.loss_percent = u32::try_from(seed % 4).unwrap() * 5;
    cfg.dcs = 1 + u32::try_from(seed % 3).unwrap().min(nodes - 1);
    let failover = matches!(mode, Mode::LeaderFollower { .. });
    let mut sim = Sim::new(cfg, &requests, &nemesis(seed, nodes, 420, failover));
    sim.run();
    sim
}

#[test]
fn abd_is_linearizable_under_a_thousand_random_partition_schedules() {
    let mut answered = 0;
    for seed in 0..1000 {
        let nodes = 3 + u32::try_from(seed % 5).unwrap();
        let sim = random_run(seed, Mode::Abd, nodes);
        assert_eq!(verdict(&sim), Verdict::Linearizable, "seed {seed}");
        assert!(sim.history.iter().all(|r| r.outcome.is_some()), "every operation ends");
        assert!(
            sim.history.iter().all(|r| r.outcome != Some(Outcome::Stale)),
            "seed {seed}: ABD never reads stale"
        );
        answered += sim.history.iter().filter(|r| r.outcome == Some(Outcome::Ok)).count();
    }
    // Partitions cost availability, not everything: most operations are answered.
    assert!(answered > 1000 * 60 / 3, "{answered} answered");
}

/// Synchronous leader–follower with reads at the leader is linearizable even across failovers:
/// a write is acknowledged only once every node has it, and a deposed leader answers nothing.
/// Asynchronous replication with failovers is not, for some seed.
#[test]
fn leader_follower_sync_is_linearizable_async_is_not() {
    let sync = Mode::LeaderFollower {
        sync: true,
        follower_reads: false,
    };
    for seed in 0..300 {
        let sim = random_run(seed, sync, 3 + u32::try_from(seed % 3).unwrap());
        assert_eq!(verdict(&sim), Verdict::Linearizable, "seed {seed}");
        assert_eq!(sim.lost_writes(), 0, "seed {seed}");
    }
    let not_sync = Mode::LeaderFollower {
        sync: false,
        follower_reads: false,
    };
    assert!((0..300).any(|seed| verdict(&random_run(seed, not_sync, 3)) != Verdict::Linearizable));
}

/// Dynamo's hinted handoff: whatever the partitions and crashes before, once every link is healed
/// and every node is up, every hint is acknowledged by its home replica (which applies the write
/// before acknowledging).
#[test]
fn hinted_handoff_delivers_every_hint_after_healing() {
    let mode = Mode::Leaderless {
        n: 3,
        r: Level::Count(2),
        w: Level::Count(2),
        read_repair: false,
        sloppy: true,
        siblings: false,
    };
    let mut hints = 0;
    for seed in 0..300 {
        let nodes = 4 + u32::try_from(seed % 4).unwrap();
        let requests = workload(seed, nodes, 2, 60, 7);
        let mut schedule = nemesis(seed, nodes, 420, false);
        schedule.push((500, Nemesis::HealAll));
        schedule.extend((0..nodes).map(|n| (500, Nemesis::Restart(n))));
        let mut sim = Sim::new(config(nodes, mode, seed), &requests, &schedule);
        sim.run();
        for h in &sim.hints {
            assert!(h.delivered.is_some(), "seed {seed}: {h:?} never delivered");
        }
        hints += sim.hints.len();
    }
    assert!(hints > 100, "the schedules produced only {hints} hints");
}

#[test]
fn r_equals_w_equals_one_is_not_linearizable_for_a_pinned_seed() {
    let mode = Mode::Leaderless {
        n: 3,
        r: Level::Count(1),
        w: Level::Count(1),
        read_repair: false,
        sloppy: false,
        siblings: false,
    };
    let first = (0..1000).find(|&seed| verdict(&random_run(seed, mode, 3)) != Verdict::Linearizable);
    // Found by this search and pinned, so a change in the simulation that hides the anomaly fails.
    assert_eq!(first, Some(PINNED_R1W1_SEED));
    let sim = random_run(PINNED_R1W1_SEED, mode, 3);
    assert!(sim.history.iter().any(|r| r.outcome == Some(Outcome::Stale)));
}

const PINNED_R1W1_SEED: u64 = 0;

/// With version vectors, writes that are not concurrent never conflict: without partitions or
/// loss, and with every write coordinated by one node, reads of all replicas find one value.
#[test]
fn version_vectors_conflict_only_on_concurrent_writes() {
    let mode = Mode::Leaderless {
        n: 3,
        r: Level::Count(3),
        w: Level::Count(3),
        read_repair: false,
        sloppy: false,
        siblings: true,
    };
    for seed in 0..100 {
        let requests: Vec<Request> = workload(seed, 3, 1, 40, 25)
            .into_iter()
            .map(|r| if r.write.is_some() { Request { node: 0, ..r } } else { r })
            .collect();
        let mut sim = Sim::new(config(3, mode, seed), &requests, &[]);
        sim.run();
        assert!(
            sim.history.iter().all(|r| r.outcome == Some(Outcome::Ok)),
            "seed {seed}"
        );
        assert_eq!(verdict(&sim), Verdict::Linearizable);
    }
}

#[test]
fn the_same_inputs_give_the_same_history() {
    let mode = Mode::Leaderless {
        n: 3,
        r: Level::Count(2),
        w: Level::Count(2),
        read_repair: true,
        sloppy: false,
        siblings: false,
    };
    for seed in 0..50 {
        let (a, b) = (random_run(seed, mode, 5), random_run(seed, mode, 5));
        assert_eq!(a.history, b.history);
        assert_eq!(a.flights, b.flights);
    }
}

mod lab {
    use shardscope_core::labs::partition::{report, Command, ModeChoice, Model, Params, PRESETS};
    use shardscope_core::labs::LabParams;
    use shardscope_core::linearizability::Verdict;
    use shardscope_core::partition::Outcome;

    fn preset(name: &str) -> Params {
        let p = PRESETS.iter().find(|p| p.name.starts_with(name)).unwrap();
        let (params, problems) = Params::from_query(p.query);
        assert!(problems.is_empty(), "{}: {problems:?}", p.name);
        params
    }

    #[test]
    fn every_preset_opens_cleanly_round_trips_and_shows_its_lesson() {
        for p in PRESETS {
            let (params, problems) = Params::from_query(p.query);
            assert!(problems.is_empty(), "{}: {problems:?}", p.name);
            assert_eq!(Params::from_query(&params.to_query()).0, params);
        }
        let gl_a = report(&preset("Gilbert–Lynch, choosing availability"));
        assert_eq!(gl_a.history[1].outcome, Some(Outcome::Stale));
        assert_eq!(gl_a.history[1].value, Some(0));
        let gl_c = report(&preset("Gilbert–Lynch, choosing consistency"));
        assert!(gl_c.history.iter().all(|r| r.outcome == Some(Outcome::TimedOut)));
        assert_eq!(gl_c.verdict, Verdict::Linearizable);
        let majority = report(&preset("Majority side"));
        assert_eq!(majority.verdict, Verdict::Linearizable);
        assert!(majority.count(Outcome::TimedOut) > 0 && majority.count(Outcome::Ok) > 0);
        assert_ne!(report(&preset("R = W = 1")).verdict, Verdict::Linearizable);
        let mut inversion = preset("R + W > N");
        assert_ne!(report(&inversion).verdict, Verdict::Linearizable);
        inversion.mode = ModeChoice::Abd;
        assert_eq!(
            report(&inversion).verdict,
            Verdict::Linearizable,
            "ABD has no inversion"
        );
        let failover = preset("Asynchronous leader failover");
        let lost = report(&failover);
        assert_eq!((lost.lost_writes, lost.history[1].outcome), (1, Some(Outcome::Stale)));
        assert_ne!(lost.verdict, Verdict::Linearizable);
        let mut sync = failover.clone();
        sync.sync = true;
        let sync = report(&sync);
        assert_eq!(
            (sync.lost_writes, sync.history[0].outcome),
            (0, Some(Outcome::TimedOut))
        );
        assert_eq!(sync.verdict, Verdict::Linearizable);
        assert_eq!(report(&preset("After healing")).diverged, 2);
        let sloppy = report(&preset("Sloppy quorum"));
        let outcomes: Vec<_> = sloppy.history.iter().map(|r| (r.outcome, r.value)).collect();
        assert_eq!(
            outcomes,
            [
                (Some(Outcome::Ok), None),
                (Some(Outcome::Stale), Some(0)),
                (Some(Outcome::Ok), Some(1000))
            ]
        );
        assert_eq!(sloppy.hints, (2, 2), "two hints taken, both handed off after healing");
        let mut concurrent = preset("Concurrent writes");
        let vv = report(&concurrent);
        assert_eq!(vv.history[2].outcome, Some(Outcome::Conflict));
        assert_eq!(
            vv.conflicts[2],
            [1000, 1001],
            "both concurrent writes come back as siblings"
        );
        concurrent.siblings = false;
        let lww = report(&concurrent);
        assert_eq!(
            (lww.history[2].outcome, lww.history[2].value),
            (Some(Outcome::Ok), Some(1001)),
            "last write wins drops 1000"
        );
        let dc = report(&preset("A datacenter cut off"));
        assert_eq!(
            dc.count(Outcome::TimedOut),
            0,
            "LOCAL_QUORUM keeps both sides answering"
        );
        assert!(dc.diverged > 0);
    }

    #[test]
    fn hostile_links_are_clamped_and_named() {
        let (p, problems) =
            Params::from_query("v=1&mode=paxos&nodes=0&n=0&ops=1000000000&rl=most&req=5:99:w,x&nem=10:explode");
        assert_eq!((p.mode, p.nodes, p.n, p.ops), (ModeChoice::Leaderless, 2, 1, 300));
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        for needle in ["paxos", "nodes", "1000000000", "most", "5:99:w", "explode"] {
            assert!(
                text.iter().any(|t| t.contains(needle)),
                "{needle} not named in {text:?}"
            );
        }
        // R > N cannot be written: levels are named, and N is clamped to the nodes.
        let (p, problems) = Params::from_query("v=1&nodes=3&n=7");
        assert_eq!(p.n, 3);
        assert!(!problems.is_empty());
    }

    #[test]
    fn clicking_a_link_cuts_then_heals_it_at_the_shown_time() {
        let mut model = Model::new(preset("Gilbert–Lynch, choosing availability"));
        model.apply(Command::Clear);
        model.apply(Command::ShowAt(Some(0)));
        model.apply(Command::ToggleLink(0, 1));
        assert_eq!(model.params.nemesis.len(), 1);
        assert!(model.params.to_query().contains("nem=0%3Acut-0-1"));
        model.apply(Command::ShowAt(Some(50)));
        model.apply(Command::ToggleLink(0, 1));
        assert!(model.params.to_query().contains("50%3Aheal-0-1"));
        model.apply(Command::SetNumber("ops", 1_000_000_000));
        assert!(model.notice.unwrap().contains("0–300"));
    }
}
