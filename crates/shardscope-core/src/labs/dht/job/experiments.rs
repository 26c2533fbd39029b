//! The DHT lab's experiments beyond the main lookups: the sweep across network sizes, Chord's
//! failure sweep, the eclipse attack and churn tick by tick, each on overlays of its own.

use super::{
    failed_count, pick, ChurnTick, Eclipse, FailureCurve, FailurePoint, Job, Net, Stage, SweepPoint, ATTACK,
    ATTACK_FROM, ATTACK_LOOKUPS, CHURN, CHURN_LOOKUPS, CHURN_TICKS, FAILURE_LOOKUPS, FAILURE_SHARES,
    FAILURE_SUCCESSORS, FAILURE_SWEEP, LOOKUP_FROM, LOOKUP_KEYS, STALE_SAMPLE, SWEEP_LOOKUPS,
};
use crate::dht::chord::Chord;
use crate::dht::{Identifiers, Overlay, Protocol};
use crate::hash::{hash_pair, hash_u64, Stream};

impl Job {
    /// One size of the sweep: a fresh converged overlay of `n` nodes per protocol.
    pub(super) fn sweep_point(&self, n: u32) -> Option<SweepPoint> {
        let p = &self.params;
        let space = p.space();
        if u64::from(n) > space.capacity() {
            return None;
        }
        let ids = Identifiers::draw(space, p.seed, n, 1).ok()?;
        let (mut hops, mut state) = (Vec::new(), Vec::new());
        for &protocol in &p.protocols {
            let net = Net::build(protocol, ids.clone(), p);
            let overlay = net.overlay();
            let mut total = 0u64;
            for i in 0..SWEEP_LOOKUPS {
                let key = space.id(hash_u64(p.seed ^ LOOKUP_KEYS, u64::from(i)));
                let from =
                    u32::try_from(pick(hash_u64(p.seed ^ LOOKUP_FROM, u64::from(i)), n as usize)).expect("below n");
                total += u64::from(overlay.lookup(from, key, None).hops);
            }
            hops.push(total as f64 / f64::from(SWEEP_LOOKUPS));
            let sampled = n.min(200);
            let entries: u64 = (0..sampled)
                .map(|i| u64::from(overlay.routing_state(i * (n / sampled))))
                .sum();
            state.push(entries as f64 / f64::from(sampled));
        }
        Some(SweepPoint {
            nodes: n.into(),
            hops,
            state,
        })
    }

    /// The eclipse experiment for one protocol: the attacker's nodes join a converged overlay
    /// with identifiers chosen next to the traced lookup's key, and honest nodes look that key
    /// up; then with identifiers bound to their addresses, and honest nodes look up random keys
    /// (the lab's own lookup keys), since the attacker can no longer aim at one.
    pub(super) fn eclipse(&self, protocol: Protocol) -> Eclipse {
        let p = &self.params;
        let space = p.space();
        let (key, _) = self.lookup_at(p.trace);
        let lookups = ATTACK_LOOKUPS.min(p.lookups);
        let mut counts = [0u64; 2];
        for (count, chosen) in counts.iter_mut().zip([true, false]) {
            let extra = crate::dht::sybil_identifiers(space, key, p.sybils, chosen, hash_u64(p.seed, ATTACK));
            let (ids, sybils) = self.ids.with_extra(&extra, p.nodes);
            let honest: Vec<u32> = (0..ids.len()).filter(|&s| ids.owner[s as usize] < p.nodes).collect();
            let mut net = Net::build(protocol, ids, p);
            net.overlay_mut().members_mut().mark_sybils(&sybils);
            let overlay = net.overlay();
            for i in 0..lookups {
                let from = honest[pick(hash_u64(p.seed ^ ATTACK_FROM, u64::from(i)), honest.len())];
                let target = if chosen { key } else { self.lookup_at(i).0 };
                let found = overlay.lookup(from, target, None).found;
                *count += u64::from(found.is_some_and(|s| overlay.members().is_sybil(s)));
            }
        }
        let s = f64::from(p.sybils);
        Eclipse {
            lookups: lookups.into(),
            chosen: counts[0],
            bound: counts[1],
            theory_bound: s / (f64::from(self.ids.len()) + s),
        }
    }

