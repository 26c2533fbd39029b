//! One Web Worker for any lab: it runs a lab's computation (the [`Run`] protocol of
//! `shardscope_core::labs`) away from the page's main thread, reports progress, and can be
//! cancelled. A lab's worker is a three-line binary, `src/bin/<slug>_worker.rs`, that calls
//! [`register`] with the lab's parameters type.
//!
//! The page spawns `<slug>_worker_loader.js` (written by `shardscope site pages` next to the
//! worker's script), sends [`Input::Run`] and receives [`Output`]s. Work advances in slices of
//! about [`SLICE_MS`]; between slices the worker yields to its event loop, so a newer `Run` or an
//! [`Input::Cancel`] is seen within one slice and the old run stops.

use std::cell::Cell;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::Arc;

use gloo_worker::{HandlerId, Registrable, Worker, WorkerScope};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shardscope_core::labs::{Computes, Run};
use wasm_bindgen::JsCast;

/// How long the worker computes before yielding to its own event loop. Long tasks in a worker
/// never block the page; the slice only bounds how late a cancel is noticed and how often
/// progress is sent.
pub const SLICE_MS: f64 = 40.0;

/// What the page asks of the worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Input<P> {
    /// Compute this state; any run in progress is abandoned.
    Run {
        /// Echoed in every output, so the page can ignore answers to older requests.
        ticket: u64,
        /// The lab's state.
        params: P,
    },
    /// Abandon the run in progress.
    Cancel,
    /// A part of a file the user chose, which the runs that follow read (the Caching lab's own
    /// trace). Parts arrive in order; the first (`at == 0`) replaces any earlier file, and the
    /// file is whole when `at + bytes.len() == total`.
    File {
        /// The file's name, which names it in a failure.
        name: String,
        /// Where the part starts in the file.
        at: u64,
        /// The file's length.
        total: u64,
        /// The part.
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
}

/// What the worker answers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Output<R> {
    /// Units done of units in all.
    Progress {
        /// The request this belongs to.
        ticket: u64,
        /// Units done.
        done: u64,
        /// Units in all.
        total: u64,
    },
    /// The report, with the measured speed of each timed part (see [`Run::timed_work`]) in
    /// units per second, in this browser, in the worker.
    Done {
        /// The request this belongs to.
        ticket: u64,
        /// The numbers.
        report: Box<R>,
        /// Units per second of each timed part, by part index (empty if nothing was timed).
        rates: Vec<f64>,
    },
    /// The state could not be computed.
    Failed {
        /// The request this belongs to.
        ticket: u64,
        /// Why.
        message: String,
    },
}

/// The report type of lab `P`'s computation.
pub type ReportOf<P> = <<P as Computes>::Run as Run>::Report;

/// The worker of lab `P`: which run is current. A run's loop stops when the generation moves on.
pub struct LabWorker<P> {
    generation: Rc<Cell<u64>>,
    /// The file being received, and the last whole one.
    incoming: Vec<u8>,
    file: Option<(String, Arc<Vec<u8>>)>,
    lab: PhantomData<P>,
}

/// Registers lab `P`'s worker in the Web Worker this binary runs in.
pub fn register<P>()
where
    P: Computes + Serialize + DeserializeOwned + 'static,
    ReportOf<P>: Serialize + DeserializeOwned + 'static,
{
    LabWorker::<P>::registrar().register();
}

fn now_ms() -> f64 {
    js_sys::global()
        .dyn_into::<web_sys::WorkerGlobalScope>()
        .ok()
        .and_then(|scope| scope.performance())
        .map_or(0.0, |p| p.now())
}

/// Time and units of work per timed part, turned into rates at the end.
#[derive(Default)]
struct Rates {
    ms: Vec<f64>,
    units: Vec<u64>,
}

impl Rates {
    fn add(&mut self, part: u32, units: u64, ms: f64) {
        let part = part as usize;
        if self.ms.len() <= part {
            self.ms.resize(part + 1, 0.0);
            self.units.resize(part + 1, 0);
        }
        self.ms[part] += ms;
        self.units[part] += units;
    }

    fn per_second(&self) -> Vec<f64> {
        self.ms
            .iter()
            .zip(&self.units)
            .map(|(&ms, &units)| if ms > 0.0 { units as f64 * 1000.0 / ms } else { 0.0 })
            .collect()
    }
}

impl<P> LabWorker<P> {
    /// Keeps a part of the file being sent; a part out of order restarts the file, which the
    /// page never does (it sends parts in order on one channel).
    fn receive(&mut self, name: String, at: u64, total: u64, bytes: Vec<u8>) {
        if at == 0 {
            self.file = None;
            self.incoming = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
        }
        if at != self.incoming.len() as u64 {
            self.incoming = Vec::new();
            return;
        }
        self.incoming.extend_from_slice(&bytes);
        if self.incoming.len() as u64 == total {
            self.file = Some((name, Arc::new(std::mem::take(&mut self.incoming))));
        }
    }
}

impl<P> Worker for LabWorker<P>
where
    P: Computes + Serialize + DeserializeOwned + 'static,
    ReportOf<P>: Serialize + DeserializeOwned + 'static,
{
    type Message = ();
    type Input = Input<P>;
    type Output = Output<ReportOf<P>>;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Self {
            generation: Rc::new(Cell::new(0)),
            incoming: Vec::new(),
            file: None,
            lab: PhantomData,
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, input: Self::Input, id: HandlerId) {
        self.generation.set(self.generation.get() + 1);
        let (ticket, params) = match input {
            Input::Run { ticket, params } => (ticket, params),
            Input::Cancel => return,
            Input::File { name, at, total, bytes } => {
                self.receive(name, at, total, bytes);
                return;
            }
        };
        let mine = self.generation.get();
        let generation = self.generation.clone();
        let scope = scope.clone();
        let name = self.file.as_ref().map(|(name, _)| name.clone());
        let mut run = match params.start_with(self.file.as_ref().map(|(_, bytes)| bytes.clone())) {
            Ok(run) => run,
            Err(message) => {
                scope.respond(id, Output::Failed { ticket, message });
                return;
            }
        };
        wasm_bindgen_futures::spawn_local(async move {
            let mut rates = Rates::default();
            loop {
                let deadline = now_ms() + SLICE_MS;
                let finished = loop {
                    let started = now_ms();
                    let done = run.step();
                    if let Some((part, units)) = run.timed_work() {
                        rates.add(part, units, now_ms() - started);
                    }
                    if done {
                        break true;
                    }
                    if now_ms() >= deadline {
                        break false;
                    }
                };
                if finished {
                    if let Some(message) = run.failure() {
                        // Only a run over a file fails, and its message names a line of it.
                        let message = name.map_or_else(|| message.clone(), |name| format!("{name}: {message}"));
                        scope.respond(id, Output::Failed { ticket, message });
                        return;
                    }
                    let report = Box::new(run.finish());
                    let rates = rates.per_second();
                    scope.respond(id, Output::Done { ticket, report, rates });
                    return;
                }
                let (done, total) = run.progress();
                scope.respond(id, Output::Progress { ticket, done, total });
                gloo_timers::future::TimeoutFuture::new(0).await;
                if generation.get() != mine {
                    return;
                }
            }
        });
    }
}
