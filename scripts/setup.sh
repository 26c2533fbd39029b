#!/usr/bin/env bash
# Installs everything the build and the tests need that is missing, at pinned versions. Safe to run
# again: each step checks first and does nothing when the right version is already there.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

step() { printf '\n== setup: %s\n' "$*"; }

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

step "Rust target wasm32-unknown-unknown, rustfmt, clippy"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done

step "trunk $TRUNK_VERSION"
if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  cargo install trunk --locked --version "$TRUNK_VERSION"
fi

step "wasm-bindgen-cli $WASM_BINDGEN_VERSION (the version in Cargo.lock)"
if ! grep -q "^wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml; then
  echo "Trunk.toml's [tools] wasm_bindgen differs from Cargo.lock's wasm-bindgen $WASM_BINDGEN_VERSION; make them equal." >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ] ||
   ! command -v wasm-bindgen-test-runner >/dev/null; then
  # Not --locked: the CLI's own lockfile pins a webpki-roots release the registry here lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

step "Debian chromium and chromium-driver"
if ! dpkg-query -W -f='${Status}\n' chromium chromium-driver 2>/dev/null | grep -c "install ok installed" | grep -qx 2; then
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium chromium-driver
fi

step "npm packages from package-lock.json (Playwright, binaryen's wasm-opt)"
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.installed-lock-sha256 2>/dev/null || true)" != "$lock_sum" ]; then
  # `npm ci` installs exactly the lockfile; browsers are never downloaded (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD).
  npm ci --no-audit --no-fund
  echo "$lock_sum" > node_modules/.installed-lock-sha256
fi
if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "132" ]; then
  echo "wasm-opt on PATH is not binaryen 132: $(command -v wasm-opt)" >&2
  exit 1
fi

step "Rust crates (Trunk builds offline)"
cargo fetch --locked
