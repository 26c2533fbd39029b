//! The Caching lab's stepped run: a miniature of the workload (the same popularity law, scans,
//! shift and one-hit wonders, over a dozen objects) served request by request by every chosen
//! policy at a cache of four, with each policy's queues, ghosts and hand after each request.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::Params;
use crate::cache::opt::next_uses;
use crate::cache::workload::{Generator, Trace, Workload};
use crate::cache::Policy;

/// Objects in the miniature workload.
pub const STEP_OBJECTS: u32 = 12;
/// The miniature cache's size.
pub const STEP_CACHE: u32 = 4;
/// Requests in the miniature run.
pub const STEP_REQUESTS: u32 = 40;
/// The miniature's scanned loop, when the workload scans.
const STEP_SCAN_LEN: u32 = 6;

/// One policy after one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyStep {
    /// Whether the request hit.
    pub hit: bool,
    /// What left the cache to make room (at most a few objects; none on a hit).
    pub evicted: Vec<u32>,
    /// The policy's lists after the request, each named and in the order the policy reads it.
    pub lists: Vec<(String, Vec<u32>)>,
    /// Hits so far in the run.
    pub hits: u32,
}

/// The stepped run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stepped {
    /// The miniature's requests.
    pub requests: Vec<u32>,
    /// For each policy (in the lab's order), its state after each request.
    pub steps: Vec<Vec<PolicyStep>>,
}

/// Runs the miniature of `params`'s workload through each of its policies.
#[must_use]
pub fn stepped(params: &Params) -> Stepped {
    let w = params.workload();
    let trace = Generator::generate(Workload {
        objects: STEP_OBJECTS,
        requests: STEP_REQUESTS,
        scan_len: STEP_SCAN_LEN,
        ..w
    });
    run_steps(params, trace)
}

/// Runs the first [`STEP_REQUESTS`] requests of a user's trace through each of `params`'s
/// policies, objects numbered in order of first appearance among them.
#[must_use]
pub fn stepped_prefix(params: &Params, requests: &[u32]) -> Stepped {
    let mut ids: Vec<(u32, u32)> = Vec::new();
    let prefix = requests[..requests.len().min(STEP_REQUESTS as usize)]
        .iter()
        .map(|&x| {
            if let Some(&(_, id)) = ids.iter().find(|&&(y, _)| y == x) {
                id
            } else {
                let id = u32::try_from(ids.len()).expect("at most STEP_REQUESTS");
                ids.push((x, id));
                id
            }
        })
        .collect();
    run_steps(params, Trace::from_requests(prefix))
}

fn run_steps(params: &Params, trace: Trace) -> Stepped {
    let next: Arc<[u32]> = next_uses(&trace.requests, trace.universe).into();
    let steps = params
        .policies
        .iter()
        .map(|&policy: &Policy| {
            let mut cache = policy.build(STEP_CACHE, trace.universe, Some(&next), params.seed);
            let mut hits = 0;
            trace
                .requests
                .iter()
                .map(|&x| {
                    let before: Vec<u32> = (0..trace.universe).filter(|&y| cache.holds(y)).collect();
                    let hit = cache.access(x);
                    hits += u32::from(hit);
                    PolicyStep {
                        hit,
                        evicted: before.into_iter().filter(|&y| !cache.holds(y)).collect(),
                        lists: cache
                            .contents()
                            .into_iter()
                            .map(|(name, items)| (name.to_owned(), items))
                            .collect(),
                        hits,
                    }
                })
                .collect()
        })
        .collect();
    Stepped {
        requests: trace.requests,
        steps,
    }
}
