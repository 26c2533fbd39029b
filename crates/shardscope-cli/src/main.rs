//! `shardscope`: computes a lab's numbers natively from its permalink query, as JSON.
//!
//! The end-to-end tests use it to check that the page shows what the core computes, and people can
//! use it to reproduce a lab's numbers outside the browser:
//!
//! ```text
//! shardscope anti-entropy 'v=1&keys=100000&seed=42&depth=10&replicas=2&damage=drop&n=5&step=0&focus=1'
//! shardscope proofs 'v=1&size=13&seed=42&leaf=6&tamper=none&at=0&old=7&ctamper=none'
//! shardscope placement 'v=1&alg=modn,ring&nodes=8&keys=1000000&events=add&step=1'
//! shardscope dht 'v=1&proto=chord,kademlia&nodes=10000&lookups=10000&fail=20&rounds=2'
//! shardscope cache 'v=1&pol=lru,sieve,opt&alpha=1&objects=100000&requests=1000000&size=1000'
//! shardscope cache-cluster 'v=1&alg=ring,modn&nodes=10&fail=20000'
//! shardscope cdn 'v=1&ttl=60,600&shield=both&regions=3'
//! shardscope cache-trace 'v=1&alpha=1&objects=100000&requests=1000000' > trace.csv
//! shardscope bus 'v=1&assign=range,cooperative-sticky&change=join&partitions=12&consumers=4'
//! shardscope assign group.json      # each assignor's assignment of a consumer group (or stdin)
//! shardscope labs
//! shardscope presets                  # every lab's presets: lab, name, lesson, query
//! shardscope bench-placement 10000000   # native side of the browser-vs-native benchmark
//! shardscope site home dist             # the static home page and its old-link forwarder
//! shardscope site pages target/pages ../../   # one Trunk source page per lab (prints names)
//! ```

mod site;

use std::path::Path;
use std::process::ExitCode;

use serde_json::{json, Value};
use shardscope_core::labs::{anti_entropy, bus, cache, cache_cluster, cdn, dht, partition, placement, proofs, system};
use shardscope_core::labs::{run_to_end, try_run_to_end, Computes, LabParams, CATALOG};

