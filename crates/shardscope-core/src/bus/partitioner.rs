//! Which partition a producer sends a record to: Kafka's default partitioner for keyed records
//! (murmur2, bit-exact with the Java client) and the two behaviours for records without a key.

use crate::hash::Stream;

/// Kafka's `Utils.murmur2`: Austin Appleby's MurmurHash2 (32-bit) with Kafka's seed
/// `0x9747b28c`, over the key's bytes, read as little-endian 32-bit words.
///
/// The Java client returns it as a signed `int`; this returns the same 32 bits unsigned, so
/// `murmur2(b) as i32` is what Java prints. The values are checked against the vectors in Kafka's
/// own `UtilsTest.testMurmur2`:
///
/// ```
/// use shardscope_core::bus::partitioner::murmur2;
/// assert_eq!(murmur2(b"21").cast_signed(), -973_932_308);
/// assert_eq!(murmur2(b"abc").cast_signed(), 479_470_107);
/// ```
#[must_use]
pub fn murmur2(data: &[u8]) -> u32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    // Java computes `seed ^ length` with an `int` length; keys are far below 2^31 bytes, and
    // truncating is what Java's own arithmetic would do beyond that.
    #[allow(clippy::cast_possible_truncation)]
    let mut h = SEED ^ (data.len() as u32);
    let mut words = data.chunks_exact(4);
    for word in words.by_ref() {
        let mut k = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = words.remainder();
    // The Java switch falls through from case 3 to case 1; the multiplication happens once,
    // after the last tail byte, and not at all for a length that is a multiple of four.
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h
}

/// The partition Kafka's default partitioner picks for a keyed record: `toPositive(murmur2(key))
/// % partitions`, where `toPositive` clears the sign bit (`& 0x7fffffff`) rather than taking an
/// absolute value, so `i32::MIN` maps to 0 instead of staying negative.
///
/// # Panics
/// Never for `partitions > 0`; a topic always has at least one partition, which the callers'
/// validation guarantees.
///
/// ```
/// use shardscope_core::bus::partitioner::keyed_partition;
/// // murmur2("foobar") is -790,332,482; with the sign bit cleared it is 1,357,151,166.
/// assert_eq!(keyed_partition(b"foobar", 50), 1_357_151_166 % 50);
/// ```
#[must_use]
pub fn keyed_partition(key: &[u8], partitions: u32) -> u32 {
    assert!(partitions > 0, "a topic has at least one partition");
    (murmur2(key) & 0x7fff_ffff) % partitions
}

/// What a producer does with a record that has no key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NullKey {
    /// The sticky partitioner (KIP-480, the default since Kafka 2.4): every record goes to the
    /// current partition until a batch is full, then the producer picks another at random. Fewer,
    /// larger batches, and the load still spreads evenly over time.
    Sticky,
    /// `RoundRobinPartitioner`: record `i` goes to partition `i % P`, which spreads load exactly
    /// but sends one record per batch when many partitions share a producer.
    RoundRobin,
}

/// The partitioner's state for records without a key: the sticky partition and how full its
/// batch is, or the round-robin counter.
#[derive(Clone, Debug)]
pub struct NullKeyPartitioner {
    mode: NullKey,
    batch: u32,
    current: u32,
    in_batch: u32,
    counter: u64,
    random: Stream,
}

impl NullKeyPartitioner {
    /// A partitioner that, when sticky, switches after `batch` records (at least 1), drawing the
    /// next partition from a stream seeded with `seed`.
    #[must_use]
    pub fn new(mode: NullKey, batch: u32, seed: u64) -> Self {
        Self {
            mode,
            batch: batch.max(1),
            current: u32::MAX,
            in_batch: 0,
            counter: 0,
            random: Stream::new(seed),
        }
    }

    /// The partition of the next record without a key, among `partitions` (at least 1).
    pub fn next(&mut self, partitions: u32) -> u32 {
        let partitions = partitions.max(1);
        match self.mode {
            NullKey::RoundRobin => {
                let p = self.counter % u64::from(partitions);
                self.counter += 1;
                u32::try_from(p).unwrap_or(0)
            }
            NullKey::Sticky => {
                if self.current >= partitions || self.in_batch >= self.batch {
                    self.current = self.switch(partitions);
                    self.in_batch = 0;
                }
                self.in_batch += 1;
                self.current
            }
        }
    }

    /// A new sticky partition, different from the current one when there is a choice, as
    /// Kafka's `StickyPartitionCache.nextPartition` does.
    fn switch(&mut self, partitions: u32) -> u32 {
        if partitions == 1 {
            return 0;
        }
        if self.current >= partitions {
            return u32::try_from(self.random.below(u64::from(partitions))).unwrap_or(0);
        }
        let other = u32::try_from(self.random.below(u64::from(partitions - 1))).unwrap_or(0);
        if other >= self.current {
            other + 1
        } else {
            other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sticky_fills_a_batch_then_moves_on() {
        let mut p = NullKeyPartitioner::new(NullKey::Sticky, 3, 7);
        let picks: Vec<u32> = (0..9).map(|_| p.next(4)).collect();
        for batch in picks.chunks(3) {
            assert!(batch.iter().all(|&x| x == batch[0]), "{picks:?}");
        }
        assert_ne!(picks[0], picks[3]);
        assert_ne!(picks[3], picks[6]);
    }

    #[test]
    fn round_robin_cycles() {
        let mut p = NullKeyPartitioner::new(NullKey::RoundRobin, 1, 0);
        let picks: Vec<u32> = (0..6).map(|_| p.next(4)).collect();
        assert_eq!(picks, [0, 1, 2, 3, 0, 1]);
    }
}
