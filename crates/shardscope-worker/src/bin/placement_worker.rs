//! The entry point of `placement_worker.js`: the Placement lab's computation in a Web Worker.

fn main() {
    shardscope_worker::register::<shardscope_core::labs::placement::Params>();
}
