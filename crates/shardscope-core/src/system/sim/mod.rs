//! The whole-system discrete-event simulation: servers as queues with `c` workers, requests
//! as state machines walking the tiers, a four-ary heap of events in virtual microseconds.
//!
//! Every server is a FIFO queue in front of its workers, and every service time is drawn from
//! an exponential distribution (so a server fed Poisson arrivals is an M/M/c queue and
//! [`super::theory::mmc`] applies). A request's attempt walks the steps of its kind
//! (`steps.rs`); each step is a visit to one server, or `k` at once for a fan-out. Visits made
//! for an attempt the client gave up on still run (the server cannot tell) but lead nowhere:
//! every visit carries its attempt's number, and a mismatch makes it wasted work.
//!
//! Within a datacenter the network is free; between a user and a datacenter, and between
//! datacenters, it costs the round trip in [`RTT_MS`]. The CDN's edges answer hits without
//! queueing: an edge is sized for its region, and what the lab studies is what misses reach.
//!
//! Caches and edges start warm (filled from the same popularity the run draws from), as they
//! are at an evening peak; the cache-flush fault empties them.
//!
//! Known simplifications, stated where they matter: caches are filled when the database answers
//! (even a read whose client has given up: the application server still gets the row), writes
//! update the cache rather than delete from it, a write's append to the bus costs nothing, circuit
//! breakers close again after a fixed open time, and a promoted replica has no lag of its own.

use std::collections::{BTreeMap, VecDeque};

use super::design::{Backoff, Design, Fault, Kind, Sessions, RTT_MS};
use super::histogram::Histogram;
use super::report::{Fanout, Hits, Outcomes, Second, Tier, TierSecond};
use crate::cache::{Cache, Lru};
use crate::hash::{hash_u64, unit_interval, Stream};
use crate::sampling::Alias;

mod faults;
mod finish;
mod queue;
mod seconds;
mod servers;
mod steps;
mod traffic;

use queue::Queue;
use servers::{Breaker, Station};

/// Microseconds in a second, the simulation's clock unit.
pub const US: u64 = 1_000_000;
/// A user's round trip to a datacenter or CDN edge in their own region, in ms.
pub const LAST_MILE_MS: u32 = 20;
/// How long a database slowdown lasts, in seconds, and how many times slower it is.
pub const SLOWDOWN: (u32, u32) = (10, 5);
/// A call slower than this counts against its circuit breaker, in ms.
pub const BREAKER_SLOW_MS: u64 = 250;
/// A breaker opens when at least this many calls in a second…
pub const BREAKER_CALLS: u32 = 20;
/// …have at least half failed, and stays open this long, in seconds.
pub const BREAKER_OPEN_S: u64 = 5;

const NONE: u32 = u32::MAX;
/// A job's `part` flags: the database read that others' coalesced misses wait for…
const LEADER: u32 = 1 << 31;
/// …a read served by a replica…
const REPLICA: u32 = 1 << 30;
/// …database work, which a slowdown slows…
const DB: u32 = 1 << 29;
/// …a hedged duplicate of a service call, whose failure the original may make up for…
const HEDGE: u32 = 1 << 28;
/// …and a read after a cache miss, whose answer fills the cache even when its client has given
/// up (the application server still gets the row), and that fill itself.
const FILLS: u32 = 1 << 27;
/// The flags leave the low bits for a fan-out call's number, or a database read's datacenter.
const PART: u32 = (1 << 27) - 1;

/// One visit: which attempt it serves, which part of it, how long its service takes and when it
/// reached the server.
#[derive(Clone, Copy, Debug)]
struct Job {
    req: u32,
    gen: u32,
    part: u32,
    service: u32,
    /// The data key, for a coalesced read's waiters (the leader's slot may be reused by then).
    key: u32,
    /// The step of the attempt it serves: a late hedge must not answer a later step.
    step: u8,
    arrived: u64,
}

/// What the simulation does next.
#[derive(Clone, Copy, Debug)]
enum Ev {
    Arrival,
    Visit(u32, Job),
    Done(u32, Job),
    Timeout(u32, u32),
    Retry(u32, u32),
    Hedge(u32, u32),
    Scale,
    Warm(u32),
    Fault,
    Recover,
    WindowEnd,
    Tick,
}

