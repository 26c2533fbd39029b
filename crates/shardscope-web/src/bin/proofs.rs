//! The Tamper-evident log lab's page: the shared shell and this one lab, nothing else.

use shardscope_web::labs::proofs::ProofsLab;

fn main() {
    shardscope_web::start_lab::<shardscope_core::labs::proofs::Params>(|| yew::html! { <ProofsLab /> });
}
