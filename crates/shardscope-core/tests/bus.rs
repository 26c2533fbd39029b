//! The consumer-group assignors' guarantees, property-tested: every partition goes to a
//! subscriber, the sticky assignors are balanced and move no more than needed, cooperative never
//! revokes a partition that stays, and range leaves members idle where the lab says it does.

// proptest is native-only; wasm32 runs the known-answer file.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use shardscope_core::bus::assign::{
    Assignment, Assignor, Group, GroupSpec, MemberSpec, TopicSpec, FORMER_MEMBER, NO_OWNER,
};
use shardscope_core::query::Choice;

fn id(i: u32) -> String {
    format!("m{i:03}")
}

/// A group of `members` all subscribed to one topic of `partitions`.
fn one_topic(partitions: u32, members: u32) -> Group {
    members_of_one_topic(partitions, 0..members)
}

/// The members numbered `members` (by id), all subscribed to one topic of `partitions`.
fn members_of_one_topic(partitions: u32, members: impl IntoIterator<Item = u32>) -> Group {
    let topics = vec![TopicSpec {
        name: "t".into(),
        partitions,
    }];
    let member = |i| MemberSpec {
        id: id(i),
        topics: vec!["t".into()],
        owned: vec![],
    };
    Group::from_spec(&GroupSpec {
        topics,
        members: members.into_iter().map(member).collect(),
    })
    .unwrap()
}

/// Kafka's balance: no member could take a partition from a member with two or more than it.
fn balanced(group: &Group, a: &Assignment) -> bool {
    let counts = a.counts(group.members());
    (0..group.partitions()).all(|p| {
        let owner = a.owners()[p as usize];
        owner == NO_OWNER
            || group
                .member_list()
                .iter()
                .zip(&counts)
                .all(|(m, &c)| !m.subscribes(group.topic_of(p)) || counts[owner as usize] < c + 2)
    })
}

fn owners_subscribe(group: &Group, a: &Assignment) -> bool {
    (0..group.partitions()).all(|p| {
        let o = a.owners()[p as usize];
        let t = group.topic_of(p);
        let anyone = group.member_list().iter().any(|m| m.subscribes(t));
        if anyone {
            o != NO_OWNER && group.member_list()[o as usize].subscribes(t)
        } else {
            o == NO_OWNER
        }
    })
}

/// Groups with up to four topics and twelve members, each subscribing to a random subset.
fn any_group() -> impl Strategy<Value = Group> {
    (prop::collection::vec(1u32..12, 1..5), 1usize..13)
        .prop_flat_map(|(sizes, members)| {
            let topics = sizes.len();
            (
                Just(sizes),
                prop::collection::vec(prop::collection::vec(any::<bool>(), topics), members),
            )
        })
        .prop_map(|(sizes, subs)| {
            let topics: Vec<TopicSpec> = (0..)
                .zip(&sizes)
                .map(|(i, &partitions)| TopicSpec {
                    name: format!("t{i}"),
                    partitions,
                })
                .collect();
            let members = (0..)
                .zip(&subs)
                .map(|(i, want)| MemberSpec {
                    id: id(i),
                    topics: topics
                        .iter()
                        .zip(want)
                        .filter(|(_, &w)| w)
                        .map(|(t, _)| t.name.clone())
                        .collect(),
                    owned: vec![],
                })
                .collect();
            Group::from_spec(&GroupSpec { topics, members }).unwrap()
        })
}

