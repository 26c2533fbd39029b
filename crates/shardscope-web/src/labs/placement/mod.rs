//! The Placement lab's component: maps form events to `placement::Command`s and the model and its
//! report to markup. The numbers come from `shardscope_core::labs::placement`, computed in the
//! placement Web Worker.

use shardscope_core::labs::placement::{
    Algorithm, Command, Event as LabEvent, Model, Params, MAX_DCS, MAX_KEYS, MAX_RACKS, MAX_RF, MAX_WEIGHT, MAX_ZIPF,
    PRESETS,
};
use shardscope_core::labs::placement::{AlgorithmReport, NodeRow, Report, Structure};
use shardscope_core::placement::ring::MAX_VNODES;
use shardscope_core::query::Choice;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::chart::{fmt, nice_ticks, series, x_axis, y_axis, Chart, DataTable, LegendItem};
use crate::frame::{Headline, LabFrame};
use crate::hooks::{use_autoplay, Progress};
use crate::lab::{group_digits, group_float, number_field, percent, use_lab};
use crate::widgets::TextField;
use crate::worker::{use_worker, worker_status, Computed};

/// How long "Play" shows each step once its numbers are in.
const PLAY_STEP_MS: u32 = 1_200;
/// The ids of the headline numbers, in order.
const HEADLINE_IDS: [&str; 4] = ["headline-moved", "headline-peak", "headline-std", "headline-cluster"];
/// Nodes drawn as individual bars; above this the loads are shown as a histogram.
const MAX_BARS: usize = 40;

