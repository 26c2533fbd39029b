//! Merkle trees, in the two roles distributed systems give them: finding where replicas diverged
//! ([`antientropy`], with a fast hash) and proving what a log contains ([`rfc6962`], with SHA-256).

pub mod antientropy;
pub mod rfc6962;
