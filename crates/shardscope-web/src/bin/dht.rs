//! The DHT lab's page: the shared shell and this one lab, nothing else.

use shardscope_web::labs::dht::DhtLab;

fn main() {
    shardscope_web::start_lab::<shardscope_core::labs::dht::Params>(|| yew::html! { <DhtLab /> });
}
