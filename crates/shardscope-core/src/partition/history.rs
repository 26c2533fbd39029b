//! What the history shows once a run ends: the operations the linearizability checker can
//! judge, and how many registers the replicas still disagree on.

use super::{linearizability, Outcome, Sim};
use crate::linearizability::OpKind;

impl Sim {
    /// The history as the checker reads it: answered operations, plus writes that timed out (they
    /// may have taken effect); refused operations and unanswered reads carry no information.
    #[must_use]
    pub fn checkable(&self) -> Vec<(usize, linearizability::Operation)> {
        self.history
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let kind = match (r.request.write, r.outcome?, r.value) {
                    // A conflict returns a set of values, which is not a register read.
                    (_, Outcome::Refused | Outcome::Conflict, _) | (None, Outcome::TimedOut, _) | (None, _, None) => {
                        return None
                    }
                    (Some(v), _, _) => OpKind::Write(v),
                    (None, _, Some(v)) => OpKind::Read(v),
                };
                Some((
                    i,
                    linearizability::Operation {
                        key: r.request.key,
                        kind,
                        invoked: r.request.at,
                        completed: r.completed,
                    },
                ))
            })
            .collect()
    }

    /// Registers whose replicas hold different versions now (what anti-entropy would repair).
    #[must_use]
    pub fn diverged(&self) -> u32 {
        let diverged = (0..self.keys)
            .filter(|&key| {
                let replicas = self.replicas(key);
                let first = self.store[replicas[0] as usize][key as usize].0;
                replicas
                    .iter()
                    .any(|&r| self.store[r as usize][key as usize].0 != first)
            })
            .count();
        u32::try_from(diverged).expect("few keys")
    }
}
