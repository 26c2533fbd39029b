//! Runs a Partition lab state: the simulation up to the tick shown or to the end, and the
//! linearizability checker's verdict with the metrics the page shows beside it.

use super::Params;
use crate::linearizability::{check, Verdict};
use crate::partition::{Flight, Outcome, Record, Sim, Tick};

/// The last tick anything happens in the scenario (the simulation alone, without the checker).
#[must_use]
pub fn end_tick(params: &Params) -> Tick {
    let mut sim = Sim::new(params.config(), &params.all_requests(), &params.nemesis);
    sim.run();
    sim.now()
}

/// The simulation run up to `t`: which links are cut and which nodes are down then.
#[must_use]
pub fn state_at(params: &Params, t: Tick) -> Sim {
    let mut sim = Sim::new(params.config(), &params.all_requests(), &params.nemesis);
    sim.run_until(t);
    sim
}

/// The lab's numbers for a whole run.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Every operation.
    pub history: Vec<Record>,
    /// Every message.
    pub flights: Vec<Flight>,
    /// The checker's verdict on the answered operations (and timed-out writes).
    pub verdict: Verdict,
    /// The last tick anything happened.
    pub end: Tick,
    /// Registers whose replicas disagree at the end.
    pub diverged: u32,
    /// Acknowledged writes lost by a leader failover.
    pub lost_writes: usize,
    /// Hints fallback nodes took (sloppy quorum), and how many reached their home replica.
    pub hints: (usize, usize),
    /// For reads that ended in a conflict (version vectors): the sibling values.
    pub conflicts: Vec<Vec<u64>>,
}

impl Report {
    /// Operations that ended in `outcome`.
    #[must_use]
    pub fn count(&self, outcome: Outcome) -> usize {
        self.history.iter().filter(|r| r.outcome == Some(outcome)).count()
    }

    /// Percent of operations answered (ok, stale or with siblings).
    #[must_use]
    pub fn availability(&self) -> f64 {
        let answered = self.count(Outcome::Ok) + self.count(Outcome::Stale) + self.count(Outcome::Conflict);
        100.0 * answered as f64 / self.history.len().max(1) as f64
    }

    /// Percent of answered reads that were stale.
    #[must_use]
    pub fn stale_reads(&self) -> f64 {
        let reads = self
            .history
            .iter()
            .filter(|r| r.request.write.is_none() && matches!(r.outcome, Some(Outcome::Ok | Outcome::Stale)))
            .count();
        100.0 * self.count(Outcome::Stale) as f64 / reads.max(1) as f64
    }
}

/// Runs the lab's scenario to the end and checks it.
#[must_use]
pub fn report(params: &Params) -> Report {
    let mut sim = Sim::new(params.config(), &params.all_requests(), &params.nemesis);
    sim.run();
    let checkable = sim.checkable();
    let ops: Vec<_> = checkable.iter().map(|(_, op)| *op).collect();
    // The checker indexes its input; map its answer back to history indices.
    let verdict = match check(&ops) {
        Verdict::Linearizable => Verdict::Linearizable,
        Verdict::NotLinearizable { key, prefix, blocked } => Verdict::NotLinearizable {
            key,
            prefix: prefix.into_iter().map(|i| checkable[i].0).collect(),
            blocked: checkable[blocked].0,
        },
    };
    Report {
        end: sim.now(),
        diverged: sim.diverged(),
        lost_writes: sim.lost_writes(),
        hints: (
            sim.hints.len(),
            sim.hints.iter().filter(|h| h.delivered.is_some()).count(),
        ),
        conflicts: sim.conflicts.clone(),
        history: sim.history.clone(),
        flights: sim.flights.clone(),
        verdict,
    }
}

impl crate::labs::Computes for Params {
    type Run = crate::labs::OneStep<Params, Report>;

    fn start(&self) -> Result<Self::Run, String> {
        Ok(crate::labs::OneStep::new(self.clone(), report))
    }
}