/// A request in flight.
#[derive(Clone, Copy, Debug)]
struct Req {
    kind: Kind,
    region: u8,
    dc: u8,
    attempt: u8,
    step: u8,
    hit: bool,
    live: bool,
    gen: u32,
    pending: u32,
    key: u32,
    user: u32,
    /// The web server of this attempt, and the fan-out's first service server.
    web: u32,
    fan: u32,
    /// The first attempt's start, this attempt's start and the fan-out's start.
    t0: u64,
    ta: u64,
    tf: u64,
    /// The network's share of this attempt's latency, in µs.
    rtt: u64,
    /// The tier the attempt waits on now ([`AT_NONE`] before its first visit), which its
    /// timeout is counted against.
    at: u8,
}

/// A request's `at` before the attempt's first visit.
const AT_NONE: u8 = u8::MAX;

/// Why an attempt failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Why {
    Shed,
    Down,
    Timeout,
    Broken,
}

/// One datacenter's servers.
#[derive(Debug, Default)]
struct Dc {
    /// Every web server it ever had, and those the load balancer sends to.
    web: Vec<u32>,
    live: Vec<u32>,
    warming: u32,
    cache: Vec<u32>,
    /// The cache nodes' LRUs, in `cache`'s order.
    lru: Vec<Lru>,
    services: Vec<u32>,
    /// Each shard's replicas here.
    replicas: Vec<Vec<u32>>,
    bus: Option<u32>,
    up: bool,
    /// Whether routing still sends users here (it stops once a loss is detected).
    routable: bool,
    rr: u32,
    /// Breakers for the database (0) and the services (1).
    breakers: [Breaker; 2],
}

/// The simulation, advanced a bounded number of events at a time.
pub struct Sim {
    d: Design,
    now: u64,
    queue: Queue,
    stations: Vec<Station>,
    dcs: Vec<Dc>,
    /// Each shard's primary.
    primaries: Vec<u32>,
    reqs: Vec<Req>,
    free: Vec<u32>,
    /// Which of a fan-out's calls have answered: [`Sim::mask_words`] words per request slot.
    masks: Vec<u64>,
    next_gen: u32,
    rng: Stream,
    keys: Alias,
    objects: Alias,
    edges: Vec<Lru>,
    /// Each key's last write and the one before it (`u64::MAX`: none).
    last_write: Vec<u64>,
    prev_write: Vec<u64>,
    recent_writes: Vec<VecDeque<u64>>,
    /// Coalesced misses: for each datacenter and key whose read is in flight, the tier that read
    /// waits on and the requests waiting for it.
    inflight: BTreeMap<u64, (u8, Vec<(u32, u32)>)>,
    /// Per-second arrival rates of each region.
    rates: Vec<[f64; 3]>,
    arrivals_end: u64,
    slow_until: u64,
    hedge_delay: Option<u64>,
    tier_hist: Vec<Histogram>,
    e2e: Histogram,
    by_kind: Vec<Histogram>,
    second_hist: Histogram,
    out: Outcomes,
    timeline: Vec<Second>,
    /// Each tier's seconds, in [`Tier::ALL`] order, as long as `timeline` once the run ends.
    tier_seconds: Vec<Vec<TierSecond>>,
    events: u64,
    stale_reads: u64,
    lost_writes: u64,
    coalesced: u64,
    fanout: Fanout,
    cdn: Hits,
    cache: Hits,
    web_max: u32,
}

/// An exponential draw of mean `mean` µs, at least 1 µs.
fn exponential(rng: &mut Stream, mean: u32) -> u32 {
    let x = -f64::from(mean) * libm::log(unit_interval(rng.next_u64()));
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // Clamped into u32.
    let us = x.round().clamp(1.0, f64::from(u32::MAX)) as u32;
    us
}

fn ms(v: u32) -> u64 {
    u64::from(v) * 1_000
}

