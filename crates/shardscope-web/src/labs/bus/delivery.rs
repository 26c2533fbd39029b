//! The Message bus lab's delivery table: one partition's messages under each guarantee, each
//! lost, refused, duplicated or reordered message named by its number.

use shardscope_core::labs::bus::{DeliveryReport, Field, Params, Report, LISTED};
use shardscope_core::query::Choice;
use yew::prelude::*;

use super::semantics_label;
use crate::lab::group_digits;

/// `ids` as runs ("491–498, 500"), with a note when the report listed only the first.
fn ranges(count: u32, ids: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && ids[j + 1] == ids[j] + 1 {
            j += 1;
        }
        parts.push(if j == i {
            ids[i].to_string()
        } else {
            format!("{}–{}", ids[i], ids[j])
        });
        i = j + 1;
    }
    if count as usize > ids.len() {
        parts.push(format!("… (the first {LISTED} listed)"));
    }
    parts.join(", ")
}

fn ids_cell(class: &'static str, (count, ids): &(u32, Vec<u32>)) -> Html {
    html! {
        <td class={class}>
            <span class="count">{ group_digits((*count).into()) }</span>
            if *count > 0 {
                <span class="ids">{ ranges(*count, ids) }</span>
            }
        </td>
    }
}

/// Each guarantee's delivery, message by message.
pub fn table(r: &Report, p: &Params) -> Html {
    let row = |d: &DeliveryReport| {
        html! {
            <tr data-semantics={d.semantics.clone()}>
                <th scope="row">{ semantics_label(&d.semantics) }</th>
                <td class="acks">{ format!("acks={}{}", d.acks, if d.idempotent { ", idempotent" } else { "" }) }</td>
                <td class="output">{ group_digits(d.output.into()) }</td>
                { for [
                    ("lost", &d.lost),
                    ("acked-lost", &d.acked_lost),
                    ("skipped", &d.skipped),
                    ("refused", &d.refused),
                    ("duplicated", &d.duplicated),
                    ("log-duplicates", &d.log_duplicates),
                    ("out-of-order", &d.out_of_order),
                ].into_iter().map(|(class, listed)| ids_cell(class, listed)) }
            </tr>
        }
    };
    html! {
        <section class="delivery" aria-label="Delivery">
            <h2>{ "Delivery, message by message" }</h2>
            <p>{ format!("One partition, {} messages followed by number, {} replicas (min.insync.replicas {}), followers {} ticks behind, {} requests in flight, {} records a poll. {}.",
                group_digits(p.get(Field::Followed).into()), p.get(Field::Replicas), p.get(Field::MinInsync), p.get(Field::Lag),
                p.get(Field::InFlight), p.get(Field::Batch), p.fault.label()) }</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Delivery under each guarantee">
                <table class="loads" id="delivery">
                    <thead><tr>
                        <th scope="col">{ "Guarantee" }</th><th scope="col">{ "Producer" }</th><th scope="col">{ "Output" }</th>
                        <th scope="col">{ "Lost" }</th><th scope="col">{ "of which acknowledged" }</th><th scope="col">{ "of which skipped" }</th>
                        <th scope="col">{ "Refused (the producer was told)" }</th><th scope="col">{ "Duplicated" }</th>
                        <th scope="col">{ "of which twice in the log" }</th><th scope="col">{ "Out of order in the log" }</th>
                    </tr></thead>
                    <tbody>{ for r.delivery.iter().map(row) }</tbody>
                </table>
            </div>
            <p>{ "Lost: never in the output, and the producer was not told. Acknowledged: the leader said it had it, and a failover dropped it. Skipped: in the log, but the consumer's committed offset was already past it. A duplicate is in the output more than once, either because the log holds it twice (a retry without idempotence) or because the consumer processed it again." }</p>
        </section>
    }
}
