#!/usr/bin/env bash
# Regenerates the README's pictures of the labs (docs/img/<slug>.png) from the release build, so
# they show what the site shows today: builds the site, serves it on 127.0.0.1, and takes one
# screenshot per lab in Debian's headless Chromium.
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$ROOT/scripts/build.sh" --dist "$ROOT/dist"
cd "$ROOT"
port=8097
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$ROOT/dist" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
python3 - "$port" <<'PY'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=1)
        break
    except OSError:
        time.sleep(0.1)
PY
node scripts/screenshots.mjs "http://127.0.0.1:$port/"
