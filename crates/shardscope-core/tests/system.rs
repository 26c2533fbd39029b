//! The whole-system simulation against queueing theory (Erlang C, Little's law, the Tail at
//! Scale), and its bookkeeping: every request ends exactly once, a seed gives one answer, and
//! bad designs get messages instead of runs.

// The native test run holds these; the wasm32 run is the known-answer file alone.
#![cfg(not(target_arch = "wasm32"))]

use shardscope_core::system::design::{Autoscale, Backoff, Balance, Client, Database, Design, Fault, Pool, Sessions};
use shardscope_core::system::report::{SystemReport, Tier, TierReport, TierSecond};
use shardscope_core::system::sim::Sim;
use shardscope_core::system::theory::{mmc, slow_share};

fn run(d: &Design) -> SystemReport {
    let mut sim = Sim::new(d).expect("a valid design");
    while !sim.advance(1_000_000) {}
    sim.finish()
}

/// One server fed Poisson arrivals of one kind, with exponential service of mean 1 ms: an
/// M/M/c queue. `rate` requests per second arrive (a user makes 86,400 requests a day on a flat curve).
fn queue(rate: f64, c: u32, customers: f64, seed: u64) -> Design {
    let mut d = Design {
        seed,
        ..Design::default()
    };
    d.traffic.mix = [100, 0, 0, 0];
    d.traffic.peak_centi = 100;
    d.traffic.per_user_per_day = 86_400;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    {
        d.traffic.users = rate as u64;
        d.traffic.seconds = (customers / rate) as u32;
    }
    d.web.workers = c;
    // The test's own service time, whatever the default: the rates below assume 1 ms.
    d.work.web_us[0] = 1_000;
    d.client = Client {
        timeout_ms: 0,
        retries: 0,
        ..Client::default()
    };
    d
}

#[test]
fn mm1_and_mmc_waits_match_erlang_c_within_two_percent() {
    // The mean static service time is 1 ms, so rate ρ·c·1000 per second loads c workers to ρ.
    for (rho, c) in [(0.5, 1), (0.9, 1), (0.7, 2), (0.9, 4), (0.8, 8)] {
        let rate = rho * f64::from(c) * 1_000.0;
        let r = run(&queue(rate, c, 4e6, 7));
        let tier = &r.tiers[0];
        assert_eq!(tier.tier, Tier::Server);
        let theory = mmc(rate / 1_000.0, 1.0, c).unwrap();
        let error = tier.wait_mean / theory.wait - 1.0;
        assert!(
            error.abs() < 0.02,
            "ρ {rho}, c {c}: waited {} ms, Erlang C {} ms",
            tier.wait_mean,
            theory.wait
        );
        assert!((tier.utilization - rho).abs() < 0.01, "ρ {rho}: {}", tier.utilization);
        // The tier's own prediction, from its measured rate and service time, agrees as well.
        let own = tier.theory.unwrap();
        assert!((tier.wait_mean / own.wait - 1.0).abs() < 0.02, "{own:?}");
    }
}

/// Every tier on: a load balancer, a cache, services, a bus, replicas and shards, two
/// datacenters active-active, at a load that queues but does not overflow.
fn everything() -> Design {
    let mut d = Design::default();
    d.traffic.users = 2_000_000;
    d.traffic.regions = 2;
    d.traffic.seconds = 30;
    d.colocated = false;
    d.web = Pool { servers: 6, workers: 8 };
    d.balance = Some(Balance::TwoChoices);
    d.cdn_objects = Some(2_000);
    d.cache = Some((Pool { servers: 2, workers: 4 }, 20_000));
    d.services = Some((Pool { servers: 8, workers: 8 }, 3));
    d.bus = Some(Pool { servers: 4, workers: 4 });
    d.db = Database {
        shards: 2,
        replicas: 1,
        workers: 8,
        lag_ms: 100,
        read_your_writes: false,
        shard_by_key: true,
    };
    d.dcs = 2;
    d.active_active = true;
    d
}

