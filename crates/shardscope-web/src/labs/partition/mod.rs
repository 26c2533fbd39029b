//! The Partition lab's component: the topology (click a link to cut or heal it, a node to crash or
//! restart it), the space-time diagram, the operations and the checker's verdict. Everything is
//! computed by `shardscope_core::labs::partition`.

use shardscope_core::labs::partition::{
    report, state_at, Command, ModeChoice, Model, Params, Report, MAX_OPS, PRESETS,
};
use shardscope_core::linearizability::Verdict;
use shardscope_core::partition::{Outcome, Record, Tick};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::chart::{fmt, Chart, DataTable, LegendItem};
use crate::frame::{Headline, LabFrame};
use crate::hooks::use_autoplay;
use crate::lab::{choice_select, number_field, use_lab};
use crate::widgets::TextField;

/// How long "Play" waits between frames.
const PLAY_FRAME_MS: u32 = 120;
/// The play speeds offered: ticks revealed per frame.
const SPEEDS: [Tick; 4] = [1, 5, 20, 100];
/// Partition groups a node can be put in.
const GROUPS: [&str; 3] = ["A", "B", "C"];

fn outcome_name(o: Option<Outcome>) -> &'static str {
    match o {
        Some(Outcome::Ok) => "ok",
        Some(Outcome::Stale) => "stale",
        Some(Outcome::TimedOut) => "unavailable (timed out)",
        Some(Outcome::Conflict) => "conflict (siblings)",
        Some(Outcome::Refused) => "unavailable (refused)",
        None => "pending",
    }
}

fn outcome_class(o: Option<Outcome>) -> &'static str {
    match o {
        Some(Outcome::Ok) => "op-ok",
        Some(Outcome::Stale) => "op-stale",
        Some(Outcome::TimedOut | Outcome::Refused) => "op-unavailable",
        Some(Outcome::Conflict) => "op-conflict",
        None => "op-pending",
    }
}

fn describe(r: &Record, siblings: &[u64]) -> String {
    match (r.request.write, r.value) {
        (Some(v), _) => format!("write {v}"),
        (None, Some(v)) => format!("read → {v}"),
        (None, None) if !siblings.is_empty() => {
            format!(
                "read → {{{}}}",
                siblings.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
            )
        }
        (None, None) => "read".into(),
    }
}

