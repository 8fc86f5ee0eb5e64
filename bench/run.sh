#!/usr/bin/env bash
# Benchmark runner for mani: runs every bench/*.lua program under mani and the peer
# VMs (lua5.4 = reference, luajit -joff, dellingr), measures the CPU time (user+sys)
# of each run, checks every VM's stdout against lua5.4's, and prints a markdown table
# with medians, ratios to lua5.4 and the geometric mean of the ratios.
#
# Usage: bench/run.sh [options] [program ...]      (see --help)
set -u

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")

RUNS=3
BUILD=1
TIMEOUT=60
VMS_ARG="mani,lua5.4,luajit,dellingr"
INSTALL_PEERS=0
MICRO=0
PROGRAMS=()

usage() {
  cat <<'EOF'
Usage: bench/run.sh [options] [program ...]

Runs bench/<program>.lua (all programs if none given) on each VM and prints a
markdown table of median CPU seconds (user+sys) and ratios to lua5.4
(ratio < 1 means faster than lua5.4).

Options:
  -n N              runs per program per VM (default 3)
  --vms LIST        comma-separated VMs out of mani,mani-nometer,lua5.4,luajit,
                    dellingr (default: mani,lua5.4,luajit,dellingr; lua5.4
                    always runs, it is the reference). mani-nometer is the
                    same binary with --no-meter: mani/mani-nometer is the
                    overhead of metering (needs mani in the list too).
  --no-build        do not run `cargo build --release` before benchmarking
  --timeout S       per-run time limit in seconds (default 60)
  --install-peers   cargo install dellingr 0.6.0 if it is missing
  --micro           afterwards, instruction counts of the micro loops
                    (bench/micro.sh --check: fails if one is >5% over its
                    recorded ceiling; needs valgrind)
  -h, --help        this help

Environment:
  MANI_BIN          mani command to run (default: <repo>/target/release/mani,
                    or $CARGO_TARGET_DIR/release/mani);
                    when set, the cargo build is skipped. E.g. MANI_BIN=lua5.4
                    to exercise the mani column without a working mani.
  DELLINGR_BIN      dellingr command (default: dellingr on PATH or ~/.cargo/bin)
  LUAJIT_BIN        luajit command (default: luajit on PATH)
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    -n) RUNS=${2:?-n needs a number}; shift 2 ;;
    -n*) RUNS=${1#-n}; shift ;;
    --vms) VMS_ARG=${2:?--vms needs a list}; shift 2 ;;
    --vms=*) VMS_ARG=${1#--vms=}; shift ;;
    --no-build) BUILD=0; shift ;;
    --timeout) TIMEOUT=${2:?--timeout needs seconds}; shift 2 ;;
    --timeout=*) TIMEOUT=${1#--timeout=}; shift ;;
    --install-peers) INSTALL_PEERS=1; shift ;;
    --micro) MICRO=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) PROGRAMS+=("${1%.lua}"); shift ;;
  esac
done
case "$RUNS" in ''|*[!0-9]*|0) echo "run.sh: -n must be a positive integer" >&2; exit 2 ;; esac

log() { echo "$@" >&2; }

