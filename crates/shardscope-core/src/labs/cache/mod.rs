//! The "Caching" lab: up to six eviction policies side by side on the same seeded requests,
//! each one's miss-ratio curve against cache size, LRU's whole curve in one pass, Che's
//! approximation and the IRM formula as theory, and Belady's OPT as the floor.
//!
//! This module holds the lab's state (what its permalink stores), commands and presets; `job`
//! makes the trace and runs the policies in bounded steps.

use serde::{Deserialize, Serialize};

pub use super::Preset;
use super::{set_number, toggle, LabParams, NumberSetting};
use crate::cache::workload::{object_bytes, Popularity, Workload};
use crate::cache::Policy;
use crate::query::{echo, list, to_query, Problem, Query};

mod job;
mod stepped;

pub use job::{
    CurvePoint, FileSummary, Job, PolicyReport, Report, CURVE_POINTS, LRU_CURVE_POINTS, NO_FILE, WARMUP_PERCENT,
};
pub use stepped::{stepped, PolicyStep, Stepped, STEP_CACHE, STEP_OBJECTS, STEP_REQUESTS};

/// The permalink format version.
pub const VERSION: u32 = 1;
/// The most policies compared at once.
pub const MAX_POLICIES: usize = 6;
/// The most popular objects.
pub const MAX_OBJECTS: u32 = 5_000_000;
/// The most requests.
pub const MAX_REQUESTS: u32 = 10_000_000;
/// The largest Zipf exponent, in hundredths (the issue's range is 0.5–1.5; up to 2 is allowed).
pub const MAX_ALPHA_CENTI: u32 = 200;
/// The largest share of requests that scan, or that go to one-hit wonders, in percent.
pub const MAX_SHARE: u32 = 90;
/// The largest trace file read, in bytes (256 MiB): ten million requests of a few fields fit
/// several times over, and the page refuses a larger file before reading it.
pub const MAX_FILE_BYTES: u64 = 256 << 20;
/// The longest scanned loop.
pub const MAX_SCAN_LEN: u32 = 1_000_000;
/// The permalink parameters, in the order they are written.
pub const PARAMS: [&str; 15] = [
    "v", "pol", "dist", "alpha", "objects", "requests", "scan", "scanlen", "shift", "onehit", "osize", "size", "curve",
    "seed", "step",
];
/// The largest median object size drawn, in KB (the log-normal tail stays below 2^32 bytes).
pub const MAX_OBJECT_KB: u32 = 1_000;

/// How popularity is spread, as the lab offers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Distribution {
    /// Zipf(α).
    Zipf,
    /// Uniform.
    Uniform,
    /// The user's own trace file, which stays in the browser (a link records only that one was
    /// used); the other workload settings do not apply.
    File,
}

impl crate::query::Choice for Distribution {
    const ALL: &'static [Self] = &[Distribution::Zipf, Distribution::Uniform, Distribution::File];

    fn slug(self) -> &'static str {
        match self {
            Distribution::Zipf => "zipf",
            Distribution::Uniform => "uniform",
            Distribution::File => "file",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Distribution::Zipf => "Zipf(α)",
            Distribution::Uniform => "Uniform",
            Distribution::File => "Your own trace file",
        }
    }
}

