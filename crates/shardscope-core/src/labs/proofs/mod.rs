//! The "Tamper-evident log" lab: an append-only log whose Merkle root (RFC 6962) lets anyone check
//! that a record is in it (inclusion proof) and that it only ever grew (consistency proof), and
//! what happens to those checks when one byte is changed anywhere.

use super::LabParams;
use crate::hash::hash_u64;
use crate::merkle::rfc6962::{
    consistency_proof, consistency_ranges, inclusion_proof, inclusion_ranges, inclusion_trace, path_len, root,
    verify_consistency, Hash, InclusionTrace,
};
use crate::query::{to_query, Choice, Problem, Query};

/// The permalink format version.
pub const VERSION: u32 = 1;
/// The longest log the lab builds.
pub const MAX_SIZE: u32 = 4096;
/// The permalink parameters, in the order they are written.
pub const PARAMS: [&str; 8] = ["v", "size", "seed", "leaf", "tamper", "at", "old", "ctamper"];

/// What the reader flips one byte of, in the inclusion check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tamper {
    /// Nothing: the honest check.
    None,
    /// The record itself.
    Record,
    /// One hash of the audit path (`at` says which).
    Proof,
    /// The published root.
    Root,
    /// The whole audit path: one for the same position in another log (another seed).
    OtherLog,
}

/// What the reader flips one byte of, in the consistency check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsistencyTamper {
    /// Nothing.
    None,
    /// The first hash of the consistency proof.
    Proof,
    /// The old root (as if the log had rewritten its history).
    OldRoot,
}

impl Choice for Tamper {
    const ALL: &'static [Self] = &[Self::None, Self::Record, Self::Proof, Self::Root, Self::OtherLog];

    fn slug(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Record => "record",
            Self::Proof => "proof",
            Self::Root => "root",
            Self::OtherLog => "other-log",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::None => "Nothing (honest check)",
            Self::Record => "A byte of the record",
            Self::Proof => "A byte of one proof hash",
            Self::Root => "A byte of the published root",
            Self::OtherLog => "The whole proof: one from another log",
        }
    }
}

impl Choice for ConsistencyTamper {
    const ALL: &'static [Self] = &[Self::None, Self::Proof, Self::OldRoot];

    fn slug(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Proof => "proof",
            Self::OldRoot => "old-root",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::None => "Nothing (honest check)",
            Self::Proof => "A byte of the consistency proof",
            Self::OldRoot => "A byte of the old root (history rewritten)",
        }
    }
}

/// The lab's whole state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Records in the log, `1..=MAX_SIZE`.
    pub size: u32,
    /// Seeds the records' contents.
    pub seed: u64,
    /// The record whose inclusion is proved, `0..size`.
    pub leaf: u32,
    /// What is tampered with in the inclusion check.
    pub tamper: Tamper,
    /// Which proof hash is tampered with, when `tamper` is `Proof` (clamped to the proof).
    pub at: u32,
    /// The earlier log size the consistency proof starts from, `1..=size`.
    pub old: u32,
    /// What is tampered with in the consistency check.
    pub ctamper: ConsistencyTamper,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            size: 13,
            seed: 42,
            leaf: 6,
            tamper: Tamper::None,
            at: 0,
            old: 7,
            ctamper: ConsistencyTamper::None,
        }
    }
}

/// The text of record `i` of the log for `seed`.
#[must_use]
pub fn record(seed: u64, i: u32) -> String {
    format!("record {i}: payment {:016x}", hash_u64(seed, i.into()))
}

impl Params {
    /// [`LabParams::from_query_ignoring`] with nothing ignored.
    #[must_use]
    pub fn from_query(input: &str) -> (Self, Vec<Problem>) {
        <Self as LabParams>::from_query_ignoring(input, &[])
    }

