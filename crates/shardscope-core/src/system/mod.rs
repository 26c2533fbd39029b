//! The whole system behind "Scaling to 10 million users": web servers, a load balancer, a CDN,
//! a cache, services, a message bus, a replicated and sharded database and several
//! datacenters, as one discrete-event simulation in virtual time, beside the queueing theory
//! that predicts it.
//!
//! - [`design`]: what is simulated (traffic, tiers, client, faults) and its checks.
//! - [`sim`]: the simulation, a bounded number of events at a time.
//! - [`report`]: what a run reports, per tier and end to end.
//! - [`theory`]: Erlang C, Little's law and the fan-out tail.
//! - [`histogram`]: latency percentiles in bounded memory.
//! - [`prices`]: the dated price table behind the monthly cost.
//!
//! ```
//! use shardscope_core::system::{design::Design, sim::Sim};
//! let mut d = Design::default();
//! d.traffic.users = 20_000;
//! let mut sim = Sim::new(&d).unwrap();
//! while !sim.advance(100_000) {}
//! let report = sim.finish();
//! let o = report.outcomes;
//! assert_eq!(o.requests, o.served + o.failed());
//! ```

pub mod design;
pub mod histogram;
pub mod prices;
pub mod report;
pub mod sim;
pub mod theory;
