//! What the whole-system simulation is given: the traffic, the architecture tier by tier, the
//! client's timeouts and retries, the work each request does, and the faults, with the checks
//! that turn impossible inputs into messages.

use serde::{Deserialize, Serialize};

/// The most datacenters (and user regions).
pub const MAX_DCS: u32 = 3;
/// The most users.
pub const MAX_USERS: u64 = 10_000_000;
/// The most servers in any one pool (web, cache, services, replicas per shard, shards): enough
/// for "The Tail at Scale"'s request that fans out to 2,000 servers.
pub const MAX_SERVERS: u32 = 2_000;
/// The most workers per server.
pub const MAX_WORKERS: u32 = 1_024;
/// The most calls one request fans out to.
pub const MAX_FANOUT: u32 = 2_000;
/// The most requests one simulation may expect to start (before retries)…
pub const MAX_REQUESTS: u64 = 5_000_000;
/// …and the most service calls they may expect to make (each is two events), so that a wide
/// fan-out stays a run of seconds.
pub const MAX_CALLS: u64 = 20_000_000;
/// The most keys in the data set.
pub const MAX_KEYS: u32 = 1_000_000;

/// What a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// A static asset (image, script): the CDN can answer it.
    Static,
    /// A page that reads data (cache, then database).
    Read,
    /// A request that writes data (database primary), with follow-up work.
    Write,
    /// A login: expensive on the web server, and it writes a session.
    Login,
}

impl Kind {
    /// Every kind, in the mix's order.
    pub const ALL: [Self; 4] = [Self::Static, Self::Read, Self::Write, Self::Login];

    /// The kind's name in reports.
    #[must_use]
    pub fn slug(self) -> &'static str {
        match self {
            Self::Static => "static",
            Self::Read => "read",
            Self::Write => "write",
            Self::Login => "login",
        }
    }
}

/// A sudden burst of traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spike {
    /// When it starts, in seconds from the start of the run.
    pub at_s: u32,
    /// How long it lasts, in seconds.
    pub seconds: u32,
    /// The traffic multiplier while it lasts.
    pub factor: u32,
}

/// Who sends requests, how many and what for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traffic {
    /// Daily active users, split evenly over the regions.
    pub users: u64,
    /// User regions, 1 to [`MAX_DCS`]: US East, Europe, Asia–Pacific, in that order.
    pub regions: u32,
    /// Requests a user makes per day.
    pub per_user_per_day: u32,
    /// The daily curve's peak over its mean, in hundredths (100: flat; at most 300).
    pub peak_centi: u32,
    /// The UTC hour the run starts at; each region's rate follows its own local time.
    pub hour: u32,
    /// How long arrivals last, in seconds; then the run drains what is in flight.
    pub seconds: u32,
    /// The request mix in percent, in [`Kind::ALL`] order; sums to 100.
    pub mix: [u32; 4],
    /// A burst, if any.
    pub spike: Option<Spike>,
    /// Distinct data keys reads and writes draw from.
    pub keys: u32,
    /// The keys' (and static objects') Zipf α, in hundredths.
    pub alpha_centi: u32,
    /// Distinct static objects.
    pub objects: u32,
}

/// How a load balancer picks a web server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Balance {
    /// In turn.
    RoundRobin,
    /// The server with the fewest requests in progress or waiting.
    LeastConnections,
    /// The less loaded of two servers drawn at random (Mitzenmacher's power of two choices).
    TwoChoices,
}

/// Where a logged-in user's session lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sessions {
    /// In a shared store (the cache tier, or the database without one): any web server can serve
    /// any user, at the cost of one session read per request.
    Shared,
    /// On the web server that logged the user in: the load balancer must send the user back
    /// there, and losing the server logs its users out.
    Sticky,
}

/// A pool of identical servers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    /// Servers.
    pub servers: u32,
    /// Workers per server: requests one server serves at once.
    pub workers: u32,
}

