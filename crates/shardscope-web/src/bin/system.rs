//! The "Scaling to 10 million users" lab's page: the shared shell and this one lab, nothing else.

use shardscope_web::labs::system::SystemLab;

fn main() {
    shardscope_web::start_lab::<shardscope_core::labs::system::Params>(|| yew::html! { <SystemLab /> });
}
