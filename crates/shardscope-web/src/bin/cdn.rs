//! The CDN lab's page: the shared shell and this one lab, nothing else.

use shardscope_web::labs::cdn::CdnLab;

fn main() {
    shardscope_web::start_lab::<shardscope_core::labs::cdn::Params>(|| yew::html! { <CdnLab /> });
}
