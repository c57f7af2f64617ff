#!/usr/bin/env bash
# The one command that sets up a fresh machine and runs the whole test suite:
#   - a C linker, rustup, the stable toolchain pinned in rust-toolchain.toml (with its wasm32
#     target, clippy and rustfmt), and the WASM tools (brotli, wabt, binaryen, the pinned
#     nightly for the deployable build), each installed only when missing;
#   - the deployable WASM (scripts/build-wasm.sh), which the end-to-end tests deploy (ZAMM_WASM);
#   - cargo test --workspace: unit, ABI-parity, devnode and end-to-end tests.
# Extra arguments go to cargo test (e.g. `scripts/test.sh -- --nocapture`).
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$ROOT"

ensure_apt cc build-essential
ensure_rustup
quiet rustup toolchain install # reads rust-toolchain.toml
ensure_wasm_tools
ensure_wasm_opt
ensure_wasm_nightly

ZAMM_WASM="$(scripts/build-wasm.sh)"
export ZAMM_WASM
log "deployable WASM: $ZAMM_WASM"

cargo test --workspace ${CI:+--locked} "$@"
