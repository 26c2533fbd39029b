//! Seeded 64-bit hashing, identical on every target, and the synthetic keys the labs place.
//!
//! Every hash in Shardscope goes through XXH3 (64-bit) from `xxhash-rust`, with an explicit seed.
//! XXH3 is defined on bytes, so values are turned into little-endian bytes first: the result never
//! depends on the host's endianness or pointer width.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Hashes arbitrary bytes with a seed.
///
/// ```
/// use shardscope_core::hash::hash_bytes;
/// assert_eq!(hash_bytes(0, b""), 0x2d06_8005_38d3_94c2); // XXH3-64 of the empty input.
/// assert_ne!(hash_bytes(1, b"user:42"), hash_bytes(2, b"user:42"));
/// ```
#[must_use]
pub fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    xxh3_64_with_seed(bytes, seed)
}

/// Hashes one `u64` (as 8 little-endian bytes) with a seed.
#[must_use]
pub fn hash_u64(seed: u64, value: u64) -> u64 {
    xxh3_64_with_seed(&value.to_le_bytes(), seed)
}

/// Hashes a pair of values (16 little-endian bytes) with a seed.
///
/// Rendezvous hashing scores each (key, node) pair and the ring places each (node, replica) pair
/// with this function, so both halves of the pair reach the hash and no cheap mixing of the two
/// words can create correlations between nodes.
#[must_use]
pub fn hash_pair(seed: u64, a: u64, b: u64) -> u64 {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..].copy_from_slice(&b.to_le_bytes());
    xxh3_64_with_seed(&bytes, seed)
}

/// A reproducible set of synthetic keys: key `i` is `hash_u64(seed, i)`.
///
/// Labs place millions of keys; storing them would cost 8 bytes each, so a key set is just its seed
/// and its length, and keys are generated on demand, in any order, in chunks.
///
/// ```
/// use shardscope_core::hash::KeySet;
/// let keys = KeySet::new(42, 1_000);
/// let mut chunk = vec![0u64; 10];
/// keys.fill(990, &mut chunk);
/// assert_eq!(chunk[0], keys.key(990));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySet {
    seed: u64,
    len: u64,
}

impl KeySet {
    /// A key set of `len` keys derived from `seed`.
    #[must_use]
    pub fn new(seed: u64, len: u64) -> Self {
        Self { seed, len }
    }

    /// How many keys the set holds.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The key with index `index` (the set is conceptually `0..len`, but any index is defined).
    #[must_use]
    pub fn key(&self, index: u64) -> u64 {
        hash_u64(self.seed, index)
    }

    /// Writes keys `start..start + out.len()` into `out`.
    pub fn fill(&self, start: u64, out: &mut [u64]) {
        for (offset, slot) in (0u64..).zip(out.iter_mut()) {
            *slot = self.key(start + offset);
        }
    }
}

/// How many low bits of a hash [`unit_interval`] drops.
pub const UNIT_INTERVAL_SHIFT: u32 = 12;

/// Maps a 64-bit hash to a float strictly inside (0, 1).
///
/// The top 52 bits plus half a step, scaled by 2^-52, so neither 0 nor 1 can come out:
/// rendezvous hashing takes the logarithm of this value, and `ln(0)` or `ln(1) = 0` would break
/// its weighted score.
///
/// ```
/// use shardscope_core::hash::unit_interval;
/// assert!(unit_interval(0) > 0.0);
/// assert!(unit_interval(u64::MAX) < 1.0);
/// ```
#[must_use]
pub fn unit_interval(hash: u64) -> f64 {
    // With 52 bits, x + 0.5 needs at most 53 significant bits, so it and the scaling by a power of
    // two are exact; with 53 bits the largest x + 0.5 would round up to 2^53 and give exactly 1.
    const SCALE: f64 = 1.0 / 4_503_599_627_370_496.0; // 2^-52
    #[allow(clippy::cast_precision_loss)] // A 52-bit integer is exact in f64.
    let top = (hash >> UNIT_INTERVAL_SHIFT) as f64;
    (top + 0.5) * SCALE
}

/// A seeded stream of pseudo-random numbers: value `i` is `hash_u64(seed, i)`.
///
/// Labs need a handful of random choices (which keys to corrupt, where a range starts) that
/// must be identical on every target and for every run with the same seed. A counter hashed with
/// XXH3 gives exactly that with no extra dependency and no hidden state beyond the counter.
///
/// ```
/// use shardscope_core::hash::Stream;
/// let mut s = Stream::new(7);
/// let x = s.below(10);
/// assert!(x < 10);
/// assert_eq!(Stream::new(7).below(10), x);
/// ```
#[derive(Clone, Debug)]
pub struct Stream {
    seed: u64,
    counter: u64,
}

impl Stream {
    /// A stream for `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self { seed, counter: 0 }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.counter += 1;
        hash_u64(self.seed, self.counter)
    }

    /// The next 32 random bits (the high half of [`next_u64`](Self::next_u64)).
    pub fn next_u32(&mut self) -> u32 {
        high32(self.next_u64())
    }

    /// A number in `0..bound` (`bound` > 0), by Lemire's multiply-and-shift, whose bias is below
    /// `bound / 2^64`: negligible for the sizes labs use.
    ///
    /// # Panics
    /// If `bound` is 0.
    pub fn below(&mut self, bound: u64) -> u64 {
        assert!(bound > 0, "below(0) has no answer");
        let wide = u128::from(self.next_u64()) * u128::from(bound);
        u64::try_from(wide >> 64).expect("the high half of a 128-bit product fits in 64 bits")
    }

    /// `count` distinct numbers from `0..bound`, in the order drawn (a partial Fisher–Yates
    /// shuffle, so it costs `bound` words of memory and `count` draws).
    ///
    /// # Panics
    /// If `count` exceeds `bound`.
    pub fn distinct(&mut self, count: u32, bound: u32) -> Vec<u32> {
        assert!(count <= bound, "cannot draw {count} distinct numbers below {bound}");
        let mut pool: Vec<u32> = (0..bound).collect();
        for i in 0..count {
            let remaining = u64::from(bound - i);
            let j = i + u32::try_from(self.below(remaining)).expect("below a u32 bound");
            pool.swap(i as usize, j as usize);
        }
        pool.truncate(count as usize);
        pool
    }
}

/// The high 32 bits of a 64-bit value.
#[must_use]
pub fn high32(x: u64) -> u32 {
    u32::try_from(x >> 32).expect("a 64-bit value shifted right by 32 fits in 32 bits")
}
