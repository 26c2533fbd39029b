//! Side effects at the edge: embed mode, keeping a lab's state in its URL, running a lab's
//! computation in slices on the page so it never freezes, and the timer behind "Play".

use std::cell::Cell;
use std::rc::Rc;

use gloo::history::query::Raw;
use shardscope_core::labs::Run;
use shardscope_core::query::Query;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

/// The parameter that turns on embed mode; it belongs to the page, not to any lab.
pub const EMBED_PARAM: &str = "embed";

/// Whether the page is embedded (`?embed=1` before or after the `#`): no header, no footer.
#[hook]
pub fn use_embed() -> bool {
    let in_hash = use_location().is_some_and(|l| embed_flag(l.query_str()));
    in_hash
        || gloo::utils::window()
            .location()
            .search()
            .is_ok_and(|search| embed_flag(&search))
}

/// Whether a query string turns embed mode on.
fn embed_flag(query: &str) -> bool {
    Query::parse(query).get(EMBED_PARAM) == Some("1")
}

/// The lab's part of the query after `#`: everything but the page's own `embed` flag.
#[hook]
pub fn use_lab_query() -> String {
    let location = use_location();
    lab_query(location.as_ref().map_or("", |l| l.query_str()))
}

fn lab_query(query_str: &str) -> String {
    let query = query_str.strip_prefix('?').unwrap_or(query_str);
    query
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some(EMBED_PARAM))
        .collect::<Vec<_>>()
        .join("&")
}

/// Keeps the URL and a lab's state in step.
///
/// `slug` is the lab's: the fragment written is always `#/lab/<slug>?<canonical>`, also when the
/// page was opened bare or through an old link's alias. `canonical` is the query the lab's
/// current state writes. When it changes, the URL is replaced (not pushed: every edit in history
/// would make the back button useless). When the URL changes
/// from outside (back and forward, or an edited address), `on_external` receives the new query for
/// the lab to parse.
///
/// The router reports a URL this hook wrote a moment later, possibly after the lab has already
/// written a newer one. Every written query is therefore remembered until the router reports it,
/// so a late report of an older write is never mistaken for the user going back to it.
#[hook]
pub fn use_permalink_sync(slug: &'static str, canonical: String, on_external: Callback<String>) {
    let navigator = use_navigator();
    let own = Route::Lab { slug: slug.into() };
    let elsewhere = use_route::<Route>().as_ref() != Some(&own);
    let current = use_lab_query();
    let embed_in_hash = use_location().is_some_and(|l| embed_flag(l.query_str()));
    // The lab state was initialised from the URL at mount, so that URL counts as already seen.
    let unreported = use_mut_ref(|| vec![current.clone()]);

    {
        let unreported = unreported.clone();
        use_effect_with(current.clone(), move |current| {
            let position = unreported.borrow().iter().position(|q| q == current);
            match position {
                Some(i) => drop(unreported.borrow_mut().drain(..=i)),
                None => on_external.emit(current.clone()),
            }
        });
    }
    use_effect_with((canonical, elsewhere), move |(canonical, elsewhere)| {
        if *canonical != current || *elsewhere {
            if let Some(navigator) = navigator {
                let query = if embed_in_hash {
                    format!("{canonical}&{EMBED_PARAM}=1")
                } else {
                    canonical.clone()
                };
                // A rewrite of the path alone changes no query, so the router will not report it.
                if *canonical != current {
                    unreported.borrow_mut().push(canonical.clone());
                }
                // Raw queries cannot fail to encode.
                let _ = navigator.replace_with_query(&own, Raw(query));
            }
        }
    });
}

/// Keyboard shortcuts every lab shares: Space plays or pauses, ← and → step back and forward. A
/// key presses the lab's own button marked `data-shortcut="play"`, `"back"` or `"forward"` (a
/// disabled one does nothing), so a shortcut does exactly what the button does. Keys pressed in a
/// field, a menu, a link or a button are theirs, and keys with Ctrl, Alt or Meta are the
/// browser's.
#[hook]
pub fn use_shortcuts() {
    use_effect_with((), |()| {
        let document = gloo::utils::document();
        let target = document.clone();
        let on_key = Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
            if e.alt_key() || e.ctrl_key() || e.meta_key() || e.default_prevented() {
                return;
            }
            let which = match e.key().as_str() {
                " " => "play",
                "ArrowLeft" => "back",
                "ArrowRight" => "forward",
                _ => return,
            };
            let in_control = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| {
                    el.closest("input, select, textarea, button, a, summary, [role=button], [contenteditable]")
                        .ok()
                        .flatten()
                })
                .is_some();
            if in_control {
                return;
            }
            let button = document
                .query_selector(&format!("[data-shortcut=\"{which}\"]"))
                .ok()
                .flatten()
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(button) = button {
                // Space would scroll the page as well.
                e.prevent_default();
                button.click();
            }
        });
        let _ = target.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
        move || {
            let _ = target.remove_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
        }
    });
}

