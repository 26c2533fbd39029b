//! The assignors against the examples in Kafka's own documentation, and the input's checks.

use super::*;

fn spec(topics: &[(&str, u32)], members: &[(&str, &[&str])]) -> GroupSpec {
    GroupSpec {
        topics: topics
            .iter()
            .map(|&(name, partitions)| TopicSpec {
                name: name.into(),
                partitions,
            })
            .collect(),
        members: members
            .iter()
            .map(|&(id, subs)| MemberSpec {
                id: id.into(),
                topics: subs.iter().map(|&s| s.into()).collect(),
                owned: vec![],
            })
            .collect(),
    }
}

/// Each member's partitions as Kafka's javadoc writes them (`t0p1`), members in id order.
fn written(group: &Group, a: &Assignment) -> Vec<String> {
    (0..group.members())
        .map(|m| {
            let parts: Vec<String> = a
                .partitions_of(m)
                .into_iter()
                .map(|p| {
                    let (t, n) = group.name_of(p);
                    format!("{t}p{n}")
                })
                .collect();
            format!("{}: [{}]", group.member_list()[m as usize].id, parts.join(", "))
        })
        .collect()
}

/// The previous generation's assignment, given back as what each remaining member owned.
fn owned_from(group: &Group, a: &Assignment, mut next: GroupSpec) -> GroupSpec {
    for m in &mut next.members {
        let Some(i) = group.member_list().iter().position(|g| g.id == m.id) else {
            continue;
        };
        m.owned = a
            .partitions_of(u32::try_from(i).unwrap())
            .into_iter()
            .map(|p| {
                let (topic, partition) = group.name_of(p);
                PartitionSpec {
                    topic: topic.into(),
                    partition,
                }
            })
            .collect();
    }
    next
}

const TWO_TOPICS: &[(&str, u32)] = &[("t0", 3), ("t1", 3)];
const BOTH: &[&str] = &["t0", "t1"];

#[test]
fn range_matches_kafkas_javadoc() {
    // RangeAssignor's javadoc: two consumers, two topics of three partitions.
    let g = Group::from_spec(&spec(TWO_TOPICS, &[("C0", BOTH), ("C1", BOTH)])).unwrap();
    assert_eq!(
        written(&g, &Assignor::Range.assign(&g)),
        ["C0: [t0p0, t0p1, t1p0, t1p1]", "C1: [t0p2, t1p2]"]
    );
}

#[test]
fn round_robin_matches_kafkas_javadoc() {
    // RoundRobinAssignor's javadoc: the same group, then three consumers with unequal
    // subscriptions to topics of one, two and three partitions.
    let g = Group::from_spec(&spec(TWO_TOPICS, &[("C0", BOTH), ("C1", BOTH)])).unwrap();
    assert_eq!(
        written(&g, &Assignor::RoundRobin.assign(&g)),
        ["C0: [t0p0, t0p2, t1p1]", "C1: [t0p1, t1p0, t1p2]"]
    );
    let uneven = spec(
        &[("t0", 1), ("t1", 2), ("t2", 3)],
        &[("C0", &["t0"]), ("C1", &["t0", "t1"]), ("C2", &["t0", "t1", "t2"])],
    );
    let g = Group::from_spec(&uneven).unwrap();
    assert_eq!(
        written(&g, &Assignor::RoundRobin.assign(&g)),
        ["C0: [t0p0]", "C1: [t1p0]", "C2: [t1p1, t2p0, t2p1, t2p2]"]
    );
}

