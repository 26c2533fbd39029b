# Sourced by the other scripts: the environment the build and the tests run in.
# npm's binaryen provides wasm-opt 132; it must come before any older wasm-opt on PATH.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Trunk prints its errors unreadably with backtraces on.
unset RUST_BACKTRACE
TRUNK_VERSION=0.21.14
# The wasm-bindgen version Cargo.lock resolved; wasm-bindgen-cli must match it exactly.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
