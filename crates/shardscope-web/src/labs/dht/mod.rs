//! The DHT lab's component: maps controls to `dht::Command`s and the model and its report to the
//! identifier circle with the stepped lookup, the headline numbers and the charts. All
//! computation is in `shardscope_core::labs::dht`, run in the lab's Web Worker.

mod charts;

use shardscope_core::dht::chord::MAX_SUCCESSORS;
use shardscope_core::dht::kademlia::{MAX_ALPHA, MAX_K};
use shardscope_core::dht::Protocol;
use shardscope_core::labs::dht::{
    Command, Model, Params, ProtocolReport, Report, FAILURE_LOOKUPS, LATENCY_SAMPLE, LINK_BASE_MS, LINK_MS_PER_UNIT,
    MAX_CHURN, MAX_CHURN_NODES, MAX_FAIL, MAX_KEYS, MAX_LOOKUPS, MAX_PERIOD, MAX_ROUNDS, MAX_SYBILS, MAX_VIDS,
    MAX_ZOOM, PRESETS, SWEEP_LOOKUPS, TIMEOUT_MS,
};
use shardscope_core::query::Choice;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use shardscope_core::labs::dht::CHURN_LOOKUPS;

use crate::frame::{Headline, LabFrame};
use crate::hooks::{use_autoplay, Progress};
use crate::lab::{group_digits, number_field, percent, use_lab, LabHandle};
use crate::widgets::TextField;
use crate::worker::{use_worker, worker_status};

/// How long "Play" shows each step of the traced lookup.
const PLAY_STEP_MS: u32 = 900;
/// The headline numbers' ids and labels, in order.
const HEADLINES: [(&str, &str); 4] = [
    ("headline-hops", "Mean hops per lookup"),
    ("headline-state", "Routing entries per node"),
    ("headline-messages", "Messages per lookup"),
    ("headline-failed", "Lookups that fail"),
];

/// The steps of the traced lookup: the longest over the protocols shown.
fn trace_steps(r: &Report) -> u32 {
    r.protocols
        .iter()
        .map(|p| u32::try_from(p.trace.len()).unwrap_or(u32::MAX))
        .max()
        .unwrap_or(0)
}

