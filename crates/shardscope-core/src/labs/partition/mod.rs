//! The "Partition" lab: the CAP theorem operation by operation. A cluster replicates registers
//! (leaderless N/R/W or ABD); a nemesis cuts links, splits the cluster, crashes nodes; clients read
//! and write; the history is checked for linearizability and every operation's outcome shown.

use super::LabParams;
pub use super::Preset;

mod links;
mod presets;
mod report;

use links::{list, nemesis_slug, parse_nemesis};

use crate::partition::{workload, Config, Level, Mode, Nemesis, Node, Request, Tick};
use crate::query::{to_query, Choice, Problem, Query};
pub use presets::PRESETS;
pub use report::{end_tick, report, state_at, Report};

/// The permalink format version this code writes and reads.
pub const VERSION: u32 = 1;
/// The most scripted operations (the checker stays well under a millisecond at this size).
pub const MAX_OPS: u32 = 300;
/// The most hand-made requests and nemesis events each.
pub const MAX_ITEMS: usize = 64;
/// The latest tick an event may be scheduled at.
pub const MAX_TICK: Tick = 100_000;
/// Value written by the `i`-th hand-made write: apart from the scripted writes' values.
pub const MANUAL_BASE: u64 = 1_000;
/// The permalink parameters, in the order they are written.
pub const PARAMS: [&str; 23] = [
    "v", "mode", "nodes", "dcs", "n", "rl", "wl", "rr", "sloppy", "vv", "sync", "fr", "lat", "rlat", "loss", "timeout",
    "seed", "ops", "spacing", "keys", "req", "nem", "at",
];

/// The replication mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModeChoice {
    /// Leaderless quorums (Dynamo, Cassandra): available, not linearizable.
    Leaderless,
    /// ABD: linearizable, unavailable without a majority.
    Abd,
    /// One leader orders writes; followers copy them.
    Leader,
}

impl Choice for ModeChoice {
    const ALL: &'static [Self] = &[Self::Leaderless, Self::Abd, Self::Leader];
    fn slug(self) -> &'static str {
        match self {
            Self::Leaderless => "leaderless",
            Self::Abd => "abd",
            Self::Leader => "leader",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Leaderless => "Leaderless quorums (Dynamo/Cassandra)",
            Self::Abd => "Linearizable quorum register (ABD)",
            Self::Leader => "Leader–follower",
        }
    }
}

/// A consistency level of the leaderless mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LevelChoice {
    /// One replica.
    One,
    /// A majority of the N replicas.
    Quorum,
    /// All N replicas.
    All,
    /// A majority of the replicas in the coordinator's datacenter.
    LocalQuorum,
}

impl Choice for LevelChoice {
    const ALL: &'static [Self] = &[Self::One, Self::Quorum, Self::All, Self::LocalQuorum];
    fn slug(self) -> &'static str {
        match self {
            Self::One => "one",
            Self::Quorum => "quorum",
            Self::All => "all",
            Self::LocalQuorum => "local_quorum",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::One => "ONE",
            Self::Quorum => "QUORUM",
            Self::All => "ALL",
            Self::LocalQuorum => "LOCAL_QUORUM",
        }
    }
}

impl LevelChoice {
    fn level(self, n: u32) -> Level {
        match self {
            Self::One => Level::Count(1),
            Self::Quorum => Level::Count(n / 2 + 1),
            Self::All => Level::Count(n),
            Self::LocalQuorum => Level::LocalQuorum,
        }
    }
}

