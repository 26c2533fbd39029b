//! The run second by second: each second's p99, web servers and bus backlog, and each tier's
//! arrivals, failures, timeouts, queue and utilization, which the lab plays back as the
//! architecture over time.

use super::{Ev, Histogram, Sim, US};
use crate::system::report::{Tier, TierSecond};

#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)] // A share in [0, 1].
fn share(busy: u64, capacity: u64) -> f32 {
    (busy as f64 / capacity as f64) as f32
}

impl Sim {
    /// The current second of `tier`, created on first use.
    pub(super) fn tier_second(&mut self, tier: Tier) -> &mut TierSecond {
        let s = usize::try_from(self.now / US).expect("a run of at most hours");
        let seconds = &mut self.tier_seconds[tier as usize];
        if seconds.len() <= s {
            seconds.resize(s + 1, TierSecond::default());
        }
        &mut seconds[s]
    }

    /// Closes the second that just ended and schedules the next while anything is left to run.
    pub(super) fn tick(&mut self) {
        if self.now > 0 {
            let p99 = self.second_hist.quantile(0.99);
            let web = self.live_web();
            let bus: usize = self
                .dcs
                .iter()
                .filter_map(|d| d.bus)
                .map(|b| self.stations[b as usize].queue.len())
                .sum();
            let s = self.second_at(self.now / US - 1);
            #[allow(clippy::cast_possible_truncation)] // A latency in ms fits an f32's range.
            {
                s.p99 = (p99 / 1_000.0) as f32;
            }
            s.web = web;
            s.bus_depth = u32::try_from(bus).unwrap_or(u32::MAX);
            self.second_hist = Histogram::new();
            self.close_tiers(self.now - US);
        }
        if !self.queue.is_empty() {
            self.push(self.now + US, Ev::Tick);
        }
    }

    /// Each tier's utilization, busiest server and queue from `from` to now, written into the
    /// second `from` falls in. A server counts while it is in service: from its warm-up's end
    /// (or the second's start) to its death (or now); a dead server's last jobs finishing count
    /// for nothing, as they hold no capacity.
    pub(super) fn close_tiers(&mut self, from: u64) {
        let now = self.now;
        let mut sums = [(0u64, 0u64, 0.0f32, 0u64); Tier::ALL.len()];
        let mut present = [false; Tier::ALL.len()];
        for st in &mut self.stations {
            st.touch(now);
            let busy = st.busy_area - st.tick_busy;
            st.tick_busy = st.busy_area;
            let t = st.tier as usize;
            present[t] = true;
            let start = from.max(st.born);
            let end = if st.up { now } else { now.min(st.died) };
            let capacity = u64::from(st.workers) * end.saturating_sub(start);
            let sum = &mut sums[t];
            sum.3 += st.queue.len() as u64;
            if capacity == 0 {
                continue;
            }
            sum.0 += busy;
            sum.1 += capacity;
            sum.2 = sum.2.max(share(busy, capacity));
        }
        let second = usize::try_from(from / US).expect("a run of at most hours");
        for (t, &(busy, capacity, hottest, queue)) in sums.iter().enumerate() {
            if !present[t] {
                continue;
            }
            let seconds = &mut self.tier_seconds[t];
            if seconds.len() <= second {
                seconds.resize(second + 1, TierSecond::default());
            }
            let s = &mut seconds[second];
            s.utilization = if capacity == 0 { 0.0 } else { share(busy, capacity) };
            s.hottest = hottest;
            s.queue = u32::try_from(queue).unwrap_or(u32::MAX);
        }
    }
}