/// The Placement lab.
#[function_component]
pub fn PlacementLab() -> Html {
    let lab = use_lab::<Params>();
    let note = use_state(|| None::<String>);
    let model = lab.model();
    let p = model.params.clone();
    let run = use_worker::<_, false>(&p);
    let playing = use_state(|| false);
    let node_pick = use_state(|| 0u32);
    let weight_pick = use_state(|| 2u32);
    let rack_pick = use_state(|| (0u32, 0u32));

    // "Play" steps forward once the current step's numbers are shown, and stops at the end.
    {
        let state = lab.state.clone();
        let (step, len) = (p.step, p.event_count());
        let done = matches!(run.progress, Progress::Done(_));
        let advance = Callback::from(move |()| state.dispatch(Command::Step(step + 1)));
        use_autoplay(&playing, (step, len), step >= len, done, PLAY_STEP_MS, advance);
    }

    let field = |make, what| number_field(&lab, &note, what, make);
    let on_nodes = field(|v| u32::try_from(v).ok().map(Command::SetNodes), "Nodes");
    let on_keys = field(|v| u32::try_from(v).ok().map(Command::SetKeys), "Keys");
    let on_vnodes = field(|v| u32::try_from(v).ok().map(Command::SetVnodes), "Virtual nodes");
    let on_table = field(|v| u32::try_from(v).ok().map(Command::SetTable), "Maglev table size");
    let on_probes = field(|v| u32::try_from(v).ok().map(Command::SetProbes), "Probes");
    let on_eps = field(|v| u32::try_from(v).ok().map(Command::SetEpsilon), "ε");
    let on_rf = field(|v| u32::try_from(v).ok().map(Command::SetRf), "Replicas");
    let on_dcs = field(|v| u32::try_from(v).ok().map(Command::SetDcs), "Datacenters");
    let on_racks = field(|v| u32::try_from(v).ok().map(Command::SetRacks), "Racks");
    let on_zipf = field(|v| u32::try_from(v).ok().map(Command::SetZipf), "Zipf exponent");
    let on_seed = field(|v| Some(Command::SetSeed(v)), "Seed");

    let on_topology = lab.on(|e: Event| Command::SetTopology(e.target_unchecked_into::<HtmlInputElement>().checked()));
    let on_algorithm = {
        let current = p.algorithms.clone();
        lab.on(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let mut list = current.clone();
            if let Some(a) = Algorithm::from_slug(&input.value()) {
                if input.checked() {
                    list.push(a);
                } else {
                    list.retain(|x| *x != a);
                }
            }
            Command::SetAlgorithms(list)
        })
    };
    let record = |make: fn(u32, u32, (u32, u32)) -> LabEvent| {
        let (node, weight, rack) = (*node_pick, *weight_pick, *rack_pick);
        lab.on(move |_: MouseEvent| Command::Record(make(node, weight, rack)))
    };
    let pick = |handle: &UseStateHandle<u32>| {
        let handle = handle.clone();
        Callback::from(move |raw: String| {
            if let Ok(v) = raw.trim().parse() {
                handle.set(v);
            }
        })
    };
    let pick_rack = |which: usize| {
        let handle = rack_pick.clone();
        Callback::from(move |raw: String| {
            if let Ok(v) = raw.trim().parse::<u32>() {
                let (dc, rack) = *handle;
                handle.set(if which == 0 { (v, rack) } else { (dc, v) });
            }
        })
    };
    let step_to = |s: u32| lab.on(move |_: MouseEvent| Command::Step(s));
    let on_play = {
        let playing = playing.clone();
        let state = lab.state.clone();
        let (step, len) = (p.step, p.event_count());
        Callback::from(move |_: MouseEvent| {
            if !*playing && step >= len {
                // Replay from the start.
                state.dispatch(Command::Step(0));
            }
            playing.set(!*playing);
        })
    };
    let uses = |a: Algorithm| p.algorithms.contains(&a);
    let len = p.event_count();

    let shown = match &run.progress {
        Progress::Done(computed) => Some((computed.clone(), true)),
        _ => run.last.clone().map(|last| (last, false)),
    };
    // Until the first numbers arrive the headline shows its labels, so nothing shifts when they do.
    let headline = shown.as_ref().map_or_else(
        || {
            ["Keys moved", "Peak / mean load", "σ of load", "Cluster"]
                .iter()
                .zip(HEADLINE_IDS)
                .map(|(label, id)| Headline::new(id, *label, "…"))
                .collect()
        },
        |(c, _)| headline(&c.report),
    );
    let toolbar = html! { <>
        { lab.preset_menu(PRESETS) }
        <div class="event-buttons">
            <button type="button" id="step-back" data-shortcut="back" disabled={p.step == 0} onclick={step_to(p.step.saturating_sub(1))}>{ "◀ Back" }</button>
            <button type="button" id="step-forward" data-shortcut="forward" disabled={p.step >= len} onclick={step_to((p.step + 1).min(len))}>{ "Forward ▶" }</button>
            <button type="button" id="play" data-shortcut="play" disabled={len == 0} aria-pressed={(*playing).to_string()} onclick={on_play}>
                { if *playing { "Pause" } else if p.step >= len { "Replay" } else { "Play" } }
            </button>
        </div>
        <p class="event-now"><span id="step-now">{ format!("Step {} of {len}", p.step) }</span>{ match p.events.get(p.step.saturating_sub(1) as usize).filter(|_| p.step > 0) {
            Some(e) => format!(": {}", e.describe()),
            None => format!(": {} nodes, no event yet", p.nodes),
        } }</p>
        <p class="keys-hint" id="keys-hint">{ "Keys: Space plays or pauses; ← and → step back and forward." }</p>
        { lab.notice(note.as_deref()) }
    </> };
    let controls = html! { <>
        <fieldset class="algorithms">
            <legend>{ "Algorithms (one to four, side by side)" }</legend>
            { for Algorithm::ALL.iter().map(|&a| html! {
                <label class="inline">
                    <input type="checkbox" id={format!("alg-{}", a.slug())} value={a.slug()} checked={uses(a)}
                        disabled={!uses(a) && p.algorithms.len() >= 4} onchange={on_algorithm.clone()} />
                    <span>{ a.label() }</span>
                </label>
            }) }
        </fieldset>
        <form class="controls" aria-label="Lab settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <TextField id="nodes" label={format!("Nodes at the start (1–{})", group_digits(p.max_nodes().into()))} value={p.nodes.to_string()}
                min="1" max={p.max_nodes().to_string()} on_commit={on_nodes} />
            <TextField id="keys" label={format!("Keys (1–{})", group_digits(MAX_KEYS.into()))} value={p.keys.to_string()}
                min="1" max={MAX_KEYS.to_string()} on_commit={on_keys} />
            <TextField id="vnodes" label={format!("Virtual nodes per weight (ring, bounded; 1–{MAX_VNODES})")} value={p.vnodes.to_string()}
                min="1" max={MAX_VNODES.to_string()} disabled={!uses(Algorithm::Ring) && !uses(Algorithm::Bounded)} on_commit={on_vnodes} />
            <TextField id="table" label="Maglev table size M (a prime)" value={p.table.to_string()} min="2"
                disabled={!uses(Algorithm::Maglev)} on_commit={on_table} />
            <TextField id="probes" label="Multi-probe probes k" value={p.probes.to_string()} min="1" max="256"
                disabled={!uses(Algorithm::MultiProbe)} on_commit={on_probes} />
            <TextField id="eps" label="Bounded loads ε (%)" value={p.epsilon.to_string()} min="0" max="200"
                disabled={!uses(Algorithm::Bounded)} on_commit={on_eps} />
            <TextField id="zipf" label={format!("Zipf exponent ×100 (0 = uniform, ≤ {MAX_ZIPF})")} value={p.zipf.to_string()} min="0"
                max={MAX_ZIPF.to_string()} on_commit={on_zipf} />
            <TextField id="seed" label="Seed" kind="text" value={p.seed.to_string()} on_commit={on_seed} />
        </form>
        <fieldset class="controls topology">
            <legend>{ "Replication and topology" }</legend>
            <TextField id="rf" label={format!("Replicas RF (1–{MAX_RF}{})", if p.topology { " per datacenter" } else { "" })}
                value={p.rf.to_string()} min="1" max={MAX_RF.to_string()} on_commit={on_rf} />
            <TextField id="dcs" label={format!("Datacenters (1–{MAX_DCS})")} value={p.dcs.to_string()} min="1" max={MAX_DCS.to_string()} on_commit={on_dcs} />
            <TextField id="racks" label={format!("Racks per datacenter (1–{MAX_RACKS})")} value={p.racks.to_string()} min="1"
                max={MAX_RACKS.to_string()} on_commit={on_racks} />
            <label class="inline">
                <input type="checkbox" id="topo" checked={p.topology} onchange={on_topology} />
                <span>{ "Topology-aware (Cassandra's NetworkTopologyStrategy)" }</span>
            </label>
            <p class="theory">{ "Node i sits in datacenter i mod D, rack ⌊i/D⌋ mod R." }</p>
        </fieldset>
        <fieldset class="event">
            <legend>{ "Record an event" }</legend>
            <div class="event-buttons">
                <button type="button" id="add-node" onclick={record(|_, _, _| LabEvent::Add)}>{ "Add a node" }</button>
                <TextField id="event-node" label="Node" value={node_pick.to_string()} min="0" on_commit={pick(&node_pick)} />
                <button type="button" id="remove-node" onclick={record(|n, _, _| LabEvent::Remove(n))}>{ "Remove it" }</button>
                <button type="button" id="fail-node" onclick={record(|n, _, _| LabEvent::Fail(n))}>{ "Fail it" }</button>
                <TextField id="event-weight" label={format!("Weight (1–{MAX_WEIGHT})")} value={weight_pick.to_string()} min="1"
                    max={MAX_WEIGHT.to_string()} on_commit={pick(&weight_pick)} />
                <button type="button" id="weight-node" onclick={record(|n, w, _| LabEvent::Weight(n, w))}>{ "Set its weight" }</button>
                <TextField id="event-dc" label="Datacenter" value={rack_pick.0.to_string()} min="0" on_commit={pick_rack(0)} />
                <TextField id="event-rack" label="Rack" value={rack_pick.1.to_string()} min="0" on_commit={pick_rack(1)} />
                <button type="button" id="fail-rack" onclick={record(|_, _, (dc, rack)| LabEvent::FailRack { dc, rack })}>{ "Fail the rack" }</button>
            </div>
        </fieldset>
        <section class="timeline" aria-label="Events">
            <h2>{ "Events" }</h2>
            <ol id="event-log">
                <li class={classes!((p.step == 0).then_some("current-row"))}>
                    <button type="button" class="link" onclick={step_to(0)}>{ format!("Start: {} nodes", p.nodes) }</button>
                </li>
                { for p.events.iter().zip(1..).map(|(e, s): (&LabEvent, u32)| {
                    html! {
                        <li class={classes!((s == p.step).then_some("current-row"), (s > p.step).then_some("future"))}>
                            <button type="button" class="link" onclick={step_to(s)} aria-current={(s == p.step).then_some("step")}>
                                { format!("{s}. {}", e.describe()) }
                            </button>
                        </li>
                    }
                }) }
            </ol>
            <button type="button" id="clear-events" disabled={len == 0} onclick={lab.on(|_: MouseEvent| Command::ClearEvents)}>{ "Clear events" }</button>
        </section>
    </> };
    let (state, status) = worker_status(&run, "Placing keys in a background worker");
    let done = state == "done";
    let figure = html! {
        <section class="results" data-state={state} aria-busy={(!done).then_some("true")}
            data-query={done.then(|| lab.canonical.clone())}
            data-keys={shown.as_ref().filter(|_| done).map(|(c, _)| c.report.keys.to_string())}>
            { status }
            { shown.as_ref().map(|(c, fresh)| picture(&c.report, *fresh)).unwrap_or_default() }
        </section>
    };

    html! {
        <LabFrame title={Model::info().title} class="placement" banner={lab.problems_banner()} {figure} {headline} {toolbar} {controls}
            lede={html! { <>
                { "Shard keys over nodes with up to four algorithms at once, then make things happen: nodes join, leave, change weight, fail, a rack goes dark. " }
                { "Every step shows what each algorithm measured next to what theory predicts. hash mod N moves nearly every key when N changes; consistent algorithms move only what they must." }
            </> }}>
            { match &run.progress { Progress::Done(computed) => results(&p, computed), _ => Html::default() } }
            { lab.share() }
        </LabFrame>
    }
}