# ---------------------------------------------------------------- programs
if [ ${#PROGRAMS[@]} -eq 0 ]; then
  for f in "$BENCH_DIR"/*.lua; do PROGRAMS+=("$(basename "$f" .lua)"); done
fi
for p in "${PROGRAMS[@]}"; do
  if [ ! -f "$BENCH_DIR/$p.lua" ]; then echo "run.sh: no such program: bench/$p.lua" >&2; exit 2; fi
done

# ---------------------------------------------------------------- VMs
declare -A WANT=()
IFS=',' read -r -a _vms <<<"$VMS_ARG"
for v in "${_vms[@]}"; do
  case "$v" in
    mani|mani-nometer|lua5.4|luajit|dellingr) WANT[$v]=1 ;;
    '') ;;
    *) echo "run.sh: unknown VM '$v' (known: mani,mani-nometer,lua5.4,luajit,dellingr)" >&2; exit 2 ;;
  esac
done
WANT[lua5.4]=1   # always: it is the reference for outputs and ratios

NOTES=()
declare -A CMD=()       # vm -> command prefix (string, word-split on use)
declare -A BROKEN=()    # vm -> reason it cannot run at all (column shows FAIL)
VMS=()                  # columns, in order; lua5.4 first

if ! command -v lua5.4 >/dev/null 2>&1; then
  echo "run.sh: lua5.4 is required (apt-get install lua5.4)" >&2; exit 1
fi
CMD[lua5.4]="lua5.4"
VMS+=(lua5.4)

if [ -n "${WANT[mani]:-}" ]; then
  VMS+=(mani)
  if [ -n "${MANI_BIN:-}" ]; then
    log "MANI_BIN=$MANI_BIN (build skipped)"
    mani_bin=$MANI_BIN
  else
    target_dir=${CARGO_TARGET_DIR:-$ROOT/target}
    case "$target_dir" in /*) ;; *) target_dir="$ROOT/$target_dir" ;; esac
    mani_bin="$target_dir/release/mani"
    if [ "$BUILD" = 1 ]; then
      log "building mani: cargo build --release"
      if ! (cd "$ROOT" && cargo build --release >&2); then
        BROKEN[mani]="cargo build --release failed"
      fi
    fi
  fi
  if [ -z "${BROKEN[mani]:-}" ]; then
    if resolved=$(command -v "$mani_bin" 2>/dev/null) && [ -x "$resolved" ]; then
      case "$resolved" in /*) ;; */*) resolved="$PWD/$resolved" ;; esac   # programs run from bench/
      CMD[mani]=$resolved
    else
      BROKEN[mani]="mani binary not found: $mani_bin"
    fi
  fi
  [ -n "${BROKEN[mani]:-}" ] && NOTES+=("mani: ${BROKEN[mani]}")
  if [ -n "${WANT[mani-nometer]:-}" ]; then
    VMS+=(mani-nometer)
    if [ -n "${BROKEN[mani]:-}" ]; then BROKEN[mani-nometer]=${BROKEN[mani]}
    else CMD[mani-nometer]="${CMD[mani]} --no-meter"; fi
  fi
fi

if [ -n "${WANT[luajit]:-}" ]; then
  lj=${LUAJIT_BIN:-luajit}
  if command -v "$lj" >/dev/null 2>&1; then
    CMD[luajit]="$lj -joff"; VMS+=(luajit)
  else
    NOTES+=("luajit: not found, column skipped (apt-get install luajit)")
  fi
fi

if [ -n "${WANT[dellingr]:-}" ]; then
  dl=${DELLINGR_BIN:-}
  if [ -z "$dl" ]; then
    if command -v dellingr >/dev/null 2>&1; then dl=$(command -v dellingr)
    elif [ -x "$HOME/.cargo/bin/dellingr" ]; then dl="$HOME/.cargo/bin/dellingr"
    elif [ "$INSTALL_PEERS" = 1 ]; then
      log "installing dellingr: cargo install dellingr --version 0.6.0 --ignore-rust-version"
      if cargo install dellingr --version 0.6.0 --ignore-rust-version >&2; then
        dl="$HOME/.cargo/bin/dellingr"
        [ -x "$dl" ] || dl=$(command -v dellingr 2>/dev/null || true)
      fi
    fi
  fi
  if [ -n "$dl" ] && command -v "$dl" >/dev/null 2>&1; then
    case "$dl" in /*) ;; */*) dl="$PWD/$dl" ;; esac
    # -q: suppress dellingr's "Cost used: N" summary (printed on stderr)
    CMD[dellingr]="$dl -q"; VMS+=(dellingr)
  else
    NOTES+=("dellingr: not found, column skipped (cargo install dellingr --version 0.6.0 --ignore-rust-version, or run.sh --install-peers)")
  fi
fi

