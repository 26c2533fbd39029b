//! The entry point of `cache_worker.js`: the Caching lab's computation in a Web Worker.

fn main() {
    shardscope_worker::register::<shardscope_core::labs::cache::Params>();
}