/// The headline numbers of a report: keys moved, peak load and its spread, for every algorithm
/// compared, each with what theory predicts.
fn headline(r: &Report) -> Vec<Headline> {
    let each = |f: &dyn Fn(&AlgorithmReport) -> String| {
        r.algorithms
            .iter()
            .map(|a| format!("{}: {}", short_label(a.algorithm), f(a)))
            .collect::<Vec<_>>()
    };
    let theory = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or(String::new(), |v| format!(" · theory {}", f(v)));
    vec![
        Headline {
            id: HEADLINE_IDS[0],
            label: "Keys moved".into(),
            theory: None,
            detail: None,
            values: each(&|a| {
                format!(
                    "{}{}",
                    pct_of(a.moved, r.keys),
                    theory(a.theory.moved.map(|m| 100.0 * m / r.keys.max(1) as f64), &|v| format!(
                        "{v:.1}%"
                    ))
                )
            }),
        },
        Headline {
            id: HEADLINE_IDS[1],
            label: "Peak / mean load".into(),
            theory: None,
            detail: None,
            values: each(&|a| format!("{:.3}{}", a.peak_to_mean, theory(a.theory.peak, &|v| format!("{v:.3}")))),
        },
        Headline {
            id: HEADLINE_IDS[2],
            label: "σ of load".into(),
            theory: None,
            detail: None,
            values: each(&|a| format!("{:.2}%{}", a.std_pct, theory(a.theory.std_pct, &|v| format!("{v:.2}%")))),
        },
        Headline::new(
            HEADLINE_IDS[3],
            "Cluster",
            format!("{} live nodes", r.algorithms.first().map_or(0, |a| a.live)),
        )
        .detail(format!("{} keys", group_digits(r.keys))),
    ]
}

