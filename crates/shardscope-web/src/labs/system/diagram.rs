//! The "Scaling to 10 million users" lab's picture: the architecture as boxes from the users to
//! the database and the bus, each tier coloured by its busiest server's utilization and the
//! bottleneck outlined, over the whole run or in one second with the requests flowing, and the
//! run's answers and failures a second. It only maps the report to marks.

use shardscope_core::labs::system::{Field, Lb, Params, Report};
use shardscope_core::query::Choice;
use shardscope_core::system::design::{Fault, REGIONS, RTT_MS};
use shardscope_core::system::report::{Hits, Second, SystemReport, Tier, TierReport, TierSecond};
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
/// The narrowest drawing, in viewBox units: the three columns and their gaps.
const MIN_WIDTH: f64 = 660.0;

/// A box of the picture: its key (`data-tier`), name, the line under the name, its tooltip, its
/// colour class and whether it is outlined (the bottleneck) or dashed (something failed there).
struct Box {
    key: &'static str,
    name: &'static str,
    line: String,
    tip: String,
    class: &'static str,
    /// The label above an outlined box.
    outline: Option<&'static str>,
    failing: bool,
}

fn node(x: f64, y: f64, b: &Box) -> Html {
    let g = html! {
        <g class={classes!("tier", b.class, b.failing.then_some("failing"))} data-tier={b.key} data-tip={b.tip.clone()}>
            <rect x={fmt(x)} y={fmt(y)} width={fmt(W)} height={fmt(H)} rx="4" />
            <text x={fmt(x + 6.0)} y={fmt(y + 16.0)}>{ b.name }</text>
            <text x={fmt(x + 6.0)} y={fmt(y + 32.0)}>{ b.line.clone() }</text>
        </g>
    };
    match b.outline {
        Some(label) => {
            html! { <g class="bottleneck">{ g }<text class="tick" x={fmt(x)} y={fmt(y - 3.0)}>{ label }</text></g> }
        }
        None => g,
    }
}

/// The dots' density and speed on an arrow: a class per factor of ten in requests a second.
fn rate_class(rate: u32) -> &'static str {
    match rate {
        0 => "rate-0",
        1..=9 => "rate-1",
        10..=99 => "rate-2",
        100..=999 => "rate-3",
        1_000..=9_999 => "rate-4",
        _ => "rate-5",
    }
}

/// An arrow; in a second's view, requests flow along it as dots, denser and faster the more
/// arrive a second (the rate is also in its tooltip, so the motion is never the only cue).
fn arrow(from: (f64, f64), to: (f64, f64), flow: Option<(u32, String)>) -> Html {
    let (x1, y1, x2, y2) = (fmt(from.0), fmt(from.1), fmt(to.0), fmt(to.1));
    match flow {
        None => html! { <line class="flow" {x1} {y1} {x2} {y2} /> },
        Some((rate, tip)) => html! {
            <line class={classes!("flow", "moving", rate_class(rate))} {x1} {y1} {x2} {y2} data-rate={rate.to_string()} data-tip={tip} />
        },
    }
}

/// The moment the picture shows: the whole run, or second `i` (from 0) of the timeline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The whole run, arrivals to drain.
    Run,
    /// One second.
    Second(usize),
}

/// Where the users are sent: the regions' datacenters, for the DNS box.
fn routes(params: &Params) -> (String, String) {
    let d = params.design();
    let regions = d.traffic.regions as usize;
    let to: Vec<usize> = (0..regions).map(|r| d.route(r, |_| true)).collect();
    let line = if to.iter().enumerate().all(|(r, &dc)| r == dc) {
        "each region to its own".to_owned()
    } else if d.dcs == 1 {
        format!("all to {}", REGIONS[0])
    } else {
        format!("{} regions to {} DCs", regions, d.dcs)
    };
    let tip = to
        .iter()
        .enumerate()
        .map(|(r, &dc)| {
            let far = RTT_MS[r][dc];
            let extra = if far == 0 {
                String::new()
            } else {
                format!(", {far} ms farther")
            };
            format!("{} → the datacenter in {}{extra}", REGIONS[r], REGIONS[dc])
        })
        .collect::<Vec<_>>()
        .join("; ");
    (
        line,
        format!("DNS with geo routing: {tip}. A lost datacenter's users move after the failover time."),
    )
}

