//! How fast each consumer-group assignor assigns 10,000 partitions to 1,000 members: from
//! nothing, after one member joins (the sticky assignors reading the previous assignment), and
//! with two subscriptions, which takes the sticky assignors' general path.
//!
//! Run with `cargo bench -p shardscope-core --bench bus`; results are recorded in
//! docs/benchmarks.md.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use shardscope_core::bus::assign::{Assignor, Group, GroupSpec, MemberSpec, TopicSpec};
use shardscope_core::query::Choice;

const MEMBERS: u32 = 1_000;

/// 1,000 members over 100 topics of 100 partitions; with `split`, the odd members subscribe to
/// the first half of the topics only.
fn group(members: u32, split: bool) -> Group {
    let topics: Vec<TopicSpec> = (0..100)
        .map(|t| TopicSpec {
            name: format!("topic-{t:03}"),
            partitions: 100,
        })
        .collect();
    let members = (0..members)
        .map(|i| {
            let take = if split && i % 2 == 1 { 50 } else { 100 };
            MemberSpec {
                id: format!("consumer-{i:04}"),
                topics: topics.iter().take(take).map(|t| t.name.clone()).collect(),
                owned: vec![],
            }
        })
        .collect();
    Group::from_spec(&GroupSpec { topics, members }).unwrap()
}

fn assignors(c: &mut Criterion) {
    let mut g = c.benchmark_group("assign 10,000 partitions to 1,000 members");
    g.sample_size(10);
    let fresh = group(MEMBERS, false);
    let split = group(MEMBERS, true);
    for &a in Assignor::ALL {
        g.bench_function(format!("{}, no history", a.slug()), |b| {
            b.iter(|| a.plan(black_box(&fresh)));
        });
        // The 1,000th member joins 999 that own what this assignor gave them.
        let before = group(MEMBERS - 1, false);
        let owned = a.assign(&before);
        let joined = group(MEMBERS, false).with_previous(owned.owners().to_vec()).unwrap();
        g.bench_function(format!("{}, one joins", a.slug()), |b| {
            b.iter(|| a.plan(black_box(&joined)));
        });
        g.bench_function(format!("{}, two subscriptions", a.slug()), |b| {
            b.iter(|| a.plan(black_box(&split)));
        });
    }
    g.finish();
}

criterion_group!(benches, assignors);
criterion_main!(benches);