/// The main picture: each algorithm's structure and loads, side by side. `fresh` is false while
/// the next step computes and the previous step's picture stays on screen, dimmed.
fn picture(r: &Report, fresh: bool) -> Html {
    let columns = r.algorithms.len();
    html! {
        <div class={classes!("compare", format!("columns-{columns}"), (!fresh).then_some("stale"))}>
            { for r.algorithms.iter().map(|a| html! {
                <section class="algorithm-panel" key={a.algorithm.slug()} data-alg={a.algorithm.slug()} aria-label={a.algorithm.label()}>
                    <h2 class="panel-title">{ a.algorithm.label() }</h2>
                    <div class="panel-body">
                        { structure_view(a) }
                        { loads_view(r, a) }
                    </div>
                </section>
            }) }
        </div>
    }
}

fn pct_of(part: u64, whole: u64) -> String {
    percent(part as f64, whole as f64)
}

fn theory_num(value: Option<f64>, format: impl Fn(f64) -> String) -> Html {
    match value {
        Some(v) => html! { <span class="theory">{ format!(" (theory {})", format(v)) }</span> },
        None => Html::default(),
    }
}

/// The details under the picture: every number of every algorithm, measured beside theory.
fn results(p: &Params, computed: &Computed<Report>) -> Html {
    let r = &computed.report;
    let keys = r.keys;
    let row = |label: &str, id: &str, cell: &dyn Fn(usize, &AlgorithmReport) -> Html| {
        html! {
            <tr id={id.to_owned()}>
                <th scope="row">{ label }</th>
                { for r.algorithms.iter().enumerate().map(|(i, a)| html! { <td data-alg={a.algorithm.slug()}>{ cell(i, a) }</td> }) }
            </tr>
        }
    };
    html! {
        <section class="numbers" aria-labelledby="numbers-title">
            <h2 id="numbers-title">{ match &r.event { Some(e) => format!("Step {}: {e}", p.step), None => "The cluster before any event".into() } }</h2>
            { for r.skipped.iter().map(|s| html! { <p class="notice">{ s }</p> }) }
            { r.hot_key_pct.map(|h| html! {
                <p id="hot-key">{ format!("Zipf popularity: the hottest key alone carries {h:.2}% of all requests; whichever node holds it carries at least that much.") }</p>
            }).unwrap_or_default() }
            <div class="table-scroll" tabindex="0" role="region" aria-label="Numbers per algorithm">
            <table class="metrics" id="metrics">
                <caption>{ format!("{} keys, measured (theory in brackets)", group_digits(keys)) }</caption>
                <thead><tr><th scope="col">{ "Metric" }</th>
                    { for r.algorithms.iter().map(|a| html! { <th scope="col">{ a.algorithm.label() }</th> }) }
                </tr></thead>
                <tbody>
                    { row("Live nodes", "row-live", &|_, a| html! { { a.live.to_string() } }) }
                    { row("Keys moved", "row-moved", &|_, a| html! { <>
                        <strong class="moved" data-value={a.moved.to_string()}>{ group_digits(a.moved) }</strong>
                        { format!(" ({})", pct_of(a.moved, keys)) }
                        { theory_num(a.theory.moved, group_float) }
                    </> }) }
                    { row("Minimum for these loads", "row-minimum", &|_, a| html! {
                        <span class="minimum" data-value={a.minimum.to_string()}>{ group_digits(a.minimum) }</span> }) }
                    { row("Excess over the minimum", "row-excess", &|_, a| html! { { group_digits(a.moved - a.minimum) } }) }
                    { row("Peak / mean load", "row-peak", &|_, a| html! { <>
                        <span class="peak" data-value={format!("{:.4}", a.peak_to_mean)}>{ format!("{:.3}", a.peak_to_mean) }</span>
                        { if r.hot_key_pct.is_some() { html! { <span>{ format!(" (keys {:.3})", a.peak_keys_to_mean) }</span> } } else { Html::default() } }
                        { theory_num(a.theory.peak, |v| format!("{v:.3}")) }
                    </> }) }
                    { row("σ of load (% of mean)", "row-std", &|_, a| html! { <>
                        { format!("{:.2}%", a.std_pct) }{ theory_num(a.theory.std_pct, |v| format!("{v:.2}%")) }
                    </> }) }
                    { row("Lookups per second (this browser)", "row-speed", &|i, _| html! {
                        { computed.rates.get(i).map_or("–".into(), |&k| format!("{}/s", group_float(k))) } }) }
                    { row("Replicas", "row-replicas", &|_, a| replication_cell(p, a)) }
                    { row("Weights", "row-weights", &|_, a| html! {
                        { if a.algorithm.uses_weights() { "honoured" } else { "ignored: every node gets an equal share" } } }) }
                    { row("Refused events", "row-refused", &|_, a| if a.refused.is_empty() { html! { "none" } } else {
                        html! { <ul class="refusals">{ for a.refused.iter().map(|x| html! { <li>{ x }</li> }) }</ul> } }) }
                </tbody>
            </table>
            </div>
            <details class="theory-notes"><summary>{ "Where the theory comes from" }</summary>
                <ul>{ for r.algorithms.iter().map(|a| html! { <li><strong>{ a.algorithm.label() }</strong>{ ": " }{ &a.theory.note }</li> }) }</ul>
            </details>
            { for r.algorithms.iter().map(flows_view) }
        </section>
    }
}