impl Sim {
    /// A simulation of `design`, checked first.
    ///
    /// # Errors
    /// The design's problem ([`Design::check`]).
    pub fn new(design: &Design) -> Result<Self, String> {
        design.check()?;
        let d = *design;
        let t = &d.traffic;
        let zipf = |n: u32| {
            Alias::new(&crate::cache::workload::probabilities(
                crate::cache::workload::Popularity::Zipf {
                    alpha_centi: t.alpha_centi,
                },
                n,
            ))
        };
        let mut sim = Self {
            d,
            now: 0,
            queue: Queue::default(),
            stations: Vec::new(),
            dcs: Vec::new(),
            primaries: Vec::new(),
            reqs: Vec::new(),
            free: Vec::new(),
            masks: Vec::new(),
            next_gen: 0,
            rng: Stream::new(hash_u64(d.seed, 0x5157_3733)),
            keys: zipf(t.keys),
            objects: zipf(t.objects),
            edges: Vec::new(),
            last_write: vec![u64::MAX; t.keys as usize],
            prev_write: vec![u64::MAX; t.keys as usize],
            recent_writes: vec![VecDeque::new(); d.db.shards as usize],
            inflight: BTreeMap::new(),
            rates: traffic::rates(t),
            arrivals_end: u64::from(t.seconds) * US,
            slow_until: 0,
            hedge_delay: None,
            tier_hist: Tier::ALL.iter().map(|_| Histogram::new()).collect(),
            e2e: Histogram::new(),
            by_kind: Kind::ALL.iter().map(|_| Histogram::new()).collect(),
            second_hist: Histogram::new(),
            out: Outcomes::default(),
            timeline: Vec::new(),
            tier_seconds: Tier::ALL.iter().map(|_| Vec::new()).collect(),
            events: 0,
            stale_reads: 0,
            lost_writes: 0,
            coalesced: 0,
            fanout: Fanout::default(),
            cdn: Hits::default(),
            cache: Hits::default(),
            web_max: 0,
        };
        sim.build();
        sim.push(0, Ev::Arrival);
        sim.push(0, Ev::Tick);
        sim.push(sim.arrivals_end, Ev::WindowEnd);
        if d.fault.0 != Fault::None && u64::from(d.fault.1) * US < sim.arrivals_end {
            sim.push(u64::from(d.fault.1) * US, Ev::Fault);
        }
        if let Some(a) = d.autoscale {
            sim.push(u64::from(a.every_s) * US, Ev::Scale);
        }
        Ok(sim)
    }

    fn station(&mut self, tier: Tier, dc: u32, workers: u32) -> u32 {
        let id = u32::try_from(self.stations.len()).expect("at most a few thousand servers");
        self.stations.push(Station::new(
            tier,
            u8::try_from(dc).expect("at most 3"),
            workers,
            self.now,
        ));
        id
    }

    /// Creates every server of the design.
    fn build(&mut self) {
        let d = self.d;
        if let Some(objects) = d.cdn_objects {
            self.edges = (0..d.traffic.regions)
                .map(|_| Lru::new(objects, d.traffic.objects))
                .collect();
        }
        for dc in 0..d.dcs {
            let mut x = Dc {
                up: true,
                routable: true,
                ..Dc::default()
            };
            let web = d.autoscale.map_or(d.web.servers, |a| d.web.servers.clamp(a.min, a.max));
            let tier = if d.colocated { Tier::Server } else { Tier::Web };
            for _ in 0..web {
                x.web.push(self.station(tier, dc, d.web.workers));
            }
            x.live.clone_from(&x.web);
            if let Some((pool, _)) = d.cache {
                for _ in 0..pool.servers {
                    x.cache.push(self.station(Tier::Cache, dc, pool.workers));
                    x.lru
                        .push(Lru::new(faults::lru_capacity(&d), faults::cache_universe(&d)));
                }
            }
            if let Some((pool, _)) = d.services {
                for _ in 0..pool.servers {
                    x.services.push(self.station(Tier::Services, dc, pool.workers));
                }
            }
            if !d.colocated {
                x.replicas = (0..d.db.shards)
                    .map(|_| {
                        (0..d.db.replicas)
                            .map(|_| self.station(Tier::Replica, dc, d.db.workers))
                            .collect()
                    })
                    .collect();
            }
            if let Some(pool) = d.bus {
                x.bus = Some(self.station(Tier::Bus, dc, pool.servers * pool.workers));
            }
            self.dcs.push(x);
        }
        self.primaries = if d.colocated {
            vec![self.dcs[0].web[0]]
        } else {
            (0..d.db.shards)
                .map(|_| self.station(Tier::Primary, 0, d.db.workers))
                .collect()
        };
        self.web_max = self.live_web();
        self.warm();
    }

