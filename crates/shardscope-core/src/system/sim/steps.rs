//! What each kind of request does, step by step: the web server, the session, the services'
//! fan-out, the cache, the database, the cache fill and the follow-up work.

use super::{exponential, ms, Ev, Job, Sim, Why, AT_NONE, DB, FILLS, HEDGE, LEADER, NONE, PART, REPLICA, RTT_MS};
use crate::cache::Cache;
use crate::hash::hash_u64;
use crate::system::design::{Balance, Kind};
use crate::system::report::Tier;

/// One step of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// The web server's own work.
    Web,
    /// Reading the session from the shared store.
    Session,
    /// The services' fan-out.
    Services,
    /// Looking the key up in the cache.
    Cache,
    /// The database read (after a miss) or write.
    Db,
    /// Putting what the database answered (or the written value) in the cache.
    Fill,
    /// A write's follow-up work, on the web server or handed to the bus.
    FollowUp,
    /// A login writes the new session.
    Login,
}

const STATIC: &[Step] = &[Step::Web];
const READ: &[Step] = &[
    Step::Web,
    Step::Session,
    Step::Services,
    Step::Cache,
    Step::Db,
    Step::Fill,
];
const WRITE: &[Step] = &[
    Step::Web,
    Step::Session,
    Step::Services,
    Step::Db,
    Step::Fill,
    Step::FollowUp,
];
const LOGIN: &[Step] = &[Step::Web, Step::Login];

fn plan(kind: Kind) -> &'static [Step] {
    match kind {
        Kind::Static => STATIC,
        Kind::Read => READ,
        Kind::Write => WRITE,
        Kind::Login => LOGIN,
    }
}

impl Sim {
    /// Runs the request's steps from its current one until one waits for a server, or it ends.
    pub(super) fn proceed(&mut self, r: u32) {
        loop {
            let q = self.reqs[r as usize];
            let steps = plan(q.kind);
            let Some(&step) = steps.get(q.step as usize) else {
                self.complete(r);
                return;
            };
            if self.visit(r, step) {
                return;
            }
            self.reqs[r as usize].step += 1;
        }
    }

    fn job(&self, r: u32, part: u32, service: u32) -> Job {
        let q = &self.reqs[r as usize];
        Job {
            req: r,
            gen: q.gen,
            part,
            service,
            key: q.key,
            step: q.step,
            arrived: self.now,
        }
    }

    /// The shard a key (or, when sharding by user, the user) lives on.
    fn shard(&self, r: u32, by_user: bool) -> usize {
        let q = &self.reqs[r as usize];
        let n = u64::from(self.d.db.shards);
        let x = if by_user || !self.d.db.shard_by_key {
            u64::from(q.user) | 1 << 40
        } else {
            u64::from(q.key)
        };
        usize::try_from(hash_u64(self.d.seed ^ 0x5ba2_d000, x) % n).expect("shards ≤ 1000")
    }

    /// The cache node of a key (or a user's session) and its local number there.
    fn cache_node(&self, dc: usize, x: u32) -> (usize, u32) {
        let n = u32::try_from(self.dcs[dc].cache.len()).expect("few nodes");
        ((x % n) as usize, x / n)
    }

    /// Starts `step` for request `r`; returns whether it now waits (a visit, or a failure that
    /// ended the attempt), or `false` when the step does not apply and the next one follows.
    fn visit(&mut self, r: u32, step: Step) -> bool {
        let q = self.reqs[r as usize];
        let dc = q.dc as usize;
        let w = self.d.work;
        let cached = !self.dcs[dc].cache.is_empty();
        match step {
            Step::Web => {
                let Some(st) = self.pick_web(r) else {
                    self.fail_attempt(r, Why::Down);
                    return true;
                };
                self.reqs[r as usize].web = st;
                let service = exponential(&mut self.rng, w.web_us[q.kind as usize]);
                let job = self.job(r, 0, service);
                self.dispatch(st, job, 0);
                true
            }
            Step::Session | Step::Login => {
                if self.d.colocated || !self.d.sessions.shared() {
                    return false;
                }
                if cached {
                    let (node, _) = self.cache_node(dc, q.user);
                    let st = self.dcs[dc].cache[node];
                    let service = exponential(&mut self.rng, w.cache_us);
                    let job = self.job(r, 0, service);
                    self.dispatch(st, job, 0);
                    true
                } else {
                    let write = step == Step::Login;
                    self.database(r, self.shard(r, true), write, false)
                }
            }
            Step::Services => self.fan_out(r, dc),
            Step::Cache => {
                if !cached {
                    return false;
                }
                let (node, _) = self.cache_node(dc, q.key);
                let st = self.dcs[dc].cache[node];
                let service = exponential(&mut self.rng, w.cache_us);
                let job = self.job(r, 0, service);
                self.dispatch(st, job, 0);
                true
            }
            Step::Db => {
                if q.kind == Kind::Read && q.hit {
                    return false;
                }
                let write = q.kind == Kind::Write;
                if !write && cached && self.d.client.coalesce {
                    return self.coalesced_read(r);
                }
                self.database(r, self.shard(r, false), write, false)
            }
            Step::Fill => {
                if !cached || (q.kind == Kind::Read && q.hit) {
                    return false;
                }
                let (node, _) = self.cache_node(dc, q.key);
                let st = self.dcs[dc].cache[node];
                let service = exponential(&mut self.rng, w.cache_us);
                let job = self.job(r, 0, service);
                self.dispatch(st, job, 0);
                true
            }
            Step::FollowUp => {
                let service = exponential(&mut self.rng, w.follow_up_us);
                if let Some(bus) = self.dcs[dc].bus {
                    let job = Job {
                        req: NONE,
                        gen: 0,
                        part: 0,
                        service,
                        key: 0,
                        step: 0,
                        arrived: self.now,
                    };
                    if !self.stations[bus as usize].up {
                        self.fail_attempt(r, Why::Down);
                        return true;
                    }
                    self.dispatch(bus, job, 0);
                    return false;
                }
                let job = self.job(r, 0, service);
                self.dispatch(q.web, job, 0);
                true
            }
        }
    }