#[test]
fn littles_law_holds_in_every_tier_within_one_percent() {
    let r = run(&everything());
    assert!(
        r.tiers.len() >= 6,
        "{:?}",
        r.tiers.iter().map(|t| t.tier).collect::<Vec<_>>()
    );
    for t in &r.tiers {
        assert!(t.little.l > 0.0, "{:?}", t.tier);
        let error = t.little.lambda_w / t.little.l - 1.0;
        assert!(
            error.abs() < 0.01,
            "{:?}: L {} against λW {}",
            t.tier,
            t.little.l,
            t.little.lambda_w
        );
    }
}

fn conserved(r: &SystemReport) {
    let o = r.outcomes;
    assert!(o.requests > 0);
    assert_eq!(o.requests, o.served + o.failed(), "{o:?}");
    let started: u64 = r.timeline.iter().map(|s| u64::from(s.started)).sum();
    let ended: u64 = r
        .timeline
        .iter()
        .map(|s| u64::from(s.served) + u64::from(s.failed))
        .sum();
    assert_eq!((started, ended), (o.requests, o.requests));
    let attempts: u64 = r.timeline.iter().map(|s| u64::from(s.attempts)).sum();
    assert_eq!(attempts, o.requests + o.retries);
    assert_eq!(r.latency.count, o.served);
    // The tiers' seconds add up to their totals. A promoted replica's seconds before its
    // promotion stay with the replicas while its totals go to the primaries, so those two tiers
    // add up together.
    let database = |tier: Tier| matches!(tier, Tier::Primary | Tier::Replica);
    for group in [false, true] {
        let of: Vec<_> = r.tiers.iter().filter(|t| database(t.tier) == group).collect();
        let seconds =
            |f: fn(&TierSecond) -> u32| of.iter().flat_map(|t| &t.seconds).map(|s| u64::from(f(s))).sum::<u64>();
        let totals = |f: fn(&TierReport) -> u64| of.iter().map(|t| f(t)).sum::<u64>();
        let name = of.iter().map(|t| t.tier).collect::<Vec<_>>();
        assert_eq!(seconds(|s| s.arrivals), totals(|t| t.arrivals), "{name:?}");
        assert_eq!(seconds(|s| s.failed), totals(|t| t.shed + t.failed), "{name:?}");
        assert_eq!(seconds(|s| s.timeouts), totals(|t| t.timeouts), "{name:?}");
    }
    for t in &r.tiers {
        assert!(t.shed + t.failed <= t.arrivals, "{:?}", t.tier);
        assert_eq!(t.seconds.len(), r.timeline.len(), "{:?}", t.tier);
    }
    // Every attempt that timed out is counted at one tier: the requests whose last attempt
    // timed out, and some of the retried ones.
    let timeouts: u64 = r.tiers.iter().map(|t| t.timeouts).sum();
    assert!(
        (o.timeouts..=o.timeouts + o.retries).contains(&timeouts),
        "{timeouts} attempts timed out; {o:?}"
    );
}

#[test]
fn each_second_shows_each_tier_and_the_slowdown_shows_where_clients_time_out() {
    // Steady load: each tier's utilization over the arrivals is the mean of its seconds'.
    let steady = run(&everything());
    conserved(&steady);
    for t in &steady.tiers {
        let seconds = &t.seconds[..30];
        let mean = seconds.iter().map(|s| f64::from(s.utilization)).sum::<f64>() / 30.0;
        assert!(
            (mean - t.utilization).abs() < 1e-3,
            "{:?}: the seconds' mean {mean}, the run's {}",
            t.tier,
            t.utilization
        );
        assert!(seconds.iter().all(|s| s.hottest >= s.utilization), "{:?}", t.tier);
    }
    // The database (one worker a server) slows down fivefold from 10 s to 20 s: clients time
    // out waiting on it, and its seconds show the load there, not before.
    let mut d = everything();
    d.db.workers = 1;
    d.client.timeout_ms = 300;
    d.fault = (Fault::Slowdown, 10);
    let r = run(&d);
    conserved(&r);
    let primary = r.tiers.iter().find(|t| t.tier == Tier::Primary).unwrap();
    let all: u64 = r.tiers.iter().map(|t| t.timeouts).sum();
    let database: u64 = r
        .tiers
        .iter()
        .filter(|t| matches!(t.tier, Tier::Primary | Tier::Replica))
        .map(|t| t.timeouts)
        .sum();
    assert!(
        primary.timeouts > 0 && database * 100 > all * 99,
        "{:?}",
        r.tiers.iter().map(|t| (t.tier, t.timeouts)).collect::<Vec<_>>()
    );
    let before = &primary.seconds[2..10];
    let during = &primary.seconds[12..20];
    let hottest = |s: &[TierSecond]| s.iter().map(|s| s.hottest).fold(0.0f32, f32::max);
    assert!(
        hottest(during) > 2.0 * hottest(before),
        "{} against {}",
        hottest(during),
        hottest(before)
    );
    assert!(before.iter().all(|s| s.timeouts == 0), "{before:?}");
    assert!(during.iter().map(|s| s.timeouts).sum::<u32>() > 0);
}