/// "Play" for a lab: while `playing`, once `ready`, waits `delay_ms` and emits `advance`; when
/// `at_end`, it stops by clearing `playing`. The wait starts again whenever `key` changes, so each
/// advance must change it (the step or the time shown).
#[hook]
pub fn use_autoplay<K: PartialEq + Clone + 'static>(
    playing: &UseStateHandle<bool>,
    key: K,
    at_end: bool,
    ready: bool,
    delay_ms: u32,
    advance: Callback<()>,
) {
    let playing = playing.clone();
    use_effect_with((*playing, key, at_end, ready), move |(on, _, at_end, ready)| {
        let mut timer = None;
        if *on && *at_end {
            playing.set(false);
        } else if *on && *ready {
            timer = Some(gloo::timers::callback::Timeout::new(delay_ms, move || advance.emit(())));
        }
        move || drop(timer)
    });
}

/// How far a chunked computation has come.
#[derive(Debug, PartialEq)]
pub enum Progress<T> {
    /// Work done so far, of the total.
    Running {
        /// Units done.
        done: u64,
        /// Units in all.
        total: u64,
    },
    /// The result.
    Done(Rc<T>),
    /// The computation could not start.
    Failed(String),
}

// Written out because a derive would demand `T: Clone`, and results are shared through `Rc`.
impl<T> Clone for Progress<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Running { done, total } => Self::Running {
                done: *done,
                total: *total,
            },
            Self::Done(result) => Self::Done(Rc::clone(result)),
            Self::Failed(message) => Self::Failed(message.clone()),
        }
    }
}

/// How long one slice of a chunked computation may run before yielding to the browser: well under
/// the 50 ms at which a task counts as long and input starts to feel late.
const SLICE_MS: f64 = 16.0;

/// Milliseconds from the page's time origin, for time budgets (never for results).
fn now_ms() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}

/// Runs the computation `start(input)` (a core [`Run`]) on the page, in slices, yielding to the
/// browser between them so input and painting go on. A new `input` cancels the run in progress.
/// A lab whose work takes longer than a moment runs it in its worker instead
/// ([`crate::worker::use_worker`]).
#[hook]
pub fn use_run_in_page<I, R, F>(input: I, start: F) -> Progress<R::Report>
where
    I: PartialEq + Clone + 'static,
    R: Run + 'static,
    R::Report: 'static,
    F: Fn(&I) -> Result<R, String> + 'static,
{
    // The state remembers which input it belongs to, so a result is never shown for the wrong
    // input during the one render between a change and the effect that restarts the work.
    let state = use_state(|| (None::<I>, Progress::Running { done: 0, total: 1 }));
    let shown = match &*state {
        (Some(owner), progress) if *owner == input => progress.clone(),
        _ => Progress::Running { done: 0, total: 1 },
    };
    {
        let state = state.clone();
        use_effect_with(input, move |input| {
            let cancelled = Rc::new(Cell::new(false));
            let owner = input.clone();
            let set = move |progress| state.set((Some(owner.clone()), progress));
            match start(input) {
                Err(message) => set(Progress::Failed(message)),
                Ok(mut job) => {
                    let cancelled = cancelled.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        loop {
                            // Yield first, so the page paints the inputs' new values at once.
                            gloo_timers::future::TimeoutFuture::new(0).await;
                            if cancelled.get() {
                                return;
                            }
                            // Run steps until the slice's time is up. Browsers delay nested
                            // zero-delay timers to 4 ms, so yielding after every small step would
                            // spend most of the time waiting; a time budget keeps each task short
                            // without that waste, whatever the speed of the machine.
                            let deadline = now_ms() + SLICE_MS;
                            let finished = loop {
                                if job.step() {
                                    break true;
                                }
                                if now_ms() >= deadline {
                                    break false;
                                }
                            };
                            if finished {
                                set(Progress::Done(Rc::new(job.finish())));
                                return;
                            }
                            let (done, total) = job.progress();
                            set(Progress::Running { done, total });
                        }
                    });
                }
            }
            move || cancelled.set(true)
        });
    }
    shown
}
