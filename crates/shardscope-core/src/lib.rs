//! Pure, deterministic placement algorithms and lab models behind Shardscope.
//!
//! This crate is the part of Shardscope that must be *right*: every number a lab shows is computed
//! here, and the same inputs give the same bytes on native targets and on `wasm32-unknown-unknown`.
//! To keep that promise the crate:
//!
//! - knows nothing about Yew, the DOM, threads or the wall clock (simulations, when they come,
//!   advance in virtual ticks);
//! - uses `u32`/`u64`, never `usize`, in hashes and in anything it outputs;
//! - hashes with seeded XXH3 ([`hash`]) and never with std's randomly keyed `DefaultHasher`;
//! - never lets the iteration order of a `HashMap` reach an output;
//! - computes logarithms with the pure-Rust `libm`, so floating-point results do not depend on
//!   the platform's C library.
//!
//! The modules:
//!
//! - [`hash`]: seeded key hashing and the synthetic key sets labs place.
//! - [`placement`]: the [`placement::Placement`] trait every algorithm implements, the
//!   algorithms themselves (`placement::ring`, `placement::jump`, …), the one enumeration of them
//!   with its builder ([`Algorithm`](placement::Algorithm)), and
//!   [`movement`](mod@placement::movement), which counts what an event moved.
//! - [`topology`]: racks, datacenters and topology-aware replica choice.
//! - [`merkle`]: RFC 6962 Merkle tree hashes, inclusion and consistency proofs.
//! - [`linearizability`]: the Wing–Gong/Lowe checker for register histories.
//! - [`partition`]: a discrete-event simulation of quorum-replicated registers under network
//!   partitions (leaderless N/R/W and ABD), in virtual ticks.
//! - [`cache`]: eleven eviction policies from LRU to S3-FIFO, SIEVE and Belady's OPT, seeded
//!   workloads, Mattson's one-pass LRU curve and the IRM theory (Che's approximation).
//! - [`bus`]: a Kafka-style message bus: murmur2 partitioning and consumer-group assignors.
//! - [`sampling`]: Vose's alias table, constant-time draws from a discrete distribution.
//! - [`system`]: the whole system as one discrete-event simulation (servers as queues, from one
//!   server to several datacenters) beside Erlang C, Little's law and the fan-out tail.
//! - [`query`]: the parser for the permalink query strings that hold a lab's state.
//! - [`labs`]: the models of the labs the web front end renders.

pub mod bus;
pub mod cache;
pub mod dht;
pub mod hash;
pub mod labs;
pub mod linearizability;
pub mod merkle;
pub mod partition;
pub mod placement;
pub mod query;
pub mod sampling;
pub mod system;
pub mod topology;

pub use placement::{NodeId, Placement, PlacementError};
