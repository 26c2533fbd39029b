//! The Anti-entropy lab's component: maps controls to `anti_entropy::Command`s and the model and its
//! report to a tree view, a level-by-level comparison, the repair and the depth trade-off chart.
//! All computation is in `shardscope_core::labs::anti_entropy`.

use shardscope_core::labs::anti_entropy::{Command, DepthCost, Model, Params, Report, CHART_DEPTH, MAX_KEYS, PRESETS};
use shardscope_core::labs::Computes;
use shardscope_core::merkle::antientropy::{MerkleTree, HASH_BYTES, MAX_DEPTH};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::chart::{fmt, nice_ticks, order_class, x_axis, Chart, DataTable, LegendItem};
use crate::frame::{Headline, LabFrame};
use crate::hooks::{use_autoplay, use_run_in_page, Progress};
use crate::lab::{choice_select, group_digits, number_field, unfinished, use_lab, LabHandle};
use crate::widgets::TextField;

/// The headline numbers' ids and labels.
const HEADLINES: [(&str, &str); 4] = [
    ("headline-differing", "Keys that differ (A, B)"),
    ("headline-hashes", "Hashes compared so far"),
    ("headline-found", "Differing nodes at the last level compared"),
    ("headline-bytes", "Bytes: tree vs every key"),
];
/// How long "Play" shows each level's comparison.
const PLAY_STEP_MS: u32 = 1_100;
/// How many levels below the focused node the tree view draws.
const VIEW_LEVELS: u32 = 4;

fn level_of(node: u64) -> u32 {
    node.ilog2()
}

