#!/usr/bin/env bash
# The main job: install what is missing, build the release site (scripts/build.sh), and serve it
# on http://127.0.0.1:8080 with a plain static file server, as a static host would.
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$ROOT/scripts/build.sh" --dist "$ROOT/dist"
echo
echo "Serving Shardscope on http://127.0.0.1:8080/ (Ctrl-C stops)"
exec python3 -m http.server 8080 --bind 127.0.0.1 --directory "$ROOT/dist"
