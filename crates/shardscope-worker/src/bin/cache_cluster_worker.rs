//! The entry point of `cache_cluster_worker.js`: the Cache cluster lab's simulations in a Web Worker.

fn main() {
    shardscope_worker::register::<shardscope_core::labs::cache_cluster::Params>();
}