/// The lab's whole state: everything its permalink stores.
// Each flag is an independent switch a person flips (and a permalink field); an enum of their
// combinations would be harder to read, not safer.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Replication mode.
    pub mode: ModeChoice,
    /// Nodes, 2–9.
    pub nodes: u32,
    /// Datacenters, 1–3 (node i is in datacenter i mod dcs).
    pub dcs: u32,
    /// Leaderless: replicas per key, 1..=nodes.
    pub n: u32,
    /// Leaderless: the read level.
    pub read: LevelChoice,
    /// Leaderless: the write level.
    pub write: LevelChoice,
    /// Leaderless: read repair.
    pub read_repair: bool,
    /// Leaderless: sloppy quorum with hinted handoff.
    pub sloppy: bool,
    /// Leaderless: version vectors with siblings instead of last-write-wins.
    pub siblings: bool,
    /// Leader–follower: acknowledge writes only once every follower has them.
    pub sync: bool,
    /// Leader–follower: answer reads from the client's own node.
    pub follower_reads: bool,
    /// One-way latency within a datacenter (ticks).
    pub latency: Tick,
    /// One-way latency between datacenters (ticks).
    pub remote_latency: Tick,
    /// Percent of messages lost.
    pub loss: u32,
    /// Ticks a coordinator waits before answering "unavailable".
    pub timeout: Tick,
    /// Seeds the workload and message loss.
    pub seed: u64,
    /// Scripted operations.
    pub ops: u32,
    /// Ticks between scripted operations.
    pub spacing: Tick,
    /// Registers the scripted workload uses.
    pub keys: u32,
    /// Hand-made requests (key 0 unless given).
    pub requests: Vec<Request>,
    /// The nemesis schedule.
    pub nemesis: Vec<(Tick, Nemesis)>,
    /// The time shown (`None`: the end of the run).
    pub at: Option<Tick>,
}

impl Default for Params {
    fn default() -> Self {
        Self::from_query(PRESETS[0].query).0
    }
}

/// What a user can do in the lab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Choose the mode.
    SetMode(ModeChoice),
    /// Set a number field (name as in the permalink) to a value.
    SetNumber(&'static str, u64),
    /// Choose the read level.
    SetRead(LevelChoice),
    /// Choose the write level.
    SetWrite(LevelChoice),
    /// Switch read repair.
    SetReadRepair(bool),
    /// Switch sloppy quorums with hinted handoff (leaderless).
    SetSloppy(bool),
    /// Switch version vectors with siblings (leaderless).
    SetSiblings(bool),
    /// Switch synchronous replication (leader–follower).
    SetSync(bool),
    /// Switch follower reads (leader–follower).
    SetFollowerReads(bool),
    /// Make this node the leader at the shown time.
    Failover(Node),
    /// Cut the link between two nodes at the shown time, or heal it if it is cut then.
    ToggleLink(Node, Node),
    /// Crash a node at the shown time, or restart it if it is down then.
    ToggleNode(Node),
    /// Cut a datacenter off from the others at the shown time.
    Isolate(u32),
    /// Split the nodes into these groups at the shown time (`groups[i]` is node i's group; only
    /// nodes in one group can talk).
    Split(Vec<u32>),
    /// Heal every link at the shown time.
    HealAll,
    /// A client at this node writes (`true`) or reads register 0 at the shown time.
    Request(Node, bool),
    /// Forget the nemesis schedule and the hand-made requests.
    Clear,
    /// Show this tick (`None`: the end).
    ShowAt(Option<Tick>),
    /// Replace the whole state.
    Load(Params),
}

/// The lab's model.
pub type Model = super::Model<Params>;

impl Params {
    /// [`LabParams::from_query_ignoring`] with nothing ignored.
    #[must_use]
    pub fn from_query(input: &str) -> (Self, Vec<Problem>) {
        <Self as LabParams>::from_query_ignoring(input, &[])
    }

    /// The simulation configuration.
    #[must_use]
    pub fn config(&self) -> Config {
        Config {
            nodes: self.nodes,
            dcs: self.dcs,
            local_latency: self.latency,
            remote_latency: self.remote_latency,
            loss_percent: self.loss,
            timeout: self.timeout,
            mode: match self.mode {
                ModeChoice::Abd => Mode::Abd,
                ModeChoice::Leader => Mode::LeaderFollower {
                    sync: self.sync,
                    follower_reads: self.follower_reads,
                },
                ModeChoice::Leaderless => Mode::Leaderless {
                    n: self.n,
                    r: self.read.level(self.n),
                    w: self.write.level(self.n),
                    read_repair: self.read_repair,
                    sloppy: self.sloppy,
                    siblings: self.siblings,
                },
            },
            seed: self.seed,
        }
    }

    /// Every request: the scripted workload, then the hand-made ones.
    #[must_use]
    pub fn all_requests(&self) -> Vec<Request> {
        let mut all = workload(self.seed, self.nodes, self.keys, self.ops, self.spacing);
        all.extend(self.requests.iter().copied());
        all
    }

