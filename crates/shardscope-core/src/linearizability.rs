//! A linearizability checker for histories of read/write registers: Wing and Gong's search
//! ("Testing and Verifying Concurrent Objects", 1993) with Lowe's just-in-time linearization and
//! memoization of (linearized set, register value) ("Testing for Linearizability", 2017), as
//! Porcupine implements it.
//!
//! A history is a set of operations, each with an invocation time and, if it completed, a
//! completion time. An operation that did not complete (a timed-out write) may have taken effect
//! at any time after its invocation, or never; its completion is treated as "at the end of time".
//! Registers are independent, so each key is checked on its own (linearizability is local:
//! Herlihy and Wing 1990).

use std::collections::BTreeMap;

/// The (linearized set, register value) states already explored. Only looked up, never iterated,
/// so its order cannot reach the checker's answer.
#[allow(clippy::disallowed_types)]
type Memo = std::collections::HashSet<(Bits, u64)>;

/// One register operation as a client saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The register (key).
    pub key: u32,
    /// Write a value, or read one.
    pub kind: OpKind,
    /// When the client invoked it (virtual ticks).
    pub invoked: u64,
    /// When the client got the answer; `None`: never (unknown outcome).
    pub completed: Option<u64>,
}

/// What an operation did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// Wrote this value.
    Write(u64),
    /// Read and returned this value.
    Read(u64),
}

/// The checker's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Some total order of the operations respects real time and register semantics.
    Linearizable,
    /// No such order exists.
    NotLinearizable {
        /// The register whose history fails.
        key: u32,
        /// The longest order of operations (indices into the history) the search could build;
        /// `blocked` cannot follow it.
        prefix: Vec<usize>,
        /// An operation that completed before it could be placed in any order.
        blocked: usize,
    },
}

/// Register values start at this value (nothing written yet).
pub const INITIAL: u64 = 0;

/// Checks a history. Operations are indexed by their position in `history`. Reads that did not
/// complete carry no information and should be left out; writes that did not complete stay in.
///
/// ```
/// use shardscope_core::linearizability::{check, Operation, OpKind::*, Verdict};
/// let op = |kind, invoked, completed| Operation { key: 0, kind, invoked, completed: Some(completed) };
/// // A write of 1 completes, then a read returns the old value 0: not linearizable.
/// let stale = [op(Write(1), 0, 10), op(Read(0), 20, 30)];
/// assert!(matches!(check(&stale), Verdict::NotLinearizable { blocked: 1, .. }));
/// // Had the read overlapped the write, it could be ordered first.
/// let concurrent = [op(Write(1), 0, 25), op(Read(0), 20, 30)];
/// assert_eq!(check(&concurrent), Verdict::Linearizable);
/// ```
#[must_use]
pub fn check(history: &[Operation]) -> Verdict {
    let mut by_key: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, op) in history.iter().enumerate() {
        // A write that never completed and whose value nobody read can always be placed last,
        // where it changes nothing, so it is left out. This is exact, and it matters: every such
        // write overlaps everything after it, and a partition leaves many of them.
        if let (OpKind::Write(v), None) = (op.kind, op.completed) {
            let observed = history.iter().any(|o| o.key == op.key && o.kind == OpKind::Read(v));
            if !observed {
                continue;
            }
        }
        by_key.entry(op.key).or_default().push(i);
    }
    for (key, ops) in by_key {
        if let Some((prefix, blocked)) = check_register(history, &ops) {
            return Verdict::NotLinearizable { key, prefix, blocked };
        }
    }
    Verdict::Linearizable
}

/// One call or return in the time-ordered list the search walks.
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Index into the register's `ops`.
    op: usize,
    is_call: bool,
    /// For a call: the index of its return entry.
    partner: usize,
    prev: usize,
    next: usize,
}

