//! The "CDN" lab: users in up to six regions, edges with `max-age` and `stale-while-revalidate`,
//! an optional regional shield, purges; the origin's offload and egress, stale answers and each
//! region's latency, for up to four `max-age`s with and without shields on the same requests.
//!
//! This module holds the lab's state (what its permalink stores), commands and presets; `job`
//! runs the simulations in bounded steps and measures them beside the TTL-cache model.

use serde::{Deserialize, Serialize};

use super::cache::{alpha_from, alpha_text};
pub use super::Preset;
use super::{read_fields, set_field, set_number, FieldSpec, LabParams};
use crate::query::{echo, list, to_query, Choice, Problem, Query};

mod job;

pub use job::{Bucket, Job, RegionReport, Report, RunReport};

/// The permalink format version.
pub const VERSION: u32 = 1;
/// The most `max-age`s compared at once.
pub const MAX_TTLS: usize = 4;
/// The longest `max-age`, in seconds (a day).
pub const MAX_TTL_S: u32 = 86_400;
/// The most requests in one run (rate × seconds).
pub const MAX_REQUESTS: u64 = 10_000_000;
/// The most requests over every run compared (each `max-age`, with and without shields).
pub const MAX_WORK: u64 = 40_000_000;
/// The most object slots the caches index together, caches × objects, which bounds memory
/// (about 24 bytes a slot).
pub const MAX_SLOTS: u64 = 6_000_000;

/// Whether the regions have shields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shield {
    /// Edges ask the origin.
    Off,
    /// Edges ask their region's shield, which asks the origin.
    On,
    /// Both, side by side on the same requests.
    Both,
}

impl Choice for Shield {
    const ALL: &'static [Self] = &[Self::Off, Self::On, Self::Both];

    fn slug(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::On => "on",
            Self::Both => "both",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Off => "No shield: edges ask the origin",
            Self::On => "A shield in each region",
            Self::Both => "Compare: without and with shields",
        }
    }
}

/// A numeric setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    /// Regions used.
    Regions,
    /// Edges per region.
    Edges,
    /// Objects each edge holds.
    EdgeCapacity,
    /// Objects each shield holds.
    ShieldCapacity,
    /// Objects.
    Objects,
    /// Requests per second.
    Rate,
    /// Seconds simulated.
    Seconds,
    /// `stale-while-revalidate`, in seconds.
    Swr,
    /// Mean seconds between an object's changes (0: never).
    Change,
    /// How long a purge takes to reach every cache, in ms.
    PurgeDelay,
    /// When everything is purged, in ms (0: never).
    Flush,
    /// The median object's size, in KB.
    Size,
    /// The origin's answer time, in ms.
    OriginMs,
}

/// Each numeric setting: its permalink name, what people call it, its range and its default.
pub const FIELDS: [FieldSpec<Field>; 13] = [
    (Field::Regions, "regions", "regions", 1, 6, 3),
    (Field::Edges, "edges", "edges per region", 1, 32, 4),
    (
        Field::EdgeCapacity,
        "edgecap",
        "objects per edge",
        1,
        1_000_000,
        100_000,
    ),
    (
        Field::ShieldCapacity,
        "shieldcap",
        "objects per shield",
        1,
        1_000_000,
        100_000,
    ),
    (Field::Objects, "objects", "objects", 1, 1_000_000, 100_000),
    (Field::Rate, "rate", "requests per second", 100, 1_000_000, 2_000),
    (Field::Seconds, "seconds", "seconds", 1, 3_600, 600),
    (Field::Swr, "swr", "stale-while-revalidate (s)", 0, 86_400, 0),
    (
        Field::Change,
        "change",
        "mean time between an object's changes (s; 0 = never)",
        0,
        86_400,
        600,
    ),
    (
        Field::PurgeDelay,
        "purgedelay",
        "purge propagation (ms)",
        0,
        60_000,
        150,
    ),
    (
        Field::Flush,
        "flush",
        "purge everything at (ms; 0 = never)",
        0,
        3_600_000,
        0,
    ),
    (Field::Size, "size", "median object size (KB)", 1, 100_000, 50),
    (Field::OriginMs, "originms", "origin's answer time (ms)", 0, 10_000, 30),
];

/// The permalink parameters, in the order they are written.
pub const PARAMS: [&str; 19] = [
    "v",
    "ttl",
    "shield",
    "regions",
    "edges",
    "edgecap",
    "shieldcap",
    "objects",
    "alpha",
    "rate",
    "seconds",
    "swr",
    "change",
    "purge",
    "purgedelay",
    "flush",
    "size",
    "originms",
    "seed",
];

