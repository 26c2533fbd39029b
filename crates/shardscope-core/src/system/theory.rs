//! What queueing theory predicts for the simulated tiers: M/M/c waiting (Erlang C), Little's
//! law and the fan-out tail of Dean and Barroso's "The Tail at Scale" (CACM 56(2), 2013).
//!
//! The simulation's service times are exponential, so a server with `c` workers fed a Poisson
//! stream is exactly an M/M/c queue; the lab shows each tier's measured wait beside
//! [`mmc`]'s, and the tests check them within 2 % for ρ ≤ 0.9.

use serde::{Deserialize, Serialize};

/// An M/M/c queue's steady state.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mmc {
    /// Utilization ρ = λ / (c·μ).
    pub rho: f64,
    /// The probability that an arrival waits, Erlang's C formula.
    pub wait_probability: f64,
    /// The mean wait in the queue, `W_q = C / (c·μ − λ)`, in the unit of the service time.
    pub wait: f64,
    /// The mean time in the system, `W = W_q + 1/μ`.
    pub sojourn: f64,
    /// The mean number waiting, `L_q = λ·W_q` (Little's law).
    pub queue: f64,
}

/// The M/M/c steady state for arrival rate `lambda`, mean service time `service` (so μ =
/// 1/`service`) and `c` workers; `None` when the queue is unstable (ρ ≥ 1) or an input is not
/// positive.
///
/// Erlang B is computed by its recursion `B(k) = a·B(k−1) / (k + a·B(k−1))`, which never forms
/// `a^c / c!` and so stays exact for thousands of workers; then `C = c·B / (c − a·(1 − B))`.
///
/// ```
/// use shardscope_core::system::theory::mmc;
/// // M/M/1 at ρ = 0.5 with a mean service of 1: W_q = ρ/(μ − λ) = 1.
/// let q = mmc(0.5, 1.0, 1).unwrap();
/// assert!((q.wait - 1.0).abs() < 1e-12 && (q.wait_probability - 0.5).abs() < 1e-12);
/// // Two workers at the same ρ wait far less: C(2, 1) = 1/3, W_q = (1/3)/(2 − 1).
/// assert!((mmc(1.0, 1.0, 2).unwrap().wait - 1.0 / 3.0).abs() < 1e-12);
/// assert!(mmc(1.0, 1.0, 1).is_none());
/// ```
#[must_use]
pub fn mmc(lambda: f64, service: f64, c: u32) -> Option<Mmc> {
    if !(lambda > 0.0 && service > 0.0 && c > 0) {
        return None;
    }
    let a = lambda * service;
    let servers = f64::from(c);
    let rho = a / servers;
    if rho >= 1.0 {
        return None;
    }
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let wait_probability = servers * b / (servers - a * (1.0 - b));
    let wait = wait_probability / (servers / service - lambda);
    Some(Mmc {
        rho,
        wait_probability,
        wait,
        sojourn: wait + service,
        queue: lambda * wait,
    })
}

/// The share of requests that are slow when each waits for `k` calls and each call is slow with
/// probability `p`, independently: `1 − (1 − p)^k`.
///
/// ```
/// use shardscope_core::system::theory::slow_share;
/// // The Tail at Scale's two examples: 1 in 100 slow, 100-way fan-out: 63 % of requests;
/// assert!((slow_share(0.01, 100) - 0.634).abs() < 1e-3);
/// // 1 in 10,000 across 2,000 servers: almost one in five.
/// assert!((slow_share(1e-4, 2_000) - 0.181).abs() < 1e-3);
/// ```
#[must_use]
pub fn slow_share(p: f64, k: u32) -> f64 {
    1.0 - libm::pow(1.0 - p, f64::from(k))
}

/// The mean of the largest of `k` independent exponential times of mean `mean`: `mean·H_k`,
/// where `H_k` is the k-th harmonic number; what a fan-out of `k` calls to idle servers waits
/// for.
///
/// ```
/// use shardscope_core::system::theory::max_of_exponentials;
/// assert_eq!(max_of_exponentials(2.0, 1), 2.0);
/// assert!((max_of_exponentials(1.0, 2) - 1.5).abs() < 1e-12);
/// ```
#[must_use]
pub fn max_of_exponentials(mean: f64, k: u32) -> f64 {
    mean * (1..=k).map(|i| 1.0 / f64::from(i)).sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_the_textbook_values() {
        // a = 2 Erlangs on 3 workers: Erlang B is (4/3)/(1 + 2 + 2 + 4/3) = 4/19, so C = 4/9.
        let q = mmc(2.0, 1.0, 3).unwrap();
        assert!((q.wait_probability - 4.0 / 9.0).abs() < 1e-12, "{q:?}");
        assert!((q.wait - 4.0 / 9.0).abs() < 1e-12);
        // Many workers at moderate load rarely wait, and the recursion does not overflow.
        let big = mmc(900.0, 1.0, 1_000).unwrap();
        assert!(big.wait_probability > 0.0 && big.wait_probability < 0.01, "{big:?}");
    }

    #[test]
    fn mm1_is_the_special_case() {
        for rho in [0.1, 0.5, 0.9, 0.99] {
            let q = mmc(rho, 1.0, 1).unwrap();
            assert!((q.wait - rho / (1.0 - rho)).abs() < 1e-9, "{rho}");
            assert!((q.queue - rho * rho / (1.0 - rho)).abs() < 1e-9);
        }
    }
}
