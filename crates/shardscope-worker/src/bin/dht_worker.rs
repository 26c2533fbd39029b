//! The entry point of `dht_worker.js`: the DHT lab's computation in a Web Worker.

fn main() {
    shardscope_worker::register::<shardscope_core::labs::dht::Params>();
}
