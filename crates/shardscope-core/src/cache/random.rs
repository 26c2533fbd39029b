//! Random eviction: a miss in a full cache evicts a uniformly chosen cached object, drawn from
//! a seeded stream so that a run is the same everywhere.

use super::lists::NIL;
use super::Cache;
use crate::hash::Stream;

/// A cache that evicts at random.
#[derive(Clone, Debug)]
pub struct Random {
    slots: Vec<u32>,
    position: Vec<u32>,
    capacity: u32,
    rng: Stream,
}

impl Random {
    /// An empty random-eviction cache whose choices follow `seed`.
    #[must_use]
    pub fn new(capacity: u32, universe: u32, seed: u64) -> Self {
        Self {
            slots: Vec::with_capacity(capacity as usize),
            position: vec![NIL; universe as usize],
            capacity,
            rng: Stream::new(seed),
        }
    }
}

impl Cache for Random {
    #[inline]
    fn access(&mut self, x: u32) -> bool {
        if self.position[x as usize] != NIL {
            return true;
        }
        let len = u32::try_from(self.slots.len()).expect("at most capacity slots");
        if len < self.capacity {
            self.position[x as usize] = len;
            self.slots.push(x);
        } else {
            let i = u32::try_from(self.rng.below(u64::from(len))).expect("below a u32 length");
            let victim = std::mem::replace(&mut self.slots[i as usize], x);
            self.position[victim as usize] = NIL;
            self.position[x as usize] = i;
        }
        false
    }

    fn holds(&self, x: u32) -> bool {
        self.position[x as usize] != NIL
    }

    fn len(&self) -> u32 {
        u32::try_from(self.slots.len()).expect("at most capacity slots")
    }

    fn contents(&self) -> Vec<(&'static str, Vec<u32>)> {
        vec![("slots", self.slots.clone())]
    }
}
