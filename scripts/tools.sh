# shellcheck shell=bash
# Shared setup for the build/test scripts (source it; do not run it).
# Every `ensure_*` function is idempotent: it installs what is missing and stays quiet otherwise,
# so a fresh Debian/Ubuntu machine with rustup, apt and npm needs no manual steps.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The deployable WASM is built with this dated nightly (build-std + immediate-abort panics make the
# contract much smaller); everything else (tests, devnode, clippy, plain `cargo build`) uses the
# stable channel pinned in rust-toolchain.toml. rustup downloads it (with rust-src) on first use.
WASM_NIGHTLY="nightly-2026-05-20"
# wasm-opt from the npm `binaryen` package: pinned, newer than Debian's, installed under target/.
BINARYEN_VERSION="132.0.0"
BINARYEN_DIR="$ROOT/target/tools/binaryen-$BINARYEN_VERSION"
WASM_OPT="$BINARYEN_DIR/node_modules/.bin/wasm-opt"

log() { echo "[$(basename "$0")] $*" >&2; }

# quiet CMD...: run CMD with its output hidden unless it fails.
quiet() {
    local out
    out="$(mktemp)"
    if ! "$@" >"$out" 2>&1; then
        cat "$out" >&2
        rm -f "$out"
        return 1
    fi
    rm -f "$out"
}

# Run as root or through sudo (CI images differ).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# ensure_apt CMD PACKAGE...: install the Debian packages when CMD is not on PATH.
ensure_apt() {
    local cmd="$1"
    shift
    command -v "$cmd" >/dev/null 2>&1 && return 0
    log "installing $* (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y -qq "$@" >/dev/null 2>&1 ||
        { quiet as_root apt-get update -qq && quiet as_root apt-get install -y -qq "$@"; }
}

# rustup itself (the toolchains are then pinned by rust-toolchain.toml and WASM_NIGHTLY).
ensure_rustup() {
    [ -f "$HOME/.cargo/env" ] && source "$HOME/.cargo/env"
    command -v rustup >/dev/null 2>&1 && return 0
    ensure_apt curl curl
    log "installing rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
        quiet sh -s -- -y --profile minimal --default-toolchain none
    source "$HOME/.cargo/env"
}

# brotli CLI (size report) and wabt (wasm-strip, wasm-validate, wasm-objdump).
ensure_wasm_tools() {
    ensure_apt brotli brotli
    ensure_apt wasm-strip wabt
}

ensure_wasm_opt() {
    [ -x "$WASM_OPT" ] && return 0
    command -v npm >/dev/null 2>&1 || ensure_apt npm npm
    log "installing binaryen@$BINARYEN_VERSION (npm) into $BINARYEN_DIR"
    mkdir -p "$BINARYEN_DIR"
    quiet npm install --prefix "$BINARYEN_DIR" --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
}

# The pinned nightly with rust-src (needed by -Z build-std) and the wasm32 target.
ensure_wasm_nightly() {
    local sysroot
    if sysroot="$(rustup run "$WASM_NIGHTLY" rustc --print sysroot 2>/dev/null)" &&
        [ -d "$sysroot/lib/rustlib/src/rust/library" ] &&
        [ -d "$sysroot/lib/rustlib/wasm32-unknown-unknown" ]; then
        return 0
    fi
    log "installing $WASM_NIGHTLY (rust-src, wasm32-unknown-unknown)"
    quiet rustup toolchain install "$WASM_NIGHTLY" --profile minimal --component rust-src \
        --target wasm32-unknown-unknown
}

# brotli-11 size in bytes, as cargo-stylus compresses the code.
brotli_size() {
    brotli -c -q 11 "$1" | wc -c | tr -d ' '
}
