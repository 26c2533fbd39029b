//! The Anti-entropy lab's page: the shared shell and this one lab, nothing else.

use shardscope_web::labs::anti_entropy::AntiEntropyLab;

fn main() {
    shardscope_web::start_lab::<shardscope_core::labs::anti_entropy::Params>(|| yew::html! { <AntiEntropyLab /> });
}
