//! The DHT lab's pictures, drawn with the chart kit: the identifier circle with the stepped
//! lookup, the distance still to go per step, the hop histogram, Kademlia's k-buckets, the sweep
//! across N, Chord's failure sweep, churn and the key load against Gamma(r, 1/r). Each only maps
//! the report to marks.

use std::f64::consts::TAU;

use shardscope_core::dht::Protocol;
use shardscope_core::labs::dht::{
    theory, Params, ProtocolReport, Report, CHURN_LOOKUPS, CHURN_TICKS, FAILURE_LOOKUPS, LOAD_BIN, LOAD_BINS,
};
use shardscope_core::query::Choice;
use yew::prelude::*;

use crate::chart::{fmt, nice_ticks, order_class, series, x_axis, y_axis, Chart, DataTable, LegendItem};
use crate::lab::{group_digits, group_float};

/// A protocol's mark shape, so the picture never relies on colour alone.
fn glyph(p: Protocol) -> &'static str {
    match p {
        Protocol::Chord => "●",
        Protocol::Kademlia => "■",
        Protocol::OneHop => "◆",
    }
}

/// A mark of protocol `p` centred at (x, y) with half-size `s`.
fn mark(p: Protocol, x: f64, y: f64, s: f64, class: String, tip: String) -> Html {
    match p {
        Protocol::Chord => html! { <circle class={class} cx={fmt(x)} cy={fmt(y)} r={fmt(s)} data-tip={tip} /> },
        Protocol::Kademlia => {
            html! { <rect class={class} x={fmt(x - s)} y={fmt(y - s)} width={fmt(2.0 * s)} height={fmt(2.0 * s)} data-tip={tip} /> }
        }
        Protocol::OneHop => html! {
            <path class={class} d={format!("M{},{} L{},{} L{},{} L{},{} Z", fmt(x), fmt(y - s * 1.3), fmt(x + s * 1.3), fmt(y), fmt(x), fmt(y + s * 1.3), fmt(x - s * 1.3), fmt(y))} data-tip={tip} />
        },
    }
}

