//! The Message bus lab's pictures: each assignor's group at the step shown (partitions ×
//! consumers for a small group, one square per partition or group of partitions for a large
//! one), the total lag over time, and the busiest partitions beside their keys' share. Each only
//! maps the report and the core's [`Stage`] to marks.

use std::fmt::Write as _;

use shardscope_core::bus::assign::NO_OWNER;
use shardscope_core::bus::flow::FlowReport;
use shardscope_core::labs::bus::{Stage, Status};
use shardscope_core::query::Choice;
use yew::prelude::*;

use crate::chart::{fmt, nice_ticks, x_axis, y_axis, Chart, DataTable, LegendItem};
use crate::lab::{group_digits, group_float, percent_of_one};
use crate::timeline::{timeline, Line, Timeline};

/// The largest group drawn as a partitions × consumers grid; a larger one is drawn as squares.
const GRID_PARTITIONS: usize = 64;
const GRID_CONSUMERS: usize = 32;
/// The most squares a large group's picture draws; beyond, a square stands for several
/// partitions.
const MAX_SQUARES: usize = 1_000;

/// Who the consumers are: how many identities, the joiner and the one that leaves or crashes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    /// Consumers by identity, the joiner included.
    pub consumers: usize,
    /// The joiner's identity.
    pub joiner: Option<u32>,
    /// The identity of the consumer that leaves or crashes, and whether it crashed.
    pub departed: Option<(u32, bool)>,
}

impl Roles {
    fn name(&self, c: u32) -> String {
        if Some(c) == self.joiner {
            format!("c{c} (joins)")
        } else if let Some((d, crashed)) = self.departed.filter(|d| d.0 == c) {
            format!("c{d} ({})", if crashed { "crashed" } else { "left" })
        } else {
            format!("c{c}")
        }
    }
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Kept => "status-kept",
        Status::Moved => "status-moved",
        Status::New => "status-new",
        Status::Paused => "status-paused",
    }
}

fn status_text(s: Status) -> &'static str {
    match s {
        Status::Kept => "with its first owner",
        Status::Moved => "moved to another consumer",
        Status::New => "new, with its first owner",
        Status::Paused => "waiting: nobody consumes it",
    }
}

fn legend() -> Vec<LegendItem> {
    vec![
        LegendItem::new("status-kept", "■", "kept by its owner"),
        LegendItem::new("status-moved", "◆", "moved to another consumer"),
        LegendItem::new("status-new", "▲", "a new partition"),
        LegendItem::new("status-paused", "□", "waiting for an owner"),
        LegendItem::new("status-was", "┆", "where a moved partition was (outcome only)"),
    ]
}

/// How many partitions are in each state, for the picture's caption and table.
fn counts(stage: &Stage) -> [usize; 4] {
    let mut c = [0; 4];
    for &s in &stage.status {
        c[s as usize] += 1;
    }
    c
}

/// One assignor's group at the step shown.
pub fn group(flow: &FlowReport, stage: &Stage, roles: Roles, (topics, when): (u32, &str), done: bool) -> Html {
    let [kept, moved, new, paused] = counts(stage);
    let summary = format!(
        "{} kept, {} moved, {} new, {} waiting",
        group_digits(kept as u64),
        group_digits(moved as u64),
        group_digits(new as u64),
        group_digits(paused as u64)
    );
    let partitions = stage.owners.len();
    let slug = flow.assignor.slug();
    let small = partitions <= GRID_PARTITIONS && roles.consumers <= GRID_CONSUMERS;
    let body = if small {
        grid(flow, stage, roles, topics)
    } else {
        squares(stage)
    };
    let table = if roles.consumers <= GRID_CONSUMERS {
        table(stage, roles)
    } else {
        spread_table(stage, roles)
    };
    html! {
        <div class="bus-group" data-alg={slug} data-kept={kept.to_string()} data-moved={moved.to_string()}
            data-new={new.to_string()} data-paused={paused.to_string()}>
            <h2 class="group-title">{ format!("{}, {when}: {summary}", flow.assignor.label()) }</h2>
            <Chart id={format!("group-{slug}")} class={classes!("bus-chart", (!done).then_some("stale"))} view={body.0}
                label={format!("{}: which consumer owns each partition at this step", flow.assignor.label())}
                legend={legend()} {table} caption={body.2}>
                { body.1 }
            </Chart>
        </div>
    }
}

