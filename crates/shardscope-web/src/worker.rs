//! The page's side of a lab's Web Worker (`shardscope-worker`, one generic worker for any lab):
//! spawns it once, sends each new state, and turns its answers into a [`Progress`], ignoring
//! answers to superseded states.

use std::cell::Cell;
use std::rc::Rc;

use gloo_worker::{Spawnable, WorkerBridge};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shardscope_core::labs::{Computes, Model};
use shardscope_worker::{Input, LabWorker, Output, ReportOf};
use yew::prelude::*;

use crate::hooks::Progress;
use crate::lab::progress_bar;

/// A finished computation: the report and the measured speed of each timed part.
#[derive(Debug, PartialEq)]
pub struct Computed<R> {
    /// The numbers.
    pub report: R,
    /// Units per second of each timed part, measured in the worker (the Placement lab: key
    /// placements per second of each algorithm).
    pub rates: Vec<f64>,
}

/// What the lab needs from the worker: the state of the current computation and a way to
/// cancel it.
pub struct WorkerRun<R> {
    /// Progress, result or failure of the computation for the current parameters.
    pub progress: Progress<Computed<R>>,
    /// Stops the computation in progress.
    pub cancel: Callback<MouseEvent>,
    /// Starts the computation for the current parameters again (after a cancel).
    pub restart: Callback<MouseEvent>,
    /// The last finished computation, for any parameters: the picture keeps showing it (dimmed)
    /// while the next one runs, so a change animates from the old picture to the new.
    pub last: Option<Rc<Computed<R>>>,
    /// Sends a file the user chose to the worker for the runs that follow (see [`Attach`]).
    pub attach: Callback<Attach>,
    /// The file being sent, while it is: its name.
    pub reading: Option<String>,
    /// The last file sent whole: its name.
    pub attached: Option<String>,
}

impl<R> WorkerRun<R> {
    /// What the picture shows: the finished computation for the current parameters, or while
    /// it runs the last one finished (dimmed).
    #[must_use]
    pub fn shown(&self) -> Option<Rc<Computed<R>>> {
        match &self.progress {
            Progress::Done(c) => Some(c.clone()),
            _ => self.last.clone(),
        }
    }
}

/// A file to send to the worker: it is read a part at a time (the page never holds it whole),
/// `check` sees the start first so a file that is not what the lab reads is refused before
/// anything is sent, and `then` runs once the worker has it all (before the current state is
/// computed again, over the file).
#[derive(Clone)]
pub struct Attach {
    /// The file.
    pub file: web_sys::File,
    /// Checks the file's first bytes.
    pub check: fn(&[u8]) -> Result<(), String>,
    /// Runs once the worker has the whole file.
    pub then: Callback<()>,
}

/// Bytes of a file sent to the worker per message, and read from the file at a time.
const FILE_PART: u64 = 1 << 20;
/// Bytes of a file's start that [`Attach::check`] sees.
const FILE_CHECK: usize = 64 << 10;