/// A short name for an algorithm, for the headline numbers' lines.
fn short_label(a: Algorithm) -> &'static str {
    match a {
        Algorithm::ModN => "mod N",
        Algorithm::Ring => "Ring",
        Algorithm::Rendezvous => "HRW",
        Algorithm::Jump => "Jump",
        Algorithm::Maglev => "Maglev",
        Algorithm::MultiProbe => "Multi-probe",
        Algorithm::Bounded => "Bounded",
        Algorithm::Anchor => "Anchor",
    }
}

fn replication_cell(p: &Params, a: &AlgorithmReport) -> Html {
    match (a.algorithm.replication(), a.replication) {
        (Err(why), _) => html! { <span class="theory">{ why }</span> },
        (Ok(how), None) => html! { <span class="theory">{ format!("RF 1; with more: {how}") }</span> },
        (Ok(how), Some(rep)) => html! {
            <span>
                { format!("RF {}{}: {how}. ", p.rf, if p.topology { " per datacenter (NetworkTopologyStrategy)" } else { "" }) }
                { format!("Of the first {} keys: ", group_digits(rep.examined)) }
                <span class="badly-spread" data-value={rep.badly_spread.to_string()}>{ format!("{} not spread over racks/datacenters", group_digits(rep.badly_spread)) }</span>
                { format!(", {} with a failed replica, ", group_digits(rep.under_replicated)) }
                <span class="unavailable" data-value={rep.unavailable.to_string()}>{ format!("{} with no live replica", group_digits(rep.unavailable)) }</span>
                { "." }
            </span>
        },
    }
}

