//! The entry point of `bus_worker.js`: the Message bus lab's runs in a Web Worker.

fn main() {
    shardscope_worker::register::<shardscope_core::labs::bus::Params>();
}
