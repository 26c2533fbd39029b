#!/usr/bin/env bash
# Builds the deployable site into DIR (default dist/): the static home page, and one page per lab
# in a folder of its own (plus debug/, the browser benchmark). Works from a fresh shell and from
# any sub-path of a static host; installs whatever is missing first (scripts/setup.sh).
#
#   ./scripts/build.sh [--dist DIR]
#
# The site is built into a temporary folder beside DIR and moves into place only when every page
# built, so a failed build never leaves a half-built site behind.
set -euo pipefail
source "$(dirname "$0")/env.sh"

usage() { echo "usage: $0 [--dist DIR]" >&2; }
dist="$ROOT/dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --dist)
      [ $# -ge 2 ] && [ -n "$2" ] || { usage; exit 2; }
      dist="$(realpath -m -- "$2")"
      shift 2
      ;;
    -h | --help) usage; exit 0 ;;
    *) usage; exit 2 ;;
  esac
done
# Replacing DIR deletes it: refuse anything that is not empty and not an earlier build.
if [ -e "$dist" ] && [ -n "$(ls -A -- "$dist" 2>/dev/null)" ] && [ ! -f "$dist/old-links.js" ]; then
  echo "build.sh: $dist exists and is not a Shardscope build; choose another --dist" >&2
  exit 2
fi

[ "${SHARDSCOPE_SETUP_DONE:-}" = 1 ] || "$ROOT/scripts/setup.sh"
cd "$ROOT"
step() { printf '\n== build: %s\n' "$*"; }
started=$SECONDS

step "the CLI, which writes the pages from the lab catalog"
cargo build --locked --release -p shardscope-cli
pages_dir="$ROOT/target/pages"
# Each Trunk source page names the repository's files relative to its own folder.
names="$(target/release/shardscope site pages "$pages_dir" ../../)"

step "every page's wasm in one cargo run, so the pages link in parallel"
cargo build --locked --release --target wasm32-unknown-unknown -p shardscope-web --bins
cargo build --locked --release --target wasm32-unknown-unknown -p shardscope-worker --bins

staging="$(dirname "$dist")/.$(basename "$dist").building"
rm -rf -- "$staging"
mkdir -p -- "$staging"
for name in $names; do
  step "page $name/"
  trunk build --release --dist "$staging/$name" "$pages_dir/$name.html"
done

step "home page"
target/release/shardscope site home "$staging"
cp www/style.css www/favicon.svg www/theme.js "$staging/"

rm -rf -- "$dist"
mv -- "$staging" "$dist"
echo
echo "Built the site into $dist in $((SECONDS - started)) s."