/// A fixed-size set of operation indices.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Self {
        Self(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn clear(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
}

/// Checks one register; returns the longest prefix found and the blocked operation (both as
/// history indices) if it is not linearizable.
fn check_register(history: &[Operation], ops: &[usize]) -> Option<(Vec<usize>, usize)> {
    let n = ops.len();
    // Events sorted by time; at equal times calls come first, so operations that touch the same
    // tick are treated as concurrent (the lenient reading of a tick's granularity).
    let mut events: Vec<(u64, bool, usize)> = Vec::with_capacity(2 * n);
    for (i, &h) in ops.iter().enumerate() {
        let op = history[h];
        events.push((op.invoked, false, i));
        events.push((op.completed.unwrap_or(u64::MAX), true, i));
    }
    events.sort_unstable_by_key(|&(t, is_return, i)| (t, is_return, i));
    // A doubly linked list with a head sentinel at index 0 and entries at 1..=2n.
    let len = events.len();
    let mut list: Vec<Entry> = Vec::with_capacity(len + 1);
    list.push(Entry {
        op: usize::MAX,
        is_call: false,
        partner: 0,
        prev: 0,
        next: 1,
    });
    let mut return_at = vec![0usize; n];
    for (pos, &(_, is_return, op)) in events.iter().enumerate() {
        let at = pos + 1;
        if is_return {
            return_at[op] = at;
        }
        list.push(Entry {
            op,
            is_call: !is_return,
            partner: 0,
            prev: at - 1,
            next: if at == len { usize::MAX } else { at + 1 },
        });
    }
    for entry in &mut list[1..] {
        if entry.is_call {
            entry.partner = return_at[entry.op];
        }
    }

    let unlink = |list: &mut Vec<Entry>, at: usize| {
        let (prev, next) = (list[at].prev, list[at].next);
        list[prev].next = next;
        if next != usize::MAX {
            list[next].prev = prev;
        }
    };
    let relink = |list: &mut Vec<Entry>, at: usize| {
        let (prev, next) = (list[at].prev, list[at].next);
        list[prev].next = at;
        if next != usize::MAX {
            list[next].prev = at;
        }
    };

    let mut linearized = Bits::new(n);
    let mut state = INITIAL;
    let mut cache = Memo::default();
    let mut stack: Vec<(usize, u64)> = Vec::new();
    let mut best: (Vec<usize>, usize) = (Vec::new(), usize::MAX);
    let mut at = list[0].next;
    // Every call's return comes after it in the list, so walking on from a call always meets a
    // return before the end: `at` is a real entry whenever the list is not empty.
    while list[0].next != usize::MAX {
        let entry = list[at];
        if entry.is_call {
            let op = history[ops[entry.op]];
            let next_state = match op.kind {
                OpKind::Write(v) => Some(v),
                OpKind::Read(v) if v == state => Some(state),
                OpKind::Read(_) => None,
            };
            if let Some(next_state) = next_state {
                let mut with = linearized.clone();
                with.set(entry.op);
                if cache.insert((with.clone(), next_state)) {
                    stack.push((at, state));
                    state = next_state;
                    linearized = with;
                    unlink(&mut list, at);
                    unlink(&mut list, entry.partner);
                    at = list[0].next;
                    continue;
                }
            }
            at = entry.next;
        } else {
            // A return reached while its operation is not yet placed: the order so far cannot be
            // extended past it. Undo the latest choice and try the next call after it.
            if best.1 == usize::MAX || stack.len() >= best.0.len() {
                best = (
                    stack.iter().map(|&(call, _)| ops[list[call].op]).collect(),
                    ops[entry.op],
                );
            }
            let Some((call, previous)) = stack.pop() else {
                return Some(best);
            };
            state = previous;
            linearized.clear(list[call].op);
            // Dancing links: relink in the reverse order of unlinking.
            let partner = list[call].partner;
            relink(&mut list, partner);
            relink(&mut list, call);
            at = list[call].next;
        }
    }
    None
}