/// The Anti-entropy lab.
#[function_component]
pub fn AntiEntropyLab() -> Html {
    let lab = use_lab::<Params>();
    let input_note = use_state(|| None::<String>);
    let p = lab.model().params;
    // The computation depends on the scenario only, not on the walkthrough's step or the view.
    let scenario = Params { step: 0, focus: 1, ..p };
    let progress = use_run_in_page(scenario, Computes::start);
    let field = |what, make| number_field(&lab, &input_note, what, make);
    let on_keys = field("Keys", |v| u32::try_from(v).ok().map(Command::SetKeys));
    let on_seed = field("Seed", |v| Some(Command::SetSeed(v)));
    let on_depth = field("Depth", |v| u32::try_from(v).ok().map(Command::SetDepth));
    let on_count = field("Damaged keys", |v| u32::try_from(v).ok().map(Command::SetCount));
    let on_replicas = lab.on(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        Command::SetReplicas(value.parse().unwrap_or(2))
    });

    // Play compares one level at a time, then repairs.
    let playing = use_state(|| false);
    let repaired = p.step == p.repaired_step();
    {
        let state = lab.state.clone();
        let last_compare = p.step + 1 >= p.repaired_step();
        let advance =
            Callback::from(move |()| state.dispatch(if last_compare { Command::Repair } else { Command::Next }));
        use_autoplay(
            &playing,
            p.step,
            repaired,
            matches!(progress, Progress::Done(_)),
            PLAY_STEP_MS,
            advance,
        );
    }
    let on_play = {
        let playing = playing.clone();
        let state = lab.state.clone();
        Callback::from(move |_: MouseEvent| {
            if !*playing && repaired {
                state.dispatch(Command::Restart);
            }
            playing.set(!*playing);
        })
    };
    let compared_levels = p.step.min(p.depth + 1);
    let all_compared = compared_levels == p.depth + 1;
    let status = if repaired {
        "Repaired.".to_owned()
    } else if compared_levels == 0 {
        "Nothing compared yet: start at the roots.".to_owned()
    } else {
        format!("Compared levels 0–{} of {}.", compared_levels - 1, p.depth)
    };
    let toolbar = html! { <>
        { lab.preset_menu(PRESETS) }
        <div class="event-buttons">
            <button type="button" id="back" data-shortcut="back" onclick={lab.on(|_: MouseEvent| Command::Back)} disabled={p.step == 0}>{ "◀ Step back" }</button>
            <button type="button" id="next" data-shortcut="forward" onclick={lab.on(|_: MouseEvent| Command::Next)} disabled={all_compared || repaired}>{ "Compare next level ▶" }</button>
            <button type="button" id="play" data-shortcut="play" aria-pressed={(*playing).to_string()} onclick={on_play}>
                { if *playing { "Pause" } else if repaired { "Replay" } else { "Play" } }
            </button>
            <button type="button" id="repair" onclick={lab.on(|_: MouseEvent| Command::Repair)} disabled={repaired}>{ "Repair" }</button>
            <button type="button" id="restart" onclick={lab.on(|_: MouseEvent| Command::Restart)} disabled={p.step == 0}>{ "Restart" }</button>
        </div>
        <p id="walk-status" class="event-now">{ status }</p>
        <p class="keys-hint" id="keys-hint">{ "Keys: Space plays or pauses; ← and → step back and forward." }</p>
        { lab.notice(input_note.as_deref()) }
    </> };
    let controls = html! {
        <form class="controls" aria-label="Lab settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <TextField id="keys" label={format!("Keys (1–{})", group_digits(MAX_KEYS.into()))} value={p.keys.to_string()}
                min="1" max={MAX_KEYS.to_string()} on_commit={on_keys} />
            <TextField id="depth" kind="range" label={format!("Tree depth: {} (2^{} = {} leaves; 0–{MAX_DEPTH})", p.depth, p.depth, group_digits(1u64 << p.depth))}
                value={p.depth.to_string()} min="0" max={MAX_DEPTH.to_string()} on_commit={on_depth} />
            <label>
                <span>{ "Replicas" }</span>
                <select id="replicas" onchange={on_replicas}>
                    { for [2u32, 3].iter().map(|r| html! { <option value={r.to_string()} selected={*r == p.replicas}>{ r }</option> }) }
                </select>
            </label>
            <label>
                <span>{ "Damage on each other replica" }</span>
                { choice_select("damage", p.damage, lab.on(Command::SetDamage)) }
            </label>
            <TextField id="count" label="Damaged keys per replica" value={p.count.to_string()} min="1" max={p.keys.to_string()} on_commit={on_count} />
            <TextField id="seed" label="Seed" kind="text" value={p.seed.to_string()} on_commit={on_seed} />
        </form>
    };
    let (figure, headline, details) = match &progress {
        Progress::Done(report) => (
            html! {
                <section class="results" data-state="done" data-query={lab.canonical.clone()}
                    data-differing-leaves={report.diff.leaves.len().to_string()} data-hashes={report.diff.hashes_compared().to_string()}>
                    { tree_view(&lab, &report.tree_a, &report.tree_b, compared_levels) }
                </section>
            },
            headline(report, compared_levels),
            results(&lab, report),
        ),
        // Until the numbers arrive the headline shows its labels, so nothing shifts when they do.
        other => (
            unfinished(other, "Building replicas and trees").unwrap_or_default(),
            Headline::pending(&HEADLINES),
            Html::default(),
        ),
    };

    html! {
        <LabFrame title={Model::info().title} banner={lab.problems_banner()} {figure} {headline} {toolbar} {controls}
            lede={html! { <>
                { "Replicas of one keyspace drift apart: a write is dropped, a value rots, a range is lost. " }
                { "Dynamo, Cassandra and Riak find the damage by comparing Merkle trees from the root down, then stream only the key ranges whose leaves differ." }
            </> }}>
            { details }
            <section class="note">
                <h2>{ "Why a fast hash here, and SHA-256 for proofs?" }</h2>
                <p>{ "Anti-entropy guards against accidents: disks, networks and bugs do not search for hash collisions, so a fast 128-bit XXH3 is enough and keeps repairs cheap. A tamper-evident log guards against people: anyone can construct XXH3 collisions on purpose, so transparency logs (RFC 6962) hash with SHA-256, where no one can." }</p>
            </section>
            { lab.share() }
        </LabFrame>
    }
}

/// The headline numbers so far: hashes compared and their bytes, the differing leaves found,
/// against what sending every key would cost.
fn headline(r: &Report, compared_levels: u32) -> Vec<Headline> {
    let levels = &r.diff.levels[..(compared_levels as usize).min(r.diff.levels.len())];
    let hashes: u64 = levels.iter().map(|l| l.compared).sum();
    let found = levels.last().map_or(0, |l| l.differing);
    let [differing, so_far, found_at, bytes] = HEADLINES;
    vec![
        Headline::new(differing.0, differing.1, group_digits(r.differing_keys)),
        Headline::new(so_far.0, so_far.1, group_digits(hashes))
            .detail(format!("{} in all", group_digits(r.diff.hashes_compared()))),
        Headline::new(found_at.0, found_at.1, group_digits(found))
            .detail(format!("{} differing leaves", group_digits(r.diff.leaves.len() as u64))),
        Headline::new(
            bytes.0,
            bytes.1,
            format!(
                "{} vs {}",
                group_digits(hashes * HASH_BYTES),
                group_digits(r.full_compare_bytes)
            ),
        ),
    ]
}

