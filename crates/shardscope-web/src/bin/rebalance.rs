//! The Rebalance lab's page: the shared shell and this one lab, nothing else.

use shardscope_web::labs::rebalance::RebalanceLab;

fn main() {
    shardscope_web::start_lab::<shardscope_core::labs::rebalance::Params>(None, || yew::html! { <RebalanceLab /> });
}
