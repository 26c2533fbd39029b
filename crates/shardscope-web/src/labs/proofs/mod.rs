//! The Tamper-evident log lab's component: maps controls to `proofs::Command`s and the model's
//! report to the audit path, the verifier's recomputation, and the consistency check. All hashing
//! is in `shardscope_core`.

use shardscope_core::labs::proofs::{report, Command, Model, Params, Report, Tamper, MAX_SIZE, PRESETS};
use shardscope_core::merkle::rfc6962::Hash;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::chart::{fmt, order_class, Chart, DataTable, LegendItem};
use crate::frame::{Headline, LabFrame};
use crate::lab::{choice_select, number_field, use_lab};
use crate::widgets::TextField;

fn hex(hash: &Hash) -> String {
    shardscope_core::labs::proofs::hex(hash)
}

/// The first 16 hex digits, enough to tell hashes apart on screen; the full value is in `title`.
fn short(hash: &Hash) -> Html {
    let full = hex(hash);
    html! { <code title={full.clone()}>{ format!("{}…", &full[..16]) }</code> }
}

/// The Tamper-evident log lab.
#[function_component]
pub fn ProofsLab() -> Html {
    let lab = use_lab::<Params>();
    let input_note = use_state(|| None::<String>);
    let p = lab.model().params;
    // A log of at most 4,096 records hashes in a few milliseconds, so no chunking is needed.
    let r = use_memo(p, report);
    let field = |what, make| number_field(&lab, &input_note, what, make);
    let on_size = field("Records", |v| u32::try_from(v).ok().map(Command::SetSize));
    let on_seed = field("Seed", |v| Some(Command::SetSeed(v)));
    let on_leaf = field("Record to prove", |v| u32::try_from(v).ok().map(Command::SetLeaf));
    let on_old = field("Earlier size", |v| u32::try_from(v).ok().map(Command::SetOld));
    let on_at = lab.on(|e: Event| {
        Command::SetAt(
            e.target_unchecked_into::<HtmlSelectElement>()
                .value()
                .parse()
                .unwrap_or(0),
        )
    });

    let toolbar = html! { <>
        { lab.preset_menu(PRESETS) }
        <div class="event-buttons tamper">
            <label class="inline">
                <span>{ "Flip a byte of" }</span>
                { choice_select("tamper", p.tamper, lab.on(Command::SetTamper)) }
            </label>
            if p.tamper == Tamper::Proof {
                <label class="inline">
                    <span>{ "Which proof hash" }</span>
                    <select id="at" onchange={on_at}>
                        { for (0..r.proof.len()).map(|i| html! { <option value={i.to_string()} selected={i == p.at as usize}>{ format!("hash {}", i + 1) }</option> }) }
                    </select>
                </label>
            }
            <button type="button" id="append" onclick={lab.on(|_: MouseEvent| Command::Append)}>{ "Append a record" }</button>
        </div>
        <p class="headline" id="inclusion-verdict">{ inclusion_verdict(&r, p.tamper) }</p>
        { lab.notice(input_note.as_deref()) }
    </> };
    let controls = html! {
        <form class="controls" aria-label="Lab settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <TextField id="size" label={format!("Records in the log (1–{MAX_SIZE})")} value={p.size.to_string()} min="1" max={MAX_SIZE.to_string()} on_commit={on_size} />
            <TextField id="leaf" label={format!("Record to prove (0–{})", p.size - 1)} value={p.leaf.to_string()} min="0" max={(p.size - 1).to_string()} on_commit={on_leaf} />
            <TextField id="old" label={format!("Earlier size for consistency (1–{})", p.size)} value={p.old.to_string()} min="1" max={p.size.to_string()} on_commit={on_old} />
            <label>
                <span>{ "Consistency: flip a byte of" }</span>
                { choice_select("ctamper", p.ctamper, lab.on(Command::SetConsistencyTamper)) }
            </label>
            <TextField id="seed" label="Seed" kind="text" value={p.seed.to_string()} on_commit={on_seed} />
        </form>
    };
    let figure = html! {
        <section class="results" data-state="done" data-query={lab.canonical.clone()}
            data-inclusion={r.inclusion_ok.to_string()} data-consistency={r.consistency_ok.to_string()}>
            { path_picture(&p, &r, &lab.canonical) }
        </section>
    };
    let bound = u64::from(p.size).next_power_of_two().ilog2();
    let headline = vec![
        Headline::new(
            "headline-inclusion",
            format!("Record {} is in the log", p.leaf),
            if r.inclusion_ok { "verified ✓" } else { "failed ✗" },
        ),
        Headline::new("headline-proof", "Audit path", format!("{} hashes", r.proof.len()))
            .theory(format!("≤ ⌈log₂ {}⌉ = {bound}", p.size)),
        Headline::new(
            "headline-consistency",
            format!("The first {} records are unchanged", p.old),
            if r.consistency_ok { "verified ✓" } else { "failed ✗" },
        ),
        Headline::new(
            "headline-consistency-proof",
            "Consistency proof",
            format!("{} hashes", r.consistency.len()),
        )
        .theory(format!("≤ ⌈log₂ {}⌉ + 1 = {}", p.size, bound + 1)),
    ];

    html! {
        <LabFrame title={Model::info().title} banner={lab.problems_banner()} {figure} {headline} {toolbar} {controls}
            lede={html! { "Certificate Transparency logs publish one SHA-256 Merkle root (RFC 6962). With a handful of hashes anyone can check that a record is in the log, and that today's log extends yesterday's without rewriting it. Change one byte anywhere and the check fails." }}>
            <section class="numbers" aria-label="Hashes">
                <p>{ "The log's root: " }<code id="root" class="hash">{ hex(&r.root) }</code></p>
                <h2>{ "Inclusion: is record " }{ p.leaf }{ " in the log?" }</h2>
                <p>{ "The record: " }<code id="record">{ &r.record }</code></p>
                { trace_table(&r) }
                <h2>{ "Consistency: did the log only grow?" }</h2>
                { consistency_picture(&p, &r) }
                <p>{ format!("Root at size {}: ", p.old) }<code class="hash" id="old-root">{ hex(&r.old_root) }</code></p>
                <ol class="proof-list" id="consistency-proof" aria-label="Consistency proof hashes">
                    { for r.consistency.iter().map(|h| html! { <li>{ short(h) }</li> }) }
                </ol>
                <p class="headline" id="consistency-verdict">{
                    match (r.consistency_ok, p.old == p.size) {
                        (true, true) => "Verified: the sizes are equal, so the roots must be equal, and they are.".to_owned(),
                        (true, false) => format!("Verified: the first {} records are unchanged in the log of {} (✓).", p.old, p.size),
                        (false, _) => "Verification failed (✗): the old root is not a prefix of the new log under this proof.".to_owned(),
                    }
                }</p>
            </section>
            { lab.share() }
        </LabFrame>
    }
}

