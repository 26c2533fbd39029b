//! The Message bus lab's page: the shared shell and this one lab, nothing else.

use shardscope_web::labs::bus::BusLab;

fn main() {
    shardscope_web::start_lab::<shardscope_core::labs::bus::Params>(|| yew::html! { <BusLab /> });
}
