//! What breaks and what mends it: a server's, the cache's, the primary's or a datacenter's
//! loss, a database slowdown, the failover that follows, and the web tier's autoscaler.

use super::{ms, Ev, Job, Sim, Station, Why, SLOWDOWN, US};
use crate::cache::Lru;
use crate::system::design::{Design, Fault};
use crate::system::report::Tier;

impl Sim {
    /// Takes a server out of service: what waits there is lost at once, what is in service when
    /// its time is up.
    pub(super) fn kill(&mut self, st: u32) {
        let s = &mut self.stations[st as usize];
        // The integrals are brought up to now once: the drain below happens at this instant.
        s.touch(self.now);
        s.up = false;
        s.died = self.now;
        let tier = s.tier;
        let lost: Vec<Job> = s.queue.drain(..).collect();
        for job in lost {
            let s = &mut self.stations[st as usize];
            s.failed += 1;
            s.left += 1;
            s.sojourn_sum += self.now - job.arrived;
            self.tier_second(tier).failed += 1;
            self.fail_job(st, job, Why::Down);
        }
    }

    pub(super) fn fault(&mut self) {
        let d = self.d;
        match d.fault.0 {
            Fault::None => {}
            Fault::Server => {
                let st = self.dcs[0].web[0];
                self.kill(st);
            }
            Fault::Flush => {
                for dc in &mut self.dcs {
                    for lru in &mut dc.lru {
                        *lru = Lru::new(lru_capacity(&d), cache_universe(&d));
                    }
                }
            }
            Fault::Primary => {
                self.lose_primaries(|_| true);
            }
            Fault::Datacenter => {
                self.dcs[0].up = false;
                let doomed: Vec<u32> = (0..self.stations.len())
                    .filter(|&i| self.stations[i].dc == 0)
                    .map(|i| u32::try_from(i).expect("few servers"))
                    .collect();
                self.lose_primaries(|s| s.dc == 0);
                for st in doomed {
                    self.kill(st);
                }
            }
            Fault::Slowdown => self.slow_until = self.now + u64::from(SLOWDOWN.0) * US,
        }
        if matches!(d.fault.0, Fault::Server | Fault::Primary | Fault::Datacenter) {
            self.push(self.now + u64::from(d.failover_s) * US, Ev::Recover);
        }
    }

    /// Kills the primaries that `which` picks, counting the acknowledged writes that had not yet
    /// reached a replica (only asynchronous replication loses them; without replicas the
    /// primary's own disk keeps them).
    pub(super) fn lose_primaries(&mut self, which: impl Fn(&Station) -> bool) {
        let lag = ms(self.d.db.lag_ms);
        for shard in 0..self.primaries.len() {
            let st = self.primaries[shard];
            if !which(&self.stations[st as usize]) || !self.stations[st as usize].up {
                continue;
            }
            if self.d.db.replicas > 0 && !self.d.colocated {
                let recent = &self.recent_writes[shard];
                self.lost_writes += recent.iter().filter(|&&t| t + lag > self.now).count() as u64;
            }
            self.kill(st);
        }
    }

    /// The failover completes: the load balancer drops a dead server, routing leaves a dead
    /// datacenter, and each dead primary's shard promotes a live replica (or, without one, its
    /// primary restarts — unless its datacenter is gone).
    pub(super) fn recover(&mut self) {
        for dc in &mut self.dcs {
            let stations = &self.stations;
            dc.live.retain(|&s| stations[s as usize].up);
            if !dc.up {
                dc.routable = false;
            }
        }
        for shard in 0..self.primaries.len() {
            let old = self.primaries[shard] as usize;
            if self.stations[old].up {
                continue;
            }
            let candidate = self.dcs.iter_mut().filter(|d| d.up).find_map(|d| {
                let list = d.replicas.get_mut(shard)?;
                let i = list.iter().position(|&s| self.stations[s as usize].up)?;
                Some(list.remove(i))
            });
            if let Some(st) = candidate {
                let s = &mut self.stations[st as usize];
                s.touch(self.now);
                s.tier = Tier::Primary;
                self.primaries[shard] = st;
            } else if self.dcs[self.stations[old].dc as usize].up {
                let s = &mut self.stations[old];
                s.touch(self.now);
                s.up = true;
            }
        }
    }

    /// The autoscaler's decision for each datacenter's web tier.
    pub(super) fn scale(&mut self) {
        let Some(a) = self.d.autoscale else { return };
        let period = u64::from(a.every_s) * US;
        for i in 0..self.dcs.len() {
            if !self.dcs[i].up {
                continue;
            }
            let live = self.dcs[i].live.clone();
            let (mut busy, mut capacity) = (0u64, 0u64);
            for &st in &live {
                let s = &mut self.stations[st as usize];
                s.touch(self.now);
                busy += s.busy_area - s.scale_mark;
                s.scale_mark = s.busy_area;
                capacity += u64::from(s.workers) * period.min(self.now - s.born);
            }
            let n = u32::try_from(live.len()).expect("few servers");
            #[allow(
                clippy::cast_precision_loss,
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss
            )]
            let desired = if capacity == 0 {
                n
            } else {
                let util = busy as f64 / capacity as f64;
                (f64::from(n) * util * 100.0 / f64::from(a.target_pct)).ceil() as u32
            }
            .clamp(a.min, a.max);
            let warming = self.dcs[i].warming;
            if desired > n + warming {
                for _ in 0..desired - n - warming {
                    let st = self.station(Tier::Web, u32::try_from(i).expect("< 3"), self.d.web.workers);
                    // Not in service until its warm-up ends.
                    self.stations[st as usize].born = u64::MAX;
                    self.dcs[i].web.push(st);
                    self.dcs[i].warming += 1;
                    self.push(self.now + u64::from(a.warmup_s) * US, Ev::Warm(st));
                }
            } else if desired < n {
                // The newest servers stop taking requests and drain what they hold.
                self.dcs[i].live.truncate(desired as usize);
            }
        }
        if self.now + period <= self.arrivals_end {
            self.push(self.now + period, Ev::Scale);
        }
    }
}

/// Each cache node's share of the cache tier's capacity.
pub(super) fn lru_capacity(d: &Design) -> u32 {
    d.cache.map_or(1, |(pool, capacity)| (capacity / pool.servers).max(1))
}

/// The keys one cache node can be asked for: node `i` holds the keys `≡ i` modulo the nodes.
pub(super) fn cache_universe(d: &Design) -> u32 {
    d.cache.map_or(1, |(pool, _)| d.traffic.keys.div_ceil(pool.servers))
}
