//! The "Cache cluster" lab: cache nodes behind a placement algorithm (up to three side by side on
//! the same requests), the database's load over time when a node is lost, a celebrity key's
//! node overloaded, and the mitigations measured: hot-key replication, a local cache on each app
//! server, request coalescing.
//!
//! This module holds the lab's state (what its permalink stores), commands and presets; `job`
//! runs the simulations in bounded steps and measures them beside theory.

use serde::{Deserialize, Serialize};

use super::cache::{alpha_from, alpha_text};
pub use super::Preset;
use super::{read_fields, set_field, set_number, toggle, FieldSpec, LabParams};
use crate::cache::Policy;
use crate::placement::Algorithm;
use crate::query::{list, to_query, Choice, Problem, Query};

mod job;

pub use job::{AlgorithmReport, Bucket, Job, Report};

/// The permalink format version.
pub const VERSION: u32 = 1;
/// The most placement algorithms compared at once.
pub const MAX_ALGORITHMS: usize = 3;
/// The most requests in a run (rate × seconds).
pub const MAX_REQUESTS: u64 = 10_000_000;
/// The most object slots all caches may index together, `(nodes + local caches) × objects`,
/// which bounds memory (about 16 bytes a slot).
pub const MAX_SLOTS: u64 = 8_000_000;
/// The placement algorithms a cluster can use: every one but bounded loads, whose placement
/// depends on the order keys arrive in.
pub const ALGORITHMS: [Algorithm; 7] = [
    Algorithm::ModN,
    Algorithm::Ring,
    Algorithm::Rendezvous,
    Algorithm::Jump,
    Algorithm::Maglev,
    Algorithm::MultiProbe,
    Algorithm::Anchor,
];

/// A numeric setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    /// Cache nodes.
    Nodes,
    /// Objects each node holds.
    Capacity,
    /// Popular objects.
    Objects,
    /// Requests per second.
    Rate,
    /// Seconds simulated.
    Seconds,
    /// When a node is lost, in ms (0: never).
    FailMs,
    /// When it comes back, in ms (0: never).
    BackMs,
    /// Percent of requests to the celebrity key.
    HotPercent,
    /// Copies of each hot key.
    Replicas,
    /// Popular objects replicated besides the celebrity.
    HotKeys,
    /// App servers.
    Apps,
    /// Each app server's local cache, in objects (0: none).
    Local,
    /// The local copies' time to live, in ms.
    TtlMs,
    /// The database's answer time, in ms.
    FetchMs,
    /// The database's capacity, in fetches per second.
    DbRps,
}

/// Each numeric setting: its permalink name, what people call it, its range and its default.
pub const FIELDS: [FieldSpec<Field>; 15] = [
    (Field::Nodes, "nodes", "cache nodes", 2, 64, 10),
    (Field::Capacity, "capacity", "objects per node", 1, 1_000_000, 5_000),
    (Field::Objects, "objects", "objects", 1, 1_000_000, 100_000),
    (Field::Rate, "rate", "requests per second", 100, 1_000_000, 100_000),
    (Field::Seconds, "seconds", "seconds", 1, 600, 60),
    (Field::FailMs, "fail", "node loss (ms; 0 = never)", 0, 600_000, 20_000),
    (Field::BackMs, "back", "node back (ms; 0 = never)", 0, 600_000, 0),
    (Field::HotPercent, "hot", "celebrity key (% of requests)", 0, 90, 0),
    (Field::Replicas, "replicas", "copies of a hot key", 1, 64, 1),
    (Field::HotKeys, "hotkeys", "popular objects replicated", 0, 1_000, 0),
    (Field::Apps, "apps", "app servers", 1, 64, 10),
    (
        Field::Local,
        "local",
        "local cache per app server (objects; 0 = none)",
        0,
        10_000,
        0,
    ),
    (
        Field::TtlMs,
        "ttl",
        "local copies' time to live (ms)",
        10,
        600_000,
        1_000,
    ),
    (Field::FetchMs, "fetch", "database answer time (ms)", 0, 10_000, 20),
    (
        Field::DbRps,
        "db",
        "database capacity (fetches per second)",
        1,
        10_000_000,
        20_000,
    ),
];

/// The permalink parameters, in the order they are written.
pub const PARAMS: [&str; 21] = [
    "v", "alg", "policy", "nodes", "capacity", "objects", "alpha", "rate", "seconds", "fail", "back", "hot",
    "replicas", "hotkeys", "apps", "local", "ttl", "coalesce", "fetch", "db", "seed",
];

