//! Merkle trees: RFC 6962 transparency-log hashing with inclusion and consistency proofs.
//!
//! The anti-entropy trees of the Integrity lab (Dynamo- and Cassandra-style range trees) will live
//! beside this module; see the Integrity issue.

pub mod rfc6962;
