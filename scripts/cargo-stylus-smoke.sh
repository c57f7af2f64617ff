#!/usr/bin/env bash
# Smoke test: the real cargo-stylus CLI against the devnode.
#
#   scripts/cargo-stylus-smoke.sh
#
# Starts the devnode on a free port, writes two tiny stylus-sdk 0.10.10 counters into a temp dir
# (one with a #[constructor], one without), then runs `cargo stylus check` and
# `cargo stylus deploy --no-verify` on both: the constructor path goes through the StylusDeployer,
# the plain path is a CREATE of the prelude + `ArbWasm.activateProgram`. Each deployed counter is
# then read (eth_call) and incremented (a transaction) over raw JSON-RPC.
# Exits 0 with "skipped" when cargo-stylus is not installed (`cargo install cargo-stylus
# --version 0.10.10 --locked`). SMOKE_TARGET_DIR reuses a cargo target dir between runs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

# Nitro dev account, pre-funded by the devnode (public test key).
DEV_KEY=0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659
DEV_ADDR=0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E
SEL_NUMBER=0x8381f58a    # number()
SEL_INCREMENT=0xd09de08a # increment()
CTOR_ARG=41

say() { echo "[cargo-stylus-smoke] $*"; }
fail() {
    say "FAIL: $*" >&2
    exit 1
}

if ! cargo stylus --version >/dev/null 2>&1; then
    say "skipped: cargo-stylus is not installed (cargo install cargo-stylus --version 0.10.10 --locked)"
    exit 0
fi
command -v jq >/dev/null 2>&1 || fail "jq is required"
say "using $(cargo stylus --version)"

WORK="$(mktemp -d)"
NODE_PID=""
cleanup() {
    [ -n "$NODE_PID" ] && kill "$NODE_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# --- devnode on a free port ------------------------------------------------------------------
say "building the devnode"
(cd "$ROOT" && cargo build -q -p stylus-devnode)
TARGET="$(cd "$ROOT" && cargo metadata -q --format-version 1 --no-deps | jq -r .target_directory)"
# The binary itself (not `cargo run`) so the pid we kill is the node's.
"$TARGET/debug/stylus-devnode" --port 0 >"$WORK/devnode.log" 2>&1 &
NODE_PID=$!
URL=""
for _ in $(seq 1 100); do
    URL="$(sed -n 's/^Listening on \(http[^ ]*\).*/\1/p' "$WORK/devnode.log")"
    [ -n "$URL" ] && break
    kill -0 "$NODE_PID" 2>/dev/null || fail "devnode exited: $(cat "$WORK/devnode.log")"
    sleep 0.1
done
[ -n "$URL" ] || fail "devnode did not print its URL"
say "devnode at $URL"

# rpc METHOD PARAMS_JSON: prints the result, fails on a JSON-RPC error.
rpc() {
    local out
    out="$(curl -s -m 30 -H 'content-type: application/json' \
        -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$URL")"
    if [ "$(jq -r 'has("result")' <<<"$out")" != true ]; then
        fail "$1 $2 -> $out"
    fi
    jq -r '.result' <<<"$out"
}

# --- the two counters --------------------------------------------------------------------------
# write_counter DIR NAME WITH_CONSTRUCTOR(0/1)
write_counter() {
    local dir="$1" name="$2" ctor="$3" lib="${2//-/_}"
    mkdir -p "$dir/src" "$dir/.cargo"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "$name"
version = "0.1.0"
edition = "2021"

[dependencies]
alloy-primitives = "1.5.7"
alloy-sol-types = "1.5.7"
stylus-sdk = "=0.10.10"

[features]
default = ["mini-alloc"]
export-abi = ["stylus-sdk/export-abi"]
debug = ["stylus-sdk/debug"]
mini-alloc = ["stylus-sdk/mini-alloc"]
contract-client-gen = []

[lib]
crate-type = ["lib", "cdylib"]

[profile.release]
codegen-units = 1
strip = true
lto = true
panic = "abort"
opt-level = "s"
EOF
    cat >"$dir/rust-toolchain.toml" <<'EOF'
[toolchain]
channel = "1.95.0"
targets = ["wasm32-unknown-unknown"]
EOF
    cat >"$dir/.cargo/config.toml" <<'EOF'
[target.wasm32-unknown-unknown]
rustflags = [
  "-C", "link-arg=-zstack-size=32768",
  "-C", "target-cpu=mvp",
  "-C", "target-feature=+bulk-memory",
]
EOF
    printf '[workspace]\n\n[workspace.networks]\n\n[contract]\n' >"$dir/Stylus.toml"
    cat >"$dir/src/main.rs" <<EOF
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[unsafe(no_mangle)]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    $lib::print_from_args();
}
EOF
    local constructor=""
    if [ "$ctor" = 1 ]; then
        constructor='    #[constructor]
    pub fn constructor(&mut self, initial: U256) {
        self.number.set(initial);
    }