/// The legend: one entry per protocol (its colour and shape), then `more` (class, glyph, label).
fn legend(r: &Report, more: &[(&str, &'static str, &str)]) -> Vec<LegendItem> {
    r.protocols
        .iter()
        .enumerate()
        .map(|(i, x)| LegendItem::new(class_of(i), glyph(x.protocol), x.protocol.label()))
        .chain(
            more.iter()
                .map(|&(class, glyph, label)| LegendItem::new(class, glyph, label)),
        )
        .collect()
}

fn class_of(i: usize) -> String {
    series(u32::try_from(i).unwrap_or(0))
}

const CENTRE: f64 = 200.0;
const RADIUS: f64 = 160.0;

/// A point on the circle at `at` (a fraction, 0 at the top, clockwise) and radius `r`.
fn on_circle(at: f64, r: f64) -> (f64, f64) {
    let angle = at * TAU;
    (CENTRE + r * angle.sin(), CENTRE - r * angle.cos())
}

/// Every node on the circle (hollow when failed), or above a few thousand their density.
fn nodes_layer(r: &Report) -> Html {
    if r.ring.is_empty() {
        let max = f64::from(r.density.iter().copied().max().unwrap_or(1).max(1));
        let bins = r.density.len() as f64;
        html! { <g class="density">{ for r.density.iter().enumerate().map(|(i, &c)| {
            let at = (i as f64 + 0.5) / bins;
            let (x0, y0) = on_circle(at, RADIUS);
            let (x1, y1) = on_circle(at, RADIUS + 4.0 + 24.0 * f64::from(c) / max);
            html! { <line x1={fmt(x0)} y1={fmt(y0)} x2={fmt(x1)} y2={fmt(y1)} /> }
        }) }</g> }
    } else {
        html! { <g class="dht-nodes">{ for r.ring.iter().zip(&r.ring_alive).map(|(&at, &alive)| {
            let (x, y) = on_circle(at, RADIUS);
            html! { <circle class={if alive { "dht-node" } else { "dht-node dead" }} cx={fmt(x)} cy={fmt(y)} r="2.6" /> }
        }) }</g> }
    }
}

/// The circle magnified around the traced lookup's key (above a few thousand identifiers, where
/// the circle itself is a density): an arc of 8^−z of it as a strip, each identifier a tick or,
/// when there are still too many, their density, with the key at the centre.
pub fn zoom_strip(p: &Params, r: &Report) -> Html {
    let Some(level) = p.zoom.checked_sub(1).and_then(|z| r.zoom.get(z as usize)) else {
        return Html::default();
    };
    let (x0, x1, base) = (20.0, 380.0, 44.0);
    let sx = |place: f64| x0 + (x1 - x0) * place;
    let marks = if level.density.is_empty() {
        html! { <g class="zoom-nodes">{ for level.points.iter().map(|&x| html! {
            <line class="zoom-node" x1={fmt(sx(x))} x2={fmt(sx(x))} y1={fmt(base)} y2={fmt(base - 14.0)} />
        }) }</g> }
    } else {
        let max = f64::from(level.density.iter().copied().max().unwrap_or(1).max(1));
        let bins = level.density.len() as f64;
        html! { <g class="density">{ for level.density.iter().enumerate().map(|(i, &c)| {
            let x = sx((i as f64 + 0.5) / bins);
            html! { <line x1={fmt(x)} x2={fmt(x)} y1={fmt(base)} y2={fmt(base - 4.0 - 26.0 * f64::from(c) / max)} /> }
        }) }</g> }
    };
    let end = (level.start_at + level.span).rem_euclid(1.0);
    // Ten equal parts of the arc, for the table.
    let parts: Vec<u32> = (0..10u32)
        .map(|j| {
            let (lo, hi) = (f64::from(j) / 10.0, f64::from(j + 1) / 10.0);
            if level.density.is_empty() {
                u32::try_from(level.points.iter().filter(|&&x| x >= lo && x < hi).count()).unwrap_or(u32::MAX)
            } else {
                let per = level.density.len() / 10;
                level.density[j as usize * per..(j as usize + 1) * per].iter().sum()
            }
        })
        .collect();
    let magnification = 8u64.pow(p.zoom);
    html! {
        <Chart id="zoom-strip" class="dht-chart" view={(400.0, 64.0)}
            label={format!("The circle magnified {magnification} times around lookup {}'s key: {} identifiers in the arc", p.trace, group_digits(level.slots.into()))}
            legend={vec![LegendItem::new("", "│", "an identifier (or, bunched, their density)"), LegendItem::new("", "◯", "the key")]}
            caption={html! { { format!("×{} around lookup {}'s key: the arc from {:.6} to {:.6} of the circle ({} of it) holds {} identifiers.",
                group_digits(magnification), p.trace, level.start_at, end, crate::lab::percent(level.span, 1.0), group_digits(level.slots.into())) } }}
            table={DataTable { caption: "Identifiers in each tenth of the magnified arc".into(),
                head: vec!["Part of the arc".into(), "Identifiers".into()],
                rows: parts.iter().enumerate().map(|(j, c)| vec![format!("{}–{} %", j * 10, j * 10 + 10), c.to_string()]).collect() }}>
            <line class="zoom-axis" x1={fmt(x0)} x2={fmt(x1)} y1={fmt(base)} y2={fmt(base)} />
            { marks }
            <circle class="key-mark" cx={fmt(sx(0.5))} cy={fmt(base)} r="5" />
            <text class="line-label" x={fmt(x0)} y={fmt(base + 16.0)}>{ format!("{:.6}", level.start_at) }</text>
            <text class="line-label" x={fmt(x1 - 52.0)} y={fmt(base + 16.0)}>{ format!("{end:.6}") }</text>
        </Chart>
    }
}

/// The identifier circle: every node (or, above a few thousand, their density), the key, the
/// traced lookup's first node, and each protocol's route up to the step shown. The newest step
/// lights up, and a message dot travels to it.
pub fn circle(p: &Params, r: &Report, fresh: bool) -> Html {
    let (kx, ky) = on_circle(r.trace_key_at, RADIUS);
    let (sx, sy) = on_circle(r.trace_from_at, RADIUS);
    let nodes = nodes_layer(r);
    let mut routes = Vec::new();
    let mut dots = Vec::new();
    let at_pct = |at: f64| format!("{:.2}", at * 100.0);
    let mut rows = vec![
        vec!["The key".into(), at_pct(r.trace_key_at), String::new(), String::new()],
        vec![
            "The lookup's first node".into(),
            at_pct(r.trace_from_at),
            String::new(),
            String::new(),
        ],
    ];
    for (i, x) in r.protocols.iter().enumerate() {
        let shown = (p.hop as usize).min(x.route.len());
        let mut from = (sx, sy);
        for (j, point) in x.route.iter().take(shown).enumerate() {
            let newest = j + 1 == shown;
            let class = classes!("route", class_of(i), newest.then(|| order_class(0)));
            for &at in &point.timed_out_at {
                let (tx, ty) = on_circle(at, RADIUS);
                routes.push(html! { <line class={classes!(class.clone(), "timed-out")} x1={fmt(from.0)} y1={fmt(from.1)} x2={fmt(tx)} y2={fmt(ty)}
                    data-tip={format!("{}, step {}: a query to a failed node at {:.2}% of the circle timed out", x.protocol.label(), j + 1, at * 100.0)} /> });
            }
            for &at in &point.at {
                let (tx, ty) = on_circle(at, RADIUS);
                routes.push(html! { <line class={class.clone()} x1={fmt(from.0)} y1={fmt(from.1)} x2={fmt(tx)} y2={fmt(ty)} /> });
                routes.push(mark(
                    x.protocol,
                    tx,
                    ty,
                    5.0,
                    classes!("hop-mark", class_of(i)).to_string(),
                    format!(
                        "{}, step {}: node at {:.2}% of the circle; 2^{:.1} from the key after this step",
                        x.protocol.label(),
                        j + 1,
                        at * 100.0,
                        point.remaining_bits
                    ),
                ));
            }
            if let Some(&at) = point.at.first() {
                from = on_circle(at, RADIUS);
            }
            rows.push(vec![
                format!("{} step {}", x.protocol.label(), j + 1),
                point
                    .at
                    .iter()
                    .map(|a| format!("{:.2}", a * 100.0))
                    .collect::<Vec<_>>()
                    .join(", "),
                point
                    .timed_out_at
                    .iter()
                    .map(|a| format!("{:.2}", a * 100.0))
                    .collect::<Vec<_>>()
                    .join(", "),
                format!("{:.1}", point.remaining_bits),
            ]);
        }
        // The message dot stays one element per protocol, so moving it animates the hop.
        dots.push(html! { <circle key={x.protocol.slug()} class={classes!("msg-dot", class_of(i))} cx={fmt(from.0)} cy={fmt(from.1)} r="4" /> });
    }
    let what = if r.ring.is_empty() {
        format!(
            "{} identifiers drawn as their density around the circle",
            group_digits(r.slots)
        )
    } else {
        format!("{} identifiers on the circle (hollow: failed)", group_digits(r.slots))
    };
    let legend_items = legend(
        r,
        &[
            ("key-swatch", "◇", "the key"),
            ("start-swatch", "○", "the lookup's first node"),
            ("", "- -", "a query that timed out"),
        ],
    );
    html! {
        <Chart id="dht-circle" class={classes!("dht-circle", (!fresh).then_some("stale"))} view={(400.0, 400.0)}
            label={format!("The identifier circle: {what}; lookup {} for the key at {:.2}% of the circle, {} steps shown.", p.trace, r.trace_key_at * 100.0, p.hop)}
            legend={legend_items}
            caption={html! { { format!("{what}. Step with Next hop: each protocol's route is drawn from the lookup's first node; Chord's fingers jump across the circle and halve the distance left, Kademlia asks α nodes at a time.") } }}
            table={DataTable { caption: format!("Lookup {}: the nodes each step reached", p.trace),
                head: vec!["Mark or step".into(), "Position, or nodes answering (% of the circle)".into(), "Timed out".into(), "log2 distance left".into()], rows }}>
            <circle class="ring-base" cx={fmt(CENTRE)} cy={fmt(CENTRE)} r={fmt(RADIUS)} />
            { nodes }
            <g class="routes">{ for routes }</g>
            <g class="dots">{ for dots }</g>
            <circle class="start-mark" cx={fmt(sx)} cy={fmt(sy)} r="8" data-tip={format!("The lookup's first node, at {:.2}% of the circle", r.trace_from_at * 100.0)} />
            <path class="key-mark" d={format!("M{},{} l7,7 l-7,7 l-7,-7 Z", fmt(kx), fmt(ky - 7.0))}
                data-tip={format!("The key {:#x}, at {:.2}% of the circle", r.trace_key, r.trace_key_at * 100.0)} />
        </Chart>
    }
}

/// A chart frame's plot area: left, right, top, bottom.
const PLOT: (f64, f64, f64, f64) = (46.0, 384.0, 14.0, 176.0);

/// The traced lookup's distance left after each step, per protocol: Chord halves it about once
/// per hop; Kademlia drops many bits in its first round.
pub fn distance_chart(p: &Params, r: &Report) -> Html {
    let (x0, x1, y0, y1) = PLOT;
    let steps = r.protocols.iter().map(|x| x.route.len()).max().unwrap_or(0).max(1);
    let sx = |s: f64| x0 + (x1 - x0) * s / steps as f64;
    // The distances fall from about m bits to about m − log2 N: the axis spans what they cover.
    let all = r
        .protocols
        .iter()
        .flat_map(|x| std::iter::once(x.start_bits).chain(x.route.iter().map(|pt| pt.remaining_bits)));
    let (lo, hi) = all.fold((f64::from(p.bits), 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let step = ((hi.ceil() - lo.floor() + 1.0) / 4.0).ceil().max(1.0);
    let bottom = (lo.floor() - 1.0).max(0.0);
    let ticks: Vec<f64> = (0..=4).map(|i| bottom + step * f64::from(i)).collect();
    let span = (step * 4.0).max(1.0);
    let sy = |v: f64| y1 - (y1 - y0) * (v - bottom) / span;
    let xt: Vec<f64> = (0..=steps).map(|s| s as f64).collect();
    let mut rows = Vec::new();
    let lines = r
        .protocols
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let values: Vec<f64> = std::iter::once(x.start_bits)
                .chain(x.route.iter().map(|pt| pt.remaining_bits))
                .collect();
            rows.push(
                std::iter::once(x.protocol.label().to_owned())
                    .chain(values.iter().map(|v| format!("{v:.1}")))
                    .collect(),
            );
            let points: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(s, &v)| format!("{},{}", fmt(sx(s as f64)), fmt(sy(v))))
                .collect();
            html! { <g class={class_of(i)}>
                <polyline class="series-line" points={points.join(" ")} />
                { for values.iter().enumerate().map(|(s, &v)| mark(x.protocol, sx(s as f64), sy(v), 3.5, "point".into(),
                    format!("{} after step {s}: 2^{v:.1} from the key", x.protocol.label()))) }
            </g> }
        })
        .collect::<Vec<_>>();
    html! {
        <Chart id="distance-chart" class="dht-chart" view={(400.0, 200.0)}
            label={format!("log2 of the distance left after each step of lookup {}, per protocol", p.trace)}
            legend={legend(r, &[])}
            caption={html! { "Distance left to the key (log2, clockwise for Chord and one-hop, XOR for Kademlia) after each step of the lookup stepped above." }}
            table={DataTable { caption: "log2 distance left after each step".into(),
                head: std::iter::once("Protocol".to_owned()).chain((0..=steps).map(|s| format!("step {s}"))).collect(), rows }}>
            { y_axis(x0, (y1, y0), &ticks, sy, |v| format!("{v:.0}")) }
            { x_axis(y1, (x0, x1), &xt, sx, |s| format!("{s:.0}")) }
            { for lines }
        </Chart>
    }
}

/// The hop histogram of every protocol's lookups, with each mean marked and Chord's theory.
pub fn hops_chart(r: &Report) -> Html {
    let (x0, x1, y0, y1) = PLOT;
    let max_hops = r.protocols.iter().map(|x| x.histogram.len()).max().unwrap_or(1).max(1);
    let groups = max_hops as f64;
    let sx = |h: f64| x0 + (x1 - x0) * h / groups;
    let share = |x: &ProtocolReport, h: usize| x.histogram.get(h).map_or(0.0, |&c| c as f64 / x.lookups.max(1) as f64);
    let top = r
        .protocols
        .iter()
        .flat_map(|x| (0..max_hops).map(move |h| share(x, h)))
        .fold(0.0, f64::max)
        .max(0.01);
    let ticks = nice_ticks(top * 100.0, 4);
    let ymax = ticks.last().copied().unwrap_or(100.0) / 100.0;
    let sy = |v: f64| y1 - (y1 - y0) * v / ymax;
    let width = (x1 - x0) / groups / (r.protocols.len() as f64 + 0.5);
    let bars = r.protocols.iter().enumerate().flat_map(|(i, x)| (0..max_hops).filter(move |&h| share(x, h) > 0.0).map(move |h| {
        let v = share(x, h);
        let bar_x = sx(h as f64) + width * (i as f64 + 0.25);
        html! { <rect class={classes!("bar", class_of(i))} x={fmt(bar_x)} y={fmt(sy(v))} width={fmt(width)} height={fmt(y1 - sy(v))}
            data-tip={format!("{}: {} of the lookups took {h} hops", x.protocol.label(), crate::lab::percent(v, 1.0))} /> }
    }));
    let means = r.protocols.iter().enumerate().map(|(i, x)| {
        let mx = sx(x.mean_hops + 0.5);
        html! { <line class={classes!("mean-line", class_of(i))} x1={fmt(mx)} x2={fmt(mx)} y1={fmt(y0)} y2={fmt(y1)}
        data-tip={format!("{} mean: {:.2} hops", x.protocol.label(), x.mean_hops)} /> }
    });
    let theory = r.protocols.iter().find(|x| x.protocol == Protocol::Chord).map(|x| {
        let tx = sx(x.theory_hops + 0.5);
        html! { <line class="theory-line" x1={fmt(tx)} x2={fmt(tx)} y1={fmt(y0)} y2={fmt(y1)}
        data-tip={format!("Chord's theory: ½·log2 N = {:.2} hops", x.theory_hops)} /> }
    });
    let xt: Vec<f64> = (0..max_hops).map(|h| h as f64).collect();
    let items = legend(r, &[("", "│", "mean"), ("", "┆", "Chord's ½·log2 N")]);
    html! {
        <Chart id="hops-chart" class="dht-chart" view={(400.0, 200.0)} label="Share of lookups by hop count, per protocol, with means"
            legend={items}
            caption={html! { { format!("Share of the {} lookups by hops; the solid lines are the means, the dotted one Chord's ½·log2 N.", group_digits(r.protocols.first().map_or(0, |x| x.lookups))) } }}
            table={DataTable { caption: "Lookups by hop count".into(),
                head: std::iter::once("Hops".to_owned()).chain(r.protocols.iter().map(|x| x.protocol.label().to_owned())).collect(),
                rows: (0..max_hops).map(|h| std::iter::once(h.to_string())
                    .chain(r.protocols.iter().map(|x| group_digits(x.histogram.get(h).copied().unwrap_or(0)))).collect()).collect() }}>
            { y_axis(x0, (y1, y0), &ticks, |v| sy(v / 100.0), |v| format!("{v:.0}%")) }
            { x_axis(y1, (x0, x1), &xt, |h| sx(h + 0.5), |h| format!("{h:.0}")) }
            <g class="bars">{ for bars }</g>
            { for means }
            { for theory }
        </Chart>
    }
}

/// Kademlia's k-buckets of the traced lookup's first node: per bucket, the nodes the network has
/// at that XOR distance (log scale) against the `k` the bucket holds, with the share of the
/// space each bucket covers as theory: each bucket closer in covers half the distance of the
/// one before, so a node knows its near neighbourhood whole and the far one by a sample of k.
pub fn bucket_chart(p: &Params, r: &Report) -> Html {
    let Some(x) = r
        .protocols
        .iter()
        .find(|x| x.protocol == Protocol::Kademlia && !x.buckets.is_empty())
    else {
        return Html::default();
    };
    let (x0, x1, y0, y1) = PLOT;
    let rows = &x.buckets;
    let count = rows.len() as f64;
    let sx = |i: f64| x0 + (x1 - x0) * i / count;
    let decade_count = (r.slots.max(10) - 1).ilog10() + 1;
    let decades = f64::from(decade_count);
    // Counts on a log axis that starts at ½, so a bucket of one node still shows and an empty
    // one sits on the axis.
    let floor = 0.5f64.log10();
    let sy = |v: f64| y1 - (y1 - y0) * (v.max(0.5).log10() - floor) / (decades - floor);
    let width = (x1 - x0) / count;
    let bars = rows.iter().enumerate().map(|(j, b)| {
        let left = sx(j as f64);
        html! { <g>
            <rect class="bucket-range" x={fmt(left + 0.1 * width)} y={fmt(sy(f64::from(b.nodes)))} width={fmt(0.8 * width)} height={fmt(y1 - sy(f64::from(b.nodes)))}
                data-tip={format!("bucket {}: {} live nodes at XOR distance 2^{} to 2^{}", b.index, group_digits(b.nodes.into()), b.index, b.index + 1)} />
            <rect class="bar s1" x={fmt(left + 0.3 * width)} y={fmt(sy(f64::from(b.held)))} width={fmt(0.4 * width)} height={fmt(y1 - sy(f64::from(b.held)))}
                data-tip={format!("bucket {}: holds {} of them", b.index, b.held)} />
        </g> }
    });
    let others = r.slots.saturating_sub(1) as f64;
    let theory: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(j, b)| {
            let expected = others * 2f64.powi(i32::try_from(b.index).unwrap_or(0) - i32::try_from(p.bits).unwrap_or(0));
            format!("{},{}", fmt(sx(j as f64 + 0.5)), fmt(sy(expected)))
        })
        .collect();
    let k_line = sy(f64::from(p.k));
    let yt: Vec<f64> = (0..=decade_count)
        .map(|d| 10f64.powi(i32::try_from(d).unwrap_or(0)))
        .collect();
    let xt: Vec<f64> = (0..rows.len()).step_by(2).map(|j| j as f64).collect();
    let items = vec![
        LegendItem::new("", "▯", "live nodes at that distance"),
        LegendItem::new("s1", "▮", "contacts the bucket holds"),
        LegendItem::new("", "┄", "expected: (N − 1)·2^(i − m)"),
        LegendItem::new("", "—", format!("k = {}", p.k)),
    ];
    html! {
        <Chart id="bucket-chart" class="dht-chart" view={(400.0, 200.0)}
            label={format!("Kademlia's k-buckets of lookup {}'s first node: live nodes at each XOR distance against the contacts held", p.trace)}
            legend={items}
            caption={html! { { format!("The XOR tree from lookup {}'s first node: bucket i holds nodes whose identifiers first differ from its own at bit i, a range half as wide as bucket i + 1's. Near buckets hold everyone there is; far ones a sample of k.", p.trace) } }}
            table={DataTable { caption: "k-buckets of the traced lookup's first node".into(),
                head: vec!["Bucket i".into(), "Live nodes at distance 2^i … 2^(i+1)".into(), "Held".into()],
                rows: rows.iter().map(|b| vec![b.index.to_string(), group_digits(b.nodes.into()), b.held.to_string()]).collect() }}>
            { y_axis(x0, (y1, y0), &yt, sy, |v| format!("{v:.0}")) }
            { x_axis(y1, (x0, x1), &xt, |j| sx(j + 0.5), |j| format!("{:.0}", f64::from(rows[0].index) + j)) }
            <g class="bars">{ for bars }</g>
            <polyline class="theory-line" points={theory.join(" ")} />
            <line class="lost-line" x1={fmt(x0)} x2={fmt(x1)} y1={fmt(k_line)} y2={fmt(k_line)} />
        </Chart>
    }
}

