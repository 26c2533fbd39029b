//! The Cache cluster lab's component: maps controls to `cache_cluster::Command`s and the model
//! and its report to the database's load over time, each node's load, the headline numbers and
//! the table of every number. All computation is in `shardscope_core::labs::cache_cluster`, run
//! in the lab's Web Worker.

mod charts;

use shardscope_core::cache::Policy;
use shardscope_core::labs::cache::{alpha_text, MAX_ALPHA_CENTI};
use shardscope_core::labs::cache_cluster::{
    AlgorithmReport, Command, Field, Model, Params, Report, ALGORITHMS, FIELDS, MAX_ALGORITHMS, PRESETS,
};
use shardscope_core::query::Choice;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::frame::{Headline, LabFrame};
use crate::hooks::Progress;
use crate::lab::{
    alpha_field, choice_select, field_inputs, group_digits, group_float, number_field, percent_of_one, use_lab,
    LabHandle,
};
use crate::widgets::TextField;
use crate::worker::{use_worker, worker_status};

/// The headline numbers' ids and labels, in order.
const HEADLINES: [(&str, &str); 4] = [
    ("headline-peak", "Database at the loss"),
    ("headline-moved", "Keys moved by the loss"),
    ("headline-hit", "Hit ratio at the nodes"),
    ("headline-busiest", "Busiest node"),
];

fn pct(x: f64) -> String {
    percent_of_one(x, 1)
}

/// The Cache cluster lab.
#[function_component]
pub fn CacheClusterLab() -> Html {
    let lab = use_lab::<Params>();
    let note = use_state(|| None::<String>);
    let p = lab.model().params.clone();
    let run = use_worker::<_, false>(&p);
    let (state, status_html) = worker_status(&run, "Simulating every cluster, tick by tick, in a background worker");
    let done = state == "done";
    let shown = run.shown();
    let fail = Some(p.get(Field::FailMs)).filter(|&ms| ms > 0);
    let coalesce = p.coalesce;
    let toolbar = html! { <>
        { lab.preset_menu(PRESETS) }
        <div class="event-buttons">
            <button type="button" id="toggle-coalesce" data-shortcut="forward" aria-pressed={coalesce.to_string()}
                onclick={lab.on(move |_: MouseEvent| Command::SetCoalesce(!coalesce))}>
                { if coalesce { "Coalescing on: turn it off" } else { "Coalescing off: turn it on" } }
            </button>
        </div>
        <p class="keys-hint" id="keys-hint">{ "Key: → turns request coalescing on or off." }</p>
        { lab.notice(note.as_deref()) }
    </> };
    let figure = html! {
        <section class="results" data-state={state} aria-busy={(!done).then_some("true")}
            data-query={done.then(|| lab.canonical.clone())}>
            { status_html }
            { shown.as_ref().map(|c| charts::db_chart(&c.report, fail, done)).unwrap_or_default() }
        </section>
    };
    let headline = shown
        .as_ref()
        .map_or_else(|| Headline::pending(&HEADLINES), |c| headline(&c.report, &p));
    let details = match &run.progress {
        Progress::Done(c) => html! { <>
            <section class="nodes" aria-label="Each node's load">
                <h2>{ "Each node's load" }</h2>
                { charts::nodes_chart(&c.report, true) }
            </section>
            { numbers_table(&c.report) }
        </> },
        _ => Html::default(),
    };
    html! {
        <LabFrame title={Model::info().title} class="cache" banner={lab.problems_banner()} {figure} {headline} {toolbar}
            controls={controls(&lab, &note)}
            lede={html! { <>
                { "A cache tier is many nodes, and a placement algorithm decides which node holds which key. " }
                { "Here app servers send seeded requests to cache nodes behind up to three placement algorithms at once: lose a node and watch its misses reach the database, give one key a tenth of the traffic, and measure what replication, local caches and request coalescing save." }
            </> }}>
            { details }
            <section class="note">
                <h2>{ "How the numbers are made" }</h2>
                <p>{ "Time advances in ticks of 10 ms. Each tick the app servers send their share of the requests, round robin; a request goes to the node its key is placed on (each node an LRU, or the policy chosen, of the given size). A miss fetches from the database, whose answer fills the node's cache after the answer time; a request that arrives meanwhile misses too and, without coalescing, sends one more fetch. A node that is lost drops out of the placement and its cache is gone; keys are placed by the same algorithms, and the same code, as in the Placement lab." }</p>
                <p>{ "Theory beside each number: a node's share of the requests from its placement (keys weighted by popularity); the hit ratio from Che's approximation applied node by node to the keys it holds; the keys a loss moves, 1/N for consistent hashing and (N − 1)/N for hash mod N; the database's peak if every hit of a moved key became one fetch. A hot key's copies are stored under suffixed keys, key#0 to key#r−1, which the placement spreads like any other key; a local copy is served until its time to live runs out, counted from the request that fetched it. The database answers every fetch: its capacity is a line to compare with, not a limit the simulation enforces." }</p>
            </section>
            { lab.share() }
        </LabFrame>
    }
}

