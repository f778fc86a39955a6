#!/usr/bin/env bash
# scripts/lib.sh: shared set-up for scripts/serve, scripts/test and scripts/bench.
# Every step prints one line, installs only what is missing, and on failure names the step and the fix.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31mFAILED: %s\n  fix: %s\033[0m\n' "$1" "$2" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

# A fresh machine's own updater (unattended-upgrades) can hold apt's lock for minutes after boot:
# wait for it rather than fail the first run.
APT_WAIT="-o DPkg::Lock::Timeout=600"

ensure_apt_packages() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v clang >/dev/null || missing+=(clang)
  if [ ${#missing[@]} -eq 0 ]; then step "apt packages: chromium, chromium-driver, clang present"; return; fi
  step "apt packages: installing ${missing[*]}"
  { as_root apt-get $APT_WAIT update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get $APT_WAIT install -y -qq "${missing[@]}" >/dev/null; } \
    || fail "installing ${missing[*]} with apt-get" "run as root (or with sudo): apt-get update && apt-get install -y ${missing[*]}"
}

# Only scripts/test needs these: the cross-engine suite's Firefox and WebKit (Safari's engine,
# whose MiniBrowser needs an X display, so Xvfb).
ensure_other_engines() {
  local missing=()
  command -v firefox-esr >/dev/null || missing+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null || missing+=(xvfb)
  if [ ${#missing[@]} -eq 0 ]; then step "apt packages: firefox-esr, webkit2gtk-driver, xvfb present"; return; fi
  step "apt packages: installing ${missing[*]}"
  { as_root apt-get $APT_WAIT update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get $APT_WAIT install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } \
    || fail "installing ${missing[*]} with apt-get" "run as root (or with sudo): apt-get update && apt-get install -y ${missing[*]}"
}

ensure_wasm_target() {
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    step "rust target wasm32-unknown-unknown present"; return
  fi
  step "rust target: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown >/dev/null || fail "rustup target add wasm32-unknown-unknown" "check that rustup can reach its mirror, then rerun"
}

ensure_trunk() {
  if trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then step "trunk $(trunk --version | cut -d' ' -f2) present"; return; fi
  step "trunk: installing ~0.21 with cargo (10-20 min, once)"
  cargo install trunk --version "~0.21" --locked --quiet || fail "cargo install trunk" "trunk 0.22 needs a newer rustc; keep ~0.21 and check crates.io is reachable"
}

lock_version() { awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"; }

ensure_wasm_bindgen() {
  local want; want="$(lock_version wasm-bindgen)"
  [ -n "$want" ] || fail "reading the wasm-bindgen version from Cargo.lock" "run cargo generate-lockfile"
  if wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $want" && command -v wasm-bindgen-test-runner >/dev/null; then
    step "wasm-bindgen-cli $want present"; return
  fi
  step "wasm-bindgen-cli: installing $want to match Cargo.lock (about 7 min, once)"
  # No --locked: the registry mirror lacks a version the published lockfile pins.
  cargo install wasm-bindgen-cli --version "$want" --force --quiet \
    || fail "cargo install wasm-bindgen-cli --version $want" "the CLI must equal the wasm-bindgen in Cargo.lock; check crates.io is reachable"
}

# The splitter scripts/split.mjs runs after Trunk's build (Trunk 0.21 cannot split wasm); pinned,
# because its output format (the loader JS it writes) is what split.mjs rewrites.
WASM_SPLIT_VERSION=0.2.4
ensure_wasm_split() {
  if cargo install --list 2>/dev/null | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:" && command -v wasm-split-cli >/dev/null; then
    step "wasm-split-cli $WASM_SPLIT_VERSION present"; return
  fi
  step "wasm-split-cli: installing $WASM_SPLIT_VERSION with cargo (about 1 min, once)"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked --force --quiet \
    || fail "cargo install wasm_split_cli_support --version $WASM_SPLIT_VERSION" "check crates.io is reachable, then rerun"
}

ensure_node_modules() {
  command -v npm >/dev/null || fail "finding npm" "install Node.js 20 and npm"
  local want have=""
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  [ -f node_modules/.lock-hash ] && have="$(cat node_modules/.lock-hash)"
  if [ "$want" = "$have" ] && [ -x node_modules/.bin/wasm-opt ]; then step "npm packages (binaryen, @playwright/test) present"; return; fi
  step "npm ci: installing binaryen and @playwright/test from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null || fail "npm ci" "check the npm registry is reachable; never run 'npx playwright install' (it downloads a browser)"
  echo "$want" > node_modules/.lock-hash
}

check_wasm_opt() {
  wasm-opt --version 2>/dev/null | grep -q 'version 132' \
    || fail "checking wasm-opt" "node_modules/.bin must come first on PATH; Debian's binaryen 108 builds broken modules"
}

ensure_toolchain() {
  ensure_apt_packages
  ensure_wasm_target
  ensure_trunk
  ensure_wasm_bindgen
  ensure_wasm_split
  ensure_node_modules
  check_wasm_opt
}

build_release() {
  step "trunk build --release into dist/"
  # Once seen: with two Rust targets (app and SQL worker) Trunk's staged page lacked its loader
  # script and the post-build hook refused it. A second build, with everything cached, succeeded.
  trunk build --release --quiet || { step "trunk build failed; retrying once"; trunk build --release --quiet; } \
    || fail "trunk build --release" "read the compiler error above; 'cargo build --target wasm32-unknown-unknown' shows it faster"
  # Hashed assets get a best-brotli copy once, as a deploy would; the server sends it when asked.
  node scripts/static-server.mjs --precompress dist || fail "precompressing dist/" "see the message above"
}