/// The lab's whole state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// The policies compared, one to [`MAX_POLICIES`], in the order shown.
    pub policies: Vec<Policy>,
    /// How popularity is spread.
    pub distribution: Distribution,
    /// Zipf's α in hundredths, `0..=MAX_ALPHA_CENTI`.
    pub alpha_centi: u32,
    /// The popular objects `M`, `1..=MAX_OBJECTS`.
    pub objects: u32,
    /// Requests, `1..=MAX_REQUESTS`.
    pub requests: u32,
    /// Percent of requests that scan a loop, `0..=MAX_SHARE`.
    pub scan_percent: u32,
    /// Objects in the scanned loop, `1..=MAX_SCAN_LEN`.
    pub scan_len: u32,
    /// When popularity shifts, in percent of the requests (0: never), `0..=99`.
    pub shift_percent: u32,
    /// Percent of requests to one-hit wonders, `0..=MAX_SHARE`.
    pub one_hit_percent: u32,
    /// The median object's size in KB when the requests are drawn: sizes are log-normal (σ = 1)
    /// and seeded, as in the CDN lab, and give every policy a byte miss ratio; 0 gives every
    /// object one size. A trace file's own sizes are used instead.
    pub object_kb: u32,
    /// The cache size of the single comparison, in objects (at least 1).
    pub size: u32,
    /// Whether every policy's whole curve is computed ([`CURVE_POINTS`] sizes each); without it
    /// only LRU's one-pass curve and every policy at `size`.
    pub curve: bool,
    /// Seeds the requests and Random's choices.
    pub seed: u64,
    /// How many requests of the stepped miniature run are shown, `0..=STEP_REQUESTS`; a view,
    /// which changes no number.
    pub step: u32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            policies: vec![
                Policy::Lru,
                Policy::Fifo,
                Policy::TinyLfu,
                Policy::S3Fifo,
                Policy::Sieve,
                Policy::Opt,
            ],
            distribution: Distribution::Zipf,
            alpha_centi: 100,
            objects: 100_000,
            requests: 1_000_000,
            scan_percent: 0,
            scan_len: 10_000,
            shift_percent: 0,
            one_hit_percent: 0,
            object_kb: 0,
            size: 1_000,
            curve: true,
            seed: 42,
            step: 0,
        }
    }
}

/// The presets a teacher would use, in the order the lab lists them.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "LRU vs LFU under Zipf",
        lesson: "Independent Zipf(0.8) requests over 100,000 objects and a cache of 1,000. Recency only guesses popularity; counting references measures it: LFU with dynamic aging misses 74.0 % against LRU's 79.5 %, and stays below LRU at every size of the curve. LRU sits on Che's prediction (79.6 %), FIFO on the IRM formula (82.1 % both), and OPT, which knows the future, misses 58.8 %.",
        query: "v=1&pol=lru,lfu,fifo,opt&dist=zipf&alpha=0.8&objects=100000&requests=1000000&scan=0&scanlen=10000&shift=0&onehit=0&size=1000&curve=1&seed=42",
    },
    Preset {
        name: "A scan flushes LRU",
        lesson: "A fifth of the requests scan a loop of 10,000 objects in bursts, ten times the cache. Each burst pushes LRU's hot objects out: it misses 59.8 %. 2Q (53.3 %), ARC (52.3 %), W-TinyLFU (52.5 %) and S3-FIFO (52.0 %) keep them, because a first reference does not earn a place in their main queue; OPT misses 46.8 %.",
        query: "v=1&pol=lru,2q,arc,tinylfu,s3fifo,opt&dist=zipf&alpha=1&objects=100000&requests=1000000&scan=20&scanlen=10000&shift=0&onehit=0&size=1000&curve=1&seed=42",
    },
    Preset {
        name: "Why SIEVE and S3-FIFO beat LRU",
        lesson: "Zipf(1.0) with 30 % of the requests to one-hit wonders, as in the web and CDN traces of the SIEVE and S3-FIFO papers. At 1,000 objects LRU misses 68.0 % and CLOCK 67.0 %; SIEVE 58.4 % and S3-FIFO 57.8 %, close to OPT's 53.4 %. Evicting new objects quickly (SIEVE's hand, S3-FIFO's small queue) beats promoting them to the head.",
        query: "v=1&pol=lru,fifo,clock,sieve,s3fifo,opt&dist=zipf&alpha=1&objects=100000&requests=1000000&scan=0&scanlen=10000&shift=0&onehit=30&size=1000&curve=1&seed=42",
    },
    Preset {
        name: "How big must the cache be for 90 %?",
        lesson: "Zipf(0.9) over 100,000 objects, 5,000,000 requests. LRU's one-pass curve answers for every size at once: it needs 59,923 objects, 60 % of them, to hit 90 %, and Che's approximation says 59,879 before a single request is served. At 10,000 objects LRU misses 39.4 %, W-TinyLFU 32.2 %, OPT 22.5 %.",
        query: "v=1&pol=lru,tinylfu,opt&dist=zipf&alpha=0.9&objects=100000&requests=5000000&scan=0&scanlen=10000&shift=0&onehit=0&size=10000&curve=1&seed=42",
    },
    Preset {
        name: "Popularity shifts",
        lesson: "Halfway through, the hot set moves to objects that were cold. At 1,000 objects LRU misses 49.3 % and LFU-DA 45.3 % (its aging lets the new favourites in); ARC (40.6 %), W-TinyLFU (41.1 %) and S3-FIFO (40.2 %) recover fastest, and OPT, seeing the future, misses 33.5 %.",
        query: "v=1&pol=lru,lfu,arc,tinylfu,s3fifo,opt&dist=zipf&alpha=1&objects=100000&requests=1000000&scan=0&scanlen=10000&shift=50&onehit=0&size=1000&curve=1&seed=42",
    },
    Preset {
        name: "Ten million requests",
        lesson: "Six policies on 10,000,000 Zipf(1.0) requests over a million objects, at 10,000 objects (1.3 % of the 763,347 requested), and LRU's whole curve in one pass: LRU misses 41.5 % (Che: 41.5 %), FIFO 45.0 % (IRM: 45.0 %), ARC 33.9 %, W-TinyLFU 34.4 %, S3-FIFO 33.6 %, SIEVE 34.0 %.",
        query: "v=1&pol=lru,fifo,arc,tinylfu,s3fifo,sieve&dist=zipf&alpha=1&objects=1000000&requests=10000000&scan=0&scanlen=10000&shift=0&onehit=0&size=10000&curve=0&seed=42",
    },
];