/// A box that is not a tier of servers: no utilization to colour it.
fn plain(key: &'static str, name: &'static str, line: String, tip: String) -> Box {
    Box {
        key,
        name,
        line,
        tip,
        class: "tier-plain",
        outline: None,
        failing: false,
    }
}

/// The users: who they are over the run, or what they started and lost in second `i`.
fn users_box(params: &Params, r: &Report, second: Option<(usize, &Second)>) -> Box {
    match second {
        Some((i, s)) => Box {
            failing: s.failed > 0,
            ..plain(
                "users",
                "Users",
                format!("{} started, {} failed", group_digits(s.started.into()), group_digits(s.failed.into())),
                format!(
                    "Users in second {}: {} requests started, {} attempts, {} answered, {} failed for good, p99 {:.1} ms",
                    i + 1,
                    group_digits(s.started.into()),
                    group_digits(s.attempts.into()),
                    group_digits(s.served.into()),
                    group_digits(s.failed.into()),
                    s.p99
                ),
            )
        },
        None => plain(
            "users",
            "Users",
            format!(
                "{} in {}",
                group_digits(u64::from(params.get(Field::Users))),
                regions(params.get(Field::Regions))
            ),
            format!("Users: {} requests a second at the daily peak", group_float(r.peak_rate)),
        ),
    }
}

/// The CDN's edges: their hit ratio over the run beside Che's, or in second `i`.
fn cdn_box(h: &Hits, second: Option<(usize, &Second)>) -> Box {
    match second {
        Some((i, s)) => plain(
            "cdn",
            "CDN edges",
            format!(
                "{} hit, {}/s",
                percent_of_one(ratio(s.cdn_hits.into(), s.cdn_lookups.into()), 0),
                group_digits(s.cdn_lookups.into())
            ),
            format!(
                "CDN edges in second {}: answered {} of {} static requests",
                i + 1,
                group_digits(s.cdn_hits.into()),
                group_digits(s.cdn_lookups.into())
            ),
        ),
        None => plain(
            "cdn",
            "CDN edges",
            format!("{} hit", percent_of_one(ratio(h.hits, h.lookups), 0)),
            format!(
                "CDN edges: answered {} of {} static requests; Che's approximation {}",
                group_digits(h.hits),
                group_digits(h.lookups),
                percent_of_one(h.che, 1)
            ),
        ),
    }
}

/// The boxes before the web tier (`web`), each with what flows into it in a second's view: the
/// users, DNS with geo routing (several regions or datacenters), the CDN's edges and the load
/// balancer.
fn front_boxes(params: &Params, r: &Report, web: Option<&TierReport>, view: View) -> Vec<(Box, Option<u32>)> {
    let sys = &r.system;
    let second = match view {
        View::Second(i) => sys.timeline.get(i).map(|s| (i, s)),
        View::Run => None,
    };
    let mut boxes = vec![(users_box(params, r, second), None)];
    if params.get(Field::Regions) > 1 || params.get(Field::Dcs) > 1 {
        let (line, tip) = routes(params);
        boxes.push((
            plain("dns", "DNS / geo routing", line, tip),
            second.map(|(_, s)| s.attempts),
        ));
    }
    if let Some(h) = &sys.cdn {
        boxes.push((cdn_box(h, second), second.map(|(_, s)| s.cdn_lookups)));
    }
    if params.lb != Lb::None {
        // What the load balancer passes on is what reaches the web servers.
        let into = web.and_then(|t| view.arrivals(t));
        let b = plain(
            "lb",
            "Load balancer",
            Choice::label(params.lb).to_owned(),
            "Load balancer: spreads requests over the web servers".to_owned(),
        );
        boxes.push((b, into));
    }
    boxes
}

