#!/usr/bin/env bash
# Instruction counts of the micro loops in bench/micro/, per iteration (2e6
# iterations, the empty loop's count subtracted), for mani and lua5.4, with
# valgrind's cachegrind: exact and independent of machine load, so a build whose
# interpreter loop lost its registers shows here even when timings are noise.
#
#   bash bench/micro.sh            print the table
#   bash bench/micro.sh --check    also fail if a count is more than 5% above its
#                                  ceiling in bench/micro/ceilings.txt
#   bash bench/micro.sh --record   rewrite the ceilings from this build's counts
#
# MANI=path overrides the binary (default target/release/mani, built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
MANI=${MANI:-target/release/mani}
[ -x "$MANI" ] || cargo build -q --release
command -v valgrind >/dev/null || { echo "micro.sh: valgrind is needed" >&2; exit 2; }
ITER=2000000

count() { # binary file -> instructions
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/I *refs/ {gsub(",", "", $NF); print $NF}'
}

have_lua=0
command -v lua5.4 >/dev/null && have_lua=1
m0=$(count "$MANI" bench/micro/empty.lua)
l0=0
[ $have_lua = 1 ] && l0=$(count lua5.4 bench/micro/empty.lua)
ceil_file=bench/micro/ceilings.txt
printf '| loop | mani | lua5.4 | ceiling |\n|---|---:|---:|---:|\n'
printf '| empty (whole loop, per iteration) | %d | %s | |\n' $((m0 / ITER)) \
  "$([ $have_lua = 1 ] && echo $((l0 / ITER)) || echo -)"
fail=0
# over NAME COUNT: true (and marks a failure) when COUNT is >5% over NAME's ceiling.
over() {
  local c
  c=$(awk -v n="$1" '$1 == n {print $2}' "$ceil_file" 2>/dev/null || true)
  [ -n "$c" ] && [ $(($2 * 100)) -gt $((c * 105)) ] && fail=1
}
over empty $((m0 / ITER)) && echo "empty loop over its ceiling: $((m0 / ITER))"
new_ceilings=""
for f in bench/micro/*.lua; do
  name=$(basename "$f" .lua)
  [ "$name" = empty ] && continue
  m=$(( ($(count "$MANI" "$f") - m0) / ITER ))
  l=-
  [ $have_lua = 1 ] && l=$(( ($(count lua5.4 "$f") - l0) / ITER ))
  c=$(awk -v n="$name" '$1 == n {print $2}' "$ceil_file" 2>/dev/null || true)
  mark=""
  over "$name" "$m" && mark=" (over)"
  printf '| %s | %d%s | %s | %s |\n' "$name" "$m" "$mark" "$l" "${c:--}"
  new_ceilings+="$name $m"$'\n'
done
if [ "$mode" = --record ]; then
  { echo "# name instructions-per-iteration (bash bench/micro.sh --record)"
    echo "empty $((m0 / ITER))"
    printf '%s' "$new_ceilings"; } > "$ceil_file"
  echo "recorded $ceil_file"
fi
if [ "$mode" = --check ] && [ $fail = 1 ]; then
  echo "micro.sh: a loop is more than 5% over its ceiling" >&2
  exit 1
fi
