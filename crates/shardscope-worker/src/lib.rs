//! The Placement lab's Web Worker: it runs a step of a scenario (up to ten million keys, four
//! algorithms) away from the page's main thread, reports progress, and can be cancelled.
//!
//! The page spawns `placement_worker_loader.js` (a shim Trunk writes next to the worker's
//! script), sends [`Input::Run`] and receives [`Output`]s. Work advances in slices of about
//! [`SLICE_MS`]; between slices the worker yields to its event loop, so a newer `Run` or a
//! [`Input::Cancel`] is seen within one slice and the old run stops.

use std::cell::Cell;
use std::rc::Rc;

use gloo_worker::{HandlerId, Worker, WorkerScope};
use serde::{Deserialize, Serialize};
use shardscope_core::labs::placement::Params;
use shardscope_core::labs::placement::{Job, Report, StepKind};
use wasm_bindgen::JsCast;

/// How long the worker computes before yielding to its own event loop. Long tasks in a worker
/// never block the page; the slice only bounds how late a cancel is noticed and how often
/// progress is sent.
pub const SLICE_MS: f64 = 40.0;

/// What the page asks of the worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Input {
    /// Compute this state's step; any run in progress is abandoned.
    Run {
        /// Echoed in every output, so the page can ignore answers to older requests.
        ticket: u64,
        /// The lab's state.
        params: Params,
    },
    /// Abandon the run in progress.
    Cancel,
}

/// What the worker answers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Output {
    /// Units done of units in all.
    Progress {
        /// The request this belongs to.
        ticket: u64,
        /// Units done.
        done: u64,
        /// Units in all.
        total: u64,
    },
    /// The step's numbers, with the measured lookup speed of each algorithm in keys per second
    /// (each key is placed twice per algorithm: before and after the event).
    Done {
        /// The request this belongs to.
        ticket: u64,
        /// The numbers.
        report: Box<Report>,
        /// Keys placed per second by each algorithm, in this browser, in the worker.
        keys_per_second: Vec<f64>,
    },
    /// The state could not be computed.
    Failed {
        /// The request this belongs to.
        ticket: u64,
        /// Why.
        message: String,
    },
}

/// The worker's state: which run is current. A run's loop stops when the generation moves on.
pub struct PlacementWorker {
    generation: Rc<Cell<u64>>,
}

fn now_ms() -> f64 {
    js_sys::global()
        .dyn_into::<web_sys::WorkerGlobalScope>()
        .ok()
        .and_then(|scope| scope.performance())
        .map_or(0.0, |p| p.now())
}

impl Worker for PlacementWorker {
    type Message = ();
    type Input = Input;
    type Output = Output;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Self {
            generation: Rc::new(Cell::new(0)),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, input: Input, id: HandlerId) {
        self.generation.set(self.generation.get() + 1);
        let Input::Run { ticket, params } = input else {
            return;
        };
        let mine = self.generation.get();
        let generation = self.generation.clone();
        let scope = scope.clone();
        let mut job = match Job::new(&params) {
            Ok(job) => job,
            Err(e) => {
                scope.respond(
                    id,
                    Output::Failed {
                        ticket,
                        message: e.to_string(),
                    },
                );
                return;
            }
        };
        wasm_bindgen_futures::spawn_local(async move {
            let algorithms = params.algorithms.len();
            let mut lookup_ms = vec![0.0f64; algorithms];
            let mut looked_up = vec![0u64; algorithms];
            loop {
                let deadline = now_ms() + SLICE_MS;
                let finished = loop {
                    let started = now_ms();
                    let done = job.step();
                    if let StepKind::Lookup { index, keys } = job.last_step() {
                        lookup_ms[index as usize] += now_ms() - started;
                        looked_up[index as usize] += 2 * keys;
                    }
                    if done {
                        break true;
                    }
                    if now_ms() >= deadline {
                        break false;
                    }
                };
                if finished {
                    let keys_per_second = lookup_ms
                        .iter()
                        .zip(&looked_up)
                        .map(|(&ms, &keys)| if ms > 0.0 { keys as f64 * 1000.0 / ms } else { 0.0 })
                        .collect();
                    scope.respond(
                        id,
                        Output::Done {
                            ticket,
                            report: Box::new(job.report()),
                            keys_per_second,
                        },
                    );
                    return;
                }
                let (done, total) = job.progress();
                scope.respond(id, Output::Progress { ticket, done, total });
                gloo_timers::future::TimeoutFuture::new(0).await;
                if generation.get() != mine {
                    return;
                }
            }
        });
    }
}
