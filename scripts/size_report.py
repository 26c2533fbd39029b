#!/usr/bin/env python3
"""Reports what each page of the release build weighs and fails if one is over its budget.

A page's weight is everything it fetches before it is interactive: its HTML, scripts, wasm, CSS and
icon (a lab page also fetches the root's `theme.js`), in bytes after gzip level 9 (what a static host typically serves). A lab's Web Worker
(`*_worker*` files) is fetched later, when the lab first computes, and is listed on its own line.

Budgets (issue #9): the home page at most 100 KB; every lab page at most 250 KB, the shared shell
included. The debug page (browser benchmark) is reported without a budget. The output is a Markdown
table, the one kept in docs/numbers.md.
"""

import gzip
import pathlib
import sys

# Files at the site's root that every lab page also fetches before it is interactive.
SHARED_WITH_LAB_PAGES = ["theme.js"]
HOME_BUDGET = 100_000
LAB_BUDGET = 250_000
NOT_BUDGETED = {"debug"}
ASSETS = {".html", ".js", ".wasm", ".css", ".svg"}


def gz(path: pathlib.Path) -> tuple[int, int]:
    raw = path.read_bytes()
    return len(raw), len(gzip.compress(raw, compresslevel=9, mtime=0))


def weigh(folder: pathlib.Path) -> tuple[tuple[int, int], tuple[int, int]]:
    """(raw, gzip) of the first load and of the worker files in one page's folder."""
    first = [0, 0]
    later = [0, 0]
    for p in sorted(folder.iterdir()):
        if not p.is_file() or p.suffix not in ASSETS:
            continue
        raw, packed = gz(p)
        into = later if "_worker" in p.name else first
        into[0] += raw
        into[1] += packed
    return (first[0], first[1]), (later[0], later[1])


def main() -> int:
    dist = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
    if not (dist / "index.html").is_file():
        print(f"size_report: no index.html in {dist}", file=sys.stderr)
        return 1
    pages = sorted(p for p in dist.iterdir() if p.is_dir() and (p / "index.html").is_file())
    if not pages:
        print(f"size_report: no page folders in {dist}", file=sys.stderr)
        return 1
    over = []
    print("| page | first load, raw | first load, gzip -9 | budget | worker, gzip -9 (fetched later) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    (raw, packed), _ = weigh(dist)
    print(f"| home (`index.html`) | {raw:,} B | {packed:,} B | {HOME_BUDGET:,} B | – |")
    if packed > HOME_BUDGET:
        over.append("home")
    shared = [gz(dist / name) for name in SHARED_WITH_LAB_PAGES if (dist / name).is_file()]
    for page in pages:
        (raw, packed), (_, worker) = weigh(page)
        raw += sum(r for r, _ in shared)
        packed += sum(g for _, g in shared)
        if not any(p.suffix == ".wasm" for p in page.iterdir()):
            print(f"size_report: no .wasm in {page}", file=sys.stderr)
            return 1
        budget = None if page.name in NOT_BUDGETED else LAB_BUDGET
        budget_text = f"{budget:,} B" if budget else "none"
        worker_text = f"{worker:,} B" if worker else "–"
        print(f"| `{page.name}/` | {raw:,} B | {packed:,} B | {budget_text} | {worker_text} |")
        if budget and packed > budget:
            over.append(page.name)
    if over:
        print(f"size_report: over budget: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
