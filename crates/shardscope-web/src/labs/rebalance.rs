//! The Rebalance lab's component: maps form events to `rebalance::Command`s and the model and its
//! report to markup. All computation is in `shardscope_core::labs::rebalance`.

use shardscope_core::labs::rebalance::{
    AlgorithmChoice, Command, Event as LabEvent, Model, NodeLoad, Params, Report, Run, MAX_KEYS, MAX_NODES,
};
use shardscope_core::ring::MAX_VNODES;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::hooks::{use_chunked, Chunked, Progress};
use crate::lab::{choice_select, group_digits, group_float, number_field, percent, unfinished, use_lab};
use crate::widgets::TextField;

/// The core computation, advanced a chunk per browser task.
struct Job {
    run: Run,
    chunk: u32,
}

impl Chunked for Job {
    type Output = Report;

    fn step(&mut self) -> bool {
        self.run.advance(self.chunk)
    }

    fn progress(&self) -> (u64, u64) {
        (self.run.placed(), self.run.total())
    }

    fn output(&mut self) -> Report {
        self.run.report()
    }
}

/// Keys per step. Each key is placed twice; rendezvous scores every node per key, so its steps
/// shrink with the node count. A step of about 2^15 hash evaluations takes around a millisecond
/// in wasm, fine-grained enough for `use_chunked`'s time slices.
fn chunk_size(params: &Params) -> u32 {
    const WORK: u32 = 1 << 15;
    match params.algorithm {
        AlgorithmChoice::Rendezvous => (WORK / (params.nodes + 1)).max(256),
        _ => WORK,
    }
}

fn start_job(params: &Params) -> Result<Job, String> {
    Run::new(*params)
        .map(|run| Job {
            run,
            chunk: chunk_size(params),
        })
        .map_err(|e| e.to_string())
}

/// The Rebalance lab.
#[function_component]
pub fn RebalanceLab() -> Html {
    let lab = use_lab::<Params>();
    let input_note = use_state(|| None::<String>);
    let model = lab.model();
    let canonical = lab.canonical.clone();
    let progress = use_chunked(model.params, start_job);
    let number_field = |make, what| number_field(&lab, &input_note, what, make);
    let on_nodes = number_field(|v| u32::try_from(v).ok().map(Command::SetNodes), "Nodes");
    let on_keys = number_field(|v| u32::try_from(v).ok().map(Command::SetKeys), "Keys");
    let on_vnodes = number_field(|v| u32::try_from(v).ok().map(Command::SetVnodes), "Virtual nodes");
    let on_seed = number_field(|v| Some(Command::SetSeed(v)), "Seed");
    // The node the "Remove it" button removes: the one leaving now, else the last.
    let remove_choice = use_state(|| match model.params.event {
        LabEvent::Remove(id) => id,
        LabEvent::Add => model.params.nodes.saturating_sub(1),
    });
    let on_remove_choice = {
        let remove_choice = remove_choice.clone();
        Callback::from(move |e: Event| {
            if let Ok(id) = e.target_unchecked_into::<HtmlSelectElement>().value().parse() {
                remove_choice.set(id);
            }
        })
    };
    let on_add = lab.on(|_: MouseEvent| Command::AddNode);
    let on_remove = {
        let remove_choice = remove_choice.clone();
        lab.on(move |_: MouseEvent| Command::RemoveNode(*remove_choice))
    };

    let p = model.params;
    let is_ring = p.algorithm == AlgorithmChoice::Ring;
    html! {
        <article class="lab" aria-labelledby="lab-title">
            <h1 id="lab-title">{ Model::info().title }</h1>
            <p class="lede">
                { "A cluster of nodes owns a set of keys. When one node joins or leaves, how many keys must change owner? " }
                { "hash mod N moves almost all of them; consistent algorithms move only the share of the node that changed." }
            </p>
            { lab.problems_banner() }
            <form class="controls" aria-label="Lab settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <label>
                    <span>{ "Algorithm" }</span>
                    { choice_select("alg", p.algorithm, lab.on(Command::SetAlgorithm)) }
                </label>
                <TextField id="nodes" label={format!("Nodes (1–{MAX_NODES})")} value={p.nodes.to_string()}
                    min="1" max={MAX_NODES.to_string()} on_commit={on_nodes} />
                <TextField id="keys" label={format!("Keys (1–{})", group_digits(MAX_KEYS.into()))} value={p.keys.to_string()}
                    min="1" max={MAX_KEYS.to_string()} on_commit={on_keys} />
                <TextField id="vnodes" label={format!("Virtual nodes per node (ring only, 1–{MAX_VNODES})")}
                    value={p.vnodes.to_string()} min="1" max={MAX_VNODES.to_string()} disabled={!is_ring} on_commit={on_vnodes} />
                <TextField id="seed" label="Seed" kind="text" value={p.seed.to_string()} on_commit={on_seed} />
            </form>
            <fieldset class="event">
                <legend>{ "Event" }</legend>
                <p id="event-now" class="event-now">{ describe_event(&p) }</p>
                <div class="event-buttons">
                    <button type="button" id="add-node" onclick={on_add}>{ format!("Add node {}", p.nodes) }</button>
                    <label class="inline">
                        <span>{ "Node to remove" }</span>
                        <select id="remove-choice" onchange={on_remove_choice}>
                            { for (0..p.nodes).map(|id| html! {
                                <option value={id.to_string()} selected={id == *remove_choice}>{ format!("node {id}") }</option>
                            }) }
                        </select>
                    </label>
                    <button type="button" id="remove-node" onclick={on_remove} disabled={p.nodes < 2}>{ "Remove it" }</button>
                </div>
            </fieldset>
            { lab.notice(input_note.as_deref()) }
            { results(&p, &canonical, &progress) }
            { lab.share() }
        </article>
    }
}

