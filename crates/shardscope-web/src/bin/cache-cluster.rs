//! The Cache cluster lab's page: the shared shell and this one lab, nothing else.

use shardscope_web::labs::cache_cluster::CacheClusterLab;

fn main() {
    shardscope_web::start_lab::<shardscope_core::labs::cache_cluster::Params>(|| yew::html! { <CacheClusterLab /> });
}
