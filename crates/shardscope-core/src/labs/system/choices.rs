//! The lab's choices that are not numbers: where the database runs, the load balancer, where
//! sessions live, how clients back off, what breaks and how datacenters share the traffic, with
//! their permalink names and labels.

use serde::{Deserialize, Serialize};

use crate::query::Choice;
use crate::system::design::{Backoff, Fault, Sessions};

/// Where the database runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Db {
    /// On the web server itself.
    OnServer,
    /// On servers of its own.
    Separate,
}

impl Choice for Db {
    const ALL: &'static [Self] = &[Self::OnServer, Self::Separate];
    fn slug(self) -> &'static str {
        match self {
            Self::OnServer => "server",
            Self::Separate => "separate",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::OnServer => "On the web server",
            Self::Separate => "On its own servers",
        }
    }
}

/// The load balancer, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lb {
    /// None: users reach one web server.
    None,
    /// Round-robin.
    RoundRobin,
    /// Least connections.
    LeastConnections,
    /// Power of two choices.
    TwoChoices,
}

impl Choice for Lb {
    const ALL: &'static [Self] = &[Self::None, Self::RoundRobin, Self::LeastConnections, Self::TwoChoices];
    fn slug(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::RoundRobin => "rr",
            Self::LeastConnections => "lc",
            Self::TwoChoices => "p2c",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::None => "No load balancer",
            Self::RoundRobin => "Round-robin",
            Self::LeastConnections => "Least connections",
            Self::TwoChoices => "Power of two choices",
        }
    }
}

impl Choice for Sessions {
    const ALL: &'static [Self] = &[Self::Shared, Self::Sticky];
    fn slug(self) -> &'static str {
        match self {
            Self::Shared => "shared",
            Self::Sticky => "sticky",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Shared => "In a shared store",
            Self::Sticky => "Sticky to one web server",
        }
    }
}

impl Choice for Backoff {
    const ALL: &'static [Self] = &[Self::None, Self::Exponential, Self::Jitter];
    fn slug(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Exponential => "exponential",
            Self::Jitter => "jitter",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::None => "Retry at once",
            Self::Exponential => "Exponential backoff",
            Self::Jitter => "Exponential backoff with jitter",
        }
    }
}

impl Choice for Fault {
    const ALL: &'static [Self] = &[
        Self::None,
        Self::Server,
        Self::Flush,
        Self::Primary,
        Self::Datacenter,
        Self::Slowdown,
    ];
    fn slug(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Server => "server",
            Self::Flush => "flush",
            Self::Primary => "primary",
            Self::Datacenter => "dc",
            Self::Slowdown => "slowdown",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::None => "Nothing fails",
            Self::Server => "A web server dies",
            Self::Flush => "The cache is flushed",
            Self::Primary => "The database primary dies",
            Self::Datacenter => "A datacenter is lost",
            Self::Slowdown => "The database slows down (retry storm)",
        }
    }
}

/// How several datacenters share the traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DcMode {
    /// The first serves everyone; the others stand by.
    Passive,
    /// Each serves its own region.
    Active,
}

impl Choice for DcMode {
    const ALL: &'static [Self] = &[Self::Passive, Self::Active];
    fn slug(self) -> &'static str {
        match self {
            Self::Passive => "passive",
            Self::Active => "active",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Passive => "Active-passive",
            Self::Active => "Active-active",
        }
    }
}
