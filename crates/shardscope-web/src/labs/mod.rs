//! One module per lab component; each maps user events to its core model's commands and the
//! model to markup, and nothing more.

pub mod anti_entropy;
pub mod bus;
pub mod cache;
pub mod cache_cluster;
pub mod cdn;
pub mod dht;
pub mod partition;
pub mod placement;
pub mod proofs;
pub mod system;
