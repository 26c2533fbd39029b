//! The CDN lab's component: maps controls to `cdn::Command`s and the model and its report to
//! the origin's load over time, the headline numbers, each region's latency and the table of
//! every number. All computation is in `shardscope_core::labs::cdn`, run in the lab's Web Worker.

mod charts;

use shardscope_core::cache::cdn::REGIONS;
use shardscope_core::labs::cache::{alpha_text, MAX_ALPHA_CENTI};
use shardscope_core::labs::cdn::{
    parse_ttls, ttls_text, Command, Field, Model, Params, Report, RunReport, FIELDS, MAX_TTLS, PRESETS,
};
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
    ("headline-offload", "Origin offload"),
    ("headline-stale", "Stale answers"),
    ("headline-p95", "p95 latency, farthest region"),
    ("headline-egress", "Origin egress"),
];

fn pct(x: f64) -> String {
    percent_of_one(x, 1)
}

/// Stale shares are small: two decimals tell 0.24 % from 0.36 %.
fn pct2(x: f64) -> String {
    percent_of_one(x, 2)
}

fn opt(v: Option<f64>, f: fn(f64) -> String) -> String {
    v.map_or_else(|| "—".into(), f)
}

fn ms(v: Option<u32>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v} ms"))
}

/// One line per run: its name and a value.
fn per_run(r: &Report, value: impl Fn(&RunReport) -> String) -> Vec<String> {
    r.runs.iter().map(|a| format!("{}: {}", a.name, value(a))).collect()
}

/// The model's values joined, or none if the model does not hold.
fn model(r: &Report, value: impl Fn(&RunReport) -> Option<f64>, f: fn(f64) -> String) -> Option<String> {
    r.runs.first().and_then(&value).map(|_| {
        format!(
            "TTL-cache model: {}",
            r.runs.iter().map(|a| opt(value(a), f)).collect::<Vec<_>>().join(" · ")
        )
    })
}

/// The CDN lab.
#[function_component]
pub fn CdnLab() -> Html {
    let lab = use_lab::<Params>();
    let note = use_state(|| None::<String>);
    let p = lab.model().params.clone();
    let run = use_worker::<_, false>(&p);
    let (state, status_html) = worker_status(
        &run,
        "Simulating every edge, shield and the origin in a background worker",
    );
    let done = state == "done";
    let shown = run.shown();
    let purge = p.purge;
    let toolbar = html! { <>
        { lab.preset_menu(PRESETS) }
        <div class="event-buttons">
            <button type="button" id="toggle-purge" data-shortcut="forward" aria-pressed={purge.to_string()}
                onclick={lab.on(move |_: MouseEvent| Command::SetPurge(!purge))}>
                { if purge { "Purge on change is on: turn it off" } else { "Purge on change is off: turn it on" } }
            </button>
        </div>
        <p class="keys-hint" id="keys-hint">{ "Key: → turns purging on change on or off." }</p>
        { lab.notice(note.as_deref()) }
    </> };
    let figure = html! {
        <section class="results" data-state={state} aria-busy={(!done).then_some("true")}
            data-query={done.then(|| lab.canonical.clone())}>
            { status_html }
            { shown.as_ref().map(|c| charts::origin_chart(&c.report, done)).unwrap_or_default() }
        </section>
    };
    let headline = shown
        .as_ref()
        .map_or_else(|| Headline::pending(&HEADLINES), |c| headline(&c.report));
    let details = match &run.progress {
        Progress::Done(c) => html! { <>
            { regions_table(&c.report) }
            { numbers_table(&c.report) }
        </> },
        _ => Html::default(),
    };
    html! {
        <LabFrame title={Model::info().title} class="cache" banner={lab.problems_banner()} {figure} {headline} {toolbar}
            controls={controls(&lab, &note)}
            lede={html! { <>
                { "A CDN keeps copies of an origin's objects at edges near the users. " }
                { "Here users in up to six regions send seeded requests to edges that serve a copy while it is fresh (max-age), may serve an expired one while they revalidate (stale-while-revalidate), and otherwise ask a shield in their region or the origin: compare max-ages, with and without shields, and measure what the origin is spared, how often an answer is stale and how long each region waits." }
            </> }}>
            { details }
            <section class="note">
                <h2>{ "How the numbers are made" }</h2>
                <p>{ "Request k is made at k / rate seconds, from a region chosen by its share of the users, to one of its edges at random, for a Zipf-popular object. An edge answers from a fresh copy; an expired one within the stale-while-revalidate window is served while it is revalidated; otherwise the user waits while the edge asks upstream, its region's shield if there are shields, else the origin. A revalidation whose object has not changed is answered “not modified”, without a body. A copy keeps the time the origin made it (HTTP's Age), so a copy from a shield expires at the edge when it expires at the shield. Caches are LRU of the given size and are filled as the answer arrives, as if concurrent misses were collapsed into one request, which CDNs do." }</p>
                <p>{ "Each object changes at the origin at random times (exponential gaps, the mean set below); an answer is stale if its object changed after the copy was made. Purging on change drops every copy once the purge has spread; purging everything drops every copy made before that moment. Latency is the round trips the model assumes for each region (the region table lists them; they are rounded assumptions, not measurements) plus an exponential last-mile jitter and the origin's answer time; transfer time is left out. Object sizes are log-normal around the median (σ = 1), drawn from the seed." }</p>
                <p>{ "Theory: with caches that never evict, a copy that lives T seconds and requests for an object a Poisson stream of rate λ at a cache, the cache asks upstream λ/(1 + λT) times a second (Jung, Berger and Balakrishnan, “Modeling TTL-based Internet caches”, 2003); with shields the cycle is the region's. A fresh hit, at an age uniform in (0, T), is stale with probability 1 − (1 − e^(−μT))/(μT) for changes at rate μ. The measured numbers are the second half of the run (before any purge of everything)." }</p>
            </section>
            { lab.share() }
        </LabFrame>
    }
}