    /// A read after a cache miss when misses are coalesced: it waits for the read already in
    /// flight for its key in its datacenter, or makes that read itself.
    fn coalesced_read(&mut self, r: u32) -> bool {
        let q = self.reqs[r as usize];
        let id = u64::from(q.dc) << 32 | u64::from(q.key);
        if let Some((at, waiters)) = self.inflight.get_mut(&id) {
            waiters.push((r, q.gen));
            // It waits on the database server its leader's read went to.
            self.reqs[r as usize].at = *at;
            self.coalesced += 1;
            return true;
        }
        self.inflight.insert(id, (AT_NONE, Vec::new()));
        let waits = self.database(r, self.shard(r, false), false, true);
        if let Some(entry) = self.inflight.get_mut(&id) {
            entry.0 = self.reqs[r as usize].at;
        }
        waits
    }

    /// Calls `k` services at once (consecutive servers from a random one); with hedging, a
    /// second round of calls follows after the calls' 95th percentile.
    fn fan_out(&mut self, r: u32, dc: usize) -> bool {
        let Some((pool, k)) = self.d.services else {
            return false;
        };
        if self.broken(dc, 1) {
            self.fail_attempt(r, Why::Broken);
            return true;
        }
        let first = u32::try_from(self.rng.below(u64::from(pool.servers))).expect("< servers");
        {
            let q = &mut self.reqs[r as usize];
            q.pending = k;
            q.fan = first;
            q.tf = self.now;
        }
        let words = self.mask_words();
        self.masks[r as usize * words..(r as usize + 1) * words].fill(0);
        for i in 0..k {
            let st = self.dcs[dc].services[((first + i) % pool.servers) as usize];
            let service = self.service_call();
            let job = self.job(r, i, service);
            self.fanout.calls += 1;
            self.dispatch(st, job, 0);
            if !self.current(r, job.gen) {
                return true;
            }
        }
        if self.d.client.hedge {
            if let Some(delay) = self.hedge_delay {
                let gen = self.reqs[r as usize].gen;
                self.push(self.now + delay, Ev::Hedge(r, gen));
            }
        }
        true
    }

    /// A service call's time: exponential, plus the slow time with the slow-call probability.
    fn service_call(&mut self) -> u32 {
        let w = self.d.work;
        let base = exponential(&mut self.rng, w.service_us);
        if w.slow_ppm > 0 && self.rng.below(1_000_000) < u64::from(w.slow_ppm) {
            base.saturating_add(w.slow_us)
        } else {
            base
        }
    }

