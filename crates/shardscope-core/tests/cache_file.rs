//! The Caching lab over a user's own trace file: a trace the lab wrote replays to the same
//! numbers, sizes give byte miss ratios (LRU's from its stack distances equal to a simulation),
//! and bad files fail with the line to blame rather than a panic.

// proptest is native-only; wasm32 runs the known-answer file.
#![cfg(not(target_arch = "wasm32"))]

use std::fmt::Write as _;
use std::sync::Arc;

use proptest::prelude::*;
use shardscope_core::cache::tracefile::read_all;
use shardscope_core::cache::workload::Generator;
use shardscope_core::cache::Policy;
use shardscope_core::labs::cache::{Distribution, Params, Report, NO_FILE};
use shardscope_core::labs::{run_to_end, try_run_to_end, Computes};

fn small() -> Params {
    Params {
        policies: vec![Policy::Lru, Policy::TinyLfu, Policy::Random, Policy::Arc, Policy::Opt],
        objects: 5_000,
        requests: 100_000,
        size: 200,
        scan_percent: 10,
        scan_len: 500,
        ..Params::default()
    }
}

fn over_file(params: &Params, text: String) -> Result<Report, String> {
    let p = Params {
        distribution: Distribution::File,
        ..params.clone()
    };
    try_run_to_end(p.start_with(Some(Arc::new(text.into_bytes())))?)
}

/// The file `shardscope cache-trace` writes: a header, then one object per line.
fn written(params: &Params) -> String {
    let mut text = String::from("key\n");
    for x in Generator::generate(params.workload()).requests {
        writeln!(text, "{x}").unwrap();
    }
    text
}

#[test]
fn a_trace_the_lab_wrote_replays_to_the_same_numbers() {
    let p = small();
    let drawn = run_to_end(p.start().unwrap());
    let read = over_file(&p, written(&p)).unwrap();
    let file = read.file.as_ref().expect("read from a file");
    assert!(file.header && !file.renumbered && !file.sizes && !file.truncated);
    assert_eq!(file.lines, u64::from(p.requests) + 1);
    assert_eq!(read.policies, drawn.policies);
    assert_eq!(
        (read.distinct, read.cold, read.lru_curve.clone()),
        (drawn.distinct, drawn.cold, drawn.lru_curve)
    );
    // A file is not an independent draw from a known law, so no formula is drawn beside it.
    assert!(read.che_curve.is_empty() && !read.independent);
}

/// The file `shardscope cache-trace` writes for drawn sizes: a header, then object and size.
fn written_sized(params: &Params) -> String {
    let mut text = String::from("key,size\n");
    let trace = Generator::generate(params.workload());
    let sizes = params.drawn_sizes(&trace.requests).expect("sizes are drawn");
    for (x, size) in trace.requests.iter().zip(sizes) {
        writeln!(text, "{x},{size}").unwrap();
    }
    text
}

#[test]
fn drawn_sizes_give_byte_miss_ratios_and_replay_from_the_trace_the_lab_wrote() {
    let p = Params {
        object_kb: 20,
        ..small()
    };
    let drawn = run_to_end(p.start().unwrap());
    assert!(drawn.counted_bytes.is_some());
    let lru = &drawn.policies[0];
    let (bytes, objects) = (lru.byte_miss_ratio.expect("sizes give a byte ratio"), lru.miss_ratio);
    // Sizes differ, so bytes and objects miss differently.
    assert!((bytes - objects).abs() > 1e-4, "{bytes} vs {objects}");
    let read = over_file(&p, written_sized(&p)).unwrap();
    assert!(read.file.as_ref().is_some_and(|f| f.sizes));
    assert_eq!(read.policies, drawn.policies);
    assert_eq!(read.counted_bytes, drawn.counted_bytes);
    // Without a median size the same requests have no sizes.
    assert!(run_to_end(small().start().unwrap()).counted_bytes.is_none());
}

#[test]
fn equal_sizes_give_equal_object_and_byte_miss_ratios() {
    let p = small();
    let mut text = String::from("key,size\n");
    for x in Generator::generate(p.workload()).requests {
        writeln!(text, "k{x},4096").unwrap();
    }
    let r = over_file(&p, text).unwrap();
    assert!(r.file.as_ref().unwrap().renumbered);
    assert_eq!(r.counted_bytes, Some(u64::from(r.counted) * 4096));
    for x in &r.policies {
        let bytes = x.byte_miss_ratio.expect("sized");
        assert!(
            (bytes - x.miss_ratio).abs() < 1e-12,
            "{:?}: {bytes} vs {}",
            x.policy,
            x.miss_ratio
        );
    }
}

#[test]
fn a_size_larger_than_the_trace_is_brought_within_it_and_said() {
    let p = Params {
        size: 1_000_000,
        ..small()
    };
    let r = over_file(&p, "a\nb\na\nc\n".into()).unwrap();
    assert_eq!(r.size, 3);
    assert!(
        r.notes[0].contains("larger than the trace's 3 objects"),
        "{:?}",
        r.notes
    );
}

#[test]
fn bad_files_fail_with_the_line_to_blame() {
    let p = small();
    let e = over_file(&p, "key,size\na,1\nb,2\nc,two\n".into()).unwrap_err();
    assert!(e.starts_with("line 4: the size “two”"), "{e}");
    let e = over_file(&p, "\n\n".into()).unwrap_err();
    assert!(e.contains("no request"), "{e}");
    let mut binary = vec![0x7f, b'E', b'L', b'F'];
    binary.extend((0..=255u8).cycle().take(100_000));
    let e = over_file(&p, String::from_utf8_lossy(&binary).into_owned()).unwrap_err();
    assert!(e.contains("binary file"), "{e}");
    let none = Params {
        distribution: Distribution::File,
        ..p
    };
    assert_eq!(none.start().unwrap_err(), NO_FILE);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// LRU's byte hits from its stack distances equal a simulation's at every sampled size, and
    /// no policy's byte miss ratio leaves [0, 1].
    #[test]
    fn byte_miss_ratios_are_consistent(
        requests in proptest::collection::vec((0u32..60, 1u32..10_000), 1..800),
        size in 1u32..70,
    ) {
        let mut text = String::from("key,size\n");
        for (k, s) in &requests {
            writeln!(text, "{k},{s}").unwrap();
        }
        let p = Params { policies: vec![Policy::Lru, Policy::Fifo, Policy::Opt], size, curve: false, ..Params::default() };
        let r = over_file(&p, text.clone()).unwrap();
        let read = read_all(text.as_bytes(), u32::MAX).unwrap();
        let sizes = read.sizes.unwrap();
        let mut lru = Policy::Lru.build(r.size, read.trace.universe, None, 0);
        let warm = read.trace.requests.len() / 10;
        lru.run_sized(&read.trace.requests[..warm], &sizes[..warm]);
        let (hits, bytes) = lru.run_sized(&read.trace.requests[warm..], &sizes[warm..]);
        let all: u64 = sizes[warm..].iter().map(|&s| u64::from(s)).sum();
        prop_assert_eq!(r.policies[0].hits, hits);
        let expected = 1.0 - bytes as f64 / all as f64;
        prop_assert!((r.policies[0].byte_miss_ratio.unwrap() - expected).abs() < 1e-12);
        for x in &r.policies {
            prop_assert!((0.0..=1.0).contains(&x.byte_miss_ratio.unwrap()));
        }
    }
}
