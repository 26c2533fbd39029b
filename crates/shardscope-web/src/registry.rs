//! The one registry of labs: it drives the home page, the router and the test that opens every
//! lab. A lab's slug, title and summary come from `shardscope_core::labs::CATALOG`; this file
//! adds the component that renders it.

use shardscope_core::labs::{LabInfo, CATALOG};
use yew::{html, Html};

use crate::labs::antientropy::AntiEntropyLab;
use crate::labs::partition::PartitionLab;
use crate::labs::placement::PlacementLab;
use crate::labs::proofs::ProofsLab;
use crate::labs::rebalance::RebalanceLab;

/// A lab as the site knows it.
#[derive(Clone, Copy)]
pub struct Lab {
    /// Slug, title and summary.
    pub info: &'static LabInfo,
    /// Renders the lab.
    pub component: fn() -> Html,
}

/// The component for a catalog slug. Adding a lab means one arm here and one catalog entry.
fn component_for(slug: &str) -> Option<fn() -> Html> {
    match slug {
        "placement" => Some(|| html! { <PlacementLab /> }),
        "rebalance" => Some(|| html! { <RebalanceLab /> }),
        "partition" => Some(|| html! { <PartitionLab /> }),
        "anti-entropy" => Some(|| html! { <AntiEntropyLab /> }),
        "proofs" => Some(|| html! { <ProofsLab /> }),
        _ => None,
    }
}

/// Every lab, in catalog order.
pub fn labs() -> impl Iterator<Item = Lab> {
    CATALOG.iter().map(|info| Lab {
        info,
        component: component_for(info.slug).unwrap_or_else(|| panic!("lab {} has no component", info.slug)),
    })
}

/// The lab with this slug, if any.
pub fn find(slug: &str) -> Option<Lab> {
    labs().find(|lab| lab.info.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_entry_has_a_component() {
        for info in CATALOG {
            assert!(component_for(info.slug).is_some(), "{} has no component", info.slug);
        }
        assert_eq!(labs().count(), CATALOG.len());
    }

    #[test]
    fn slugs_are_unique_and_url_safe() {
        for (i, a) in CATALOG.iter().enumerate() {
            assert!(a.slug.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", a.slug);
            assert!(CATALOG[..i].iter().all(|b| b.slug != a.slug), "duplicate {}", a.slug);
        }
    }
}
