//! The models of the labs: parameters, permalinks, commands and computations, free of any UI.
//!
//! Each lab module owns a `Params` type (the lab's whole state, as its permalink stores it), a
//! `Model` with an `apply(Command)` reducer the web component delegates to, and whatever
//! computation the lab shows, written so that it can run in chunks without blocking a browser.

use std::fmt;

use crate::query::Problem;

pub mod anti_entropy;
pub mod bus;
pub mod cache;
pub mod cache_cluster;
pub mod cdn;
pub mod dht;
pub mod partition;
pub mod placement;
pub mod proofs;
pub mod system;

/// Checks that every preset's link reads without a problem and round-trips: the test each lab
/// with presets runs.
///
/// # Panics
/// A preset's link has a problem or does not read back to the same state.
#[cfg(test)]
pub(crate) fn assert_presets_read_cleanly<P: LabParams + PartialEq + fmt::Debug>(presets: &[Preset]) {
    for preset in presets {
        let (p, problems) = P::from_query_ignoring(preset.query, &[]);
        assert!(problems.is_empty(), "{}: {problems:?}", preset.name);
        assert_eq!(
            P::from_query_ignoring(&p.to_query(), &[]),
            (p, vec![]),
            "{}",
            preset.name
        );
    }
}

/// A lab's numeric setting: the name of the field, its permalink name, what people call it, its
/// range and its default. A lab with many plain numbers lists them in one table and keeps their
/// values in an array in the table's order; [`read_fields`] and [`set_field`] serve every such
/// table alike.
pub type FieldSpec<F> = (F, &'static str, &'static str, u32, u32, u32);

/// Reads every field of `fields` from a permalink, clamping each into its range.
#[must_use]
pub fn read_fields<F, const N: usize>(
    q: &crate::query::Query,
    fields: &[FieldSpec<F>; N],
    problems: &mut Vec<Problem>,
) -> [u32; N] {
    std::array::from_fn(|i| {
        let (_, name, _, lo, hi, default) = fields[i];
        q.int_clamped(name, lo..=hi, default, problems)
    })
}

/// Sets `field` to `value` in `values` (kept in `fields`' order), or returns the notice naming
/// its range.
///
/// # Errors
/// The value is outside the field's range.
///
/// ```
/// use shardscope_core::labs::set_field;
/// let fields = [("nodes", "nodes", "cache nodes", 2, 64, 10)];
/// let mut values = [10];
/// assert_eq!(set_field(&fields, &mut values, "nodes", 1), Err("cache nodes must be 2–64, not 1".into()));
/// assert_eq!((set_field(&fields, &mut values, "nodes", 20), values), (Ok(()), [20]));
/// ```
pub fn set_field<F: PartialEq>(
    fields: &[FieldSpec<F>],
    values: &mut [u32],
    field: F,
    value: u32,
) -> Result<(), String> {
    let i = fields.iter().position(|f| f.0 == field).expect("every field is listed");
    let (_, _, what, lo, hi, _) = fields[i];
    if (lo..=hi).contains(&value) {
        values[i] = value;
        Ok(())
    } else {
        Err(format!("{what} must be {lo}–{hi}, not {value}"))
    }
}

