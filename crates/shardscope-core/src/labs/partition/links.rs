//! The permalink forms of the Partition lab's lists: nemesis events and the list fields that hold
//! them and the hand-made requests.

use super::MAX_ITEMS;
use crate::partition::Nemesis;
use crate::query::{Problem, Query};

/// The nemesis event's permalink form (without its tick).
pub(super) fn nemesis_slug(n: &Nemesis) -> String {
    match n {
        Nemesis::Cut(a, b) => format!("cut-{a}-{b}"),
        Nemesis::Heal(a, b) => format!("heal-{a}-{b}"),
        Nemesis::Split(groups) => {
            format!(
                "split-{}",
                groups.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
            )
        }
        Nemesis::HealAll => "healall".into(),
        Nemesis::Crash(a) => format!("crash-{a}"),
        Nemesis::Restart(a) => format!("restart-{a}"),
        Nemesis::Failover(a) => format!("failover-{a}"),
    }
}

pub(super) fn parse_nemesis(raw: &str, nodes: u32, dcs: u32) -> Option<Nemesis> {
    let mut parts = raw.split('-');
    let kind = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    let node = |s: &str| s.parse::<u32>().ok().filter(|&n| n < nodes);
    Some(match (kind, rest.as_slice()) {
        ("cut", [a, b]) => Nemesis::Cut(node(a)?, node(b)?),
        ("heal", [a, b]) => Nemesis::Heal(node(a)?, node(b)?),
        ("split", [groups]) => {
            let g: Option<Vec<u32>> = groups.split('.').map(|x| x.parse().ok()).collect();
            let g = g?;
            (g.len() == nodes as usize).then_some(Nemesis::Split(g))?
        }
        ("isolate", [d]) => {
            let d: u32 = d.parse().ok().filter(|&d| d < dcs)?;
            Nemesis::Split((0..nodes).map(|i| u32::from(i % dcs == d)).collect())
        }
        ("healall", []) => Nemesis::HealAll,
        ("crash", [a]) => Nemesis::Crash(node(a)?),
        ("restart", [a]) => Nemesis::Restart(node(a)?),
        ("failover", [a]) => Nemesis::Failover(node(a)?),
        _ => return None,
    })
}

/// A list field of the permalink (empty when absent).
pub(super) fn list<T>(
    q: &Query,
    name: &str,
    parse: impl Fn(&str) -> Option<T>,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    q.get(name).map_or_else(Vec::new, |raw| {
        crate::query::list(name, raw, MAX_ITEMS, "entries", what, parse, problems)
    })
}