/// Records `start..end` as words.
fn records(start: u64, end: u64) -> String {
    if end == start + 1 {
        format!("record {start}")
    } else {
        format!("records {start}–{}", end - 1)
    }
}

/// Bars over ranges of a log's records, on a horizontal scale of record numbers.
struct Scale {
    /// Records in the log.
    size: u64,
    /// Height of one bar.
    bar: f64,
}

impl Scale {
    const LEFT: f64 = 10.0;
    const RIGHT: f64 = 590.0;

    /// The x of the left edge of record `i` (or of the log's end, for `i == size`).
    fn x(&self, i: u64) -> f64 {
        Self::LEFT + i as f64 / self.size as f64 * (Self::RIGHT - Self::LEFT)
    }

    /// A bar over records `start..end` at height `top`, labelled, with its tooltip; `order` makes
    /// it light up in turn (the path climbing to the root).
    fn bar(
        &self,
        (start, end): (u64, u64),
        top: f64,
        class: Classes,
        label: String,
        tip: String,
        order: Option<usize>,
    ) -> Html {
        let (x0, x1) = (self.x(start), self.x(end).max(self.x(start) + 4.0));
        html! {
            <g class={class} data-tip={tip}>
                <rect x={fmt(x0)} y={fmt(top)} width={fmt(x1 - x0)} height={fmt(self.bar)} rx="3"
                    class={classes!(order.map(order_class))} />
                <text x={fmt(f64::midpoint(x0, x1))} y={fmt(top + self.bar / 2.0 + 4.0)} text-anchor="middle">{ label }</text>
            </g>
        }
    }

    /// The axis of record numbers under the bars, at height `top`.
    fn axis(&self, top: f64, ticks: &[f64]) -> Html {
        crate::chart::x_axis(
            top,
            (Self::LEFT, Self::RIGHT),
            ticks,
            |t| Self::LEFT + t / self.size as f64 * (Self::RIGHT - Self::LEFT),
            |t| format!("{t:.0}"),
        )
    }
}

