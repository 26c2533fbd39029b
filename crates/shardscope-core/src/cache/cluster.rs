//! A cluster of cache nodes behind a placement algorithm, in virtual time: app servers send
//! seeded Zipf requests (and, if chosen, a celebrity key's), each to the node its key is placed
//! on; a miss fetches from the database, which answers after a fixed latency. A node can be lost
//! and come back; hot keys can be replicated under suffixed keys, app servers can keep a small
//! local cache with a time to live, and concurrent misses for one key can be coalesced into one
//! database fetch.
//!
//! Time advances in ticks of [`TICK_MS`] milliseconds. Everything is counted per tick and summed
//! into buckets for the report; nothing depends on a clock or on hash-map order.

use std::collections::VecDeque;

use super::workload::{probabilities, Alias, Popularity};
use super::{Cache, Policy};
use crate::hash::{hash_pair, hash_u64, Stream};
use crate::placement::{Algorithm, NodeId, Placement, Settings};

/// Milliseconds per tick.
pub const TICK_MS: u32 = 10;

/// What a cluster run simulates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClusterConfig {
    /// How keys are placed on nodes.
    pub algorithm: Algorithm,
    /// Cache nodes, at least 2.
    pub nodes: u32,
    /// Each node's eviction policy (not OPT, which needs the future).
    pub policy: Policy,
    /// Each node's capacity in objects.
    pub capacity: u32,
    /// Popular objects.
    pub objects: u32,
    /// Zipf's α in hundredths.
    pub alpha_centi: u32,
    /// Requests per second from all app servers together.
    pub rate: u32,
    /// Seconds simulated.
    pub seconds: u32,
    /// The millisecond a node is lost (it drops out of the placement and its cache is gone).
    pub fail_ms: Option<u32>,
    /// The millisecond the lost node comes back, empty.
    pub back_ms: Option<u32>,
    /// Percent of the requests to one celebrity key, on top of the Zipf objects.
    pub hot_percent: u32,
    /// Copies of each hot key (the celebrity and the `hot_keys` most popular objects), stored
    /// under suffixed keys that the placement spreads; 1 means no replication.
    pub replicas: u32,
    /// Popular objects replicated besides the celebrity.
    pub hot_keys: u32,
    /// App servers sending the requests, round robin.
    pub apps: u32,
    /// Each app server's local cache in objects (0: none).
    pub local: u32,
    /// How long a local copy is served, in milliseconds.
    pub local_ttl_ms: u32,
    /// Whether misses for a key already being fetched wait for that fetch.
    pub coalesce: bool,
    /// The database's answer time, in milliseconds.
    pub fetch_ms: u32,
    /// Seeds the requests and the placement.
    pub seed: u64,
}

/// Counts over one bucket of time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Requests made.
    pub requests: u64,
    /// Served by an app server's local cache.
    pub local_hits: u64,
    /// Served by a cache node.
    pub hits: u64,
    /// Fetches sent to the database.
    pub fetches: u64,
    /// Misses that waited for a fetch already under way instead of sending one.
    pub coalesced: u64,
}

impl Counts {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Counts) {
        self.requests += other.requests;
        self.local_hits += other.local_hits;
        self.hits += other.hits;
        self.fetches += other.fetches;
        self.coalesced += other.coalesced;
    }
}

/// One cache node.
struct Node {
    id: NodeId,
    cache: Box<dyn Cache + Send>,
    /// The tick each object's fetch completes, while one is under way (`u32::MAX`: none).
    fetching: Vec<u32>,
    /// Requests routed here in the current bucket and over the run.
    bucket_load: u64,
    load: u64,
    /// Bumped when the node is lost, so fetches it sent before are dropped.
    epoch: u32,
    alive: bool,
}

/// An app server's local cache.
struct Local {
    cache: Box<dyn Cache + Send>,
    /// The tick each object's copy expires.
    expires: Vec<u32>,
}

