//! The Partition lab's page: the shared shell and this one lab, nothing else.

use shardscope_web::labs::partition::PartitionLab;

fn main() {
    shardscope_web::start_lab::<shardscope_core::labs::partition::Params>(|| yew::html! { <PartitionLab /> });
}