/// Runs lab `P`'s computation for `params` in its worker (`<slug>_worker_loader.js`, next to the
/// page, by a relative URL so the site works from any sub-path); a change of `params` abandons
/// the previous run.
///
/// `FILES` says whether the lab sends files ([`WorkerRun::attach`]); a lab that does not leaves
/// `false`, and the code that reads and sends files is left out of its page.
#[hook]
pub fn use_worker<P, const FILES: bool>(params: &P) -> WorkerRun<ReportOf<P>>
where
    P: Computes + Serialize + DeserializeOwned + 'static,
    ReportOf<P>: Serialize + DeserializeOwned + 'static,
{
    // The state remembers which parameters it belongs to, so the one render between a change of
    // parameters and the effect that sends them never shows the old result under the new state.
    let state = use_state(|| (None::<P>, Progress::Running { done: 0, total: 1 }));
    let sent = use_mut_ref(|| None::<P>);
    let ticket = use_mut_ref(|| Rc::new(Cell::new(0u64)));
    let bridge = use_mut_ref(|| None::<WorkerBridge<LabWorker<P>>>);
    {
        let state = state.clone();
        let sent = sent.clone();
        let bridge = bridge.clone();
        let current = ticket.borrow().clone();
        use_effect_with((), move |()| {
            let set = move |progress| state.set((sent.borrow().clone(), progress));
            let on_output = move |output: Output<ReportOf<P>>| match output {
                Output::Progress { ticket, done, total } if ticket == current.get() => {
                    set(Progress::Running { done, total });
                }
                Output::Done { ticket, report, rates } if ticket == current.get() => {
                    set(Progress::Done(Rc::new(Computed { report: *report, rates })));
                }
                Output::Failed { ticket, message } if ticket == current.get() => set(Progress::Failed(message)),
                _ => {}
            };
            let loader = format!("{}_loader.js", Model::<P>::info().worker_name());
            *bridge.borrow_mut() = Some(LabWorker::<P>::spawner().callback(on_output).spawn_with_loader(&loader));
            // Dropping the last bridge tells the worker to shut down.
            move || drop(bridge.borrow_mut().take())
        });
    }
    let send = {
        let state = state.clone();
        let sent = sent.clone();
        let bridge = bridge.clone();
        let current = ticket.borrow().clone();
        Rc::new(move |params: &P| {
            current.set(current.get() + 1);
            *sent.borrow_mut() = Some(params.clone());
            state.set((Some(params.clone()), Progress::Running { done: 0, total: 1 }));
            if let Some(bridge) = bridge.borrow().as_ref() {
                bridge.send(Input::Run {
                    ticket: current.get(),
                    params: params.clone(),
                });
            }
        })
    };
    {
        let send = send.clone();
        use_effect_with(params.clone(), move |params| send(params));
    }
    let cancel = {
        let state = state.clone();
        let sent = sent.clone();
        let bridge = bridge.clone();
        let current = ticket.borrow().clone();
        Callback::from(move |_: MouseEvent| {
            // A new ticket makes any late answer to the cancelled run stale.
            current.set(current.get() + 1);
            if let Some(bridge) = bridge.borrow().as_ref() {
                bridge.send(Input::Cancel);
            }
            state.set((
                sent.borrow().clone(),
                Progress::Failed("Cancelled. Change a setting, or press “Run again”.".into()),
            ));
        })
    };
    let restart = {
        let params = params.clone();
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send(&params))
    };
    let last = use_mut_ref(|| None::<Rc<Computed<ReportOf<P>>>>);
    if let (_, Progress::Done(computed)) = &*state {
        *last.borrow_mut() = Some(Rc::clone(computed));
    }
    let progress = match &*state {
        (Some(owner), progress) if owner == params => progress.clone(),
        _ => Progress::Running { done: 0, total: 1 },
    };
    let last = last.borrow().clone();
    let reading = use_state(|| None::<String>);
    let attached = use_state(|| None::<String>);
    let attach = if FILES {
        let state = state.clone();
        let sent = sent.clone();
        let reading = reading.clone();
        let attached = attached.clone();
        let current = ticket.borrow().clone();
        Callback::from(move |a: Attach| {
            // A new ticket ends the run in progress; a cancel or another file ends this reading.
            current.set(current.get() + 1);
            let mine = current.get();
            let (state, sent, bridge, reading, attached, current, send) = (
                state.clone(),
                sent.clone(),
                bridge.clone(),
                reading.clone(),
                attached.clone(),
                current.clone(),
                send.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let name = a.file.name();
                let fail = |message: String| {
                    reading.set(None);
                    state.set((sent.borrow().clone(), Progress::Failed(message)));
                };
                match send_file(&a, &name, &bridge, &|at, total| {
                    if current.get() != mine {
                        return false;
                    }
                    reading.set(Some(name.clone()));
                    state.set((sent.borrow().clone(), Progress::Running { done: at, total }));
                    true
                })
                .await
                {
                    Ok(true) => {
                        reading.set(None);
                        attached.set(Some(name));
                        a.then.emit(());
                        // Cloned first: `send` writes `sent`, which must not still be borrowed.
                        let params = sent.borrow().clone();
                        if let Some(params) = params {
                            send(&params);
                        }
                    }
                    Ok(false) => reading.set(None),
                    Err(message) => fail(message),
                }
            });
        })
    } else {
        Callback::noop()
    };
    WorkerRun {
        progress,
        cancel,
        restart,
        last,
        attach,
        reading: (*reading).clone(),
        attached: (*attached).clone(),
    }
}

/// Reads `a.file` a part at a time and sends each part to the worker; `go(done, total)` reports
/// progress and says whether to go on. `Ok(false)`: stopped (cancelled or superseded).
async fn send_file<P: Computes + Serialize + DeserializeOwned + 'static>(
    a: &Attach,
    name: &str,
    bridge: &Rc<std::cell::RefCell<Option<WorkerBridge<LabWorker<P>>>>>,
    go: &dyn Fn(u64, u64) -> bool,
) -> Result<bool, String>
where
    ReportOf<P>: Serialize + DeserializeOwned + 'static,
{
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // A file's length is a whole number of bytes.
    let total = a.file.size() as u64;
    let mut at = 0;
    while at < total {
        if !go(at, total) {
            return Ok(false);
        }
        let end = (at + FILE_PART).min(total);
        #[allow(clippy::cast_precision_loss)] // Offsets below 2^53 are exact.
        let part = a
            .file
            .slice_with_f64_and_f64(at as f64, end as f64)
            .map_err(|_| format!("{name}: the browser could not read the file"))?;
        let buffer = wasm_bindgen_futures::JsFuture::from(part.array_buffer())
            .await
            .map_err(|_| format!("{name}: the browser could not read the file (was it moved or deleted?)"))?;
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        if at == 0 {
            let start = &bytes[..bytes.len().min(FILE_CHECK)];
            (a.check)(start).map_err(|e| format!("{name}: {e}"))?;
        }
        if !go(at, total) {
            return Ok(false);
        }
        match bridge.borrow().as_ref() {
            Some(b) => b.send(Input::File {
                name: name.to_owned(),
                at,
                total,
                bytes,
            }),
            None => return Ok(false),
        }
        at = end;
    }
    Ok(true)
}

/// A worker run's state as the figure's `data-state` (`done`, `running` or `failed`), and what
/// the figure shows for it: a progress bar with Cancel while it runs, the failure with Run again,
/// nothing once done. `what` says what the worker is doing.
pub fn worker_status<R>(run: &WorkerRun<R>, what: &str) -> (&'static str, Html) {
    match &run.progress {
        Progress::Done(_) => ("done", Html::default()),
        Progress::Running { .. } => (
            "running",
            html! {
                <div class="running">
                    { progress_bar(&run.progress, &run.reading.as_ref().map_or_else(|| what.to_owned(), |name| format!("Sending {name} to the background worker, which reads it; it never leaves your browser"))) }
                    <button type="button" id="cancel" onclick={run.cancel.clone()}>{ "Cancel" }</button>
                </div>
            },
        ),
        Progress::Failed(message) => (
            "failed",
            html! {
                <div class="running">
                    <p class="notice" role="alert">{ message }</p>
                    <button type="button" id="run-again" onclick={run.restart.clone()}>{ "Run again" }</button>
                </div>
            },
        ),
    }
}