/// A command that sets one number of a lab's state: what the number is called, the value asked
/// for, the values allowed, and where it goes. Labs map their numeric commands to these, and
/// [`set_number`] applies them all the same way.
pub type NumberSetting<P> = (&'static str, u32, std::ops::RangeInclusive<u32>, fn(&mut P, u32));

/// Puts a [`NumberSetting`]'s value into `params`, or, if it is out of range, leaves `params`
/// alone and returns the notice naming the range.
///
/// ```
/// use shardscope_core::labs::set_number;
/// let mut n = 5u32;
/// assert_eq!(set_number(&mut n, ("nodes", 0, 1..=9, |n, v| *n = v)), Err("nodes must be 1–9, not 0".into()));
/// assert_eq!((set_number(&mut n, ("nodes", 7, 1..=9, |n, v| *n = v)), n), (Ok(()), 7));
/// ```
pub fn set_number<P>(params: &mut P, (what, value, range, put): NumberSetting<P>) -> Result<(), String> {
    if range.contains(&value) {
        put(params, value);
        Ok(())
    } else {
        Err(format!("{what} must be {}–{}, not {value}", range.start(), range.end()))
    }
}

/// Turns `item` on or off in a lab's list of compared things (policies, algorithms, protocols),
/// kept in the order `rank` gives: at least one stays on and at most `max` are on. A refusal
/// leaves the list alone and returns the notice, naming the thing as `one` (singular) or `many`.
///
/// ```
/// use shardscope_core::labs::toggle;
/// let mut on = vec![3u8];
/// assert_eq!(toggle(&mut on, 3, 2, ("policy", "policies"), |x| *x), Err("at least one policy stays on".into()));
/// toggle(&mut on, 1, 2, ("policy", "policies"), |x| *x).unwrap();
/// assert_eq!(on, vec![1, 3]);
/// assert!(toggle(&mut on, 2, 2, ("policy", "policies"), |x| *x).unwrap_err().contains("at most 2 policies"));
/// ```
pub fn toggle<T: PartialEq, K: Ord>(
    list: &mut Vec<T>,
    item: T,
    max: usize,
    (one, many): (&str, &str),
    rank: impl Fn(&T) -> K,
) -> Result<(), String> {
    if let Some(i) = list.iter().position(|x| *x == item) {
        if list.len() == 1 {
            return Err(format!("at least one {one} stays on"));
        }
        list.remove(i);
    } else if list.len() >= max {
        return Err(format!("at most {max} {many} side by side; turn one off first"));
    } else {
        list.push(item);
        list.sort_by_key(rank);
    }
    Ok(())
}

/// A lab's whole state (what its permalink holds) and the reducer over it. Each lab implements
/// this for its `Params`; [`Model`] and the web shell do the rest.
pub trait LabParams: Clone + PartialEq + Default + fmt::Debug {
    /// What a user can do in the lab.
    type Command: Clone + fmt::Debug;
    /// The lab's slug in [`CATALOG`].
    const SLUG: &'static str;
    /// The permalink query string, versioned.
    fn to_query(&self) -> String;
    /// Reads a permalink; never fails: bad fields take defaults and are reported. `ignore`
    /// names parameters that belong to the page (such as `embed`).
    fn from_query_ignoring(input: &str, ignore: &[&str]) -> (Self, Vec<Problem>);
    /// Reads a link written for `alias`, an old slug this lab answers to (see
    /// [`LabInfo::aliases`]), as this lab's state. Labs without aliases read it as their own.
    #[must_use]
    fn from_alias_query(alias: &str, input: &str, ignore: &[&str]) -> (Self, Vec<Problem>) {
        let _ = alias;
        Self::from_query_ignoring(input, ignore)
    }
    /// The command that replaces the whole state (a permalink was opened).
    fn load(params: Self) -> Self::Command;
    /// The state without what only changes the view (a step or a second shown): what is
    /// computed from it, and what a preset is recognised by while a user steps through it. Labs
    /// whose every setting changes the computation return the state itself.
    #[must_use]
    fn computed(&self) -> Self {
        self.clone()
    }
    /// Applies a command and returns why it was refused or adjusted, if it was. The parameters
    /// stay valid whatever the command.
    fn apply(&mut self, command: Self::Command) -> Option<String>;
}

/// The one protocol every lab's computation follows, wherever it runs (in the page between
/// frames, in a Web Worker, in the CLI): a bounded step at a time, how far it has come, and the
/// report at the end.
pub trait Run {
    /// What the computation produces.
    type Report;
    /// Advances by at most one bounded step (a few milliseconds of work); returns whether the
    /// computation is finished.
    fn step(&mut self) -> bool;
    /// Units done and units in all.
    fn progress(&self) -> (u64, u64);
    /// The report, once [`step`](Run::step) returned `true`; called once, so it may move the
    /// report out rather than copy it.
    fn finish(&mut self) -> Self::Report;
    /// What the last step did that a caller with a clock may time, as (part, units): the
    /// Placement lab's lookups per algorithm. It never feeds the report, which stays free of time.
    fn timed_work(&self) -> Option<(u32, u64)> {
        None
    }
    /// Why the computation stopped without a report, once [`step`](Run::step) returned `true`:
    /// only input the state cannot check, a user's file, makes a run fail.
    fn failure(&mut self) -> Option<String> {
        None
    }
}

/// A lab whose state starts a computation.
pub trait Computes: LabParams {
    /// The computation.
    type Run: Run;
    /// Starts computing this state; a valid state always starts, so an error is a bug's message.
    fn start(&self) -> Result<Self::Run, String>;
    /// Starts computing this state with a file the user chose, which the state's link cannot
    /// carry (the Caching lab's own trace); a lab that reads no file ignores it.
    ///
    /// # Errors
    /// As [`start`](Computes::start), or the state needs a file and none was given.
    fn start_with(&self, file: Option<std::sync::Arc<Vec<u8>>>) -> Result<Self::Run, String> {
        drop(file);
        self.start()
    }
}

/// Runs a computation to its end in one go, as the tests do.
///
/// # Panics
/// If the run fails, which only a run over a user's file can: use [`try_run_to_end`] for those.
pub fn run_to_end<R: Run>(run: R) -> R::Report {
    try_run_to_end(run).unwrap_or_else(|message| panic!("a run that cannot fail failed: {message}"))
}

/// Runs a computation to its end in one go, as the CLI does.
///
/// # Errors
/// The run's [`failure`](Run::failure).
pub fn try_run_to_end<R: Run>(mut run: R) -> Result<R::Report, String> {
    while !run.step() {}
    match run.failure() {
        Some(message) => Err(message),
        None => Ok(run.finish()),
    }
}

/// A computation small enough to be a single step (a simulation of at most a few hundred
/// operations, one log's proofs): it follows the protocol so that every lab runs the same way.
#[derive(Debug)]
pub struct OneStep<P, R> {
    params: P,
    compute: fn(&P) -> R,
    report: Option<R>,
}

impl<P, R> OneStep<P, R> {
    /// A run that computes `compute(&params)` in its one step.
    pub fn new(params: P, compute: fn(&P) -> R) -> Self {
        Self {
            params,
            compute,
            report: None,
        }
    }
}

impl<P, R> Run for OneStep<P, R> {
    type Report = R;

    fn step(&mut self) -> bool {
        if self.report.is_none() {
            self.report = Some((self.compute)(&self.params));
        }
        true
    }

    fn progress(&self) -> (u64, u64) {
        (u64::from(self.report.is_some()), 1)
    }

    fn finish(&mut self) -> R {
        self.step();
        self.report.take().expect("the one step computed the report")
    }
}

/// A lab's model: its parameters and the notice the last command left, for the page to show.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Model<P> {
    /// The current parameters; always valid.
    pub params: P,
    /// Why the last command was refused or adjusted.
    pub notice: Option<String>,
}