/// The cluster and its clocks.
pub struct Cluster {
    config: ClusterConfig,
    placement: Box<dyn Placement>,
    nodes: Vec<Node>,
    locals: Vec<Local>,
    /// Fetches under way: (completion tick, node index, epoch, object).
    fetches: VecDeque<(u32, u32, u32, u32)>,
    alias: Alias,
    rng: Stream,
    /// Objects `0..objects` are the Zipf objects, `objects` the celebrity.
    celebrity: u32,
    tick: u32,
    ticks: u32,
    fetch_ticks: u32,
    ttl_ticks: u32,
    fail_tick: Option<u32>,
    back_tick: Option<u32>,
    next_app: u32,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("tick", &self.tick)
            .finish_non_exhaustive()
    }
}

/// Salts the routing keys' seed: the ring puts node `n`'s point `r` at `hash_pair(seed, n, r)`,
/// so keys hashed the same way with the same seed would sit exactly on those points.
const ROUTE_SALT: u64 = 0x726f_7574_6573;

/// The routing key of object `x`'s copy `copy` (copy 0 of an unreplicated object).
fn routing_key(seed: u64, x: u32, copy: u32) -> u64 {
    hash_pair(hash_u64(seed, ROUTE_SALT), u64::from(x), u64::from(copy))
}

fn ms_to_ticks(ms: u32) -> u32 {
    ms / TICK_MS
}

impl Cluster {
    /// A cluster with every cache empty.
    ///
    /// # Errors
    /// The placement algorithm refuses the nodes (never for 2 to a few hundred nodes).
    pub fn new(config: &ClusterConfig) -> Result<Self, String> {
        let ids: Vec<NodeId> = (0..config.nodes).collect();
        let placement = config
            .algorithm
            .build(&Settings::DEFAULT, config.seed, &ids)
            .map_err(|e| e.to_string())?;
        let universe = config.objects + 1;
        let nodes = ids
            .iter()
            .map(|&id| Node {
                id,
                cache: config
                    .policy
                    .build(config.capacity, universe, None, hash_u64(config.seed, u64::from(id))),
                fetching: vec![u32::MAX; universe as usize],
                bucket_load: 0,
                load: 0,
                epoch: 0,
                alive: true,
            })
            .collect();
        let locals = if config.local > 0 {
            (0..config.apps)
                .map(|_| Local {
                    cache: Policy::Lru.build(config.local, universe, None, 0),
                    expires: vec![0; universe as usize],
                })
                .collect()
        } else {
            Vec::new()
        };
        let p = probabilities(
            Popularity::Zipf {
                alpha_centi: config.alpha_centi,
            },
            config.objects,
        );
        Ok(Self {
            config: *config,
            placement,
            nodes,
            locals,
            fetches: VecDeque::new(),
            alias: Alias::new(&p),
            rng: Stream::new(hash_u64(config.seed, 0x636c_7573)),
            celebrity: config.objects,
            tick: 0,
            ticks: config.seconds * (1_000 / TICK_MS),
            fetch_ticks: ms_to_ticks(config.fetch_ms),
            ttl_ticks: ms_to_ticks(config.local_ttl_ms).max(1),
            fail_tick: config.fail_ms.map(ms_to_ticks),
            back_tick: config.back_ms.map(ms_to_ticks),
            next_app: 0,
        })
    }

    /// Ticks in the whole run.
    #[must_use]
    pub fn ticks(&self) -> u32 {
        self.ticks
    }

    /// Ticks simulated so far.
    #[must_use]
    pub fn tick(&self) -> u32 {
        self.tick
    }

    /// The node lost, by index: the one that owns the celebrity key if there is one (the worst
    /// case, and the one a teacher asks about), else node 0. Jump hash can remove only its last
    /// bucket, so under it the last node is lost.
    #[must_use]
    pub fn lost_node(&self) -> u32 {
        if self.config.algorithm == Algorithm::Jump {
            self.config.nodes - 1
        } else if self.config.hot_percent > 0 {
            self.placement.place(routing_key(self.config.seed, self.celebrity, 0))
        } else {
            0
        }
    }