fn headline(r: &Report) -> Vec<Headline> {
    let [offload, stale, p95, egress] = HEADLINES;
    let missing = r.theory_missing.as_ref().map(|why| format!("no model drawn: {why}"));
    vec![
        Headline {
            id: offload.0,
            label: format!("{}: requests the origin does not see", offload.1),
            values: per_run(r, |a| pct(a.offload)),
            theory: model(r, |a| a.offload_theory, pct),
            detail: Some(missing.clone().unwrap_or_else(|| {
                format!(
                    "the origin gets {} requests a second",
                    per_run(r, |a| group_float(a.origin_rps)).join(", ")
                )
            })),
        },
        Headline {
            id: stale.0,
            label: format!("{}: the object had changed since the copy was made", stale.1),
            values: per_run(r, |a| pct2(a.stale)),
            theory: model(r, |a| a.stale_theory, pct2),
            detail: Some(format!(
                "stale by {} on average",
                per_run(r, |a| opt(a.stale_mean_ms, |v| format!("{:.1} s", v / 1_000.0))).join(", ")
            )),
        },
        Headline {
            id: p95.0,
            label: p95.1.into(),
            values: per_run(r, |a| {
                a.regions
                    .iter()
                    .max_by_key(|g| g.p95_ms)
                    .map_or_else(|| "—".into(), |g| format!("{}, {}", g.name, ms(g.p95_ms)))
            }),
            theory: r
                .runs
                .first()
                .and_then(|a| a.regions.iter().max_by_key(|g| g.p95_ms))
                .map(|g| {
                    format!(
                        "the model's round trips in {}: {} ms from the edge, {} ms from the origin",
                        g.name, g.hit_ms, g.origin_path_ms
                    )
                }),
            detail: Some("each region's p50, p95 and p99 are in the region table".into()),
        },
        Headline {
            id: egress.0,
            label: format!("{}: bodies the origin sends", egress.1),
            values: per_run(r, |a| format!("{:.1} Mb/s", a.egress_mbps)),
            theory: None,
            detail: Some(format!(
                "over the run: {}; “not modified” answers: {}",
                per_run(r, |a| format!("{:.2} GB", a.egress_gb)).join(", "),
                per_run(r, |a| pct(a.not_modified)).join(", ")
            )),
        },
    ]
}