impl<P: LabParams> Model<P> {
    /// A model with these parameters.
    #[must_use]
    pub fn new(params: P) -> Self {
        Self { params, notice: None }
    }

    /// Applies a command (see [`LabParams::apply`]).
    pub fn apply(&mut self, command: P::Command) {
        self.notice = self.params.apply(command);
    }

    /// The lab's catalog entry.
    #[must_use]
    pub fn info() -> &'static LabInfo {
        CATALOG
            .iter()
            .find(|lab| lab.slug == P::SLUG)
            .expect("every lab is in the catalog")
    }
}

/// A named starting point a teacher would use: a lab's permalink with a name and its lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// The preset's name.
    pub name: &'static str,
    /// What it shows.
    pub lesson: &'static str,
    /// Its permalink query.
    pub query: &'static str,
}

/// What the home page says about a lab, and what its page is built from. Each entry is a page of
/// its own: the web crate has a binary named after the slug, and a test checks that every entry
/// has its binary and its end-to-end spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LabInfo {
    /// The lab's path segment, `#/lab/{slug}`; stable, since permalinks contain it.
    pub slug: &'static str,
    /// The lab's title.
    pub title: &'static str,
    /// One line on what the lab shows.
    pub summary: &'static str,
    /// Old slugs whose links (`#/lab/<alias>?…`) this lab's page reads, through
    /// [`LabParams::from_alias_query`].
    pub aliases: &'static [&'static str],
    /// Whether the lab's page also loads its Web Worker (`shardscope-worker`'s binary
    /// `<slug>_worker`, started by `www/<slug>_worker_loader.js`).
    pub worker: bool,
}

