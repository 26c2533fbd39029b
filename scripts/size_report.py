#!/usr/bin/env python3
"""Reports the release build's first-load weight and fails if it exceeds the budget.

First load is everything index.html pulls in before the app runs: the page itself, the wasm, the
JS glue and the CSS. Sizes are raw and gzip level 9, which is what a static host typically serves.
Web Worker files (`*_worker*`) load only when a lab that uses them opens; they are listed
separately and not counted in the first load.
"""

import gzip
import pathlib
import sys

BUDGET_GZIP_BYTES = 400_000  # The foundation issue's budget: 400 KB gzipped in all.


def main() -> int:
    dist = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
    files = sorted(p for p in dist.iterdir() if p.suffix in {".wasm", ".js", ".css", ".html"})
    if not any(p.suffix == ".wasm" for p in files):
        print(f"size_report: no .wasm in {dist}", file=sys.stderr)
        return 1
    total_raw = total_gz = 0
    for p in files:
        raw = p.read_bytes()
        gz = len(gzip.compress(raw, compresslevel=9, mtime=0))
        if "_worker" in p.name:
            print(f"{p.name:48} {len(raw):>9} B raw {gz:>9} B gzip (on demand)")
            continue
        total_raw += len(raw)
        total_gz += gz
        print(f"{p.name:48} {len(raw):>9} B raw {gz:>9} B gzip")
    print(f"{'first load (html + wasm + js + css)':48} {total_raw:>9} B raw {total_gz:>9} B gzip; budget {BUDGET_GZIP_BYTES} B gzip")
    if total_gz > BUDGET_GZIP_BYTES:
        print("size_report: over budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
