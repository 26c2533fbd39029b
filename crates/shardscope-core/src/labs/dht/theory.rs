//! What the papers predict beside each number the DHT lab measures.
//!
//! - Chord §6.3: a lookup passes about ½·log2 N nodes on N identifiers.
//! - Kademlia §2.3 (Theorem 1 and after): a lookup contacts O(log N) nodes; its rounds stay at or
//!   below ⌈log2 N⌉ plus a small constant.
//! - Chord §6.2: with r identifiers per node, one node's share of the circle divided by the mean
//!   share follows Gamma(r, 1/r) (the sum of r exponential arcs): an exponential law for r = 1,
//!   narrowing as r grows. For whole r it is the Erlang law, whose distribution function has a
//!   closed form.
//! - Chord §6.4 before repair: with a share `p` of the nodes failed independently, a lookup
//!   cannot reach the key's live successor at least when the key's closest live predecessor has
//!   all `r` successors dead (see [`chord_stranded_share`]).

/// ½·log2 N: Chord's mean path length (§6.3).
#[must_use]
pub fn chord_mean_hops(n: u64) -> f64 {
    0.5 * libm::log2(n.max(1) as f64)
}

/// ⌈log2 N⌉: the order of Kademlia's rounds (§2.3).
#[must_use]
pub fn kademlia_rounds_bound(n: u64) -> u32 {
    u64::BITS - n.max(1).saturating_sub(1).leading_zeros()
}

/// The share of keys whose closest live predecessor holds only dead nodes in its successor list
/// of length `r`, when each node failed independently with chance `p`: `p^r·((r + 1)(1 − p) + p)`.
/// No lookup for such a key reaches its live successor before repair, so this is a lower bound
/// on the lab's misrouted share (lookups also stall at other nodes of their path).
///
/// After a live node the run of dead nodes has length `G`, geometric with `P(G ≥ r) = p^r`; a key
/// falls in the run after a given live node with a chance proportional to the `G + 1` arcs it
/// spans, so the share is `E[(G + 1)·1{G ≥ r}] / E[G + 1]`.
///
/// ```
/// use shardscope_core::labs::dht::theory::chord_stranded_share;
/// // One successor and half the nodes down: three keys in four are stranded.
/// assert!((chord_stranded_share(0.5, 1) - 0.75).abs() < 1e-12);
/// assert!(chord_stranded_share(0.5, 16) < 1e-3);
/// ```
#[must_use]
pub fn chord_stranded_share(p: f64, r: u32) -> f64 {
    let r_f = f64::from(r);
    libm::pow(p, r_f) * ((r_f + 1.0) * (1.0 - p) + p)
}

/// A one-hop lookup's mean hops, from a random node for a random key: one, unless the querier owns
/// the key itself (a chance of 1/N).
#[must_use]
pub fn onehop_mean_hops(n: u64) -> f64 {
    1.0 - 1.0 / n.max(1) as f64
}

/// The distribution function of Gamma(r, 1/r) (shape r, mean 1) at `x`, for whole `r ≥ 1`:
/// `1 − Σ_{j<r} e^{−rx}(rx)^j / j!`.
///
/// ```
/// use shardscope_core::labs::dht::theory::gamma_cdf;
/// // r = 1 is the exponential law: P(X ≤ ln 100) = 0.99.
/// assert!((gamma_cdf(1, 100f64.ln()) - 0.99).abs() < 1e-12);
/// ```
#[must_use]
pub fn gamma_cdf(r: u32, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let rx = f64::from(r) * x;
    let mut term = libm::exp(-rx);
    let mut sum = term;
    for j in 1..r {
        term *= rx / f64::from(j);
        sum += term;
    }
    (1.0 - sum).clamp(0.0, 1.0)
}

/// The `q`-quantile of Gamma(r, 1/r), by bisection on the distribution function.
///
/// ```
/// use shardscope_core::labs::dht::theory::gamma_quantile;
/// assert!((gamma_quantile(1, 0.99) - 100f64.ln()).abs() < 1e-9); // 4.61: Chord §6.2's "4.6×".
/// ```
#[must_use]
pub fn gamma_quantile(r: u32, q: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 64.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if gamma_cdf(r, mid) < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_papers_figures() {
        assert!((chord_mean_hops(1 << 12) - 6.0).abs() < 1e-12);
        assert_eq!(kademlia_rounds_bound(1000), 10);
        assert_eq!(kademlia_rounds_bound(1024), 10);
        assert_eq!(kademlia_rounds_bound(1), 0);
        // Chord §6.2 with 20 identifiers per node: the 1st and 99th percentiles of the share
        // are about 0.5× and 1.6× the mean.
        let (p1, p99) = (gamma_quantile(20, 0.01), gamma_quantile(20, 0.99));
        assert!((0.45..0.6).contains(&p1), "{p1}");
        assert!((1.5..1.7).contains(&p99), "{p99}");
        // Gamma(r, 1/r) has mean 1 for every r: its median is just below 1.
        for r in [1, 2, 5, 10, 20] {
            let median = gamma_quantile(r, 0.5);
            assert!(median < 1.0 && median > 0.6, "r = {r}: {median}");
        }
    }
}