/// The lab's whole state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// The `max-age`s compared, in seconds, one to [`MAX_TTLS`], ascending.
    pub ttls: Vec<u32>,
    /// Whether regions have shields, or both side by side.
    pub shield: Shield,
    /// Zipf's α in hundredths, `0..=200`.
    pub alpha_centi: u32,
    /// Whether every copy of an object is purged when it changes.
    pub purge: bool,
    /// The numeric settings, in [`FIELDS`] order.
    pub values: [u32; 13],
    /// Seeds the requests, the changes and the sizes.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            ttls: vec![10, 60],
            shield: Shield::Off,
            alpha_centi: 90,
            purge: false,
            values: FIELDS.map(|f| f.5),
            seed: 42,
        }
    }
}

fn index(field: Field) -> usize {
    FIELDS.iter().position(|f| f.0 == field).expect("every field is listed")
}

/// Reads a `max-age` in whole seconds, 1 to a day.
fn parse_ttl(raw: &str) -> Option<u32> {
    raw.trim().parse().ok().filter(|t| (1..=MAX_TTL_S).contains(t))
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

    /// Requests in one run.
    #[must_use]
    pub fn requests(&self) -> u64 {
        u64::from(self.get(Field::Rate)) * u64::from(self.get(Field::Seconds))
    }

    /// The runs compared: each `max-age`, without and with shields as chosen.
    #[must_use]
    pub fn runs(&self) -> Vec<(u32, bool)> {
        let shields: &[bool] = match self.shield {
            Shield::Off => &[false],
            Shield::On => &[true],
            Shield::Both => &[false, true],
        };
        self.ttls
            .iter()
            .flat_map(|&t| shields.iter().map(move |&s| (t, s)))
            .collect()
    }

    /// Object slots the caches of the largest run index together.
    #[must_use]
    pub fn slots(&self) -> u64 {
        let regions = u64::from(self.get(Field::Regions));
        let shields = if self.shield == Shield::Off { 0 } else { regions };
        (regions * u64::from(self.get(Field::Edges)) + shields) * u64::from(self.get(Field::Objects))
    }

    /// Brings settings that depend on each other back in range, saying what changed.
    fn repair(&mut self) -> Vec<String> {
        let mut notes = Vec::new();
        let runs = self.runs().len() as u64;
        let most = MAX_REQUESTS.min(MAX_WORK / runs);
        if self.requests() > most {
            let seconds = u32::try_from(most / u64::from(self.get(Field::Rate))).expect("at most 3,600");
            notes.push(format!(
                "{} requests per second for {} s in {runs} runs is more than {} requests; using {} s",
                self.get(Field::Rate),
                self.get(Field::Seconds),
                runs * most,
                seconds.max(1)
            ));
            self.put(Field::Seconds, seconds.max(1));
        }
        if self.slots() > MAX_SLOTS {
            let caches = self.slots() / u64::from(self.get(Field::Objects));
            let objects = u32::try_from(MAX_SLOTS / caches).expect("below the objects");
            notes.push(format!(
                "{caches} caches over {} objects need more memory than a browser tab should take; using {objects} objects",
                self.get(Field::Objects)
            ));
            self.put(Field::Objects, objects);
        }
        let end = self.get(Field::Seconds).saturating_mul(1_000);
        if self.get(Field::Flush) >= end {
            notes.push(format!(
                "{} ms is not within the {} s run; nothing is purged at once",
                self.get(Field::Flush),
                self.get(Field::Seconds)
            ));
            self.put(Field::Flush, 0);
        }
        notes
    }
}

