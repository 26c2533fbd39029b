//! The "Scaling to 10 million users" lab's picture: the architecture as boxes from the users to
//! the database and the bus, each tier coloured by its busiest server's utilization and the
//! bottleneck outlined, and the run's answers and failures a second. It only maps the report to
//! marks.

use shardscope_core::labs::system::{Field, Params, Report};
use shardscope_core::system::report::{Tier, TierReport};
use shardscope_core::system::sim::US;
use yew::prelude::*;

use crate::chart::{fmt, Chart, DataTable, LegendItem};
use crate::lab::{group_digits, group_float, percent_of_one};
use crate::timeline::{timeline, Line, Timeline};

/// A tier's name as the page writes it.
pub fn tier_name(t: Tier) -> &'static str {
    match t {
        Tier::Server => "App + database",
        Tier::Web => "Web servers",
        Tier::Cache => "Cache",
        Tier::Services => "Services",
        Tier::Primary => "Database primary",
        Tier::Replica => "Read replicas",
        Tier::Bus => "Bus consumers",
    }
}

/// The utilization band of a busiest server, as a CSS class: under 50 %, 70 %, 85 %, 95 %, and
/// above.
fn band(u: f64) -> &'static str {
    match u {
        u if u < 0.5 => "util-0",
        u if u < 0.7 => "util-1",
        u if u < 0.85 => "util-2",
        u if u < 0.95 => "util-3",
        _ => "util-4",
    }
}

const W: f64 = 150.0;
const H: f64 = 40.0;
/// The narrowest drawing, in viewBox units: about four tiers side by side.
const MIN_WIDTH: f64 = 720.0;

fn node(x: f64, y: f64, class: &'static str, name: &str, line: String, tip: String, key: &str) -> Html {
    html! {
        <g class={classes!("tier", class)} data-tier={key.to_owned()} data-tip={tip}>
            <rect x={fmt(x)} y={fmt(y)} width={fmt(W)} height={fmt(H)} rx="4" />
            <text x={fmt(x + 6.0)} y={fmt(y + 16.0)}>{ name.to_owned() }</text>
            <text x={fmt(x + 6.0)} y={fmt(y + 32.0)}>{ line }</text>
        </g>
    }
}

fn arrow(x1: f64, y1: f64, x2: f64, y2: f64) -> Html {
    html! { <line class="flow" x1={fmt(x1)} y1={fmt(y1)} x2={fmt(x2)} y2={fmt(y2)} /> }
}

