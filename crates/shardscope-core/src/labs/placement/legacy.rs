//! Links of the Rebalance lab, which was folded into this one: a Rebalance permalink
//! (`#/lab/rebalance?…`) opens the Placement lab in the state that shows the same numbers.
//!
//! The Rebalance lab showed one event (a node joins, or one leaves) on one of four algorithms;
//! the Placement lab places the same seeded keys on the same node ids with the same algorithms, so
//! recording that event and showing it (`events=<event>&step=1`) gives the same moves, minimum
//! and loads (`tests/rebalance_links.rs` holds numbers the Rebalance lab printed, and checks them).

/// The Rebalance lab's slug, now an alias of this lab's.
pub const REBALANCE: &str = "rebalance";

/// What the Rebalance lab used for a field its link left out; they differ from this lab's (it
/// placed 100,000 keys by default, this lab a million).
const REBALANCE_DEFAULTS: [(&str, &str); 6] = [
    ("alg", "ring"),
    ("nodes", "8"),
    ("keys", "100000"),
    ("vnodes", "100"),
    ("seed", "42"),
    ("event", "add"),
];

/// Rewrites a Rebalance permalink query as the Placement query with the same numbers.
///
/// The algorithm, node count, keys, virtual nodes and seed carry over; the one `event` becomes
/// the recorded `events` list with `step=1`. A field the link left out takes the Rebalance lab's
/// default. Any other field is passed on unchanged, for the Placement parser to report.
///
/// ```
/// use shardscope_core::labs::placement::legacy::rebalance_query;
/// assert_eq!(
///     rebalance_query("v=1&alg=jump&nodes=6&keys=50000&vnodes=100&seed=1&event=remove-5"),
///     "v=1&alg=jump&nodes=6&keys=50000&vnodes=100&seed=1&events=remove-5&step=1"
/// );
/// assert_eq!(
///     rebalance_query(""),
///     "v=1&alg=ring&nodes=8&keys=100000&vnodes=100&seed=42&events=add&step=1"
/// );
/// ```
#[must_use]
pub fn rebalance_query(input: &str) -> String {
    let input = input.strip_prefix('?').unwrap_or(input);
    // A link too long to read is passed on whole, for the parser to refuse with its message.
    if input.len() > crate::query::MAX_QUERY_BYTES {
        return input.to_owned();
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(input.as_bytes()).into_owned().collect();
    let mut out = form_urlencoded::Serializer::new(String::with_capacity(input.len() + 32));
    // A bare link (`#/lab/rebalance`) meant the defaults, with nothing to report; any other
    // link keeps its version, or its lack of one, for the parser to judge.
    let version = pairs.iter().find(|(name, _)| name == "v").map(|(_, v)| v.as_str());
    if let Some(version) = version.or(pairs.is_empty().then_some("1")) {
        out.append_pair("v", version);
    }
    for (name, default) in REBALANCE_DEFAULTS {
        let value = pairs
            .iter()
            .find(|(n, _)| n == name)
            .map_or(default, |(_, v)| v.as_str());
        out.append_pair(if name == "event" { "events" } else { name }, value);
    }
    out.append_pair("step", "1");
    let known = |name: &str| name == "v" || REBALANCE_DEFAULTS.iter().any(|(n, _)| *n == name);
    for (name, value) in pairs.iter().filter(|(name, _)| !known(name)) {
        out.append_pair(name, value);
    }
    out.finish()
}
