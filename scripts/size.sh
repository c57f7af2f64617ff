#!/usr/bin/env bash
# Size report of the deployable WASM (built by scripts/build-wasm.sh).
#
#   scripts/size.sh              raw and brotli-11 sizes; exits 1 above the Stylus limits
#                                (brotli > 24,572 bytes, or raw > 131,072 bytes)
#   scripts/size.sh --no-fail    report only
#   scripts/size.sh --breakdown [N]
#                                largest N functions (default 25), by crate and by section,
#                                measured on an identical build that keeps the name section
#   scripts/size.sh --levers     sizes with and without each size lever (toolchain, stripping,
#                                re-encoding, wasm-opt) to justify the build pipeline
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$ROOT"

# cargo-stylus deploys as one contract while compressed + 4-byte prefix <= 24,576 (EIP-170).
MAX_BROTLI=24572
MAX_RAW=131072

report() {
    local path="$1" raw br
    raw="$(stat -c %s "$path")"
    br="$(brotli_size "$path")"
    printf 'wasm:    %s\nraw:     %d bytes (limit %d)\nbrotli:  %d bytes (limit %d, %d left)\n' \
        "$path" "$raw" "$MAX_RAW" "$br" "$MAX_BROTLI" "$((MAX_BROTLI - br))"
    [ "$br" -le "$MAX_BROTLI" ] && [ "$raw" -le "$MAX_RAW" ]
}

row() {
    printf '%-52s %8d %8d\n' "$1" "$(stat -c %s "$2")" "$(brotli_size "$2")"
}

# One row of the lever table: label, then build-wasm.sh options.
lever() {
    local label="$1" path
    shift
    path="$ROOT/target/levers/$(echo "$label" | tr -c 'a-z0-9\n' '-').wasm"
    "$ROOT/scripts/build-wasm.sh" "$@" --out "$path" >/dev/null
    row "$label" "$path"
}

# Rows for one toolchain: the cargo output, with custom sections stripped only, re-encoded
# like cargo-stylus (+ strip), and with wasm-opt (+ strip).
levers_of() {
    local name="$1" cargo_out="$2" flag="${3:-}" stripped="$ROOT/target/levers/$1-strip-only.wasm"
    "$ROOT/scripts/build-wasm.sh" ${flag:+"$flag"} --no-opt --out "$ROOT/target/levers/$name-reencoded.wasm" \
        >/dev/null
    row "$name: cargo output (custom sections kept)" "$cargo_out"
    wasm-strip "$cargo_out" -o "$stripped"
    row "$name: + strip custom sections" "$stripped"
    row "$name: + re-encode via wat (cargo-stylus) + strip" \
        "$ROOT/target/levers/$name-reencoded.wasm"
    lever "$name: + wasm-opt -Oz --converge + strip" ${flag:+"$flag"}
}

levers() {
    ensure_wasm_tools
    printf '%-52s %8s %8s\n' "variant" "raw" "brotli"
    levers_of stable "$ROOT/target/wasm32-unknown-unknown/release/zamm.wasm" --stable
    levers_of nightly "$ROOT/target/wasm-nightly/wasm32-unknown-unknown/release/zamm.wasm"
}

# Turns legacy-mangled Rust symbols (_ZN4core3fmt5write17h..E) into core::fmt::write.
demangle() {
    perl -pe 's{_ZN((?:\d+[^\d\s>][^\s>]*?)*?)17h[0-9a-f]{16}E}{
        my ($s, @p) = ($1);
        while ($s =~ s/^(\d+)//) { push @p, substr($s, 0, $1, ""); }
        join("::", @p) =~ s/\$LT\$/</gr =~ s/\$GT\$/>/gr =~ s/\$u20\$/ /gr
            =~ s/\$C\$/,/gr =~ s/\$RF\$/&/gr =~ s/\.\./::/gr =~ s/\$u7b\$/{/gr =~ s/\$u7d\$/}/gr
            =~ s/(^|::)_</$1</gr
    }ge'
}

breakdown() {
    local top="$1" named="$ROOT/target/zamm-names.wasm"
    "$ROOT/scripts/build-wasm.sh" --names --out "$named" >/dev/null
    echo "== sections (bytes) of $named (name section is not deployed)"
    wasm-objdump -h "$named" | perl -ne 'printf "%-10s %7d %s\n", $1, hex($2), $3 if
        /^\s*(\w+) start=\S+ end=\S+ \(size=(0x[0-9a-f]+)\)\s*(?:count: \d+)?\s*(".*")?/'
    local funcs
    funcs="$(wasm-objdump -x -j Code "$named" |
        perl -ne 'print "$1\t$2\n" if /^ - func\[\d+\] size=(\d+) <(.*)>$/' | demangle)"
    echo "== code bytes by crate (first path segment)"
    echo "$funcs" | perl -F'\t' -lane '($c) = $F[1] =~ /^<?(?:impl )?&?([A-Za-z_][\w]*)/;
        $c //= "?"; $s{$c} += $F[0]; $n{$c}++;
        END { printf "%7d %4d fns  %s\n", $s{$_}, $n{$_}, $_
              for sort { $s{$b} <=> $s{$a} } keys %s }'
    echo "== largest $top functions (bytes)"
    echo "$funcs" | sort -t$'\t' -k1,1 -n -r | head -n "$top" |
        awk -F'\t' '{printf "%7d  %s\n", $1, $2}'
}

mode=check
case "${1:-}" in
--no-fail) mode=report ;;
--breakdown) mode=breakdown ;;
--levers) mode=levers ;;
"") ;;
-h | --help) sed -n '2,11p' "$0"; exit 0 ;;
*) sed -n '2,11p' "$0"; exit 2 ;;
esac

case "$mode" in
levers) levers ;;
breakdown) breakdown "${2:-25}" ;;
*)
    wasm="$("$ROOT/scripts/build-wasm.sh")"
    if ! report "$wasm"; then
        [ "$mode" = report ] && exit 0
        log "FAIL: the deployable WASM exceeds the Stylus size limit"
        exit 1
    fi
    ;;
esac