    /// Brings dependent fields back in range, saying what changed.
    fn repair(&mut self) -> Vec<(&'static str, String)> {
        let mut notes = Vec::new();
        if self.leaf >= self.size {
            notes.push((
                "leaf",
                format!(
                    "record {} is not in a log of {} records; using the last",
                    self.leaf, self.size
                ),
            ));
            self.leaf = self.size - 1;
        }
        if self.old > self.size {
            notes.push((
                "old",
                format!(
                    "an earlier size of {} is larger than the log ({}); using {}",
                    self.old, self.size, self.size
                ),
            ));
            self.old = self.size;
        }
        let len = path_len(self.leaf.into(), self.size.into());
        if self.at >= len.max(1) {
            notes.push((
                "at",
                format!("the audit path has {len} hashes; tampering with the first"),
            ));
            self.at = 0;
        }
        // A one-record log has an empty audit path, and so does every other one-record log:
        // neither a flipped proof byte nor another log's proof can be shown.
        if matches!(self.tamper, Tamper::Proof | Tamper::OtherLog) && len == 0 {
            notes.push((
                "tamper",
                "a one-record log has an empty audit path; tampering with the record instead".into(),
            ));
            self.tamper = Tamper::Record;
        }
        notes
    }
}

/// What a user can do in the lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Set the log's size.
    SetSize(u32),
    /// Set the seed.
    SetSeed(u64),
    /// Choose the record to prove.
    SetLeaf(u32),
    /// Choose what to tamper with in the inclusion check.
    SetTamper(Tamper),
    /// Choose which proof hash to tamper with.
    SetAt(u32),
    /// Set the earlier size for the consistency proof.
    SetOld(u32),
    /// Choose what to tamper with in the consistency check.
    SetConsistencyTamper(ConsistencyTamper),
    /// Append one record: the log grows, the earlier size stays.
    Append,
    /// Replace the whole state.
    Load(Params),
}

/// The lab's model: its parameters and the notice left by the last command.
pub type Model = super::Model<Params>;

impl LabParams for Params {
    type Command = Command;
    const SLUG: &'static str = "proofs";

    /// The permalink query string.
    ///
    /// ```
    /// use shardscope_core::labs::{proofs::Params, LabParams};
    /// let p = Params::default();
    /// assert_eq!(Params::from_query(&p.to_query()), (p, vec![]));
    /// ```
    fn to_query(&self) -> String {
        to_query(&[
            ("v", VERSION.to_string()),
            ("size", self.size.to_string()),
            ("seed", self.seed.to_string()),
            ("leaf", self.leaf.to_string()),
            ("tamper", self.tamper.slug().into()),
            ("at", self.at.to_string()),
            ("old", self.old.to_string()),
            ("ctamper", self.ctamper.slug().into()),
        ])
    }

    /// Reads a permalink; never fails.
    fn from_query_ignoring(input: &str, ignore: &[&str]) -> (Self, Vec<Problem>) {
        let d = Self::default();
        let (query, mut problems) = Query::parse_versioned(input, VERSION, &PARAMS, ignore);
        let Some(query) = query else { return (d, problems) };
        let mut p = Self {
            size: query.int_in("size", 1..=MAX_SIZE, d.size, &mut problems),
            seed: query.int_in("seed", 0..=u64::MAX, d.seed, &mut problems),
            leaf: query.int_in("leaf", 0..=MAX_SIZE - 1, 0, &mut problems),
            tamper: query.choice("tamper", Tamper::None, &mut problems),
            at: query.int_in("at", 0..=63, 0, &mut problems),
            old: query.int_in("old", 1..=MAX_SIZE, 1, &mut problems),
            ctamper: query.choice("ctamper", ConsistencyTamper::None, &mut problems),
        };
        problems.extend(p.repair().into_iter().map(|(field, message)| Problem {
            field: field.into(),
            message,
        }));
        (p, problems)
    }

    fn load(params: Self) -> Command {
        Command::Load(params)
    }