proptest! {
    #[test]
    fn every_assignor_gives_each_partition_to_a_subscriber(group in any_group()) {
        for &a in Assignor::ALL {
            prop_assert!(owners_subscribe(&group, &a.assign(&group)), "{}", a.slug());
        }
    }

    #[test]
    fn sticky_is_balanced_and_stays_balanced_through_changes(
        group in any_group(),
        churn in prop::collection::vec(any::<u32>(), 0..12),
    ) {
        let first = Assignor::Sticky.assign(&group);
        prop_assert!(balanced(&group, &first));
        // The same group again, each partition's previous owner kept or forgotten at random:
        // stickiness never costs balance, and a partition that stays keeps its owner's claim.
        let mut previous = first.owners().to_vec();
        for (i, r) in churn.iter().enumerate() {
            if let Some(slot) = previous.get_mut(i * 3 % group.partitions().max(1) as usize) {
                *slot = if r % 2 == 0 { NO_OWNER } else { *slot };
            }
        }
        let again = group.clone().with_previous(previous).unwrap();
        let plan = Assignor::CooperativeSticky.plan(&again);
        prop_assert!(balanced(&again, &plan.target));
        if let Some(round) = &plan.first_round {
            for p in 0..again.partitions() as usize {
                let prev = again.previous()[p];
                if prev == plan.target.owners()[p] {
                    prop_assert_eq!(round.owners()[p], prev, "cooperative revoked a partition that stays");
                }
                prop_assert!(round.owners()[p] == plan.target.owners()[p] || round.owners()[p] == NO_OWNER);
            }
        }
    }

    #[test]
    fn a_join_moves_the_floor_of_p_over_n_plus_one(partitions in 1u32..400, members in 1u32..40) {
        let before = one_topic(partitions, members);
        let owned = Assignor::Sticky.assign(&before);
        // The joiner's id sorts last, so every previous owner keeps its number.
        let after = one_topic(partitions, members + 1).with_previous(owned.owners().to_vec()).unwrap();
        for a in [Assignor::Sticky, Assignor::CooperativeSticky] {
            let m = a.plan(&after).movement;
            prop_assert_eq!(m.moved, partitions / (members + 1), "{}", a.slug());
            prop_assert_eq!(m.moved, m.minimum);
            prop_assert!(m.max_count - m.min_count <= 1);
        }
        // The balanced assignors without memory move at least the minimum (consistent hashing
        // is not balanced, so the minimum does not bind it).
        for a in [Assignor::Range, Assignor::RoundRobin] {
            prop_assert!(a.plan(&after).movement.moved >= partitions / (members + 1));
        }
    }

    #[test]
    fn a_leave_moves_only_the_orphans(partitions in 1u32..400, members in 2u32..40, leaver in any::<u32>()) {
        let leaver = leaver % members;
        let before = one_topic(partitions, members);
        let owned = Assignor::Sticky.assign(&before);
        let previous: Vec<u32> = owned
            .owners()
            .iter()
            .map(|&o| match o.cmp(&leaver) {
                std::cmp::Ordering::Less => o,
                std::cmp::Ordering::Equal => FORMER_MEMBER,
                std::cmp::Ordering::Greater => o - 1,
            })
            .collect();
        let orphans = owned.counts(members)[leaver as usize];
        let after = members_of_one_topic(partitions, (0..members).filter(|&i| i != leaver))
            .with_previous(previous)
            .unwrap();
        let m = Assignor::Sticky.plan(&after).movement;
        prop_assert_eq!((m.moved, m.orphans, m.minimum), (orphans, orphans, orphans));
        prop_assert!(m.max_count - m.min_count <= 1);
        let coop = Assignor::CooperativeSticky.plan(&after);
        prop_assert_eq!(coop.movement.revoked, 0, "orphans need no revocation");
        prop_assert!(coop.first_round.is_none(), "so one round is enough");
    }

    #[test]
    fn range_leaves_members_idle_exactly_beyond_the_largest_topic(
        sizes in prop::collection::vec(1u32..8, 1..4),
        members in 1u32..12,
    ) {
        let topics: Vec<TopicSpec> =
            (0..).zip(&sizes).map(|(i, &partitions)| TopicSpec { name: format!("t{i}"), partitions }).collect();
        let names: Vec<String> = topics.iter().map(|t| t.name.clone()).collect();
        let group = Group::from_spec(&GroupSpec {
            topics,
            members: (0..members).map(|i| MemberSpec { id: id(i), topics: names.clone(), owned: vec![] }).collect(),
        })
        .unwrap();
        let largest = *sizes.iter().max().unwrap();
        let m = Assignor::Range.plan(&group).movement;
        prop_assert_eq!(m.idle, members.saturating_sub(largest));
        let total: u32 = sizes.iter().sum();
        let rr = Assignor::RoundRobin.plan(&group).movement;
        prop_assert_eq!(rr.idle, members.saturating_sub(total));
    }
}

