//! The models of the labs: parameters, permalinks, commands and computations, free of any UI.
//!
//! Each lab module owns a `Params` type (the lab's whole state, as its permalink stores it), a
//! `Model` with an `apply(Command)` reducer the web component delegates to, and whatever
//! computation the lab shows, written so that it can run in chunks without blocking a browser.

pub mod antientropy;
pub mod proofs;
pub mod rebalance;

/// What the home page says about a lab. The web crate pairs each entry with its component, and a
/// test checks that every entry has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LabInfo {
    /// The lab's path segment, `#/lab/{slug}`; stable, since permalinks contain it.
    pub slug: &'static str,
    /// The lab's title.
    pub title: &'static str,
    /// One line on what the lab shows.
    pub summary: &'static str,
}

/// Every lab, in the order the home page lists them.
pub const CATALOG: &[LabInfo] = &[
    LabInfo {
        slug: "rebalance",
        title: "Rebalance",
        summary:
            "Add or remove one node and count the keys that move: hash mod N against ring, rendezvous and jump hash.",
    },
    LabInfo {
        slug: "anti-entropy",
        title: "Anti-entropy",
        summary:
            "Replicas drift apart; Merkle trees find the damaged ranges level by level and repair streams only those.",
    },
    LabInfo {
        slug: "proofs",
        title: "Tamper-evident log",
        summary: "Prove a record is in an append-only log and that the log only grew (RFC 6962); flip a byte and watch it fail.",
    },
];
