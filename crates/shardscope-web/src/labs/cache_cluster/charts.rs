//! The Cache cluster lab's pictures: the database's fetches per second over time (one line per
//! placement algorithm, its capacity dashed, the loss marked) and each node's requests per
//! second beside what placement predicts. Each only maps the report to marks.

use shardscope_core::labs::cache_cluster::{AlgorithmReport, Report};
use shardscope_core::query::Choice;
use yew::prelude::*;

use crate::chart::{fmt, nice_ticks, series, x_axis, y_axis, Chart, DataTable, LegendItem};
use crate::lab::{group_digits, group_float};
use crate::timeline::{timeline, Line, Timeline};

/// Each algorithm's mark, so no line is told by colour alone.
const GLYPHS: [&str; 3] = ["●", "■", "◆"];

fn class_of(i: usize) -> String {
    series(u32::try_from(i).unwrap_or(0))
}

fn legend(r: &Report, more: &[(&str, &'static str, &str)]) -> Vec<LegendItem> {
    r.algorithms
        .iter()
        .enumerate()
        .map(|(i, a)| LegendItem::new(class_of(i), GLYPHS[i % GLYPHS.len()], a.name.clone()))
        .chain(
            more.iter()
                .map(|&(class, glyph, label)| LegendItem::new(class, glyph, label)),
        )
        .collect()
}

/// Fetches per second in a bucket.
fn rate(r: &Report, fetches: u64) -> f64 {
    fetches as f64 * 1_000.0 / f64::from(r.bucket_ms)
}

/// The database's load over time.
pub fn db_chart(r: &Report, fail_ms: Option<u32>, done: bool) -> Html {
    timeline(
        &Timeline {
            id: "db-chart",
            label: "Database fetches per second over time, one line per placement algorithm, with the database's capacity dashed",
            caption: format!(
                "Fetches the database receives per second, in buckets of {} ms, over the {} s run. The first seconds fill the empty caches; after a loss, the keys that moved miss until they are fetched again. A bucket averages its ticks, so the line's peak sits below the busiest 10 ms the headline gives.",
                r.bucket_ms,
                r.run_ms / 1_000
            ),
            table_caption: "Database fetches per second, per algorithm",
            run_ms: r.run_ms,
            lines: r
                .algorithms
                .iter()
                .map(|a| Line {
                    name: a.name.clone(),
                    slug: a.algorithm.slug().into(),
                    points: a.series.iter().map(|b| (b.at_ms, rate(r, b.fetches))).collect(),
                })
                .collect(),
            level: Some((
                f64::from(r.db_rps),
                format!("capacity: {} fetches a second", group_digits(r.db_rps.into())),
                "the database's capacity",
            )),
            markers: fail_ms.map(|ms| (ms, format!("a node is lost at {:.1} s", f64::from(ms) / 1_000.0), "the node is lost")).into_iter().collect(),
            // A row per second keeps the table readable; the picture has every bucket.
            table_every: (1_000 / r.bucket_ms.max(1)).max(1) as usize,
        },
        done,
    )
}

/// Each node's requests per second in the steady window beside placement's prediction.
pub fn nodes_chart(r: &Report, done: bool) -> Html {
    let (x0, x1, y0, y1) = (58.0, 384.0, 12.0, 196.0);
    let nodes = r.algorithms.first().map_or(0, |a| a.node_rps.len()).max(1);
    let top = r
        .algorithms
        .iter()
        .flat_map(|a| a.node_rps.iter().chain(&a.node_rps_theory).copied())
        .fold(1.0, f64::max);
    let yticks = nice_ticks(top, 5);
    let ytop = yticks.last().copied().unwrap_or(top).max(top);
    let sy = |v: f64| y1 - (y1 - y0) * v / ytop;
    let slot = (x1 - x0) / nodes as f64;
    let k = r.algorithms.len().max(1) as f64;
    let bar = slot * 0.8 / k;
    let bars = r.algorithms.iter().enumerate().map(|(i, a)| {
        html! { <g class={classes!(class_of(i), "node-bars")} data-alg={a.algorithm.slug()}>
            { for a.node_rps.iter().zip(&a.node_rps_theory).enumerate().map(|(n, (&v, &t))| {
                let x = x0 + slot * (n as f64 + 0.1) + bar * i as f64;
                html! { <>
                    <rect class="bar" x={fmt(x)} y={fmt(sy(v))} width={fmt(bar * 0.9)} height={fmt(y1 - sy(v))}
                        data-tip={format!("{}, node {n}: {} requests a second (placement predicts {})", a.name, group_float(v), group_float(t))} />
                    <line class="theory-tick" x1={fmt(x)} x2={fmt(x + bar * 0.9)} y1={fmt(sy(t))} y2={fmt(sy(t))} />
                </> }
            }) }
        </g> }
    });
    let xticks: Vec<f64> = (0..nodes).step_by(nodes.div_ceil(16)).map(|n| n as f64).collect();
    html! {
        <Chart id="nodes-chart" class={classes!("cache-chart", (!done).then_some("stale"))} view={(400.0, 224.0)}
            label="Requests per second each cache node receives, per placement algorithm, with placement's prediction as a tick"
            legend={legend(r, &[("", "─", "placement's prediction")])} table={nodes_table(r)}
            caption={html! { "Requests each node receives per second in the steady window, before any loss; the tick is each node's share of the requests under its placement times the rate. Local caches answer some requests before they reach a node, so with them the bars sit below the ticks." }}>
            { y_axis(x0, (y1, y0), &yticks, sy, group_float) }
            { x_axis(y1, (x0, x1), &xticks, |n| x0 + slot * (n + 0.5), |n| format!("{n:.0}")) }
            <text class="tick axis-title" x={fmt(f64::midpoint(x0, x1))} y="222" text-anchor="middle">{ "cache node" }</text>
            { for bars }
        </Chart>
    }
}

fn nodes_table(r: &Report) -> DataTable {
    let nodes = r.algorithms.first().map_or(0, |a| a.node_rps.len());
    DataTable {
        caption: "Requests per second per node: measured, and placement's prediction".into(),
        head: std::iter::once("Node".to_owned())
            .chain(
                r.algorithms
                    .iter()
                    .flat_map(|a| [a.name.clone(), format!("{} (predicted)", a.name)]),
            )
            .collect(),
        rows: (0..nodes)
            .map(|n| {
                std::iter::once(n.to_string())
                    .chain(r.algorithms.iter().flat_map(|a: &AlgorithmReport| {
                        [group_float(a.node_rps[n]), group_float(a.node_rps_theory[n])]
                    }))
                    .collect()
            })
            .collect(),
    }
}
