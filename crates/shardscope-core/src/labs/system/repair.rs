//! The repairs that bring settings which depend on each other back in range: the request mix,
//! one server's limits, the load balancer, the fan-out, the autoscaler's bounds, the database's
//! size and the run's budget of requests and calls. Each repair says what it changed.

use super::{Db, Field, Lb, Params};
use crate::system::design::{MAX_CALLS, MAX_REQUESTS};

impl Params {
    /// Brings settings that depend on each other back in range, saying what changed.
    pub(super) fn repair(&mut self) -> Vec<String> {
        let mut notes = Vec::new();
        self.repair_shape(&mut notes);
        self.repair_budget(&mut notes);
        notes
    }

    /// The mix, the one server, the load balancer, the fan-out, the autoscaler's bounds and the
    /// database's size.
    fn repair_shape(&mut self, notes: &mut Vec<String>) {
        let mix = [Field::Static, Field::Read, Field::Write, Field::Login];
        let sum: u32 = mix.iter().map(|&f| self.get(f)).sum();
        if sum != 100 {
            let others = sum - self.get(Field::Read);
            if others <= 100 {
                self.put(Field::Read, 100 - others);
                notes.push(format!(
                    "the request mix added up to {sum} %; reads are now {} % so that it adds up to 100 %",
                    100 - others
                ));
            } else {
                for (f, v) in mix.into_iter().zip([65, 30, 3, 2]) {
                    self.put(f, v);
                }
                notes.push(format!("the request mix added up to {sum} %; using 65/30/3/2"));
            }
        }
        if self.db == Db::OnServer {
            let extra = self.get(Field::Web) > 1
                || self.lb != Lb::None
                || self.get(Field::Dcs) > 1
                || self.get(Field::Shards) > 1
                || self.on(Field::Replicas)
                || self.on(Field::Scale);
            if extra {
                notes.push("a database on the web server means one server: no load balancer, autoscaling, shards, replicas or second datacenter".into());
                for (f, v) in [
                    (Field::Web, 1),
                    (Field::Dcs, 1),
                    (Field::Shards, 1),
                    (Field::Replicas, 0),
                    (Field::Scale, 0),
                ] {
                    self.put(f, v);
                }
                self.lb = Lb::None;
            }
        }
        if self.lb == Lb::None && (self.get(Field::Web) > 1 || self.on(Field::Scale)) {
            notes
                .push("without a load balancer users reach only one web server; using one, without autoscaling".into());
            self.put(Field::Web, 1);
            self.put(Field::Scale, 0);
        }
        if self.on(Field::Services) && self.get(Field::Fanout) > self.get(Field::Services) {
            notes.push(format!(
                "a request cannot call {} of {} service servers; calling all {}",
                self.get(Field::Fanout),
                self.get(Field::Services),
                self.get(Field::Services)
            ));
            self.put(Field::Fanout, self.get(Field::Services));
        }
        if self.get(Field::ScaleMin) > self.get(Field::ScaleMax) {
            notes.push(format!(
                "the fewest web servers ({}) is more than the most ({}); the most is now {}",
                self.get(Field::ScaleMin),
                self.get(Field::ScaleMax),
                self.get(Field::ScaleMin)
            ));
            self.put(Field::ScaleMax, self.get(Field::ScaleMin));
        }
        let db_servers = self.get(Field::Shards) * (1 + self.get(Field::Replicas) * self.get(Field::Dcs));
        if db_servers > 10_000 {
            let replicas = (10_000 / self.get(Field::Shards)).saturating_sub(1) / self.get(Field::Dcs);
            notes.push(format!(
                "{db_servers} database servers is more than the 10,000 the lab simulates; using {replicas} replicas per shard"
            ));
            self.put(Field::Replicas, replicas);
        }
    }

    /// The run's budget: a fan-out so wide that one second passes the calls a run may make is
    /// narrowed, then a run that expects more requests than the budget is shortened, its spike
    /// first.
    fn repair_budget(&mut self, notes: &mut Vec<String>) {
        let t = self.design().traffic;
        if self.on(Field::Services) {
            // A fan-out so wide that one second at the peak passes the calls a run may make is
            // narrowed first: a shorter run could not help.
            let per_second = t.peak_rate() * t.calling_share();
            #[allow(
                clippy::cast_precision_loss,
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss
            )]
            let widest = (MAX_CALLS as f64 / per_second.max(1e-9))
                .floor()
                .min(f64::from(u32::MAX)) as u32;
            if self.get(Field::Fanout) > widest.max(1) {
                notes.push(format!(
                    "{} calls per request at {} requests a second is more than the {MAX_CALLS} calls a run simulates; each request now makes {} calls",
                    self.get(Field::Fanout),
                    per_second.round(),
                    widest.max(1)
                ));
                self.put(Field::Fanout, widest.max(1));
            }
        }
        let budget = self.design().request_budget();
        if t.expected_requests() > budget {
            let peak = t.peak_rate();
            let before = t.expected_requests();
            // The spike goes first: a run at the peak must fit on its own.
            let room = (budget / peak - f64::from(t.seconds)).max(0.0);
            let extra = f64::from(t.spike.map_or(1, |k| k.factor) - 1);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let spike = ((room / extra).floor() as u32).min(t.spike_seconds());
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let seconds = ((budget / peak).floor().max(1.0) as u32).min(t.seconds);
            if t.spike.is_some() && spike < t.spike_seconds() {
                self.put(Field::SpikeSeconds, spike);
            }
            if self.design().traffic.expected_requests() > budget {
                self.put(Field::Seconds, seconds);
                self.put(Field::SpikeSeconds, 0);
            }
            notes.push(format!(
                "{} users for {} s is about {before:.0} requests, more than the {budget:.0} a run simulates (at most {MAX_REQUESTS} requests and {MAX_CALLS} service calls); using {} s with a spike of {} s",
                t.users,
                t.seconds,
                self.get(Field::Seconds),
                self.get(Field::SpikeSeconds)
            ));
        }
    }
}