'
    fi
    cat >"$dir/src/lib.rs" <<EOF
//! Counter used by the cargo-stylus smoke test.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use stylus_sdk::{alloy_primitives::U256, prelude::*};

sol_storage! {
    #[entrypoint]
    pub struct Counter {
        uint256 number;
    }
}

#[public]
impl Counter {
$constructor
    pub fn number(&self) -> U256 {
        self.number.get()
    }

    pub fn increment(&mut self) {
        let n = self.number.get();
        self.number.set(n + U256::from(1));
    }
}
EOF
}

# Both crates share one target dir so stylus-sdk compiles once per target.
export CARGO_TARGET_DIR="${SMOKE_TARGET_DIR:-$WORK/target}"
write_counter "$WORK/ctor" smoke-ctor 1
write_counter "$WORK/plain" smoke-plain 0
for d in ctor plain; do
    (cd "$WORK/$d" && cargo generate-lockfile -q) || fail "cargo generate-lockfile ($d)"
done

strip_ansi() { sed 's/\x1b\[[0-9;]*m//g'; }

# stylus DIR LOGNAME ARGS...: runs `cargo stylus ARGS` in DIR, logs and echoes the output.
stylus() {
    local dir="$1" log="$WORK/$2.log"
    shift 2
    say "cargo stylus $* (in $(basename "$dir"))"
    if ! (cd "$dir" && cargo stylus "$@") >"$log" 2>&1; then
        strip_ansi <"$log" | tail -n 30 >&2
        fail "cargo stylus $1 failed in $(basename "$dir")"
    fi
    strip_ansi <"$log" | grep -v -e '^\s*$' -e 'File used for deployment hash' | sed 's/^/    /' || true
}

deployed_address() {
    strip_ansi <"$WORK/$1.log" | sed -n 's/.*deployed code at address: \(0x[0-9a-fA-F]\{40\}\).*/\1/p' |
        tail -n 1
}

# expect_number ADDR WANT: number() must return WANT.
expect_number() {
    local got want
    got="$(rpc eth_call "[{\"to\":\"$1\",\"data\":\"$SEL_NUMBER\"},\"latest\"]")"
    want="$(printf '0x%064x' "$2")"
    [ "$got" = "$want" ] || fail "number() at $1 is $got, want $want"
}

# increment ADDR: sends increment() from the dev account and requires a successful receipt.
increment() {
    local hash status
    hash="$(rpc eth_sendTransaction "[{\"from\":\"$DEV_ADDR\",\"to\":\"$1\",\"data\":\"$SEL_INCREMENT\"}]")"
    status="$(rpc eth_getTransactionReceipt "[\"$hash\"]" | jq -r '.status')"
    [ "$status" = 0x1 ] || fail "increment() at $1: receipt status $status"
}

# run_flow DIR NAME INITIAL [DEPLOY_ARGS...]
run_flow() {
    local dir="$1" name="$2" initial="$3" addr
    shift 3
    stylus "$dir" "$name-check" check -e "$URL"
    grep -q 'contract size' "$WORK/$name-check.log" || fail "check printed no contract size"
    stylus "$dir" "$name-deploy" deploy --no-verify -e "$URL" --private-key "$DEV_KEY" "$@"
    addr="$(deployed_address "$name-deploy")"
    [ -n "$addr" ] || fail "no deployed address in the $name deploy output"
    [ "$(rpc eth_getCode "[\"$addr\",\"latest\"]" | cut -c1-8)" = 0xeff000 ] ||
        fail "code at $addr is not a Stylus program"
    expect_number "$addr" "$initial"
    increment "$addr"
    expect_number "$addr" "$((initial + 1))"
    # The codehash is now active: check must take the codehashVersion() success path.
    stylus "$dir" "$name-recheck" check -e "$URL"
    say "PASS $name: $addr number() $initial -> $((initial + 1))"
}

run_flow "$WORK/ctor" constructor "$CTOR_ARG" --constructor-args "$CTOR_ARG"
run_flow "$WORK/plain" plain 0
say "PASS: cargo stylus check + deploy (StylusDeployer and CREATE + activateProgram)"
