//! The Caching lab's picture: every policy's miss ratio against cache size on a log axis, LRU's
//! exact one-pass curve, Che's approximation and the IRM formula as theory, OPT as the floor and
//! the chosen size marked.

use shardscope_core::cache::Policy;
use shardscope_core::labs::cache::{CurvePoint, Report};
use yew::prelude::*;

use crate::chart::{fmt, nice_ticks, series, x_axis, y_axis, Chart, DataTable, LegendItem};
use crate::lab::group_digits;

/// Each policy's mark: a shape as well as a colour, so no policy is told by colour alone.
const GLYPHS: [&str; 6] = ["●", "■", "◆", "▲", "▼", "✚"];

/// A policy's mark at (x, y): the `i`-th shape, `s` its half-size.
#[allow(clippy::many_single_char_names)] // Coordinates, as in geometry.
fn mark(i: usize, x: f64, y: f64, s: f64, tip: String) -> Html {
    let d = match i % GLYPHS.len() {
        0 => return html! { <circle class="point" cx={fmt(x)} cy={fmt(y)} r={fmt(s)} data-tip={tip} /> },
        1 => {
            return html! { <rect class="point" x={fmt(x - s)} y={fmt(y - s)} width={fmt(2.0 * s)} height={fmt(2.0 * s)} data-tip={tip} /> }
        }
        2 => format!(
            "M{},{} L{},{} L{},{} L{},{} Z",
            fmt(x),
            fmt(y - 1.3 * s),
            fmt(x + 1.3 * s),
            fmt(y),
            fmt(x),
            fmt(y + 1.3 * s),
            fmt(x - 1.3 * s),
            fmt(y)
        ),
        3 => format!(
            "M{},{} L{},{} L{},{} Z",
            fmt(x),
            fmt(y - 1.3 * s),
            fmt(x + 1.2 * s),
            fmt(y + s),
            fmt(x - 1.2 * s),
            fmt(y + s)
        ),
        4 => format!(
            "M{},{} L{},{} L{},{} Z",
            fmt(x),
            fmt(y + 1.3 * s),
            fmt(x + 1.2 * s),
            fmt(y - s),
            fmt(x - 1.2 * s),
            fmt(y - s)
        ),
        _ => {
            let (a, b) = (0.35 * s, 0.85 * s);
            format!(
                "M{},{} h{} v{} h{} v{} h{} v{} h{} v{} h{} v{} h{} Z",
                fmt(x - a),
                fmt(y - a - b),
                fmt(2.0 * a),
                fmt(b),
                fmt(b),
                fmt(2.0 * a),
                fmt(-b),
                fmt(b),
                fmt(-2.0 * a),
                fmt(-b),
                fmt(-b),
                fmt(-2.0 * a),
                fmt(b)
            )
        }
    };
    html! { <path class="point" d={d} data-tip={tip} /> }
}

/// A decade's label: 1, 10, 100, 1,000, …
fn decade_label(v: f64) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // Powers of ten up to 10^6.
    let whole = v.round() as u64;
    group_digits(whole)
}

/// The CSS class of the `i`-th policy's colour.
fn class_of(i: usize) -> String {
    series(u32::try_from(i).unwrap_or(0))
}

/// A miss ratio as a percentage with one decimal.
pub fn pct(ratio: f64) -> String {
    format!("{:.1}%", 100.0 * ratio)
}

/// The curves' data: a row per size every policy was run at.
fn curve_table(r: &Report) -> DataTable {
    let distinct = f64::from(r.distinct.max(1));
    let theory_at = |curve: &[CurvePoint], size: u32| {
        curve
            .iter()
            .find(|c| c.size == size)
            .map_or_else(String::new, |c| pct(c.miss_ratio))
    };
    let sizes: Vec<u32> = r
        .policies
        .iter()
        .max_by_key(|p| p.curve.len())
        .map(|p| p.curve.iter().map(|c| c.size).collect())
        .unwrap_or_default();
    DataTable {
        caption: "Miss ratio by cache size, per policy".into(),
        head: ["Cache size (objects)".to_owned(), "Share of the working set".to_owned()]
            .into_iter()
            .chain(r.policies.iter().map(|p| p.name.clone()))
            .chain(
                (!r.che_curve.is_empty())
                    .then(|| ["Che (LRU)".to_owned(), "IRM (FIFO, Random)".to_owned()])
                    .into_iter()
                    .flatten(),
            )
            .collect(),
        rows: sizes
            .iter()
            .map(|&s| {
                [
                    group_digits(s.into()),
                    format!("{:.1}%", 100.0 * f64::from(s) / distinct),
                ]
                .into_iter()
                .chain(r.policies.iter().map(|p| {
                    p.curve
                        .iter()
                        .find(|c| c.size == s)
                        .map_or_else(String::new, |c| pct(c.miss_ratio))
                }))
                .chain(
                    (!r.che_curve.is_empty())
                        .then(|| [theory_at(&r.che_curve, s), theory_at(&r.irm_curve, s)])
                        .into_iter()
                        .flatten(),
                )
                .collect()
            })
            .collect(),
    }
}

