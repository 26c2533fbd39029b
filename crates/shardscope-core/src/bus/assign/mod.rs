//! Consumer-group partition assignment: the group as a checked input, the assignors Kafka ships
//! (range, round-robin, sticky, cooperative-sticky) and a consistent-hashing one to compare, and
//! what each assignment moved against the least any balanced assignment must move.
//!
//! A group is what Kafka's group leader sees when it runs an assignor: the topics with their
//! partition counts, and each member's id, subscription and (for the sticky assignors) the
//! partitions it owned before this rebalance. Topics are sorted by name and members by id, the
//! order Kafka's assignors sort them in, so the same input gives Kafka's assignment.

mod error;
mod movement;
mod range;
mod ring;
mod round_robin;
mod sticky;

use serde::{Deserialize, Serialize};

pub use error::AssignError;
pub use movement::Movement;

use crate::query::Choice;

/// The most partitions a group's topics may have in all.
pub const MAX_PARTITIONS: u32 = 10_000;
/// The most members a group may have.
pub const MAX_MEMBERS: u32 = 10_000;
/// The most topics a group may name.
pub const MAX_TOPICS: u32 = 1_000;
/// The longest topic name Kafka accepts, in bytes.
pub const MAX_TOPIC_NAME: usize = 249;
/// The longest member id accepted, in bytes.
pub const MAX_MEMBER_ID: usize = 255;

/// The owner of a partition nobody owns (no member is subscribed to its topic, or, in a previous
/// assignment, the partition is new).
pub const NO_OWNER: u32 = u32::MAX;
/// The previous owner of a partition whose member has left the group: its partitions are
/// orphans, and moving them counts as a move.
pub const FORMER_MEMBER: u32 = u32::MAX - 1;

/// A topic as the input names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    /// The topic's name (Kafka's legal characters: ASCII letters, digits, `.`, `_` and `-`).
    pub name: String,
    /// How many partitions it has (at least one).
    pub partitions: u32,
}

/// One partition of a topic, by the topic's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionSpec {
    /// The topic's name.
    pub topic: String,
    /// The partition's number, from 0.
    pub partition: u32,
}

/// A member as the input names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSpec {
    /// The member's id; members are ordered by it, as Kafka orders them (by Java's `String`
    /// order, which is UTF-16 code unit order).
    pub id: String,
    /// The topics it subscribes to.
    pub topics: Vec<String>,
    /// The partitions it owned before this rebalance (only the sticky assignors read it).
    #[serde(default)]
    pub owned: Vec<PartitionSpec>,
}

/// One member's partitions, as `shardscope assign` prints them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberAssignment {
    /// The member's id.
    pub member: String,
    /// Its partitions, topics in name order.
    pub partitions: Vec<PartitionSpec>,
}

/// The whole input of one rebalance, as `shardscope assign` reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// The topics that exist.
    pub topics: Vec<TopicSpec>,
    /// The group's members.
    pub members: Vec<MemberSpec>,
}

/// A checked group: topics sorted by name and numbered, members sorted by id, every partition
/// numbered globally (`first` of its topic plus its number), and each partition's previous owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    topics: Vec<Topic>,
    members: Vec<Member>,
    previous: Vec<u32>,
}

/// A topic of a checked group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    /// Its name.
    pub name: String,
    /// Its partition count.
    pub partitions: u32,
    /// The global number of its partition 0.
    pub first: u32,
}

/// A member of a checked group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Its id.
    pub id: String,
    /// The topics it subscribes to, as sorted topic numbers.
    pub topics: Vec<u32>,
}

impl Member {
    /// Whether the member subscribes to topic number `topic`.
    #[must_use]
    pub fn subscribes(&self, topic: u32) -> bool {
        self.topics.binary_search(&topic).is_ok()
    }
}

/// Compares two member ids the way Java's `String.compareTo` does, by UTF-16 code units, so a
/// member id outside the Basic Multilingual Plane sorts where Kafka sorts it.
fn java_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn legal_topic_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_TOPIC_NAME
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