/// The web tier's autoscaler.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Autoscale {
    /// The utilization it aims for, in percent.
    pub target_pct: u32,
    /// Seconds from deciding to add a server to the server taking requests.
    pub warmup_s: u32,
    /// The fewest servers.
    pub min: u32,
    /// The most servers.
    pub max: u32,
    /// Seconds between decisions.
    pub every_s: u32,
}

/// The shape of the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    /// Shards, each with its own primary.
    pub shards: u32,
    /// Read replicas per shard in each datacenter.
    pub replicas: u32,
    /// Workers per database server.
    pub workers: u32,
    /// How far replicas trail the primary (asynchronous replication), in ms.
    pub lag_ms: u32,
    /// Whether a read of a key written less than `lag_ms` ago goes to the primary
    /// (read-your-writes), instead of reading a stale replica.
    pub read_your_writes: bool,
    /// Whether shards are chosen by the data key (a popular key's shard runs hot) or by user.
    pub shard_by_key: bool,
}

/// The dependencies of every request's work, in microseconds of service time (each drawn
/// from an exponential distribution of this mean).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Work {
    /// Web work per kind, in [`Kind::ALL`] order.
    pub web_us: [u32; 4],
    /// A cache lookup or fill.
    pub cache_us: u32,
    /// A database read.
    pub db_read_us: u32,
    /// A database write.
    pub db_write_us: u32,
    /// One service call.
    pub service_us: u32,
    /// The follow-up work of a write (sending mail, updating feeds), on the web server or, with a
    /// bus, on its consumers.
    pub follow_up_us: u32,
    /// A service call is slow with this probability, in parts per million…
    pub slow_ppm: u32,
    /// …and then takes this long, in microseconds (a garbage-collection pause, a busy disk).
    pub slow_us: u32,
}

/// Timeouts and retries at the client, and the protections in front of the back ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    /// The client gives up on an attempt after this long, in ms (0: never).
    pub timeout_ms: u32,
    /// Attempts after the first.
    pub retries: u32,
    /// How long the client waits before retrying.
    pub backoff: Backoff,
    /// The first backoff, in ms; doubled for each further attempt.
    pub backoff_ms: u32,
    /// Whether calls to the database and services go through circuit breakers.
    pub breaker: bool,
    /// Each server refuses a request when this many already wait (0: queues are unbounded).
    pub queue_limit: u32,
    /// Whether concurrent cache misses for one key wait for a single database read.
    pub coalesce: bool,
    /// Whether a service call outstanding past the calls' measured 95th percentile is sent again
    /// to another server (a hedged request), the first answer winning.
    pub hedge: bool,
}

/// How a client spaces its retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Backoff {
    /// At once.
    None,
    /// `backoff_ms · 2^(attempt − 1)`.
    Exponential,
    /// A uniform draw from 0 to the exponential backoff ("full jitter").
    Jitter,
}

/// What breaks during the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fault {
    /// Nothing.
    None,
    /// The first web server of the first datacenter dies.
    Server,
    /// Every cache node is emptied (a restart or a bad deploy).
    Flush,
    /// The database primary (of every shard) dies; a replica is promoted after the failover time.
    Primary,
    /// The first datacenter is lost; traffic moves after the failover time.
    Datacenter,
    /// The database slows down fivefold for ten seconds, and timeouts and retries do the rest.
    Slowdown,
}