mod timelines {
    use shardscope_core::bus::assign::{Assignor, FORMER_MEMBER};
    use shardscope_core::bus::rebalance::{timeline, Change, Moment, Timeline, Timing};

    use super::{members_of_one_topic, one_topic};

    const P: u32 = 1_000;
    const N: u32 = 100;

    #[test]
    fn eager_stops_everyone_and_cooperative_only_what_moves() {
        let before = one_topic(P, N);
        let owned = Assignor::Sticky.assign(&before);
        let after = one_topic(P, N + 1).with_previous(owned.owners().to_vec()).unwrap();
        let t = Timing::DEFAULT;
        let eager = timeline(&after, &Assignor::Sticky.plan(&after), Change::Join, Some(N), &t, 1);
        let coop_plan = Assignor::CooperativeSticky.plan(&after);
        let coop = timeline(&after, &coop_plan, Change::Join, Some(N), &t, 1);
        assert_eq!((eager.rounds, coop.rounds), (1, 2));
        assert_eq!(eager.stalled_members, N + 1, "every member stops, and the joiner waits");
        assert_eq!(eager.paused_partitions, P);
        assert_eq!(coop.stalled_members, 1, "only the joiner waits");
        assert_eq!(coop.paused_partitions, coop_plan.movement.moved);
        assert_eq!(coop.paused_partitions, P / (N + 1));
        assert!(
            coop.total_pause < eager.total_pause / 10,
            "{} vs {}",
            coop.total_pause,
            eager.total_pause
        );
        // Each round waits for the slowest member's heartbeat and poll, so two rounds take longer.
        assert!(coop.done > eager.done);
        assert!(eager.done <= t.heartbeat + t.poll + 3 * t.round_trip);
    }

    #[test]
    fn a_crash_waits_for_the_session_timeout_and_a_leave_does_not() {
        let before = one_topic(P, N);
        let owned = Assignor::CooperativeSticky.assign(&before);
        // Member 0 goes: everyone else moves down one number.
        let previous: Vec<u32> = owned
            .owners()
            .iter()
            .map(|&o| if o == 0 { FORMER_MEMBER } else { o - 1 })
            .collect();
        let after = members_of_one_topic(P, 1..N).with_previous(previous).unwrap();
        let plan = Assignor::CooperativeSticky.plan(&after);
        let t = Timing::DEFAULT;
        let crash = timeline(&after, &plan, Change::Crash, None, &t, 1);
        let leave = timeline(&after, &plan, Change::Leave, None, &t, 1);
        let detected = |tl: &Timeline| tl.steps.iter().find(|s| s.moment == Moment::Detected).unwrap().at;
        assert_eq!((detected(&crash), detected(&leave)), (t.session_timeout, 0));
        assert_eq!(
            (crash.rounds, crash.stalled_members),
            (1, 0),
            "the orphans need no revocation"
        );
        assert_eq!(crash.paused_partitions, P / N, "only the orphans wait");
        assert!(crash.longest_pause > t.session_timeout);
        assert!(leave.longest_pause < t.session_timeout / 10);
        assert_eq!(
            crash,
            timeline(&after, &plan, Change::Crash, None, &t, 1),
            "deterministic for a seed"
        );
    }
}

mod flows {
    use shardscope_core::bus::assign::Assignor;
    use shardscope_core::bus::flow::{Event, Flow, FlowReport, FlowSim};
    use shardscope_core::bus::partitioner::NullKey;
    use shardscope_core::bus::rebalance::Timing;
    use shardscope_core::query::Choice;

    const BASE: Flow = Flow {
        topics: 1,
        partitions: 60,
        consumers: 6,
        messages: 200_000,
        rate: 20_000,
        capacity: 5_000,
        keys: 10_000,
        alpha_centi: 0,
        null_key: NullKey::Sticky,
        sticky_batch: 100,
        event: Event::None,
        event_at: 3_000,
        timing: Timing::DEFAULT,
        seed: 7,
    };

    fn run(flow: &Flow, a: Assignor) -> FlowReport {
        let mut sim = FlowSim::new(flow, a).unwrap();
        while !sim.done() {
            sim.advance(64);
        }
        sim.finish()
    }