/// The lab's whole state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Placement algorithms compared, one to [`MAX_ALGORITHMS`], each from [`ALGORITHMS`].
    pub algorithms: Vec<Algorithm>,
    /// Each node's eviction policy (any but OPT).
    pub policy: Policy,
    /// Zipf's α in hundredths, `0..=200`.
    pub alpha_centi: u32,
    /// Whether misses for a key being fetched wait for that fetch.
    pub coalesce: bool,
    /// The numeric settings, in [`FIELDS`] order.
    pub values: [u32; 15],
    /// Seeds the requests and the placements.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            algorithms: vec![Algorithm::Ring, Algorithm::ModN],
            policy: Policy::Lru,
            alpha_centi: 90,
            coalesce: false,
            values: FIELDS.map(|f| f.5),
            seed: 42,
        }
    }
}

fn index(field: Field) -> usize {
    FIELDS.iter().position(|f| f.0 == field).expect("every field is listed")
}

impl Params {
    /// The value of a numeric setting.
    #[must_use]
    pub fn get(&self, field: Field) -> u32 {
        self.values[index(field)]
    }

    fn put(&mut self, field: Field, value: u32) {
        self.values[index(field)] = value;
    }

    /// [`LabParams::from_query_ignoring`] with nothing ignored.
    #[must_use]
    pub fn from_query(input: &str) -> (Self, Vec<Problem>) {
        <Self as LabParams>::from_query_ignoring(input, &[])
    }

    /// Requests in the run.
    #[must_use]
    pub fn requests(&self) -> u64 {
        u64::from(self.get(Field::Rate)) * u64::from(self.get(Field::Seconds))
    }

    /// Object slots the caches index together.
    #[must_use]
    pub fn slots(&self) -> u64 {
        let locals = if self.get(Field::Local) > 0 {
            self.get(Field::Apps)
        } else {
            0
        };
        u64::from(self.get(Field::Nodes) + locals) * (u64::from(self.get(Field::Objects)) + 1)
    }

    /// Brings settings that depend on each other back in range, saying what changed.
    fn repair(&mut self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.requests() > MAX_REQUESTS {
            let seconds = u32::try_from(MAX_REQUESTS / u64::from(self.get(Field::Rate))).expect("at most 600");
            notes.push(format!(
                "{} requests per second for {} s is more than {} requests; using {seconds} s",
                self.get(Field::Rate),
                self.get(Field::Seconds),
                MAX_REQUESTS
            ));
            self.put(Field::Seconds, seconds.max(1));
        }
        if self.slots() > MAX_SLOTS {
            let caches = self.slots() / (u64::from(self.get(Field::Objects)) + 1);
            let objects = u32::try_from(MAX_SLOTS / caches - 1).expect("below the objects");
            notes.push(format!(
                "{caches} caches over {} objects need more memory than a browser tab should take; using {objects} objects",
                self.get(Field::Objects)
            ));
            self.put(Field::Objects, objects);
        }
        let end = self.get(Field::Seconds).saturating_mul(1_000);
        for field in [Field::FailMs, Field::BackMs] {
            if self.get(field) >= end {
                notes.push(format!(
                    "{} ms is not within the {} s run; {}",
                    self.get(field),
                    self.get(Field::Seconds),
                    if field == Field::FailMs {
                        "no node is lost"
                    } else {
                        "the node never comes back"
                    }
                ));
                self.put(field, 0);
            }
        }
        let (fail, back) = (self.get(Field::FailMs), self.get(Field::BackMs));
        if back > 0 && (fail == 0 || back <= fail) {
            notes.push(format!(
                "a node comes back at {back} ms only after one is lost; it never comes back"
            ));
            self.put(Field::BackMs, 0);
        }
        if self.get(Field::Replicas) > self.get(Field::Nodes) {
            notes.push(format!(
                "{} copies of a key on {} nodes; using {}",
                self.get(Field::Replicas),
                self.get(Field::Nodes),
                self.get(Field::Nodes)
            ));
            self.put(Field::Replicas, self.get(Field::Nodes));
        }
        notes
    }
}

