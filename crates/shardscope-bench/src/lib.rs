//! Holds Shardscope's comparative benchmarks (`benches/`); the library itself is empty.
//!
//! Run `cargo bench -p shardscope-bench` and see `docs/benchmarks.md` for recorded results.
