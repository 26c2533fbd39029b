//! Leader–follower replication: the leader orders writes and replicates them, synchronously or
//! not; reads go to the leader or to the client's node; an operator's failover starts a new epoch
//! and may lose acknowledged writes.

use super::messages::Msg;
use super::{Mode, Node, Sim};

impl Sim {
    /// Leader–follower: the leader serves `op` for the client's node `client`. A node that is no
    /// longer the leader ignores the request, and the client times out.
    pub(super) fn lead(&mut self, op: u32, me: Node, client: Node) {
        let Mode::LeaderFollower { sync, .. } = self.config.mode else {
            return;
        };
        if me != self.leader {
            return;
        }
        let request = self.history[op as usize].request;
        let (version, _) = self.store[me as usize][request.key as usize];
        let Some(value) = request.write else {
            // Serving an uncommitted write would let a failover take back what a read saw.
            let (_, current) = self.committed[request.key as usize];
            self.send(me, client, Msg::Done { op, value: current });
            return;
        };
        // Versions count within an epoch, and a new leader's epoch outranks every older write.
        let seq = if version.0 >> 32 == self.epoch {
            (version.0 & 0xffff_ffff) + 1
        } else {
            1
        };
        let version = ((self.epoch << 32) | seq, op + 1);
        self.store[me as usize][request.key as usize] = (version, value);
        self.write_versions[op as usize] = version;
        self.applied[op as usize] |= 1 << me;
        for follower in (0..self.config.nodes).filter(|&n| n != me) {
            let ack = sync.then_some(op);
            self.send(
                me,
                follower,
                Msg::WriteReq {
                    op: ack,
                    key: request.key,
                    version,
                    value,
                },
            );
        }
        if !sync {
            self.committed[request.key as usize] = (version, value);
            self.send(me, client, Msg::Done { op, value });
        }
    }

    /// Leader–follower, synchronous: a follower has the write; once all have it, the leader
    /// answers the client.
    pub(super) fn on_follower_ack(&mut self, op: u32, me: Node) {
        self.follower_acks[op as usize] += 1;
        // A deposed leader never acknowledges: its write may not survive the new leader.
        if self.follower_acks[op as usize] == self.config.nodes - 1 && me == self.leader {
            let request = self.history[op as usize].request;
            let value = request.write.expect("only writes are acknowledged");
            let version = self.write_versions[op as usize];
            let slot = &mut self.committed[request.key as usize];
            // Acknowledgements can arrive out of order; the committed value only moves forward.
            if version > slot.0 {
                *slot = (version, value);
            }
            self.send(me, request.node, Msg::Done { op, value });
        }
    }

    /// Acknowledged writes a failover lost.
    #[must_use]
    pub fn lost_writes(&self) -> usize {
        self.lost.iter().filter(|&&l| l).count()
    }
}