impl LabInfo {
    /// The lab's name in Rust paths and file names: its slug with `-` written `_`
    /// (`labs::anti_entropy`), since a module name cannot hold a hyphen.
    #[must_use]
    pub fn module(&self) -> String {
        self.slug.replace('-', "_")
    }

    /// The name of the lab's Web Worker binary (`shardscope-worker`'s `src/bin/<name>.rs`), and of
    /// the scripts Trunk and the site write for it (`<name>.js`, `<name>_loader.js`).
    #[must_use]
    pub fn worker_name(&self) -> String {
        format!("{}_worker", self.module())
    }
}

/// Every lab, in the order the home page lists them.
pub const CATALOG: &[LabInfo] = &[
    LabInfo {
        slug: "placement",
        title: "Placement",
        summary: "Eight sharding algorithms side by side on up to ten million keys: join, leave, reweight, fail a node or a rack; loads, moves, replicas and theory.",
        aliases: &[placement::legacy::REBALANCE],
        worker: true,
    },
    LabInfo {
        slug: "partition",
        title: "Partition",
        summary: "Cut the network and watch each read and write: leaderless quorums stay available but go stale, ABD stays linearizable but stops; a checker gives the verdict.",
        aliases: &[],
        worker: false,
    },
    LabInfo {
        slug: "anti-entropy",
        title: "Anti-entropy",
        summary:
            "Replicas drift apart; Merkle trees find the damaged ranges level by level and repair streams only those.",
        aliases: &[],
        worker: false,
    },
    LabInfo {
        slug: "dht",
        title: "DHT",
        summary: "Chord, Kademlia and a one-hop table route the same lookups on up to 100,000 nodes: hops, routing state, key load and failures beside the papers' numbers.",
        aliases: &[],
        worker: true,
    },
    LabInfo {
        slug: "cache",
        title: "Caching",
        summary: "Eleven eviction policies, LRU to S3-FIFO, SIEVE and Belady's OPT, on up to ten million requests: miss-ratio curves beside Che's approximation.",
        aliases: &[],
        worker: true,
    },
    LabInfo {
        slug: "cache-cluster",
        title: "Cache cluster",
        summary: "Cache nodes behind consistent hashing: lose one and watch the miss storm reach the database; a celebrity key's node, and what replication, local caches and coalescing save.",
        aliases: &[],
        worker: true,
    },
    LabInfo {
        slug: "cdn",
        title: "CDN",
        summary: "Edges in six regions with max-age, stale-while-revalidate, shields and purges: the origin's offload and egress, stale answers and each region's p95, beside the TTL-cache model.",
        aliases: &[],
        worker: true,
    },
    LabInfo {
        slug: "bus",
        title: "Message bus",
        summary: "Kafka's partitioner and its five consumer-group assignors on up to 10,000 partitions: what a join, leave, crash or growth moves and pauses, the lag it leaves, and where each delivery guarantee loses or repeats messages.",
        aliases: &[],
        worker: true,
    },
    LabInfo {
        slug: "system",
        title: "Scaling to 10 million users",
        summary: "One server to a datacenter in every region, every request simulated through web servers, caches, a CDN, replicas, shards and a bus: each tier's utilization and tail beside Erlang C, the users an SLO allows, and the monthly bill.",
        aliases: &[],
        worker: true,
    },
    LabInfo {
        slug: "proofs",
        title: "Tamper-evident log",
        summary: "Prove a record is in an append-only log and that the log only grew (RFC 6962); flip a byte and watch it fail.",
        aliases: &[],
        worker: false,
    },
];