const USAGE: &str =
    "usage: shardscope placement|partition|anti-entropy|proofs|dht|cache|cache-cluster|cdn|bus|system QUERY | \
     shardscope cache QUERY --trace FILE | shardscope cache-trace QUERY | shardscope labs | \
     shardscope assign [FILE] | shardscope presets | shardscope bench-placement KEYS | shardscope site home DIR | \
     shardscope site pages DIR ROOT_FROM_DIR";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let output = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["labs"] => Ok(labs()),
        ["assign"] => read_group(None).and_then(|text| assign(&text)),
        ["assign", path] => read_group(Some(Path::new(path))).and_then(|text| assign(&text)),
        ["site", "home", dir] => return written(site::write_home(Path::new(dir))),
        ["site", "pages", dir, root] => {
            let result = site::write_trunk_pages(Path::new(dir), root);
            if result.is_ok() {
                for name in site::page_names() {
                    println!("{name}");
                }
            }
            return written(result);
        }
        ["bench-placement", keys] => {
            let Ok(keys) = keys.parse::<u64>() else {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            };
            Ok(bench_placement(keys))
        }
        ["presets"] => Ok([
            ("placement", placement::PRESETS),
            ("cache", cache::PRESETS),
            ("cache-cluster", cache_cluster::PRESETS),
            ("cdn", cdn::PRESETS),
            ("partition", partition::PRESETS),
            ("anti-entropy", anti_entropy::PRESETS),
            ("proofs", proofs::PRESETS),
            ("dht", dht::PRESETS),
            ("bus", bus::PRESETS),
            ("system", system::PRESETS),
        ]
        .iter()
        .flat_map(|(lab, presets)| {
            presets
                .iter()
                .map(move |p| json!({ "lab": lab, "name": p.name, "lesson": p.lesson, "query": p.query }))
        })
        .collect::<Value>()),
        // "antientropy" was the command's name before it matched the lab's slug.
        ["anti-entropy" | "antientropy", query] => Ok(anti_entropy_report(query)),
        ["proofs", query] => Ok(log_proofs(query)),
        ["partition", query] => Ok(partition_report(query)),
        ["dht", query] => lab_report::<dht::Params>(query),
        ["placement", query] => lab_report::<placement::Params>(query),
        ["cache", query] if cache::Params::from_query(query).0.distribution == cache::Distribution::File => {
            Err("this query replays a trace file: name it with --trace FILE".into())
        }
        ["cache", query] => lab_report::<cache::Params>(query),
        ["cache-cluster", query] => lab_report::<cache_cluster::Params>(query),
        ["cdn", query] => lab_report::<cdn::Params>(query),
        ["bus", query] => lab_report::<bus::Params>(query),
        ["system", query] => lab_report::<system::Params>(query),
        ["cache", query, "--trace", path] => cache_file_report(query, Path::new(path)),
        ["cache-trace", query] => return written(cache_trace(query)),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match output {
        Ok(value) => {
            println!("{value}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("shardscope: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the exact requests the Caching lab serves for `query` to standard output, one object
/// per line, so the trace can be replayed in another cache simulator.
fn cache_trace(query: &str) -> std::io::Result<()> {
    use std::io::Write;
    let (params, problems) = cache::Params::from_query(query);
    for p in &problems {
        eprintln!("shardscope: {p}");
    }
    let trace = shardscope_core::cache::workload::Generator::generate(params.workload());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if let Some(sizes) = params.drawn_sizes(&trace.requests) {
        writeln!(out, "key,size")?;
        for (x, size) in trace.requests.iter().zip(sizes) {
            writeln!(out, "{x},{size}")?;
        }
    } else {
        writeln!(out, "key")?;
        for x in &trace.requests {
            writeln!(out, "{x}")?;
        }
    }
    out.flush()
}

/// The Caching lab's numbers for `query` over the requests of the trace file at `path`, as the
/// page computes them after the file is chosen there (`dist` is set to `file`).
fn cache_file_report(query: &str, path: &Path) -> Result<Value, String> {
    let (mut params, problems) = cache::Params::from_query(query);
    params.distribution = cache::Distribution::File;
    let name = path.display().to_string();
    let length = std::fs::metadata(path).map_err(|e| format!("{name}: {e}"))?.len();
    if let Some(refusal) = cache::file_refusal(&name, length) {
        return Err(refusal);
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    let run = params.start_with(Some(std::sync::Arc::new(bytes)))?;
    let report =
        serde_json::to_value(try_run_to_end(run).map_err(|e| format!("{name}: {e}"))?).map_err(|e| e.to_string())?;
    Ok(json!({
        "query": params.to_query(),
        "problems": problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "report": report,
    }))
}

/// The most bytes `shardscope assign` reads: a group at the limits (10,000 members, 10,000
/// partitions, each owned once) takes well under a megabyte.
const MAX_GROUP_BYTES: u64 = 16 << 20;

/// The text of a group, from the file at `path` or from standard input.
fn read_group(path: Option<&Path>) -> Result<String, String> {
    use std::io::Read;
    let name = path.map_or_else(|| "standard input".to_owned(), |p| p.display().to_string());
    let mut bytes = Vec::new();
    let read = match path {
        Some(p) => std::fs::File::open(p).and_then(|f| f.take(MAX_GROUP_BYTES + 1).read_to_end(&mut bytes)),
        None => std::io::stdin()
            .lock()
            .take(MAX_GROUP_BYTES + 1)
            .read_to_end(&mut bytes),
    };
    read.map_err(|e| format!("{name}: {e}"))?;
    if bytes.len() as u64 > MAX_GROUP_BYTES {
        return Err(format!(
            "{name}: a group is at most {} MB of JSON",
            MAX_GROUP_BYTES >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|e| format!("{name}: not UTF-8 text ({e})"))
}

/// Every assignor's assignment of the consumer group `text` describes (JSON: `topics`, each with
/// `name` and `partitions`, and `members`, each with `id`, `topics` and optionally `owned`), with
/// cooperative's first round and what each moved.
fn assign(text: &str) -> Result<Value, String> {
    use shardscope_core::bus::assign::{Assignor, Group, GroupSpec};
    use shardscope_core::query::Choice;
    let spec: GroupSpec = serde_json::from_str(text).map_err(|e| {
        format!(
            "the input is not a group ({e}); it should look like \
             {{\"topics\": [{{\"name\": \"t0\", \"partitions\": 3}}], \
             \"members\": [{{\"id\": \"C0\", \"topics\": [\"t0\"], \"owned\": [{{\"topic\": \"t0\", \"partition\": 0}}]}}]}}"
        )
    })?;
    let group = Group::from_spec(&spec).map_err(|e| e.to_string())?;
    let plans: Vec<Value> = Assignor::ALL
        .iter()
        .map(|&a| {
            let plan = a.plan(&group);
            json!({
                "assignor": a.slug(),
                "protocol": if a.eager() { "eager" } else { "cooperative" },
                "assignment": group.written(&plan.target),
                "first_round": plan.first_round.as_ref().map(|r| group.written(r)),
                "movement": plan.movement,
            })
        })
        .collect();
    Ok(json!({
        "members": group.member_list().iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        "partitions": group.partitions(),
        "assignors": plans,
    }))
}

/// The exit code for a file-writing command.
fn written(result: std::io::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shardscope: {e}");
            ExitCode::FAILURE
        }
    }
}

fn labs() -> Value {
    CATALOG
        .iter()
        .map(|lab| json!({ "slug": lab.slug, "title": lab.title, "summary": lab.summary }))
        .collect()
}

fn anti_entropy_report(query: &str) -> Value {
    let (params, problems) = anti_entropy::Params::from_query(query);
    let r = &run_to_end(anti_entropy::Job::new(params));
    let hex = |h: &u128| format!("{h:032x}");
    json!({
        "query": params.to_query(),
        "problems": problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "sizes": r.sizes,
        "differing_keys": r.differing_keys,
        "full_compare_bytes": r.full_compare_bytes,
        "differing_leaves": r.diff.leaves,
        "levels": r.diff.levels.iter().map(|l| json!({ "level": l.level, "compared": l.compared, "differing": l.differing })).collect::<Vec<_>>(),
        "hashes_compared": r.diff.hashes_compared(),
        "bytes_exchanged": r.diff.bytes_exchanged(),
        "roots_before": r.roots_before.iter().map(hex).collect::<Vec<_>>(),
        "roots_after": r.roots_after.iter().map(hex).collect::<Vec<_>>(),
        "rounds": r.rounds.iter().map(|((x, y), rep)| json!({ "pair": [x, y], "sent": rep.sent, "over_streamed": rep.over_streamed, "fixed": rep.fixed })).collect::<Vec<_>>(),
        "chart": r.chart.iter().map(|c| json!({ "depth": c.depth, "tree_nodes": c.tree_nodes, "compared": c.compared, "differing_leaves": c.differing_leaves, "sent": c.sent, "over_streamed": c.over_streamed })).collect::<Vec<_>>(),
    })
}

fn log_proofs(query: &str) -> Value {
    let (params, problems) = proofs::Params::from_query(query);
    let r = proofs::report(&params);
    json!({
        "query": params.to_query(),
        "problems": problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "record": r.record,
        "root": proofs::hex(&r.root),
        "proof": r.proof.iter().map(proofs::hex).collect::<Vec<_>>(),
        "inclusion_ok": r.inclusion_ok,
        "diverged_at": r.diverged_at,
        "old_root": proofs::hex(&r.old_root),
        "consistency": r.consistency.iter().map(proofs::hex).collect::<Vec<_>>(),
        "consistency_ok": r.consistency_ok,
    })
}

/// A lab's report for a permalink, exactly as the page's worker computes it (the report's own
/// serde form), with the canonical query and the link's problems.
fn lab_report<P>(query: &str) -> Result<Value, String>
where
    P: Computes,
    <P::Run as shardscope_core::labs::Run>::Report: serde::Serialize,
{
    let (params, problems) = P::from_query_ignoring(query, &[]);
    let report = serde_json::to_value(try_run_to_end(params.start()?)?).map_err(|e| e.to_string())?;
    Ok(json!({
        "query": params.to_query(),
        "problems": problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "report": report,
    }))
}

/// Times `placement::place_all` over `keys` keys on 1,000 nodes for each benchmark case, fastest
/// of three, natively: the counterpart of the browser benchmark page `#/debug/bench/placement`.
fn bench_placement(keys: u64) -> Value {
    use shardscope_core::hash::KeySet;
    use shardscope_core::placement::{place_all, BENCH_CASES};
    let nodes: Vec<u32> = (0..1000).collect();
    let set = KeySet::new(1, keys);
    BENCH_CASES
        .iter()
        .map(|(name, algorithm)| {
            let placement = algorithm
                .build(&shardscope_core::placement::Settings::DEFAULT, 1, &nodes)
                .expect("valid benchmark case");
            let mut best = f64::INFINITY;
            let mut checksum = 0;
            for _ in 0..3 {
                let start = std::time::Instant::now();
                checksum = place_all(placement.as_ref(), &set, 1 << 16);
                best = best.min(start.elapsed().as_secs_f64() * 1000.0);
            }
            json!({ "case": name, "ms": best, "checksum": checksum.to_string() })
        })
        .collect()
}

/// The Partition lab's run for a permalink: every operation's outcome, the checker's verdict and
/// the metrics, as the page shows them.
fn partition_report(query: &str) -> Value {
    use shardscope_core::linearizability::Verdict;
    use shardscope_core::partition::Outcome;
    let (params, problems) = partition::Params::from_query(query);
    let r = partition::report(&params);
    let outcome = |o: Option<Outcome>| match o {
        Some(Outcome::Ok) => "ok",
        Some(Outcome::Stale) => "stale",
        Some(Outcome::TimedOut) => "timeout",
        Some(Outcome::Refused) => "refused",
        Some(Outcome::Conflict) => "conflict",
        None => "pending",
    };
    let (linearizable, blocked, prefix) = match &r.verdict {
        Verdict::Linearizable => (true, None, Vec::new()),
        Verdict::NotLinearizable { blocked, prefix, .. } => (false, Some(*blocked), prefix.clone()),
    };
    json!({
        "query": params.to_query(),
        "problems": problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "operations": r.history.iter().zip(&r.conflicts).map(|(h, siblings)| json!({
            "at": h.request.at, "node": h.request.node, "key": h.request.key, "write": h.request.write,
            "completed": h.completed, "value": h.value, "outcome": outcome(h.outcome), "siblings": siblings,
        })).collect::<Vec<_>>(),
        "linearizable": linearizable,
        "blocked": blocked,
        "prefix": prefix,
        "availability": r.availability(),
        "stale_reads": r.stale_reads(),
        "diverged": r.diverged,
        "lost_writes": r.lost_writes,
        "hints": { "taken": r.hints.0, "delivered": r.hints.1 },
        "messages": r.flights.len(),
        "end": r.end,
    })
}