fn results(lab: &LabHandle<Params>, r: &Report) -> Html {
    let p = lab.model().params;
    let repaired = p.step == p.repaired_step();
    let compared_levels = p.step.min(p.depth + 1);
    let all_compared = compared_levels == p.depth + 1;
    let equal_after = r.roots_after.windows(2).all(|w| w[0] == w[1]);
    html! {
        <section class="numbers" aria-label="Numbers">
            <p>{ format!(
                "Replica sizes: {}. Keys that differ between A and B: {}.",
                r.sizes.iter().zip(["A", "B", "C"]).map(|(n, name)| format!("{name} {}", group_digits(*n))).collect::<Vec<_>>().join(", "),
                group_digits(r.differing_keys),
            ) }</p>
            { level_table(r, compared_levels) }
            if all_compared || repaired {
                <p class="headline" id="compare-summary">{ format!(
                    "The trees found {} differing leaves with {} hash comparisons ({} bytes). Comparing every key instead would send {} bytes.",
                    group_digits(r.diff.leaves.len() as u64),
                    group_digits(r.diff.hashes_compared()),
                    group_digits(r.diff.bytes_exchanged()),
                    group_digits(r.full_compare_bytes),
                ) }</p>
            }
            if repaired {
                { repair_view(r, equal_after) }
            }
            { chart(&r.chart, p.depth) }
        </section>
    }
}

fn node_state(a: &MerkleTree, b: &MerkleTree, node: u64, compared_levels: u32) -> (&'static str, &'static str) {
    // Top-down, a node is compared only when every ancestor differed; below an ancestor already
    // found equal there is nothing to compare.
    let mut up = node / 2;
    while up >= 1 {
        if level_of(up) < compared_levels && a.node(up) == b.node(up) {
            return ("skipped", "·");
        }
        up /= 2;
    }
    if level_of(node) >= compared_levels {
        ("unknown", "?")
    } else if a.node(node) == b.node(node) {
        ("same", "=")
    } else {
        ("differs", "≠")
    }
}

fn tree_view(lab: &LabHandle<Params>, a: &MerkleTree, b: &MerkleTree, compared_levels: u32) -> Html {
    let focus = lab.model().params.focus;
    let top = level_of(focus);
    let rows = VIEW_LEVELS.min(a.depth() - top);
    let (width, gap) = (640.0, 56.0);
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let mut table = Vec::new();
    for k in 0..=rows {
        let count = 1u64 << k;
        for j in 0..count {
            let node = (focus << k) + j;
            let x = (j as f64 + 0.5) / count as f64 * width;
            let y = 20.0 + f64::from(k) * gap;
            if k > 0 {
                let px = ((j / 2) as f64 + 0.5) / (count / 2) as f64 * width;
                edges.push(html! { <line class="edge" x1={fmt(px)} y1={fmt(y - gap)} x2={fmt(x)} y2={fmt(y)} /> });
            }
            let (class, mark) = node_state(a, b, node, compared_levels);
            let level = level_of(node);
            let leaf = level == a.depth();
            let hashes = format!(
                "A {:08x}…, B {:08x}…",
                a.node(node).unwrap_or(0) >> 96,
                b.node(node).unwrap_or(0) >> 96
            );
            let state = match class {
                "same" => "equal",
                "differs" => "differs",
                "skipped" => "not compared: an ancestor is equal",
                _ => "not compared yet",
            };
            let label = format!(
                "node {node}, level {level}{}: {state}; {hashes}{}",
                if leaf { " (leaf)" } else { "" },
                if leaf || k == 0 { "" } else { "; press Enter to zoom in" },
            );
            table.push(vec![node.to_string(), level.to_string(), state.to_owned(), hashes]);
            let on_activate = (!leaf && k > 0).then(|| lab.on(move |_: MouseEvent| Command::Focus(node)));
            let on_key = (!leaf && k > 0).then(|| lab.on_key(move || Command::Focus(node)));
            // The level compared last lights up node by node, left to right.
            let just_compared = compared_levels > 0 && level == compared_levels - 1 && class != "skipped";
            nodes.push(html! {
                <g class={classes!("tree-node", class)} role={if on_activate.is_some() { "button" } else { "img" }}
                    tabindex={on_activate.is_some().then_some("0")} aria-label={label.clone()} data-tip={label.clone()}
                    onclick={on_activate} onkeydown={on_key} data-node={node.to_string()}>
                    <title>{ label }</title>
                    <circle class={classes!(just_compared.then(|| order_class(j)))}
                        cx={fmt(x)} cy={fmt(y)} r="13" />
                    <text x={fmt(x)} y={fmt(y + 5.0)} text-anchor="middle">{ mark }</text>
                </g>
            });
        }
    }
    let height = 40.0 + f64::from(rows) * gap;
    html! {
        <>
            <Chart class="tree-view" interactive=true view={(width, height)} label="Merkle tree comparison"
                caption={html! { { format!("A's and B's trees from node {focus} (level {top}) down {rows} levels. Nodes below the top can be opened.") } }}
                legend={vec![LegendItem::new("", "=", "equal"), LegendItem::new("", "≠", "differs"), LegendItem::new("", "?", "not compared yet"), LegendItem::new("", "·", "not needed (an ancestor is equal)")]}
                table={DataTable { caption: format!("The tree nodes drawn, from node {focus}"), head: vec!["Node".into(), "Level".into(), "State".into(), "Hashes (first 32 bits)".into()], rows: table }}>
                { for edges }
                { for nodes }
            </Chart>
            <div class="event-buttons">
                <button type="button" id="zoom-up" onclick={lab.on(move |_: MouseEvent| Command::Focus((focus / 2).max(1)))} disabled={focus == 1}>{ "Up one level" }</button>
                <button type="button" id="zoom-root" onclick={lab.on(|_: MouseEvent| Command::Focus(1))} disabled={focus == 1}>{ "Back to the root" }</button>
            </div>
        </>
    }
}

