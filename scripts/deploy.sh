#!/usr/bin/env bash
# Deploy the zAMM Stylus contract. No cargo-stylus needed.
#
#   scripts/deploy.sh                      # local: starts the devnode on 127.0.0.1:8547 if needed
#   RPC_URL=https://... PRIVATE_KEY_PATH=key.txt scripts/deploy.sh [--salt 0x..]
#   scripts/deploy.sh --use-cargo-stylus   # delegate to `cargo stylus deploy` if installed
#
# --salt (or SALT) deploys through the StylusDeployer (CREATE2) for a deterministic address.
# Without it the StylusDeployer is used when present, else CREATE + activateProgram; the output
# says which ("==> path used: ...").
set -euo pipefail
cd "$(dirname "$0")/.."

LOCAL_PORT=8547
SALT="${SALT:-}"
USE_CARGO_STYLUS=0
while [ $# -gt 0 ]; do
    case "$1" in
        --salt) SALT="${2:?--salt needs a value}"; shift 2 ;;
        --use-cargo-stylus) USE_CARGO_STYLUS=1; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "error: unknown argument $1" >&2; exit 2 ;;
    esac
done

rpc_answers() {
    curl -s -m 2 -H 'content-type: application/json' \
        -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$1" | grep -q '"result"'
}

if [ -z "${RPC_URL:-}" ]; then
    url="http://127.0.0.1:$LOCAL_PORT"
    if rpc_answers "$url"; then
        echo "==> devnode: already running at $url"
    else
        echo "==> devnode: building"
        cargo build -q -p stylus-devnode
        # Run the built binary (same as `cargo run -p stylus-devnode`, without holding cargo's lock).
        nohup target/debug/stylus-devnode --port "$LOCAL_PORT" > target/devnode.log 2>&1 &
        pid=$!
        for _ in $(seq 1 120); do rpc_answers "$url" && break; sleep 0.5; done
        rpc_answers "$url" || { echo "error: devnode did not start, see target/devnode.log" >&2; exit 1; }
        echo "==> devnode: started at $url (pid $pid, log target/devnode.log; stop with: kill $pid)"
    fi
else
    url="$RPC_URL"
    rpc_answers "$url" || { echo "error: RPC unreachable at $url" >&2; exit 1; }
    if [ -z "${PRIVATE_KEY:-}" ] && [ -z "${PRIVATE_KEY_PATH:-}" ]; then
        echo "error: missing key: set PRIVATE_KEY or PRIVATE_KEY_PATH" >&2
        exit 1
    fi
fi

echo "==> building wasm"
if [ -x scripts/build-wasm.sh ]; then
    wasm="$(scripts/build-wasm.sh | tail -n 1)"
else
    cargo build -q --release --target wasm32-unknown-unknown --lib -p zamm
    wasm=target/wasm32-unknown-unknown/release/zamm.wasm
fi
echo "==> wasm: $wasm"

if [ "$USE_CARGO_STYLUS" = 1 ]; then
    cargo stylus --version > /dev/null 2>&1 || { echo "error: cargo stylus is not installed" >&2; exit 1; }
    key_args=()
    if [ -n "${PRIVATE_KEY_PATH:-}" ]; then key_args=(--private-key-path "$PRIVATE_KEY_PATH")
    elif [ -n "${PRIVATE_KEY:-}" ]; then key_args=(--private-key "$PRIVATE_KEY")
    else key_args=(--private-key 0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659)
    fi
    salt_args=()
    [ -n "$SALT" ] && salt_args=(--deployer-salt "$SALT")
    echo "==> path: cargo stylus deploy (StylusDeployer: create + activate + constructor in one tx)"
    exec cargo stylus deploy --no-verify --endpoint "$url" "${key_args[@]}" "${salt_args[@]}"
fi

if [ -n "$SALT" ]; then
    echo "==> path: StylusDeployer (CREATE2, salt $SALT): create + activate + constructor in one tx"
else
    echo "==> path: StylusDeployer if the chain has one (create + activate + constructor in one tx)," \
        "else CREATE with feeToSetter set in its init code, then activateProgram"
fi
args=(--wasm "$wasm")
[ -n "${RPC_URL:-}" ] && args+=(--rpc-url "$RPC_URL")
[ -n "$SALT" ] && args+=(--salt "$SALT")
exec cargo run -q --example deploy -- "${args[@]}"