#[test]
fn every_request_ends_exactly_once_under_every_fault() {
    let faults = [
        Fault::None,
        Fault::Server,
        Fault::Flush,
        Fault::Primary,
        Fault::Datacenter,
        Fault::Slowdown,
    ];
    for fault in faults {
        let mut d = everything();
        d.fault = (fault, 10);
        d.failover_s = 5;
        let r = run(&d);
        conserved(&r);
        match fault {
            Fault::None => assert_eq!(r.outcomes.failed(), 0, "{:?}", r.outcomes),
            Fault::Server | Fault::Datacenter => assert!(r.outcomes.down > 0, "{fault:?}: {:?}", r.outcomes),
            Fault::Primary => assert!(r.lost_writes > 0, "{fault:?}: {:?}", r.outcomes),
            _ => {}
        }
    }
}

#[test]
fn overload_shows_as_queues_and_errors_not_a_hang() {
    // Ten million users on the one server: about 23,000 requests a second for 8 workers.
    let mut d = Design::default();
    d.traffic.users = 10_000_000;
    d.traffic.seconds = 5;
    let r = run(&d);
    conserved(&r);
    let o = r.outcomes;
    assert!(o.timeouts > o.requests / 2, "{o:?}");
    assert!(
        r.tiers[0].utilization > 0.99 && r.tiers[0].queue_max > 10_000,
        "{:?}",
        r.tiers[0]
    );
    // Shedding turns the same overload into fast refusals and keeps the queue short.
    d.client.queue_limit = 100;
    let shed = run(&d);
    conserved(&shed);
    assert!(
        shed.outcomes.shed > 0 && shed.tiers[0].queue_max <= 100,
        "{:?}",
        shed.outcomes
    );
}

#[test]
fn a_seed_gives_one_answer() {
    let mut d = everything();
    d.traffic.users = 500_000;
    d.fault = (Fault::Server, 5);
    assert_eq!(run(&d), run(&d));
    let mut other = d;
    other.seed += 1;
    assert_ne!(run(&d).latency, run(&other).latency);
}

/// `k`-way fan-out to lightly loaded services, each call slow (1 s) with probability `ppm`.
fn fanout(k: u32, ppm: u32, hedge: bool) -> Design {
    let mut d = Design {
        colocated: false,
        ..Design::default()
    };
    d.traffic.users = 20_000;
    d.traffic.seconds = 300;
    d.traffic.mix = [0, 100, 0, 0];
    d.web = Pool {
        servers: 4,
        workers: 64,
    };
    d.balance = Some(Balance::RoundRobin);
    d.services = Some((
        Pool {
            servers: k.max(100),
            workers: 64,
        },
        k,
    ));
    d.work.slow_ppm = ppm;
    d.db.workers = 64;
    d.client = Client {
        timeout_ms: 0,
        retries: 0,
        hedge,
        ..Client::default()
    };
    d
}