fn level_table(r: &Report, compared_levels: u32) -> Html {
    let mut hashes = 0;
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Comparison cost by level">
        <table class="loads" id="levels">
            <caption>{ "What each level of the top-down comparison cost" }</caption>
            <thead><tr>
                <th scope="col">{ "Level" }</th>
                <th scope="col">{ "Pairs compared" }</th>
                <th scope="col">{ "Differing" }</th>
                <th scope="col">{ "Hashes so far" }</th>
                <th scope="col">{ "Bytes so far" }</th>
            </tr></thead>
            <tbody>
                { for r.diff.levels.iter().take(compared_levels as usize).map(|l| {
                    hashes += l.compared;
                    html! { <tr data-level={l.level.to_string()}>
                        <th scope="row">{ l.level }</th>
                        <td>{ group_digits(l.compared) }</td>
                        <td>{ group_digits(l.differing) }</td>
                        <td>{ group_digits(hashes) }</td>
                        <td>{ group_digits(hashes * HASH_BYTES) }</td>
                    </tr> }
                }) }
            </tbody>
        </table>
        </div>
    }
}

fn repair_view(r: &Report, equal_after: bool) -> Html {
    let name = |i: u32| ["A", "B", "C"][i as usize];
    html! {
        <section class="repair" id="repair-report">
            <div class="table-scroll" tabindex="0" role="region" aria-label="Repair by pair">
            <table class="loads">
                <caption>{ "Repair, pair by pair: each side streams its entries in every differing range" }</caption>
                <thead><tr>
                    <th scope="col">{ "Pair" }</th>
                    <th scope="col">{ "Entries sent" }</th>
                    <th scope="col">{ "Over-streamed (already there)" }</th>
                    <th scope="col">{ "Fixed" }</th>
                </tr></thead>
                <tbody>
                    { for r.rounds.iter().map(|((x, y), rep)| html! {
                        <tr data-pair={format!("{x}-{y}")}>
                            <th scope="row">{ format!("{} ↔ {}", name(*x), name(*y)) }</th>
                            <td>{ group_digits(rep.sent) }</td>
                            <td>{ group_digits(rep.over_streamed) }</td>
                            <td>{ group_digits(rep.fixed) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            </div>
            <p class="headline" id="roots-after">{
                if equal_after { "After repair every replica has the same root: the replicas agree.".to_owned() }
                else { "After repair the roots still differ.".to_owned() }
            }</p>
        </section>
    }
}

/// A chart line: its name, its CSS class, its legend glyph, and the value it plots.
type Series = (&'static str, &'static str, &'static str, fn(&DepthCost) -> u64);

fn chart(points: &[DepthCost], current: u32) -> Html {
    let (width, height, left, bottom) = (600.0, 240.0, 44.0, 24.0);
    let max_depth = f64::from(points.last().map_or(CHART_DEPTH, |c| c.depth).max(1));
    let top_value = points
        .iter()
        .flat_map(|c| [c.tree_nodes, c.compared, c.over_streamed])
        .max()
        .unwrap_or(1)
        .max(10);
    // Powers of ten up to the largest value: ilog10 rounds down, so add one unless exact.
    let decades = top_value.ilog10() + u32::from(10u64.pow(top_value.ilog10()) < top_value);
    let x = |d: f64| left + d / max_depth * (width - left - 8.0);
    // Log scale; zero sits on the axis.
    let y = |v: u64| {
        let up = if v == 0 {
            0.0
        } else {
            (v as f64).log10() / f64::from(decades) * (height - bottom - 8.0)
        };
        height - bottom - up
    };
    let series: [Series; 3] = [
        ("tree nodes", "series-nodes", "- -", |c| c.tree_nodes),
        ("hashes compared", "series-compared", "—", |c| c.compared),
        ("keys over-streamed", "series-over", "···", |c| c.over_streamed),
    ];
    let table = html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Trade-off by depth">
        <table class="loads" id="tradeoff">
            <caption>{ "Trade-off by depth (A ↔ B)" }</caption>
            <thead><tr>
                <th scope="col">{ "Depth" }</th><th scope="col">{ "Tree nodes" }</th><th scope="col">{ "Hashes compared" }</th>
                <th scope="col">{ "Differing leaves" }</th><th scope="col">{ "Keys sent" }</th><th scope="col">{ "Over-streamed" }</th>
            </tr></thead>
            <tbody>{ for points.iter().map(|c| html! {
                <tr data-depth={c.depth.to_string()} class={classes!((c.depth == current).then_some("current-row"))}>
                    <th scope="row">{ c.depth }</th>
                    <td>{ group_digits(c.tree_nodes) }</td><td>{ group_digits(c.compared) }</td>
                    <td>{ group_digits(c.differing_leaves) }</td><td>{ group_digits(c.sent) }</td><td>{ group_digits(c.over_streamed) }</td>
                </tr>
            }) }</tbody>
        </table>
        </div>
    };
    let depth_ticks: Vec<f64> = nice_ticks(max_depth, 6)
        .into_iter()
        .filter(|d| *d <= max_depth)
        .collect();
    html! {
        <Chart class="depth-chart" view={(width, height)} table_html={table}
            label="Line chart of tree nodes, hashes compared and keys over-streamed by depth"
            caption={html! { { format!("The depth trade-off for this damage: a deeper tree costs more nodes and comparisons, a shallower one streams more keys that were fine. Log scale; the vertical line marks the chosen depth, {current}.") } }}
            legend={series.iter().map(|(name, class, glyph, _)| LegendItem::new(*class, glyph, *name)).collect::<Vec<_>>()}>
            <g class="axis" aria-hidden="true">
                <line x1={fmt(left)} y1="8" x2={fmt(left)} y2={fmt(height - bottom)} />
                { for (0..=decades).map(|e| html! {
                    <text class="tick" x={fmt(left - 4.0)} y={fmt(y(10u64.pow(e)) + 4.0)} text-anchor="end">{ format!("1e{e}") }</text>
                }) }
            </g>
            { x_axis(height - bottom, (left, width - 8.0), &depth_ticks, x, |d| format!("{d:.0}")) }
            <line class="current" x1={fmt(x(f64::from(current)))} y1="8" x2={fmt(x(f64::from(current)))} y2={fmt(height - bottom)} />
            { for series.iter().map(|(_, class, _, get)| {
                let path: Vec<String> = points.iter().map(|c| format!("{:.1},{:.1}", x(f64::from(c.depth)), y(get(c)))).collect();
                html! { <polyline class={*class} points={path.join(" ")} /> }
            }) }
            { for points.iter().map(|c| html! {
                <circle class="depth-point" cx={fmt(x(f64::from(c.depth)))} cy={fmt(y(c.compared))} r="3"
                    data-tip={format!("depth {}: {} tree nodes, {} hashes compared, {} keys over-streamed", c.depth, group_digits(c.tree_nodes), group_digits(c.compared), group_digits(c.over_streamed))} />
            }) }
        </Chart>
    }
}