/// The presets a teacher would use, in the order the lab lists them.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "Losing one of ten cache nodes",
        lesson: "Ten LRU nodes of 5,000 objects serve 100,000 Zipf(0.9) requests a second over 100,000 objects: they hit 86.5 % (Che: 86.5 %) and the database answers 13,600 fetches a second. At 20 s node 0 is lost. Under the ring 11 % of the keys move (consistent hashing promises 1/N, 10 %): the database peaks at 24,300 fetches a second and settles within 0.2 s at 15,500, since nine nodes hold less. Under hash mod N 90 % of the keys move: it peaks at 92,700 a second, 4.6 times its capacity of 20,000, and takes 1.5 s and 18,253 extra fetches to settle.",
        query: "v=1&alg=ring,modn&policy=lru&nodes=10&capacity=5000&objects=100000&alpha=0.9&rate=100000&seconds=60&fail=20000&back=0&hot=0&replicas=1&hotkeys=0&apps=10&local=0&ttl=1000&coalesce=0&fetch=20&db=20000&seed=42",
    },
    Preset {
        name: "The celebrity key",
        lesson: "One key gets 10 % of all requests. Whichever algorithm places it, its node serves about twice the mean of 10,000 requests a second: 19,398 under the ring, 20,920 under rendezvous, 21,590 under jump hash (placement predicts 19,411, 20,921 and 21,607). Consistent hashing spreads keys evenly, not requests.",
        query: "v=1&alg=ring,hrw,jump&policy=lru&nodes=10&capacity=5000&objects=100000&alpha=0.9&rate=100000&seconds=60&fail=0&back=0&hot=10&replicas=1&hotkeys=0&apps=10&local=0&ttl=1000&coalesce=0&fetch=20&db=20000&seed=42",
    },
    Preset {
        name: "Replicate the hot keys",
        lesson: "The same celebrity stored under eight suffixed keys that the ring spreads, and the ten most popular objects likewise; each request picks a copy at random. The busiest node drops from 19,398 to 12,015 requests a second, and the hit ratio stays at 87.8 %, since every copy is hot enough to stay cached.",
        query: "v=1&alg=ring&policy=lru&nodes=10&capacity=5000&objects=100000&alpha=0.9&rate=100000&seconds=60&fail=0&back=0&hot=10&replicas=8&hotkeys=10&apps=10&local=0&ttl=1000&coalesce=0&fetch=20&db=20000&seed=42",
    },
    Preset {
        name: "A local cache on every app server",
        lesson: "Each of the ten app servers keeps its 100 most recent objects for one second. They answer 24 % of the requests (1,439,877 of 6,000,000) before any reaches the cluster, the celebrity's among them: the busiest node drops from 19,398 to 8,562 requests a second. Che's formula is not drawn, because the local caches change the requests the nodes see.",
        query: "v=1&alg=ring&policy=lru&nodes=10&capacity=5000&objects=100000&alpha=0.9&rate=100000&seconds=60&fail=0&back=0&hot=10&replicas=1&hotkeys=0&apps=10&local=100&ttl=1000&coalesce=0&fetch=20&db=20000&seed=42",
    },
    Preset {
        name: "The celebrity's node is lost",
        lesson: "At 20 s the node holding the celebrity key is lost, and the database takes 100 ms to answer. Every request for a key that is already being fetched sends one more fetch, so the database peaks at 32,000 fetches a second, above the 29,261 that one fetch per miss would cost, and 2,201 extra fetches go out before it settles.",
        query: "v=1&alg=ring&policy=lru&nodes=10&capacity=5000&objects=100000&alpha=0.9&rate=100000&seconds=60&fail=20000&back=0&hot=10&replicas=1&hotkeys=0&apps=10&local=0&ttl=1000&coalesce=0&fetch=100&db=20000&seed=42",
    },
    Preset {
        name: "Request coalescing tames the herd",
        lesson: "The same loss, but a miss for a key already being fetched waits for that fetch. 35,980 requests waited instead of asking the database, whose peak falls to 18,400 fetches a second, under its capacity of 20,000, with 232 extra fetches. Coalescing also merges ordinary concurrent misses: the steady rate drops from 12,200 to 11,800.",
        query: "v=1&alg=ring&policy=lru&nodes=10&capacity=5000&objects=100000&alpha=0.9&rate=100000&seconds=60&fail=20000&back=0&hot=10&replicas=1&hotkeys=0&apps=10&local=0&ttl=1000&coalesce=1&fetch=100&db=20000&seed=42",
    },
];

/// What a user can do in the lab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Compare this placement algorithm or stop comparing it (one stays; at most three).
    Toggle(Algorithm),
    /// Set the nodes' policy.
    SetPolicy(Policy),
    /// Set α in hundredths.
    SetAlpha(u32),
    /// Set a numeric setting.
    Set(Field, u32),
    /// Coalesce concurrent misses, or not.
    SetCoalesce(bool),
    /// Set the seed.
    SetSeed(u64),
    /// Replace the whole state (a permalink was opened).
    Load(Params),
}

/// The lab's model.
pub type Model = super::Model<Params>;

impl LabParams for Params {
    type Command = Command;
    const SLUG: &'static str = "cache-cluster";

    /// The permalink query string, versioned.
    ///
    /// ```
    /// use shardscope_core::labs::{cache_cluster::Params, LabParams};
    /// let p = Params::default();
    /// assert_eq!(Params::from_query(&p.to_query()), (p, vec![]));
    /// ```
    fn to_query(&self) -> String {
        let mut pairs = vec![
            ("v", VERSION.to_string()),
            (
                "alg",
                self.algorithms.iter().map(|a| a.slug()).collect::<Vec<_>>().join(","),
            ),
            ("policy", self.policy.slug().to_string()),
            ("alpha", alpha_text(self.alpha_centi)),
            ("coalesce", u32::from(self.coalesce).to_string()),
            ("seed", self.seed.to_string()),
        ];
        pairs.extend(FIELDS.iter().map(|f| (f.1, self.get(f.0).to_string())));
        pairs.sort_by_key(|(name, _)| PARAMS.iter().position(|p| p == name));
        to_query(&pairs)
    }

