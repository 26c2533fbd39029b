//! The Shardscope web front end: the chrome every page shares, the lab components, and the side
//! effects at the edge. Each lab is a page of its own, built from a small binary in `src/bin/`
//! that calls [`start_lab`] with its component, so a visitor downloads only the lab they open.
//!
//! This crate only renders and dispatches. Every number on screen comes from `shardscope-core`;
//! side effects (the URL, timers, workers) live in [`hooks`] and [`worker`], never in a reducer.

pub mod bench;
pub mod chart;
pub mod frame;
pub mod hooks;
pub mod lab;
pub mod labs;
mod panic;
pub mod route;
pub mod shell;
pub mod timeline;
pub mod widgets;
pub mod worker;

use shardscope_core::labs::{LabParams, Model};
use yew::Html;

/// Starts the page of the lab whose core parameters are `P`: installs the panic panel, then
/// mounts the component `render` draws.
pub fn start_lab<P: LabParams>(render: fn() -> Html) {
    panic::install();
    yew::Renderer::<shell::LabPage>::with_props(shell::LabPageProps {
        info: Model::<P>::info(),
        render,
    })
    .render();
}

/// Starts the debug page (browser benchmark, deliberate panic).
pub fn start_debug() {
    panic::install();
    yew::Renderer::<shell::DebugPage>::new().render();
}
