//! The page's side of the Placement lab's Web Worker: spawns it once, sends each new state, and
//! turns its answers into a [`Progress`], ignoring answers to superseded states.

use std::cell::Cell;
use std::rc::Rc;

use gloo_worker::{Spawnable, WorkerBridge};
use shardscope_core::labs::placement::Params;
use shardscope_core::labs::placement::Report;
use shardscope_worker::{Input, Output, PlacementWorker};
use yew::prelude::*;

use crate::hooks::Progress;

/// The worker's script, next to `index.html` (Trunk writes the loader shim for the worker bin).
/// Relative, so the site works from any sub-path.
const LOADER: &str = "placement_worker_loader.js";

/// A finished step: the report and the measured keys per second of each algorithm.
#[derive(Debug, PartialEq)]
pub struct Computed {
    /// The numbers.
    pub report: Report,
    /// Keys placed per second by each algorithm, measured in the worker.
    pub keys_per_second: Vec<f64>,
}

/// What the lab needs from the worker: the state of the current computation and a way to
/// cancel it.
pub struct WorkerRun {
    /// Progress, result or failure of the computation for the current parameters.
    pub progress: Progress<Computed>,
    /// Stops the computation in progress.
    pub cancel: Callback<MouseEvent>,
    /// Starts the computation for the current parameters again (after a cancel).
    pub restart: Callback<MouseEvent>,
}

/// Runs `params` in the placement worker; a change of `params` abandons the previous run.
#[hook]
pub fn use_placement_worker(params: &Params) -> WorkerRun {
    // The state remembers which parameters it belongs to, so the one render between a change of
    // parameters and the effect that sends them never shows the old result under the new state.
    let state = use_state(|| (None::<Params>, Progress::Running { done: 0, total: 1 }));
    let sent = use_mut_ref(|| None::<Params>);
    let ticket = use_mut_ref(|| Rc::new(Cell::new(0u64)));
    let bridge = use_mut_ref(|| None::<WorkerBridge<PlacementWorker>>);
    {
        let state = state.clone();
        let sent = sent.clone();
        let bridge = bridge.clone();
        let current = ticket.borrow().clone();
        use_effect_with((), move |()| {
            let set = move |progress| state.set((sent.borrow().clone(), progress));
            let on_output = move |output: Output| match output {
                Output::Progress { ticket, done, total } if ticket == current.get() => {
                    set(Progress::Running { done, total });
                }
                Output::Done {
                    ticket,
                    report,
                    keys_per_second,
                } if ticket == current.get() => set(Progress::Done(Rc::new(Computed {
                    report: *report,
                    keys_per_second,
                }))),
                Output::Failed { ticket, message } if ticket == current.get() => set(Progress::Failed(message)),
                _ => {}
            };
            *bridge.borrow_mut() = Some(PlacementWorker::spawner().callback(on_output).spawn_with_loader(LOADER));
            // Dropping the last bridge tells the worker to shut down.
            move || drop(bridge.borrow_mut().take())
        });
    }
    let send = {
        let state = state.clone();
        let sent = sent.clone();
        let bridge = bridge.clone();
        let current = ticket.borrow().clone();
        Rc::new(move |params: &Params| {
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
        Callback::from(move |_: MouseEvent| send(&params))
    };
    let progress = match &*state {
        (Some(owner), progress) if owner == params => progress.clone(),
        _ => Progress::Running { done: 0, total: 1 },
    };
    WorkerRun {
        progress,
        cancel,
        restart,
    }
}