impl Group {
    /// Checks a group as the input states it.
    ///
    /// # Errors
    /// The first problem found, named so a person can fix the input: no topics or members, too
    /// many of either, an illegal or repeated name, a topic without partitions, more than
    /// [`MAX_PARTITIONS`] partitions, a subscription to an unknown topic, an owned partition that
    /// does not exist, or one partition owned by two members.
    ///
    /// ```
    /// use shardscope_core::bus::assign::{Group, GroupSpec, MemberSpec, TopicSpec};
    /// let spec = GroupSpec {
    ///     topics: vec![TopicSpec { name: "t0".into(), partitions: 3 }],
    ///     members: vec![MemberSpec { id: "C0".into(), topics: vec!["t1".into()], owned: vec![] }],
    /// };
    /// let err = Group::from_spec(&spec).unwrap_err();
    /// assert_eq!(err.to_string(), "member C0 subscribes to t1, which is not among the topics (t0)");
    /// ```
    pub fn from_spec(spec: &GroupSpec) -> Result<Self, AssignError> {
        let topics = Self::check_topics(&spec.topics)?;
        if spec.members.is_empty() {
            return Err(AssignError::NoMembers);
        }
        if spec.members.len() > MAX_MEMBERS as usize {
            return Err(AssignError::TooManyMembers {
                members: spec.members.len(),
                max: MAX_MEMBERS,
            });
        }
        let mut order: Vec<&MemberSpec> = spec.members.iter().collect();
        order.sort_by(|a, b| java_order(&a.id, &b.id));
        for pair in order.windows(2) {
            if pair[0].id == pair[1].id {
                return Err(AssignError::DuplicateMember(pair[0].id.clone()));
            }
        }
        let topic_number = |name: &str| topics.binary_search_by(|t| t.name.as_str().cmp(name)).ok();
        let names = || topics.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ");
        let total = topics.last().map_or(0, |t| t.first + t.partitions);
        let mut previous = vec![NO_OWNER; total as usize];
        let mut members = Vec::with_capacity(order.len());
        for (index, m) in order.iter().enumerate() {
            if m.id.is_empty() || m.id.len() > MAX_MEMBER_ID {
                return Err(AssignError::BadMemberId(crate::query::echo(&m.id)));
            }
            let mut subscribed = Vec::with_capacity(m.topics.len());
            for name in &m.topics {
                let t = topic_number(name).ok_or_else(|| AssignError::UnknownTopic {
                    member: m.id.clone(),
                    what: "subscribes to",
                    topic: crate::query::echo(name),
                    known: names(),
                })?;
                subscribed.push(u32::try_from(t).unwrap_or(u32::MAX));
            }
            subscribed.sort_unstable();
            subscribed.dedup();
            let member = u32::try_from(index).unwrap_or(u32::MAX);
            for owned in &m.owned {
                let topic =
                    topic_number(&owned.topic)
                        .map(|t| &topics[t])
                        .ok_or_else(|| AssignError::UnknownTopic {
                            member: m.id.clone(),
                            what: "owns a partition of",
                            topic: crate::query::echo(&owned.topic),
                            known: names(),
                        })?;
                if owned.partition >= topic.partitions {
                    return Err(AssignError::UnknownPartition {
                        member: m.id.clone(),
                        topic: topic.name.clone(),
                        partition: owned.partition,
                        partitions: topic.partitions,
                    });
                }
                let slot = &mut previous[(topic.first + owned.partition) as usize];
                if *slot != NO_OWNER && *slot != member {
                    return Err(AssignError::TwoOwners {
                        topic: topic.name.clone(),
                        partition: owned.partition,
                        first: order[*slot as usize].id.clone(),
                        second: m.id.clone(),
                    });
                }
                *slot = member;
            }
            members.push(Member {
                id: m.id.clone(),
                topics: subscribed,
            });
        }
        Ok(Self {
            topics,
            members,
            previous,
        })
    }

    fn check_topics(specs: &[TopicSpec]) -> Result<Vec<Topic>, AssignError> {
        if specs.is_empty() {
            return Err(AssignError::NoTopics);
        }
        if specs.len() > MAX_TOPICS as usize {
            return Err(AssignError::TooManyTopics {
                topics: specs.len(),
                max: MAX_TOPICS,
            });
        }
        let mut sorted: Vec<&TopicSpec> = specs.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        let mut topics = Vec::with_capacity(sorted.len());
        let mut total: u64 = 0;
        for (i, t) in sorted.iter().enumerate() {
            if !legal_topic_name(&t.name) {
                return Err(AssignError::BadTopicName(crate::query::echo(&t.name)));
            }
            if i > 0 && sorted[i - 1].name == t.name {
                return Err(AssignError::DuplicateTopic(t.name.clone()));
            }
            if t.partitions == 0 {
                return Err(AssignError::NoPartitions(t.name.clone()));
            }
            let first = u32::try_from(total).unwrap_or(u32::MAX);
            total += u64::from(t.partitions);
            if total > u64::from(MAX_PARTITIONS) {
                return Err(AssignError::TooManyPartitions {
                    total,
                    max: MAX_PARTITIONS,
                });
            }
            topics.push(Topic {
                name: t.name.clone(),
                partitions: t.partitions,
                first,
            });
        }
        Ok(topics)
    }

