//! Entry point of the Shardscope web app: installs the panic panel, then mounts the Yew app.
//!
//! This crate only renders and dispatches. Every number on screen comes from `shardscope-core`;
//! side effects (the URL, timers) live in [`hooks`], never in a reducer.

mod app;
mod bench;
mod hooks;
mod lab;
mod labs;
mod panic;
mod registry;
mod widgets;
mod worker;

fn main() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
