//! A CDN edge tier in virtual time: users in up to six regions send seeded Zipf requests to an
//! edge in their region; an edge answers from its cache while a copy is fresh (HTTP `max-age`),
//! serves an expired copy while it revalidates in the background (`stale-while-revalidate`),
//! and otherwise asks upstream: the region's shield, if there is one, or the origin. Objects
//! change at the origin at seeded random times; a copy served after its object changed is
//! stale. Purges drop copies when their object changes (after a propagation delay) or all at
//! once at a chosen time.
//!
//! Freshness follows HTTP's `Age`: a copy a shield hands an edge keeps the time the origin made
//! it, so it expires at the edge when it expires at the shield. A cache is filled as the answer
//! arrives, as if concurrent misses for one object were collapsed into one upstream request,
//! which CDNs do. Nothing depends on a clock or on hash-map order.

use super::workload::{object_bytes, probabilities, Alias, Popularity};

mod theory;

use super::{Cache, Policy};
use crate::hash::{hash_pair, hash_u64, unit_interval, Stream};
pub use theory::{ttl_model_gap, ttl_theory, TtlTheory};

/// A region users are in, with the round-trip times the model assumes for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// Its name.
    pub name: &'static str,
    /// Its users' share of the requests, in thousandths (renormalized over the regions used).
    pub share_permille: u32,
    /// Round trip from a user to an edge in the region, in ms (before the last mile's jitter).
    pub edge_ms: u32,
    /// Round trip from an edge to the region's shield, in ms.
    pub shield_ms: u32,
    /// Round trip from the region (an edge or its shield) to the origin, in North America, in ms.
    pub origin_ms: u32,
}

/// The regions, in the order a run takes them: the first `n` are used. The round trips are the
/// model's assumptions, rounded, of the order public inter-region latency tables give; they are
/// not measurements.
pub const REGIONS: [Region; 6] = [
    Region {
        name: "North America",
        share_permille: 350,
        edge_ms: 12,
        shield_ms: 8,
        origin_ms: 30,
    },
    Region {
        name: "Europe",
        share_permille: 300,
        edge_ms: 14,
        shield_ms: 8,
        origin_ms: 85,
    },
    Region {
        name: "Asia",
        share_permille: 200,
        edge_ms: 18,
        shield_ms: 10,
        origin_ms: 190,
    },
    Region {
        name: "South America",
        share_permille: 80,
        edge_ms: 20,
        shield_ms: 10,
        origin_ms: 130,
    },
    Region {
        name: "Oceania",
        share_permille: 40,
        edge_ms: 16,
        shield_ms: 10,
        origin_ms: 200,
    },
    Region {
        name: "Africa",
        share_permille: 30,
        edge_ms: 25,
        shield_ms: 12,
        origin_ms: 230,
    },
];

/// Latencies are counted in 1 ms buckets up to this; longer ones in one more bucket.
pub const LATENCY_BUCKETS: usize = 4_096;

/// What a CDN run simulates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CdnConfig {
    /// Regions used, 1 to 6, the first of [`REGIONS`].
    pub regions: u32,
    /// Edges in each region.
    pub edges: u32,
    /// Each edge's capacity, in objects (LRU).
    pub edge_capacity: u32,
    /// Whether each region has a shield between its edges and the origin.
    pub shield: bool,
    /// Each shield's capacity, in objects (LRU).
    pub shield_capacity: u32,
    /// Objects.
    pub objects: u32,
    /// Zipf's α in hundredths.
    pub alpha_centi: u32,
    /// Requests per second from all users together.
    pub rate: u32,
    /// Seconds simulated.
    pub seconds: u32,
    /// How long a copy is fresh after the origin made it (`max-age`), in seconds.
    pub max_age_s: u32,
    /// How long after that an expired copy is served while it is revalidated, in seconds.
    pub swr_s: u32,
    /// Mean time between an object's changes at the origin, in seconds (0: objects never
    /// change).
    pub change_s: u32,
    /// Whether every copy of an object is purged when it changes.
    pub purge: bool,
    /// How long a purge takes to reach every cache, in ms.
    pub purge_delay_ms: u32,
    /// The millisecond every cache is purged at once, if it is.
    pub flush_ms: Option<u32>,
    /// The median object's size, in KB (sizes are log-normal around it).
    pub size_kb: u32,
    /// The origin's answer time, in ms.
    pub origin_service_ms: u32,
    /// Seeds the requests, the changes and the sizes.
    pub seed: u64,
}