#[test]
fn sticky_matches_kafkas_javadoc_with_unequal_subscriptions() {
    // StickyAssignor's javadoc, second example: sticky balances where round-robin does not,
    // and when C0 leaves, only its partition moves.
    let members: &[(&str, &[&str])] = &[("C0", &["t0"]), ("C1", &["t0", "t1"]), ("C2", &["t0", "t1", "t2"])];
    let topics = &[("t0", 1), ("t1", 2), ("t2", 3)];
    let g = Group::from_spec(&spec(topics, members)).unwrap();
    let first = Assignor::Sticky.assign(&g);
    assert_eq!(
        written(&g, &first),
        ["C0: [t0p0]", "C1: [t1p0, t1p1]", "C2: [t2p0, t2p1, t2p2]"]
    );
    let next = Group::from_spec(&owned_from(&g, &first, spec(topics, &members[1..]))).unwrap();
    let plan = Assignor::Sticky.plan(&next);
    assert_eq!(
        written(&next, &plan.target),
        ["C1: [t0p0, t1p0, t1p1]", "C2: [t2p0, t2p1, t2p2]"]
    );
    // The spec form cannot say who owned t0p0, so it is a new partition here, not a move.
    assert_eq!((plan.movement.moved, plan.movement.minimum), (0, 0));
}

#[test]
fn sticky_keeps_what_the_javadoc_keeps_when_a_member_leaves() {
    // StickyAssignor's javadoc, first example: four topics of two partitions over three
    // consumers; when C1 leaves, C0 and C2 keep all they had and share C1's three.
    let all: &[&str] = &["t0", "t1", "t2", "t3"];
    let topics = &[("t0", 2), ("t1", 2), ("t2", 2), ("t3", 2)];
    let g = Group::from_spec(&spec(topics, &[("C0", all), ("C1", all), ("C2", all)])).unwrap();
    let first = Assignor::Sticky.assign(&g);
    assert_eq!(
        written(&g, &first),
        ["C0: [t0p0, t1p1, t3p0]", "C1: [t0p1, t2p0, t3p1]", "C2: [t1p0, t2p1]"],
        "with no history, the round-robin deal"
    );
    let next = Group::from_spec(&owned_from(&g, &first, spec(topics, &[("C0", all), ("C2", all)]))).unwrap();
    let after = Assignor::Sticky.assign(&next);
    assert_eq!(after.counts(2), [4, 4]);
    for (m, before) in [(0u32, 0u32), (1, 2)] {
        let kept = after.partitions_of(m);
        assert!(
            first.partitions_of(before).iter().all(|p| kept.contains(p)),
            "{:?}",
            written(&next, &after)
        );
    }
}

#[test]
fn range_leaves_a_member_idle_when_topics_are_smaller_than_the_group() {
    let g = Group::from_spec(&spec(
        &[("a", 2), ("b", 2)],
        &[("C0", &["a", "b"]), ("C1", &["a", "b"]), ("C2", &["a", "b"])],
    ))
    .unwrap();
    let range = Assignor::Range.plan(&g).movement;
    assert_eq!((range.idle, range.min_count, range.max_count), (1, 0, 2));
    let rr = Assignor::RoundRobin.plan(&g).movement;
    assert_eq!((rr.idle, rr.min_count, rr.max_count), (0, 1, 2));
}

#[test]
fn cooperative_revokes_in_a_first_round_only_what_moves() {
    let topics = &[("t", 6)];
    let two: &[(&str, &[&str])] = &[("C0", &["t"]), ("C1", &["t"])];
    let g = Group::from_spec(&spec(topics, two)).unwrap();
    let first = Assignor::CooperativeSticky.assign(&g);
    let three: &[(&str, &[&str])] = &[("C0", &["t"]), ("C1", &["t"]), ("C2", &["t"])];
    let next = Group::from_spec(&owned_from(&g, &first, spec(topics, three))).unwrap();
    let coop = Assignor::CooperativeSticky.plan(&next);
    let eager = Assignor::Sticky.plan(&next);
    assert_eq!(coop.target, eager.target);
    assert_eq!(
        (coop.movement.moved, coop.movement.revoked, coop.movement.minimum),
        (2, 2, 2)
    );
    assert_eq!(eager.movement.revoked, 6, "eager: both members give up all six first");
    let round = coop.first_round.expect("two partitions change hands");
    assert_eq!(round.counts(3), [2, 2, 0], "the joiner waits for the second round");
}