/// Mean hops across N = 2^3 … 2^17 per protocol (left axis), with routing entries per node on a
/// log scale (right axis) and Chord's ½·log2 N.
pub fn sweep_chart(r: &Report) -> Html {
    if r.sweep.is_empty() {
        return Html::default();
    }
    let (x0, x1, y0, y1) = (46.0, 354.0, 14.0, 176.0);
    let exps: Vec<f64> = r.sweep.iter().map(|s| (s.nodes as f64).log2()).collect();
    let (e0, e1) = (exps[0], exps[exps.len() - 1]);
    let sx = |e: f64| x0 + (x1 - x0) * (e - e0) / (e1 - e0).max(1.0);
    let hmax = r
        .sweep
        .iter()
        .flat_map(|s| s.hops.iter().copied())
        .fold(theory::chord_mean_hops(1 << 17), f64::max);
    let hticks = nice_ticks(hmax, 5);
    let htop = hticks.last().copied().unwrap_or(10.0);
    let sy = |v: f64| y1 - (y1 - y0) * v / htop;
    // Routing entries run from a handful to 131,071: a log scale, 1 to 10^6.
    let sy_state = |v: f64| y1 - (y1 - y0) * v.max(1.0).log10() / 6.0;
    let lines = r.protocols.iter().enumerate().map(|(i, x)| {
        let hops: Vec<String> = r.sweep.iter().zip(&exps).map(|(s, &e)| format!("{},{}", fmt(sx(e)), fmt(sy(s.hops[i])))).collect();
        let state: Vec<String> = r.sweep.iter().zip(&exps).map(|(s, &e)| format!("{},{}", fmt(sx(e)), fmt(sy_state(s.state[i])))).collect();
        html! { <g class={class_of(i)}>
            <polyline class="series-line" points={hops.join(" ")} />
            <polyline class="series-line dashed" points={state.join(" ")} />
            { for r.sweep.iter().zip(&exps).map(|(s, &e)| mark(x.protocol, sx(e), sy(s.hops[i]), 3.0, "point".into(),
                format!("{} at N = {}: {:.2} hops", x.protocol.label(), group_digits(s.nodes), s.hops[i]))) }
            { for r.sweep.iter().zip(&exps).map(|(s, &e)| html! { <rect class="point hollow" x={fmt(sx(e) - 2.5)} y={fmt(sy_state(s.state[i]) - 2.5)} width="5" height="5"
                data-tip={format!("{} at N = {}: {} routing entries per node", x.protocol.label(), group_digits(s.nodes), group_float(s.state[i]))} /> }) }
        </g> }
    }).collect::<Vec<_>>();
    let theory_points: Vec<String> = exps
        .iter()
        .map(|&e| format!("{},{}", fmt(sx(e)), fmt(sy(0.5 * e))))
        .collect();
    let items = legend(
        r,
        &[
            ("", "—", "mean hops (left axis)"),
            ("", "- - □", "routing entries per node (right axis, log scale)"),
            ("", "┄", "½·log2 N"),
        ],
    );
    let state_ticks = [1.0, 10.0, 100.0, 1_000.0, 10_000.0, 100_000.0, 1_000_000.0];
    html! {
        <Chart id="sweep-chart" class="dht-chart" view={(400.0, 200.0)} label="Mean hops and routing entries per node against N from 8 to 131,072, per protocol"
            legend={items}
            caption={html! { { format!("Each N is a fresh converged overlay with {} lookups. Multi-hop protocols add about half a hop (Chord) or less (Kademlia) each time N doubles; one-hop's table doubles instead.", group_digits(shardscope_core::labs::dht::SWEEP_LOOKUPS.into())) } }}
            table={DataTable { caption: "Mean hops and routing entries per node by N".into(),
                head: std::iter::once("N".to_owned()).chain(r.protocols.iter().flat_map(|x| [format!("{} hops", x.protocol.label()), format!("{} entries", x.protocol.label())])).collect(),
                rows: r.sweep.iter().map(|s| std::iter::once(group_digits(s.nodes)).chain((0..r.protocols.len()).flat_map(|i| [format!("{:.2}", s.hops[i]), group_float(s.state[i])])).collect()).collect() }}>
            { y_axis(x0, (y1, y0), &hticks, sy, |v| format!("{v:.0}")) }
            <g class="axis" aria-hidden="true">
                <line x1={fmt(x1)} x2={fmt(x1)} y1={fmt(y1)} y2={fmt(y0)} />
                { for state_ticks.iter().map(|&v| html! { <text class="tick" x={fmt(x1 + 6.0)} y={fmt(sy_state(v) + 4.0)}>{ format!("10^{:.0}", v.log10()) }</text> }) }
            </g>
            // Every other size is labelled, so the labels never run into each other on a phone.
            { x_axis(y1, (x0, x1), &exps.iter().copied().step_by(2).collect::<Vec<_>>(), sx, |e| format!("2^{e:.0}")) }
            <polyline class="theory-line" points={theory_points.join(" ")} />
            { for lines }
        </Chart>
    }
}