/// The DHT lab.
#[function_component]
pub fn DhtLab() -> Html {
    let lab = use_lab::<Params>();
    let note = use_state(|| None::<String>);
    let p = lab.model().params.clone();
    // Stepping through the traced lookup changes only what is shown, not what is computed.
    let computed = Params {
        hop: 0,
        zoom: 0,
        ..p.clone()
    };
    let run = use_worker::<_, false>(&computed);
    let playing = use_state(|| false);
    let steps = match &run.progress {
        Progress::Done(c) => trace_steps(&c.report),
        _ => 0,
    };
    {
        let state = lab.state.clone();
        let advance = Callback::from(move |()| state.dispatch(Command::NextHop { steps }));
        let ready = matches!(run.progress, Progress::Done(_));
        use_autoplay(&playing, p.hop, p.hop >= steps, ready, PLAY_STEP_MS, advance);
    }
    let on_play = {
        let playing = playing.clone();
        let state = lab.state.clone();
        let at_end = p.hop >= steps;
        Callback::from(move |_: MouseEvent| {
            if !*playing && at_end {
                state.dispatch(Command::FirstHop);
            }
            playing.set(!*playing);
        })
    };

    let status = if steps == 0 {
        "Routing…".to_owned()
    } else if p.hop == 0 {
        format!("Lookup {} from its first node: {} steps to go.", p.trace, steps)
    } else {
        format!("Lookup {}: step {} of {}.", p.trace, p.hop.min(steps), steps)
    };
    let toolbar = html! { <>
        { lab.preset_menu(PRESETS) }
        <div class="event-buttons">
            <button type="button" id="back" data-shortcut="back" onclick={lab.on(|_: MouseEvent| Command::BackHop)} disabled={p.hop == 0}>{ "◀ Back" }</button>
            <button type="button" id="next" data-shortcut="forward" onclick={lab.on(move |_: MouseEvent| Command::NextHop { steps })}
                disabled={steps == 0 || p.hop >= steps}>{ "Next hop ▶" }</button>
            <button type="button" id="play" data-shortcut="play" aria-pressed={(*playing).to_string()} onclick={on_play} disabled={steps == 0}>
                { if *playing { "Pause" } else if steps > 0 && p.hop >= steps { "Replay" } else { "Play" } }
            </button>
        </div>
        <p id="walk-status" class="event-now">{ status }</p>
        <p class="keys-hint" id="keys-hint">{ "Keys: Space plays or pauses; ← and → step through the lookup." }</p>
        { lab.notice(note.as_deref()) }
    </> };

    let (state, status_html) = worker_status(&run, "Building the overlays and routing lookups in a background worker");
    let done = state == "done";
    let shown = run.shown();
    let figure = html! {
        <section class="results" data-state={state} aria-busy={(!done).then_some("true")}
            data-query={done.then(|| lab.canonical.clone())} data-steps={done.then(|| steps.to_string())}>
            { status_html }
            { shown.as_ref().map(|c| charts::circle(&p, &c.report, done)).unwrap_or_default() }
            if shown.as_ref().is_some_and(|c| !c.report.zoom.is_empty()) {
                <div class="event-buttons zoom-buttons">
                    <button type="button" id="zoom-in" onclick={lab.on(|_: MouseEvent| Command::ZoomIn)} disabled={p.zoom >= MAX_ZOOM}>{ "Zoom in around the key (×8)" }</button>
                    <button type="button" id="zoom-out" onclick={lab.on(|_: MouseEvent| Command::ZoomOut)} disabled={p.zoom == 0}>{ "Zoom out" }</button>
                </div>
            }
            { shown.as_ref().map(|c| charts::zoom_strip(&p, &c.report)).unwrap_or_default() }
        </section>
    };
    let headline = shown
        .as_ref()
        .map_or_else(|| Headline::pending(&HEADLINES), |c| headline(&p, &c.report));
    let details = match &run.progress {
        Progress::Done(c) => html! { <>
            { charts::distance_chart(&p, &c.report) }
            { charts::hops_chart(&c.report) }
            { charts::bucket_chart(&p, &c.report) }
            { numbers_table(&c.report) }
            { charts::sweep_chart(&c.report) }
            { charts::failure_chart(&c.report) }
            { charts::churn_chart(&p, &c.report) }
            { charts::load_chart(&p, &c.report) }
        </> },
        _ => Html::default(),
    };

    html! {
        <LabFrame title={Model::info().title} class="dht" banner={lab.problems_banner()} {figure} {headline} {toolbar}
            controls={controls(&lab, &note)}
            lede={html! { <>
                { "A distributed hash table finds the node responsible for a key without anyone knowing every node. " }
                { "Chord halves the distance around the circle with each finger; Kademlia narrows the XOR distance with α queries in flight; a one-hop table (Dynamo, Cassandra) knows everyone and pays for it in state. The same seeded lookups run on all three." }
            </> }}>
            { details }
            <section class="note">
                <h2>{ "What a hop is here" }</h2>
                <p>{ "Chord: the nodes a lookup passes through until it reaches the key's predecessor, whose successor pointer names the owner; the paper's ½·log2 N counts those, and contacting the owner is one more message, counted under messages. Kademlia: rounds of up to α parallel queries, ending when the k closest nodes seen have all answered. One-hop: the one message to the owner (none when the querier owns the key)." }</p>
                <p>{ "A lookup fails when it ends at a node that is not the key's live owner (misrouted), or when the key lived on a node that failed (lost): routing cannot bring back data that died with its node." }</p>
                <p>{ "Chord's repair has a known limit: when two or more nodes lose their whole successor list at once, stabilize can leave two separate rings that it never merges (the ring-maintenance protocol is not correct under such failures, as Zave showed in 2012), and lookups between them keep failing however many rounds run. The paper's remedy is a list long enough that no node loses all of it; the failure chart shows how long that is." }</p>
                <p>{ "Churn: each protocol runs on an overlay of its own, built converged, for 60 ticks; each tick some live nodes fail, as many new ones join through a random live node, 200 lookups run, and every so many ticks one maintenance round runs. A Chord node joins as the paper says (a lookup finds its successor; its predecessor and the fingers that should point at it wait for stabilize and fix_fingers). A Kademlia node joins as §2.3 says: it learns of its bootstrap node, looks up its own identifier and refreshes its buckets beyond its closest neighbour, and only the nodes it queried learn of it; its buckets are state, least-recently seen first, a full bucket pings its oldest contact and keeps it if it answers, and maintenance is the bucket refresh (a lookup for a random identifier in each bucket's range, which drops contacts that time out). One-hop learns of a join at once and of a failure at the next round of gossip: an optimistic model. Stale entries are the share of a sample of live nodes' routing entries that name a failed node." }</p>
                <p>{ "The eclipse attack: the attacker's nodes join a converged overlay. A Chord node of the attacker that a lookup reaches claims the key; a Kademlia one answers FIND_NODE with the attacker's nodes only. With identifiers chosen next to a key the attacker owns it in every protocol; with identifiers bound to a hash of each node's address (S/Kademlia) it can only land at random, and the share of lookups it captures is measured on random keys. S/Kademlia's other defence, lookups over disjoint paths, is not modelled." }</p>
                <p>{ "Outside churn, Kademlia's buckets hold k nodes drawn at random from each XOR range, as a network built at once would (no contact has lived longer than another), and drawn when read, which keeps 100,000 nodes' tables in no memory; after a failure, maintenance redraws every bucket from the live nodes at once." }</p>
                <p>{ "Latency: Chord's and one-hop's querier sends its messages one after another, so a lookup takes the sum of their round trips; Kademlia's rounds take as long as their slowest query (a failed one, the timeout), so α parallel queries cost about the slowest of α round trips per round. Nodes are placed at random, with no regard for proximity (Chord's and Kademlia's proximity-aware variants are not modelled), so every hop costs a random pair's round trip on average." }</p>
            </section>
            { lab.share() }
        </LabFrame>
    }
}