#[test]
fn consistent_hashing_moves_little_but_is_not_balanced() {
    let members: Vec<String> = (0..20).map(|i| format!("consumer-{i:02}")).collect();
    let subs: &[&str] = &["t"];
    let list: Vec<(&str, &[&str])> = members.iter().map(|m| (m.as_str(), subs)).collect();
    let g = Group::from_spec(&spec(&[("t", 1000)], &list)).unwrap();
    let plan = Assignor::ConsistentHash.plan(&g);
    assert!(
        plan.movement.max_count > plan.movement.min_count + 1,
        "{:?}",
        plan.movement
    );
    let joined: Vec<(&str, &[&str])> = list.iter().copied().chain([("consumer-20", subs)]).collect();
    let next = Group::from_spec(&owned_from(&g, &plan.target, spec(&[("t", 1000)], &joined))).unwrap();
    let moved = Assignor::ConsistentHash.plan(&next).movement.moved;
    // About 1000/21 = 48 partitions should move to the joiner, and nothing else.
    assert!((20..=100).contains(&moved), "{moved}");
    let to_joiner = Assignor::ConsistentHash.assign(&next).counts(21)[20];
    assert_eq!(moved, to_joiner);
}

#[test]
fn bad_groups_are_refused_with_a_reason() {
    let one: &[(&str, &[&str])] = &[("C0", &["t0"])];
    let cases: Vec<(GroupSpec, &str)> = vec![
        (spec(&[], one), "there are no topics"),
        (
            spec(&[("t0", 0)], one),
            "topic t0 has 0 partitions; a topic has at least 1",
        ),
        (
            spec(&[("t0", 10_001)], one),
            "the topics have at least 10001 partitions in all, more than the 10000 allowed",
        ),
        (spec(&[("t0", 6_000), ("t1", 6_000)], one), "at least 12000 partitions"),
        (spec(&[("bad name", 1)], one), "is not a legal topic name"),
        (spec(&[("t0", 1), ("t0", 2)], one), "topic t0 is listed twice"),
        (spec(&[("t0", 1)], &[]), "the group has no members"),
        (
            spec(&[("t0", 1)], &[("C0", &["t0"]), ("C0", &["t0"])]),
            "member C0 is listed twice",
        ),
        (spec(&[("t0", 1)], &[("", &["t0"])]), "member id \"\" is not allowed"),
        (
            spec(&[("t0", 1)], &[("C0", &["t9"])]),
            "member C0 subscribes to t9, which is not among the topics (t0)",
        ),
    ];
    for (s, want) in cases {
        let got = Group::from_spec(&s).unwrap_err().to_string();
        assert!(got.contains(want), "{got:?} should say {want:?}");
    }
    let mut owned = spec(&[("t0", 2)], &[("C0", &["t0"]), ("C1", &["t0"])]);
    owned.members[0].owned = vec![PartitionSpec {
        topic: "t0".into(),
        partition: 2,
    }];
    assert_eq!(
        Group::from_spec(&owned).unwrap_err().to_string(),
        "member C0 owns t0-2, but t0 has 2 partitions (0 to 1)"
    );
    owned.members[0].owned = vec![PartitionSpec {
        topic: "t0".into(),
        partition: 1,
    }];
    owned.members[1].owned = owned.members[0].owned.clone();
    assert_eq!(
        Group::from_spec(&owned).unwrap_err().to_string(),
        "t0-1 is owned by both C0 and C1; a partition has one owner"
    );
}

#[test]
fn members_sort_as_java_strings_do() {
    // U+FF5E is one UTF-16 unit; U+1F600 is a surrogate pair starting 0xD83D, which sorts
    // before 0xFF5E in Java although its code point is larger.
    let g = Group::from_spec(&spec(&[("t", 2)], &[("\u{ff5e}", &["t"]), ("\u{1f600}", &["t"])])).unwrap();
    assert_eq!(g.member_list()[0].id, "\u{1f600}");
}