/// Chord's failure sweep: the share of lookups that miss the key's live successor right after a
/// share of the nodes failed, one line per successor-list length with its stranded-key bound
/// dotted, and the keys lost with their nodes, which is all that still fails after repair.
pub fn failure_chart(r: &Report) -> Html {
    let Some(first) = r.failure_sweep.first() else {
        return Html::default();
    };
    let (x0, x1, y0, y1) = (46.0, 354.0, 14.0, 176.0);
    let sx = |pct: f64| x0 + (x1 - x0) * pct / 50.0;
    let sy = |share: f64| y1 - (y1 - y0) * share;
    let share = |count: u32| f64::from(count) / f64::from(FAILURE_LOOKUPS);
    // The lines' end labels, moved apart from the bottom up so that lines ending close together
    // (r = 8 and r = 16 both near zero) keep readable labels.
    let mut ends: Vec<(f64, usize)> = (0..r.failure_sweep.len())
        .map(|i| {
            (
                sy(r.failure_sweep[i].points.last().map_or(0.0, |pt| share(pt.misrouted))) + 4.0,
                i,
            )
        })
        .collect();
    ends.sort_by(|a, b| b.0.total_cmp(&a.0));
    for j in 1..ends.len() {
        ends[j].0 = ends[j].0.min(ends[j - 1].0 - 11.0);
    }
    let label_y = |i: usize| ends.iter().find(|e| e.1 == i).map_or(y1, |e| e.0);
    let lines = r.failure_sweep.iter().enumerate().map(|(i, c)| {
        let measured: Vec<String> = c.points.iter().map(|pt| format!("{},{}", fmt(sx(f64::from(pt.fail))), fmt(sy(share(pt.misrouted))))).collect();
        let bound: Vec<String> = c.points.iter().map(|pt| format!("{},{}", fmt(sx(f64::from(pt.fail))), fmt(sy(pt.theory_misrouted)))).collect();
        html! { <g class={class_of(i)}>
            <polyline class="series-line dotted" points={bound.join(" ")} />
            <polyline class="series-line" points={measured.join(" ")} />
            { for c.points.iter().map(|pt| html! { <circle class="point" cx={fmt(sx(f64::from(pt.fail)))} cy={fmt(sy(share(pt.misrouted)))} r="2.5"
                data-tip={format!("r = {}, {} % failed: {} of {} lookups missed the live successor (bound {}); {:.2} timeouts each",
                    c.successors, pt.fail, pt.misrouted, FAILURE_LOOKUPS, crate::lab::percent(pt.theory_misrouted, 1.0), pt.mean_timeouts)} /> }) }
            <text class="line-label" x={fmt(x1 + 4.0)} y={fmt(label_y(i))}>{ format!("r = {}", c.successors) }</text>
        </g> }
    }).collect::<Vec<_>>();
    let lost: Vec<String> = first
        .points
        .iter()
        .map(|pt| format!("{},{}", fmt(sx(f64::from(pt.fail))), fmt(sy(share(pt.lost)))))
        .collect();
    let items: Vec<LegendItem> = r
        .failure_sweep
        .iter()
        .enumerate()
        .map(|(i, c)| LegendItem::new(class_of(i), "●", format!("successor list r = {}", c.successors)))
        .chain([
            LegendItem::new(
                "",
                "┄",
                "keys stranded behind r dead successors: p^r·((r+1)(1−p)+p), a lower bound",
            ),
            LegendItem::new(
                "",
                "—",
                "keys lost with their nodes: all that still fails after repair (§6.4)",
            ),
        ])
        .collect();
    let head = std::iter::once("Failed nodes".to_owned())
        .chain(r.failure_sweep.iter().flat_map(|c| {
            [
                format!("r = {} missed", c.successors),
                format!("r = {} bound", c.successors),
                format!("r = {} timeouts per lookup", c.successors),
            ]
        }))
        .chain(std::iter::once("Keys lost".to_owned()))
        .collect();
    let rows = first
        .points
        .iter()
        .enumerate()
        .map(|(j, pt)| {
            std::iter::once(format!("{} %", pt.fail))
                .chain(r.failure_sweep.iter().flat_map(|c| {
                    let q = &c.points[j];
                    [
                        crate::lab::percent(share(q.misrouted), 1.0),
                        crate::lab::percent(q.theory_misrouted, 1.0),
                        format!("{:.2}", q.mean_timeouts),
                    ]
                }))
                .chain(std::iter::once(crate::lab::percent(share(pt.lost), 1.0)))
                .collect()
        })
        .collect();
    let yt = [0.0, 25.0, 50.0, 75.0, 100.0];
    let xt = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0];
    html! {
        <Chart id="failure-chart" class="dht-chart" view={(400.0, 200.0)}
            label="Share of Chord lookups that miss the key's live successor right after a share of the nodes failed, for successor lists of 1, 2, 4, 8 and 16"
            legend={items}
            caption={html! { { format!("Chord before any repair: the same nodes fail for every r, and the same {} lookups run at each share. A successor list of about 2·log2 N keeps routing whole even with half the nodes down; the keys on the dead nodes are gone whatever r is.", group_digits(FAILURE_LOOKUPS.into())) } }}
            table={DataTable { caption: "Lookups that missed the live successor, the stranded-key bound and timeouts, by failed share and successor-list length".into(), head, rows }}>
            { y_axis(x0, (y1, y0), &yt, |v| sy(v / 100.0), |v| format!("{v:.0}%")) }
            { x_axis(y1, (x0, x1), &xt, sx, |v| format!("{v:.0}%")) }
            <polyline class="lost-line" points={lost.join(" ")} />
            { for lines }
        </Chart>
    }
}

