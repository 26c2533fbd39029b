//! The servers: each a FIFO queue in front of `c` workers, with the time integrals the report
//! is computed from, and the circuit breakers in front of the back ends.

use super::{Ev, Job, Sim, Why, BREAKER_CALLS, BREAKER_OPEN_S, DB, HEDGE, LEADER, NONE, SLOWDOWN, US};
use crate::system::report::Tier;
use std::collections::VecDeque;

/// A server: workers, a FIFO queue, and the integrals the report is computed from.
#[derive(Debug)]
pub(super) struct Station {
    pub(super) tier: Tier,
    pub(super) dc: u8,
    pub(super) workers: u32,
    pub(super) busy: u32,
    pub(super) queue: VecDeque<Job>,
    pub(super) up: bool,
    /// When it started taking work (`u64::MAX` while a new server warms up).
    pub(super) born: u64,
    /// When it died, if it did.
    pub(super) died: u64,
    pub(super) last: u64,
    pub(super) busy_area: u64,
    pub(super) queue_area: u64,
    /// The two areas when arrivals ended.
    pub(super) window: Option<(u64, u64)>,
    /// The busy area at the autoscaler's last decision…
    pub(super) scale_mark: u64,
    /// …and at the last second's end.
    pub(super) tick_busy: u64,
    pub(super) arrivals: u64,
    pub(super) admitted: u64,
    pub(super) shed: u64,
    pub(super) failed: u64,
    pub(super) wasted: u64,
    pub(super) left: u64,
    pub(super) wait_sum: u64,
    pub(super) service_sum: u64,
    pub(super) started: u64,
    pub(super) sojourn_sum: u64,
    pub(super) queue_max: u64,
}
impl Station {
    pub(super) fn new(tier: Tier, dc: u8, workers: u32, born: u64) -> Self {
        Self {
            tier,
            dc,
            workers,
            busy: 0,
            queue: VecDeque::new(),
            up: true,
            born,
            died: u64::MAX,
            last: born,
            busy_area: 0,
            queue_area: 0,
            window: None,
            scale_mark: 0,
            tick_busy: 0,
            arrivals: 0,
            admitted: 0,
            shed: 0,
            failed: 0,
            wasted: 0,
            left: 0,
            wait_sum: 0,
            service_sum: 0,
            started: 0,
            sojourn_sum: 0,
            queue_max: 0,
        }
    }

    /// Brings the time integrals up to `now`.
    pub(super) fn touch(&mut self, now: u64) {
        let dt = now.saturating_sub(self.last);
        self.busy_area += u64::from(self.busy) * dt;
        self.queue_area += self.queue.len() as u64 * dt;
        self.last = now;
    }
}
/// A circuit breaker in front of one back end of one datacenter.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Breaker {
    pub(super) open_until: u64,
    pub(super) second: u64,
    pub(super) calls: u32,
    pub(super) fails: u32,
}
impl Breaker {
    pub(super) fn record(&mut self, now: u64, ok: bool) {
        if self.second != now / US {
            self.second = now / US;
            self.calls = 0;
            self.fails = 0;
        }
        self.calls += 1;
        self.fails += u32::from(!ok);
        if self.calls >= BREAKER_CALLS && self.fails * 2 >= self.calls {
            self.open_until = now + BREAKER_OPEN_S * US;
            self.calls = 0;
            self.fails = 0;
        }
    }
}

impl Sim {
    /// Sends a visit to a server, at once or after a network delay.
    pub(super) fn dispatch(&mut self, st: u32, job: Job, delay: u64) {
        if job.req != NONE && job.part & HEDGE == 0 {
            self.reqs[job.req as usize].at = self.stations[st as usize].tier as u8;
        }
        if delay == 0 {
            self.arrive(st, job);
        } else {
            self.push(self.now + delay, Ev::Visit(st, job));
        }
    }

    pub(super) fn arrive(&mut self, st: u32, mut job: Job) {
        job.arrived = self.now;
        let limit = self.d.client.queue_limit as usize;
        let tier = self.stations[st as usize].tier;
        self.tier_second(tier).arrivals += 1;
        let s = &mut self.stations[st as usize];
        s.arrivals += 1;
        if !s.up {
            s.failed += 1;
            self.tier_second(tier).failed += 1;
            self.fail_job(st, job, Why::Down);
            return;
        }
        if limit > 0 && s.busy == s.workers && s.queue.len() >= limit {
            s.shed += 1;
            self.tier_second(tier).failed += 1;
            self.fail_job(st, job, Why::Shed);
            return;
        }
        s.touch(self.now);
        s.admitted += 1;
        if s.busy < s.workers {
            self.begin(st, job);
        } else {
            s.queue.push_back(job);
            s.queue_max = s.queue_max.max(s.queue.len() as u64);
        }
    }

    /// A worker takes `job`.
    pub(super) fn begin(&mut self, st: u32, job: Job) {
        let slow = job.part & DB != 0 && self.now < self.slow_until;
        let service = u64::from(job.service) * if slow { u64::from(SLOWDOWN.1) } else { 1 };
        let s = &mut self.stations[st as usize];
        s.busy += 1;
        s.started += 1;
        s.wait_sum += self.now - job.arrived;
        s.service_sum += service;
        self.push(self.now + service, Ev::Done(st, job));
    }

    /// A worker finishes `job` (or, on a dead server, the job is lost).
    pub(super) fn depart(&mut self, st: u32, job: Job) {
        let now = self.now;
        let s = &mut self.stations[st as usize];
        s.touch(now);
        s.busy -= 1;
        s.left += 1;
        s.sojourn_sum += now - job.arrived;
        let tier = s.tier;
        if !s.up {
            s.failed += 1;
            self.tier_second(tier).failed += 1;
            self.fail_job(st, job, Why::Down);
            return;
        }
        if let Some(next) = s.queue.pop_front() {
            self.begin(st, next);
        }
        self.tier_hist[tier as usize].record(now - job.arrived);
        self.job_done(st, job);
    }

    /// A visit failed: its attempt fails, if it is still the current one.
    pub(super) fn fail_job(&mut self, st: u32, job: Job, why: Why) {
        if job.req == NONE {
            return;
        }
        if job.part & LEADER != 0 {
            self.release(job, false);
        }
        if job.part & HEDGE == 0 && self.current(job.req, job.gen) && self.reqs[job.req as usize].step == job.step {
            self.breaker(st, job.req, false);
            self.fail_attempt(job.req, why);
        }
    }

    /// Records a call's outcome in the breaker of its back end, if it has one.
    pub(super) fn breaker(&mut self, st: u32, r: u32, ok: bool) {
        if !self.d.client.breaker {
            return;
        }
        let which = match self.stations[st as usize].tier {
            Tier::Primary | Tier::Replica => 0,
            Tier::Services => 1,
            _ => return,
        };
        let dc = self.reqs[r as usize].dc as usize;
        self.dcs[dc].breakers[which].record(self.now, ok);
    }

    /// Whether the breaker in front of a back end (0: database, 1: services) refuses calls.
    pub(super) fn broken(&self, dc: usize, which: usize) -> bool {
        self.d.client.breaker && self.now < self.dcs[dc].breakers[which].open_until
    }
}
