//! A message bus the way Kafka builds one: which partition a record goes to, and how a consumer
//! group shares a topic's partitions.
//!
//! - [`brokers`]: Kafka's replica assignment of partitions to brokers, leaders, and what a
//!   broker's loss does to leaders and in-sync replicas.
//! - [`partitioner`]: Kafka's default partitioner, murmur2 bit-exact with the Java client, and
//!   the sticky and round-robin behaviours for records without a key.
//! - [`assign`]: a consumer group as a checked input, Kafka's range, round-robin, sticky and
//!   cooperative-sticky assignors and a consistent-hashing one, and what each rebalance moved
//!   against the least any balanced assignment must move.
//! - [`delivery`]: one partition's messages from producer to consumer output, with `acks`,
//!   idempotence, the commit discipline and crashes, and which messages are lost, duplicated or
//!   reordered, and why.
//! - [`rebalance`]: a rebalance as steps in virtual time, and the pauses it costs members and
//!   partitions under the eager and the cooperative protocol.

pub mod assign;
pub mod brokers;
pub mod delivery;
pub mod flow;
pub mod partitioner;
pub mod rebalance;