impl CdnConfig {
    /// Caches in the run: every edge, and a shield per region if there are shields.
    #[must_use]
    pub fn caches(&self) -> u32 {
        self.regions * self.edges + if self.shield { self.regions } else { 0 }
    }

    /// Each used region's share of the requests, summing to 1.
    #[must_use]
    pub fn region_shares(&self) -> Vec<f64> {
        let used = &REGIONS[..self.regions as usize];
        let total: u32 = used.iter().map(|r| r.share_permille).sum();
        used.iter()
            .map(|r| f64::from(r.share_permille) / f64::from(total))
            .collect()
    }
}

/// How an edge answered a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// From a fresh copy.
    Fresh,
    /// From an expired copy, while it is revalidated in the background.
    WhileRevalidating,
    /// After a revalidation the user waited for (the copy had expired).
    Revalidated,
    /// After fetching the object (not cached, evicted or purged).
    Miss,
}

/// Counts over one bucket of time or a whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    /// Requests made.
    pub requests: u64,
    /// Answered from a fresh copy at the edge.
    pub fresh: u64,
    /// Answered from an expired copy while it was revalidated.
    pub while_revalidating: u64,
    /// Answered after a revalidation the user waited for.
    pub revalidated: u64,
    /// Answered after a fetch.
    pub misses: u64,
    /// Answers whose object had changed at the origin since the copy was made.
    pub stale: u64,
    /// Their staleness summed (how long since the object changed), in ms.
    pub stale_ms: u64,
    /// Requests that reached a shield.
    pub shield_requests: u64,
    /// Of them, answered from the shield's copy (fresh or while revalidating).
    pub shield_hits: u64,
    /// Requests that reached the origin (fetches and revalidations).
    pub origin_requests: u64,
    /// Of them, answered with the object's body; the rest were "not modified".
    pub origin_bodies: u64,
    /// Bytes of bodies the origin sent.
    pub origin_bytes: u64,
}

impl Counts {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Counts) {
        self.requests += other.requests;
        self.fresh += other.fresh;
        self.while_revalidating += other.while_revalidating;
        self.revalidated += other.revalidated;
        self.misses += other.misses;
        self.stale += other.stale;
        self.stale_ms += other.stale_ms;
        self.shield_requests += other.shield_requests;
        self.shield_hits += other.shield_hits;
        self.origin_requests += other.origin_requests;
        self.origin_bodies += other.origin_bodies;
        self.origin_bytes += other.origin_bytes;
    }
}

/// What one region's users saw over the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionStats {
    /// Its requests and how they were answered.
    pub counts: Counts,
    /// Requests by latency, one bucket per millisecond; the last holds every longer one.
    pub latency: Vec<u64>,
}

impl RegionStats {
    /// The latency below which `q` of the requests were answered (to the millisecond), or
    /// `None` without requests.
    #[must_use]
    pub fn percentile(&self, q: f64) -> Option<u32> {
        let total: u64 = self.latency.iter().sum();
        if total == 0 {
            return None;
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // 0 < q·total ≤ total.
        let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        self.latency
            .iter()
            .position(|&n| {
                seen += n;
                seen >= rank
            })
            .map(|ms| u32::try_from(ms).expect("below the bucket count"))
    }
}

/// A copy in a cache: when the origin made it and when its object next changes after that
/// (which also names the version: two versions of an object never share it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Copy {
    born: u32,
    changes_at: u32,
}

/// One LRU cache of the tier, with each cached object's copy.
struct Tier {
    cache: Box<dyn Cache + Send>,
    copies: Vec<Copy>,
}