/// Nodes by load (keys / mean), with the Gamma(r, 1/r) law as the theory curve.
pub fn load_chart(p: &Params, r: &Report) -> Html {
    let load = &r.load;
    if load.keys == 0 {
        return Html::default();
    }
    let (x0, x1, y0, y1) = PLOT;
    let bins = f64::from(LOAD_BINS);
    let sx = |v: f64| x0 + (x1 - x0) * v / (bins * LOAD_BIN);
    let top = load
        .histogram
        .iter()
        .map(|&c| c as f64)
        .chain(load.theory_histogram.iter().copied())
        .fold(1.0, f64::max);
    let ticks = nice_ticks(top, 4);
    let ymax = ticks.last().copied().unwrap_or(top);
    let sy = |v: f64| y1 - (y1 - y0) * v / ymax;
    let last = LOAD_BINS as usize - 1;
    let bin_name = |i: usize| {
        let lo = i as f64 * LOAD_BIN;
        if i == last {
            format!("≥ {lo:.2}×")
        } else {
            format!("{lo:.2}–{:.2}×", lo + LOAD_BIN)
        }
    };
    let bars = load.histogram.iter().enumerate().filter(|(_, &c)| c > 0).map(|(i, &c)| {
        let bar_x = sx(i as f64 * LOAD_BIN);
        html! { <rect class="bar s0" x={fmt(bar_x + 0.5)} y={fmt(sy(c as f64))} width={fmt(sx(LOAD_BIN) - x0 - 1.0)} height={fmt(y1 - sy(c as f64))}
            data-tip={format!("{} nodes hold {} the mean load", group_digits(c), bin_name(i))} /> }
    });
    let curve: Vec<String> = load
        .theory_histogram
        .iter()
        .enumerate()
        .map(|(i, &e)| format!("{},{}", fmt(sx((i as f64 + 0.5) * LOAD_BIN)), fmt(sy(e))))
        .collect();
    let xt: Vec<f64> = (0..=10).map(f64::from).collect();
    let ratio = |v: f64| format!("{:.2}×", v / load.mean);
    html! {
        <Chart id="load-chart" class="dht-chart" view={(400.0, 200.0)}
            label={format!("Nodes by key load relative to the mean, with {} identifiers per node, and the Gamma({}, 1/{}) law", p.vids, p.vids, p.vids)}
            legend={vec![LegendItem::new("s0", "■", "nodes measured"), LegendItem::new("", "┄", format!("Gamma({0}, 1/{0}) expects", p.vids))]}
            caption={html! { <>
                { format!("{} keys on {} live nodes ({:.1} each on average): ", group_digits(load.keys), group_digits(r.protocols.first().map_or(0, |_| load.histogram.iter().sum::<u64>())), load.mean) }
                <span id="load-numbers">{ format!("{} without a key; 1st percentile {} (theory {}), 99th {} (theory {}), most {} (theory ≈ {} for the largest of N).",
                    if load.empty == 1 { "1 node".to_owned() } else { format!("{} nodes", group_digits(load.empty)) }, ratio(load.p1 as f64), ratio(load.theory_p1), ratio(load.p99 as f64), ratio(load.theory_p99), ratio(load.max as f64), ratio(load.theory_max)) }</span>
                { " The theory counts arcs only; the keys' own sampling adds a little spread at low loads per node." }
            </> }}
            table={DataTable { caption: "Nodes by load / mean".into(), head: vec!["Load / mean".into(), "Nodes".into(), "Gamma expects".into()],
                rows: (0..LOAD_BINS as usize).map(|i| vec![bin_name(i), group_digits(load.histogram[i]), format!("{:.1}", load.theory_histogram[i])]).collect() }}>
            { y_axis(x0, (y1, y0), &ticks, sy, group_float) }
            { x_axis(y1, (x0, x1), &xt, sx, |v| format!("{v:.0}×")) }
            <g class="bars">{ for bars }</g>
            <polyline class="theory-line" points={curve.join(" ")} />
        </Chart>
    }
}