    /// The quorum arithmetic, in words.
    #[must_use]
    pub fn arithmetic(&self) -> String {
        match self.mode {
            ModeChoice::Leader => format!(
                "One leader (node 0 until a failover) orders every write. {} {}",
                if self.sync {
                    "Synchronous: a write is acknowledged once every follower has it, so one unreachable follower stops all writes."
                } else {
                    "Asynchronous: the leader acknowledges at once and copies later; a failover before the copy arrives loses acknowledged writes."
                },
                if self.follower_reads {
                    "Reads are answered by the client's own node, which may lag behind the leader."
                } else {
                    "Reads go to the leader."
                }
            ),
            ModeChoice::Abd => format!(
                "ABD waits for a majority, {} of {} nodes, twice per operation: any two majorities share a node, and reads write back what they return, so every history is linearizable. Without a majority an operation cannot finish.",
                self.nodes / 2 + 1,
                self.nodes
            ),
            ModeChoice::Leaderless => {
                let count = |l: LevelChoice| match l.level(self.n) {
                    Level::Count(k) => Some(k),
                    Level::LocalQuorum => None,
                };
                match (count(self.read), count(self.write)) {
                    (Some(r), Some(w)) if r + w > self.n => format!(
                        "R + W = {r} + {w} = {} > N = {}: every read quorum meets every write quorum, so a read sees every write that completed before it began; without write-back, reads concurrent with a write can still disagree.",
                        r + w,
                        self.n
                    ),
                    (Some(r), Some(w)) => format!(
                        "R + W = {r} + {w} = {} ≤ N = {}: a read quorum can miss a completed write's replicas entirely, so stale reads are possible even without a partition.",
                        r + w,
                        self.n
                    ),
                    _ => "LOCAL_QUORUM counts only replicas in the coordinator's datacenter: each datacenter answers on its own, so a read in one datacenter can miss a write completed in another.".into(),
                }
            }
        }
    }

    fn repair(&mut self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.dcs > self.nodes {
            notes.push(format!(
                "{} datacenters for {} nodes; using {}",
                self.dcs, self.nodes, self.nodes
            ));
            self.dcs = self.nodes;
        }
        if self.n > self.nodes {
            notes.push(format!(
                "N = {} is more than the {} nodes; using N = {}",
                self.n, self.nodes, self.nodes
            ));
            self.n = self.nodes;
        }
        let count = self.nodes;
        let before = (self.requests.len(), self.nemesis.len());
        self.requests.retain(|r| r.node < count);
        self.nemesis.retain(|(_, n)| match n {
            Nemesis::Cut(a, b) | Nemesis::Heal(a, b) => *a < count && *b < count,
            Nemesis::Crash(a) | Nemesis::Restart(a) | Nemesis::Failover(a) => *a < count,
            Nemesis::Split(g) => g.len() == count as usize,
            Nemesis::HealAll => true,
        });
        if (self.requests.len(), self.nemesis.len()) != before {
            notes.push("requests and nemesis events for nodes that no longer exist were dropped".into());
        }
        notes
    }
}

impl LabParams for Params {
    type Command = Command;
    const SLUG: &'static str = "partition";