/// The boxes before the web tier: the users, the CDN's edges and the load balancer, as (key,
/// name, line, tooltip).
fn front_boxes(params: &Params, r: &Report) -> Vec<(&'static str, &'static str, String, String)> {
    let sys = &r.system;
    [
        Some((
            "users",
            "Users",
            format!(
                "{} in {}",
                group_digits(u64::from(params.get(Field::Users))),
                regions(params.get(Field::Regions))
            ),
            format!("{} requests a second at the daily peak", group_float(r.peak_rate)),
        )),
        sys.cdn.map(|h| {
            (
                "cdn",
                "CDN edges",
                format!("{} hit", percent_of_one(ratio(h.hits, h.lookups), 0)),
                format!(
                    "answered {} of {} static requests; Che's approximation {}",
                    group_digits(h.hits),
                    group_digits(h.lookups),
                    percent_of_one(h.che, 1)
                ),
            )
        }),
        (params.lb != shardscope_core::labs::system::Lb::None).then(|| {
            (
                "lb",
                "Load balancer",
                shardscope_core::query::Choice::label(params.lb).to_owned(),
                "spreads requests over the web servers".to_owned(),
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The architecture, tier by tier.
pub fn architecture(params: &Params, r: &Report) -> Html {
    let sys = &r.system;
    let front = front_boxes(params, r);
    let (web, back): (Vec<&TierReport>, Vec<&TierReport>) = sys
        .tiers
        .iter()
        .partition(|t| matches!(t.tier, Tier::Web | Tier::Server));
    let gap = 24.0;
    let rows = back.len().max(1) as f64;
    let height = (rows * (H + 8.0)).max(H + 16.0) + 8.0;
    let mid = height / 2.0 - H / 2.0;
    let mut marks = Vec::new();
    let mut x = 4.0;
    for (key, name, line, tip) in &front {
        marks.push(node(
            x,
            mid,
            "tier-plain",
            name,
            line.clone(),
            format!("{name}: {tip}"),
            key,
        ));
        marks.push(arrow(x + W, mid + H / 2.0, x + W + gap, mid + H / 2.0));
        x += W + gap;
    }
    let box_for = |t: &TierReport, x: f64, y: f64| {
        let bottleneck = sys.bottleneck == Some(t.tier);
        let name = tier_name(t.tier);
        let tip = format!(
            "{name}: {} × {} workers, busiest server {}, all {}, p99 {:.1} ms{}",
            t.servers,
            t.workers,
            percent_of_one(t.hottest, 1),
            percent_of_one(t.utilization, 1),
            t.latency.p99,
            if bottleneck { " — the bottleneck" } else { "" }
        );
        let mut g = node(
            x,
            y,
            band(t.hottest),
            name,
            format!("{} × {}, {}", t.servers, t.workers, percent_of_one(t.hottest, 0)),
            tip,
            t.tier.slug(),
        );
        if bottleneck {
            g = html! { <g class="bottleneck">{ g }<text class="tick" x={fmt(x)} y={fmt(y - 3.0)}>{ "bottleneck" }</text></g> };
        }
        g
    };
    for t in &web {
        marks.push(box_for(t, x, mid));
    }
    let wx = x;
    x += W + gap * 2.0;
    for (i, t) in back.iter().enumerate() {
        let y = 8.0 + i as f64 * (H + 8.0);
        marks.push(arrow(wx + W, mid + H / 2.0, x, y + H / 2.0));
        marks.push(box_for(t, x, y));
    }
    // A small architecture keeps the scale of a large one instead of filling the width.
    let width = (x + W + 4.0).max(MIN_WIDTH);
    html! {
        <Chart id="architecture" class="system-chart" view={(width, height + 8.0)}
            label="The architecture from the users to the database, each tier coloured by its busiest server's utilization"
            legend={vec![
                LegendItem::new("util-0", "■", "under 50 %"),
                LegendItem::new("util-1", "■", "50–70 %"),
                LegendItem::new("util-2", "■", "70–85 %"),
                LegendItem::new("util-3", "■", "85–95 %"),
                LegendItem::new("util-4", "■", "95 % and over"),
            ]}
            table={tier_table(r)}
            caption={html! { <>
                { format!("Each box is a tier ({} datacenter{}): servers × workers each, and its busiest server's utilization while requests arrive. ", params.get(Field::Dcs), if params.get(Field::Dcs) == 1 { "" } else { "s, added up" }) }
                { "The outlined box is the bottleneck, the tier whose busiest server is the most utilized. Every tier's numbers are in the tables below." }
            </> }}>
            { for marks }
        </Chart>
    }
}

fn regions(n: u32) -> String {
    if n == 1 {
        "1 region".into()
    } else {
        format!("{n} regions")
    }
}

#[allow(clippy::cast_precision_loss)]
fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn tier_table(r: &Report) -> DataTable {
    DataTable {
        caption: "Each tier: servers, the busiest server's utilization and the bottleneck".into(),
        head: vec![
            "Tier".into(),
            "Servers × workers".into(),
            "Busiest server".into(),
            "Bottleneck".into(),
        ],
        rows: r
            .system
            .tiers
            .iter()
            .map(|t| {
                vec![
                    tier_name(t.tier).into(),
                    format!("{} × {}", t.servers, t.workers),
                    percent_of_one(t.hottest, 1),
                    if r.system.bottleneck == Some(t.tier) {
                        "yes".into()
                    } else {
                        "no".into()
                    },
                ]
            })
            .collect(),
    }
}

/// Requests answered and failed each second, the fault marked.
#[allow(clippy::cast_possible_truncation)]
pub fn seconds_chart(p: &Params, r: &Report, done: bool) -> Html {
    let tl = &r.system.timeline;
    let at = |i: usize| u32::try_from(i as u64 * US / 1_000).unwrap_or(u32::MAX);
    let line = |name: &str, slug: &str, f: fn(&shardscope_core::system::report::Second) -> u32| Line {
        name: name.into(),
        slug: slug.into(),
        points: tl.iter().enumerate().map(|(i, s)| (at(i), f64::from(f(s)))).collect(),
    };
    let fault = p.fault != shardscope_core::system::design::Fault::None;
    timeline(
        &Timeline {
            id: "seconds-chart",
            label: "Requests answered and requests that failed, each second of the run",
            caption: format!(
                "Requests answered and failed for good each second, over the {} s of arrivals and the drain after them.",
                p.get(Field::Seconds)
            ),
            table_caption: "Requests answered and failed, each second",
            run_ms: at(tl.len()),
            lines: vec![line("answered", "served", |s| s.served), line("failed", "failed", |s| s.failed)],
            level: None,
            marker: fault.then(|| {
                let ms = p.get(Field::FaultAt) * 1_000;
                (ms, format!("the fault at {} s", p.get(Field::FaultAt)), "the fault")
            }),
            table_every: tl.len().div_ceil(60).max(1),
        },
        done,
    )
}