    /// The owner of every copy of every object, under the current membership.
    #[must_use]
    pub fn owners(&self) -> Vec<NodeId> {
        (0..=self.celebrity)
            .flat_map(|x| (0..self.copies(x)).map(move |copy| (x, copy)))
            .map(|(x, copy)| self.placement.place(routing_key(self.config.seed, x, copy)))
            .collect()
    }

    /// How many copies object `x` has.
    #[must_use]
    pub fn copies(&self, x: u32) -> u32 {
        let hot = x == self.celebrity || x < self.config.hot_keys;
        if hot {
            self.config.replicas.max(1)
        } else {
            1
        }
    }

    /// Requests in tick `t` (the rate spread evenly over the ticks of a second).
    fn requests_in(&self, t: u32) -> u32 {
        let per = 1_000 / TICK_MS;
        let rate = u64::from(self.config.rate);
        let at = |t: u32| rate * u64::from(t) / u64::from(per);
        u32::try_from(at(t + 1) - at(t)).expect("a tick's requests fit u32")
    }

    /// Simulates one tick, adding what happened to `counts`.
    pub fn step(&mut self, counts: &mut Counts) {
        let t = self.tick;
        if self.fail_tick == Some(t) {
            self.lose(self.lost_node());
        }
        if self.back_tick == Some(t) {
            self.restore();
        }
        // Fetches due by now fill their node's cache, unless the node was lost meanwhile.
        while let Some(&(done, node, epoch, x)) = self.fetches.front() {
            if done > t {
                break;
            }
            self.fetches.pop_front();
            self.fill(node, epoch, x);
        }
        for _ in 0..self.requests_in(t) {
            self.request(t, counts);
        }
        self.tick += 1;
    }

    fn fill(&mut self, node: u32, epoch: u32, x: u32) {
        let n = &mut self.nodes[node as usize];
        if n.epoch != epoch || !n.alive {
            return;
        }
        n.fetching[x as usize] = u32::MAX;
        if !n.cache.holds(x) {
            n.cache.access(x);
        }
    }

    fn request(&mut self, t: u32, counts: &mut Counts) {
        counts.requests += 1;
        let bits = self.rng.next_u64();
        let hot = u64::from(self.config.hot_percent);
        let x = if hot > 0 && (bits >> 32) % 100 < hot {
            self.celebrity
        } else {
            self.alias.sample(self.rng.next_u64())
        };
        let app = self.next_app;
        self.next_app = (self.next_app + 1) % self.config.apps.max(1);
        if let Some(local) = self.locals.get_mut(app as usize) {
            if local.cache.holds(x) && local.expires[x as usize] > t {
                local.cache.access(x);
                counts.local_hits += 1;
                return;
            }
            // The copy the answer brings is served until its time to live runs out.
            local.cache.access(x);
            local.expires[x as usize] = t + self.fetch_ticks + self.ttl_ticks;
        }
        let copies = self.copies(x);
        let copy = if copies > 1 {
            u32::try_from(bits % u64::from(copies)).expect("below copies")
        } else {
            0
        };
        let node = self.placement.place(routing_key(self.config.seed, x, copy));
        let index = node;
        let fetch_ticks = self.fetch_ticks;
        let coalesce = self.config.coalesce;
        let n = &mut self.nodes[index as usize];
        n.bucket_load += 1;
        n.load += 1;
        if n.cache.holds(x) {
            n.cache.access(x);
            counts.hits += 1;
            return;
        }
        if coalesce && n.fetching[x as usize] != u32::MAX {
            counts.coalesced += 1;
            return;
        }
        counts.fetches += 1;
        if fetch_ticks == 0 {
            n.cache.access(x);
            return;
        }
        let done = t + fetch_ticks;
        if n.fetching[x as usize] == u32::MAX {
            n.fetching[x as usize] = done;
        }
        self.fetches.push_back((done, index, n.epoch, x));
    }