    /// Applies a command; out-of-range values are refused with a notice.
    ///
    /// ```
    /// use shardscope_core::labs::proofs::{Command, Model};
    /// let mut m = Model::default();
    /// m.apply(Command::Append);
    /// assert_eq!((m.params.size, m.params.old), (14, 7));
    /// m.apply(Command::SetLeaf(99));
    /// assert!(m.notice.is_some());
    /// ```
    fn apply(&mut self, command: Command) -> Option<String> {
        let mut notice = None;
        let mut p = *self;
        match command {
            Command::SetSize(n) if (1..=MAX_SIZE).contains(&n) => p.size = n,
            Command::SetSize(n) => notice = Some(format!("the log holds 1–{MAX_SIZE} records, not {n}")),
            Command::SetSeed(s) => p.seed = s,
            Command::SetLeaf(i) if i < p.size => p.leaf = i,
            Command::SetLeaf(i) => notice = Some(format!("record {i} is not in a log of {} records", p.size)),
            Command::SetTamper(t) => p.tamper = t,
            Command::SetAt(i) => p.at = i,
            Command::SetOld(m) if (1..=p.size).contains(&m) => p.old = m,
            Command::SetOld(m) => notice = Some(format!("the earlier size must be 1–{}, not {m}", p.size)),
            Command::SetConsistencyTamper(t) => p.ctamper = t,
            Command::Append if p.size < MAX_SIZE => p.size += 1,
            Command::Append => notice = Some(format!("the lab's log stops at {MAX_SIZE} records")),
            Command::Load(params) => p = params,
        }
        if let Some((_, message)) = p.repair().into_iter().next() {
            notice = Some(message);
        }
        *self = p;
        notice
    }
}

/// Everything the lab shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The record being proved, as stored in the log.
    pub record: String,
    /// The record as the verifier receives it (tampered or not).
    pub presented_record: Vec<u8>,
    /// The log's root.
    pub root: Hash,
    /// The root the verifier compares with.
    pub presented_root: Hash,
    /// The honest audit path.
    pub proof: Vec<Hash>,
    /// The audit path the verifier receives.
    pub presented_proof: Vec<Hash>,
    /// The honest recomputation.
    pub honest: InclusionTrace,
    /// The verifier's recomputation.
    pub checked: InclusionTrace,
    /// Whether inclusion verified.
    pub inclusion_ok: bool,
    /// The first step (0 is the leaf hash, `k` the k-th proof hash) where the verifier's
    /// computation left the honest one; `None` when it never did.
    pub diverged_at: Option<usize>,
    /// The root of the first `old` records.
    pub old_root: Hash,
    /// The leaves each hash of the audit path covers, nearest sibling first (`start..end`).
    pub proof_ranges: Vec<(u64, u64)>,
    /// The consistency proof from `old` to `size`.
    pub consistency: Vec<Hash>,
    /// The leaves each hash of the consistency proof covers, in the proof's order.
    pub consistency_ranges: Vec<(u64, u64)>,
    /// Whether the (possibly tampered) consistency check verified.
    pub consistency_ok: bool,
}

fn flip(mut hash: Hash) -> Hash {
    hash[0] ^= 0x01;
    hash
}

/// The presets, in the order the lab lists them. Each lesson's numbers are what the lab computes
/// for its query (checked by a test).
pub const PRESETS: &[super::Preset] = &[
    super::Preset {
        name: "An honest audit path",
        lesson: "Record 6 of 13: four hashes, one per level, rebuild the published root. ⌈log₂ 13⌉ = 4: a proof grows with the logarithm of the log, not with its size.",
        query: "v=1&size=13&seed=5&leaf=6&tamper=none&at=0&old=7&ctamper=none",
    },
    super::Preset {
        name: "The log forges one proof hash",
        lesson: "The third proof hash is forged. The verifier's path is right up to step 2 and wrong from step 3 on, so it never reaches the published root.",
        query: "v=1&size=13&seed=5&leaf=6&tamper=proof&at=2&old=7&ctamper=none",
    },
    super::Preset {
        name: "A record changed after it was logged",
        lesson: "One byte of record 6 changed. Its leaf hash already differs, and every hash above it differs too: the proof fails at the leaf.",
        query: "v=1&size=13&seed=5&leaf=6&tamper=record&at=0&old=7&ctamper=none",
    },
    super::Preset {
        name: "The log rewrote its past",
        lesson: "The root a monitor saw at 7 records does not match the history the log now proves: the consistency check fails, and the rewrite is caught.",
        query: "v=1&size=13&seed=5&leaf=6&tamper=none&at=0&old=7&ctamper=old-root",
    },
    super::Preset {
        name: "4,096 records, 12 hashes",
        lesson: "Record 1,234 of 4,096 is proved with 12 hashes, and 8 hashes prove that the log of 4,000 records grew into this one without a change.",
        query: "v=1&size=4096&seed=5&leaf=1234&tamper=none&at=0&old=4000&ctamper=none",
    },
];

