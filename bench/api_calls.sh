#!/usr/bin/env bash
# Instruction counts per boundary call, mani vs mlua 0.12 (C Lua 5.4), with callgrind:
#   bash bench/api_calls.sh
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../target/api_calls}"
cargo build -q --release --manifest-path api_calls/Cargo.toml
cargo build -q --release --manifest-path api_mlua/Cargo.toml --bin api_calls_mlua
printf '%-8s %12s %12s\n' case mani mlua
for m in r2ladd r2l l2radd l2r; do
  a=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$CARGO_TARGET_DIR/release/api_calls" $m 2>&1 | awk '/refs/ {gsub(",","",$NF); print $NF}')
  b=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$CARGO_TARGET_DIR/release/api_calls_mlua" $m 2>&1 | awk '/refs/ {gsub(",","",$NF); print $NF}')
  printf '%-8s %12d %12d\n' $m $((a / 200000)) $((b / 200000))
done