/// Runs of equal owners in a sequence of cells: (first cell, cells, owner).
fn runs(cells: &[u32]) -> Vec<(usize, usize, u32)> {
    let mut out: Vec<(usize, usize, u32)> = Vec::new();
    for (i, &node) in cells.iter().enumerate() {
        match out.last_mut() {
            Some((_, len, owner)) if *owner == node => *len += 1,
            _ => out.push((i, 1, node)),
        }
    }
    out
}

/// The table behind a picture of cells owned by nodes: one row per run of one owner.
fn runs_table(caption: String, unit: &str, cells: &[u32], scale: f64) -> DataTable {
    DataTable {
        caption,
        head: vec![format!("From ({unit})"), format!("To ({unit})"), "Node".into()],
        rows: runs(cells)
            .into_iter()
            .map(|(at, len, node)| {
                vec![
                    format!("{:.1}", at as f64 * scale),
                    format!("{:.1}", (at + len) as f64 * scale),
                    format!("node {node}"),
                ]
            })
            .collect(),
    }
}

fn structure_view(a: &AlgorithmReport) -> Html {
    match &a.structure {
        Structure::Ring { segments, points } => {
            let n = segments.len() as f64;
            let at = |i: f64, r: f64| {
                let angle = i / n * std::f64::consts::TAU;
                (50.0 + r * angle.sin(), 50.0 - r * angle.cos())
            };
            let arc = |i: usize, node: u32| {
                let ((x0, y0), (x1, y1)) = (at(i as f64, 40.0), at(i as f64 + 1.0, 40.0));
                html! { <path key={i} class={series(node)} d={format!("M{x0:.2},{y0:.2} A40,40 0 0 1 {x1:.2},{y1:.2}")}
                data-tip={format!("Arc {:.1}%–{:.1}% of the ring: node {node}", i as f64 / n * 100.0, (i + 1) as f64 / n * 100.0)} /> }
            };
            // Long runs carry their owner's number, so the ring does not rely on colour alone.
            let labels = runs(segments)
                .into_iter()
                .filter(|(_, len, _)| *len >= 6)
                .map(|(start, len, node)| {
                    let (x, y) = at(start as f64 + len as f64 / 2.0, 48.0);
                    html! { <text class="ring-label" x={fmt(x)} y={fmt(y + 1.6)} text-anchor="middle">{ node }</text> }
                });
            html! {
                <Chart class="ring-view" view={(100.0, 100.0)} label={format!("Ring with {points} points; arcs coloured and numbered by owner")}
                    caption={html! { { format!("{} points on the ring, drawn as {} arcs, each coloured by the node owning its midpoint; long runs carry the node's number.", group_digits(u64::from(*points)), segments.len()) } }}
                    table={runs_table(format!("Who owns the ring ({points} points)"), "% of the ring", segments, 100.0 / n)}>
                    <g class="arcs">{ for segments.iter().enumerate().map(|(i, &node)| arc(i, node)) }</g>
                    { for labels }
                </Chart>
            }
        }
        Structure::Points(points) => html! {
            <Chart class="ring-view" view={(100.0, 100.0)} label={format!("{} node points on the circle", points.len())}
                caption={html! { "One point per node; each key probes the circle k times and takes the node nearest after its closest probe." }}
                table={DataTable { caption: "Node points on the circle".into(), head: vec!["Node".into(), "Position (% of the circle)".into()],
                    rows: points.iter().map(|&(at, node)| vec![format!("node {node}"), format!("{:.2}", at * 100.0)]).collect() }}>
                <circle cx="50" cy="50" r="40" class="ring-base" />
                <g class="points">{ for points.iter().map(|&(at, node)| {
                    let angle = at * std::f64::consts::TAU;
                    html! { <circle key={node} class={classes!("point", series(node))} cx={format!("{:.2}", 50.0 + 40.0 * angle.sin())} cy={format!("{:.2}", 50.0 - 40.0 * angle.cos())} r="2.2"
                        data-tip={format!("node {node} at {:.2}% of the circle", at * 100.0)} /> }
                }) }</g>
            </Chart>
        },
        Structure::Table { sample, size, slots } => html! {
            <Chart class="table-strip" view={(sample.len() as f64, 10.0)} stretch=true
                label={format!("Maglev table of {size} slots; every node owns {} to {} slots", slots.0, slots.1)}
                caption={html! { { format!("Lookup table, M = {}: {} evenly spaced slots shown. Every node owns {}–{} slots.", group_digits(u64::from(*size)), sample.len(), slots.0, slots.1) } }}
                table={runs_table(format!("Owners of {} evenly spaced slots", sample.len()), "sample", sample, 1.0)}>
                { for sample.iter().enumerate().map(|(i, &node)| html! {
                    <rect key={i} class={classes!("cell", series(node))} x={i.to_string()} y="0" width="1" height="10" data-tip={format!("sample {i}: node {node}")} />
                }) }
            </Chart>
        },
        Structure::Buckets(order) => html! {
            <figure class="bucket-row">
                <ol class="buckets">
                    { for order.iter().take(64).enumerate().map(|(i, &node)| html! {
                        <li><span class={classes!("swatch", series(node))} aria-hidden="true">{ "■" }</span>{ format!("{i}→{node}") }</li>
                    }) }
                </ol>
                <figcaption>{ if order.len() > 64 { format!("Buckets 0–63 of {} (bucket → node).", order.len()) } else { "Buckets in order (bucket → node).".to_string() } }</figcaption>
            </figure>
        },
    }
}

