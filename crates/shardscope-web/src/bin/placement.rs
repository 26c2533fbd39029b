//! The Placement lab's page: the shared shell and this one lab, nothing else.

use shardscope_web::labs::placement::PlacementLab;

fn main() {
    shardscope_web::start_lab::<shardscope_core::labs::placement::Params>(|| yew::html! { <PlacementLab /> });
}