/// A tier's box, over the whole run or in second `i`.
fn tier_box(t: &TierReport, view: View, bottleneck: bool) -> Box {
    let name = tier_name(t.tier);
    match view.second_of(t) {
        Some((i, s)) => Box {
            key: t.tier.slug(),
            name,
            line: format!("{}, {}/s", percent_of_one(f64::from(s.hottest), 0), group_digits(s.arrivals.into())),
            tip: format!(
                "{name} in second {}: {} arrived, busiest server {}, all {}, {} waiting at its end, {} refused or lost, {} timed out here{}",
                i + 1,
                group_digits(s.arrivals.into()),
                percent_of_one(f64::from(s.hottest), 1),
                percent_of_one(f64::from(s.utilization), 1),
                group_digits(s.queue.into()),
                group_digits(s.failed.into()),
                group_digits(s.timeouts.into()),
                if bottleneck { " — the busiest tier this second" } else { "" }
            ),
            class: band(f64::from(s.hottest)),
            outline: bottleneck.then_some("busiest this second"),
            failing: s.failed + s.timeouts > 0,
        },
        None => Box {
            key: t.tier.slug(),
            name,
            line: format!("{} × {}, {}", t.servers, t.workers, percent_of_one(t.hottest, 0)),
            tip: format!(
                "{name}: {} × {} workers, busiest server {}, all {}, p99 {:.1} ms{}",
                t.servers,
                t.workers,
                percent_of_one(t.hottest, 1),
                percent_of_one(t.utilization, 1),
                t.latency.p99,
                if bottleneck { " — the bottleneck" } else { "" }
            ),
            class: band(t.hottest),
            outline: bottleneck.then_some("bottleneck"),
            failing: false,
        },
    }
}

impl View {
    /// The tier's second this view shows, if it shows one.
    fn second_of(self, t: &TierReport) -> Option<(usize, &TierSecond)> {
        match self {
            Self::Second(i) => t.seconds.get(i).map(|s| (i, s)),
            Self::Run => None,
        }
    }

    /// The visits that reached the tier in the second this view shows, if it shows one.
    fn arrivals(self, t: &TierReport) -> Option<u32> {
        self.second_of(t).map(|(_, s)| s.arrivals)
    }

    /// The tier the view outlines: the run's bottleneck, or the busiest tier of the second.
    fn bottleneck(self, sys: &SystemReport) -> Option<Tier> {
        match self {
            Self::Run => sys.bottleneck,
            Self::Second(_) => sys
                .tiers
                .iter()
                .filter_map(|t| self.second_of(t).map(|(_, s)| (t.tier, s.hottest)))
                .filter(|(_, h)| *h > 0.0)
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(t, _)| t),
        }
    }
}