impl Params {
    /// [`LabParams::from_query_ignoring`] with nothing ignored.
    #[must_use]
    pub fn from_query(input: &str) -> (Self, Vec<Problem>) {
        <Self as LabParams>::from_query_ignoring(input, &[])
    }

    /// The workload these parameters describe.
    #[must_use]
    pub fn workload(&self) -> Workload {
        Workload {
            popularity: match self.distribution {
                Distribution::Zipf => Popularity::Zipf {
                    alpha_centi: self.alpha_centi,
                },
                // A file's requests are read, not drawn; the miniature still needs a law.
                Distribution::Uniform | Distribution::File => Popularity::Uniform,
            },
            objects: self.objects,
            requests: self.requests,
            scan_percent: self.scan_percent,
            scan_len: self.scan_len,
            shift_percent: self.shift_percent,
            one_hit_percent: self.one_hit_percent,
            seed: self.seed,
        }
    }

    /// Each drawn request's size in bytes, if objects are drawn with sizes (none for a file,
    /// which brings its own).
    #[must_use]
    pub fn drawn_sizes(&self, requests: &[u32]) -> Option<Vec<u32>> {
        (self.object_kb > 0 && self.distribution != Distribution::File).then(|| {
            requests
                .iter()
                .map(|&x| u32::try_from(object_bytes(self.seed, self.object_kb, x)).unwrap_or(u32::MAX))
                .collect()
        })
    }

    /// Whether requests are independent draws from fixed popularities (no scans, no shift, no
    /// one-hit wonders), the model the theory assumes.
    #[must_use]
    pub fn independent(&self) -> bool {
        self.distribution != Distribution::File
            && self.scan_percent == 0
            && self.shift_percent == 0
            && self.one_hit_percent == 0
    }

    /// Brings fields that depend on each other back in range, saying what changed.
    fn repair(&mut self) -> Vec<String> {
        let mut notes = Vec::new();
        let most = self.most_objects();
        if self.size > most {
            notes.push(format!(
                "a cache of {} objects is larger than the {most} objects these requests can touch; using {most}",
                self.size
            ));
            self.size = most;
        }
        notes
    }