/// The Partition lab.
#[function_component]
pub fn PartitionLab() -> Html {
    let lab = use_lab::<Params>();
    let note = use_state(|| None::<String>);
    let p = lab.model().params.clone();
    let run = use_memo(p.clone(), report);
    let now = p.at.unwrap_or(run.end).min(run.end);
    let at_now = use_memo((p.clone(), now), |(p, t)| state_at(p, *t));
    let playing = use_state(|| false);
    let speed = use_state(|| SPEEDS[1]);
    // The groups a person is arranging before applying a split (node i in group groups[i]).
    let groups = use_state(Vec::<u32>::new);
    {
        let state = lab.state.clone();
        let (end, step) = (run.end, *speed);
        let advance = Callback::from(move |()| state.dispatch(Command::ShowAt(Some((now + step).min(end)))));
        use_autoplay(&playing, (now, step), now >= end, true, PLAY_FRAME_MS, advance);
    }
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |e: Event| {
            if let Ok(v) = e.target_unchecked_into::<HtmlSelectElement>().value().parse() {
                speed.set(v);
            }
        })
    };
    let split_groups: Vec<u32> = (0..p.nodes)
        .map(|i| groups.get(i as usize).copied().unwrap_or(0))
        .collect();
    let on_group = |node: u32| {
        let groups = groups.clone();
        let current = split_groups.clone();
        Callback::from(move |e: Event| {
            if let Ok(g) = e.target_unchecked_into::<HtmlSelectElement>().value().parse::<u32>() {
                let mut next = current.clone();
                next[node as usize] = g;
                groups.set(next);
            }
        })
    };
    let on_split = {
        let chosen = split_groups.clone();
        lab.on(move |_: MouseEvent| Command::Split(chosen.clone()))
    };
    let field = |name: &'static str, what| {
        number_field(
            &lab,
            &note,
            what,
            match name {
                "nodes" => |v| Some(Command::SetNumber("nodes", v)),
                "dcs" => |v| Some(Command::SetNumber("dcs", v)),
                "n" => |v| Some(Command::SetNumber("n", v)),
                "lat" => |v| Some(Command::SetNumber("lat", v)),
                "rlat" => |v| Some(Command::SetNumber("rlat", v)),
                "loss" => |v| Some(Command::SetNumber("loss", v)),
                "timeout" => |v| Some(Command::SetNumber("timeout", v)),
                "ops" => |v| Some(Command::SetNumber("ops", v)),
                "spacing" => |v| Some(Command::SetNumber("spacing", v)),
                "keys" => |v| Some(Command::SetNumber("keys", v)),
                _ => |v| Some(Command::SetNumber("seed", v)),
            },
        )
    };
    let checked = |e: &Event| e.target_unchecked_into::<HtmlInputElement>().checked();
    let on_rr = lab.on(move |e: Event| Command::SetReadRepair(checked(&e)));
    let on_sync = lab.on(move |e: Event| Command::SetSync(checked(&e)));
    let on_sloppy = lab.on(move |e: Event| Command::SetSloppy(checked(&e)));
    let on_vv = lab.on(move |e: Event| Command::SetSiblings(checked(&e)));
    let on_fr = lab.on(move |e: Event| Command::SetFollowerReads(checked(&e)));
    let on_time =
        lab.on(|e: InputEvent| Command::ShowAt(e.target_unchecked_into::<HtmlInputElement>().value().parse().ok()));
    // Step and back jump between the ticks where something a person can see happens.
    let marks: Vec<Tick> = {
        let mut m: Vec<Tick> = run
            .history
            .iter()
            .flat_map(|r| [Some(r.request.at), r.completed])
            .flatten()
            .chain(p.nemesis.iter().map(|(t, _)| *t))
            .chain([0, run.end])
            .collect();
        m.sort_unstable();
        m.dedup();
        m
    };
    let next = marks.iter().copied().find(|&t| t > now).unwrap_or(run.end);
    let prev = marks.iter().rev().copied().find(|&t| t < now).unwrap_or(0);
    let leaderless = p.mode == ModeChoice::Leaderless;
    let leader = p.mode == ModeChoice::Leader;
    let on_play = {
        let playing = playing.clone();
        let state = lab.state.clone();
        let at_end = now >= run.end;
        Callback::from(move |_: MouseEvent| {
            if !*playing && at_end {
                state.dispatch(Command::ShowAt(Some(0)));
            }
            playing.set(!*playing);
        })
    };

    let toolbar = html! { <>
        { lab.preset_menu(PRESETS) }
        <label class="time-slider">
            <span>{ format!("Time shown: tick {now} of {}", run.end) }</span>
            <input type="range" id="time" min="0" max={run.end.to_string()} value={now.to_string()} oninput={on_time} />
        </label>
        <div class="event-buttons">
            <button type="button" id="back" data-shortcut="back" disabled={now == 0} onclick={lab.on(move |_: MouseEvent| Command::ShowAt(Some(prev)))}>{ "◀ Back" }</button>
            <button type="button" id="step" data-shortcut="forward" disabled={now >= run.end} onclick={lab.on(move |_: MouseEvent| Command::ShowAt(Some(next)))}>{ "Step ▶" }</button>
            <button type="button" id="play" data-shortcut="play" aria-pressed={(*playing).to_string()} onclick={on_play}>{ if *playing { "Pause" } else if now >= run.end { "Replay" } else { "Play" } }</button>
            <button type="button" id="to-end" onclick={lab.on(|_: MouseEvent| Command::ShowAt(None))}>{ "End" }</button>
            <label class="inline"><span>{ "Speed" }</span>
                <select id="speed" onchange={on_speed}>
                    { for SPEEDS.iter().map(|&s| html! { <option value={s.to_string()} selected={s == *speed}>{ format!("{s} tick{} per frame", if s == 1 { "" } else { "s" }) }</option> }) }
                </select>
            </label>
        </div>
        <p class="keys-hint" id="keys-hint">{ "Keys: Space plays or pauses; ← and → step back and forward." }</p>
        <p class="theory" id="arithmetic">{ p.arithmetic() }</p>
        { lab.notice(note.as_deref()) }
    </> };
    let controls = html! { <>
        <form class="controls" aria-label="Lab settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label><span>{ "Replication" }</span>{ choice_select("mode", p.mode, lab.on(Command::SetMode)) }</label>
            <TextField id="nodes" label="Nodes (2–9)" value={p.nodes.to_string()} min="2" max="9" on_commit={field("nodes", "Nodes")} />
            <TextField id="dcs" label="Datacenters (1–3)" value={p.dcs.to_string()} min="1" max="3" on_commit={field("dcs", "Datacenters")} />
            <TextField id="n" label="Replicas per key N" value={p.n.to_string()} min="1" max={p.nodes.to_string()} disabled={!leaderless} on_commit={field("n", "N")} />
            <label><span>{ "Read level" }</span>{ choice_select("rl", p.read, lab.on(Command::SetRead)) }</label>
            <label><span>{ "Write level" }</span>{ choice_select("wl", p.write, lab.on(Command::SetWrite)) }</label>
            <label class="inline"><input type="checkbox" id="rr" checked={p.read_repair} disabled={!leaderless} onchange={on_rr} /><span>{ "Read repair" }</span></label>
            <label class="inline"><input type="checkbox" id="sloppy" checked={p.sloppy} disabled={!leaderless} onchange={on_sloppy} /><span>{ "Sloppy quorum with hinted handoff" }</span></label>
            <label class="inline"><input type="checkbox" id="vv" checked={p.siblings} disabled={!leaderless} onchange={on_vv} /><span>{ "Version vectors with siblings (else last write wins)" }</span></label>
            <label class="inline"><input type="checkbox" id="sync" checked={p.sync} disabled={!leader} onchange={on_sync} /><span>{ "Synchronous replication (leader–follower)" }</span></label>
            <label class="inline"><input type="checkbox" id="fr" checked={p.follower_reads} disabled={!leader} onchange={on_fr} /><span>{ "Read from followers" }</span></label>
            <TextField id="lat" label="Latency in a datacenter (ticks)" value={p.latency.to_string()} min="1" max="100" on_commit={field("lat", "Latency")} />
            <TextField id="rlat" label="Latency between datacenters" value={p.remote_latency.to_string()} min="1" max="500" on_commit={field("rlat", "Latency")} />
            <TextField id="loss" label="Messages lost (%)" value={p.loss.to_string()} min="0" max="50" on_commit={field("loss", "Loss")} />
            <TextField id="timeout" label="Timeout (ticks)" value={p.timeout.to_string()} min="5" max="2000" on_commit={field("timeout", "Timeout")} />
            <TextField id="ops" label={format!("Scripted operations (0–{MAX_OPS})")} value={p.ops.to_string()} min="0" max={MAX_OPS.to_string()} on_commit={field("ops", "Operations")} />
            <TextField id="spacing" label="Ticks between operations" value={p.spacing.to_string()} min="1" max="100" on_commit={field("spacing", "Spacing")} />
            <TextField id="keys" label="Registers (1–4)" value={p.keys.to_string()} min="1" max="4" on_commit={field("keys", "Registers")} />
            <TextField id="seed" label="Seed" kind="text" value={p.seed.to_string()} on_commit={field("seed", "Seed")} />
        </form>
        { requests(&lab, &p) }
        <fieldset class="split-groups">
            <legend>{ format!("Split the network at tick {now}: put each node in a group") }</legend>
            { for (0..p.nodes).map(|n| html! {
                <label class="inline"><span>{ node_name(&p, n) }</span>
                    <select id={format!("group-{n}")} onchange={on_group(n)}>
                        { for GROUPS.iter().zip(0u32..).map(|(name, g)| html! {
                            <option value={g.to_string()} selected={split_groups[n as usize] == g}>{ format!("group {name}") }</option>
                        }) }
                    </select>
                </label>
            }) }
            <button type="button" id="apply-split" onclick={on_split}>{ "Apply the split" }</button>
        </fieldset>
    </> };
    let figure = html! {
        <div class="partition-views">
            { topology(&lab, &p, &at_now, now) }
            { diagram(&p, &run, now) }
        </div>
    };

    html! {
        <LabFrame title={Model::info().title} class="partition" banner={lab.problems_banner()} {figure} headline={headline(&run)} {toolbar} {controls}
            lede={html! { <>
                { "The CAP theorem, one operation at a time. Replicas hold a register; cut the network and see which requests fail, which return stale data, and whether the whole history is linearizable. " }
                { "Click a link to cut or heal it, a node to crash or restart it, at the time shown." }
            </> }}>
            { verdict(&run) }
            { lab.share() }
        </LabFrame>
    }
}