    /// Fills the caches and the CDN's edges as a day's traffic would have before the run: draws
    /// from the same popularity, four times each cache's capacity (from a stream of their own, so
    /// the run's draws do not depend on the caches' sizes).
    fn warm(&mut self) {
        let mut rng = Stream::new(hash_u64(self.d.seed, 0x3a57_3a57));
        if let Some((pool, capacity)) = self.d.cache {
            for dc in &mut self.dcs {
                for _ in 0..u64::from(capacity) * 4 {
                    let key = self.keys.sample(rng.next_u64());
                    dc.lru[(key % pool.servers) as usize].access(key / pool.servers);
                }
            }
        }
        if let Some(objects) = self.d.cdn_objects {
            for edge in &mut self.edges {
                for _ in 0..u64::from(objects) * 4 {
                    edge.access(self.objects.sample(rng.next_u64()));
                }
            }
        }
    }

    fn live_web(&self) -> u32 {
        self.dcs
            .iter()
            .map(|d| u32::try_from(d.live.len()).unwrap_or(u32::MAX))
            .sum()
    }

    fn push(&mut self, t: u64, ev: Ev) {
        self.queue.push(t, ev);
    }

    fn fresh_gen(&mut self) -> u32 {
        self.next_gen = self.next_gen.wrapping_add(1);
        self.next_gen
    }

    fn second(&mut self) -> &mut Second {
        self.second_at(self.now / US)
    }

    fn second_at(&mut self, s: u64) -> &mut Second {
        let s = usize::try_from(s).expect("a run of at most hours");
        if self.timeline.len() <= s {
            self.timeline.resize(s + 1, Second::default());
        }
        &mut self.timeline[s]
    }

    /// Whether every event has run.
    #[must_use]
    pub fn done(&self) -> bool {
        self.queue.is_empty()
    }

    /// How far the arrivals have come, in µs of virtual time, of how many.
    #[must_use]
    pub fn progress(&self) -> (u64, u64) {
        (self.now.min(self.arrivals_end), self.arrivals_end)
    }