    /// The most distinct objects the requests can touch (a cache larger than this never evicts).
    #[must_use]
    pub fn most_objects(&self) -> u32 {
        if self.distribution == Distribution::File {
            // Known only once the file is read; the run brings the size within its objects.
            return MAX_OBJECTS + MAX_REQUESTS;
        }
        let scans = if self.scan_percent > 0 { self.scan_len } else { 0 };
        let fresh = u32::try_from(u64::from(self.requests) * u64::from(self.one_hit_percent) / 100).unwrap_or(u32::MAX);
        self.objects
            .min(self.requests)
            .saturating_add(scans.min(self.requests))
            .saturating_add(fresh)
            .max(1)
    }
}

/// Why a file cannot be read as a trace before a byte of it is (too large, or empty), if so.
///
/// ```
/// use shardscope_core::labs::cache::file_refusal;
/// assert!(file_refusal("t.csv", 2 << 30).unwrap().contains("2.0 GB"));
/// assert_eq!(file_refusal("t.csv", 1_000), None);
/// ```
#[must_use]
pub fn file_refusal(name: &str, bytes: u64) -> Option<String> {
    let gb = |b: u64| b as f64 / f64::from(1u32 << 30);
    if bytes == 0 {
        Some(format!(
            "{} is empty; a trace has one request per line: key[,size][,time]",
            echo(name)
        ))
    } else if bytes > MAX_FILE_BYTES {
        Some(format!(
            "{} is {:.1} GB; the lab reads trace files up to {} MB and replays up to 10,000,000 requests. Keep the first lines, e.g. head -n {MAX_REQUESTS} {} > part.csv",
            echo(name),
            gb(bytes),
            MAX_FILE_BYTES >> 20,
            echo(name)
        ))
    } else {
        None
    }
}

/// Reads α from a link: a decimal with at most two places, `0..=MAX_ALPHA_CENTI / 100`; one
/// above is clamped and text that is not a number is `default`, each with a problem. The labs
/// with a Zipf workload all read it so.
pub fn alpha_from(q: &Query, default: u32, problems: &mut Vec<Problem>) -> u32 {
    let Some(raw) = q.get("alpha") else { return default };
    match parse_centi(raw.trim()) {
        Some(v) if v <= MAX_ALPHA_CENTI => v,
        Some(_) => {
            problems.push(Problem {
                field: "alpha".into(),
                message: format!(
                    "α = {} is above {}; using {}",
                    echo(raw),
                    alpha_text(MAX_ALPHA_CENTI),
                    alpha_text(MAX_ALPHA_CENTI)
                ),
            });
            MAX_ALPHA_CENTI
        }
        None => {
            problems.push(Problem {
                field: "alpha".into(),
                message: format!(
                    "“{}” is not an exponent from 0 to {} (at most two decimals); using {}",
                    echo(raw),
                    alpha_text(MAX_ALPHA_CENTI),
                    alpha_text(default)
                ),
            });
            default
        }
    }
}

/// Reads α as people write it, `"0.8"` → 80 hundredths; `None` for a negative number, text, or
/// more than two decimals.
///
/// ```
/// use shardscope_core::labs::cache::parse_centi;
/// assert_eq!(parse_centi("1.25"), Some(125));
/// assert_eq!(parse_centi("-1"), None);
/// ```
#[must_use]
pub fn parse_centi(raw: &str) -> Option<u32> {
    let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 || whole.len() > 3 {
        return None;
    }
    let w: u32 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let f: u32 = format!("{frac:0<2}").parse().ok()?;
    Some(w * 100 + f)
}

/// α as people write it: 80 → "0.8", 100 → "1", 125 → "1.25".
#[must_use]
pub fn alpha_text(centi: u32) -> String {
    let (w, f) = (centi / 100, centi % 100);
    match f {
        0 => w.to_string(),
        f if f % 10 == 0 => format!("{w}.{}", f / 10),
        f => format!("{w}.{f:02}"),
    }
}

