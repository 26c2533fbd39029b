//! The Message bus lab's brokers: where each partition's replicas live (brokers × partitions for
//! a small cluster), which replica leads, and what the delivery scenario's broker crash moves;
//! with a table of each broker's leaderships before and after. It only maps the report to marks.

use shardscope_core::labs::bus::{ClusterReport, Field, Params};
use yew::prelude::*;

use crate::chart::{fmt, Chart, DataTable, LegendItem};
use crate::lab::{group_digits, group_float};

/// The largest cluster drawn replica by replica; a larger one has only its table.
const GRID_PARTITIONS: usize = 64;
const GRID_BROKERS: u32 = 16;

/// What a replica is at the end of the run.
fn role(c: &ClusterReport, p: usize, b: u32) -> (&'static str, &'static str) {
    let leader = c.replicas[p][0] == b;
    match &c.failover {
        Some(f) if f.dead == b => ("replica-dead", "on the broker that died"),
        Some(f) if f.leaders_after[p] == Some(b) && !leader => ("replica-new-leader", "its new leader"),
        _ if leader => ("replica-leader", "its leader"),
        _ => ("replica-follower", "a follower"),
    }
}

fn grid(c: &ClusterReport) -> Html {
    let partitions = c.replicas.len();
    let (x0, top, row) = (64.0, 18.0, 18.0);
    let cell = ((400.0 - x0 - 4.0) / partitions.max(1) as f64).min(36.0);
    let height = top + row * f64::from(c.brokers) + 4.0;
    let dead = c.failover.as_ref().map(|f| f.dead);
    let labels = (0..c.brokers).map(|b| {
        let name = if Some(b) == dead { format!("b{b} (died)") } else { format!("b{b}") };
        html! { <text class="tick" x={fmt(x0 - 4.0)} y={fmt(top + row * f64::from(b) + row * 0.75)} text-anchor="end">{ name }</text> }
    });
    let every = partitions.div_ceil(16).max(1);
    let heads = (0..partitions).step_by(every).map(|p| {
        html! { <text class="tick" x={fmt(x0 + cell * (p as f64 + 0.5))} y="12" text-anchor="middle">{ p }</text> }
    });
    let marks = c.replicas.iter().enumerate().flat_map(|(p, set)| {
        set.iter().map(move |&b| {
            let (class, what) = role(c, p, b);
            html! { <rect class={classes!("cell", class)} x={fmt(x0 + cell * p as f64 + cell * 0.1)} y={fmt(top + row * f64::from(b) + row * 0.1)}
                width={fmt(cell * 0.8)} height={fmt(row * 0.8)} data-tip={format!("partition {p} on broker {b}: {what}")} /> }
        })
    });
    html! {
        <Chart id="brokers-chart" class="bus-chart" view={(400.0, height)}
            label="Which brokers hold each partition's replicas, and which replica leads"
            legend={vec![
                LegendItem::new("replica-leader", "■", "leader"),
                LegendItem::new("replica-follower", "□", "follower"),
                LegendItem::new("replica-new-leader", "◆", "new leader after the crash"),
                LegendItem::new("replica-dead", "┆", "on the broker that died"),
            ]}
            table={replica_table(c)}
            caption={html! { "Each column is a partition, each row a broker; a square is one replica. The first replica Kafka places is the preferred leader; when its broker dies, the next live replica in the assignment's order takes over." }}>
            { for heads }
            { for labels }
            { for marks }
        </Chart>
    }
}

fn replica_table(c: &ClusterReport) -> DataTable {
    DataTable {
        caption: "Each partition's replicas, leader first".into(),
        head: vec![
            "Partition".into(),
            "Replicas (brokers)".into(),
            "Leader at the end".into(),
        ],
        rows: c
            .replicas
            .iter()
            .enumerate()
            .map(|(p, set)| {
                let leader = c.failover.as_ref().map_or(Some(set[0]), |f| f.leaders_after[p]);
                vec![
                    p.to_string(),
                    set.iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
                    leader.map_or_else(|| "none: offline".into(), |b| b.to_string()),
                ]
            })
            .collect(),
    }
}

/// The brokers section: the sentence on the crash, the picture and each broker's numbers.
pub fn section(c: &ClusterReport, p: &Params) -> Html {
    let partitions = c.replicas.len();
    let factor = p.get(Field::Replicas);
    let mut held = vec![0u32; c.brokers as usize];
    for set in &c.replicas {
        for &b in set {
            held[b as usize] += 1;
        }
    }
    let led_before = c.failover.as_ref().map_or_else(
        || {
            let mut n = vec![0u32; c.brokers as usize];
            for set in &c.replicas {
                n[set[0] as usize] += 1;
            }
            n
        },
        |f| f.led_before.clone(),
    );
    let what = c.failover.as_ref().map_or_else(
        || "No broker fails in this run: choose “The leader's broker crashes” under What fails to see a failover.".to_owned(),
        |f| format!(
            "Broker {} dies (it leads partition 0, the one followed below): {} leaderships move to the next replica, {} partitions lose an in-sync replica (P·RF/B = {} predicts it), {} are offline and {} have fewer in-sync replicas than min.insync.replicas, so they refuse acks=all writes until it is back.",
            f.dead,
            group_digits(f.moved_leaders.into()),
            group_digits(f.under_replicated.into()),
            group_float(c.under_replicated_theory),
            group_digits(f.offline.into()),
            group_digits(f.below_min_insync.into())
        ),
    );
    html! {
        <section class="brokers" aria-label="The brokers">
            <h2>{ "The brokers" }</h2>
            <p id="brokers-summary">{ format!(
                "{} partitions on {} brokers, {factor} replicas each, placed as Kafka places them: first replicas round robin from a seeded broker, the others at a shift that grows every {} partitions. Each broker leads P/B = {} on average. ",
                group_digits(partitions as u64), c.brokers, c.brokers, group_float(c.leaders_mean)
            ) }{ what }</p>
            if partitions <= GRID_PARTITIONS && c.brokers <= GRID_BROKERS {
                { grid(c) }
            }
            <div class="table-scroll" tabindex="0" role="region" aria-label="Each broker's replicas and leaderships">
                <table class="loads" id="brokers-table">
                    <thead><tr><th scope="col">{ "Broker" }</th><th scope="col">{ "Replicas held" }</th>
                        <th scope="col">{ "Leads before" }</th><th scope="col">{ "Leads after the crash" }</th></tr></thead>
                    <tbody>
                        { for (0..c.brokers).map(|b| {
                            let i = b as usize;
                            html! { <tr data-broker={b.to_string()}>
                                <th scope="row">{ format!("b{b}") }</th>
                                <td class="held">{ group_digits(held[i].into()) }</td>
                                <td class="led-before">{ group_digits(led_before[i].into()) }</td>
                                <td class="led-after">{ c.failover.as_ref().map_or_else(|| "—".into(), |f| group_digits(f.led_after[i].into())) }</td>
                            </tr> }
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