/// The headline numbers: availability, stale reads, the checker's verdict and what diverged.
fn headline(run: &Report) -> Vec<Headline> {
    let none = run.history.is_empty();
    vec![
        Headline::new(
            "headline-availability",
            "Answered",
            if none {
                "– (no operations yet)".to_owned()
            } else {
                format!("{:.1}%", run.availability())
            },
        ),
        Headline::new(
            "headline-stale",
            "Stale reads",
            if none {
                "–".to_owned()
            } else {
                format!("{:.1}%", run.stale_reads())
            },
        ),
        Headline::new(
            "headline-linearizable",
            "Linearizable",
            if run.verdict == Verdict::Linearizable {
                "yes ✓"
            } else {
                "no ✗"
            },
        ),
        Headline::new("headline-diverged", "Registers that disagree", run.diverged.to_string()).detail(format!(
            "{} messages, {} lost",
            run.flights.len(),
            run.flights.iter().filter(|f| f.delivered.is_none()).count()
        )),
    ]
}

/// Requests and faults a person injects at the time shown.
fn requests(lab: &crate::lab::LabHandle<Params>, p: &Params) -> Html {
    html! {
        <fieldset class="requests">
            <legend>{ "Requests and faults at the time shown" }</legend>
            <div class="event-buttons">
                { for (0..p.nodes).map(|n| html! { <>
                    <button type="button" id={format!("write-{n}")} onclick={lab.on(move |_: MouseEvent| Command::Request(n, true))}>{ format!("Write at {}", node_name(p, n)) }</button>
                    <button type="button" id={format!("read-{n}")} onclick={lab.on(move |_: MouseEvent| Command::Request(n, false))}>{ format!("Read at {}", node_name(p, n)) }</button>
                </> }) }
            </div>
            <div class="event-buttons">
                { for (0..p.nodes).filter(|_| p.mode == ModeChoice::Leader).map(|n| html! {
                    <button type="button" id={format!("failover-{n}")} onclick={lab.on(move |_: MouseEvent| Command::Failover(n))}>{ format!("Fail over to {n}") }</button>
                }) }
                { for (0..p.dcs).filter(|_| p.dcs > 1).map(|d| html! {
                    <button type="button" id={format!("isolate-{d}")} onclick={lab.on(move |_: MouseEvent| Command::Isolate(d))}>{ format!("Cut datacenter {d} off") }</button>
                }) }
                <button type="button" id="heal-all" onclick={lab.on(|_: MouseEvent| Command::HealAll)}>{ "Heal every link" }</button>
                <button type="button" id="clear" onclick={lab.on(|_: MouseEvent| Command::Clear)}>{ "Clear requests and nemesis" }</button>
            </div>
        </fieldset>
    }
}

