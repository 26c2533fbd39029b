//! The models of the labs: parameters, permalinks, commands and computations, free of any UI.
//!
//! Each lab module owns a `Params` type (the lab's whole state, as its permalink stores it), a
//! `Model` with an `apply(Command)` reducer the web component delegates to, and whatever
//! computation the lab shows, written so that it can run in chunks without blocking a browser.

pub mod rebalance;
