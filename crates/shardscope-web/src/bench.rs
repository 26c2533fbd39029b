//! `#/debug/bench`: times core functions in the browser, for the browser benchmark
//! (`tests/bench/labs.bench.spec.ts`) to compare with the same functions natively.
//!
//! It runs only when opened, measures with `performance.now()` (the core itself never reads a
//! clock), and shows plain numbers in a table.

use shardscope_core::hash::KeySet;
use shardscope_core::merkle::antientropy::{Entries, MerkleTree};
use shardscope_core::merkle::rfc6962;
use yew::prelude::*;

fn now_ms() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}

/// Runs `f` `rounds` times and returns the fastest time in milliseconds.
fn fastest(rounds: u32, mut f: impl FnMut()) -> f64 {
    (0..rounds)
        .map(|_| {
            let start = now_ms();
            f();
            now_ms() - start
        })
        .fold(f64::INFINITY, f64::min)
}

/// The same records the native benchmark (`crates/shardscope-bench`) hashes.
fn records(n: u32) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| format!("record {i}: payment {:016x}", i.wrapping_mul(2_654_435_761)).into_bytes())
        .collect()
}

fn measure() -> Vec<(&'static str, f64)> {
    let data = records(65_536);
    let leaves: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();
    let root_ms = fastest(5, || {
        std::hint::black_box(rfc6962::root(std::hint::black_box(&leaves)));
    });
    let keys = KeySet::new(1, 1_000_000);
    let entries: Entries = (0..1_000_000).map(|i| (keys.key(i), i)).collect();
    let build_ms = fastest(5, || {
        std::hint::black_box(MerkleTree::build(std::hint::black_box(&entries), 15).expect("depth 15"));
    });
    vec![
        ("rfc6962_root_65536_records", root_ms),
        ("anti_entropy_build_1m_entries_depth15", build_ms),
    ]
}

/// Ten million placements on 1,000 nodes per algorithm, fastest of three: the same loop the
/// native `shardscope bench-placement` times.
fn measure_placement() -> Vec<(&'static str, f64)> {
    use shardscope_core::placement::{place_all, BENCH_CASES};
    let nodes: Vec<u32> = (0..1000).collect();
    let keys = KeySet::new(1, 10_000_000);
    BENCH_CASES
        .iter()
        .map(|(name, algorithm)| {
            let placement = algorithm
                .build(&shardscope_core::placement::Settings::DEFAULT, 1, &nodes)
                .expect("valid benchmark case");
            let ms = fastest(3, || {
                std::hint::black_box(place_all(placement.as_ref(), &keys, 1 << 16));
            });
            (*name, ms)
        })
        .collect()
}

/// The benchmark page.
#[function_component]
pub fn Bench() -> Html {
    let results = use_memo((), |()| measure());
    table(&results)
}

/// The placement benchmark page.
#[function_component]
pub fn BenchPlacement() -> Html {
    let results = use_memo((), |()| measure_placement());
    table(&results)
}

fn table(results: &[(&'static str, f64)]) -> Html {
    html! {
        <section class="bench">
            <h1>{ "Browser benchmark" }</h1>
            <table class="loads" id="bench">
                <thead><tr><th scope="col">{ "Case" }</th><th scope="col">{ "Fastest time (ms)" }</th></tr></thead>
                <tbody>{ for results.iter().map(|(name, ms)| html! {
                    <tr data-case={*name} data-ms={format!("{ms:.3}")}><th scope="row">{ *name }</th><td>{ format!("{ms:.3}") }</td></tr>
                }) }</tbody>
            </table>
        </section>
    }
}