/// The churn experiment: the share of each tick's lookups that missed the key's live owner, per
/// protocol, with the maintenance rounds marked and Chord's §6.5 estimate.
pub fn churn_chart(p: &Params, r: &Report) -> Html {
    if r.protocols.iter().all(|x| x.churn.is_empty()) {
        return Html::default();
    }
    let (x0, x1, y0, y1) = PLOT;
    let ticks = f64::from(CHURN_TICKS);
    let sx = |t: f64| x0 + (x1 - x0) * t / ticks;
    let share = |m: u32| f64::from(m) / f64::from(CHURN_LOOKUPS);
    let theory = r.protocols.iter().find_map(|x| x.churn_theory);
    let top = r
        .protocols
        .iter()
        .flat_map(|x| x.churn.iter().map(|t| share(t.misrouted)))
        .chain(theory)
        .fold(0.01, f64::max);
    let yticks = nice_ticks(top * 100.0, 4);
    let ymax = yticks.last().copied().unwrap_or(1.0) / 100.0;
    let sy = |v: f64| y1 - (y1 - y0) * v / ymax;
    let lines = r.protocols.iter().enumerate().filter(|(_, x)| !x.churn.is_empty()).map(|(i, x)| {
        let points: Vec<String> = x.churn.iter().enumerate().map(|(t, c)| format!("{},{}", fmt(sx(t as f64 + 0.5)), fmt(sy(share(c.misrouted))))).collect();
        html! { <g class={class_of(i)}>
            <polyline class="series-line" points={points.join(" ")} />
            { for x.churn.iter().enumerate().map(|(t, c)| mark(x.protocol, sx(t as f64 + 0.5), sy(share(c.misrouted)), 2.5, "point".into(),
                format!("{}, tick {}: {} of {} lookups missed the live owner; {:.2} timeouts each; {} of routing entries stale{}", x.protocol.label(), t + 1, c.misrouted, CHURN_LOOKUPS, c.mean_timeouts, crate::lab::percent(c.stale, 1.0),
                    if c.maintained { "; a maintenance round ran after it" } else { "" }))) }
        </g> }
    }).collect::<Vec<_>>();
    let rounds = r
        .protocols
        .iter()
        .find(|x| !x.churn.is_empty())
        .map(|x| {
            x.churn
                .iter()
                .enumerate()
                .filter(|(_, c)| c.maintained)
                .map(|(t, _)| {
                    let x = sx(t as f64 + 1.0);
                    html! { <line class="round-mark" x1={fmt(x)} x2={fmt(x)} y1={fmt(y1)} y2={fmt(y1 - 6.0)} /> }
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let theory_line = theory.map(|t| html! { <line class="theory-line" x1={fmt(x0)} x2={fmt(x1)} y1={fmt(sy(t))} y2={fmt(sy(t))}
        data-tip={format!("Chord §6.5's estimate: mean hops × failures per period / N = {}", crate::lab::percent(t, 1.0))} /> });
    // Without maintenance there is neither a round to mark nor the estimate, which needs a period.
    let more: &[(&str, &'static str, &str)] = if p.period == 0 {
        &[]
    } else {
        &[
            ("", "┄", "Chord §6.5: hops × failures per period / N"),
            ("", "╵", "a maintenance round"),
        ]
    };
    let items = legend(r, more);
    let xt: Vec<f64> = (0..=CHURN_TICKS).step_by(10).map(f64::from).collect();
    let head = std::iter::once("Tick".to_owned())
        .chain(r.protocols.iter().filter(|x| !x.churn.is_empty()).flat_map(|x| {
            [
                format!("{} missed", x.protocol.label()),
                format!("{} mean hops", x.protocol.label()),
                format!("{} timeouts per lookup", x.protocol.label()),
                format!("{} stale entries", x.protocol.label()),
            ]
        }))
        .collect();
    let rows = (0..CHURN_TICKS as usize)
        .map(|t| {
            std::iter::once((t + 1).to_string())
                .chain(r.protocols.iter().filter_map(|x| x.churn.get(t)).flat_map(|c| {
                    [
                        c.misrouted.to_string(),
                        format!("{:.2}", c.mean_hops),
                        format!("{:.2}", c.mean_timeouts),
                        crate::lab::percent(c.stale, 1.0),
                    ]
                }))
                .collect()
        })
        .collect();
    html! {
        <Chart id="churn-chart" class="dht-chart" view={(400.0, 200.0)}
            label={format!("Share of each tick's lookups that missed the live owner under churn: {} nodes fail and {} join per tick, maintenance every {} ticks", p.churn, p.churn, p.period)}
            legend={items}
            caption={html! { { format!("Churn: {} of {} nodes fail and as many join each tick; {}. Each point is one tick's {} lookups.",
                p.churn, group_digits(p.nodes.into()), if p.period == 0 { "no maintenance ever runs".to_owned() } else { format!("a maintenance round every {} ticks", p.period) }, CHURN_LOOKUPS) } }}
            table={DataTable { caption: "Lookups that missed the live owner, hops, timeouts, and stale routing entries, per tick of churn".into(), head, rows }}>
            { y_axis(x0, (y1, y0), &yticks, |v| sy(v / 100.0), |v| format!("{v:.0}%")) }
            { x_axis(y1, (x0, x1), &xt, sx, |t| format!("{t:.0}")) }
            { for rounds }
            { for theory_line }
            { for lines }
        </Chart>
    }
}