/// One whole-system scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Design {
    /// The users and their requests.
    pub traffic: Traffic,
    /// Whether the database runs on the web server itself (the first step: one server).
    pub colocated: bool,
    /// The web (application) servers in each datacenter.
    pub web: Pool,
    /// The load balancer; without one, every user reaches the first web server.
    pub balance: Option<Balance>,
    /// Where sessions live.
    pub sessions: Sessions,
    /// The web tier's autoscaler, if any.
    pub autoscale: Option<Autoscale>,
    /// The CDN's edge cache in each region, in objects, if there is a CDN.
    pub cdn_objects: Option<u32>,
    /// The cache tier in each datacenter and its capacity in keys (over all its nodes).
    pub cache: Option<(Pool, u32)>,
    /// The services each read and write calls: the pool in each datacenter and the fan-out.
    pub services: Option<(Pool, u32)>,
    /// Consumers of the message bus that takes writes' follow-up work, if there is one.
    pub bus: Option<Pool>,
    /// The database.
    pub db: Database,
    /// Datacenters, 1 to [`MAX_DCS`], in the first regions' places.
    pub dcs: u32,
    /// Whether every datacenter serves its region's users (active-active) or the first serves
    /// everyone while the others stand by (active-passive).
    pub active_active: bool,
    /// The client and the protections.
    pub client: Client,
    /// Each request's work.
    pub work: Work,
    /// What breaks, and when (seconds from the start).
    pub fault: (Fault, u32),
    /// Seconds from a failure to traffic moving (health checks, DNS, promotion).
    pub failover_s: u32,
    /// Seeds every random choice.
    pub seed: u64,
}

impl Traffic {
    /// The seconds of the run the spike covers.
    #[must_use]
    pub fn spike_seconds(&self) -> u32 {
        self.spike.map_or(0, |k| {
            let end = k.at_s.saturating_add(k.seconds).min(self.seconds);
            end.saturating_sub(k.at_s)
        })
    }

    /// About how many requests the run starts (before retries), reckoned at the daily peak
    /// for its whole length, with the spike on top.
    #[must_use]
    pub fn expected_requests(&self) -> f64 {
        let peak = self.peak_rate();
        let factor = self.spike.map_or(1.0, |k| f64::from(k.factor));
        peak * (f64::from(self.seconds) + f64::from(self.spike_seconds()) * (factor - 1.0))
    }

    /// The share of requests that call the services: reads and writes.
    #[must_use]
    pub fn calling_share(&self) -> f64 {
        f64::from(self.mix[Kind::Read as usize] + self.mix[Kind::Write as usize]) / 100.0
    }

    /// The requests per second at the daily peak.
    #[must_use]
    pub fn peak_rate(&self) -> f64 {
        self.mean_rate() * f64::from(self.peak_centi) / 100.0
    }

    /// The mean requests per second over a day.
    #[must_use]
    #[allow(clippy::cast_precision_loss)] // Users ≤ 10^7.
    pub fn mean_rate(&self) -> f64 {
        self.users as f64 * f64::from(self.per_user_per_day) / 86_400.0
    }
}

/// The regions' names, in the order of [`Traffic::regions`] and of the datacenters.
pub const REGIONS: [&str; MAX_DCS as usize] = ["US East", "Europe", "Asia–Pacific"];
/// Round trips between the regions (US East, Europe, Asia–Pacific), in ms: typical figures for
/// cloud regions on those three coasts, used as given inputs rather than measurements.
pub const RTT_MS: [[u32; 3]; 3] = [[0, 80, 220], [80, 0, 160], [220, 160, 0]];

impl Design {
    /// The datacenter routing (DNS with geo routing, in front of every datacenter) sends
    /// `region`'s users to, among those `open` allows: their own region's when active-active,
    /// else the nearest open one; the first open one when active-passive. With none open, the
    /// first.
    ///
    /// ```
    /// use shardscope_core::system::design::Design;
    /// let mut d = Design { dcs: 2, active_active: true, ..Design::default() };
    /// assert_eq!(d.route(2, |_| true), 1); // Asia–Pacific to Europe, the nearer one.
    /// assert_eq!(d.route(1, |dc| dc != 1), 0); // Europe's datacenter is lost.
    /// d.active_active = false;
    /// assert_eq!(d.route(1, |_| true), 0);
    /// ```
    #[must_use]
    pub fn route(&self, region: usize, open: impl Fn(usize) -> bool) -> usize {
        let dcs = self.dcs as usize;
        if self.active_active {
            if region < dcs && open(region) {
                return region;
            }
            (0..dcs)
                .filter(|&i| open(i))
                .min_by_key(|&i| (RTT_MS[region][i], i))
                .unwrap_or(0)
        } else {
            (0..dcs).find(|&i| open(i)).unwrap_or(0)
        }
    }