/// One line per algorithm: its name and a value.
fn per_algorithm(r: &Report, value: impl Fn(&AlgorithmReport) -> String) -> Vec<String> {
    r.algorithms
        .iter()
        .map(|a| format!("{}: {}", a.name, value(a)))
        .collect()
}

fn busiest(values: &[f64]) -> (usize, f64) {
    values
        .iter()
        .copied()
        .enumerate()
        .fold((0, 0.0), |best, (n, v)| if v > best.1 { (n, v) } else { best })
}

/// The database's load at the loss, or without one its steady load.
fn peak_headline(r: &Report, lost: bool, id: &'static str) -> Headline {
    if lost {
        Headline {
            id,
            label: format!(
                "Database fetches a second, its busiest 10 ms after the loss (capacity {})",
                group_digits(r.db_rps.into())
            ),
            values: per_algorithm(r, |a| a.db_peak_rps.map_or_else(|| "—".into(), group_float)),
            theory: Some(format!(
                "one fetch per miss: {}",
                r.algorithms
                    .iter()
                    .map(|a| a.db_peak_theory_rps.map_or_else(|| "—".into(), group_float))
                    .collect::<Vec<_>>()
                    .join(" · ")
            )),
            detail: Some(
                per_algorithm(r, |a| {
                    format!(
                        "{} before, settles at {} in {}, {} extra fetches",
                        group_float(a.db_steady_rps),
                        a.db_settled_rps.map_or_else(|| "—".into(), group_float),
                        a.recovery_ms.map_or_else(
                            || "more than the run".into(),
                            |ms| format!("{:.1} s", f64::from(ms) / 1_000.0)
                        ),
                        a.extra_fetches.map_or_else(|| "—".into(), group_digits)
                    )
                })
                .join("; "),
            ),
        }
    } else {
        Headline {
            id,
            label: format!("Database fetches a second (capacity {})", group_digits(r.db_rps.into())),
            values: per_algorithm(r, |a| group_float(a.db_steady_rps)),
            theory: None,
            detail: Some("no node is lost in this run; set “node loss” to lose one".into()),
        }
    }
}

fn headline(r: &Report, p: &Params) -> Vec<Headline> {
    let [peak, moved, hit, busy] = HEADLINES;
    let lost = p.get(Field::FailMs) > 0;
    let nodes = f64::from(p.get(Field::Nodes));
    vec![
        peak_headline(r, lost, peak.0),
        Headline {
            id: moved.0,
            label: moved.1.into(),
            values: if lost {
                per_algorithm(r, |a| a.moved_keys.map_or_else(|| "—".into(), pct))
            } else {
                vec!["no loss".into()]
            },
            theory: lost.then(|| {
                format!(
                    "1/N = {} for consistent hashing, (N − 1)/N = {} for mod N",
                    pct(1.0 / nodes),
                    pct((nodes - 1.0) / nodes)
                )
            }),
            detail: lost.then(|| {
                format!(
                    "of the requests: {}",
                    per_algorithm(r, |a| a.moved_share.map_or_else(|| "—".into(), pct)).join(", ")
                )
            }),
        },
        Headline {
            id: hit.0,
            label: hit.1.into(),
            values: per_algorithm(r, |a| pct(a.hit_ratio)),
            theory: r.algorithms.first().and_then(|a| a.hit_ratio_theory).map(|_| {
                format!(
                    "Che, node by node: {}",
                    r.algorithms
                        .iter()
                        .map(|a| a.hit_ratio_theory.map_or_else(|| "—".into(), pct))
                        .collect::<Vec<_>>()
                        .join(" · ")
                )
            }),
            detail: Some(format!(
                "of the requests that reach a node, in the steady window; local caches answered {}",
                per_algorithm(r, |a| pct(a.total.local_hits as f64 / a.total.requests.max(1) as f64)).join(", ")
            )),
        },
        Headline {
            id: busy.0,
            label: format!(
                "{}, requests a second (mean {})",
                busy.1,
                group_float(f64::from(p.get(Field::Rate)) / nodes)
            ),
            values: per_algorithm(r, |a| {
                let (n, v) = busiest(&a.node_rps);
                format!("node {n}, {}", group_float(v))
            }),
            theory: Some(format!(
                "placement predicts {}",
                r.algorithms
                    .iter()
                    .map(|a| group_float(busiest(&a.node_rps_theory).1))
                    .collect::<Vec<_>>()
                    .join(" · ")
            )),
            detail: Some("before any loss; a local cache takes requests before they reach a node".into()),
        },
    ]
}

