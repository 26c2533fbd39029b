//! `shardscope`: computes a lab's numbers natively from its permalink query, as JSON.
//!
//! The end-to-end tests use it to check that the page shows what the core computes, and people can
//! use it to reproduce a lab's numbers outside the browser:
//!
//! ```text
//! shardscope rebalance 'v=1&alg=ring&nodes=8&keys=100000&vnodes=100&seed=42&event=add'
//! shardscope labs
//! ```

use std::process::ExitCode;

use serde_json::{json, Value};
use shardscope_core::labs::rebalance::{Params, Run};
use shardscope_core::labs::CATALOG;

const USAGE: &str = "usage: shardscope rebalance QUERY | shardscope labs";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let output = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["labs"] => labs(),
        ["rebalance", query] => match rebalance(query) {
            Ok(value) => value,
            Err(message) => {
                eprintln!("shardscope: {message}");
                return ExitCode::FAILURE;
            }
        },
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    println!("{output}");
    ExitCode::SUCCESS
}

fn labs() -> Value {
    CATALOG
        .iter()
        .map(|lab| json!({ "slug": lab.slug, "title": lab.title, "summary": lab.summary }))
        .collect()
}

fn rebalance(query: &str) -> Result<Value, String> {
    let (params, problems) = Params::from_query(query);
    let report = Run::new(params).map_err(|e| e.to_string())?.finish();
    let loads: Vec<Value> = report
        .loads
        .iter()
        .map(|l| json!({ "node": l.node, "before": l.before, "after": l.after }))
        .collect();
    Ok(json!({
        "query": params.to_query(),
        "problems": problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "keys": report.movement.keys,
        "moved": report.movement.moved,
        "minimum": report.movement.minimum,
        "expected_moved": report.expected_moved,
        "peak_to_mean_after": report.peak_to_mean_after,
        "loads": loads,
    }))
}