    /// The same topics and members with a previous owner for every partition: `previous[p]` is
    /// a member's number, [`NO_OWNER`] or [`FORMER_MEMBER`] (a member that has left, whose
    /// partitions are orphans). The lab builds each generation's group this way.
    ///
    /// # Errors
    /// [`AssignError::PreviousLength`] when `previous` does not have one entry per partition, or
    /// [`AssignError::PreviousOwner`] when an entry names no member.
    pub fn with_previous(mut self, previous: Vec<u32>) -> Result<Self, AssignError> {
        if previous.len() != self.previous.len() {
            return Err(AssignError::PreviousLength {
                given: previous.len(),
                partitions: self.partitions(),
            });
        }
        let members = self.members();
        if let Some(&bad) = previous.iter().find(|&&o| o < FORMER_MEMBER && o >= members) {
            return Err(AssignError::PreviousOwner { owner: bad, members });
        }
        self.previous = previous;
        Ok(self)
    }

    /// The topics, sorted by name.
    #[must_use]
    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    /// The members, sorted by id.
    #[must_use]
    pub fn member_list(&self) -> &[Member] {
        &self.members
    }

    /// How many members the group has.
    #[must_use]
    pub fn members(&self) -> u32 {
        u32::try_from(self.members.len()).unwrap_or(u32::MAX)
    }

    /// How many partitions the topics have in all.
    #[must_use]
    pub fn partitions(&self) -> u32 {
        u32::try_from(self.previous.len()).unwrap_or(u32::MAX)
    }

    /// Each partition's previous owner.
    #[must_use]
    pub fn previous(&self) -> &[u32] {
        &self.previous
    }

    /// The topic number of global partition `p`.
    #[must_use]
    pub fn topic_of(&self, p: u32) -> u32 {
        let i = self.topics.partition_point(|t| t.first <= p);
        u32::try_from(i.saturating_sub(1)).unwrap_or(0)
    }

    /// The topic's name and the partition's number within it, for global partition `p`.
    #[must_use]
    pub fn name_of(&self, p: u32) -> (&str, u32) {
        let t = &self.topics[self.topic_of(p) as usize];
        (&t.name, p - t.first)
    }

    /// The previous owner of `p` when that member is still in the group and still subscribes to
    /// the partition's topic: the ownership a sticky assignor may keep.
    #[must_use]
    pub fn keepable_owner(&self, p: u32) -> Option<u32> {
        let owner = self.previous[p as usize];
        (owner < self.members() && self.members[owner as usize].subscribes(self.topic_of(p))).then_some(owner)
    }

    /// Each member's partitions under `a`, in the input's own form, members in id order: what
    /// `shardscope assign` prints, and, as each member's `owned`, the next rebalance's input.
    #[must_use]
    pub fn written(&self, a: &Assignment) -> Vec<MemberAssignment> {
        let mut lists: Vec<Vec<PartitionSpec>> = vec![Vec::new(); self.members.len()];
        for (p, &o) in (0u32..).zip(&a.owner) {
            if let Some(list) = lists.get_mut(o as usize) {
                let (topic, partition) = self.name_of(p);
                list.push(PartitionSpec {
                    topic: topic.to_owned(),
                    partition,
                });
            }
        }
        self.members
            .iter()
            .zip(lists)
            .map(|(m, partitions)| MemberAssignment {
                member: m.id.clone(),
                partitions,
            })
            .collect()
    }

    /// Whether every member subscribes to the same topics, the case where a balanced
    /// assignment's counts, and so the least movement, follow from the numbers alone.
    #[must_use]
    pub fn uniform(&self) -> bool {
        self.members.windows(2).all(|w| w[0].topics == w[1].topics)
    }

    /// Global partitions of the topics at least one member subscribes to, in order.
    fn subscribed_partitions(&self) -> Vec<u32> {
        let mut wanted = vec![false; self.topics.len()];
        for m in &self.members {
            for &t in &m.topics {
                wanted[t as usize] = true;
            }
        }
        self.topics
            .iter()
            .zip(&wanted)
            .filter(|(_, &w)| w)
            .flat_map(|(t, _)| t.first..t.first + t.partitions)
            .collect()
    }
}