    /// The permalink query string, versioned.
    ///
    /// ```
    /// use shardscope_core::labs::{partition::{Params, PRESETS}, LabParams};
    /// let (p, problems) = Params::from_query(PRESETS[0].query);
    /// assert!(problems.is_empty());
    /// assert_eq!(Params::from_query(&p.to_query()), (p, vec![]));
    /// ```
    fn to_query(&self) -> String {
        let mut pairs = vec![
            ("v", VERSION.to_string()),
            ("mode", self.mode.slug().into()),
            ("nodes", self.nodes.to_string()),
            ("dcs", self.dcs.to_string()),
            ("n", self.n.to_string()),
            ("rl", self.read.slug().into()),
            ("wl", self.write.slug().into()),
            ("rr", u32::from(self.read_repair).to_string()),
            ("sloppy", u32::from(self.sloppy).to_string()),
            ("vv", u32::from(self.siblings).to_string()),
            ("sync", u32::from(self.sync).to_string()),
            ("fr", u32::from(self.follower_reads).to_string()),
            ("lat", self.latency.to_string()),
            ("rlat", self.remote_latency.to_string()),
            ("loss", self.loss.to_string()),
            ("timeout", self.timeout.to_string()),
            ("seed", self.seed.to_string()),
            ("ops", self.ops.to_string()),
            ("spacing", self.spacing.to_string()),
            ("keys", self.keys.to_string()),
            (
                "req",
                self.requests
                    .iter()
                    .map(|r| format!("{}:{}:{}", r.at, r.node, if r.write.is_some() { "w" } else { "r" }))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            (
                "nem",
                self.nemesis
                    .iter()
                    .map(|(t, n)| format!("{t}:{}", nemesis_slug(n)))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ];
        if let Some(at) = self.at {
            pairs.push(("at", at.to_string()));
        }
        to_query(&pairs)
    }

    /// Reads a permalink: numbers are clamped into range, unknown modes, levels, requests and
    /// nemesis events are named and replaced or left out.
    fn from_query_ignoring(input: &str, ignore: &[&str]) -> (Self, Vec<Problem>) {
        let (query, mut problems) = Query::parse_versioned(input, VERSION, &PARAMS, ignore);
        let q = query.unwrap_or_else(|| Query::parse(""));
        let p = &mut problems;
        let nodes = q.int_clamped("nodes", 2..=9, 3, p);
        let dcs = q.int_clamped("dcs", 1..=3, 1, p);
        let mut params = Self {
            mode: q.choice("mode", ModeChoice::Leaderless, p),
            nodes,
            dcs,
            n: q.int_clamped("n", 1..=9, 3, p),
            read: q.choice("rl", LevelChoice::Quorum, p),
            write: q.choice("wl", LevelChoice::Quorum, p),
            read_repair: q.int_clamped("rr", 0..=1, 0, p) == 1,
            sloppy: q.int_clamped("sloppy", 0..=1, 0, p) == 1,
            siblings: q.int_clamped("vv", 0..=1, 0, p) == 1,
            sync: q.int_clamped("sync", 0..=1, 0, p) == 1,
            follower_reads: q.int_clamped("fr", 0..=1, 0, p) == 1,
            latency: q.int_clamped("lat", 1..=100, 2, p),
            remote_latency: q.int_clamped("rlat", 1..=500, 10, p),
            loss: q.int_clamped("loss", 0..=50, 0, p),
            timeout: q.int_clamped("timeout", 5..=2_000, 60, p),
            seed: q.int_in("seed", 0..=u64::MAX, 1, p),
            // A lab opened bare shows traffic at once: a dozen scripted operations.
            ops: q.int_clamped("ops", 0..=MAX_OPS, 12, p),
            spacing: q.int_clamped("spacing", 1..=100, 10, p),
            keys: q.int_clamped("keys", 1..=4, 1, p),
            requests: Vec::new(),
            nemesis: Vec::new(),
            at: None,
        };
        let manual = |raw: &str| {
            let parts: Vec<&str> = raw.split(':').collect();
            let (at, node, kind) = match parts.as_slice() {
                [at, node, kind] => (at.parse::<Tick>().ok()?, node.parse::<u32>().ok()?, *kind),
                _ => return None,
            };
            (at <= MAX_TICK && node < nodes && (kind == "w" || kind == "r")).then_some((at, node, kind == "w"))
        };
        let manual = list(&q, "req", manual, "a request TICK:NODE:w or TICK:NODE:r", p);
        params.requests = manual
            .into_iter()
            .enumerate()
            .map(|(i, (at, node, write))| Request {
                at,
                node,
                key: 0,
                write: write.then_some(MANUAL_BASE + i as u64),
            })
            .collect();
        let nemesis = |raw: &str| {
            let (t, event) = raw.split_once(':')?;
            let t: Tick = t.parse().ok().filter(|&t| t <= MAX_TICK)?;
            Some((t, parse_nemesis(event, nodes, dcs)?))
        };
        params.nemesis = list(
            &q,
            "nem",
            nemesis,
            "a nemesis event TICK:cut-A-B, heal-A-B, split-G.G…, isolate-DC, healall, crash-N or restart-N",
            p,
        );
        if q.get("at").is_some() {
            params.at = Some(q.int_clamped("at", 0..=MAX_TICK, 0, p));
        }
        problems.extend(params.repair().into_iter().map(Problem::with_params));
        (params, problems)
    }

    fn load(params: Self) -> Command {
        Command::Load(params)
    }

    /// Applies a command; numbers out of range are refused with a notice.
    ///
    /// ```
    /// use shardscope_core::labs::partition::{Command, Model};
    /// let mut model = Model::default();
    /// model.apply(Command::SetNumber("ops", 1_000_000_000));
    /// assert!(model.notice.as_deref().unwrap().contains("0–300"));
    /// ```
    fn apply(&mut self, command: Command) -> Option<String> {
        let mut next = self.clone();
        let mut notice = None;
        // The time new events go at; running the simulation to find its end is needed only by
        // the commands that add events, and only when no time is shown.
        let now = || self.at.unwrap_or_else(|| end_tick(self));
        match command {
            Command::SetMode(m) => next.mode = m,
            Command::SetRead(l) => next.read = l,
            Command::SetWrite(l) => next.write = l,
            Command::SetReadRepair(b) => next.read_repair = b,
            Command::SetSloppy(b) => next.sloppy = b,
            Command::SetSiblings(b) => next.siblings = b,
            Command::SetSync(b) => next.sync = b,
            Command::SetFollowerReads(b) => next.follower_reads = b,
            Command::Failover(a) => next.nemesis.push((now(), Nemesis::Failover(a))),
            Command::SetNumber(name, value) => {
                let (lo, hi): (u64, u64) = match name {
                    "nodes" => (2, 9),
                    "dcs" => (1, 3),
                    "n" => (1, u64::from(next.nodes)),
                    "lat" | "spacing" => (1, 100),
                    "rlat" => (1, 500),
                    "loss" => (0, 50),
                    "timeout" => (5, 2_000),
                    "ops" => (0, u64::from(MAX_OPS)),
                    "keys" => (1, 4),
                    "seed" => (0, u64::MAX),
                    _ => (1, 0),
                };
                if !(lo..=hi).contains(&value) {
                    return Some(format!("{name} must be {lo}–{hi}, not {value}"));
                }
                let small = u32::try_from(value).unwrap_or(u32::MAX);
                match name {
                    "nodes" => next.nodes = small,
                    "dcs" => next.dcs = small,
                    "n" => next.n = small,
                    "lat" => next.latency = value,
                    "rlat" => next.remote_latency = value,
                    "loss" => next.loss = small,
                    "timeout" => next.timeout = value,
                    "ops" => next.ops = small,
                    "spacing" => next.spacing = value,
                    "keys" => next.keys = small,
                    _ => next.seed = value,
                }
            }
            Command::ToggleLink(a, b) => {
                let t = now();
                let cut = state_at(self, t).is_cut(a, b);
                next.nemesis
                    .push((t, if cut { Nemesis::Heal(a, b) } else { Nemesis::Cut(a, b) }));
            }
            Command::ToggleNode(a) => {
                let t = now();
                let up = state_at(self, t).is_up(a);
                next.nemesis
                    .push((t, if up { Nemesis::Crash(a) } else { Nemesis::Restart(a) }));
            }
            Command::Isolate(d) => {
                next.nemesis.push((
                    now(),
                    Nemesis::Split((0..next.nodes).map(|i| u32::from(i % next.dcs == d)).collect()),
                ));
            }
            Command::Split(groups) if groups.len() == next.nodes as usize => {
                next.nemesis.push((now(), Nemesis::Split(groups)));
            }
            Command::Split(groups) => {
                return Some(format!(
                    "a split needs a group for each of the {} nodes, not {}",
                    next.nodes,
                    groups.len()
                ));
            }
            Command::HealAll => next.nemesis.push((now(), Nemesis::HealAll)),
            Command::Request(node, write) => {
                let i = next.requests.len() as u64;
                next.requests.push(Request {
                    at: now(),
                    node,
                    key: 0,
                    write: write.then_some(MANUAL_BASE + i),
                });
                // Show the run to its end, so the new operation's outcome is visible.
                next.at = None;
            }
            Command::Clear => {
                next.nemesis.clear();
                next.requests.clear();
            }
            Command::ShowAt(t) => next.at = t.map(|t| t.min(MAX_TICK)),
            Command::Load(p) => next = p,
        }
        if next.nemesis.len() > MAX_ITEMS || next.requests.len() > MAX_ITEMS {
            return Some(format!("at most {MAX_ITEMS} nemesis events and {MAX_ITEMS} requests"));
        }
        if let Some(first) = next.repair().into_iter().next() {
            notice = Some(first);
        }
        *self = next;
        notice
    }
}
