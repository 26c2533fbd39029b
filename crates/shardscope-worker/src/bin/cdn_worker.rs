//! The entry point of `cdn_worker.js`: the CDN lab's simulations in a Web Worker.

fn main() {
    shardscope_worker::register::<shardscope_core::labs::cdn::Params>();
}