    /// One tick of churn on the protocol's own overlay: `churn` live nodes fail, as many new ones
    /// join through random live nodes, `CHURN_LOOKUPS` lookups run, and every `period` ticks a
    /// maintenance round repairs what it can.
    pub(super) fn churn_tick(&mut self, index: usize, tick: u32) -> ChurnTick {
        let p = &self.params;
        let space = p.space();
        let seed = p.seed ^ CHURN;
        let draw = |what: u64, i: u32| hash_pair(seed, u64::from(tick), (what << 32) | u64::from(i));
        let net = self.churn_net.as_mut().expect("the churn overlay is built at tick 0");
        let live: Vec<u32> = net.overlay().members().live().1.to_vec();
        let len = u32::try_from(live.len()).expect("slots are u32");
        let mut rng = Stream::new(draw(0, 0));
        let dead: Vec<u32> = rng
            .distinct(p.churn.min(len - 1), len)
            .into_iter()
            .map(|i| live[i as usize])
            .collect();
        net.overlay_mut().fail(&dead);
        for j in 0..p.churn {
            let live = net.overlay().members().live().1;
            let bootstrap = live[pick(draw(1, j), live.len())];
            let owner = p.nodes + tick * p.churn + j;
            // An identifier that is or was taken is drawn again by the next tick's joins.
            let _ = net.overlay_mut().join(space.id(draw(2, j)), owner, bootstrap);
        }
        let overlay = net.overlay();
        let live = overlay.members().live().1;
        let (mut misrouted, mut hops, mut timeouts) = (0u32, 0u64, 0u64);
        for i in 0..CHURN_LOOKUPS {
            let key = space.id(draw(3, i));
            let out = overlay.lookup(live[pick(draw(4, i), live.len())], key, None);
            misrouted += u32::from(!out.correct);
            hops += u64::from(out.hops);
            timeouts += u64::from(out.timeouts);
        }
        let live_count = u32::try_from(live.len()).expect("slots are u32");
        // Stale entries, before this tick's maintenance, on a seeded sample of live nodes.
        let (mut stale, mut entries) = (0u64, 0u64);
        for i in 0..STALE_SAMPLE.min(live_count) {
            let slot = live[pick(draw(5, i), live.len())];
            stale += u64::from(overlay.stale_entries(slot));
            entries += u64::from(overlay.routing_state(slot));
        }
        let maintained = p.period > 0 && (tick + 1).is_multiple_of(p.period);
        if maintained {
            self.reports[index].maintenance_messages += net.overlay_mut().maintain();
        }
        ChurnTick {
            live: live_count,
            misrouted,
            mean_hops: hops as f64 / f64::from(CHURN_LOOKUPS),
            mean_timeouts: timeouts as f64 / f64::from(CHURN_LOOKUPS),
            stale: if entries == 0 {
                0.0
            } else {
                stale as f64 / entries as f64
            },
            maintained,
        }
    }

