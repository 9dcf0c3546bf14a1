#!/usr/bin/env bash
# Size of one bundle variant, for the table in docs/benchmarks.md ("Bundle
# size"): runs wasm-bindgen and wasm-opt as `cargo xtask dist` does, with the
# flags given, on a wasm that cargo built, and prints gzip -9 sizes in bytes.
#
#   bench/bundle-variant.sh LABEL RAW_WASM "WASM_BINDGEN_FLAGS" "WASM_OPT_RUNS"
#
# RAW_WASM is target/wasm32-unknown-unknown/release/ctisvr_softphone.wasm of a
# release build (build each RUSTFLAGS or profile variant in its own
# CARGO_TARGET_DIR). WASM_OPT_RUNS holds the passes of each wasm-opt run,
# runs separated by ';' ("-Oz;-Oz" runs it twice). The output goes to
# target/bundle-variants/LABEL/.
#
# Example, today's dist:
#   bench/bundle-variant.sh dist target/wasm32-unknown-unknown/release/ctisvr_softphone.wasm \
#     "--encode-into always" "-Oz --strip-debug --strip-producers;-Oz --strip-debug --strip-producers"
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
label=$1 raw=$2 wasm_bindgen_flags=$3 wasm_opt_runs=$4
out="target/bundle-variants/$label"
rm -rf "$out"
mkdir -p "$out"
# As WASM_OPT_FEATURES in crates/xtask/src/dist.rs.
features="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-multivalue --enable-reference-types"
# shellcheck disable=SC2086 # flags are word lists
wasm-bindgen --target web --no-typescript --out-name ctisvr_softphone $wasm_bindgen_flags --out-dir "$out" "$raw"
wasm="$out/ctisvr_softphone_bg.wasm"
IFS=';' read -ra runs <<< "$wasm_opt_runs"
for passes in "${runs[@]}"; do
  # shellcheck disable=SC2086
  node_modules/.bin/wasm-opt $passes $features "$wasm" -o "$wasm.tmp"
  mv "$wasm.tmp" "$wasm"
done
gz() { gzip -9 -c "$1" | wc -c; }
wasm_gz=$(gz "$wasm")
js_gz=0
while IFS= read -r js; do js_gz=$((js_gz + $(gz "$js"))); done < <(find "$out" -name '*.js' | sort)
# The CSS is compiled into the wasm: its bytes are counted there.
echo "$label: wasm $(stat -c %s "$wasm") raw, $wasm_gz gzip; JS glue $js_gz gzip; total (wasm + JS) $((wasm_gz + js_gz)) gzip"