#[test]
fn the_tail_at_scale_one_slow_call_in_a_hundred_slows_most_requests() {
    let r = run(&fanout(100, 10_000, false));
    let f = r.fanout.unwrap();
    #[allow(clippy::cast_precision_loss)]
    let measured = f.slow as f64 / f.requests as f64;
    assert!((f.slow_theory - 0.634).abs() < 1e-3);
    assert!(
        (measured - f.slow_theory).abs() < 0.02,
        "{measured} against {}",
        f.slow_theory
    );
    // One call in ten thousand slow across 100 calls slows about 1 % (1 − 0.9999^100).
    let rare = run(&fanout(100, 100, false)).fanout.unwrap();
    #[allow(clippy::cast_precision_loss)]
    let rare_share = rare.slow as f64 / rare.requests as f64;
    assert!((rare_share - slow_share(1e-4, 100)).abs() < 0.004, "{rare_share}");
}

#[test]
fn the_tail_at_scale_one_slow_call_in_ten_thousand_across_two_thousand_servers_slows_almost_one_in_five() {
    // Dean and Barroso's second example: 1 − 0.9999^2000 = 18.1 %. A minute of 46 requests a
    // second, each calling all 2,000 servers: about 2,800 requests and 5.6 million calls.
    let mut d = fanout(2_000, 100, false);
    d.traffic.seconds = 60;
    let r = run(&d);
    conserved(&r);
    let f = r.fanout.unwrap();
    assert!((f.slow_theory - 0.181).abs() < 1e-3, "{}", f.slow_theory);
    assert_eq!(f.calls, f.requests * 2_000);
    #[allow(clippy::cast_precision_loss)]
    let measured = f.slow as f64 / f.requests as f64;
    // The standard error over about 2,800 requests is 0.7 %.
    assert!(
        (measured - f.slow_theory).abs() < 0.025,
        "{measured} of {} requests against {}",
        f.requests,
        f.slow_theory
    );
}

#[test]
fn hedging_after_the_95th_percentile_costs_about_five_percent_and_cuts_the_tail() {
    let plain = run(&fanout(10, 10_000, false));
    let hedged = run(&fanout(10, 10_000, true));
    let f = hedged.fanout.unwrap();
    #[allow(clippy::cast_precision_loss)]
    let extra = f.hedges as f64 / f.calls as f64;
    assert!((0.03..0.08).contains(&extra), "hedges {extra}");
    assert!(
        hedged.latency.p99 < plain.latency.p99 / 2.0,
        "{} against {}",
        hedged.latency.p99,
        plain.latency.p99
    );
}

#[test]
fn bad_designs_get_messages() {
    type Change = fn(&mut Design);
    let cases: [(&str, Change); 7] = [
        ("users must be 1–10000000", |d| d.traffic.users = 1_000_000_000_000),
        ("users must be", |d| d.traffic.users = 0),
        ("at least one server", |d| d.web.servers = 0),
        ("add up to 100", |d| d.traffic.mix = [50, 0, 0, 0]),
        ("without a load balancer", |d| {
            d.colocated = false;
            d.web.servers = 3;
        }),
        ("fans out to", |d| {
            d.colocated = false;
            d.services = Some((Pool { servers: 2, workers: 1 }, 3));
        }),
        ("autoscaler", |d| {
            d.colocated = false;
            d.balance = Some(Balance::RoundRobin);
            d.autoscale = Some(Autoscale {
                target_pct: 150,
                warmup_s: 1,
                min: 1,
                max: 2,
                every_s: 1,
            });
        }),
    ];
    for (expected, change) in cases {
        let mut d = Design::default();
        change(&mut d);
        let message = Sim::new(&d).err().unwrap_or_default();
        assert!(message.contains(expected), "{expected:?}: {message:?}");
    }
}

#[test]
fn sticky_sessions_and_backoff_are_honoured() {
    let mut d = everything();
    d.sessions = Sessions::Sticky;
    d.client.backoff = Backoff::Exponential;
    d.fault = (Fault::Server, 5);
    conserved(&run(&d));
}