    /// Simulated events so far.
    #[must_use]
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Runs at most `max` events; returns whether the run is over.
    pub fn advance(&mut self, max: u64) -> bool {
        for _ in 0..max {
            let Some((t, ev)) = self.queue.pop() else {
                return true;
            };
            self.now = t;
            self.events += 1;
            self.handle(ev);
        }
        self.queue.is_empty()
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Arrival => self.arrival(),
            Ev::Visit(st, job) => self.arrive(st, job),
            Ev::Done(st, job) => self.depart(st, job),
            Ev::Timeout(r, gen) => {
                if self.current(r, gen) {
                    let at = self.reqs[r as usize].at;
                    if let Some(&tier) = Tier::ALL.get(usize::from(at)) {
                        self.tier_second(tier).timeouts += 1;
                    }
                    self.fail_attempt(r, Why::Timeout);
                }
            }
            Ev::Retry(r, gen) => {
                if self.current(r, gen) {
                    self.start_attempt(r);
                }
            }
            Ev::Hedge(r, gen) => {
                if self.current(r, gen) {
                    self.hedge(r);
                }
            }
            Ev::Scale => self.scale(),
            Ev::Warm(st) => {
                let s = &mut self.stations[st as usize];
                s.touch(self.now);
                s.born = self.now;
                let dc = &mut self.dcs[s.dc as usize];
                dc.warming -= 1;
                if dc.up {
                    dc.live.push(st);
                }
                self.web_max = self.web_max.max(self.live_web());
            }
            Ev::Fault => self.fault(),
            Ev::Recover => self.recover(),
            Ev::WindowEnd => {
                for s in &mut self.stations {
                    s.touch(self.now);
                    s.window = Some((s.busy_area, s.queue_area));
                }
            }
            Ev::Tick => self.tick(),
        }
    }

    fn current(&self, r: u32, gen: u32) -> bool {
        let q = &self.reqs[r as usize];
        q.live && q.gen == gen
    }

    fn alloc(&mut self, req: Req) -> u32 {
        if let Some(r) = self.free.pop() {
            self.reqs[r as usize] = req;
            r
        } else {
            self.reqs.push(req);
            let words = self.mask_words();
            self.masks.resize(self.masks.len() + words, 0);
            u32::try_from(self.reqs.len() - 1).expect("fewer than 2^32 requests in flight")
        }
    }

    /// Starts an attempt of request `r`: routing, the CDN's edge, the timeout, the first step.
    fn start_attempt(&mut self, r: u32) {
        let gen = self.fresh_gen();
        let region = self.reqs[r as usize].region as usize;
        let dc = self.route(region);
        let far = ms(RTT_MS[region][dc]);
        {
            let q = &mut self.reqs[r as usize];
            q.gen = gen;
            q.dc = u8::try_from(dc).expect("< 3");
            q.ta = self.now;
            q.step = 0;
            q.hit = false;
            q.at = AT_NONE;
            q.rtt = ms(LAST_MILE_MS) + far;
        }
        self.second().attempts += 1;
        let q = self.reqs[r as usize];
        if q.kind == Kind::Static && !self.edges.is_empty() {
            self.cdn.lookups += 1;
            self.second().cdn_lookups += 1;
            let edge = &mut self.edges[region];
            if edge.holds(q.key) {
                edge.access(q.key);
                self.cdn.hits += 1;
                self.second().cdn_hits += 1;
                self.reqs[r as usize].rtt = ms(LAST_MILE_MS);
                self.reqs[r as usize].hit = true;
                self.complete(r);
                return;
            }
        }
        if self.d.client.timeout_ms > 0 {
            let deadline = (q.ta + ms(self.d.client.timeout_ms))
                .saturating_sub(q.rtt)
                .max(self.now);
            self.push(deadline, Ev::Timeout(r, gen));
        }
        self.proceed(r);
    }

    /// The attempt failed: retry after the backoff, or give up.
    fn fail_attempt(&mut self, r: u32, why: Why) {
        let gen = self.fresh_gen();
        let c = self.d.client;
        let q = &mut self.reqs[r as usize];
        q.gen = gen;
        if u32::from(q.attempt) < c.retries {
            q.attempt += 1;
            let n = u32::from(q.attempt - 1).min(20);
            let full = ms(c.backoff_ms) << n;
            let wait = match c.backoff {
                Backoff::None => 0,
                Backoff::Exponential => full,
                Backoff::Jitter => self.rng.below(full + 1),
            };
            self.out.retries += 1;
            self.push(self.now + wait, Ev::Retry(r, gen));
            return;
        }
        match why {
            Why::Shed => self.out.shed += 1,
            Why::Down => self.out.down += 1,
            Why::Timeout => self.out.timeouts += 1,
            Why::Broken => self.out.broken += 1,
        }
        self.second().failed += 1;
        self.release_slot(r);
    }

    /// The request is answered.
    fn complete(&mut self, r: u32) {
        let q = self.reqs[r as usize];
        let latency = self.now - q.t0 + q.rtt;
        self.e2e.record(latency);
        self.by_kind[q.kind as usize].record(latency);
        self.second_hist.record(latency);
        self.out.served += 1;
        self.second().served += 1;
        if q.kind == Kind::Static && !self.edges.is_empty() && !q.hit {
            self.edges[q.region as usize].access(q.key);
        }
        self.release_slot(r);
    }

    fn release_slot(&mut self, r: u32) {
        self.reqs[r as usize].live = false;
        self.free.push(r);
    }
}

impl Sessions {
    /// Whether a request needs its session fetched from a shared store.
    fn shared(self) -> bool {
        self == Self::Shared
    }
}