/// Every number of every algorithm, measured beside theory.
fn numbers_table(r: &Report) -> Html {
    let row = |label: &str, id: &str, cell: &dyn Fn(&AlgorithmReport) -> String| {
        html! {
            <tr id={id.to_owned()}>
                <th scope="row">{ label }</th>
                { for r.algorithms.iter().map(|a| html! { <td data-alg={a.algorithm.slug()}>{ cell(a) }</td> }) }
            </tr>
        }
    };
    let opt = |v: Option<f64>, f: fn(f64) -> String| v.map_or_else(|| "—".into(), f);
    let ratio = |v: f64| format!("{v:.4}");
    html! {
        <section class="numbers" aria-label="Numbers">
            <h2>{ "Every number" }</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Every number of every placement algorithm">
                <table class="loads" id="numbers">
                    <thead><tr><th scope="col">{ "Number" }</th>{ for r.algorithms.iter().map(|a| html! { <th scope="col">{ &a.name }</th> }) }</tr></thead>
                    <tbody>
                        { row("Hit ratio at the nodes (steady)", "row-hit", &|a| ratio(a.hit_ratio)) }
                        { row("Che's approximation", "row-che", &|a| opt(a.hit_ratio_theory, ratio)) }
                        { row("Database fetches a second (steady)", "row-steady", &|a| group_float(a.db_steady_rps)) }
                        { row("Database's busiest 10 ms after the loss, a second", "row-peak", &|a| opt(a.db_peak_rps, group_float)) }
                        { row("One fetch per miss predicts", "row-peak-theory", &|a| opt(a.db_peak_theory_rps, group_float)) }
                        { row("Settled rate after the loss", "row-settled", &|a| opt(a.db_settled_rps, group_float)) }
                        { row("Extra fetches until settled", "row-extra", &|a| a.extra_fetches.map_or_else(|| "—".into(), group_digits)) }
                        { row("Keys moved", "row-moved", &|a| opt(a.moved_keys, ratio)) }
                        { row("Keys moved, theory", "row-moved-theory", &|a| opt(a.moved_theory, ratio)) }
                        { row("Requests moved", "row-moved-requests", &|a| opt(a.moved_share, ratio)) }
                        { row("Busiest node, requests a second", "row-busiest", &|a| group_float(busiest(&a.node_rps).1)) }
                        { row("Placement predicts", "row-busiest-theory", &|a| group_float(busiest(&a.node_rps_theory).1)) }
                        { row("Requests", "row-requests", &|a| group_digits(a.total.requests)) }
                        { row("Answered by local caches", "row-local", &|a| group_digits(a.total.local_hits)) }
                        { row("Answered by cache nodes", "row-hits", &|a| group_digits(a.total.hits)) }
                        { row("Database fetches", "row-fetches", &|a| group_digits(a.total.fetches)) }
                        { row("Waited for a fetch under way", "row-coalesced", &|a| group_digits(a.total.coalesced)) }
                        { row("Seconds over the database's capacity", "row-overloaded", &|a| format!("{:.1}", a.overloaded_seconds)) }
                    </tbody>
                </table>
            </div>
            <p>{ "Seconds over capacity include the first seconds, while every cache is still empty." }</p>
        </section>
    }
}

fn controls(lab: &LabHandle<Params>, field_note: &UseStateHandle<Option<String>>) -> Html {
    let p = lab.model().params.clone();
    let on_alpha = alpha_field(lab, field_note, MAX_ALPHA_CENTI, Command::SetAlpha);
    let on_algorithm = lab.on(|e: Event| {
        let slug = e.target_unchecked_into::<HtmlInputElement>().value();
        // The boxes carry only the algorithms' own slugs, so the lookup always succeeds.
        Command::Toggle(shardscope_core::placement::Algorithm::from_slug(&slug).unwrap_or(ALGORITHMS[1]))
    });
    let on_coalesce = lab.on(|e: Event| Command::SetCoalesce(e.target_unchecked_into::<HtmlInputElement>().checked()));
    let on_seed = number_field(lab, field_note, "Seed", |v| Some(Command::SetSeed(v)));
    let uses = |a| p.algorithms.contains(&a);
    let full = p.algorithms.len() >= MAX_ALGORITHMS;
    let fields = field_inputs(lab, field_note, &FIELDS, |f| p.get(f), Command::Set);
    html! { <>
        <fieldset class="algorithms">
            <legend>{ format!("Placement (up to {MAX_ALGORITHMS}, on the same requests)") }</legend>
            { for ALGORITHMS.iter().map(|&a| html! {
                <label class="inline">
                    <input type="checkbox" id={format!("alg-{}", a.slug())} value={a.slug()} checked={uses(a)}
                        disabled={(uses(a) && p.algorithms.len() == 1) || (!uses(a) && full)} onchange={on_algorithm.clone()} />
                    <span>{ a.label() }</span>
                </label>
            }) }
        </fieldset>
        <form class="controls" aria-label="Lab settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label>
                <span>{ "Each node's eviction policy" }</span>
                { choice_select("policy", p.policy, lab.on(Command::SetPolicy)) }
            </label>
            <TextField id="alpha" label="Zipf exponent α (0–2)" kind="text" value={alpha_text(p.alpha_centi)} on_commit={on_alpha} />
            { fields }
            <label class="inline">
                <input type="checkbox" id="coalesce" checked={p.coalesce} onchange={on_coalesce} />
                <span>{ "Coalesce concurrent misses (one fetch per key at a time)" }</span>
            </label>
            <TextField id="seed" label="Seed" kind="text" value={p.seed.to_string()} on_commit={on_seed} />
        </form>
        if p.policy == Policy::Opt {
            <p class="notice">{ "OPT needs the future; the nodes use LRU." }</p>
        }
    </> }
}
