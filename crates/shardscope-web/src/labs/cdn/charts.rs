//! The CDN lab's picture: the requests per second reaching the origin over time, one line per
//! run (each `max-age`, without and with shields), the flush marked.

use shardscope_core::labs::cdn::Report;
use yew::prelude::*;

use crate::timeline::{timeline, Line, Timeline};

/// The origin's load over time.
pub fn origin_chart(r: &Report, done: bool) -> Html {
    let per_second = 1_000.0 / f64::from(r.bucket_ms.max(1));
    let len = r.runs.first().map_or(0, |a| a.series.len());
    timeline(
        &Timeline {
            id: "origin-chart",
            label: "Requests per second reaching the origin over time, one line per max-age, without and with shields",
            caption: format!(
                "Requests the origin receives per second (fetches and revalidations), in buckets of {} ms, over the {} s run. The first minutes fill the empty caches; after that each expiry sends one request upstream again.",
                r.bucket_ms,
                r.run_ms / 1_000
            ),
            table_caption: "Requests per second reaching the origin, per run",
            run_ms: r.run_ms,
            lines: r
                .runs
                .iter()
                .map(|a| Line {
                    name: a.name.clone(),
                    slug: a.slug.clone(),
                    points: a
                        .series
                        .iter()
                        .map(|b| (b.at_ms, b.origin_requests as f64 * per_second))
                        .collect(),
                })
                .collect(),
            level: None,
            markers: r
                .flush_ms
                .map(|ms| {
                    (
                        ms,
                        format!("everything is purged at {:.1} s", f64::from(ms) / 1_000.0),
                        "everything is purged",
                    )
                })
                .into_iter()
                .collect(),
            // About sixty rows keep the table readable; the picture has every bucket.
            table_every: len.div_ceil(60).max(1),
        },
        done,
    )
}