fn position(p: &Params, node: u32) -> (f64, f64) {
    // Nodes of one datacenter sit together on the circle.
    let order: Vec<u32> = (0..p.dcs)
        .flat_map(|d| (0..p.nodes).filter(move |n| n % p.dcs == d))
        .collect();
    let i = order.iter().position(|&n| n == node).unwrap_or(0) as f64;
    let angle = i / f64::from(p.nodes) * std::f64::consts::TAU;
    (100.0 + 70.0 * angle.sin(), 100.0 - 70.0 * angle.cos())
}

fn topology(lab: &crate::lab::LabHandle<Params>, p: &Params, sim: &shardscope_core::partition::Sim, now: Tick) -> Html {
    let links: Vec<(u32, u32)> = (0..p.nodes)
        .flat_map(|a| ((a + 1)..p.nodes).map(move |b| (a, b)))
        .collect();
    let leads = |n: u32| p.mode == ModeChoice::Leader && sim.leader() == n;
    let table = DataTable {
        caption: format!("Nodes and links at tick {now}"),
        head: vec!["Node or link".into(), "State".into()],
        rows: (0..p.nodes)
            .map(|n| {
                vec![
                    format!(
                        "{} (datacenter {}{})",
                        node_name(p, n),
                        n % p.dcs,
                        if leads(n) { ", leader" } else { "" }
                    ),
                    if sim.is_up(n) { "up" } else { "crashed" }.into(),
                ]
            })
            .chain(links.iter().map(|&(a, b)| {
                vec![
                    format!("link {}–{}", node_name(p, a), node_name(p, b)),
                    if sim.is_cut(a, b) { "cut" } else { "up" }.into(),
                ]
            }))
            .collect(),
    };
    html! {
        <Chart class="topology" interactive=true view={(200.0, 200.0)} {table}
            label="Nodes and links; activate a link or a node to change it"
            caption={html! { { format!("The cluster at tick {now}: a solid line is a working link, a dashed one is cut; a dashed circle is a crashed node, a thick one the leader.") } }}
            legend={vec![LegendItem::new("wire-key", "—", "link up"), LegendItem::new("cut-key", "- -", "link cut"), LegendItem::new("", "◯", "node (dashed: crashed)")]}>
            { for links.iter().map(|&(a, b)| {
                let cut = sim.is_cut(a, b);
                let ((x1, y1), (x2, y2)) = (position(p, a), position(p, b));
                let label = format!("link {}–{}, {}: activate to {}", node_label(p, a), node_label(p, b), if cut { "cut" } else { "up" }, if cut { "heal it" } else { "cut it" });
                let onclick = lab.on(move |_: MouseEvent| Command::ToggleLink(a, b));
                let onkeydown = lab.on_key(move || Command::ToggleLink(a, b));
                html! {
                    <g class={classes!("link", cut.then_some("cut"))} role="button" tabindex="0" aria-label={label.clone()}
                        id={format!("link-{a}-{b}")} data-tip={label.clone()} {onclick} {onkeydown}>
                        <title>{ label }</title>
                        <line class="hit" x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{x2:.1}")} y2={format!("{y2:.1}")} />
                        <line class="wire" x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{x2:.1}")} y2={format!("{y2:.1}")} />
                    </g>
                }
            }) }
            { for (0..p.nodes).map(|n| {
                let (x, y) = position(p, n);
                let up = sim.is_up(n);
                // The name starts with the node's visible name, as speech input expects.
                let label = format!("{} (datacenter {}{}), {}: activate to {}", node_name(p, n), n % p.dcs, if leads(n) { ", leader" } else { "" }, if up { "up" } else { "crashed" }, if up { "crash it" } else { "restart it" });
                html! {
                    <g class={classes!("node", format!("dc{}", n % p.dcs), (!up).then_some("down"), leads(n).then_some("leader"))} role="button" tabindex="0"
                        aria-label={label.clone()} id={format!("node-{n}")} data-tip={label.clone()}
                        onclick={lab.on(move |_: MouseEvent| Command::ToggleNode(n))} onkeydown={lab.on_key(move || Command::ToggleNode(n))}>
                        <title>{ label }</title>
                        <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="13" />
                        <text x={format!("{x:.1}")} y={format!("{:.1}", y + 4.5)} text-anchor="middle">{ node_name(p, n) }</text>
                    </g>
                }
            }) }
        </Chart>
    }
}