#[test]
fn the_autoscaler_adds_web_servers_after_their_warm_up_and_relieves_the_tier() {
    // Two web servers at about 1.6 times their capacity; the autoscaler aims for 60 % and may
    // add up to 12, each taking requests 5 s after it is asked for.
    let mut d = Design {
        colocated: false,
        balance: Some(Balance::LeastConnections),
        web: Pool { servers: 2, workers: 8 },
        autoscale: Some(Autoscale {
            target_pct: 60,
            warmup_s: 5,
            min: 2,
            max: 12,
            every_s: 5,
        }),
        ..Design::default()
    };
    d.traffic.users = 1_500_000;
    d.traffic.seconds = 60;
    d.db.workers = 32;
    let r = run(&d);
    conserved(&r);
    let web: Vec<u32> = r.timeline.iter().map(|s| s.web).collect();
    // Nothing can be added before the first decision (5 s) plus the warm-up (5 s).
    assert!(web[..9].iter().all(|&n| n == 2), "{web:?}");
    assert!(web[..60].iter().max() > Some(&4), "{web:?}");
    assert!(web.iter().all(|&n| (2..=12).contains(&n)), "{web:?}");
    // Without it the same load drowns two servers.
    let mut fixed = d;
    fixed.autoscale = None;
    let drowned = run(&fixed);
    assert!(
        r.outcomes.failed() * 2 < drowned.outcomes.failed(),
        "{:?} against {:?}",
        r.outcomes,
        drowned.outcomes
    );
}

#[test]
fn replicas_serve_stale_reads_within_the_lag_and_read_your_writes_sends_them_to_the_primary() {
    // Fifty keys, a fifth of the requests writes: every key is written about twice a second,
    // well within a 2 s replication lag, and there is no cache in front of the replicas.
    let mut d = Design {
        colocated: false,
        ..Design::default()
    };
    d.traffic.users = 200_000;
    d.traffic.seconds = 30;
    d.traffic.mix = [0, 80, 20, 0];
    d.traffic.keys = 50;
    d.web = Pool {
        servers: 4,
        workers: 32,
    };
    d.balance = Some(Balance::RoundRobin);
    d.db.replicas = 2;
    d.db.workers = 32;
    d.db.lag_ms = 2_000;
    let stale = run(&d);
    conserved(&stale);
    d.db.read_your_writes = true;
    let fresh = run(&d);
    conserved(&fresh);
    let arrivals = |r: &SystemReport, tier: Tier| r.tiers.iter().find(|t| t.tier == tier).unwrap().arrivals;
    let reads = stale.outcomes.requests * 8 / 10;
    assert!(
        stale.stale_reads > reads / 2,
        "{} stale of about {reads} reads",
        stale.stale_reads
    );
    assert_eq!(fresh.stale_reads, 0);
    // The reads the replicas no longer serve go to the primary.
    assert!(arrivals(&fresh, Tier::Replica) * 10 < arrivals(&stale, Tier::Replica));
    assert!(arrivals(&fresh, Tier::Primary) > arrivals(&stale, Tier::Primary) * 3);
}

#[test]
fn a_dead_web_server_costs_what_the_health_check_takes_to_notice_and_retries_win_it_back() {
    // One of six web servers in the first datacenter dies at 10 s; the load balancer keeps
    // sending it a share of the requests until the failover (5 s) drops it.
    let mut d = everything();
    d.fault = (Fault::Server, 10);
    d.failover_s = 5;
    d.client.retries = 0;
    let bare = run(&d);
    conserved(&bare);
    let lost = |r: &SystemReport| r.timeline[10..16].iter().map(|s| u64::from(s.failed)).sum::<u64>();
    assert_eq!(
        lost(&bare),
        bare.outcomes.failed(),
        "every failure falls before the failover"
    );
    assert!(bare.outcomes.down > 100, "{:?}", bare.outcomes);
    // Retries with backoff and jitter send most refused requests to a live server: not all,
    // since the power of two choices sees the dead server's empty queue as the least loaded.
    d.client.retries = 2;
    let retried = run(&d);
    conserved(&retried);
    assert!(
        retried.outcomes.failed() * 10 < bare.outcomes.failed(),
        "{:?} against {:?}",
        retried.outcomes,
        bare.outcomes
    );
}