/// The presets a teacher would use, in the order the lab lists them.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "TTL vs staleness",
        lesson: "Three regions of four edges, each able to hold all 20,000 objects, serve 500 Zipf(0.9) requests a second for an hour, and an object changes every 600 s on average. A longer max-age spares the origin more and serves more stale copies: with 10 s the edges answer 29.4 % (the TTL-cache model: 29.4 %) and 0.24 % of the answers are stale (model 0.24 %); with 60 s, 47.3 % and 2.10 % (model 2.29 %); with 300 s, 65.7 % and 13.45 % (model 14.00 %; the hottest objects change only a few times in the hour, so this number varies with the seed). Egress falls less than the origin's requests, from 88 to 82 Mb/s, because a revalidation of an unchanged object is answered without a body: 60 % of the origin's answers at 10 s, 24 % at 300 s.",
        query: "v=1&ttl=10,60,300&shield=off&regions=3&edges=4&edgecap=20000&shieldcap=20000&objects=20000&alpha=0.9&rate=500&seconds=3600&swr=0&change=600&purge=0&purgedelay=150&flush=0&size=50&originms=30&seed=42",
    },
    Preset {
        name: "What a shield tier saves",
        lesson: "Six regions of eight edges, each holding 10,000 of 100,000 objects, serve 5,000 Zipf(0.8) requests a second; objects never change. The edges answer 45.2 % either way. Without shields the rest go to the origin: 2,741 requests and 1,819 Mb/s a second. With a shield of 100,000 objects in each region, the shields answer 57.0 % of what the edges miss, and the origin gets 781 requests and 515 Mb/s a second, an offload of 84.4 %. A miss through a shield costs one more hop, yet North America's median answer falls from 72 to 20 ms, because it now ends at the shield.",
        query: "v=1&ttl=300&shield=both&regions=6&edges=8&edgecap=10000&shieldcap=100000&objects=100000&alpha=0.8&rate=5000&seconds=240&swr=0&change=0&purge=0&purgedelay=150&flush=0&size=50&originms=30&seed=42",
    },
    Preset {
        name: "Purge everything at once",
        lesson: "The same tier at 10,000 requests a second, purged completely at 60 s. For a moment nearly every request reaches the origin, with or without shields: its busiest 100 ms is 9,870 requests a second without them and 9,320 with, of the 10,000 made. Shields refill faster, because one fetch per region serves all its edges: the origin gets 79,287 requests in the ten seconds after the purge without shields and 59,267 with.",
        query: "v=1&ttl=300&shield=both&regions=6&edges=8&edgecap=10000&shieldcap=100000&objects=100000&alpha=0.8&rate=10000&seconds=120&swr=0&change=0&purge=0&purgedelay=150&flush=60000&size=50&originms=30&seed=42",
    },
    Preset {
        name: "Stale-while-revalidate hides the expiry",
        lesson: "The TTL vs staleness tier with a max-age of 10 s and 60 s of stale-while-revalidate. The origin gets the same 353 requests a second (model 353), because each expiry still costs one revalidation, but the user who finds a copy expired no longer waits for it: the edges answer 54.7 % without waiting (model 54.7 %) instead of 29.4 %, and North America's median answer is 18 ms instead of 72. The price is staleness: 1.39 % of the answers (model 1.43 %) instead of 0.24 %.",
        query: "v=1&ttl=10&shield=off&regions=3&edges=4&edgecap=20000&shieldcap=20000&objects=20000&alpha=0.9&rate=500&seconds=3600&swr=60&change=600&purge=0&purgedelay=150&flush=0&size=50&originms=30&seed=42",
    },
    Preset {
        name: "Long TTLs with purge on change",
        lesson: "The TTL vs staleness tier, but every copy of an object is purged 150 ms after it changes. Staleness is bounded by the purge's spread: 0.02 % of the answers are stale, by 75 ms on average, against 13.45 % at 300 s without purges. So a long max-age is safe: with an hour the edges answer 73.8 % of the requests, more than the 65.7 % of 300 s without purges, and the origin's egress stays at 88 Mb/s, since every change must be fetched once anyway.",
        query: "v=1&ttl=300,3600&shield=off&regions=3&edges=4&edgecap=20000&shieldcap=20000&objects=20000&alpha=0.9&rate=500&seconds=3600&swr=0&change=600&purge=1&purgedelay=150&flush=0&size=50&originms=30&seed=42",
    },
    Preset {
        name: "Far from the origin",
        lesson: "Six regions, edges of 5,000 objects, the origin in North America. The edges answer 35 % of the requests, and for the rest distance decides: the median answer takes 72 ms in North America and 287 ms in Africa, the round trip to the origin. Shields answer 40 % of the edges' misses. In North America the median falls to 22 ms; in Africa, with 3 % of the users, more than half the answers still come from the origin, so its median rises to 298 ms, by the shield's extra hop. The 95th percentile rises everywhere by that hop, from 79 to 85 ms in North America and from 301 to 313 ms in Africa, since the slowest answers still come from the origin.",
        query: "v=1&ttl=60&shield=both&regions=6&edges=4&edgecap=5000&shieldcap=50000&objects=100000&alpha=0.8&rate=5000&seconds=240&swr=0&change=0&purge=0&purgedelay=150&flush=0&size=50&originms=30&seed=42",
    },
];

/// What a user can do in the lab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Set the `max-age`s compared (one to four, each 1 s to a day).
    SetTtls(Vec<u32>),
    /// Set whether regions have shields.
    SetShield(Shield),
    /// Set α in hundredths.
    SetAlpha(u32),
    /// Set a numeric setting.
    Set(Field, u32),
    /// Purge an object's copies when it changes, or not.
    SetPurge(bool),
    /// Set the seed.
    SetSeed(u64),
    /// Replace the whole state (a permalink was opened).
    Load(Params),
}

/// The lab's model.
pub type Model = super::Model<Params>;