/// What a user can do in the lab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Compare this policy or stop comparing it (one stays; at most [`MAX_POLICIES`]).
    Toggle(Policy),
    /// Set the popularity distribution.
    SetDistribution(Distribution),
    /// Set α in hundredths.
    SetAlpha(u32),
    /// Set the popular objects.
    SetObjects(u32),
    /// Set the requests.
    SetRequests(u32),
    /// Set the scan share in percent.
    SetScan(u32),
    /// Set the scanned loop's length.
    SetScanLen(u32),
    /// Set when popularity shifts, in percent (0: never).
    SetShift(u32),
    /// Set the one-hit wonders' share in percent.
    SetOneHit(u32),
    /// Set the median object size in KB (0: one size).
    SetObjectKb(u32),
    /// Set the cache size of the single comparison.
    SetSize(u32),
    /// Compute every policy's curve, or only LRU's.
    SetCurve(bool),
    /// Set the seed.
    SetSeed(u64),
    /// Show one more request of the stepped run.
    NextStep,
    /// Show one request fewer.
    BackStep,
    /// Back to before the first request.
    FirstStep,
    /// Replace the whole state (a permalink was opened).
    Load(Params),
}

/// The setting a numeric command makes, if it is one.
fn number(command: &Command) -> Option<NumberSetting<Params>> {
    Some(match *command {
        Command::SetAlpha(v) => ("α × 100", v, 0..=MAX_ALPHA_CENTI, |p, v| p.alpha_centi = v),
        Command::SetObjects(v) => ("objects", v, 1..=MAX_OBJECTS, |p, v| p.objects = v),
        Command::SetRequests(v) => ("requests", v, 1..=MAX_REQUESTS, |p, v| p.requests = v),
        Command::SetScan(v) => ("scan share (%)", v, 0..=MAX_SHARE, |p, v| p.scan_percent = v),
        Command::SetScanLen(v) => ("scanned loop", v, 1..=MAX_SCAN_LEN, |p, v| p.scan_len = v),
        Command::SetShift(v) => ("shift (% of the requests)", v, 0..=99, |p, v| p.shift_percent = v),
        Command::SetOneHit(v) => ("one-hit wonders (%)", v, 0..=MAX_SHARE, |p, v| p.one_hit_percent = v),
        Command::SetObjectKb(v) => ("median object size (KB)", v, 0..=MAX_OBJECT_KB, |p, v| p.object_kb = v),
        Command::SetSize(v) => ("cache size", v, 1..=MAX_OBJECTS + MAX_REQUESTS, |p, v| p.size = v),
        _ => return None,
    })
}

/// The lab's model.
pub type Model = super::Model<Params>;

impl LabParams for Params {
    type Command = Command;
    const SLUG: &'static str = "cache";

    /// The permalink query string, versioned.
    ///
    /// ```
    /// use shardscope_core::labs::{cache::Params, LabParams};
    /// let p = Params::default();
    /// assert_eq!(Params::from_query(&p.to_query()), (p, vec![]));
    /// ```
    fn to_query(&self) -> String {
        use crate::query::Choice;
        to_query(&[
            ("v", VERSION.to_string()),
            (
                "pol",
                self.policies.iter().map(|p| p.slug()).collect::<Vec<_>>().join(","),
            ),
            ("dist", self.distribution.slug().to_string()),
            ("alpha", alpha_text(self.alpha_centi)),
            ("objects", self.objects.to_string()),
            ("requests", self.requests.to_string()),
            ("scan", self.scan_percent.to_string()),
            ("scanlen", self.scan_len.to_string()),
            ("shift", self.shift_percent.to_string()),
            ("onehit", self.one_hit_percent.to_string()),
            ("osize", self.object_kb.to_string()),
            ("size", self.size.to_string()),
            ("curve", u32::from(self.curve).to_string()),
            ("seed", self.seed.to_string()),
            ("step", self.step.to_string()),
        ])
    }