/// The assignors: Kafka's four and a consistent-hashing one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Assignor {
    /// Kafka's `RangeAssignor`: each topic on its own, its partitions cut into contiguous
    /// ranges over the topic's members in id order, the first `P mod n` one longer.
    Range,
    /// Kafka's `RoundRobinAssignor`: every partition of every topic, sorted, dealt in turn to the
    /// members, skipping a member not subscribed to the partition's topic.
    RoundRobin,
    /// Kafka's `StickyAssignor`'s goals: balanced counts, then as many partitions kept by their
    /// owners as balance allows. Eager protocol: every member revokes everything first.
    Sticky,
    /// The same assignment as sticky, reached by Kafka's cooperative protocol: the first round
    /// revokes only the partitions that move, the second hands them to their new owners.
    CooperativeSticky,
    /// Members and partitions hashed onto a ring; a partition goes to the first subscribed
    /// member clockwise. Stable without any memory, but not balanced.
    ConsistentHash,
}

impl Choice for Assignor {
    const ALL: &'static [Self] = &[
        Self::Range,
        Self::RoundRobin,
        Self::Sticky,
        Self::CooperativeSticky,
        Self::ConsistentHash,
    ];

    fn slug(self) -> &'static str {
        match self {
            Self::Range => "range",
            Self::RoundRobin => "roundrobin",
            Self::Sticky => "sticky",
            Self::CooperativeSticky => "cooperative-sticky",
            Self::ConsistentHash => "consistent-hash",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Range => "Range",
            Self::RoundRobin => "Round-robin",
            Self::Sticky => "Sticky",
            Self::CooperativeSticky => "Cooperative sticky",
            Self::ConsistentHash => "Consistent hashing",
        }
    }
}

impl Assignor {
    /// Whether the assignor runs Kafka's eager protocol, where every member revokes all its
    /// partitions before the group is assigned again (all but cooperative-sticky).
    #[must_use]
    pub fn eager(self) -> bool {
        self != Self::CooperativeSticky
    }

    /// The owner of every partition of `group` under this assignor.
    #[must_use]
    pub fn assign(self, group: &Group) -> Assignment {
        let owner = match self {
            Self::Range => range::assign(group),
            Self::RoundRobin => round_robin::assign(group),
            Self::Sticky | Self::CooperativeSticky => sticky::assign(group),
            Self::ConsistentHash => ring::assign(group),
        };
        Assignment { owner }
    }

    /// The whole rebalance: the assignment, cooperative-sticky's first round when it revokes
    /// anything, and what it moved.
    #[must_use]
    pub fn plan(self, group: &Group) -> Plan {
        let target = self.assign(group);
        let first_round = (!self.eager()).then(|| first_round(group, &target)).flatten();
        let movement = Movement::of(group, &target, self.eager());
        Plan {
            assignor: self,
            target,
            first_round,
            movement,
        }
    }
}

/// Cooperative's first round: the target, less every partition still owned by another member,
/// which that member revokes in this round and its new owner gets in the second. `None` when
/// nothing is revoked, so one round is enough.
fn first_round(group: &Group, target: &Assignment) -> Option<Assignment> {
    let mut owner = target.owner.clone();
    let mut revoked = false;
    for (p, o) in owner.iter_mut().enumerate() {
        let prev = group.previous[p];
        if prev < group.members() && prev != *o {
            *o = NO_OWNER;
            revoked = true;
        }
    }
    revoked.then_some(Assignment { owner })
}

/// Which member owns each partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    owner: Vec<u32>,
}

impl Assignment {
    /// The owner of every global partition ([`NO_OWNER`] when nobody subscribes to its topic).
    #[must_use]
    pub fn owners(&self) -> &[u32] {
        &self.owner
    }

    /// How many partitions each of `members` owns.
    #[must_use]
    pub fn counts(&self, members: u32) -> Vec<u32> {
        let mut counts = vec![0u32; members as usize];
        for &o in &self.owner {
            if let Some(c) = counts.get_mut(o as usize) {
                *c += 1;
            }
        }
        counts
    }

    /// The global partitions member `m` owns, in order.
    #[must_use]
    pub fn partitions_of(&self, m: u32) -> Vec<u32> {
        (0..)
            .zip(&self.owner)
            .filter(|&(_, &o)| o == m)
            .map(|(p, _)| p)
            .collect()
    }
}

/// One assignor's rebalance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The assignor.
    pub assignor: Assignor,
    /// Who owns what when the rebalance is over.
    pub target: Assignment,
    /// Cooperative's first round, when it revokes anything.
    pub first_round: Option<Assignment>,
    /// What the rebalance moved.
    pub movement: Movement,
}

#[cfg(test)]
mod tests;
