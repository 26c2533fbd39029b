//! The TTL-cache model of a CDN tier (Jung, Berger and Balakrishnan, "Modeling TTL-based
//! Internet caches", INFOCOM 2003): the origin's load, the edges' answers and the stale share it
//! predicts, and when it holds.

use super::CdnConfig;
use crate::cache::workload::{probabilities, Popularity};

/// Why the TTL-cache model does not hold for `config`, if it does not: a cache that can evict,
/// purges (which drop copies early), or shields with `stale-while-revalidate` (whose edges
/// revalidate twice a cycle). The one check behind [`ttl_theory`] and the lab's explanation.
#[must_use]
pub fn ttl_model_gap(config: &CdnConfig) -> Option<&'static str> {
    let c = config;
    if c.edge_capacity < c.objects {
        Some("an edge holds fewer objects than there are, so it evicts, which the TTL-cache model leaves out")
    } else if c.shield && c.shield_capacity < c.objects {
        Some("a shield holds fewer objects than there are, so it evicts, which the TTL-cache model leaves out")
    } else if c.purge {
        Some("purges drop copies before they expire, which the TTL-cache model leaves out")
    } else if c.shield && c.swr_s > 0 {
        Some("with shields, stale-while-revalidate makes an edge revalidate twice a cycle, which the model leaves out")
    } else {
        None
    }
}

/// What the TTL-cache model predicts for a run, when it applies (see [`ttl_theory`]).
#[derive(Clone, Debug, PartialEq)]
pub struct TtlTheory {
    /// Requests per second reaching the origin.
    pub origin_rps: f64,
    /// Share of the requests answered at the edge without waiting (fresh or while
    /// revalidating), region by region; `None` with shields, whose `Age` ties an edge's copies
    /// to its shield's.
    pub edge_answered: Option<Vec<f64>>,
    /// Share of the answers that are stale.
    pub stale: f64,
}

/// The TTL-cache model: with caches large enough never to evict and requests for object `i` a
/// Poisson stream of rate λ at a cache, a copy lives `T` (`max-age`) from the request that
/// fetched it, so the cache asks upstream once per cycle of `T + 1/λ` on average: λ/(1 + λT)
/// a second (Jung, Berger and Balakrishnan, "Modeling TTL-based Internet caches", INFOCOM 2003).
/// With shields the cycle is the region's, since an edge's copy expires with its shield's.
/// A change is a Poisson event of rate μ, so a fresh hit, at an age uniform in `(0, T)`, is stale
/// with probability 1 − (1 − e^(−μT))/(μT); a request in the `stale-while-revalidate` window
/// `W`, at age `T + τ`, with τ exponential of rate λ below `W`.
///
/// `None` when the model does not hold, for the reason [`ttl_model_gap`] gives.
#[must_use]
pub fn ttl_theory(config: &CdnConfig) -> Option<TtlTheory> {
    if ttl_model_gap(config).is_some() {
        return None;
    }
    let c = config;
    let popularity = probabilities(
        Popularity::Zipf {
            alpha_centi: c.alpha_centi,
        },
        c.objects,
    );
    let (ttl, window) = (f64::from(c.max_age_s), f64::from(c.swr_s));
    let mu = if c.change_s == 0 {
        0.0
    } else {
        1.0 / f64::from(c.change_s)
    };
    // A fresh hit's chance of being stale: 1 − (1 − e^(−μT))/(μT), which tends to μT/2 for small μT.
    let mt = mu * ttl;
    let stale_hit = if mt < 1e-9 {
        mt / 2.0
    } else {
        1.0 - (1.0 - libm::exp(-mt)) / mt
    };
    let rate = f64::from(c.rate);
    let (mut origin, mut stale) = (0.0, 0.0);
    let mut answered = Vec::new();
    for share in c.region_shares() {
        // With shields one cache per region sees the region's requests; else each edge its part.
        let (caches, per_cache) = if c.shield {
            (1.0, rate * share)
        } else {
            (f64::from(c.edges), rate * share / f64::from(c.edges))
        };
        let mut region_answered = 0.0;
        for &pi in &popularity {
            let lambda = per_cache * pi;
            let cycle = 1.0 + lambda * ttl;
            origin += caches * lambda / cycle;
            let swr_served = 1.0 - libm::exp(-lambda * window);
            let swr_stale =
                swr_served - libm::exp(-mt) * lambda / (lambda + mu) * (1.0 - libm::exp(-(lambda + mu) * window));
            region_answered += pi * (lambda * ttl + swr_served) / cycle;
            stale += share * pi * (lambda * ttl * stale_hit + swr_stale) / cycle;
        }
        answered.push(region_answered);
    }
    Some(TtlTheory {
        origin_rps: origin,
        edge_answered: (!c.shield).then_some(answered),
        stale,
    })
}