    fn from_query_ignoring(input: &str, ignore: &[&str]) -> (Self, Vec<Problem>) {
        let d = Self::default();
        let (query, mut problems) = Query::parse_versioned(input, VERSION, &PARAMS, ignore);
        let Some(q) = query else {
            return (d, problems);
        };
        let p = &mut problems;
        let mut policies = match q.get("pol") {
            Some(raw) => list("pol", raw, MAX_POLICIES, "policies", "a policy", Policy::from_slug, p),
            None => d.policies.clone(),
        };
        let mut seen = Vec::new();
        policies.retain(|x| {
            let fresh = !seen.contains(x);
            seen.push(*x);
            fresh
        });
        if policies.is_empty() {
            policies.push(Policy::Lru);
        }
        let mut params = Self {
            policies,
            distribution: q.choice("dist", d.distribution, p),
            alpha_centi: alpha_from(&q, d.alpha_centi, p),
            objects: q.int_clamped("objects", 1..=MAX_OBJECTS, d.objects, p),
            requests: q.int_clamped("requests", 1..=MAX_REQUESTS, d.requests, p),
            scan_percent: q.int_clamped("scan", 0..=MAX_SHARE, 0, p),
            scan_len: q.int_clamped("scanlen", 1..=MAX_SCAN_LEN, d.scan_len, p),
            shift_percent: q.int_clamped("shift", 0..=99, 0, p),
            one_hit_percent: q.int_clamped("onehit", 0..=MAX_SHARE, 0, p),
            object_kb: q.int_clamped("osize", 0..=MAX_OBJECT_KB, 0, p),
            size: q.int_clamped("size", 1..=MAX_OBJECTS + MAX_REQUESTS, d.size, p),
            curve: q.int_clamped("curve", 0..=1, 1, p) == 1,
            seed: q.int_in("seed", 0..=u64::MAX, d.seed, p),
            step: q.int_clamped("step", 0..=STEP_REQUESTS, 0, p),
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
    /// use shardscope_core::labs::cache::{Command, Model};
    /// let mut m = Model::default();
    /// m.apply(Command::SetSize(0));
    /// assert!(m.notice.as_deref().unwrap().contains("cache size must be"));
    /// m.apply(Command::SetObjects(100));
    /// assert_eq!(m.params.objects, 100);
    /// ```
    fn apply(&mut self, command: Command) -> Option<String> {
        let mut p = self.clone();
        let mut notice = None;
        if let Some(setting) = number(&command) {
            notice = set_number(&mut p, setting).err();
        }
        match command {
            Command::Toggle(policy) => {
                notice = toggle(&mut p.policies, policy, MAX_POLICIES, ("policy", "policies"), |x| *x).err();
            }
            Command::SetDistribution(d) => p.distribution = d,
            Command::SetCurve(on) => p.curve = on,
            Command::SetSeed(s) => p.seed = s,
            Command::NextStep => p.step = (p.step + 1).min(STEP_REQUESTS),
            Command::BackStep => p.step = p.step.saturating_sub(1),
            Command::FirstStep => p.step = 0,
            Command::Load(params) => p = params,
            // The numeric settings, handled above.
            _ => {}
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
    fn alpha_reads_decimals_and_refuses_the_rest() {
        assert_eq!(parse_centi("0.8"), Some(80));
        assert_eq!(parse_centi("1"), Some(100));
        assert_eq!(parse_centi("1.25"), Some(125));
        assert_eq!(parse_centi(".5"), Some(50));
        for bad in ["-0.5", "abc", "1.234", "", ".", "1e3", "12345"] {
            assert_eq!(parse_centi(bad), None, "{bad}");
        }
        for c in [0, 5, 50, 80, 100, 125, 200] {
            assert_eq!(parse_centi(&alpha_text(c)), Some(c));
        }
        let (p, problems) = Params::from_query("v=1&alpha=-0.5");
        assert_eq!(p.alpha_centi, 100);
        assert!(problems[0].message.contains("not an exponent"), "{problems:?}");
    }

    #[test]
    fn every_preset_reads_without_a_problem() {
        crate::labs::assert_presets_read_cleanly::<Params>(PRESETS);
    }

    #[test]
    fn huge_numbers_in_a_link_are_clamped_with_a_message() {
        let (p, problems) = Params::from_query("v=1&requests=1000000000000&size=0");
        assert_eq!(p.requests, MAX_REQUESTS);
        assert_eq!(p.size, 1);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
