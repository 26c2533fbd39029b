//! The entry point of `system_worker.js`: the "Scaling to 10 million users" lab's runs in a Web
//! Worker.

fn main() {
    shardscope_worker::register::<shardscope_core::labs::system::Params>();
}
