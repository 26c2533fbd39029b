//! A rate over virtual time, one line per compared run, with an optional level (a capacity)
//! and an optional moment marked (a loss, a purge): the picture the Cache cluster and CDN labs
//! share. It only maps the lines it is given to marks and its data table.

use yew::prelude::*;

use crate::chart::{fmt, nice_ticks, series, x_axis, y_axis, Chart, DataTable, LegendItem};
use crate::lab::group_float;

/// Each line's mark, so no line is told by colour alone.
const GLYPHS: [&str; 4] = ["●", "■", "◆", "▲"];

/// One line: its name, the slug tests find it by (`data-series`), and its points (when each
/// bucket starts, in ms, and the rate in it).
pub struct Line {
    /// Its name in the legend and the table.
    pub name: String,
    /// Its slug, the `data-series` attribute.
    pub slug: String,
    /// `(ms, rate)`, in time order.
    pub points: Vec<(u32, f64)>,
}

/// What the picture shows.
pub struct Timeline {
    /// The chart's element id.
    pub id: &'static str,
    /// What the picture is, for screen readers.
    pub label: &'static str,
    /// The caption under it.
    pub caption: String,
    /// The data table's caption.
    pub table_caption: &'static str,
    /// The run's length, in ms.
    pub run_ms: u32,
    /// The lines.
    pub lines: Vec<Line>,
    /// A level drawn dashed across, with its tooltip and legend text.
    pub level: Option<(f64, String, &'static str)>,
    /// Moments marked, in ms, each with its tooltip and legend text.
    pub markers: Vec<(u32, String, &'static str)>,
    /// Every how many buckets the data table has a row.
    pub table_every: usize,
}

/// Draws `t`; `done` is false while the numbers are an earlier run's.
pub fn timeline(t: &Timeline, done: bool) -> Html {
    let (x0, x1, y0, y1) = (58.0, 384.0, 12.0, 196.0);
    let run = f64::from(t.run_ms.max(1));
    let top = t
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .chain(t.level.as_ref().map(|l| l.0))
        .fold(1.0, f64::max);
    let yticks = nice_ticks(top, 5);
    let ytop = yticks.last().copied().unwrap_or(top).max(top);
    let sx = |ms: f64| x0 + (x1 - x0) * ms / run;
    let sy = |v: f64| y1 - (y1 - y0) * v / ytop;
    let xticks = nice_ticks(run / 1_000.0, 6);
    let lines = t.lines.iter().enumerate().map(|(i, l)| {
        let points = l
            .points
            .iter()
            .map(|&(ms, v)| format!("{},{}", fmt(sx(f64::from(ms))), fmt(sy(v))))
            .collect::<Vec<_>>()
            .join(" ");
        html! { <g class={classes!(series(u32::try_from(i).unwrap_or(0)), "policy-line")} data-series={l.slug.clone()}>
            <polyline class="series-line" {points} />
        </g> }
    });
    let mut legend: Vec<LegendItem> = t
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            LegendItem::new(
                series(u32::try_from(i).unwrap_or(0)),
                GLYPHS[i % GLYPHS.len()],
                l.name.clone(),
            )
        })
        .collect();
    if let Some((_, _, text)) = &t.level {
        legend.push(LegendItem::new("", "┄", *text));
    }
    for (_, _, text) in &t.markers {
        legend.push(LegendItem::new("", "│", *text));
    }
    html! {
        <Chart id={t.id} class={classes!("cache-chart", (!done).then_some("stale"))} view={(400.0, 224.0)}
            label={t.label} {legend} table={table(t)} caption={html! { t.caption.clone() }}>
            { y_axis(x0, (y1, y0), &yticks, sy, group_float) }
            { x_axis(y1, (x0, x1), &xticks, |s| sx(s * 1_000.0), |s| format!("{s:.0}")) }
            <text class="tick axis-title" x={fmt(f64::midpoint(x0, x1))} y="222" text-anchor="middle">{ "time (s)" }</text>
            if let Some((v, tip, _)) = &t.level {
                <line class="theory-line" x1={fmt(x0)} x2={fmt(x1)} y1={fmt(sy(*v))} y2={fmt(sy(*v))} data-tip={tip.clone()} />
            }
            { for t.markers.iter().map(|(ms, tip, _)| html! {
                <line class="size-line" x1={fmt(sx(f64::from(*ms)))} x2={fmt(sx(f64::from(*ms)))} y1={fmt(y0)} y2={fmt(y1)}
                    data-tip={tip.clone()} />
            }) }
            { for lines }
        </Chart>
    }
}

fn table(t: &Timeline) -> DataTable {
    let len = t.lines.first().map_or(0, |l| l.points.len());
    DataTable {
        caption: t.table_caption.into(),
        head: std::iter::once("Time (s)".to_owned())
            .chain(t.lines.iter().map(|l| l.name.clone()))
            .collect(),
        rows: (0..len)
            .step_by(t.table_every.max(1))
            .map(|k| {
                let at = t.lines[0].points[k].0;
                std::iter::once(format!("{:.1}", f64::from(at) / 1_000.0))
                    .chain(
                        t.lines
                            .iter()
                            .map(|l| l.points.get(k).map_or_else(String::new, |p| group_float(p.1))),
                    )
                    .collect()
            })
            .collect(),
    }
}
