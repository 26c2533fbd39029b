//! The site shell: routes, header and footer, the home page, and the not-found page.
//!
//! Routing uses the URL fragment (`#/lab/rebalance?…`) so that the release build works from any
//! sub-path of a plain static file server: deep links and reloads always fetch the same
//! `index.html`, and no server needs rewrite rules.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::hooks::use_embed;
use crate::registry;

/// Every page of the site.
#[derive(Clone, Debug, PartialEq, Routable)]
pub enum Route {
    /// The list of labs.
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

/// The application root.
#[function_component]
pub fn App() -> Html {
    html! {
        <HashRouter>
            <Shell />
        </HashRouter>
    }
}

#[function_component]
fn Shell() -> Html {
    let embed = use_embed();
    html! {
        <div class={classes!("shell", embed.then_some("embed"))}>
            if !embed {
                <header class="site-header">
                    <Link<Route> to={Route::Home} classes="brand">{ "Shardscope" }</Link<Route>>
                    <span class="tagline">{ "How distributed systems place and move data" }</span>
                </header>
            }
            <main>
                <Switch<Route> render={switch} />
            </main>
            if !embed {
                <footer class="site-footer">
                    <p>{ "Every number on this site is computed in your browser from a seed; the same link shows the same numbers." }</p>
                </footer>
            }
        </div>
    }
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Lab { slug } => match registry::find(&slug) {
            Some(lab) => (lab.component)(),
            None => not_found(&format!(
                "There is no lab called “{}”.",
                shardscope_core::query::echo(&slug)
            )),
        },
        Route::Panic => html! { <Panic /> },
        Route::Bench => html! { <crate::bench::Bench /> },
        Route::BenchPlacement => html! { <crate::bench::BenchPlacement /> },
        Route::NotFound => not_found("There is no page at this address."),
    }
}

#[function_component]
fn Home() -> Html {
    html! {
        <section class="home" aria-labelledby="home-title">
            <h1 id="home-title">{ "Labs" }</h1>
            <p>{ "Each lab runs the real algorithm on up to a million seeded keys and shows measured numbers next to what theory predicts. Every lab's state lives in its link." }</p>
            <ul class="lab-list">
                { for registry::labs().map(|lab| html! {
                    <li class="lab-card" key={lab.info.slug}>
                        <h2><Link<Route> to={Route::Lab { slug: lab.info.slug.into() }}>{ lab.info.title }</Link<Route>></h2>
                        <p>{ lab.info.summary }</p>
                    </li>
                }) }
            </ul>
        </section>
    }
}

fn not_found(message: &str) -> Html {
    html! {
        <section class="not-found" role="alert">
            <h1>{ "Not found" }</h1>
            <p>{ message }</p>
            <p><Link<Route> to={Route::Home}>{ "See all labs" }</Link<Route>></p>
        </section>
    }
}

#[function_component]
fn Panic() -> Html {
    panic!("the /debug/panic page panics on purpose");
}