/// The edge tier, its shields and the origin, and the clock.
pub struct Cdn {
    config: CdnConfig,
    /// Edges region by region, then (with shields) one shield per region.
    tiers: Vec<Tier>,
    /// Each object's next change at the origin (`u32::MAX`: never) and how many it has had.
    next_change: Vec<u32>,
    changes: Vec<u32>,
    objects: Alias,
    regions: Alias,
    rng: Stream,
    /// Requests made so far; request `k` is made at `k / rate` seconds.
    made: u64,
    requests: u64,
    stats: Vec<RegionStats>,
}

impl std::fmt::Debug for Cdn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cdn").field("made", &self.made).finish_non_exhaustive()
    }
}

/// Salts the change times' and the sizes' seeds, so neither follows the request stream.
const CHANGE_SALT: u64 = 0x6368_616e_6765;
impl Cdn {
    /// A tier with every cache empty.
    #[must_use]
    pub fn new(config: &CdnConfig) -> Self {
        let universe = config.objects;
        let tier = |capacity: u32, salt: u32| Tier {
            cache: Policy::Lru.build(capacity, universe, None, hash_u64(config.seed, u64::from(salt))),
            copies: vec![Copy::default(); universe as usize],
        };
        let mut tiers: Vec<Tier> = (0..config.regions * config.edges)
            .map(|i| tier(config.edge_capacity, i))
            .collect();
        if config.shield {
            tiers.extend((0..config.regions).map(|r| tier(config.shield_capacity, 10_000 + r)));
        }
        let p = probabilities(
            Popularity::Zipf {
                alpha_centi: config.alpha_centi,
            },
            config.objects,
        );
        let mut cdn = Self {
            config: *config,
            tiers,
            next_change: vec![0; universe as usize],
            changes: vec![0; universe as usize],
            objects: Alias::new(&p),
            regions: Alias::new(&config.region_shares()),
            rng: Stream::new(hash_u64(config.seed, 0x0063_646e)),
            made: 0,
            requests: u64::from(config.rate) * u64::from(config.seconds),
            stats: (0..config.regions)
                .map(|_| RegionStats {
                    counts: Counts::default(),
                    latency: vec![0; LATENCY_BUCKETS + 1],
                })
                .collect(),
        };
        for x in 0..universe {
            cdn.next_change[x as usize] = cdn.change_after(x, 0, 0);
        }
        cdn
    }

    /// Requests in the whole run.
    #[must_use]
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// Requests made so far.
    #[must_use]
    pub fn made(&self) -> u64 {
        self.made
    }

    /// The millisecond the next request is made at.
    #[must_use]
    pub fn now_ms(&self) -> u32 {
        u32::try_from(self.made * 1_000 / u64::from(self.config.rate.max(1))).expect("runs last under 50 days")
    }

    /// What each region's users saw so far.
    #[must_use]
    pub fn stats(&self) -> &[RegionStats] {
        &self.stats
    }

    /// The time of object `x`'s change number `k + 1`, the one after time `from`: changes are a
    /// Poisson process (exponential gaps with the configured mean), drawn from the seed, the
    /// object and the change's number, so they do not depend on when anyone asks.
    fn change_after(&self, x: u32, k: u32, from: u32) -> u32 {
        if self.config.change_s == 0 {
            return u32::MAX;
        }
        let u = unit_interval(hash_pair(
            hash_u64(self.config.seed, CHANGE_SALT),
            u64::from(x),
            u64::from(k),
        ));
        let gap = -libm::log(u) * f64::from(self.config.change_s) * 1_000.0;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // Clamped to u32 first.
        let gap = gap.clamp(1.0, f64::from(u32::MAX)) as u32;
        from.saturating_add(gap)
    }

    /// Object `x`'s current version at `now`, named by when it next changes.
    fn origin_version(&mut self, x: u32, now: u32) -> u32 {
        let i = x as usize;
        while self.next_change[i] <= now {
            self.changes[i] += 1;
            self.next_change[i] = self.change_after(x, self.changes[i], self.next_change[i]);
        }
        self.next_change[i]
    }

