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

use crate::hooks::{use_autoplay, Progress};
use crate::lab::{group_digits, group_float, number_field, percent, unfinished, use_lab};
use crate::widgets::TextField;
use crate::worker::{use_worker, Computed};

/// How long "Play" shows each step once its numbers are in.
const PLAY_STEP_MS: u32 = 1_200;
/// Nodes drawn as individual bars; above this the loads are shown as a histogram.
const MAX_BARS: usize = 40;

/// A colour per node that stays the same across views and steps (golden-angle hues).
fn node_colour(id: u32) -> String {
    format!("hsl({:.0} 65% 50%)", (f64::from(id) * 137.508) % 360.0)
}

/// The Placement lab.
#[function_component]
pub fn PlacementLab() -> Html {
    let lab = use_lab::<Params>();
    let note = use_state(|| None::<String>);
    let model = lab.model();
    let p = model.params.clone();
    let run = use_worker(&p);
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

    html! {
        <article class="lab placement" aria-labelledby="lab-title">
            <h1 id="lab-title">{ Model::info().title }</h1>
            <p class="lede">
                { "Shard keys over nodes with up to four algorithms at once, then make things happen: nodes join, leave, change weight, fail, a rack goes dark. " }
                { "Every step shows what each algorithm measured next to what theory predicts. hash mod N moves nearly every key when N changes; consistent algorithms move only what they must." }
            </p>
            { lab.problems_banner() }
            { lab.preset_menu(PRESETS) }
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
                <div class="event-buttons">
                    <button type="button" id="step-back" data-shortcut="back" disabled={p.step == 0} onclick={step_to(p.step.saturating_sub(1))}>{ "◀ Back" }</button>
                    <button type="button" id="step-forward" data-shortcut="forward" disabled={p.step >= len} onclick={step_to((p.step + 1).min(len))}>{ "Forward ▶" }</button>
                    <button type="button" id="play" data-shortcut="play" disabled={len == 0} aria-pressed={(*playing).to_string()} onclick={on_play}>
                        { if *playing { "Pause" } else if p.step >= len { "Replay" } else { "Play" } }
                    </button>
                    <button type="button" id="clear-events" disabled={len == 0} onclick={lab.on(|_: MouseEvent| Command::ClearEvents)}>{ "Clear events" }</button>
                </div>
                <p class="keys-hint" id="keys-hint">{ "Keys: Space plays or pauses; ← and → step back and forward." }</p>
                <p id="step-now" class="event-now">{ format!("Step {} of {len}", p.step) }</p>
            </section>
            { lab.notice(note.as_deref()) }
            { match &run.progress {
                Progress::Done(computed) => results(&p, &lab.canonical, computed),
                Progress::Running { .. } => html! {
                    <div class="running">
                        { unfinished(&run.progress, "Placing keys in a background worker").unwrap_or_default() }
                        <button type="button" id="cancel" onclick={run.cancel.clone()}>{ "Cancel" }</button>
                    </div>
                },
                Progress::Failed(_) => html! {
                    <div class="running">
                        { unfinished(&run.progress, "").unwrap_or_default() }
                        <button type="button" id="run-again" onclick={run.restart.clone()}>{ "Run again" }</button>
                    </div>
                },
            } }
            { lab.share() }
        </article>
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

fn results(p: &Params, canonical: &str, computed: &Computed<Report>) -> Html {
    let r = &computed.report;
    let keys = r.keys;
    let columns = r.algorithms.len();
    let row = |label: &str, id: &str, cell: &dyn Fn(usize, &AlgorithmReport) -> Html| {
        html! {
            <tr id={id.to_owned()}>
                <th scope="row">{ label }</th>
                { for r.algorithms.iter().enumerate().map(|(i, a)| html! { <td data-alg={a.algorithm.slug()}>{ cell(i, a) }</td> }) }
            </tr>
        }
    };
    html! {
        <section class="results" aria-live="polite" data-state="done" data-query={canonical.to_owned()} data-keys={keys.to_string()}>
            <h2>{ match &r.event { Some(e) => format!("Step {}: {e}", p.step), None => "The cluster before any event".into() } }</h2>
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
            <div class={classes!("compare", format!("columns-{columns}"))}>
                { for r.algorithms.iter().map(|a| algorithm_panel(r, a)) }
            </div>
        </section>
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

fn algorithm_panel(r: &Report, a: &AlgorithmReport) -> Html {
    html! {
        <section class="algorithm-panel" data-alg={a.algorithm.slug()} aria-label={a.algorithm.label()}>
            <h3>{ a.algorithm.label() }</h3>
            { structure_view(a) }
            { loads_view(r, a) }
            { flows_view(a) }
        </section>
    }
}

fn structure_view(a: &AlgorithmReport) -> Html {
    match &a.structure {
        Structure::Ring { segments, points } => {
            let n = segments.len() as f64;
            let arc = |i: usize, node: u32| {
                let (a0, a1) = (
                    i as f64 / n * std::f64::consts::TAU,
                    (i + 1) as f64 / n * std::f64::consts::TAU,
                );
                let (x0, y0, x1, y1) = (
                    50.0 + 40.0 * a0.sin(),
                    50.0 - 40.0 * a0.cos(),
                    50.0 + 40.0 * a1.sin(),
                    50.0 - 40.0 * a1.cos(),
                );
                html! { <path d={format!("M{x0:.2},{y0:.2} A40,40 0 0 1 {x1:.2},{y1:.2}")} stroke={node_colour(node)}>
                <title>{ format!("node {node}") }</title></path> }
            };
            html! {
                <figure class="ring-view">
                    <svg viewBox="0 0 100 100" role="img" aria-label={format!("Ring with {points} points; arcs coloured by owner")}>
                        { for segments.iter().enumerate().map(|(i, &node)| arc(i, node)) }
                    </svg>
                    <figcaption>{ format!("{} points on the ring, drawn as {} arcs each coloured (and titled) by the node owning its midpoint.", group_digits(u64::from(*points)), segments.len()) }</figcaption>
                </figure>
            }
        }
        Structure::Points(points) => html! {
            <figure class="ring-view">
                <svg viewBox="0 0 100 100" role="img" aria-label={format!("{} node points on the circle", points.len())}>
                    <circle cx="50" cy="50" r="40" class="ring-base" />
                    { for points.iter().map(|&(at, node)| {
                        let angle = at * std::f64::consts::TAU;
                        html! { <circle cx={format!("{:.2}", 50.0 + 40.0 * angle.sin())} cy={format!("{:.2}", 50.0 - 40.0 * angle.cos())} r="2.2" fill={node_colour(node)}>
                            <title>{ format!("node {node}") }</title></circle> }
                    }) }
                </svg>
                <figcaption>{ "One point per node; each key probes the circle k times and takes the node nearest after its closest probe." }</figcaption>
            </figure>
        },
        Structure::Table { sample, size, slots } => html! {
            <figure class="table-strip">
                <svg viewBox={format!("0 0 {} 10", sample.len())} preserveAspectRatio="none" role="img"
                    aria-label={format!("Maglev table of {size} slots; every node owns {} to {} slots", slots.0, slots.1)}>
                    { for sample.iter().enumerate().map(|(i, &node)| html! {
                        <rect x={i.to_string()} y="0" width="1" height="10" fill={node_colour(node)}><title>{ format!("node {node}") }</title></rect>
                    }) }
                </svg>
                <figcaption>{ format!("Lookup table, M = {}: {} evenly spaced slots shown. Every node owns {}–{} slots.", group_digits(u64::from(*size)), sample.len(), slots.0, slots.1) }</figcaption>
            </figure>
        },
        Structure::Buckets(order) => html! {
            <figure class="bucket-row">
                <ol class="buckets">
                    { for order.iter().take(64).enumerate().map(|(i, &node)| html! {
                        <li><svg viewBox="0 0 10 10" aria-hidden="true" focusable="false"><rect width="10" height="10" fill={node_colour(node)} /></svg>{ format!("{i}→{node}") }</li>
                    }) }
                </ol>
                <figcaption>{ if order.len() > 64 { format!("Buckets 0–63 of {} (bucket → node).", order.len()) } else { "Buckets in order (bucket → node).".to_string() } }</figcaption>
            </figure>
        },
    }
}

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
    let peak = a
        .nodes
        .iter()
        .map(|n| n.requests.max(n.before.unwrap_or(0) as f64))
        .fold(mean + sd, f64::max)
        .max(1.0);
    let x = |v: f64| v / peak * 1000.0;
    html! {
        <table class="loads">
            <caption>{ format!("Load per node ({unit}); the line is the mean, the band ±σ") }</caption>
            <thead><tr><th scope="col">{ "Node" }</th><th scope="col">{ "Load after (bar), before (outline)" }</th></tr></thead>
            <tbody>
                { for a.nodes.iter().map(|n| html! {
                    <tr data-node={n.node.to_string()}>
                        <th scope="row">{ format!("node {}{}", n.node, if n.failed { " (failed)" } else if n.after.is_none() { " (left)" } else { "" }) }
                            <span class="where">{ format!(" dc{} r{}{}", n.location.dc, n.location.rack, if n.weight > 1 { format!(" w{}", n.weight) } else { String::new() }) }</span></th>
                        <td>
                            <span class="num">{ group_float(n.requests) }</span>
                            <svg class="bar" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                                <rect class="band" x={format!("{:.1}", x(mean - sd))} y="0" width={format!("{:.1}", x(2.0 * sd))} height="10" />
                                <rect x="0" y="2" height="6" width={format!("{:.1}", x(n.requests))} fill={node_colour(n.node)} />
                                { n.before.map(|b| html! { <rect class="bar-before" x="0" y="1" height="8" width={format!("{:.1}", x(b as f64))} /> }).unwrap_or_default() }
                                <line class="mean" x1={format!("{:.1}", x(mean))} x2={format!("{:.1}", x(mean))} y1="0" y2="10" />
                            </svg>
                        </td>
                    </tr>
                }) }
            </tbody>
        </table>
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
    html! {
        <figure class="histogram">
            <svg viewBox={format!("0 0 {} 100", BINS * 10)} role="img"
                aria-label={format!("Histogram of {} nodes' loads relative to the mean, peak {:.3}", live.len(), a.peak_to_mean)}>
                { for counts.iter().enumerate().map(|(i, &c)| {
                    let h = f64::from(c) / f64::from(top) * 90.0;
                    html! { <rect class="bar-after" x={(i * 10 + 1).to_string()} y={format!("{:.1}", 95.0 - h)} width="8" height={format!("{h:.1}")}>
                        <title>{ format!("{:.2}–{:.2}× mean: {c} nodes", 0.4 + 0.05 * i as f64, 0.45 + 0.05 * i as f64) }</title></rect> }
                }) }
                <line class="mean" x1="121" x2="121" y1="0" y2="100" />
            </svg>
            <figcaption>{ format!("{} live nodes by load relative to the mean (5% bins from 0.4× to 1.6×; the line is the mean; σ = {:.2}%).", live.len(), a.std_pct) }</figcaption>
        </figure>
    }
}

fn flows_view(a: &AlgorithmReport) -> Html {
    if a.flows.is_empty() {
        return Html::default();
    }
    html! {
        <details class="flows">
            <summary>{ format!("Where the moved keys went ({} from → to pairs)", group_digits(a.flow_pairs)) }</summary>
            <ul>{ for a.flows.iter().map(|f| html! { <li>{ format!("node {} → node {}: {}", f.from, f.to, group_digits(f.keys)) }</li> }) }</ul>
        </details>
    }
}