/// The miss-ratio curves.
pub fn curve_chart(r: &Report, done: bool) -> Html {
    let (x0, x1, y0, y1) = (50.0, 384.0, 12.0, 196.0);
    let distinct = f64::from(r.distinct.max(1));
    let lo = (distinct / 1_000.0).max(1.0).log10();
    let hi = distinct.log10().max(lo + 1.0);
    let sx = |size: u32| x0 + (x1 - x0) * ((f64::from(size.max(1))).log10() - lo).clamp(0.0, hi - lo) / (hi - lo);
    let top = r
        .policies
        .iter()
        .flat_map(|p| p.curve.iter().map(|c| c.miss_ratio))
        .chain(r.lru_curve.iter().map(|c| c.miss_ratio))
        .fold(0.0, f64::max)
        .max(0.05);
    let yticks = nice_ticks(top, 5);
    let ytop = yticks.last().copied().unwrap_or(1.0).min(1.0).max(top);
    let sy = |m: f64| y1 - (y1 - y0) * m / ytop;
    let line = |curve: &[CurvePoint]| {
        curve
            .iter()
            .map(|c| format!("{},{}", fmt(sx(c.size)), fmt(sy(c.miss_ratio))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let decades: Vec<f64> = (0..=6)
        .map(|e| 10f64.powi(e))
        .filter(|&v| v.log10() >= lo - 1e-9 && v.log10() <= hi + 1e-9)
        .collect();
    let lines = r.policies.iter().enumerate().map(|(i, p)| {
        // LRU's line is its exact one-pass curve; the marks are the sizes every policy shares.
        let path = if p.policy == Policy::Lru && !r.lru_curve.is_empty() {
            line(&r.lru_curve)
        } else {
            line(&p.curve)
        };
        html! { <g class={classes!(class_of(i), "policy-line")} data-policy={p.policy.slug()}>
            <polyline class="series-line" points={path} />
            { for p.curve.iter().map(|c| mark(i, sx(c.size), sy(c.miss_ratio), 3.2,
                format!("{} at {} objects: {} misses", p.name, group_digits(c.size.into()), pct(c.miss_ratio)))) }
        </g> }
    });
    let size_x = sx(r.size);
    let mut legend: Vec<LegendItem> = r
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| LegendItem::new(class_of(i), GLYPHS[i % GLYPHS.len()], p.name.clone()))
        .collect();
    if !r.che_curve.is_empty() {
        legend.push(LegendItem::new("", "┄", "Che's approximation (LRU)"));
        legend.push(LegendItem::new("", "···", "IRM formula (FIFO, Random)"));
    }
    legend.push(LegendItem::new("", "│", "the chosen size"));
    let table = curve_table(r);
    html! {
        <Chart id="curve-chart" class={classes!("cache-chart", (!done).then_some("stale"))} view={(400.0, 224.0)}
            label="Miss ratio against cache size on a log scale, one line per policy, with theory dashed"
            {legend} {table}
            caption={html! { <>
                { format!("Cache size from 0.1 % to 100 % of the {} objects requested (log scale); misses over the {} requests after the first tenth, which warms the cache. ", group_digits(r.distinct.into()), group_digits(r.counted.into())) }
                if r.che_curve.is_empty() {
                    { "The requests are not independent draws (scans, a shift or one-hit wonders), so no formula is drawn." }
                } else {
                    { "LRU's line is exact at every size, from one pass over its stack distances; the dashed line is Che's approximation, the dotted one the IRM formula for FIFO and Random. At the largest sizes the measured lines sit above theory by the first requests for rarely used objects, which no cache can hit." }
                }
            </> }}>
            { y_axis(x0, (y1, y0), &yticks.iter().copied().filter(|&t| t <= ytop + 1e-9).collect::<Vec<_>>(), sy, |v| format!("{:.0}%", 100.0 * v)) }
            { x_axis(y1, (x0, x1), &decades, |v| x0 + (x1 - x0) * (v.log10() - lo) / (hi - lo), decade_label) }
            <text class="tick axis-title" x={fmt(f64::midpoint(x0, x1))} y="222" text-anchor="middle">{ "cache size (objects, log scale)" }</text>
            if !r.che_curve.is_empty() {
                <polyline class="theory-line" points={line(&r.che_curve)} />
                <polyline class="theory-line dotted" points={line(&r.irm_curve)} />
            }
            <line class="size-line" x1={fmt(size_x)} x2={fmt(size_x)} y1={fmt(y0)} y2={fmt(y1)}
                data-tip={format!("the chosen size: {} objects", group_digits(r.size.into()))} />
            { for lines }
        </Chart>
    }
}