    /// Makes up to `count` requests, adding what happened to `counts`; returns how many it
    /// made (fewer at the end of the run).
    pub fn step(&mut self, count: u64, counts: &mut Counts) -> u64 {
        let n = count.min(self.requests - self.made);
        for _ in 0..n {
            let now = self.now_ms();
            self.request(now, counts);
            self.made += 1;
        }
        n
    }

    fn request(&mut self, now: u32, counts: &mut Counts) {
        let bits = self.rng.next_u64();
        let region = self.regions.sample(bits);
        let x = self.objects.sample(self.rng.next_u64());
        // The region's alias draw used all 64 bits, so the edge gets bits of its own.
        let edge = u32::try_from(self.rng.below(u64::from(self.config.edges))).expect("below edges");
        let r = REGIONS[region as usize];
        // The last mile varies: an exponential extra with a quarter of the round trip as mean.
        let jitter = -libm::log(unit_interval(self.rng.next_u64())) * f64::from(r.edge_ms) / 4.0;
        let mut c = Counts {
            requests: 1,
            ..Counts::default()
        };
        let (copy, answer, wait) = self.lookup(region * self.config.edges + edge, region, x, now, &mut c);
        match answer {
            Answer::Fresh => c.fresh += 1,
            Answer::WhileRevalidating => c.while_revalidating += 1,
            Answer::Revalidated => c.revalidated += 1,
            Answer::Miss => c.misses += 1,
        }
        if now >= copy.changes_at {
            c.stale += 1;
            c.stale_ms += u64::from(now - copy.changes_at);
        }
        let latency = f64::from(r.edge_ms) + jitter + f64::from(wait);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // Positive, clamped.
        let bucket = (latency.floor() as usize).min(LATENCY_BUCKETS);
        let stats = &mut self.stats[region as usize];
        stats.latency[bucket] += 1;
        stats.counts.add(&c);
        counts.add(&c);
    }

    fn is_shield(&self, tier: u32) -> bool {
        tier >= self.config.regions * self.config.edges
    }

    /// Whether a purge has dropped `copy` by `now`.
    fn purged(&self, copy: Copy, now: u32) -> bool {
        (self.config.purge && now >= copy.changes_at.saturating_add(self.config.purge_delay_ms))
            || self.config.flush_ms.is_some_and(|f| now >= f && copy.born < f)
    }

    /// Serves object `x` from cache `tier` at `now`: the copy handed down, how it was answered,
    /// and how long the asker waited beyond this cache, in ms.
    fn lookup(&mut self, tier: u32, region: u32, x: u32, now: u32, c: &mut Counts) -> (Copy, Answer, u32) {
        let shield = self.is_shield(tier);
        if shield {
            c.shield_requests += 1;
        }
        let t = tier as usize;
        let held = self.tiers[t].cache.holds(x) && !self.purged(self.tiers[t].copies[x as usize], now);
        let fresh_until = |copy: Copy, extra: u32| {
            u64::from(copy.born) + (u64::from(self.config.max_age_s) + u64::from(extra)) * 1_000
        };
        if held {
            self.tiers[t].cache.access(x);
            let copy = self.tiers[t].copies[x as usize];
            if u64::from(now) < fresh_until(copy, 0) {
                c.shield_hits += u64::from(shield);
                return (copy, Answer::Fresh, 0);
            }
            let within_swr = u64::from(now) < fresh_until(copy, self.config.swr_s);
            let (new, wait) = self.upstream(tier, region, x, now, Some(copy.changes_at), c);
            self.tiers[t].copies[x as usize] = new;
            if within_swr {
                c.shield_hits += u64::from(shield);
                return (copy, Answer::WhileRevalidating, 0);
            }
            return (new, Answer::Revalidated, wait);
        }
        let (new, wait) = self.upstream(tier, region, x, now, None, c);
        if !self.tiers[t].cache.holds(x) {
            self.tiers[t].cache.access(x);
        }
        self.tiers[t].copies[x as usize] = new;
        (new, Answer::Miss, wait)
    }