/// The grid: a column per partition, a row per consumer and one on top for partitions nobody
/// consumes; in the outcome a moved partition also leaves a dashed outline where it was.
fn grid(flow: &FlowReport, stage: &Stage, roles: Roles, topics: u32) -> ((f64, f64), Html, Html) {
    let partitions = stage.owners.len();
    let (x0, top, row) = (64.0, 18.0, 18.0);
    let cell = ((400.0 - x0 - 4.0) / partitions.max(1) as f64).min(36.0);
    let height = top + row * (roles.consumers + 1) as f64 + 4.0;
    let y_of = |owner: u32| {
        let r = if owner == NO_OWNER { 0 } else { owner as usize + 1 };
        top + row * r as f64
    };
    let per_topic = (flow.owner_before.len() / topics.max(1) as usize).max(1);
    let labels = std::iter::once("no one".to_owned())
        .chain((0..roles.consumers).map(|c| roles.name(u32::try_from(c).unwrap_or(0))))
        .enumerate()
        .map(|(r, name)| {
            html! { <text class="tick" x={fmt(x0 - 4.0)} y={fmt(top + row * r as f64 + row * 0.75)} text-anchor="end">{ name }</text> }
        });
    let every = partitions.div_ceil(16).max(1);
    let heads = (0..partitions).step_by(every).map(|p| {
        html! { <text class="tick" x={fmt(x0 + cell * (p as f64 + 0.5))} y="12" text-anchor="middle">{ p }</text> }
    });
    let separators = (1..topics as usize).filter(|_| topics > 1).map(|t| {
        let x = x0 + cell * (t * per_topic) as f64;
        html! { <line class="topic-line" x1={fmt(x)} x2={fmt(x)} y1={fmt(top)} y2={fmt(height - 4.0)} /> }
    });
    let cells = stage.owners.iter().zip(&stage.status).enumerate().map(|(p, (&owner, &s))| {
        let x = x0 + cell * p as f64 + cell * 0.1;
        let was = flow.owner_before.get(p).copied().unwrap_or(NO_OWNER);
        let tip = if owner == NO_OWNER {
            format!("partition {p}: {}", status_text(s))
        } else {
            format!("partition {p}: consumer {}, {}", roles.name(owner), status_text(s))
        };
        let ghost = stage.step.is_none() && s == Status::Moved && was != NO_OWNER;
        html! { <>
            if ghost {
                <rect class="status-was" x={fmt(x)} y={fmt(y_of(was) + row * 0.1)} width={fmt(cell * 0.8)} height={fmt(row * 0.8)} />
            }
            <rect class={classes!("cell", status_class(s))} data-partition={p.to_string()} x={fmt(x)} y={fmt(y_of(owner) + row * 0.1)}
                width={fmt(cell * 0.8)} height={fmt(row * 0.8)} data-tip={tip} />
        </> }
    });
    let caption = html! { { format!(
        "Each column is a partition{}, each row a consumer; the top row holds the partitions nobody consumes at this step. Hover or focus a square for its partition.",
        if topics > 1 { format!(" (topic by topic, {per_topic} each, split by the dashed lines)") } else { String::new() }
    ) } };
    (
        (400.0, height),
        html! { <>
            { for heads }
            { for labels }
            <line class="grid-line" x1={fmt(x0)} x2="396" y1={fmt(top + row)} y2={fmt(top + row)} />
            { for separators }
            { for cells }
        </> },
        caption,
    )
}

/// A large group: partitions in rows of squares, each coloured by its state; a square that
/// stands for several partitions shows the most disrupted state among them.
fn squares(stage: &Stage) -> ((f64, f64), Html, Html) {
    let partitions = stage.owners.len();
    let per = partitions.div_ceil(MAX_SQUARES).max(1);
    let n = partitions.div_ceil(per);
    let columns = 50usize;
    let side = 396.0 / columns as f64;
    let rows = n.div_ceil(columns);
    let rank = |s: Status| match s {
        Status::Kept => 0,
        Status::New => 1,
        Status::Moved => 2,
        Status::Paused => 3,
    };
    // One path per state rather than an element per square: a thousand squares for each of up
    // to five assignors would make every step's redraw a long task on the page.
    let mut paths: [(String, usize); 4] = Default::default();
    for i in 0..n {
        let range = i * per..((i + 1) * per).min(partitions);
        let worst = stage.status[range]
            .iter()
            .copied()
            .max_by_key(|&s| rank(s))
            .unwrap_or(Status::Kept);
        let (x, y) = (2.0 + side * (i % columns) as f64, 2.0 + side * (i / columns) as f64);
        let edge = fmt(side * 0.84);
        let (path, count) = &mut paths[worst as usize];
        // Writing to a String cannot fail.
        let _ = write!(
            path,
            "M{} {}h{edge}v{edge}h-{edge}z",
            fmt(x + side * 0.08),
            fmt(y + side * 0.08)
        );
        *count += 1;
    }
    let marks = [Status::Kept, Status::Moved, Status::New, Status::Paused]
        .into_iter()
        .filter(|&s| paths[s as usize].1 > 0)
        .map(|s| {
            let (d, count) = &paths[s as usize];
            let tip = if per == 1 {
                format!("{} partitions: {}", group_digits(*count as u64), status_text(s))
            } else {
                format!("{} squares of {per} partitions, at worst {}", group_digits(*count as u64), status_text(s))
            };
            html! { <path class={classes!("cell", status_class(s))} data-squares={count.to_string()} d={d.clone()} data-tip={tip} /> }
        });
    let caption = html! { { if per == 1 {
        format!("Each square is one of the {} partitions, in order, row by row; hover a colour for its count. The table gives how many partitions each consumer consumes at this step.", group_digits(partitions as u64))
    } else {
        format!("Each square stands for {per} of the {} partitions, in order, and shows the most disrupted state among them (waiting, then moved, then new). The table gives how many partitions each consumer consumes at this step.", group_digits(partitions as u64))
    } } };
    ((400.0, 4.0 + side * rows as f64), html! { <>{ for marks }</> }, caption)
}