    /// One point of the failure sweep: on a converged ring with successor lists of
    /// `FAILURE_SUCCESSORS[curve]`, nodes fail (one seeded order for every curve, so the same
    /// nodes are down at the same share) until `FAILURE_SHARES[point]` percent are down, and
    /// `FAILURE_LOOKUPS` lookups run at once, before any maintenance. The shares grow from point
    /// to point on the same ring, since a lookup changes nothing.
    pub(super) fn failure_point(&mut self, curve: usize, point: usize) {
        let p = &self.params;
        let failed_at = |share: u32| failed_count(p.nodes, share);
        if self.failure_rank.is_empty() {
            let mut rng = Stream::new(hash_u64(p.seed, FAILURE_SWEEP));
            let order = rng.distinct(failed_at(FAILURE_SHARES[FAILURE_SHARES.len() - 1]), p.nodes);
            self.failure_rank = vec![u32::MAX; p.nodes as usize];
            for (rank, &n) in (0u32..).zip(&order) {
                self.failure_rank[n as usize] = rank;
            }
        }
        if point == 0 {
            let successors = FAILURE_SUCCESSORS[curve];
            self.failure_net = Some(Chord::converged(self.ids.clone(), successors));
            self.failure_curves.push(FailureCurve {
                successors,
                points: Vec::new(),
            });
        }
        let before = if point == 0 {
            0
        } else {
            failed_at(FAILURE_SHARES[point - 1])
        };
        let now = failed_at(FAILURE_SHARES[point]);
        let rank = |slot: u32| self.failure_rank[self.ids.owner[slot as usize] as usize];
        let dying: Vec<u32> = (0..self.ids.len())
            .filter(|&s| (before..now).contains(&rank(s)))
            .collect();
        let net = self.failure_net.as_mut().expect("built at the curve's first point");
        net.fail(&dying);
        let live = net.members().live().1;
        let space = p.space();
        let (mut misrouted, mut lost, mut unsuccessful, mut timeouts) = (0u32, 0u32, 0u32, 0u64);
        for i in 0..FAILURE_LOOKUPS {
            let key = space.id(hash_u64(p.seed ^ LOOKUP_KEYS, u64::from(i)));
            let from = live[pick(hash_u64(p.seed ^ LOOKUP_FROM, u64::from(i)), live.len())];
            let out = net.lookup(from, key, None);
            let gone = rank(self.ids.successor(key)) < now;
            misrouted += u32::from(!out.correct);
            lost += u32::from(gone);
            unsuccessful += u32::from(gone || !out.correct);
            timeouts += u64::from(out.timeouts);
        }
        let curve = self.failure_curves.last_mut().expect("pushed at point 0");
        let share = f64::from(FAILURE_SHARES[point]) / 100.0;
        curve.points.push(FailurePoint {
            theory_misrouted: super::theory::chord_stranded_share(share, curve.successors),
            fail: FAILURE_SHARES[point],
            misrouted,
            lost,
            unsuccessful,
            mean_timeouts: timeouts as f64 / f64::from(FAILURE_LOOKUPS),
        });
    }

    /// Measures one point of the failure sweep and says what comes next.
    pub(super) fn failure_step(&mut self, curve: usize, point: usize) -> Stage {
        self.failure_point(curve, point);
        self.done_units += u64::from(FAILURE_LOOKUPS);
        if point + 1 < FAILURE_SHARES.len() {
            Stage::FailureSweep {
                curve,
                point: point + 1,
            }
        } else if curve + 1 < FAILURE_SUCCESSORS.len() {
            Stage::FailureSweep {
                curve: curve + 1,
                point: 0,
            }
        } else {
            self.failure_net = None;
            Stage::Attack(0)
        }
    }

    /// Runs one tick of churn on `protocol`'s overlay (built at tick 0) and says what comes
    /// next; after the last tick, the Chord paper's estimate from the ticks' mean hops.
    pub(super) fn churn_step(&mut self, protocol: usize, tick: u32) -> Stage {
        let p = self.params.clone();
        if tick == 0 {
            let mut net = Net::build(p.protocols[protocol], self.ids.clone(), &p);
            // Under churn Kademlia keeps its buckets as state, least-recently seen first.
            if let Net::Kademlia(k) = &mut net {
                k.hold_tables();
            }
            self.churn_net = Some(net);
        }
        let t = self.churn_tick(protocol, tick);
        self.reports[protocol].churn.push(t);
        self.done_units += u64::from(CHURN_LOOKUPS);
        if tick + 1 < CHURN_TICKS {
            return Stage::Churn {
                protocol,
                tick: tick + 1,
            };
        }
        let rep = &mut self.reports[protocol];
        let hops = rep.churn.iter().map(|t| t.mean_hops).sum::<f64>() / f64::from(CHURN_TICKS);
        rep.churn_theory = (p.period > 0).then(|| hops * f64::from(p.churn * p.period) / f64::from(p.nodes));
        self.churn_net = None;
        Stage::Churn {
            protocol: protocol + 1,
            tick: 0,
        }
    }
}
