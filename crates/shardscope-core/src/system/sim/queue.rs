//! The simulation's event queue: every pending event in time order, ties in the order they were
//! scheduled, as a four-ary heap of small keys over a slab of the events themselves.

use std::cmp::Ordering;

use dary_heap::QuaternaryHeap;

use super::Ev;

/// When an event happens, and where it waits in the event slab. Events are ordered by one key:
/// the time in µs in the high 40 bits (12.7 days, far beyond any run's drain) and a 24-bit
/// scheduling counter below, so that events at the same time run in the order they were
/// scheduled (the counter wraps after 16.7 million events, which can reorder only ties that far
/// apart, and the same way on every run). The heap holds these 16-byte entries rather than the
/// events themselves, which are three times larger: sifting moves less memory.
#[derive(Debug)]
struct Entry {
    key: u64,
    slot: u32,
}

const SEQ_BITS: u32 = 24;

impl Entry {
    fn time(&self) -> u64 {
        self.key >> SEQ_BITS
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    /// Reversed, so that the max-heap pops the earliest event.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// The pending events.
#[derive(Default)]
pub(super) struct Queue {
    /// Events scheduled so far, for the ties' order.
    seq: u64,
    heap: QuaternaryHeap<Entry>,
    /// The events the heap's entries point at, and the slots free for reuse.
    slab: Vec<Ev>,
    free_slots: Vec<u32>,
}

impl Queue {
    /// Schedules `ev` at `t` µs (after every event already scheduled at `t`).
    pub(super) fn push(&mut self, t: u64, ev: Ev) {
        self.seq += 1;
        let t = t.min((1 << (64 - SEQ_BITS)) - 1);
        let slot = if let Some(slot) = self.free_slots.pop() {
            self.slab[slot as usize] = ev;
            slot
        } else {
            self.slab.push(ev);
            u32::try_from(self.slab.len() - 1).expect("fewer than 2^32 events pending")
        };
        self.heap.push(Entry {
            key: t << SEQ_BITS | (self.seq & ((1 << SEQ_BITS) - 1)),
            slot,
        });
    }

    /// The earliest event and its time, taken off the queue.
    pub(super) fn pop(&mut self) -> Option<(u64, Ev)> {
        let entry = self.heap.pop()?;
        self.free_slots.push(entry.slot);
        Some((entry.time(), self.slab[entry.slot as usize]))
    }

    pub(super) fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}