    #[test]
    fn every_message_is_counted_once_and_per_key_order_holds_while_p_is_fixed() {
        for event in [Event::None, Event::Join, Event::Leave, Event::Crash] {
            for &a in Assignor::ALL {
                let flow = Flow {
                    event,
                    alpha_centi: 110,
                    ..BASE
                };
                let r = run(&flow, a);
                assert_eq!(r.produced, flow.messages);
                assert_eq!(r.per_partition.iter().sum::<u64>(), r.produced);
                assert_eq!(r.per_consumer.iter().sum::<u64>(), r.processed);
                assert_eq!(
                    r.produced - r.processed,
                    *r.lag.last().unwrap(),
                    "{event:?} {}",
                    a.slug()
                );
                assert_eq!(
                    r.out_of_order,
                    0,
                    "{event:?} {}: one partition per key keeps its order",
                    a.slug()
                );
                assert_eq!(r, run(&flow, a), "deterministic");
            }
        }
    }

    #[test]
    fn adding_partitions_breaks_key_order() {
        let r = run(
            &Flow {
                event: Event::AddPartitions(90),
                alpha_centi: 110,
                ..BASE
            },
            Assignor::Sticky,
        );
        assert!(r.out_of_order > 0 && r.keys_out_of_order > 0, "{r:?}");
        assert_eq!(r.per_partition.len(), 90);
    }

    #[test]
    fn a_hot_key_makes_the_partition_its_hash_picks_hot() {
        let r = run(
            &Flow {
                alpha_centi: 120,
                ..BASE
            },
            Assignor::RoundRobin,
        );
        let n = r.produced as f64;
        for (count, share) in r.per_partition.iter().zip(&r.expected_share) {
            let sd = (n * share * (1.0 - share)).sqrt();
            assert!(
                (*count as f64 - n * share).abs() < 5.0 * sd + 1.0,
                "{count} against {}",
                n * share
            );
        }
        let hottest = r.expected_share.iter().copied().fold(0.0, f64::max);
        assert!(
            hottest > 3.0 / 60.0,
            "the hottest partition carries over three times the mean: {hottest}"
        );
    }

    #[test]
    fn range_idles_consumers_beyond_the_partition_count() {
        let flow = Flow {
            partitions: 4,
            consumers: 6,
            ..BASE
        };
        assert_eq!(run(&flow, Assignor::Range).idle_consumers, 2);
        assert_eq!(
            run(&flow, Assignor::Sticky).idle_consumers,
            2,
            "no assignor can use them"
        );
    }

    #[test]
    fn a_rebalance_adds_the_backlog_its_pauses_predict() {
        // Ample capacity and even keys: before the event the lag stays near a tick's worth, so the
        // peak after it is the backlog the paused partitions gathered.
        // A 2 s session timeout, so the crash is noticed while messages still arrive.
        let timing = Timing {
            session_timeout: 2_000,
            ..Timing::DEFAULT
        };
        let flow = Flow {
            capacity: 20_000,
            event: Event::Crash,
            timing,
            ..BASE
        };
        for a in [Assignor::Sticky, Assignor::CooperativeSticky] {
            let r = run(&flow, a);
            let expected = r.rebalance.as_ref().unwrap().expected_backlog;
            let extra = (r.peak_lag.1 - r.peak_lag.0) as f64;
            assert!(
                (extra - expected).abs() < 0.1 * expected,
                "{}: {extra} against {expected}",
                a.slug()
            );
        }
    }

    #[test]
    fn bad_settings_are_refused() {
        for (flow, want) in [
            (Flow { partitions: 0, ..BASE }, "partitions must be 1 to 10000, not 0"),
            (
                Flow {
                    partitions: 10_001,
                    ..BASE
                },
                "partitions must be 1 to 10000",
            ),
            (
                Flow {
                    event: Event::AddPartitions(60),
                    ..BASE
                },
                "adding partitions must grow the topic",
            ),
            (
                Flow {
                    consumers: 1,
                    event: Event::Leave,
                    ..BASE
                },
                "at least 2",
            ),
        ] {
            let got = FlowSim::new(&flow, Assignor::Range).err().unwrap();
            assert!(got.contains(want), "{got}");
        }
    }
}
