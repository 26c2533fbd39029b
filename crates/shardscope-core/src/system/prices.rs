//! The price table behind the lab's monthly cost estimate, with where each price comes from and
//! when it was read. Every server of every tier is priced as one general-purpose instance; the
//! CDN by the bytes its edges serve.

use serde::{Deserialize, Serialize};

/// One price and its source.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// What is priced.
    pub item: &'static str,
    /// US dollars per unit.
    pub dollars: f64,
    /// The unit.
    pub unit: &'static str,
    /// Where the price was read.
    pub source: &'static str,
    /// The date the source gives for the price.
    pub date: &'static str,
}

/// A server of any tier: an `m7g.large` (2 vCPU, 8 GiB) on demand, Linux, us-east-1.
pub const SERVER: Price = Price {
    item: "server (m7g.large, on demand, Linux, us-east-1)",
    dollars: 0.0816,
    unit: "hour",
    source: "https://www.factualminds.com/blog/amazon-ec2-on-demand-pricing-instance-families-2026/",
    date: "2026-06-17",
};

/// Data the CDN delivers to users in the United States and Europe, first 10 TB a month.
pub const CDN: Price = Price {
    item: "CDN data transfer out (CloudFront, US and Europe, first 10 TB)",
    dollars: 0.085,
    unit: "GB",
    source: "https://aws.amazon.com/cloudfront/pricing/",
    date: "2026-06-15",
};

/// Hours in a month as cloud bills count them (8,760 / 12).
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The mean size of a static asset, in kilobytes: an assumption of the lab, not a measurement,
/// stated so that the CDN's bill can be read back to it.
pub const ASSET_KB: f64 = 50.0;

/// Every price the lab uses, for the page's table.
pub const TABLE: [Price; 2] = [SERVER, CDN];

/// A monthly cost estimate.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Cost {
    /// Servers running all month.
    pub servers: u32,
    /// Their cost, in dollars a month.
    pub servers_dollars: f64,
    /// Gigabytes the CDN's edges serve in a month.
    pub cdn_gb: f64,
    /// Their cost, in dollars a month.
    pub cdn_dollars: f64,
    /// Both.
    pub total: f64,
}

/// The monthly cost of `servers` servers and of CDN edges answering `cdn_hits_per_day` static
/// requests a day.
///
/// ```
/// use shardscope_core::system::prices::monthly;
/// let c = monthly(10, 0.0);
/// assert!((c.total - 10.0 * 0.0816 * 730.0).abs() < 1e-9);
/// ```
#[must_use]
pub fn monthly(servers: u32, cdn_hits_per_day: f64) -> Cost {
    let servers_dollars = f64::from(servers) * SERVER.dollars * HOURS_PER_MONTH;
    let cdn_gb = cdn_hits_per_day * 30.0 * ASSET_KB / 1e6;
    let cdn_dollars = cdn_gb * CDN.dollars;
    Cost {
        servers,
        servers_dollars,
        cdn_gb,
        cdn_dollars,
        total: servers_dollars + cdn_dollars,
    }
}
