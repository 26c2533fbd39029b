//! Cache eviction policies, the workloads that exercise them and the theory that predicts them:
//! the algorithms behind the "Caching" lab.
//!
//! Every policy serves requests for objects numbered `0..universe` (a trace of arbitrary keys is
//! numbered first, in order of first appearance) and says for each whether it hit. Objects are
//! dense so that each policy keeps its per-object state in arrays, not hash maps: no hash map's
//! order can reach a result, and a policy serves tens of millions of requests per second.
//!
//! - [`Policy`]: the eleven policies and [`Policy::build`], which makes one.
//! - [`workload`]: seeded request streams (Zipf, uniform, scans, shifting popularity, one-hit
//!   wonders).
//! - [`mattson`]: every LRU size's hits in one pass (stack distances).
//! - [`theory`]: Che's approximation for LRU and the IRM formula for FIFO.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

mod arc;
pub mod cdn;
pub mod cluster;
mod heap;
mod lfu;
pub mod lists;
pub mod mattson;
pub mod opt;
mod queue;
mod random;
mod s3fifo;
pub mod theory;
mod tinylfu;
pub mod tracefile;
mod twoq;
pub mod workload;

pub use arc::Arc as ArcCache;
pub use lfu::Lfu;
pub use opt::Opt;
pub use queue::{Clock, Fifo, Lru, Sieve};
pub use random::Random;
pub use s3fifo::S3Fifo;
pub use tinylfu::{Sketch, WTinyLfu};
pub use twoq::TwoQ;

/// A cache of objects of one size.
pub trait Cache {
    /// Serves a request for object `x`; returns whether it was a hit. A miss admits `x` (unless
    /// the policy refuses it) and evicts what the policy chooses.
    fn access(&mut self, x: u32) -> bool;

    /// Whether `x` is cached now (a ghost is not).
    fn holds(&self, x: u32) -> bool;

    /// Objects cached now; never more than the capacity.
    fn len(&self) -> u32;

    /// Whether nothing is cached.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Serves every request of `trace` and returns the hits. One call per batch, so a caller
    /// holding a `dyn Cache` pays for dynamic dispatch once per batch, not per request.
    fn run(&mut self, trace: &[u32]) -> u64 {
        let mut hits = 0;
        for &x in trace {
            hits += u64::from(self.access(x));
        }
        hits
    }

    /// Serves every request of `trace`, `sizes[i]` bytes each, and returns the hits and the
    /// bytes they served (the byte hit ratio's numerator). Capacity stays counted in objects.
    fn run_sized(&mut self, trace: &[u32], sizes: &[u32]) -> (u64, u64) {
        let (mut hits, mut bytes) = (0, 0);
        for (&x, &size) in trace.iter().zip(sizes) {
            if self.access(x) {
                hits += 1;
                bytes += u64::from(size);
            }
        }
        (hits, bytes)
    }

    /// The policy's state as named lists of objects (its queues, ghosts, clock bits), for the
    /// stepped view; each list in the order the policy reads it.
    fn contents(&self) -> Vec<(&'static str, Vec<u32>)>;
}

/// The policies, in the order the lab lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Policy {
    /// Least recently used.
    Lru,
    /// First in, first out.
    Fifo,
    /// CLOCK (second chance).
    Clock,
    /// LFU with dynamic aging.
    Lfu,
    /// 2Q (Johnson and Shasha, 1994).
    TwoQ,
    /// ARC (Megiddo and Modha, 2003).
    Arc,
    /// W-TinyLFU (Einziger, Friedman and Manes, 2017).
    TinyLfu,
    /// S3-FIFO (Yang et al., 2023).
    S3Fifo,
    /// SIEVE (Zhang et al., 2024).
    Sieve,
    /// Random eviction.
    Random,
    /// Belady's OPT, the offline bound.
    Opt,
}

impl crate::query::Choice for Policy {
    const ALL: &'static [Self] = &Policy::ALL;

    fn slug(self) -> &'static str {
        Policy::slug(self)
    }

    fn label(self) -> &'static str {
        self.name()
    }
}