    /// Sends a database read or write: writes (and reads of keys written within the lag, with
    /// read-your-writes) to the shard's primary, other reads to a replica here if there is one.
    fn database(&mut self, r: u32, shard: usize, write: bool, leader: bool) -> bool {
        let q = self.reqs[r as usize];
        let dc = q.dc as usize;
        let coalesce = LEADER | u32::from(q.dc);
        if self.broken(dc, 0) {
            if leader {
                self.release(self.job(r, coalesce, 0), false);
            }
            self.fail_attempt(r, Why::Broken);
            return true;
        }
        let db = self.d.db;
        let recent = self.last_write[q.key as usize]
            .checked_add(ms(db.lag_ms))
            .is_some_and(|until| until > self.now);
        let replicas = self.dcs[dc].replicas.get(shard).map_or(&[][..], Vec::as_slice);
        let (st, part) = if write || replicas.is_empty() || (db.read_your_writes && recent) {
            (self.primaries[shard], DB)
        } else {
            let i = index(self.rng.below(replicas.len() as u64));
            (replicas[i], DB | REPLICA)
        };
        // A read after a cache miss names its datacenter, whose cache its answer fills.
        let fills = !write
            && q.kind == Kind::Read
            && plan(q.kind)[q.step as usize] == Step::Db
            && !self.dcs[dc].cache.is_empty();
        let part = part | if leader { coalesce } else { 0 } | if fills { FILLS | u32::from(q.dc) } else { 0 };
        let delay = ms(RTT_MS[dc][self.stations[st as usize].dc as usize]);
        let mean = if write {
            self.d.work.db_write_us
        } else {
            self.d.work.db_read_us
        };
        let service = exponential(&mut self.rng, mean);
        let job = self.job(r, part, service);
        self.dispatch(st, job, delay);
        true
    }

    /// The load balancer's choice among the web servers routing can reach here.
    fn pick_web(&mut self, r: u32) -> Option<u32> {
        let req = self.reqs[r as usize];
        let dc = &self.dcs[req.dc as usize];
        let n = dc.live.len() as u64;
        if n == 0 {
            return None;
        }
        let Some(balance) = self.d.balance else {
            return Some(dc.live[0]);
        };
        if !self.d.sessions.shared() && req.kind != Kind::Static {
            let i = hash_u64(self.d.seed ^ 0x571c_4e00, u64::from(req.user)) % n;
            return Some(dc.live[index(i)]);
        }
        let load = |st: u32| {
            let s = &self.stations[st as usize];
            s.busy as usize + s.queue.len()
        };
        let pick = match balance {
            Balance::RoundRobin => {
                let turn = self.dcs[req.dc as usize].rr;
                self.dcs[req.dc as usize].rr = turn.wrapping_add(1);
                self.dcs[req.dc as usize].live[index(u64::from(turn) % n)]
            }
            Balance::LeastConnections => *dc.live.iter().min_by_key(|&&st| load(st)).expect("not empty"),
            Balance::TwoChoices => {
                let (first, second) = (index(self.rng.below(n)), index(self.rng.below(n)));
                let live = &self.dcs[req.dc as usize].live;
                let (first, second) = (live[first], live[second]);
                if load(second) < load(first) {
                    second
                } else {
                    first
                }
            }
        };
        Some(pick)
    }

    /// Words of a request slot's fan-out mask: one bit a call.
    pub(super) fn mask_words(&self) -> usize {
        self.d.services.map_or(1, |(_, k)| k.div_ceil(64) as usize)
    }

    /// The word and bit of call `i` of request `r` in the fan-out masks.
    fn mask_bit(&self, r: u32, i: u32) -> (usize, u64) {
        (r as usize * self.mask_words() + (i / 64) as usize, 1u64 << (i % 64))
    }

    /// Marks call `i` of request `r` answered; returns whether it already was.
    fn answered(&mut self, r: u32, i: u32) -> bool {
        let (word, bit) = self.mask_bit(r, i);
        let was = self.masks[word] & bit != 0;
        self.masks[word] |= bit;
        was
    }

    /// Whether call `i` of request `r` has answered.
    fn has_answered(&self, r: u32, i: u32) -> bool {
        let (word, bit) = self.mask_bit(r, i);
        self.masks[word] & bit != 0
    }

    /// A server finished a job whose attempt may still be waiting for it.
    pub(super) fn job_done(&mut self, st: u32, job: Job) {
        if job.req == NONE {
            if job.part & FILLS != 0 {
                self.fill(job.part & PART, job.key);
            }
            return;
        }
        let r = job.req;
        if job.part & LEADER != 0 {
            self.release(job, true);
        }
        if !self.current(r, job.gen) || self.reqs[r as usize].step != job.step {
            self.stations[st as usize].wasted += 1;
            if job.part & FILLS != 0 {
                self.orphan_fill(job.part & PART, job.key);
            }
            return;
        }
        let slow = self.now - job.arrived > BREAKER_SLOW_US;
        self.breaker(st, r, !slow);
        let q = self.reqs[r as usize];
        let step = plan(q.kind)[q.step as usize];
        match step {
            Step::Db if q.kind == Kind::Write => self.wrote(r),
            Step::Services => {
                self.note_call();
                if self.answered(r, job.part & PART) {
                    return;
                }
                let q = &mut self.reqs[r as usize];
                q.pending -= 1;
                if q.pending > 0 {
                    return;
                }
                let took = self.now - q.tf;
                self.fanout.requests += 1;
                if took >= u64::from(self.d.work.slow_us) && self.d.work.slow_ppm > 0 {
                    self.fanout.slow += 1;
                }
            }
            Step::Cache => {
                let (node, local) = self.cache_node(q.dc as usize, q.key);
                let lru = &mut self.dcs[q.dc as usize].lru[node];
                let hit = lru.holds(local);
                if hit {
                    lru.access(local);
                }
                self.cache.lookups += 1;
                self.cache.hits += u64::from(hit);
                self.reqs[r as usize].hit = hit;
            }
            Step::Db if job.part & REPLICA != 0 => {
                // The replica answers now with the writes older than the lag. The read is stale
                // if it misses a write made before it reached the replica; a write made while it
                // waited there is one it need not see.
                let k = q.key as usize;
                let before = if self.last_write[k] > job.arrived && self.last_write[k] != u64::MAX {
                    self.prev_write[k]
                } else {
                    self.last_write[k]
                };
                let missed = before != u64::MAX && before + ms(self.d.db.lag_ms) > self.now;
                self.stale_reads += u64::from(missed);
            }
            Step::Fill => self.fill(u32::from(q.dc), q.key),
            _ => {}
        }
        self.reqs[r as usize].step += 1;
        self.proceed(r);
    }

