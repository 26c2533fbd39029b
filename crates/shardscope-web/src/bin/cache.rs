//! The Caching lab's page: the shared shell and this one lab, nothing else.

use shardscope_web::labs::cache::CacheLab;

fn main() {
    shardscope_web::start_lab::<shardscope_core::labs::cache::Params>(|| yew::html! { <CacheLab /> });
}