    /// The service calls a request makes on average: the fan-out, for the share of requests
    /// that call the services.
    #[must_use]
    pub fn calls_per_request(&self) -> f64 {
        self.services
            .map_or(0.0, |(_, k)| self.traffic.calling_share() * f64::from(k))
    }

    /// The most requests one run of this design may expect to start: [`MAX_REQUESTS`], or fewer
    /// when each request fans out so wide that their calls would pass [`MAX_CALLS`].
    ///
    /// ```
    /// use shardscope_core::system::design::{Design, Pool};
    /// let mut d = Design::default();
    /// assert_eq!(d.request_budget(), 5e6);
    /// d.services = Some((Pool { servers: 2_000, workers: 8 }, 2_000));
    /// // A third of the default mix reads or writes, so 30,000 requests make 20 million calls.
    /// assert_eq!(d.request_budget().round(), 30_303.0);
    /// ```
    #[must_use]
    #[allow(clippy::cast_precision_loss)] // Both limits are far below 2^52.
    pub fn request_budget(&self) -> f64 {
        let calls = self.calls_per_request();
        if calls > 0.0 {
            (MAX_REQUESTS as f64).min(MAX_CALLS as f64 / calls)
        } else {
            MAX_REQUESTS as f64
        }
    }

    /// Checks the scenario, saying what cannot be simulated and why.
    ///
    /// # Errors
    /// The first problem found, as a sentence for the user.
    pub fn check(&self) -> Result<(), String> {
        let t = &self.traffic;
        if t.users == 0 || t.users > MAX_USERS {
            return Err(format!("users must be 1–{MAX_USERS}, not {}", t.users));
        }
        if !(1..=MAX_DCS).contains(&t.regions) || !(1..=MAX_DCS).contains(&self.dcs) {
            return Err(format!("regions and datacenters must be 1–{MAX_DCS}"));
        }
        if t.mix.iter().sum::<u32>() != 100 {
            return Err(format!(
                "the request mix must add up to 100 %, not {} %",
                t.mix.iter().sum::<u32>()
            ));
        }
        if !(100..=300).contains(&t.peak_centi) {
            return Err("the daily peak must be 1–3 times the mean".into());
        }
        if t.seconds == 0 || t.hour > 23 || t.keys == 0 || t.keys > MAX_KEYS || t.objects == 0 {
            return Err("the run needs at least a second, an hour 0–23, and at least one key and object".into());
        }
        let pools = [
            Some(self.web),
            self.cache.map(|c| c.0),
            self.services.map(|s| s.0),
            self.bus,
        ];
        for pool in pools.into_iter().flatten() {
            if pool.servers == 0 || pool.workers == 0 {
                return Err("every pool needs at least one server with at least one worker".into());
            }
            if pool.servers > MAX_SERVERS || pool.workers > MAX_WORKERS {
                return Err(format!(
                    "a pool has at most {MAX_SERVERS} servers of {MAX_WORKERS} workers"
                ));
            }
        }
        let db = &self.db;
        if db.shards == 0
            || db.shards > MAX_SERVERS
            || db.replicas > MAX_SERVERS
            || db.workers == 0
            || db.workers > MAX_WORKERS
        {
            return Err(format!(
                "the database needs 1–{MAX_SERVERS} shards and 1–{MAX_WORKERS} workers per server"
            ));
        }
        if let Some((pool, fanout)) = self.services {
            if fanout == 0 || fanout > MAX_FANOUT.min(pool.servers) {
                return Err(format!(
                    "a request fans out to 1–{} services (at most the {} servers), not {fanout}",
                    MAX_FANOUT, pool.servers
                ));
            }
        }
        if let Some(a) = self.autoscale {
            if a.min == 0
                || a.min > a.max
                || a.max > MAX_SERVERS
                || !(1..=100).contains(&a.target_pct)
                || a.every_s == 0
            {
                return Err("the autoscaler needs 1 ≤ min ≤ max servers, a target of 1–100 % and a period".into());
            }
        }
        if self.colocated
            && (self.web.servers > 1 || self.balance.is_some() || self.dcs > 1 || self.autoscale.is_some())
        {
            return Err("a database on the web server means one server in one datacenter, without a load balancer or autoscaling".into());
        }
        if self.colocated && (db.shards > 1 || db.replicas > 0) {
            return Err("a database on the web server has no shards or replicas of its own".into());
        }
        if self.balance.is_none() && (self.web.servers > 1 || self.autoscale.is_some()) {
            return Err(
                "without a load balancer, users reach only one web server: add a load balancer to use more".into(),
            );
        }
        if self.cache.is_some_and(|c| c.1 == 0) || self.cdn_objects == Some(0) {
            return Err("a cache needs room for at least one entry".into());
        }
        let expected = t.expected_requests();
        #[allow(clippy::cast_precision_loss)]
        if expected > self.request_budget() {
            return Err(format!(
                "about {expected:.0} requests in {} s is more than the {:.0} one run simulates (at most {MAX_REQUESTS} requests and {MAX_CALLS} service calls); shorten the run",
                t.seconds,
                self.request_budget()
            ));
        }
        Ok(())
    }
}