    /// Asks the next cache up (the region's shield, from an edge) or the origin, holding the
    /// version `have` if any: the copy that comes back and the time the asker waits, in ms.
    fn upstream(&mut self, tier: u32, region: u32, x: u32, now: u32, have: Option<u32>, c: &mut Counts) -> (Copy, u32) {
        let r = REGIONS[region as usize];
        if self.config.shield && !self.is_shield(tier) {
            let shield = self.config.regions * self.config.edges + region;
            let (copy, _, wait) = self.lookup(shield, region, x, now, c);
            return (copy, r.shield_ms + wait);
        }
        let version = self.origin_version(x, now);
        c.origin_requests += 1;
        if have != Some(version) {
            c.origin_bodies += 1;
            c.origin_bytes += object_bytes(self.config.seed, self.config.size_kb, x);
        }
        (
            Copy {
                born: now,
                changes_at: version,
            },
            r.origin_ms + self.config.origin_service_ms,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> CdnConfig {
        CdnConfig {
            regions: 2,
            edges: 2,
            edge_capacity: 1_000,
            shield: false,
            shield_capacity: 1_000,
            objects: 1_000,
            alpha_centi: 90,
            rate: 1_000,
            seconds: 10,
            max_age_s: 2,
            swr_s: 0,
            change_s: 0,
            purge: false,
            purge_delay_ms: 0,
            flush_ms: None,
            size_kb: 10,
            origin_service_ms: 20,
            seed: 1,
        }
    }

    fn run(config: &CdnConfig) -> Counts {
        let mut cdn = Cdn::new(config);
        let mut counts = Counts::default();
        while cdn.step(10_000, &mut counts) > 0 {}
        counts
    }

    #[test]
    fn every_request_is_answered_once() {
        let c = run(&config());
        assert_eq!(c.requests, 10_000);
        assert_eq!(c.fresh + c.while_revalidating + c.revalidated + c.misses, c.requests);
        assert!(c.origin_requests >= c.misses, "{c:?}");
    }

    #[test]
    fn objects_that_never_change_are_never_stale_and_revalidate_without_a_body() {
        let c = run(&config());
        assert_eq!(c.stale, 0);
        // Only the first fetch of each copy sends a body; every revalidation is "not modified".
        assert!(c.origin_bodies < c.origin_requests, "{c:?}");
        assert_eq!(c.origin_bodies, c.misses);
    }

    #[test]
    fn a_shield_asks_the_origin_less_and_a_flush_more() {
        let edges = run(&config());
        let shielded = run(&CdnConfig {
            shield: true,
            ..config()
        });
        assert!(
            shielded.origin_requests < edges.origin_requests,
            "{shielded:?} {edges:?}"
        );
        let flushed = run(&CdnConfig {
            flush_ms: Some(5_000),
            max_age_s: 60,
            ..config()
        });
        let kept = run(&CdnConfig {
            max_age_s: 60,
            ..config()
        });
        assert!(flushed.origin_requests > kept.origin_requests);
    }

    #[test]
    fn purging_on_change_bounds_staleness_by_the_delay() {
        let changing = CdnConfig {
            change_s: 1,
            max_age_s: 60,
            ..config()
        };
        let loose = run(&changing);
        let purged = run(&CdnConfig {
            purge: true,
            purge_delay_ms: 100,
            ..changing
        });
        assert!(loose.stale > 0);
        assert!(purged.stale < loose.stale / 4, "{purged:?} {loose:?}");
        assert!(purged.stale_ms <= purged.stale * 100, "{purged:?}");
    }

    #[test]
    fn percentiles_read_the_histogram() {
        let mut latency = vec![0; LATENCY_BUCKETS + 1];
        latency[10] = 50;
        latency[100] = 45;
        latency[300] = 5;
        let s = RegionStats {
            counts: Counts::default(),
            latency,
        };
        assert_eq!(s.percentile(0.5), Some(10));
        assert_eq!(s.percentile(0.95), Some(100));
        assert_eq!(s.percentile(0.99), Some(300));
    }
}