    /// Puts `key` in its cache node in datacenter `dc`.
    fn fill(&mut self, dc: u32, key: u32) {
        let (node, local) = self.cache_node(dc as usize, key);
        self.dcs[dc as usize].lru[node].access(local);
    }

    /// A read after a cache miss answered after its client gave up: the application server
    /// still fills the cache, a visit of its own to the key's cache node that no request waits for.
    fn orphan_fill(&mut self, dc: u32, key: u32) {
        let (node, _) = self.cache_node(dc as usize, key);
        let st = self.dcs[dc as usize].cache[node];
        let service = exponential(&mut self.rng, self.d.work.cache_us);
        let job = Job {
            req: NONE,
            gen: 0,
            part: FILLS | dc,
            service,
            key,
            step: 0,
            arrived: self.now,
        };
        if self.stations[st as usize].up {
            self.dispatch(st, job, 0);
        }
    }

    /// A write reached its primary: replicas will have it after the lag.
    fn wrote(&mut self, r: u32) {
        let key = self.reqs[r as usize].key;
        self.prev_write[key as usize] = self.last_write[key as usize];
        self.last_write[key as usize] = self.now;
        let shard = self.shard(r, false);
        let lag = ms(self.d.db.lag_ms);
        let recent = &mut self.recent_writes[shard];
        while recent.front().is_some_and(|&t| t + lag <= self.now) {
            recent.pop_front();
        }
        recent.push_back(self.now);
    }

    /// The calls' 95th percentile, which hedging waits for, re-read every 1,024 calls.
    fn note_call(&mut self) {
        let h = &self.tier_hist[Tier::Services as usize];
        if h.count() >= 1_024 && h.count().is_multiple_of(1_024) {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let p95 = h.quantile(0.95) as u64;
            self.hedge_delay = Some(p95.max(1));
        }
    }

    /// Sends each of a fan-out's unanswered calls again, to the next server along.
    pub(super) fn hedge(&mut self, r: u32) {
        let q = self.reqs[r as usize];
        let Some((pool, k)) = self.d.services else { return };
        if plan(q.kind).get(q.step as usize) != Some(&Step::Services) || q.pending == 0 {
            return;
        }
        for i in 0..k {
            if self.has_answered(r, i) {
                continue;
            }
            let st = self.dcs[q.dc as usize].services[((q.fan + i + k) % pool.servers) as usize];
            let service = self.service_call();
            let job = self.job(r, i | HEDGE, service);
            self.fanout.hedges += 1;
            self.dispatch(st, job, 0);
            if !self.current(r, job.gen) {
                return;
            }
        }
    }

    /// The database read that coalesced misses waited for is over: each waiter whose attempt is
    /// still current completes (the leader fills the cache), or fails with it.
    pub(super) fn release(&mut self, job: Job, ok: bool) {
        let id = u64::from(job.part & PART) << 32 | u64::from(job.key);
        let Some((_, waiters)) = self.inflight.remove(&id) else {
            return;
        };
        for (w, gen) in waiters {
            if !self.current(w, gen) {
                continue;
            }
            if ok {
                let len = plan(self.reqs[w as usize].kind).len();
                self.reqs[w as usize].step = u8::try_from(len).expect("short plans");
                self.proceed(w);
            } else {
                self.fail_attempt(w, Why::Down);
            }
        }
    }
}

/// An index from a number below a slice's length.
fn index(x: u64) -> usize {
    usize::try_from(x).expect("below a slice's length")
}

/// [`super::BREAKER_SLOW_MS`] in µs.
const BREAKER_SLOW_US: u64 = super::BREAKER_SLOW_MS * 1_000;