/// One line per protocol: its label and a value.
fn per_protocol(r: &Report, value: impl Fn(&ProtocolReport) -> String) -> Vec<String> {
    r.protocols
        .iter()
        .map(|x| format!("{}: {}", x.protocol.label(), value(x)))
        .collect()
}

fn headline(p: &Params, r: &Report) -> Vec<Headline> {
    let [hops, state, messages, failed] = HEADLINES;
    let eclipse = |x: &ProtocolReport| {
        x.eclipse.as_ref().map_or_else(String::new, |e| {
            format!(
                "{} chosen, {} bound",
                percent(e.chosen as f64, e.lookups as f64),
                percent(e.bound as f64, e.lookups as f64)
            )
        })
    };
    let attack = r.protocols.iter().find_map(|x| x.eclipse.as_ref()).map(|e| Headline {
        id: "headline-eclipse",
        label: format!(
            "Lookups that end at the attacker's {} nodes",
            group_digits(p.sybils.into())
        ),
        values: per_protocol(r, eclipse),
        theory: Some(format!("bound identifiers: s/(N+s) = {}", percent(e.theory_bound, 1.0))),
        detail: Some(format!(
            "chosen: {} lookups of lookup {}'s key; bound: of random keys",
            group_digits(e.lookups),
            p.trace
        )),
    });
    let theory_hops = r
        .protocols
        .iter()
        .map(|x| match x.protocol {
            Protocol::Chord => format!("Chord ½·log2 N = {:.2}", x.theory_hops),
            Protocol::Kademlia => format!("Kademlia ≤ ⌈log2 N⌉ = {:.0}", x.theory_hops),
            Protocol::OneHop => format!("one-hop 1 − 1/N = {:.3}", x.theory_hops),
        })
        .collect::<Vec<_>>()
        .join(" · ");
    // After repair only the failed nodes' keys are lost: the failed share itself (Chord §6.4).
    let fail_theory = (p.fail > 0).then(|| format!("≈ {} % after repair: the keys the failed nodes held", p.fail));
    vec![
        Headline {
            id: hops.0,
            label: hops.1.into(),
            values: per_protocol(r, |x| format!("{:.2}", x.mean_hops)),
            theory: Some(theory_hops),
            detail: Some(format!(
                "99th percentile: {}",
                r.protocols
                    .iter()
                    .map(|x| x.p99.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
        Headline {
            id: state.0,
            label: state.1.into(),
            values: per_protocol(r, |x| format!("{:.0}", x.state_mean)),
            theory: None,
            detail: Some(format!(
                "on {} nodes{}",
                group_digits(r.protocols.first().map_or(0, |x| x.state_nodes).into()),
                if p.nodes > r.protocols.first().map_or(0, |x| x.state_nodes) {
                    " sampled"
                } else {
                    ""
                }
            )),
        },
        Headline {
            id: messages.0,
            label: messages.1.into(),
            values: per_protocol(r, |x| format!("{:.1}", x.mean_messages)),
            theory: None,
            detail: Some(format!(
                "timeouts per lookup: {}; latency: {}",
                per_protocol(r, |x| format!("{:.2}", x.mean_timeouts)).join(", "),
                per_protocol(r, |x| format!("{:.0} ms", x.mean_latency_ms)).join(", ")
            )),
        },
        Headline {
            id: failed.0,
            label: failed.1.into(),
            values: per_protocol(r, |x| percent(x.unsuccessful as f64, x.lookups as f64)),
            theory: fail_theory,
            detail: Some(format!(
                "of {} lookups each{}",
                group_digits(p.lookups.into()),
                if p.fail == 0 { "; no node failed" } else { "" }
            )),
        },
    ]
    .into_iter()
    .chain(attack)
    .collect()
}

/// Every number of every protocol, measured beside theory.
fn numbers_table(r: &Report) -> Html {
    let row = |label: &str, id: &str, cell: &dyn Fn(&ProtocolReport) -> String| {
        html! {
            <tr id={id.to_owned()}>
                <th scope="row">{ label }</th>
                { for r.protocols.iter().map(|x| html! { <td data-protocol={x.protocol.slug()}>{ cell(x) }</td> }) }
            </tr>
        }
    };
    html! {
        <section class="numbers" aria-label="Numbers">
            <h2>{ "Every number" }</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Every number of every protocol">
                <table class="loads" id="numbers">
                    <thead><tr><th scope="col">{ "Number" }</th>{ for r.protocols.iter().map(|x| html! { <th scope="col">{ x.protocol.label() }</th> }) }</tr></thead>
                    <tbody>
                        { row("Lookups", "row-lookups", &|x| group_digits(x.lookups)) }
                        { row("Mean hops", "row-mean", &|x| format!("{:.3}", x.mean_hops)) }
                        { row("Theory", "row-theory", &|x| match x.protocol {
                            Protocol::Chord => format!("½·log2 N = {:.3}", x.theory_hops),
                            Protocol::Kademlia => format!("≤ ⌈log2 N⌉ = {:.0}", x.theory_hops),
                            Protocol::OneHop => format!("1 − 1/N = {:.4}", x.theory_hops),
                        }) }
                        { row("Median / 99th percentile / most hops", "row-percentiles", &|x| format!("{} / {} / {}", x.p50, x.p99, x.max_hops)) }
                        { row("Messages per lookup", "row-messages", &|x| format!("{:.2}", x.mean_messages)) }
                        { row("Timeouts per lookup", "row-timeouts", &|x| format!("{:.3}", x.mean_timeouts)) }
                        { row("Lookup latency: mean / 99th percentile", "row-latency", &|x| format!("{:.0} / {:.0} ms", x.mean_latency_ms, x.p99_latency_ms)) }
                        { row("Latency from the counts: steps one after another × mean round trip", "row-latency-theory", &|x| format!("{:.0} ms", x.theory_latency_ms)) }
                        { row("Misrouted lookups", "row-misrouted", &|x| group_digits(x.misrouted)) }
                        { row("Lookups for lost keys", "row-lost", &|x| group_digits(x.lost)) }
                        { row("Routing entries per node: mean (min–max)", "row-state", &|x| format!("{:.1} ({}–{})", x.state_mean, x.state_min, x.state_max)) }
                        { row("Maintenance messages", "row-maintenance", &|x| group_digits(x.maintenance_messages)) }
                        if r.protocols.iter().any(|x| !x.churn.is_empty()) {
                            { row("Churn: lookups that missed the live owner", "row-churn",
                                &|x| format!("{} of {}", group_digits(x.churn.iter().map(|t| u64::from(t.misrouted)).sum()),
                                    group_digits(x.churn.len() as u64 * u64::from(CHURN_LOOKUPS)))) }
                            { row("Churn: the Chord paper's estimate (§6.5)", "row-churn-theory",
                                &|x| x.churn_theory.map_or_else(|| "no maintenance".into(), |t| percent(t, 1.0))) }
                        }
                        if r.protocols.iter().any(|x| x.eclipse.is_some()) {
                            { row("Eclipse, identifiers chosen next to the key: lookups ending at the attacker", "row-eclipse-chosen",
                                &|x| x.eclipse.as_ref().map_or_else(String::new, |e| format!("{} of {}", group_digits(e.chosen), group_digits(e.lookups)))) }
                            { row("Eclipse, identifiers bound to addresses (random keys)", "row-eclipse-bound",
                                &|x| x.eclipse.as_ref().map_or_else(String::new, |e| format!("{} of {}", group_digits(e.bound), group_digits(e.lookups)))) }
                        }
                    </tbody>
                </table>
            </div>
            <p>{ format!("{} identifiers; {} nodes failed. Latency: each node sits at a seeded point of a unit square and a link takes {LINK_BASE_MS:.0} ms plus {LINK_MS_PER_UNIT:.0} ms per unit of distance each way (a random pair's round trip is {:.0} ms on average); a query to a failed node is waited out for {TIMEOUT_MS:.0} ms; timed on the first {} lookups.",
                group_digits(r.slots), group_digits(r.failed_nodes), r.mean_rtt_ms, group_digits(LATENCY_SAMPLE.into())) }</p>
        </section>
    }
}

fn controls(lab: &LabHandle<Params>, field_note: &UseStateHandle<Option<String>>) -> Html {
    let p = lab.model().params.clone();
    let field = |what, make| number_field(lab, field_note, what, make);
    let on_nodes = field("Nodes", |v| u32::try_from(v).ok().map(Command::SetNodes));
    let on_bits = field("Identifier bits", |v| u32::try_from(v).ok().map(Command::SetBits));
    let on_vids = field("Virtual identifiers", |v| u32::try_from(v).ok().map(Command::SetVids));
    let on_succ = field("Successor list", |v| u32::try_from(v).ok().map(Command::SetSuccessors));
    let on_k = field("k", |v| u32::try_from(v).ok().map(Command::SetK));
    let on_alpha = field("α", |v| u32::try_from(v).ok().map(Command::SetAlpha));
    let on_lookups = field("Lookups", |v| u32::try_from(v).ok().map(Command::SetLookups));
    let on_keys = field("Keys", |v| u32::try_from(v).ok().map(Command::SetKeys));
    let on_fail = field("Failed share", |v| u32::try_from(v).ok().map(Command::SetFail));
    let on_rounds = field("Maintenance rounds", |v| u32::try_from(v).ok().map(Command::SetRounds));
    let on_seed = field("Seed", |v| Some(Command::SetSeed(v)));
    let on_trace = field("Lookup to step through", |v| u32::try_from(v).ok().map(Command::Trace));
    let on_sybils = field("Attacker's nodes", |v| u32::try_from(v).ok().map(Command::SetSybils));
    let on_churn = field("Churn", |v| u32::try_from(v).ok().map(Command::SetChurn));
    let on_period = field("Maintenance period", |v| u32::try_from(v).ok().map(Command::SetPeriod));
    let on_protocol = lab.on(|e: Event| {
        let slug = e.target_unchecked_into::<HtmlInputElement>().value();
        // The boxes carry only the protocols' own slugs, so the lookup always succeeds.
        Command::Toggle(Protocol::from_slug(&slug).unwrap_or(Protocol::Chord))
    });
    let on_sweep = lab.on(|e: Event| Command::SetSweep(e.target_unchecked_into::<HtmlInputElement>().checked()));
    let on_fail_sweep =
        lab.on(|e: Event| Command::SetFailSweep(e.target_unchecked_into::<HtmlInputElement>().checked()));
    let uses = |x: Protocol| p.protocols.contains(&x);
    html! { <>
        <fieldset class="algorithms">
            <legend>{ "Protocols (side by side on the same lookups)" }</legend>
            { for Protocol::ALL.iter().map(|&x| html! {
                <label class="inline">
                    <input type="checkbox" id={format!("proto-{}", x.slug())} value={x.slug()} checked={uses(x)}
                        disabled={uses(x) && p.protocols.len() == 1} onchange={on_protocol.clone()} />
                    <span>{ x.label() }</span>
                </label>
            }) }
        </fieldset>
        <form class="controls" aria-label="Lab settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <TextField id="nodes" label={format!("Nodes (1–{})", group_digits(p.max_nodes().into()))} value={p.nodes.to_string()}
                min="1" max={p.max_nodes().to_string()} on_commit={on_nodes} />
            <TextField id="bits" label="Identifier bits m (1–64)" value={p.bits.to_string()} min="1" max="64" on_commit={on_bits} />
            <TextField id="vids" label={format!("Virtual identifiers per node (1–{MAX_VIDS})")} value={p.vids.to_string()}
                min="1" max={MAX_VIDS.to_string()} on_commit={on_vids} />
            <TextField id="lookups" label={format!("Lookups per protocol (1–{})", group_digits(MAX_LOOKUPS.into()))} value={p.lookups.to_string()}
                min="1" max={MAX_LOOKUPS.to_string()} on_commit={on_lookups} />
            <TextField id="keys" label={format!("Keys for the load figures (0–{})", group_digits(MAX_KEYS.into()))} value={p.keys.to_string()}
                min="0" max={MAX_KEYS.to_string()} on_commit={on_keys} />
            <TextField id="succ" label={format!("Chord successor list r (1–{MAX_SUCCESSORS})")} value={p.successors.to_string()}
                min="1" max={MAX_SUCCESSORS.to_string()} disabled={!uses(Protocol::Chord)} on_commit={on_succ} />
            <TextField id="k" label={format!("Kademlia bucket size k (1–{MAX_K})")} value={p.k.to_string()} min="1" max={MAX_K.to_string()}
                disabled={!uses(Protocol::Kademlia)} on_commit={on_k} />
            <TextField id="alpha" label={format!("Kademlia parallel queries α (1–{MAX_ALPHA})")} value={p.alpha.to_string()} min="1"
                max={MAX_ALPHA.to_string()} disabled={!uses(Protocol::Kademlia)} on_commit={on_alpha} />
            <TextField id="fail" label={format!("Nodes that fail at once (%, 0–{MAX_FAIL})")} value={p.fail.to_string()} min="0"
                max={MAX_FAIL.to_string()} on_commit={on_fail} />
            <TextField id="rounds" label={format!("Maintenance rounds after the failure (0–{MAX_ROUNDS})")} value={p.rounds.to_string()}
                min="0" max={MAX_ROUNDS.to_string()} disabled={p.fail == 0} on_commit={on_rounds} />
            <TextField id="trace" label="Lookup to step through (its number)" value={p.trace.to_string()} min="0"
                max={(p.lookups - 1).to_string()} on_commit={on_trace} />
            <TextField id="sybils" label={format!("Attacker's nodes eclipsing the stepped lookup's key (0–{})", group_digits(MAX_SYBILS.into()))}
                value={p.sybils.to_string()} min="0" max={MAX_SYBILS.to_string()} on_commit={on_sybils} />
            <TextField id="churn" label={format!("Churn: nodes failing, and joining, per tick (0–{MAX_CHURN}; up to {} nodes)", group_digits(MAX_CHURN_NODES.into()))}
                value={p.churn.to_string()} min="0" max={MAX_CHURN.to_string()} on_commit={on_churn} />
            <TextField id="period" label={format!("Churn: ticks between maintenance rounds (0 = never, up to {MAX_PERIOD})")} value={p.period.to_string()}
                min="0" max={MAX_PERIOD.to_string()} disabled={p.churn == 0} on_commit={on_period} />
            <TextField id="seed" label="Seed" kind="text" value={p.seed.to_string()} on_commit={on_seed} />
            <label class="inline">
                <input type="checkbox" id="sweep" checked={p.sweep} onchange={on_sweep} />
                <span>{ format!("Chart hops across N = 8 … 131,072 ({} lookups each)", group_digits(SWEEP_LOOKUPS.into())) }</span>
            </label>
            <label class="inline">
                <input type="checkbox" id="fsweep" checked={p.fail_sweep} disabled={!uses(Protocol::Chord)} onchange={on_fail_sweep} />
                <span>{ format!("Chart Chord's failed lookups against 5–50 % failed nodes for r = 1, 2, 4, 8, 16 ({} lookups each)", group_digits(FAILURE_LOOKUPS.into())) }</span>
            </label>
        </form>
    </> }
}
