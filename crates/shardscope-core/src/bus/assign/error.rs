//! Why a group cannot be assigned: each variant names what a person needs to fix the input.

use std::fmt;

use super::{MAX_MEMBER_ID, MAX_TOPIC_NAME};

/// Why a group's input was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssignError {
    /// The input names no topic.
    NoTopics,
    /// More topics than allowed.
    TooManyTopics {
        /// How many were given.
        topics: usize,
        /// The most allowed.
        max: u32,
    },
    /// A topic name Kafka would refuse (shown shortened).
    BadTopicName(String),
    /// A topic named twice.
    DuplicateTopic(String),
    /// A topic with no partitions.
    NoPartitions(String),
    /// More partitions in all than allowed.
    TooManyPartitions {
        /// How many the topics have, counted up to the first over the limit.
        total: u64,
        /// The most allowed.
        max: u32,
    },
    /// The input names no member.
    NoMembers,
    /// More members than allowed.
    TooManyMembers {
        /// How many were given.
        members: usize,
        /// The most allowed.
        max: u32,
    },
    /// An empty or overlong member id (shown shortened).
    BadMemberId(String),
    /// A member id given twice.
    DuplicateMember(String),
    /// A member subscribes to, or owns a partition of, a topic that does not exist.
    UnknownTopic {
        /// The member.
        member: String,
        /// What it did with the topic: "subscribes to" or "owns a partition of".
        what: &'static str,
        /// The topic it named.
        topic: String,
        /// The topics that exist, comma-separated.
        known: String,
    },
    /// A member owns a partition its topic does not have.
    UnknownPartition {
        /// The member.
        member: String,
        /// The topic.
        topic: String,
        /// The partition it claims.
        partition: u32,
        /// How many the topic has.
        partitions: u32,
    },
    /// Two members claim the same partition.
    TwoOwners {
        /// The topic.
        topic: String,
        /// The partition.
        partition: u32,
        /// The first member, in id order.
        first: String,
        /// The second.
        second: String,
    },
    /// A list of previous owners of the wrong length.
    PreviousLength {
        /// Its length.
        given: usize,
        /// The partitions.
        partitions: u32,
    },
    /// A previous owner that is not a member.
    PreviousOwner {
        /// The number given.
        owner: u32,
        /// How many members there are.
        members: u32,
    },
}

impl fmt::Display for AssignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoTopics => write!(f, "there are no topics: give at least one, with its partition count"),
            Self::TooManyTopics { topics, max } => write!(f, "{topics} topics is more than the {max} allowed"),
            Self::BadTopicName(name) => write!(
                f,
                "\"{name}\" is not a legal topic name: 1 to {MAX_TOPIC_NAME} ASCII letters, digits, '.', '_' or '-' (not \".\" or \"..\")"
            ),
            Self::DuplicateTopic(name) => write!(f, "topic {name} is listed twice"),
            Self::NoPartitions(name) => write!(f, "topic {name} has 0 partitions; a topic has at least 1"),
            Self::TooManyPartitions { total, max } => {
                write!(f, "the topics have at least {total} partitions in all, more than the {max} allowed")
            }
            Self::NoMembers => write!(f, "the group has no members: give at least one"),
            Self::TooManyMembers { members, max } => write!(f, "{members} members is more than the {max} allowed"),
            Self::BadMemberId(id) => {
                write!(f, "member id \"{id}\" is not allowed: it must be 1 to {MAX_MEMBER_ID} bytes")
            }
            Self::DuplicateMember(id) => write!(f, "member {id} is listed twice"),
            Self::UnknownTopic { member, what, topic, known } => {
                write!(f, "member {member} {what} {topic}, which is not among the topics ({known})")
            }
            Self::UnknownPartition { member, topic, partition, partitions } => write!(
                f,
                "member {member} owns {topic}-{partition}, but {topic} has {partitions} partition{} (0 to {})",
                if *partitions == 1 { "" } else { "s" },
                partitions - 1
            ),
            Self::TwoOwners { topic, partition, first, second } => {
                write!(f, "{topic}-{partition} is owned by both {first} and {second}; a partition has one owner")
            }
            Self::PreviousLength { given, partitions } => {
                write!(f, "{given} previous owners given for {partitions} partitions")
            }
            Self::PreviousOwner { owner, members } => {
                write!(f, "previous owner {owner} is not a member (there are {members})")
            }
        }
    }
}

impl std::error::Error for AssignError {}
