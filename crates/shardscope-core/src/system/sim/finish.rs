//! Turns a finished simulation's integrals and histograms into its report.

use super::{Sim, Station, US};
use crate::cache::theory::{che_lru_hit_ratio, Bins};
use crate::cache::workload::{probabilities, Popularity};
use crate::system::report::{Hits, Little, Second, SystemReport, Tier, TierReport, TierSecond};
use crate::system::theory::{mmc, slow_share};

#[allow(clippy::cast_precision_loss)] // Counts and µs integrals far below 2^52.
fn f(x: u64) -> f64 {
    x as f64
}

fn che(alpha_centi: u32, objects: u32, capacity: u32) -> f64 {
    let bins = Bins::new(&probabilities(Popularity::Zipf { alpha_centi }, objects));
    che_lru_hit_ratio(&bins, f64::from(capacity))
}

impl Sim {
    fn tier_report(&self, tier: Tier, of: &[&Station]) -> TierReport {
        let window = self.arrivals_end;
        let end = self.now.max(1);
        let (mut busy, mut capacity, mut queue, mut hottest) = (0u64, 0u64, 0u64, 0.0f64);
        for s in of {
            let (b, q) = s.window.unwrap_or((s.busy_area, s.queue_area));
            let available = u64::from(s.workers) * window.saturating_sub(s.born);
            busy += b;
            queue += q;
            capacity += available;
            if available > 0 {
                hottest = hottest.max(f(b) / f(available));
            }
        }
        let sum = |g: fn(&Station) -> u64| of.iter().map(|s| g(s)).sum::<u64>();
        let (started, admitted) = (sum(|s| s.started), sum(|s| s.admitted));
        let servers = u32::try_from(of.len()).unwrap_or(u32::MAX);
        let workers = of.first().map_or(0, |s| s.workers);
        let service_mean = if started == 0 {
            0.0
        } else {
            f(sum(|s| s.service_sum)) / f(started)
        };
        let lambda = f(admitted) / f(u64::from(servers.max(1))) / (f(window) / 1e6);
        let area: u64 = of.iter().map(|s| s.busy_area + s.queue_area).sum();
        let left = sum(|s| s.left);
        let seconds = self.tier_seconds[tier as usize].clone();
        TierReport {
            tier,
            // A dead server is not counted (a promoted replica and the primary it replaced
            // are one primary), though its work stays in the tier's numbers.
            servers: if matches!(tier, Tier::Web | Tier::Server) {
                self.web_max
            } else {
                u32::try_from(of.iter().filter(|s| s.up).count()).unwrap_or(u32::MAX)
            },
            workers,
            utilization: if capacity == 0 { 0.0 } else { f(busy) / f(capacity) },
            hottest,
            queue: f(queue) / f(window.max(1)),
            queue_max: of.iter().map(|s| s.queue_max).max().unwrap_or(0),
            arrivals: sum(|s| s.arrivals),
            shed: sum(|s| s.shed),
            failed: sum(|s| s.failed),
            wasted: sum(|s| s.wasted),
            timeouts: seconds.iter().map(|s| u64::from(s.timeouts)).sum(),
            latency: self.tier_hist[tier as usize].percentiles(),
            wait_mean: if started == 0 {
                0.0
            } else {
                f(sum(|s| s.wait_sum)) / f(started) / 1e3
            },
            service_mean: service_mean / 1e3,
            // Service times in µs, rates per µs: the prediction comes back in µs, shown in ms.
            theory: mmc(lambda / 1e6, service_mean, workers).map(|mut q| {
                q.wait /= 1e3;
                q.sojourn /= 1e3;
                q
            }),
            little: Little {
                l: f(area) / f(end),
                lambda_w: if left == 0 {
                    0.0
                } else {
                    f(admitted) / (f(end) / 1e6) * (f(sum(|s| s.sojourn_sum)) / f(left) / 1e6)
                },
            },
            seconds,
        }
    }

    /// The report; call once [`advance`](Sim::advance) has returned `true`.
    #[must_use]
    pub fn finish(&mut self) -> SystemReport {
        let now = self.now;
        let last_tick = now / US * US;
        if now > last_tick {
            self.close_tiers(last_tick);
        }
        for s in &mut self.stations {
            s.touch(now);
        }
        if self.second_hist.count() > 0 {
            let p99 = self.second_hist.quantile(0.99);
            let web = self.live_web();
            let last = self.second();
            #[allow(clippy::cast_possible_truncation)]
            {
                last.p99 = (p99 / 1_000.0) as f32;
            }
            last.web = web;
        }
        // Every tier's seconds line up with the timeline's.
        let len = self
            .tier_seconds
            .iter()
            .map(Vec::len)
            .chain([self.timeline.len()])
            .max()
            .unwrap_or(0);
        self.timeline.resize(len, Second::default());
        for seconds in &mut self.tier_seconds {
            seconds.resize(len, TierSecond::default());
        }
        let tiers: Vec<TierReport> = Tier::ALL
            .iter()
            .filter_map(|&tier| {
                let of: Vec<&Station> = self.stations.iter().filter(|s| s.tier == tier).collect();
                (!of.is_empty()).then(|| self.tier_report(tier, &of))
            })
            .collect();
        let bottleneck = tiers
            .iter()
            .max_by(|a, b| a.hottest.total_cmp(&b.hottest))
            .map(|t| t.tier);
        let t = self.d.traffic;
        let cdn = self.d.cdn_objects.map(|objects| Hits {
            che: che(t.alpha_centi, t.objects, objects),
            ..self.cdn
        });
        let cache = self.d.cache.map(|(_, capacity)| Hits {
            che: che(t.alpha_centi, t.keys, capacity),
            ..self.cache
        });
        let fanout = self.d.services.map(|(_, k)| crate::system::report::Fanout {
            k,
            slow_theory: slow_share(f64::from(self.d.work.slow_ppm) / 1e6, k),
            ..self.fanout
        });
        SystemReport {
            tiers,
            bottleneck,
            outcomes: self.out,
            latency: self.e2e.percentiles(),
            by_kind: self.by_kind.iter().map(super::Histogram::percentiles).collect(),
            rate: self.rates.first().map_or(0.0, |r| r.iter().sum()),
            cdn,
            cache,
            stale_reads: self.stale_reads,
            lost_writes: self.lost_writes,
            coalesced: self.coalesced,
            fanout,
            timeline: std::mem::take(&mut self.timeline),
            events: self.events,
            end_ms: f(now) / 1e3,
        }
    }
}