/// Each node's load as a bar, after the event (solid, coloured by node) over before (outline).
/// The bars stay the same elements from step to step, so each one grows or shrinks from the load
/// shown before to the new one (a CSS transition of its width).
fn loads_view(r: &Report, a: &AlgorithmReport) -> Html {
    let live: Vec<&NodeRow> = a.nodes.iter().filter(|n| n.after.is_some() && !n.failed).collect();
    let mean = live.iter().map(|n| n.requests).sum::<f64>() / live.len().max(1) as f64;
    let sd = mean * a.std_pct / 100.0;
    let unit = if r.hot_key_pct.is_some() {
        "requests (in keys' worth)"
    } else {
        "keys"
    };
    if a.nodes.len() > MAX_BARS {
        return histogram(a, &live, mean);
    }
    let top = a
        .nodes
        .iter()
        .map(|n| n.requests.max(n.before.unwrap_or(0) as f64))
        .fold(mean + sd, f64::max)
        .max(1.0);
    let ticks = nice_ticks(top, 4);
    let max = *ticks.last().unwrap_or(&top);
    let (left, right, row) = (46.0, 280.0, 14.0);
    let x = |v: f64| v / max * (right - left);
    let height = a.nodes.len() as f64 * row + 22.0;
    let name = |n: &NodeRow| {
        format!(
            "node {}{}",
            n.node,
            if n.failed {
                " (failed)"
            } else if n.after.is_none() {
                " (left)"
            } else {
                ""
            }
        )
    };
    let table = DataTable {
        caption: format!("Load per node ({unit})"),
        head: vec![
            "Node".into(),
            "Where".into(),
            "Weight".into(),
            "Before".into(),
            "After".into(),
        ],
        rows: a
            .nodes
            .iter()
            .map(|n| {
                vec![
                    name(n),
                    format!("dc{} r{}", n.location.dc, n.location.rack),
                    n.weight.to_string(),
                    n.before.map_or("–".into(), group_digits),
                    group_float(n.requests),
                ]
            })
            .collect(),
    };
    html! {
        <Chart class="loads-chart" view={(300.0, height)} label={format!("Load per node in {unit}: bars after the event, outlines before, the line is the mean")}
            caption={html! { { format!("Load per node ({unit}): solid bar after, outline before; the line is the mean, the band ±σ.") } }}
            legend={vec![LegendItem::new("", "▮", "after"), LegendItem::new("", "▯", "before"), LegendItem::new("", "│", "mean")]} {table}>
            <rect class="band" x={fmt(left + x(mean - sd))} y="0" width={fmt(x(2.0 * sd))} height={fmt(height - 22.0)} />
            // Keyed rows in a group of their own: Yew matches keys only in a list whose every
            // item has one, so each node keeps its elements (and its bar animates) from step to step.
            <g class="rows">{ for a.nodes.iter().enumerate().map(|(i, n)| {
                let y = i as f64 * row;
                let before = n.before.map_or(0.0, |b| b as f64);
                let tip = format!("{}: {} {unit} after, {} before", name(n), group_float(n.requests), n.before.map_or("none".into(), group_digits));
                html! {
                    <g key={n.node} class={classes!("node-row", n.failed.then_some("failed"))} data-node={n.node.to_string()} data-tip={tip}>
                        <text class="bar-label" x={fmt(left - 4.0)} y={fmt(y + 9.0)} text-anchor="end">{ format!("n{}{}", n.node, if n.failed { "✗" } else if n.after.is_none() { "–" } else { "" }) }</text>
                        <rect class={classes!("bar-after", "anim-bar", series(n.node))} x={fmt(left)} y={fmt(y + 2.0)} height="8" width={fmt(x(n.requests))} />
                        <rect class={classes!("bar-before", "anim-bar", n.before.is_none().then_some("absent"))} x={fmt(left)} y={fmt(y + 1.0)} height="10" width={fmt(x(before))} />
                    </g>
                }
            }) }</g>
            <line class="mean" x1={fmt(left + x(mean))} x2={fmt(left + x(mean))} y1="0" y2={fmt(height - 22.0)} />
            { x_axis(height - 20.0, (left, right), &ticks, |v| left + x(v), group_float) }
        </Chart>
    }
}

