#!/usr/bin/env bash
# Runs the heap's and the embedding API's tests under valgrind's memcheck: the unit
# tests of src/heap and src/api (the modules with unsafe code), the API soundness
# regressions and the mlua host program. Exits non-zero on any memory error.
#
#   bash tests/valgrind.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind not installed (apt-get install -y valgrind)"; exit 1; }

bins=$(cargo test --no-run --message-format=json --lib --test api_soundness --test mlua_compat 2>/dev/null \
  | grep '"executable":"' | sed 's/.*"executable":"\([^"]*\)".*/\1/')
status=0
for b in $bins; do
  case "$b" in
    */mani-*) filter=(heap:: api::) ;;
    *) filter=() ;;
  esac
  echo "== valgrind $(basename "$b") ${filter[*]:-}"
  # One test thread keeps the report readable; the tests themselves spawn threads.
  if ! valgrind --quiet --error-exitcode=99 --leak-check=no \
      "$b" --test-threads=1 -q "${filter[@]}" ; then
    status=1
  fi
done
exit $status