/// The `max-age`s as the permalink and the settings write them.
#[must_use]
pub fn ttls_text(ttls: &[u32]) -> String {
    ttls.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

/// Reads the `max-age`s a person typed: whole seconds, comma separated, 1 to a day, at most four;
/// sorted and without repeats.
///
/// # Errors
/// Text that is not such a list, named in the message.
///
/// ```
/// use shardscope_core::labs::cdn::parse_ttls;
/// assert_eq!(parse_ttls("600, 60"), Ok(vec![60, 600]));
/// assert!(parse_ttls("60,abc").unwrap_err().contains("abc"));
/// ```
pub fn parse_ttls(raw: &str) -> Result<Vec<u32>, String> {
    let mut out = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some(t) = parse_ttl(part) else {
            return Err(format!(
                "“{}” is not a max-age in whole seconds from 1 to {MAX_TTL_S}",
                echo(part)
            ));
        };
        out.push(t);
    }
    out.sort_unstable();
    out.dedup();
    if out.is_empty() || out.len() > MAX_TTLS {
        return Err(format!("give one to {MAX_TTLS} max-ages, comma separated"));
    }
    Ok(out)
}

impl LabParams for Params {
    type Command = Command;
    const SLUG: &'static str = "cdn";

    /// The permalink query string, versioned.
    ///
    /// ```
    /// use shardscope_core::labs::{cdn::Params, LabParams};
    /// let p = Params::default();
    /// assert_eq!(Params::from_query(&p.to_query()), (p, vec![]));
    /// ```
    fn to_query(&self) -> String {
        let mut pairs = vec![
            ("v", VERSION.to_string()),
            ("ttl", ttls_text(&self.ttls)),
            ("shield", self.shield.slug().to_string()),
            ("alpha", alpha_text(self.alpha_centi)),
            ("purge", u32::from(self.purge).to_string()),
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
        let mut ttls = match q.get("ttl") {
            Some(raw) => list(
                "ttl",
                raw,
                MAX_TTLS,
                "max-ages",
                "a max-age in seconds from 1 to 86,400",
                parse_ttl,
                p,
            ),
            None => d.ttls.clone(),
        };
        ttls.sort_unstable();
        ttls.dedup();
        if ttls.is_empty() {
            ttls.clone_from(&d.ttls);
        }
        let alpha_centi = alpha_from(&q, d.alpha_centi, p);
        let mut params = Self {
            ttls,
            shield: q.choice("shield", d.shield, p),
            alpha_centi,
            purge: q.int_clamped("purge", 0..=1, 0, p) == 1,
            values: read_fields(&q, &FIELDS, p),
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
    /// use shardscope_core::labs::cdn::{Command, Field, Model};
    /// let mut m = Model::default();
    /// m.apply(Command::Set(Field::Regions, 7));
    /// assert!(m.notice.as_deref().unwrap().contains("regions must be 1–6"));
    /// m.apply(Command::SetTtls(vec![30]));
    /// assert_eq!(m.params.ttls, vec![30]);
    /// ```
    fn apply(&mut self, command: Command) -> Option<String> {
        let mut p = self.clone();
        let mut notice = None;
        match command {
            Command::SetTtls(ttls) => match parse_ttls(&ttls_text(&ttls)) {
                Ok(t) => p.ttls = t,
                Err(e) => notice = Some(e),
            },
            Command::SetShield(s) => p.shield = s,
            Command::SetAlpha(a) => {
                notice = set_number(&mut p, ("α × 100", a, 0..=200, |p, v| p.alpha_centi = v)).err();
            }
            Command::Set(field, value) => notice = set_field(&FIELDS, &mut p.values, field, value).err(),
            Command::SetPurge(on) => p.purge = on,
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
        let (p, problems) = Params::from_query(
            "v=1&ttl=0,60,abc,90000&shield=maybe&regions=9&rate=1000000&seconds=3600&flush=9999999&objects=1000000&edges=32",
        );
        assert_eq!(p.ttls, vec![60]);
        assert_eq!(p.shield, Shield::Off);
        assert_eq!(p.get(Field::Regions), 6);
        assert!(p.requests() <= MAX_REQUESTS);
        assert!(p.slots() <= MAX_SLOTS);
        assert_eq!(p.get(Field::Flush), 0);
        let text = format!("{problems:?}");
        for word in ["abc", "90000", "maybe", "regions", "more than", "memory"] {
            assert!(text.contains(word), "{word}: {text}");
        }
    }

    #[test]
    fn the_work_of_every_run_is_bounded() {
        let (p, _) = Params::from_query("v=1&ttl=1,2,3,4&shield=both&rate=1000000&seconds=3600&objects=1000");
        assert_eq!(p.runs().len(), 8);
        assert!(p.requests() * 8 <= MAX_WORK);
    }
}