/// The architecture, tier by tier, over the whole run or in one second.
pub fn architecture(params: &Params, r: &Report, view: View) -> Html {
    let sys = &r.system;
    let (web, back): (Vec<&TierReport>, Vec<&TierReport>) = sys
        .tiers
        .iter()
        .partition(|t| matches!(t.tier, Tier::Web | Tier::Server));
    let front = front_boxes(params, r, web.first().copied(), view);
    let hot = view.bottleneck(sys);
    // Three columns: what stands before the web tier (users, routing, the CDN, the load
    // balancer) from top to bottom, the web tier, and the back ends. Gaps are long enough for
    // the flowing dots to read as motion, and each row leaves room for the bottleneck's label
    // above its box.
    let row = H + 30.0;
    let rows = front.len().max(back.len()).max(1);
    let height = rows as f64 * row + 8.0;
    let column = |n: usize, k: usize| 18.0 + (rows - n) as f64 * row / 2.0 + k as f64 * row;
    let (x0, x1) = (4.0, 4.0 + W + 90.0);
    let x2 = x1 + W + 110.0;
    let web_y = height / 2.0 - H / 2.0 + 5.0;
    let mut marks = Vec::new();
    let flow = |rate: Option<u32>, to: &str| {
        rate.map(|rate| {
            let View::Second(i) = view else {
                return (rate, String::new());
            };
            (
                rate,
                format!("{} a second into {to}, in second {}", group_digits(rate.into()), i + 1),
            )
        })
    };
    for (k, (b, _)) in front.iter().enumerate() {
        let y = column(front.len(), k);
        marks.push(node(x0, y, b));
        // The arrow out of this box carries what flows into the next one (or into the web tier).
        let into = match front.get(k + 1) {
            Some((next, rate)) => {
                let to = (x0 + W / 2.0, column(front.len(), k + 1));
                marks.push(arrow((x0 + W / 2.0, y + H), to, flow(*rate, next.name)));
                continue;
            }
            None => web.first().map(|t| (view.arrivals(t), tier_name(t.tier))),
        };
        if let Some((rate, to)) = into {
            marks.push(arrow((x0 + W, y + H / 2.0), (x1, web_y + H / 2.0), flow(rate, to)));
        }
    }
    for t in &web {
        marks.push(node(x1, web_y, &tier_box(t, view, hot == Some(t.tier))));
    }
    for (i, t) in back.iter().enumerate() {
        let y = column(back.len(), i);
        let rate = view.arrivals(t);
        marks.push(arrow(
            (x1 + W, web_y + H / 2.0),
            (x2, y + H / 2.0),
            flow(rate, tier_name(t.tier)),
        ));
        marks.push(node(x2, y, &tier_box(t, view, hot == Some(t.tier))));
    }
    // A small architecture keeps the scale of a large one instead of filling the width.
    let width = (x2 + W + 4.0).max(MIN_WIDTH);
    let dcs = params.get(Field::Dcs);
    let what = match view {
        View::Run => format!(
            "Each box is a tier ({dcs} datacenter{}): servers × workers each, and its busiest server's utilization while requests arrive. The outlined box is the bottleneck, the tier whose busiest server is the most utilized. Every tier's numbers are in the tables below.",
            if dcs == 1 { "" } else { "s, added up" }
        ),
        View::Second(i) => format!(
            "Second {} of the run: each tier coloured by its busiest server's utilization in that second, with the visits that reached it; requests flow along the arrows as dots, denser and faster the more arrive a second. The outlined box is the busiest tier of the second; a dashed one refused, lost or timed out requests.",
            i + 1
        ),
    };
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
            table={tier_table(r, view)}
            caption={html! { what }}>
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

fn tier_table(r: &Report, view: View) -> DataTable {
    let hot = view.bottleneck(&r.system);
    let mut head = vec![
        "Tier".into(),
        "Servers × workers".into(),
        "Busiest server".into(),
        "Bottleneck".into(),
    ];
    if let View::Second(i) = view {
        head.extend([
            format!("Arrived in second {}", i + 1),
            "Waiting".into(),
            "Refused or lost".into(),
            "Timed out".into(),
        ]);
    }
    DataTable {
        caption: match view {
            View::Run => "Each tier: servers, the busiest server's utilization and the bottleneck".into(),
            View::Second(i) => format!(
                "Each tier in second {}: its busiest server, what arrived, waited and failed",
                i + 1
            ),
        },
        head,
        rows: r
            .system
            .tiers
            .iter()
            .map(|t| {
                let shown = view.second_of(t);
                let mut row = vec![
                    tier_name(t.tier).into(),
                    format!("{} × {}", t.servers, t.workers),
                    percent_of_one(shown.map_or(t.hottest, |(_, s)| f64::from(s.hottest)), 1),
                    if hot == Some(t.tier) { "yes".into() } else { "no".into() },
                ];
                if let Some((_, s)) = shown {
                    row.extend([s.arrivals, s.queue, s.failed, s.timeouts].map(|n| group_digits(n.into())));
                }
                row
            })
            .collect(),
    }
}

/// Requests answered and failed each second, the fault and the second shown marked.
#[allow(clippy::cast_possible_truncation)]
pub fn seconds_chart(p: &Params, r: &Report, view: View, done: bool) -> Html {
    let tl = &r.system.timeline;
    let at = |i: usize| u32::try_from(i as u64 * US / 1_000).unwrap_or(u32::MAX);
    let line = |name: &str, slug: &str, f: fn(&Second) -> u32| Line {
        name: name.into(),
        slug: slug.into(),
        points: tl.iter().enumerate().map(|(i, s)| (at(i), f64::from(f(s)))).collect(),
    };
    let mut markers = Vec::new();
    if p.fault != Fault::None {
        let ms = p.get(Field::FaultAt) * 1_000;
        markers.push((ms, format!("the fault at {} s", p.get(Field::FaultAt)), "the fault"));
    }
    if let View::Second(i) = view {
        markers.push((
            at(i),
            format!("second {}, shown in the picture", i + 1),
            "the second shown",
        ));
    }
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
            markers,
            table_every: tl.len().div_ceil(60).max(1),
        },
        done,
    )
}