    fn from_query_ignoring(input: &str, ignore: &[&str]) -> (Self, Vec<Problem>) {
        let d = Self::default();
        let (query, mut problems) = Query::parse_versioned(input, VERSION, &PARAMS, ignore);
        let Some(q) = query else {
            return (d, problems);
        };
        let p = &mut problems;
        let parse_algorithm = |s: &str| Algorithm::from_slug(s).filter(|a| ALGORITHMS.contains(a));
        let mut algorithms = match q.get("alg") {
            Some(raw) => list(
                "alg",
                raw,
                MAX_ALGORITHMS,
                "algorithms",
                "a cluster's placement algorithm",
                parse_algorithm,
                p,
            ),
            None => d.algorithms.clone(),
        };
        let mut seen = Vec::new();
        algorithms.retain(|a| {
            let fresh = !seen.contains(a);
            seen.push(*a);
            fresh
        });
        if algorithms.is_empty() {
            algorithms.push(Algorithm::Ring);
        }
        let mut policy = q.choice("policy", d.policy, p);
        if policy == Policy::Opt {
            p.push(Problem {
                field: "policy".into(),
                message: "OPT needs the future, which a live cluster does not have; using LRU".into(),
            });
            policy = Policy::Lru;
        }
        let alpha_centi = alpha_from(&q, d.alpha_centi, p);
        let values = read_fields(&q, &FIELDS, p);
        let mut params = Self {
            algorithms,
            policy,
            alpha_centi,
            coalesce: q.int_clamped("coalesce", 0..=1, 0, p) == 1,
            values,
            seed: q.int_in("seed", 0..=u64::MAX, d.seed, p),
        };
        problems.extend(params.repair().into_iter().map(Problem::with_params));
        (params, problems)
    }

    fn load(params: Self) -> Command {
        Command::Load(params)
    }

    /// Applies a command. A value out of range is refused with a notice naming the range.
    ///
    /// ```
    /// use shardscope_core::labs::cache_cluster::{Command, Field, Model};
    /// let mut m = Model::default();
    /// m.apply(Command::Set(Field::Nodes, 1));
    /// assert!(m.notice.as_deref().unwrap().contains("cache nodes must be 2–64"));
    /// m.apply(Command::Set(Field::Nodes, 20));
    /// assert_eq!(m.params.get(Field::Nodes), 20);
    /// ```
    fn apply(&mut self, command: Command) -> Option<String> {
        let mut p = self.clone();
        let mut notice = None;
        match command {
            // Only the cluster's algorithms have boxes; another is never offered.
            Command::Toggle(a) if ALGORITHMS.contains(&a) => {
                let rank = |x: &Algorithm| ALGORITHMS.iter().position(|y| y == x);
                notice = toggle(
                    &mut p.algorithms,
                    a,
                    MAX_ALGORITHMS,
                    ("placement algorithm", "algorithms"),
                    rank,
                )
                .err();
            }
            Command::Toggle(_) => {}
            Command::SetPolicy(Policy::Opt) => {
                notice = Some("OPT needs the future, which a live cluster does not have".into());
            }
            Command::SetPolicy(policy) => p.policy = policy,
            Command::SetAlpha(a) => {
                notice = set_number(&mut p, ("α × 100", a, 0..=200, |p, v| p.alpha_centi = v)).err();
            }
            Command::Set(field, value) => notice = set_field(&FIELDS, &mut p.values, field, value).err(),
            Command::SetCoalesce(on) => p.coalesce = on,
            Command::SetSeed(s) => p.seed = s,
            Command::Load(params) => p = params,
        }
        if let Some(note) = p.repair().into_iter().next() {
            notice = Some(note);
        }
        *self = p;
        notice
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_reads_without_a_problem() {
        crate::labs::assert_presets_read_cleanly::<Params>(PRESETS);
    }

    #[test]
    fn bad_links_are_named_and_clamped() {
        let (p, problems) =
            Params::from_query("v=1&alg=ring,bounded,xyz&policy=opt&nodes=0&rate=1000000&seconds=600&fail=999999");
        assert_eq!(p.algorithms, vec![Algorithm::Ring]);
        assert_eq!(p.policy, Policy::Lru);
        assert_eq!(p.get(Field::Nodes), 2);
        assert!(p.requests() <= MAX_REQUESTS);
        let text = format!("{problems:?}");
        for word in ["bounded", "xyz", "OPT", "nodes", "more than", "fail"] {
            assert!(text.contains(word), "{word}: {text}");
        }
    }
}
