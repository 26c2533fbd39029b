//! Quorum replication, leaderless (Dynamo-style N/R/W with consistency levels, read repair,
//! sloppy quorums with hinted handoff, version vectors with siblings) and ABD: how a coordinator
//! counts answers and acknowledgements and when an operation completes.

use super::messages::{merge_sibling, Msg, Phase, Version, Vv};
use super::{Event, Level, Mode, Node, Outcome, Sim, MAX_HANDOFF_ATTEMPTS, SLOPPY_AFTER_DIVISOR};
use crate::linearizability::INITIAL;

impl Sim {
    pub(super) fn uses_siblings(&self) -> bool {
        matches!(self.config.mode, Mode::Leaderless { siblings: true, .. })
    }

    /// Version vectors: a replica's siblings for a read; once enough replicas answered, the read
    /// returns the one value, or reports the conflict.
    pub(super) fn on_siblings(&mut self, op: u32, from: Node, siblings: Vec<(Vv, u64)>) {
        if !self.counts(op, from) {
            return;
        }
        let needed = self.needed(op);
        let Some(p) = self.pending[op as usize].as_mut() else {
            return;
        };
        for (vv, value) in siblings {
            merge_sibling(&mut p.merged, vv, value);
        }
        p.merged_from += 1;
        if p.merged_from < needed {
            return;
        }
        let mut values: Vec<u64> = p.merged.iter().map(|(_, v)| *v).collect();
        values.sort_unstable();
        values.dedup();
        match values.as_slice() {
            [] => self.complete_read(op, INITIAL),
            [one] => self.complete_read(op, *one),
            _ => {
                self.conflicts[op as usize] = values;
                self.finish(op, Outcome::Conflict, None);
            }
        }
    }

    /// A sloppy write whose home replicas have not all acknowledged asks the next nodes of the
    /// key's preference list to hold it for them.
    pub(super) fn go_sloppy(&mut self, op: u32) {
        let Some(p) = self.pending[op as usize].clone() else {
            return;
        };
        let Some((version, value)) = p.writing else { return };
        let request = self.history[op as usize].request;
        let home = self.replicas(request.key);
        let missing: Vec<Node> = home.iter().copied().filter(|h| !p.acked.contains(h)).collect();
        let nodes = self.config.nodes;
        let fallbacks: Vec<Node> = (0..nodes)
            .map(|i| (request.key + i) % nodes)
            .filter(|n| !home.contains(n))
            .collect();
        for (home, fallback) in missing.into_iter().zip(fallbacks) {
            let msg = Msg::Hinted {
                op,
                key: request.key,
                version,
                value,
                home,
            };
            self.send(request.node, fallback, msg);
        }
    }

    pub(super) fn schedule_handoff(&mut self, holder: Node) {
        if !self.handoff_scheduled[holder as usize] {
            self.handoff_scheduled[holder as usize] = true;
            let every = (self.config.timeout / SLOPPY_AFTER_DIVISOR).max(1);
            self.schedule(self.now + every, Event::Handoff(holder));
        }
    }

    /// A holder sends each undelivered hint to its home replica, and tries again later while any
    /// remain (up to [`MAX_HANDOFF_ATTEMPTS`] times per hint).
    pub(super) fn hand_off(&mut self, holder: Node) {
        self.handoff_scheduled[holder as usize] = false;
        if !self.up[holder as usize] {
            self.schedule_handoff(holder);
            return;
        }
        let mut again = false;
        for id in 0..self.hints.len() {
            let hint = self.hints[id];
            if hint.holder != holder || hint.delivered.is_some() || self.handoff_attempts[id] >= MAX_HANDOFF_ATTEMPTS {
                continue;
            }
            self.handoff_attempts[id] += 1;
            let id32 = u32::try_from(id).expect("few hints");
            self.send(
                holder,
                hint.home,
                Msg::Handoff {
                    id: id32,
                    key: hint.key,
                    version: hint.version,
                    value: hint.value,
                },
            );
            again = true;
        }
        if again {
            self.schedule_handoff(holder);
        }
    }

    /// The level `op` waits for (ABD: a majority of all nodes, in both phases).
    pub(super) fn level(&self, op: u32) -> Level {
        match self.config.mode {
            Mode::Abd | Mode::LeaderFollower { .. } => Level::Count(self.majority()),
            Mode::Leaderless { r, w, .. } => {
                if self.history[op as usize].request.write.is_some() {
                    w
                } else {
                    r
                }
            }
        }
    }

    /// Whether an answer from `from` counts towards `op`'s quorum.
    pub(super) fn counts(&self, op: u32, from: Node) -> bool {
        let coordinator = self.history[op as usize].request.node;
        match self.level(op) {
            Level::LocalQuorum => from % self.config.dcs == coordinator % self.config.dcs,
            Level::Count(_) => true,
        }
    }

    /// How many counted answers `op` needs.
    pub(super) fn needed(&self, op: u32) -> u32 {
        match self.level(op) {
            Level::Count(k) => k,
            Level::LocalQuorum => {
                let request = self.history[op as usize].request;
                let local = self
                    .replicas(request.key)
                    .into_iter()
                    .filter(|r| r % self.config.dcs == request.node % self.config.dcs)
                    .count();
                u32::try_from(local / 2 + 1).expect("few replicas")
            }
        }
    }

    pub(super) fn on_answer(&mut self, op: u32, from: Node, version: Version, value: u64) {
        if !self.counts(op, from) {
            return;
        }
        let needed = self.needed(op);
        let Some(p) = self.pending[op as usize].as_mut() else {
            return;
        };
        if p.phase != Phase::Query {
            return;
        }
        p.answers.push((from, version, value));
        let count = u32::try_from(p.answers.len()).expect("few answers");
        if count < needed {
            return;
        }
        let &(_, newest, newest_value) = p.answers.iter().max_by_key(|a| a.1).expect("answers");
        let request = self.history[op as usize].request;
        match self.config.mode {
            Mode::Leaderless { read_repair, .. } => {
                let stale: Vec<Node> = p.answers.iter().filter(|a| a.1 < newest).map(|a| a.0).collect();
                self.complete_read(op, newest_value);
                if read_repair {
                    for node in stale {
                        let msg = Msg::WriteReq {
                            op: None,
                            key: request.key,
                            version: newest,
                            value: newest_value,
                        };
                        self.send(request.node, node, msg);
                    }
                }
            }
            Mode::Abd => {
                // Writes take the next version; reads write back what they will return, so no
                // later read can return anything older.
                p.phase = Phase::Write;
                p.writing = Some(match request.write {
                    Some(value) => ((newest.0 + 1, op + 1), value),
                    None => (newest, newest_value),
                });
                self.broadcast(op);
            }
            // Leader–follower answers come as `Done`, never as read responses.
            Mode::LeaderFollower { .. } => {}
        }
    }

    pub(super) fn on_ack(&mut self, op: u32, from: Node) {
        if !self.counts(op, from) {
            return;
        }
        let is_write = self.history[op as usize].request.write.is_some();
        let needed = self.needed(op);
        let Some(p) = self.pending[op as usize].as_mut() else {
            return;
        };
        if p.phase != Phase::Write {
            return;
        }
        p.acks += 1;
        p.acked.push(from);
        if p.acks < needed {
            return;
        }
        let value = p.writing.map(|(_, v)| v);
        if is_write {
            self.finish(op, Outcome::Ok, None);
        } else {
            self.complete_read(op, value.expect("a write-back carries its value"));
        }
    }
}
