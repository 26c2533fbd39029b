#!/usr/bin/env bash
# The main job: install what is missing, then build the release site and serve it on
# http://127.0.0.1:8080 (rebuilding when sources change).
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
echo
echo "Serving Shardscope on http://127.0.0.1:8080/ (Ctrl-C stops)"
exec trunk serve --release
