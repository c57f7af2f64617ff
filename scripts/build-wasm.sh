#!/usr/bin/env bash
# Build the deployable zAMM WASM and print its path (default target/zamm.wasm).
#
# Pipeline (the shipped default; the flags exist to measure each size lever, see size.sh --levers):
#   1. cargo build --release --target wasm32-unknown-unknown --lib with the pinned nightly:
#      -Z build-std=std,panic_abort, panic = "immediate-abort", -Zfmt-debug=none and
#      -Zlocation-detail=none (std rebuilt at opt-level z without panic/Debug formatting code).
#      --stable: use rust-toolchain.toml's stable channel instead.
#   2. wasm-opt -Oz --converge with the MVP + bulk-memory features only.
#      --no-opt: only re-encode through wasm2wat | wat2wasm, as cargo-stylus does.
#   3. wasm-strip: drop every custom section, as cargo-stylus does.
#   4. Validate against Stylus' feature set: no reference types, multi-value, SIMD, floats,
#      memory.init/data.drop/table ops.
# Deploy exactly this file: `cargo stylus deploy --wasm-file target/zamm.wasm ...` (a plain
# `cargo stylus deploy` rebuilds on stable without these levers).
#
# --names keeps the function-name section (own target dir, strip = false) for size breakdowns;
# --out PATH writes elsewhere. Plain `cargo build --release --target wasm32-unknown-unknown --lib`
# keeps working on stable; it just produces a bigger, unoptimised module. With CI set, the build
# is --locked like cargo-stylus' builds.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$ROOT"

toolchain=nightly opt=1 names=0 out="$ROOT/target/zamm.wasm"
while [ $# -gt 0 ]; do
    case "$1" in
    --stable) toolchain=stable ;;
    --no-opt) opt=0 ;;
    --names) names=1 ;;
    --out) out="$2"; shift ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) log "unknown option $1"; exit 2 ;;
    esac
    shift
done

ensure_wasm_tools
[ "$opt" = 1 ] && ensure_wasm_opt

cargo_args=(build --release --target wasm32-unknown-unknown --lib -p zamm --quiet ${CI:+--locked})
target_dir="$ROOT/target"
if [ "$toolchain" = nightly ]; then
    ensure_wasm_nightly
    target_dir="$ROOT/target/wasm-nightly"
    # fmt-debug/location-detail: no Debug formatting code or panic location strings.
    # shellcheck disable=SC2054 # the commas belong to one argument
    cargo_args=(+"$WASM_NIGHTLY" "${cargo_args[@]}" -Z build-std=std,panic_abort
        -Z panic-immediate-abort --config 'profile.release.panic="immediate-abort"' --config
        'target.wasm32-unknown-unknown.rustflags=["-Zfmt-debug=none","-Zlocation-detail=none"]')
fi
if [ "$names" = 1 ]; then
    target_dir="$target_dir-names"
    cargo_args+=(--config 'profile.release.strip=false')
    # Legacy mangling: size.sh --breakdown can demangle it without extra tools.
    [ "$toolchain" = nightly ] && cargo_args+=(--config \
        'target.wasm32-unknown-unknown.rustflags=["-Zunstable-options","-Csymbol-mangling-version=legacy"]')
fi
CARGO_TARGET_DIR="$target_dir" cargo "${cargo_args[@]}"
built="$target_dir/wasm32-unknown-unknown/release/zamm.wasm"

# Post-processing is skipped when neither the cargo output, the options nor this script changed
# (the e2e test binaries each call this script).
stamp="$(cat "$built" "$0" | sha256sum | cut -c1-16) $toolchain $opt $names $BINARYEN_VERSION"
if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$out"
    exit 0
fi

keep_names=() wat_names=()
[ "$names" = 1 ] && keep_names=(-g) wat_names=(--debug-names)

mkdir -p "$(dirname "$out")"
tmp="$(mktemp "$out.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
if [ "$opt" = 1 ]; then
    # Only the features Stylus accepts, so wasm-opt cannot introduce anything else.
    "$WASM_OPT" -Oz --converge "${keep_names[@]}" --mvp-features --enable-bulk-memory \
        --enable-sign-ext --enable-mutable-globals "$built" -o "$tmp"
else
    # Re-encode through the text format as cargo-stylus does: the stable toolchain links a
    # prebuilt std compiled with reference-types, whose call_indirect encoding Stylus rejects.
    wasm2wat "$built" | wat2wasm "${wat_names[@]}" - -o "$tmp"
fi
if [ "$names" = 0 ]; then
    wasm-strip "$tmp"
fi

# Stylus activation rejects these features/opcodes (spec: stylus-runtime.md 3.3).
wasm-validate --disable-reference-types --disable-multi-value --disable-simd "$tmp"
forbidden='\| +([a-z0-9_.]*f(32|64)|memory\.init|data\.drop|elem\.drop|table\.)'
if bad="$(wasm-objdump -d "$tmp" | grep -E "$forbidden" | head -5)" && [ -n "$bad" ]; then
    log "the WASM uses opcodes Stylus cannot activate:"
    echo "$bad" >&2
    exit 1
fi
chmod 644 "$tmp"
mv "$tmp" "$out"
echo "$stamp" >"$out.stamp"
echo "$out"