impl Default for Traffic {
    /// A thousand users in one region, 100 requests a day each, at the evening peak (01:00 UTC
    /// is 20:00 in US East), for a minute.
    fn default() -> Self {
        Self {
            users: 1_000,
            regions: 1,
            per_user_per_day: 100,
            peak_centi: 200,
            hour: 1,
            seconds: 60,
            mix: [65, 30, 3, 2],
            spike: None,
            keys: 100_000,
            alpha_centi: 90,
            objects: 10_000,
        }
    }
}

impl Default for Work {
    /// Service times of a typical web stack: 2 ms to send a static file, 5 ms to render a page,
    /// 20 ms to check a password hash, 0.3 ms for a cache lookup, 2 and 5 ms for a database
    /// read and write, 10 ms per service call, 50 ms of follow-up work per write.
    fn default() -> Self {
        Self {
            web_us: [2_000, 5_000, 8_000, 20_000],
            cache_us: 300,
            db_read_us: 2_000,
            db_write_us: 5_000,
            service_us: 10_000,
            follow_up_us: 50_000,
            slow_ppm: 0,
            slow_us: 1_000_000,
        }
    }
}

impl Default for Client {
    /// A one-second timeout, two retries with jittered backoff from 100 ms, no other protection.
    fn default() -> Self {
        Self {
            timeout_ms: 1_000,
            retries: 2,
            backoff: Backoff::Jitter,
            backoff_ms: 100,
            breaker: false,
            queue_limit: 0,
            coalesce: false,
            hedge: false,
        }
    }
}

impl Default for Design {
    /// The first step: one server with eight workers runs the application and the database.
    fn default() -> Self {
        Self {
            traffic: Traffic::default(),
            colocated: true,
            web: Pool { servers: 1, workers: 8 },
            balance: None,
            sessions: Sessions::Shared,
            autoscale: None,
            cdn_objects: None,
            cache: None,
            services: None,
            bus: None,
            db: Database {
                shards: 1,
                replicas: 0,
                workers: 8,
                lag_ms: 100,
                read_your_writes: false,
                shard_by_key: true,
            },
            dcs: 1,
            active_active: false,
            client: Client::default(),
            work: Work::default(),
            fault: (Fault::None, 30),
            failover_s: 10,
            seed: 42,
        }
    }
}