TIMEOUT_CMD=()
if command -v timeout >/dev/null 2>&1; then TIMEOUT_CMD=(timeout "$TIMEOUT"); fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mani-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- measuring
# measure OUT ERR CMD... : runs CMD, prints "<rc> <cpu seconds>" where cpu is the
# user+sys time of the child process tree (bash `times`, second line = children).
to_seconds() {  # "1m2.345s" -> 62.345
  local s=$1 m=${1%%m*}
  s=${s#*m}; s=${s%s}
  awk -v m="$m" -v s="$s" 'BEGIN { printf "%.3f", m * 60 + s }'
}
measure() {
  local out=$1 err=$2; shift 2
  local res rc user sys
  res=$( ( "${TIMEOUT_CMD[@]}" "$@" >"$out" 2>"$err" </dev/null; echo "rc $?"; times ) )
  rc=$(printf '%s\n' "$res" | awk '$1 == "rc" { print $2 }')
  read -r user sys < <(printf '%s\n' "$res" | tail -n 1)
  echo "$rc $(awk -v a="$(to_seconds "$user")" -v b="$(to_seconds "$sys")" 'BEGIN { printf "%.3f", a + b }')"
}

median() {  # numbers as arguments
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit; if (NR % 2) printf "%.3f", v[(NR + 1) / 2];
    else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A STATUS=()   # "prog|vm" -> OK | FAIL | TIMEOUT | WRONG | n/a
declare -A TIMES=()    # "prog|vm" -> space-separated seconds
declare -A MED=()      # "prog|vm" -> median seconds

first_line() { head -n 3 "$1" | tr '\n' ' ' | cut -c1-160; }

for p in "${PROGRAMS[@]}"; do
  ref="$WORK/$p.ref"
  for vm in "${VMS[@]}"; do
    if [ -n "${BROKEN[$vm]:-}" ]; then STATUS["$p|$vm"]=FAIL; else STATUS["$p|$vm"]=OK; fi
    TIMES["$p|$vm"]=""
  done
  for ((r = 1; r <= RUNS; r++)); do
    for vm in "${VMS[@]}"; do
      [ "${STATUS[$p|$vm]}" = OK ] || continue
      out="$WORK/$p.$vm.out"; err="$WORK/$p.$vm.err"
      # shellcheck disable=SC2086  # CMD is a command prefix, split on purpose
      read -r rc t < <(cd "$BENCH_DIR" && measure "$out" "$err" ${CMD[$vm]} "$p.lua")
      log "  $p  $vm  run $r: ${t}s rc=$rc"
      if [ "$rc" = 124 ] && [ ${#TIMEOUT_CMD[@]} -gt 0 ]; then
        STATUS["$p|$vm"]=TIMEOUT; NOTES+=("$p/$vm: timed out after ${TIMEOUT}s"); continue
      elif [ "$rc" != 0 ]; then
        STATUS["$p|$vm"]=FAIL; NOTES+=("$p/$vm: exit $rc: $(first_line "$err")"); continue
      fi
      if [ "$vm" = lua5.4 ]; then
        [ "$r" = 1 ] && cp "$out" "$ref"
      elif [ ! -f "$ref" ]; then
        STATUS["$p|$vm"]="n/a"; continue
      elif ! cmp -s "$out" "$ref"; then
        STATUS["$p|$vm"]=WRONG
        NOTES+=("$p/$vm: output differs from lua5.4: $(diff "$ref" "$out" | grep -m1 '^>' | cut -c1-120)")
        continue
      fi
      TIMES["$p|$vm"]+="$t "
    done
  done
  for vm in "${VMS[@]}"; do
    if [ "${STATUS[$p|$vm]}" = OK ]; then
      # shellcheck disable=SC2086
      MED["$p|$vm"]=$(median ${TIMES[$p|$vm]})
    fi
  done
  if [ "${STATUS[$p|lua5.4]}" != OK ]; then
    for vm in "${VMS[@]}"; do [ "${STATUS[$p|$vm]}" = OK ] && STATUS["$p|$vm"]="n/a"; done
  fi
done

# ---------------------------------------------------------------- table
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "x%.2f", a / b; else print "-" }'; }

header="| program | lua5.4 (s) |"
sep="|---|---:|"
for vm in "${VMS[@]}"; do
  [ "$vm" = lua5.4 ] && continue
  header+=" $vm (s) | $vm / lua5.4 |"
  sep+="---:|---:|"
done

echo
echo "CPU seconds (user+sys), median of $RUNS run(s); ratio = VM time / lua5.4 time (lower is better)."
echo
echo "$header"
echo "$sep"
declare -A LOGSUM=() NOK=()
for p in "${PROGRAMS[@]}"; do
  if [ "${STATUS[$p|lua5.4]}" = OK ]; then base=${MED[$p|lua5.4]}; row="| $p | $base |"
  else base=""; row="| $p | ${STATUS[$p|lua5.4]} |"; fi
  for vm in "${VMS[@]}"; do
    [ "$vm" = lua5.4 ] && continue
    st=${STATUS[$p|$vm]}
    if [ "$st" = OK ]; then
      m=${MED[$p|$vm]}
      row+=" $m | $(ratio "$m" "$base") |"
      LOGSUM[$vm]=$(awk -v s="${LOGSUM[$vm]:-0}" -v a="$m" -v b="$base" 'BEGIN { if (a <= 0) a = 0.0005; printf "%.12f", s + log(a / b) }')
      NOK[$vm]=$(( ${NOK[$vm]:-0} + 1 ))
    else
      row+=" $st | - |"
    fi
  done
  echo "$row"
done
row="| **geomean** | |"
for vm in "${VMS[@]}"; do
  [ "$vm" = lua5.4 ] && continue
  n=${NOK[$vm]:-0}
  if [ "$n" -gt 0 ]; then
    g=$(awk -v s="${LOGSUM[$vm]}" -v n="$n" 'BEGIN { printf "x%.2f", exp(s / n) }')
    row+=" ($n/${#PROGRAMS[@]} ok) | **$g** |"
  else
    row+=" (0/${#PROGRAMS[@]} ok) | - |"
  fi
done
echo "$row"

if [ -n "${NOK[mani]:-}" ] && [ "${NOK[mani]:-0}" = "${NOK[mani-nometer]:-x}" ]; then
  ov=$(awk -v a="${LOGSUM[mani]}" -v b="${LOGSUM[mani-nometer]}" -v n="${NOK[mani]}" \
    'BEGIN { printf "%+.1f%%", (exp((a - b) / n) - 1) * 100 }')
  echo
  echo "Metering overhead (mani / mani-nometer, geomean): **$ov**"
fi

if [ ${#NOTES[@]} -gt 0 ]; then
  echo
  echo "Notes:"
  for n in "${NOTES[@]}"; do echo "- $n"; done
fi
echo
echo "Commands: $(for vm in "${VMS[@]}"; do printf '%s=`%s` ' "$vm" "${CMD[$vm]:-${BROKEN[$vm]:-?}}"; done)"

if [ "$MICRO" = 1 ]; then
  echo
  echo "Micro loops (instructions per iteration, cachegrind):"
  echo
  MANI="${mani_bin:-$ROOT/target/release/mani}" bash "$BENCH_DIR/micro.sh" --check
fi
