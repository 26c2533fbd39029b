//! The chrome every page shares (header, footer, embed mode, not-found) and the two kinds of
//! page: a lab page, which shows one lab, and the debug page, which holds the benchmark and the
//! deliberate panic.
//!
//! Routing uses the URL fragment (`#/lab/placement?…`) so that the release build works from any
//! sub-path of a plain static file server: reloads fetch the same page, and no server needs
//! rewrite rules. The site's home page is static HTML written from the catalog at build time
//! (`shardscope site`), not part of this crate.

use yew::prelude::*;
use yew_router::prelude::*;

use shardscope_core::labs::LabInfo;

use crate::hooks::use_embed;
use crate::route::Route;

/// What a lab page renders: its catalog entry and its component.
#[derive(Clone, Copy, Properties)]
pub struct LabPageProps {
    /// The lab's entry in `CATALOG`; the page answers to `#/lab/<slug>` and to the old links of
    /// its aliases (`#/lab/<alias>?…`), which the lab's `from_alias_query` converts.
    pub info: &'static LabInfo,
    /// Renders the lab.
    pub render: fn() -> Html,
}

// A page's props never change after mounting; the catalog entry names the page (function
// pointers have no meaningful equality).
impl PartialEq for LabPageProps {
    fn eq(&self, other: &Self) -> bool {
        self.info == other.info
    }
}

/// The root of a lab page.
#[function_component]
pub fn LabPage(props: &LabPageProps) -> Html {
    let props = *props;
    html! {
        <HashRouter>
            <Chrome>
                <Switch<Route> render={move |route| lab_switch(&props, route)} />
            </Chrome>
        </HashRouter>
    }
}

fn lab_switch(page: &LabPageProps, route: Route) -> Html {
    match route {
        // A bare page shows the lab; its permalink sync then writes the full fragment.
        Route::Home => (page.render)(),
        Route::Lab { slug } if slug == page.info.slug || page.info.aliases.contains(&slug.as_str()) => (page.render)(),
        Route::Lab { slug } => not_found(&format!(
            "There is no lab called “{}” on this page.",
            shardscope_core::query::echo(&slug)
        )),
        _ => not_found("There is no page at this address."),
    }
}

/// The root of the debug page (`debug/`): the browser benchmark and the deliberate panic.
#[function_component]
pub fn DebugPage() -> Html {
    html! {
        <HashRouter>
            <Chrome>
                <Switch<Route> render={debug_switch} />
            </Chrome>
        </HashRouter>
    }
}

fn debug_switch(route: Route) -> Html {
    match route {
        Route::Panic => html! { <Panic /> },
        Route::Bench => html! { <crate::bench::Bench /> },
        Route::BenchPlacement => html! { <crate::bench::BenchPlacement /> },
        _ => not_found("There is no page at this address."),
    }
}

#[derive(PartialEq, Properties)]
struct ChromeProps {
    children: Html,
}

/// Header and footer around the page, both left out in embed mode.
#[function_component]
fn Chrome(props: &ChromeProps) -> Html {
    let embed = use_embed();
    crate::hooks::use_shortcuts();
    html! {
        <div class={classes!("shell", embed.then_some("embed"))}>
            if !embed {
                <header class="site-header">
                    // Every page but the home page lives one folder below the site's root.
                    <a href="../" class="brand">{ "Shardscope" }</a>
                    <span class="tagline">{ "How distributed systems place and move data" }</span>
                    // `theme.js` (loaded by the page's head) handles the press and keeps
                    // aria-pressed true while the dark theme shows.
                    <button type="button" id="theme-toggle" class="theme-toggle">{ "Dark mode" }</button>
                </header>
            }
            <main>{ props.children.clone() }</main>
            if !embed {
                <footer class="site-footer">
                    <p>{ "Every number on this site is computed in your browser from a seed; the same link shows the same numbers." }</p>
                </footer>
            }
        </div>
    }
}

fn not_found(message: &str) -> Html {
    html! {
        <section class="not-found" role="alert">
            <h1>{ "Not found" }</h1>
            <p>{ message }</p>
            <p><a href="../">{ "See all labs" }</a></p>
        </section>
    }
}

#[function_component]
fn Panic() -> Html {
    panic!("the /debug/panic page panics on purpose");
}