/// The audit path as a picture: the log's records along the bottom axis; each row a level of the
/// tree, from the record's leaf at the bottom to the root at the top. On every row the
/// verifier's node (solid) sits beside the proof hash it is combined with (hatched). On a change
/// the path climbs again from the leaf to the root, one level after another.
fn path_picture(p: &Params, r: &Report, canonical: &str) -> Html {
    let size = u64::from(p.size);
    let levels = r.proof_ranges.len();
    let row = 34.0;
    let scale = Scale { size, bar: row - 10.0 };
    let height = (levels + 1) as f64 * row + 30.0;
    let row_top = |level: usize| 10.0 + (levels - level) as f64 * row;
    // The verifier's node at each level: the leaf, then each union with the next sibling.
    let mut path = vec![(u64::from(p.leaf), u64::from(p.leaf) + 1)];
    for &(a, b) in &r.proof_ranges {
        let (s, e) = *path.last().unwrap_or(&(a, b));
        path.push((s.min(a), e.max(b)));
    }
    let differs = |level: usize| r.diverged_at.is_some_and(|d| level >= d) || (level == levels && !r.inclusion_ok);
    let forged = |i: usize| p.tamper == Tamper::Proof && i == p.at as usize || p.tamper == Tamper::OtherLog;
    let mut table = Vec::new();
    let mut marks = Vec::new();
    for (level, &range) in path.iter().enumerate() {
        let bad = differs(level);
        let name = if level == 0 {
            "leaf".to_owned()
        } else if level == levels {
            "root".to_owned()
        } else {
            format!("node {level}")
        };
        let verdict = if bad {
            "≠ differs from the honest value"
        } else {
            "= as in the log"
        };
        table.push(vec![
            format!("level {level}"),
            format!("verifier computes the {name}"),
            records(range.0, range.1),
            verdict.to_owned(),
        ]);
        marks.push(scale.bar(
            range,
            row_top(level),
            classes!("path-node", bad.then_some("differs")),
            format!(
                "{}{}",
                if level == levels {
                    "root"
                } else if level == 0 {
                    "leaf"
                } else {
                    ""
                },
                if bad { " ≠" } else { "" }
            ),
            format!(
                "Level {level}: the verifier's {name} over {} — {verdict}",
                records(range.0, range.1)
            ),
            Some(level),
        ));
        if let Some(&sibling) = r.proof_ranges.get(level) {
            let f = forged(level);
            table.push(vec![
                format!("level {level}"),
                format!("proof hash {}", level + 1),
                records(sibling.0, sibling.1),
                if f { "forged".into() } else { "from the log".into() },
            ]);
            marks.push(scale.bar(
                sibling,
                row_top(level),
                classes!("sibling", f.then_some("forged")),
                format!("{}{}", level + 1, if f { " ✗" } else { "" }),
                format!(
                    "Proof hash {}: the root of {}{}",
                    level + 1,
                    records(sibling.0, sibling.1),
                    if f { " — forged" } else { "" }
                ),
                None,
            ));
        }
    }
    let ticks: Vec<f64> = crate::chart::nice_ticks(size as f64, 6)
        .into_iter()
        .filter(|t| *t <= size as f64)
        .collect();
    html! {
        <Chart class="proof-path" view={(600.0, height)} label={format!("The audit path of record {} in a log of {size} records", p.leaf)}
            caption={html! { { format!("Record {} of {size}: from its leaf (bottom) to the root (top), the verifier hashes its node with one proof hash per level. {} hashes instead of {size} records.", p.leaf, levels) } }}
            legend={vec![LegendItem::new("path-key", "■", "the verifier computes"), LegendItem::new("sibling-key", "▨", "proof hash, sent by the log"), LegendItem::new("", "≠ ✗", "differs / forged")]}
            table={DataTable { caption: "The audit path, level by level".into(), head: vec!["Level".into(), "What".into(), "Covers".into(), "State".into()], rows: table }}>
            <defs>
                <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <line x1="0" y1="0" x2="0" y2="6" class="hatch-line" />
                </pattern>
            </defs>
            // The marks are keyed by the whole state, alone in their group (Yew honours a key only
            // in a list where every item has one), so any change draws them anew and the path
            // climbs to the root again.
            <g class="path-marks"><g key={canonical.to_owned()}>{ for marks }</g></g>
            { scale.axis(height - 22.0, &ticks) }
        </Chart>
    }
}