/// Loads of many nodes as a histogram of load relative to the mean, in 5% bins.
fn histogram(a: &AlgorithmReport, live: &[&NodeRow], mean: f64) -> Html {
    const BINS: usize = 24;
    let mut counts = [0u32; BINS];
    for n in live {
        let rel = if mean > 0.0 { n.requests / mean } else { 0.0 };
        // Bins of 5% from 0.4× to 1.6× the mean; the ends collect everything beyond.
        // The value is clamped into 0..BINS first, so the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let bin = ((rel - 0.4) / 0.05).floor().clamp(0.0, (BINS - 1) as f64) as usize;
        counts[bin] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(1).max(1);
    let ticks = nice_ticks(f64::from(top), 3);
    let max = *ticks.last().unwrap_or(&1.0);
    let (left, bottom, height) = (30.0, 84.0, 100.0);
    let y = |c: f64| bottom - c / max * (bottom - 4.0);
    let range = |i: usize| (0.4 + 0.05 * i as f64, 0.45 + 0.05 * i as f64);
    html! {
        <Chart class="histogram" view={(left + BINS as f64 * 10.0, height)}
            label={format!("Histogram of {} nodes' loads relative to the mean, peak {:.3}", live.len(), a.peak_to_mean)}
            caption={html! { { format!("{} live nodes by load relative to the mean (5% bins from 0.4× to 1.6×; the line is the mean; σ = {:.2}%).", live.len(), a.std_pct) } }}
            table={DataTable { caption: "Nodes per load bin".into(), head: vec!["Load (× mean)".into(), "Nodes".into()],
                rows: counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, c)| vec![format!("{:.2}–{:.2}", range(i).0, range(i).1), c.to_string()]).collect() }}>
            { for counts.iter().enumerate().map(|(i, &c)| {
                let (lo, hi) = range(i);
                html! { <rect class="bar-after" x={fmt(left + (i * 10) as f64 + 1.0)} y={fmt(y(f64::from(c)))} width="8" height={fmt(bottom - y(f64::from(c)))}
                    data-tip={format!("{lo:.2}–{hi:.2}× mean: {c} nodes")} /> }
            }) }
            <line class="mean" x1={fmt(left + 121.0)} x2={fmt(left + 121.0)} y1="0" y2={fmt(bottom)} />
            { y_axis(left, (bottom, 2.0), &ticks, y, |v| format!("{v:.0}")) }
            { x_axis(bottom, (left, left + BINS as f64 * 10.0), &[0.0, 0.6, 1.2], |v| left + v / 0.05 * 10.0, |v| format!("{:.1}×", 0.4 + v)) }
        </Chart>
    }
}

fn flows_view(a: &AlgorithmReport) -> Html {
    if a.flows.is_empty() {
        return Html::default();
    }
    html! {
        <details class="flows" data-alg={a.algorithm.slug()}>
            <summary>{ format!("{}: where the moved keys went ({} from → to pairs)", a.algorithm.label(), group_digits(a.flow_pairs)) }</summary>
            <ul>{ for a.flows.iter().map(|f| html! { <li>{ format!("node {} → node {}: {}", f.from, f.to, group_digits(f.keys)) }</li> }) }</ul>
        </details>
    }
}