/// Computes the lab's report (sizes are small: at most [`MAX_SIZE`] records).
#[must_use]
pub fn report(p: &Params) -> Report {
    let records: Vec<String> = (0..p.size).map(|i| record(p.seed, i)).collect();
    let leaves: Vec<&[u8]> = records.iter().map(String::as_bytes).collect();
    let leaf = p.leaf as usize;
    let tree_root = root(&leaves);
    let proof = inclusion_proof(&leaves, leaf).expect("leaf < size");
    let mut presented_record = leaves[leaf].to_vec();
    let mut presented_proof = proof.clone();
    let mut presented_root = tree_root;
    match p.tamper {
        Tamper::None => {}
        Tamper::Record => presented_record[0] ^= 0x01,
        Tamper::Proof => presented_proof[p.at as usize] = flip(presented_proof[p.at as usize]),
        Tamper::Root => presented_root = flip(presented_root),
        Tamper::OtherLog => {
            let other: Vec<String> = (0..p.size).map(|i| record(p.seed.wrapping_add(1), i)).collect();
            let other: Vec<&[u8]> = other.iter().map(String::as_bytes).collect();
            presented_proof = inclusion_proof(&other, leaf).expect("same size, same index");
        }
    }
    let (index, size) = (u64::from(p.leaf), u64::from(p.size));
    let honest = inclusion_trace(leaves[leaf], index, size, &proof).expect("an honest proof has the right shape");
    let checked =
        inclusion_trace(&presented_record, index, size, &presented_proof).expect("same shape as the honest one");
    let inclusion_ok = checked.root() == Some(presented_root);
    let diverged_at = if checked.leaf_hash == honest.leaf_hash {
        checked
            .steps
            .iter()
            .zip(&honest.steps)
            .position(|(a, b)| a.result != b.result)
            .map(|k| k + 1)
    } else {
        Some(0)
    };
    let old_root = root(&leaves[..p.old as usize]);
    let consistency = consistency_proof(&leaves, p.old as usize).expect("1 ≤ old ≤ size");
    let (mut c_proof, mut c_old) = (consistency.clone(), old_root);
    match p.ctamper {
        ConsistencyTamper::None => {}
        ConsistencyTamper::Proof => {
            if let Some(first) = c_proof.first_mut() {
                *first = flip(*first);
            }
        }
        ConsistencyTamper::OldRoot => c_old = flip(c_old),
    }
    let consistency_ok = verify_consistency(p.old.into(), size, &c_old, &tree_root, &c_proof);
    Report {
        record: records[leaf].clone(),
        presented_record,
        root: tree_root,
        presented_root,
        proof,
        presented_proof,
        honest,
        checked,
        inclusion_ok,
        diverged_at,
        old_root,
        proof_ranges: inclusion_ranges(p.leaf.into(), size),
        consistency,
        consistency_ranges: consistency_ranges(p.old.into(), size),
        consistency_ok,
    }
}

/// Lower-case hex of a hash.
#[must_use]
pub fn hex(hash: &Hash) -> String {
    hash.iter().fold(String::with_capacity(64), |mut s, b| {
        s.push(char::from_digit(u32::from(b >> 4), 16).expect("a nibble"));
        s.push(char::from_digit(u32::from(b & 0xf), 16).expect("a nibble"));
        s
    })
}

impl super::Computes for Params {
    type Run = super::OneStep<Params, Report>;

    fn start(&self) -> Result<Self::Run, String> {
        Ok(super::OneStep::new(*self, report))
    }
}