/// How many partitions each consumer consumes at the step shown, and which (the first 12).
fn table(stage: &Stage, roles: Roles) -> DataTable {
    let mut mine: Vec<Vec<usize>> = vec![Vec::new(); roles.consumers + 1];
    for (p, &o) in stage.owners.iter().enumerate() {
        let r = if o == NO_OWNER {
            0
        } else {
            (o as usize + 1).min(roles.consumers)
        };
        mine[r].push(p);
    }
    let list = |ps: &[usize]| {
        let shown: Vec<String> = ps.iter().take(12).map(usize::to_string).collect();
        if ps.len() > 12 {
            format!("{} …", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    DataTable {
        caption: "Each consumer's partitions at this step".into(),
        head: vec!["Consumer".into(), "Partitions".into(), "Which".into()],
        rows: mine
            .iter()
            .enumerate()
            .map(|(r, ps)| {
                let who = if r == 0 {
                    "no one".into()
                } else {
                    roles.name(u32::try_from(r - 1).unwrap_or(0))
                };
                vec![who, ps.len().to_string(), list(ps)]
            })
            .collect(),
    }
}

/// For a large group, how many consumers consume how many partitions at the step shown (a
/// table of a row per consumer would be a thousand rows long).
fn spread_table(stage: &Stage, roles: Roles) -> DataTable {
    let mut owned = vec![0u32; roles.consumers];
    let mut nobody = 0u32;
    for &o in &stage.owners {
        match owned.get_mut(o as usize) {
            Some(n) => *n += 1,
            None => nobody += 1,
        }
    }
    let mut spread: std::collections::BTreeMap<u32, u32> = std::collections::BTreeMap::new();
    for &n in &owned {
        *spread.entry(n).or_default() += 1;
    }
    DataTable {
        caption: format!(
            "How many consumers consume how many partitions at this step ({} partitions consumed by no one)",
            group_digits(nobody.into())
        ),
        head: vec!["Partitions".into(), "Consumers".into()],
        rows: spread
            .iter()
            .map(|(&n, &c)| vec![group_digits(n.into()), group_digits(c.into())])
            .collect(),
    }
}

/// The total lag (produced, not yet processed) over time, one line per assignor.
pub fn lag_chart(flows: &[FlowReport], change_at: Option<u32>, done: bool) -> Html {
    let bucket = flows.first().map_or(1, |f| f.bucket_ms.max(1));
    let run = flows.iter().map(|f| f.duration_ms).max().unwrap_or(0);
    timeline(
        &Timeline {
            id: "lag-chart",
            label: "The group's lag over time, one line per assignor",
            caption: format!(
                "Messages produced and not yet processed, summed over the partitions, at the end of each {bucket} ms. Production stops once every message is sent; the group then drains what is left. A rebalance's pauses show as a bump: the partitions nobody consumes keep filling."
            ),
            table_caption: "Lag in messages, per assignor",
            run_ms: u32::try_from(run).unwrap_or(u32::MAX),
            lines: flows
                .iter()
                .map(|f| Line {
                    name: f.assignor.label().into(),
                    slug: f.assignor.slug().into(),
                    points: f
                        .lag
                        .iter()
                        .enumerate()
                        .map(|(i, &l)| (u32::try_from((i as u64 + 1) * bucket).unwrap_or(u32::MAX), l as f64))
                        .collect(),
                })
                .collect(),
            level: None,
            markers: change_at.map(|ms| (ms, format!("the change, at {:.1} s", f64::from(ms) / 1_000.0), "the change")).into_iter().collect(),
            table_every: usize::try_from(1_000 / bucket).unwrap_or(1).max(1),
        },
        done,
    )
}

/// The busiest partitions (at most 20) of the first assignor's run, each beside its keys'
/// expected share of the messages; which partition a key goes to does not depend on the
/// assignor.
pub fn partitions_chart(flow: &FlowReport, done: bool) -> Html {
    let total = flow.produced.max(1) as f64;
    let mut order: Vec<usize> = (0..flow.per_partition.len()).collect();
    order.sort_by_key(|&p| (std::cmp::Reverse(flow.per_partition[p]), p));
    order.truncate(20);
    let (x0, x1, y0, y1) = (58.0, 384.0, 12.0, 196.0);
    let share = |p: usize| flow.per_partition[p] as f64 / total;
    let expected = |p: usize| flow.expected_share.get(p).copied();
    let top = order
        .iter()
        .map(|&p| share(p).max(expected(p).unwrap_or(0.0)))
        .fold(1e-9, f64::max);
    let yticks = nice_ticks(top * 100.0, 5);
    let ytop = yticks.last().copied().unwrap_or(top * 100.0).max(top * 100.0) / 100.0;
    let sy = |v: f64| y1 - (y1 - y0) * v / ytop;
    let slot = (x1 - x0) / order.len().max(1) as f64;
    let mean = 1.0 / flow.expected_share.len().max(1) as f64;
    let bars = order.iter().enumerate().map(|(i, &p)| {
        let x = x0 + slot * (i as f64 + 0.15);
        let theory = expected(p);
        html! { <>
            <rect class="bar" x={fmt(x)} y={fmt(sy(share(p)))} width={fmt(slot * 0.7)} height={fmt(y1 - sy(share(p)))}
                data-tip={format!("partition {p}: {} messages, {} (its keys' share: {})", group_digits(flow.per_partition[p]),
                    percent_of_one(share(p), 2), theory.map_or_else(|| "new partition".into(), |t| percent_of_one(t, 2)))} />
            if let Some(t) = theory {
                <line class="theory-tick" x1={fmt(x)} x2={fmt(x + slot * 0.7)} y1={fmt(sy(t))} y2={fmt(sy(t))} />
            }
        </> }
    });
    let ticks: Vec<f64> = (0..order.len()).map(|i| i as f64).collect();
    html! {
        <Chart id="partitions-chart" class={classes!("cache-chart", "s0", (!done).then_some("stale"))} view={(400.0, 224.0)}
            label="The busiest partitions' shares of the messages, each beside its keys' expected share"
            legend={vec![LegendItem::new("s0", "■", "measured share"), LegendItem::new("", "─", "its keys' expected share"), LegendItem::new("", "┄", "the mean, 1/P")]}
            table={partitions_table(flow, &order)}
            caption={html! { format!("The {} busiest partitions, busiest first, under {}. A key always goes to the same partition (murmur2 of the key, modulo the partition count), so a popular key makes a hot partition whatever the assignor; the tick is the share its keys' Zipf popularity predicts, the dashed line the mean share 1/P.", order.len(), flow.assignor.label()) }}>
            { y_axis(x0, (y1, y0), &yticks, |v| sy(v / 100.0), |v| format!("{v}%")) }
            { x_axis(y1, (x0, x1), &ticks, |i| x0 + slot * (i + 0.5), |i| label_at(&order, i)) }
            <text class="tick axis-title" x={fmt(f64::midpoint(x0, x1))} y="222" text-anchor="middle">{ "partition" }</text>
            <line class="theory-line" x1={fmt(x0)} x2={fmt(x1)} y1={fmt(sy(mean))} y2={fmt(sy(mean))}
                data-tip={format!("the mean share, 1/P = {}", percent_of_one(mean, 2))} />
            { for bars }
        </Chart>
    }
}

/// The partition number under tick `i` (a whole number the axis was given).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // 0 ≤ i < 20.
fn label_at(order: &[usize], i: f64) -> String {
    order.get(i.round() as usize).map_or_else(String::new, usize::to_string)
}

fn partitions_table(flow: &FlowReport, order: &[usize]) -> DataTable {
    let total = flow.produced.max(1) as f64;
    DataTable {
        caption: "The busiest partitions: messages, measured share and expected share".into(),
        head: vec![
            "Partition".into(),
            "Messages".into(),
            "Share".into(),
            "Expected share".into(),
        ],
        rows: order
            .iter()
            .map(|&p| {
                vec![
                    p.to_string(),
                    group_digits(flow.per_partition[p]),
                    group_float(flow.per_partition[p] as f64 * 100.0 / total) + " %",
                    flow.expected_share
                        .get(p)
                        .map_or_else(|| "—".into(), |s| group_float(s * 100.0) + " %"),
                ]
            })
            .collect(),
    }
}