/// The consistency proof as a picture: the new log on top, the old log below it, and the proof's
/// subtrees (inside the old log, and appended after it) on the bottom row.
fn consistency_picture(p: &Params, r: &Report) -> Html {
    let size = u64::from(p.size);
    let old = u64::from(p.old);
    let row = 30.0;
    let scale = Scale { size, bar: row - 8.0 };
    let bar = |range, top, class: &'static str, label, tip| scale.bar(range, top, classes!(class), label, tip, None);
    let mut rows = vec![
        vec!["new log".to_owned(), records(0, size)],
        vec!["old log".to_owned(), records(0, old)],
    ];
    rows.extend(r.consistency_ranges.iter().enumerate().map(|(i, &(a, b))| {
        vec![
            format!("proof hash {}", i + 1),
            format!(
                "{}{}",
                records(a, b),
                if b <= old {
                    " (inside the old log)"
                } else {
                    " (appended)"
                }
            ),
        ]
    }));
    html! {
        <Chart class="consistency-view" view={(600.0, 3.0 * row + 34.0)} label={format!("The consistency proof from {old} to {size} records")}
            caption={html! { { format!("The old log of {old} records is a prefix of the new log of {size}: the proof's subtrees rebuild both roots, those inside the old log and those appended after it.") } }}
            legend={vec![LegendItem::new("inside-key", "▨", "subtree inside the old log"), LegendItem::new("appended-key", "■", "subtree appended after it")]}
            table={DataTable { caption: "The consistency proof's subtrees".into(), head: vec!["Hash".into(), "Covers".into()], rows }}>
            { bar((0, size), 4.0, "log-new", format!("new root: {size} records"), format!("The new log: {}", records(0, size))) }
            { bar((0, old), 4.0 + row, "log-old", format!("old root: {old}"), format!("The old log: {}", records(0, old))) }
            { for r.consistency_ranges.iter().enumerate().map(|(i, &(a, b))| bar((a, b), 4.0 + 2.0 * row, if b <= old { "inside" } else { "appended" },
                (i + 1).to_string(), format!("Proof hash {}: the root of {}{}", i + 1, records(a, b), if b <= old { ", inside the old log" } else { ", appended" }))) }
            { scale.axis(3.0 * row + 10.0, &[0.0, old as f64, size as f64]) }
        </Chart>
    }
}

fn trace_table(r: &Report) -> Html {
    let diverged = r.diverged_at;
    let mark = |k: usize| {
        if diverged.is_some_and(|d| k >= d) {
            "differs"
        } else {
            "same"
        }
    };
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Verifier's recomputation">
        <table class="loads" id="trace">
            <caption>{ "The verifier's recomputation, step by step, beside the honest one" }</caption>
            <thead><tr>
                <th scope="col">{ "Step" }</th>
                <th scope="col">{ "Input" }</th>
                <th scope="col">{ "Verifier computes" }</th>
                <th scope="col">{ "Honest value" }</th>
                <th scope="col">{ "Match" }</th>
            </tr></thead>
            <tbody>
                <tr data-step="0" class={mark(0)}>
                    <th scope="row">{ "leaf" }</th>
                    <td>{ "SHA-256(0x00 ‖ record)" }</td>
                    <td>{ short(&r.checked.leaf_hash) }</td>
                    <td>{ short(&r.honest.leaf_hash) }</td>
                    <td>{ if mark(0) == "same" { "= same" } else { "≠ differs" } }</td>
                </tr>
                { for r.checked.steps.iter().zip(&r.honest.steps).zip(&r.presented_proof).enumerate().map(|(i, ((c, h), sibling))| {
                    let k = i + 1;
                    html! {
                        <tr data-step={k.to_string()} class={mark(k)}>
                            <th scope="row">{ k }</th>
                            <td>{ if c.sibling_on_left { "SHA-256(0x01 ‖ proof hash ‖ previous), proof hash " } else { "SHA-256(0x01 ‖ previous ‖ proof hash), proof hash " } }{ short(sibling) }</td>
                            <td>{ short(&c.result) }</td>
                            <td>{ short(&h.result) }</td>
                            <td>{ if mark(k) == "same" { "= same" } else { "≠ differs" } }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
        </div>
    }
}

fn inclusion_verdict(r: &Report, tamper: Tamper) -> String {
    if r.inclusion_ok {
        return format!("Verified (✓): {} hashes prove the record is in the log.", r.proof.len());
    }
    match (tamper, r.diverged_at) {
        (_, Some(0)) => "Verification failed (✗) at the leaf: the record's hash already differs from the one in the log.".into(),
        (_, Some(k)) => format!("Verification failed (✗) at step {k}: the forged proof hash sends the computation off the honest path, and it never returns to the root."),
        (_, None) => "Verification failed (✗) at the end: the recomputed root is right, but it does not match the published root.".into(),
    }
}