fn describe_event(p: &Params) -> String {
    match p.event {
        LabEvent::Add => format!("Node {} joins: {} → {} nodes.", p.nodes, p.nodes, p.nodes + 1),
        LabEvent::Remove(id) => format!("Node {id} leaves: {} → {} nodes.", p.nodes, p.nodes - 1),
    }
}

fn results(p: &Params, canonical: &str, progress: &Progress<Report>) -> Html {
    match progress {
        Progress::Done(report) => report_view(p, canonical, report),
        other => unfinished(other, "Placing keys").unwrap_or_default(),
    }
}

fn report_view(p: &Params, canonical: &str, report: &Report) -> Html {
    let m = report.movement;
    let keys = m.keys as f64;
    let theory = if p.algorithm.is_consistent() {
        format!(
            "Theory: a consistent algorithm moves the share of the node that {}, 1/{} of the keys ≈ {} ({}).",
            if p.event == LabEvent::Add { "joins" } else { "leaves" },
            report.nodes_after.max(p.nodes),
            group_float(report.expected_moved),
            percent(report.expected_moved, keys),
        )
    } else {
        format!(
            "Theory: for uniformly random keys, mod N moves {} of them ≈ {} (exact, from the period lcm(n, m)).",
            percent(report.expected_moved, keys),
            group_float(report.expected_moved),
        )
    };
    let peak = report
        .loads
        .iter()
        .flat_map(|l| [l.before, l.after])
        .flatten()
        .max()
        .unwrap_or(0)
        .max(1);
    html! {
        <section class="results" aria-live="polite" data-state="done" data-query={canonical.to_owned()}
            data-moved={m.moved.to_string()} data-minimum={m.minimum.to_string()} data-keys={m.keys.to_string()}>
            <p class="headline" id="moved">
                { "Keys moved: " }<strong>{ group_digits(m.moved) }</strong>{ format!(" of {} ({})", group_digits(m.keys), percent(m.moved as f64, keys)) }
                { " — minimum possible: " }<strong>{ group_digits(m.minimum) }</strong>
            </p>
            <p class="theory">{ theory }</p>
            <p class="minimum-note">{ "The minimum is the fewest keys that must change owner to reach the new load per node: the keys of a node that leaves, or the keys a new node ends up with." }</p>
            <p>{ format!("Busiest node after the event: {:.3} × the mean load.", report.peak_to_mean_after) }</p>
            <table class="loads">
                <caption>{ "Keys per node before and after the event" }</caption>
                <thead><tr>
                    <th scope="col">{ "Node" }</th>
                    <th scope="col">{ "Before (outline bar)" }</th>
                    <th scope="col">{ "After (solid bar)" }</th>
                    <th scope="col">{ "Change" }</th>
                </tr></thead>
                <tbody>{ for report.loads.iter().map(|l| load_row(l, peak)) }</tbody>
            </table>
        </section>
    }
}

fn load_row(l: &NodeLoad, peak: u64) -> Html {
    let cell = |load: Option<u64>, class: &'static str, absent: &'static str| match load {
        Some(n) => html! {
            <td>
                <span class="num">{ group_digits(n) }</span>
                <svg class="bar" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                    <rect class={class} x="0" y="0" height="10" width={(n * 1000 / peak).to_string()} />
                </svg>
            </td>
        },
        None => html! { <td class="absent">{ absent }</td> },
    };
    let change = match (l.before, l.after) {
        (Some(b), Some(a)) if a >= b => format!("+{}", group_digits(a - b)),
        (Some(b), Some(a)) => format!("−{}", group_digits(b - a)),
        (None, Some(a)) => format!("+{} (joined)", group_digits(a)),
        (Some(b), None) => format!("−{} (left)", group_digits(b)),
        (None, None) => String::new(),
    };
    html! {
        <tr data-node={l.node.to_string()}>
            <th scope="row">{ format!("node {}", l.node) }</th>
            { cell(l.before, "bar-before", "not yet in the cluster") }
            { cell(l.after, "bar-after", "left the cluster") }
            <td class="change">{ change }</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendezvous_chunks_shrink_with_nodes() {
        let mut p = Params {
            algorithm: AlgorithmChoice::Rendezvous,
            nodes: 64,
            ..Params::default()
        };
        assert!(chunk_size(&p) * (p.nodes + 1) <= 1 << 15);
        p.algorithm = AlgorithmChoice::Jump;
        assert_eq!(chunk_size(&p), 1 << 15);
    }
}