impl Policy {
    /// Every policy.
    pub const ALL: [Policy; 11] = [
        Policy::Lru,
        Policy::Fifo,
        Policy::Clock,
        Policy::Lfu,
        Policy::TwoQ,
        Policy::Arc,
        Policy::TinyLfu,
        Policy::S3Fifo,
        Policy::Sieve,
        Policy::Random,
        Policy::Opt,
    ];

    /// The name in permalinks and JSON.
    #[must_use]
    pub fn slug(self) -> &'static str {
        match self {
            Policy::Lru => "lru",
            Policy::Fifo => "fifo",
            Policy::Clock => "clock",
            Policy::Lfu => "lfu",
            Policy::TwoQ => "2q",
            Policy::Arc => "arc",
            Policy::TinyLfu => "tinylfu",
            Policy::S3Fifo => "s3fifo",
            Policy::Sieve => "sieve",
            Policy::Random => "random",
            Policy::Opt => "opt",
        }
    }

    /// The policy a slug names.
    #[must_use]
    pub fn from_slug(slug: &str) -> Option<Policy> {
        Policy::ALL.into_iter().find(|p| p.slug() == slug)
    }

    /// The name a reader sees.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Policy::Lru => "LRU",
            Policy::Fifo => "FIFO",
            Policy::Clock => "CLOCK",
            Policy::Lfu => "LFU-DA",
            Policy::TwoQ => "2Q",
            Policy::Arc => "ARC",
            Policy::TinyLfu => "W-TinyLFU",
            Policy::S3Fifo => "S3-FIFO",
            Policy::Sieve => "SIEVE",
            Policy::Random => "Random",
            Policy::Opt => "OPT (offline)",
        }
    }

    /// Where the policy comes from.
    #[must_use]
    pub fn source(self) -> &'static str {
        match self {
            Policy::Lru => "Mattson, Gecsei, Slutz and Traiger, IBM Systems Journal 1970",
            Policy::Fifo | Policy::Opt => "Belady, IBM Systems Journal 1966",
            Policy::Clock => "Corbató, MIT Project MAC 1968",
            Policy::Lfu => "Arlitt, Cherkasova, Dilley, Friedrich and Jin, 2000",
            Policy::TwoQ => "Johnson and Shasha, VLDB 1994",
            Policy::Arc => "Megiddo and Modha, FAST 2003",
            Policy::TinyLfu => "Einziger, Friedman and Manes, ACM TOS 2017; Caffeine",
            Policy::S3Fifo => "Yang, Zhang, Qiu, Yue and Vinayak, SOSP 2023",
            Policy::Sieve => "Zhang, Yang, Yue, Vigfusson and Rashmi, NSDI 2024",
            Policy::Random => "—",
        }
    }

    /// A cache of this policy holding `capacity` objects (at least one) of `universe`.
    /// `next` is the trace's [`opt::next_uses`], which only OPT reads; `seed` drives Random.
    ///
    /// ```
    /// use shardscope_core::cache::{Cache, Policy};
    /// let mut c = Policy::Sieve.build(2, 4, None, 0);
    /// assert!(!c.access(1));
    /// assert!(c.access(1));
    /// ```
    #[must_use]
    pub fn build(self, capacity: u32, universe: u32, next: Option<&Arc<[u32]>>, seed: u64) -> Box<dyn Cache + Send> {
        assert!(capacity >= 1, "a cache holds at least one object");
        match self {
            Policy::Lru => Box::new(Lru::new(capacity, universe)),
            Policy::Fifo => Box::new(Fifo::new(capacity, universe)),
            Policy::Clock => Box::new(Clock::new(capacity, universe)),
            Policy::Lfu => Box::new(Lfu::new(capacity, universe)),
            Policy::TwoQ => Box::new(TwoQ::new(capacity, universe)),
            Policy::Arc => Box::new(ArcCache::new(capacity, universe)),
            Policy::TinyLfu => Box::new(WTinyLfu::new(capacity, universe)),
            Policy::S3Fifo => Box::new(S3Fifo::new(capacity, universe)),
            Policy::Sieve => Box::new(Sieve::new(capacity, universe)),
            Policy::Random => Box::new(Random::new(capacity, universe, seed)),
            Policy::Opt => Box::new(Opt::new(
                capacity,
                universe,
                next.cloned().expect("OPT is built with the trace's next uses"),
            )),
        }
    }
}
