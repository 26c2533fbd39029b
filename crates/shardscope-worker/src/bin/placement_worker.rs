//! The entry point of `placement_worker.js`: registers the placement worker in its Web Worker.

use gloo_worker::Registrable;
use shardscope_worker::PlacementWorker;

fn main() {
    PlacementWorker::registrar().register();
}