/// A word for an operation's outcome in the picture, so that colour is not its only cue.
fn outcome_mark(o: Option<Outcome>) -> &'static str {
    match o {
        Some(Outcome::Ok) => " ✓",
        Some(Outcome::Stale) => " ⚠ stale",
        Some(Outcome::TimedOut | Outcome::Refused) => " ✗ unavailable",
        Some(Outcome::Conflict) => " ‖ siblings",
        None => " …",
    }
}

/// The space-time diagram: one lane per node, time downwards; messages as lines (dashed when
/// lost), a dot travelling along each message still in flight, operations as labelled bars on
/// their coordinator's lane.
fn diagram(p: &Params, run: &Report, now: Tick) -> Html {
    let end = run.end.max(1) as f64;
    let lane = |n: u32| 40.0 + f64::from(n) * 300.0 / f64::from(p.nodes.max(2) - 1);
    let y = |t: Tick| 20.0 + (t as f64) / end * 560.0;
    let blocked = match &run.verdict {
        Verdict::NotLinearizable { blocked, prefix, .. } => Some((*blocked, prefix.clone())),
        Verdict::Linearizable => None,
    };
    let sent: Vec<_> = run
        .flights
        .iter()
        .enumerate()
        .filter(|(_, f)| f.sent <= now && f.from != f.to)
        .take(4_000)
        .collect();
    html! {
        <Chart class="spacetime" view={(380.0, 600.0)} table_html={operations(p, run, now)}
            label={format!("Space-time diagram: {} messages and {} operations up to tick {now}", sent.len(), run.history.iter().filter(|r| r.request.at <= now).count())}
            caption={html! { "Time runs down, one lane per node. Bars are operations on their coordinator's lane, labelled with their outcome; lines are messages, and a dot rides each message still in flight." }}
            legend={vec![LegendItem::new("op-ok", "■", "ok ✓"), LegendItem::new("op-stale", "■", "stale ⚠"), LegendItem::new("op-unavailable", "■", "unavailable ✗"),
                LegendItem::new("op-conflict", "■", "siblings ‖"), LegendItem::new("", "—", "message"), LegendItem::new("", "- -", "lost message"),
                LegendItem::new("nemesis-key", "╌", "fault (nemesis)")]}>
            { for (0..p.nodes).map(|n| html! { <>
                <line class="lane" x1={fmt(lane(n))} x2={fmt(lane(n))} y1="14" y2="590" />
                <text class="lane-label" x={fmt(lane(n))} y="10" text-anchor="middle">{ node_name(p, n) }</text>
            </> }) }
            { for p.nemesis.iter().filter(|(t, _)| *t <= now).map(|(t, _)| html! {
                <line class="nemesis-mark" x1="20" x2="370" y1={fmt(y(*t))} y2={fmt(y(*t))} />
            }) }
            // Keyed messages in a group of their own, so each dot is the same element from frame
            // to frame and glides along its line.
            <g class="messages">{ for sent.iter().map(|(i, f)| {
                let arrive = f.delivered.unwrap_or(f.sent + p.latency);
                let reached = arrive.min(now.max(f.sent));
                let (x1, y1, y2) = (lane(f.from), y(f.sent), y(reached));
                // Where the message is now, as a fraction of its way.
                let part = if arrive > f.sent { (reached - f.sent) as f64 / (arrive - f.sent) as f64 } else { 1.0 };
                let x2 = x1 + (lane(f.to) - x1) * part;
                let flying = now < arrive;
                html! { <g key={*i}>
                    <line class={classes!("msg", f.delivered.is_none().then_some("lost"))} x1={fmt(x1)} y1={fmt(y1)} x2={fmt(x2)} y2={fmt(y2)} />
                    if flying {
                        <circle class="msg-dot" r="2.2" cx={fmt(x2)} cy={fmt(y2)} />
                    }
                </g> }
            }) }</g>
            { for run.history.iter().enumerate().filter(|(_, r)| r.request.at <= now).map(|(i, r)| {
                let shown_end = r.completed.unwrap_or(r.request.at + p.timeout).min(now).max(r.request.at + 1);
                let offending = blocked.as_ref().is_some_and(|(b, _)| *b == i);
                let x = lane(r.request.node) + 3.0;
                // Labels of the right half's lanes run leftwards, so they stay inside the picture.
                let leftwards = lane(r.request.node) > 190.0;
                let outcome = if r.completed.is_some_and(|c| c <= now) { r.outcome } else { None };
                html! {
                    <g class={classes!("op", outcome_class(outcome), offending.then_some("offending"))}
                        data-tip={format!("#{i} {} at {}: {}{}", describe(r, &run.conflicts[i]), node_name(p, r.request.node), outcome_name(outcome), if offending { "; the checker cannot place it" } else { "" })}>
                        <rect x={fmt(x)} y={fmt(y(r.request.at))} width="5" height={fmt((y(shown_end) - y(r.request.at)).max(2.0))} />
                        <text x={fmt(if leftwards { x - 6.0 } else { x + 8.0 })} y={fmt(y(r.request.at) + 4.0)} text-anchor={if leftwards { "end" } else { "start" }}>{ format!("#{i} {}{}{}", describe(r, &run.conflicts[i]), outcome_mark(outcome), if offending { " (not linearizable)" } else { "" }) }</text>
                    </g>
                }
            }) }
            <line class="now" x1="14" x2="376" y1={fmt(y(now))} y2={fmt(y(now))} />
        </Chart>
    }
}

