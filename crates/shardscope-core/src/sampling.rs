//! Drawing from a discrete distribution in constant time (Vose's alias table), which the cache
//! workloads and the message bus's keys share.

/// 2^32, the scale of the alias table's thresholds.
const ONE: f64 = 4_294_967_296.0;

/// Vose's alias table: one uniform draw and one comparison per sample, whatever `M`.
#[derive(Clone, Debug)]
pub struct Alias {
    /// For slot `i`, keep `i` if the low 32 random bits are below this threshold (× 2^32).
    threshold: Vec<u64>,
    alias: Vec<u32>,
}

impl Alias {
    /// The table for `weights` (positive, not necessarily normalized).
    ///
    /// # Panics
    /// If `weights` is empty or holds more than `u32::MAX` entries.
    #[must_use]
    pub fn new(weights: &[f64]) -> Self {
        let n = weights.len();
        assert!(
            n > 0 && u32::try_from(n).is_ok(),
            "an alias table needs 1..2^32 weights"
        );
        let total: f64 = weights.iter().sum();
        let scale = n as f64 / total;
        let mut prob: Vec<f64> = weights.iter().map(|w| w * scale).collect();
        let mut alias: Vec<u32> = (0..n).map(|i| u32::try_from(i).expect("checked above")).collect();
        let (mut small, mut large): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
        for (i, &p) in prob.iter().enumerate() {
            let i = u32::try_from(i).expect("checked above");
            if p < 1.0 {
                small.push(i);
            } else {
                large.push(i);
            }
        }
        while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
            small.pop();
            alias[s as usize] = l;
            prob[l as usize] = (prob[l as usize] + prob[s as usize]) - 1.0;
            if prob[l as usize] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // What is left is 1 up to rounding.
        for i in small.into_iter().chain(large) {
            prob[i as usize] = 1.0;
        }
        let threshold = prob
            .iter()
            .map(|&p| {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // 0 ≤ p·2^32 ≤ 2^32.
                let t = (p.clamp(0.0, 1.0) * ONE) as u64;
                t
            })
            .collect();
        Self { threshold, alias }
    }

    /// A sample from 64 random bits.
    #[inline]
    #[must_use]
    pub fn sample(&self, bits: u64) -> u32 {
        let n = self.alias.len() as u64;
        let slot = ((bits >> 32) * n) >> 32;
        if (bits & 0xffff_ffff) < self.threshold[slot as usize] {
            u32::try_from(slot).expect("below n")
        } else {
            self.alias[slot as usize]
        }
    }
}
