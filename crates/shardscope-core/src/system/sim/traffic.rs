//! The traffic: each region's daily curve, a spike, and the Poisson arrivals it gives, and the
//! routing that sends a region's users to a datacenter.

use super::{Ev, Req, Sim, AT_NONE, NONE, US};
use crate::hash::unit_interval;
use crate::system::design::{Kind, Traffic};

/// The daily curve's concentration κ, so that the von Mises shape `e^(κ·cos θ) / I₀(κ)` (mean 1
/// over a day) peaks at `peak` times the mean.
fn concentration(peak: f64) -> f64 {
    let ratio = |k: f64| libm::exp(k) / bessel_i0(k);
    let (mut lo, mut hi) = (0.0, 30.0);
    for _ in 0..100 {
        let mid = f64::midpoint(lo, hi);
        if ratio(mid) < peak {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The modified Bessel function I₀ by its power series, which converges for every argument.
fn bessel_i0(x: f64) -> f64 {
    let (mut term, mut sum) = (1.0, 1.0);
    for m in 1..200 {
        let f = x / 2.0 / f64::from(m);
        term *= f * f;
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

/// Each region's offset from UTC, in hours, and the local hour of the daily peak.
const UTC_OFFSET: [f64; 3] = [-5.0, 1.0, 8.0];
const PEAK_HOUR: f64 = 20.0;

/// The daily curve's factor at `utc_hours` in region `r`, mean 1 over a day.
fn daily(kappa: f64, r: usize, utc_hours: f64) -> f64 {
    let local = utc_hours + UTC_OFFSET[r];
    let theta = std::f64::consts::TAU * (local - PEAK_HOUR) / 24.0;
    libm::exp(kappa * libm::cos(theta)) / bessel_i0(kappa)
}

/// Each second's arrival rate in each region, per second.
pub(super) fn rates(t: &Traffic) -> Vec<[f64; 3]> {
    let kappa = concentration(f64::from(t.peak_centi) / 100.0);
    #[allow(clippy::cast_precision_loss)]
    let per_region = t.users as f64 / f64::from(t.regions) * f64::from(t.per_user_per_day) / 86_400.0;
    (0..t.seconds)
        .map(|s| {
            let spike = t
                .spike
                .filter(|k| (k.at_s..k.at_s.saturating_add(k.seconds)).contains(&s))
                .map_or(1.0, |k| f64::from(k.factor));
            let hours = f64::from(t.hour) + (f64::from(s) + 0.5) / 3_600.0;
            let mut r = [0.0; 3];
            for (i, x) in r.iter_mut().enumerate().take(t.regions as usize) {
                *x = per_region * daily(kappa, i, hours) * spike;
            }
            r
        })
        .collect()
}

impl Sim {
    /// Starts a new request and schedules the next arrival.
    pub(super) fn arrival(&mut self) {
        let t = self.d.traffic;
        if self.now < self.arrivals_end {
            let s = usize::try_from(self.now / US).expect("hours at most");
            let rates = self.rates[s];
            let total: f64 = rates.iter().sum();
            let mut u = unit_interval(self.rng.next_u64()) * total;
            let mut region = 0;
            while region + 1 < t.regions as usize && u >= rates[region] {
                u -= rates[region];
                region += 1;
            }
            let pick = self.rng.below(100);
            let mut acc = 0;
            let mut kind = Kind::Login;
            for (k, &share) in Kind::ALL.iter().zip(&t.mix) {
                acc += u64::from(share);
                if pick < acc {
                    kind = *k;
                    break;
                }
            }
            let per_region = (t.users / u64::from(t.regions)).max(1);
            let user = u64::from(u32::try_from(region).expect("< 3")) * per_region + self.rng.below(per_region);
            let key = if kind == Kind::Static {
                self.objects.sample(self.rng.next_u64())
            } else {
                self.keys.sample(self.rng.next_u64())
            };
            let r = self.alloc(Req {
                kind,
                region: u8::try_from(region).expect("< 3"),
                dc: 0,
                attempt: 0,
                step: 0,
                hit: false,
                live: true,
                gen: 0,
                pending: 0,
                key,
                user: u32::try_from(user).expect("users ≤ 10^7"),
                web: NONE,
                fan: 0,
                t0: self.now,
                ta: self.now,
                tf: 0,
                rtt: 0,
                at: AT_NONE,
            });
            self.out.requests += 1;
            self.second().started += 1;
            self.start_attempt(r);
        }
        // The next arrival: exponential gaps at the current second's rate, restarting at each
        // second's boundary (the process is memoryless, so this is exact for piecewise-constant
        // rates).
        let mut at = self.now;
        while at < self.arrivals_end {
            let s = usize::try_from(at / US).expect("hours at most");
            let rate: f64 = self.rates[s].iter().sum();
            let boundary = (at / US + 1) * US;
            if rate > 0.0 {
                let gap = -libm::log(unit_interval(self.rng.next_u64())) / rate * 1e6;
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let next = at + (gap.min(1e12) as u64).max(1);
                if next < boundary {
                    self.push(next, Ev::Arrival);
                    return;
                }
            }
            at = boundary;
        }
    }

    /// Where routing sends a region's users now.
    pub(super) fn route(&self, region: usize) -> usize {
        self.d.route(region, |i| self.dcs[i].routable)
    }
}
