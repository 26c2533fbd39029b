#!/usr/bin/env python3
"""Prints the placement benchmark's criterion results as the Markdown tables in docs/benchmarks.md.

Run after `cargo bench -p shardscope-bench --bench placement_peers`; reads the median estimates
criterion leaves in target/criterion/.
"""

import json
import pathlib

ROOT = pathlib.Path("target/criterion")
SIZES = [10, 100, 1000, 10000]


def median_ns(group: str, name: str, size: int):
    path = ROOT / group / name.replace("/", "_") / str(size) / "new" / "estimates.json"
    if not path.exists():
        # criterion nests ids with slashes as directories on some versions.
        path = ROOT / group / name / str(size) / "new" / "estimates.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())["median"]["point_estimate"]


def fmt(ns):
    if ns is None:
        return "–"
    if ns >= 1000:
        return f"{ns / 1000:.2f} µs"
    return f"{ns:.1f} ns"


def main():
    pairs = [
        ("jump", "jumphash"),
        ("ring100", "hashring"),
        ("ring1000", "hashring"),
        ("hrw", "hrw-hash"),
        ("maglev", "maglev"),
        ("multiprobe", "mpchash"),
        ("anchor", "anchorhash"),
        ("modn", None),
    ]
    print("| algorithm | nodes | shardscope | peer | peer / shardscope |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for alg, peer in pairs:
        for n in SIZES:
            ours = median_ns("lookup", f"{alg}/shardscope", n)
            theirs = median_ns("lookup", f"{alg}/{peer}", n) if peer else None
            ratio = f"{theirs / ours:.1f}×" if ours and theirs else "–"
            print(f"| {alg} | {n:,} | {fmt(ours)} | {peer + ' ' + fmt(theirs) if peer else '–'} | {ratio} |")
    print()
    print("| nodes | jump | ring, 1,000 vnodes | ring / jump |")
    print("| ---: | ---: | ---: | ---: |")
    for n in [1000, 10000, 100000]:
        j = median_ns("jump_vs_ring1000", "jump", n)
        r = median_ns("jump_vs_ring1000", "ring1000", n)
        print(f"| {n:,} | {fmt(j)} | {fmt(r)} | {r / j:.1f}× |" if j and r else f"| {n:,} | – | – | – |")
    print()
    names = ["modn", "ring100", "ring1000", "hrw", "jump", "maglev", "multiprobe21", "anchor"]
    print("| nodes | " + " | ".join(names) + " |")
    print("| ---: | " + " | ".join("---:" for _ in names) + " |")
    for n in SIZES:
        cells = []
        for name in names:
            ns = median_ns("batch_16k", name, n)
            cells.append("–" if ns is None else f"{16384 / ns * 1000:.3g} M/s")
        print(f"| {n:,} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