/// Each region's answers and latencies, run by run.
fn regions_table(r: &Report) -> Html {
    let Some(first) = r.runs.first() else {
        return Html::default();
    };
    html! {
        <section class="numbers" aria-label="Regions">
            <h2>{ "Each region" }</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Each region's answers and latency, run by run">
                <table class="loads" id="region-table">
                    <thead><tr>
                        <th scope="col">{ "Region" }</th><th scope="col">{ "Run" }</th>
                        <th scope="col">{ "Answered at the edge" }</th><th scope="col">{ "Model" }</th>
                        <th scope="col">{ "Stale" }</th><th scope="col">{ "p50" }</th><th scope="col">{ "p95" }</th>
                        <th scope="col">{ "p99" }</th><th scope="col">{ "Round trips: edge / origin" }</th>
                    </tr></thead>
                    <tbody>
                        { for (0..first.regions.len()).flat_map(|g| r.runs.iter().map(move |a| (g, a))).map(|(g, a)| {
                            let x = &a.regions[g];
                            html! {
                                <tr data-region={g.to_string()} data-run={a.slug.clone()}>
                                    <th scope="row">{ &x.name }</th><td>{ &a.name }</td>
                                    <td class="answered">{ pct(x.answered) }</td><td>{ opt(x.answered_theory, pct) }</td>
                                    <td class="stale">{ pct2(x.stale) }</td>
                                    <td class="p50">{ ms(x.p50_ms) }</td><td class="p95">{ ms(x.p95_ms) }</td><td class="p99">{ ms(x.p99_ms) }</td>
                                    <td>{ format!("{} / {} ms", x.hit_ms, x.origin_path_ms) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// Every number of every run, measured beside the model.
fn numbers_table(r: &Report) -> Html {
    let row = |label: &str, id: &str, cell: &dyn Fn(&RunReport) -> String| {
        html! {
            <tr id={id.to_owned()}>
                <th scope="row">{ label }</th>
                { for r.runs.iter().map(|a| html! { <td data-run={a.slug.clone()}>{ cell(a) }</td> }) }
            </tr>
        }
    };
    let ratio = |v: f64| format!("{v:.4}");
    html! {
        <section class="numbers" aria-label="Numbers">
            <h2>{ "Every number" }</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Every number of every run">
                <table class="loads" id="numbers">
                    <thead><tr><th scope="col">{ "Number" }</th>{ for r.runs.iter().map(|a| html! { <th scope="col">{ &a.name }</th> }) }</tr></thead>
                    <tbody>
                        { row("Origin offload (steady)", "row-offload", &|a| ratio(a.offload)) }
                        { row("TTL-cache model", "row-offload-theory", &|a| opt(a.offload_theory, ratio)) }
                        { row("Origin requests a second (steady)", "row-origin", &|a| group_float(a.origin_rps)) }
                        { row("TTL-cache model", "row-origin-theory", &|a| opt(a.origin_rps_theory, group_float)) }
                        { row("Stale answers (steady)", "row-stale", &|a| ratio(a.stale)) }
                        { row("TTL-cache model", "row-stale-theory", &|a| opt(a.stale_theory, ratio)) }
                        { row("Answered at the edge without waiting (steady)", "row-answered", &|a| ratio(a.answered)) }
                        { row("TTL-cache model", "row-answered-theory", &|a| opt(a.answered_theory, ratio)) }
                        { row("Answered by the shields", "row-shield", &|a| opt(a.shield_hit_ratio, ratio)) }
                        { row("Origin egress, Mb/s (steady)", "row-egress", &|a| format!("{:.1}", a.egress_mbps)) }
                        { row("Origin egress over the run, GB", "row-egress-total", &|a| format!("{:.3}", a.egress_gb)) }
                        { row("“Not modified” share of the origin's answers", "row-not-modified", &|a| ratio(a.not_modified)) }
                        { row("Origin's busiest 100 ms after the purge, a second", "row-flush-peak", &|a| opt(a.flush_peak_rps, group_float)) }
                        { row("Origin requests in the 10 s after the purge", "row-flush-10s", &|a| a.flush_10s_requests.map_or_else(|| "—".into(), group_digits)) }
                        { row("Requests", "row-requests", &|a| group_digits(a.total.requests)) }
                        { row("Fresh at the edge", "row-fresh", &|a| group_digits(a.total.fresh)) }
                        { row("Served while revalidating", "row-swr", &|a| group_digits(a.total.while_revalidating)) }
                        { row("Waited for a revalidation", "row-revalidated", &|a| group_digits(a.total.revalidated)) }
                        { row("Fetched (not cached, evicted or purged)", "row-misses", &|a| group_digits(a.total.misses)) }
                        { row("Origin requests", "row-origin-total", &|a| group_digits(a.total.origin_requests)) }
                    </tbody>
                </table>
            </div>
            if let Some(why) = &r.theory_missing {
                <p>{ format!("The TTL-cache model is not drawn: {why}.") }</p>
            }
        </section>
    }
}

fn controls(lab: &LabHandle<Params>, field_note: &UseStateHandle<Option<String>>) -> Html {
    let p = lab.model().params.clone();
    let on_alpha = alpha_field(lab, field_note, MAX_ALPHA_CENTI, Command::SetAlpha);
    let on_ttls = {
        let state = lab.state.clone();
        let note = field_note.clone();
        Callback::from(move |raw: String| match parse_ttls(&raw) {
            Ok(ttls) => {
                note.set(None);
                state.dispatch(Command::SetTtls(ttls));
            }
            Err(e) => note.set(Some(format!("max-age: {e}"))),
        })
    };
    let on_purge = lab.on(|e: Event| Command::SetPurge(e.target_unchecked_into::<HtmlInputElement>().checked()));
    let on_seed = number_field(lab, field_note, "Seed", |v| Some(Command::SetSeed(v)));
    let fields = field_inputs(lab, field_note, &FIELDS, |f| p.get(f), Command::Set);
    let regions = REGIONS[..p.get(Field::Regions) as usize]
        .iter()
        .map(|r| r.name)
        .collect::<Vec<_>>()
        .join(", ");
    html! { <>
        <form class="controls" aria-label="Lab settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <TextField id="ttl" label={format!("max-age in seconds (up to {MAX_TTLS}, comma separated, compared)")} kind="text"
                value={ttls_text(&p.ttls)} on_commit={on_ttls} />
            <label>
                <span>{ "Shields" }</span>
                { choice_select("shield", p.shield, lab.on(Command::SetShield)) }
            </label>
            <TextField id="alpha" label="Zipf exponent α (0–2)" kind="text" value={alpha_text(p.alpha_centi)} on_commit={on_alpha} />
            { fields }
            <label class="inline">
                <input type="checkbox" id="purge" checked={p.purge} onchange={on_purge} />
                <span>{ "Purge every copy of an object when it changes" }</span>
            </label>
            <TextField id="seed" label="Seed" kind="text" value={p.seed.to_string()} on_commit={on_seed} />
        </form>
        <p class="hint">{ format!("Regions used: {regions}. The origin is in North America.") }</p>
    </> }
}
