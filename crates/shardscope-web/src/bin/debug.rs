//! The debug page (`debug/`): the browser benchmark and the deliberate panic the tests use.

fn main() {
    shardscope_web::start_debug();
}
