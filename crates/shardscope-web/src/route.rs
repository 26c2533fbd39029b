//! The fragment routes a page understands (`#/lab/placement?…`, `#/debug/bench`).
//!
//! Every lab is a page of its own, but links keep the fragment form the single-page site had, so
//! that a permalink written before the split still names its lab and its state. A lab page answers
//! to its own `#/lab/<slug>`; the debug page answers to the `#/debug/…` routes.

use yew_router::prelude::*;

/// Every fragment route of the site.
#[derive(Clone, Debug, PartialEq, Routable)]
pub enum Route {
    /// The bare page (`#/` or no fragment): a lab page shows its lab with default parameters.
    #[at("/")]
    Home,
    /// One lab, by slug.
    #[at("/lab/:slug")]
    Lab {
        /// The lab's slug.
        slug: String,
    },
    /// Panics on purpose, so the end-to-end tests can check the error panel.
    #[at("/debug/panic")]
    Panic,
    /// Times core functions in the browser for the browser benchmark.
    #[at("/debug/bench")]
    Bench,
    /// Times ten million placements per algorithm in the browser (slow: opened only by the
    /// browser benchmark).
    #[at("/debug/bench/placement")]
    BenchPlacement,
    /// Anything else.
    #[not_found]
    #[at("/404")]
    NotFound,
}