    /// Loses node `index`: it leaves the placement and its cache and fetches are gone.
    fn lose(&mut self, index: u32) {
        let n = &mut self.nodes[index as usize];
        if !n.alive || self.placement.remove_node(n.id).is_err() {
            return;
        }
        n.alive = false;
        n.epoch += 1;
        let universe = self.config.objects + 1;
        n.cache = self.config.policy.build(
            self.config.capacity,
            universe,
            None,
            hash_u64(self.config.seed, u64::from(n.id)),
        );
        n.fetching.iter_mut().for_each(|f| *f = u32::MAX);
    }

    /// Brings the lost node back, empty.
    fn restore(&mut self) {
        if let Some(n) = self.nodes.iter_mut().find(|n| !n.alive) {
            if self.placement.add_node(n.id).is_ok() {
                n.alive = true;
            }
        }
    }

    /// Requests each node received in the bucket that just ended (and starts the next).
    pub fn take_bucket_loads(&mut self) -> Vec<u64> {
        self.nodes
            .iter_mut()
            .map(|n| std::mem::take(&mut n.bucket_load))
            .collect()
    }

    /// Requests each node received over the run.
    #[must_use]
    pub fn loads(&self) -> Vec<u64> {
        self.nodes.iter().map(|n| n.load).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ClusterConfig {
        ClusterConfig {
            algorithm: Algorithm::Ring,
            nodes: 4,
            policy: Policy::Lru,
            capacity: 100,
            objects: 1_000,
            alpha_centi: 100,
            rate: 10_000,
            seconds: 2,
            fail_ms: None,
            back_ms: None,
            hot_percent: 0,
            replicas: 1,
            hot_keys: 0,
            apps: 4,
            local: 0,
            local_ttl_ms: 1_000,
            coalesce: false,
            fetch_ms: 0,
            seed: 1,
        }
    }

    fn run(c: &ClusterConfig) -> Counts {
        let mut cluster = Cluster::new(c).unwrap();
        let mut counts = Counts::default();
        while cluster.tick() < cluster.ticks() {
            cluster.step(&mut counts);
        }
        counts
    }

    #[test]
    fn every_request_is_served_once() {
        for c in [
            config(),
            ClusterConfig {
                fetch_ms: 50,
                coalesce: true,
                local: 10,
                hot_percent: 20,
                replicas: 3,
                ..config()
            },
            ClusterConfig {
                fetch_ms: 50,
                fail_ms: Some(500),
                back_ms: Some(1_500),
                ..config()
            },
        ] {
            let k = run(&c);
            assert_eq!(k.requests, 20_000);
            assert_eq!(k.local_hits + k.hits + k.fetches + k.coalesced, k.requests, "{c:?}");
        }
    }

    #[test]
    fn coalescing_sends_one_fetch_per_key_in_flight() {
        let slow = ClusterConfig {
            fetch_ms: 200,
            hot_percent: 50,
            ..config()
        };
        let herd = run(&slow);
        let calm = run(&ClusterConfig { coalesce: true, ..slow });
        assert!(calm.fetches * 2 < herd.fetches, "{calm:?} vs {herd:?}");
        assert!(calm.coalesced > 0);
    }

    #[test]
    fn copies_of_a_hot_key_spread_over_nodes() {
        let c = ClusterConfig {
            nodes: 10,
            replicas: 8,
            hot_keys: 10,
            ..config()
        };
        let cluster = Cluster::new(&c).unwrap();
        let owners = cluster.owners();
        let mut first: Vec<u32> = owners[..8].to_vec();
        first.sort_unstable();
        first.dedup();
        // Eight copies on ten nodes: a few share a node, most do not.
        assert!(first.len() >= 5, "{owners:?}");
    }

    #[test]
    fn the_celebrity_node_is_the_one_lost() {
        let c = ClusterConfig {
            hot_percent: 10,
            ..config()
        };
        let cluster = Cluster::new(&c).unwrap();
        let owner = cluster.placement.place(routing_key(c.seed, c.objects, 0));
        assert_eq!(cluster.lost_node(), owner);
    }
}