fn verdict(run: &Report) -> Html {
    let (text, class) = match &run.verdict {
        Verdict::Linearizable => ("Linearizable: some order of the operations respects real time and what each read returned.".to_string(), "verdict-ok"),
        Verdict::NotLinearizable { blocked, prefix, .. } => (
            format!(
                "Not linearizable: operation #{blocked} ({}) cannot be placed after any order of the operations before it; the longest order found was {}.",
                describe(&run.history[*blocked], &[]),
                if prefix.is_empty() { "empty".to_string() } else { prefix.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ") }
            ),
            "verdict-bad",
        ),
    };
    html! {
        <section class="results" data-state="done" aria-live="polite">
            <p id="verdict" class={class} data-linearizable={(run.verdict == Verdict::Linearizable).to_string()}>{ text }</p>
            <table class="metrics" id="partition-metrics">
                <tbody>
                    <tr><th scope="row">{ "Availability (answered)" }</th><td id="availability">{ if run.history.is_empty() { "– (no operations yet)".to_owned() } else { format!("{:.1}%", run.availability()) } }</td></tr>
                    <tr><th scope="row">{ "Stale reads (of answered reads)" }</th><td id="stale">{ format!("{:.1}%", run.stale_reads()) }</td></tr>
                    <tr><th scope="row">{ "Conflicts (reads that returned siblings)" }</th><td id="conflicts">{ run.count(Outcome::Conflict).to_string() }</td></tr>
                    <tr><th scope="row">{ "Unavailable" }</th><td>{ format!("{} timed out, {} refused", run.count(Outcome::TimedOut), run.count(Outcome::Refused)) }</td></tr>
                    <tr><th scope="row">{ "Registers whose replicas disagree at the end" }</th><td id="diverged">
                        { run.diverged.to_string() }
                        { if run.diverged > 0 { html! { <>{ " — until anti-entropy repairs them: " }<a href={crate::lab::lab_href("anti-entropy", "")}>{ "see the Anti-entropy lab" }</a></> } } else { Html::default() } }
                    </td></tr>
                    <tr><th scope="row">{ "Hints (sloppy quorum)" }</th><td id="hints">{ format!("{} taken by fallback nodes, {} handed off", run.hints.0, run.hints.1) }</td></tr>
                    <tr><th scope="row">{ "Acknowledged writes lost (failover)" }</th><td id="lost">{ run.lost_writes.to_string() }</td></tr>
                    <tr><th scope="row">{ "Messages" }</th><td>{ format!("{} sent, {} lost or cut", run.flights.len(), run.flights.iter().filter(|f| f.delivered.is_none()).count()) }</td></tr>
                </tbody>
            </table>
        </section>
    }
}

fn operations(p: &Params, run: &Report, now: Tick) -> Html {
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Operations">
            <table class="metrics" id="operations">
                <caption>{ "Operations (invoked by tick shown)" }</caption>
                <thead><tr><th scope="col">{ "#" }</th><th scope="col">{ "Node" }</th><th scope="col">{ "Operation" }</th><th scope="col">{ "Invoked" }</th><th scope="col">{ "Answered" }</th><th scope="col">{ "Outcome" }</th></tr></thead>
                <tbody>
                    { for run.history.iter().enumerate().filter(|(_, r)| r.request.at <= now).map(|(i, r)| html! {
                        <tr data-op={i.to_string()} data-outcome={outcome_name(r.outcome)}>
                            <td>{ i }</td><td>{ node_name(p, r.request.node) }</td><td>{ describe(r, &run.conflicts[i]) }</td><td>{ r.request.at }</td>
                            <td>{ r.completed.map_or("—".into(), |c| c.to_string()) }</td>
                            <td class={outcome_class(r.outcome)}>{ outcome_name(r.outcome) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// A node's name in pictures and tables: `n0`, `n1`, …, except in the two-node setting of
/// Gilbert and Lynch's proof, whose nodes the presets' lessons (and the paper) call G1 and G2.
fn node_name(p: &Params, n: u32) -> String {
    if p.nodes == 2 {
        format!("G{}", n + 1)
    } else {
        format!("n{n}")
    }
}

/// A node's name in sentences for screen readers: its index, or G1 and G2 as in [`node_name`].
fn node_label(p: &Params, n: u32) -> String {
    if p.nodes == 2 {
        node_name(p, n)
    } else {
        n.to_string()
    }
}
