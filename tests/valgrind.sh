#!/usr/bin/env bash
# Runs the heap's and the embedding API's tests under valgrind's memcheck: the unit
# tests of src/heap and src/api (the modules with unsafe code), the API soundness
# regressions, the mlua host program and the task tests (paused frames, parked async
# futures). Exits non-zero on any memory error.
#
#   bash tests/valgrind.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind not installed (apt-get install -y valgrind)"; exit 1; }

# "<kind> <executable>" for each test binary cargo builds.
bins=$(cargo test --no-run --message-format=json --lib --test api_soundness --test mlua_compat --test tasks 2>/dev/null \
  | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable"):
        print(m["target"]["kind"][0], m["executable"])
')
status=0
while read -r kind b; do
  [ -n "$b" ] || continue
  case "$kind" in
    lib) filter=(heap:: api::) ;;
    test) filter=() ;;
    *) continue ;;
  esac
  echo "== valgrind $(basename "$b") ${filter[*]:-}"
  # One test thread keeps the report readable; the tests themselves spawn threads.
  if ! valgrind --quiet --error-exitcode=99 --leak-check=no \
      "$b" --test-threads=1 -q "${filter[@]}" ; then
    status=1
  fi
done <<< "$bins"
exit $status
