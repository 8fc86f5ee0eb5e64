#!/usr/bin/env bash
# Regenerates the expected outputs of the conformance corpus with the
# reference interpreter (lua5.4).
#
#   tests/regen.sh            # all scripts
#   tests/regen.sh errors     # only scripts whose path contains "errors"
#
# For every tests/lua/<section>/<name>.lua this writes:
#   <name>.expected  exact stdout of `cd <section> && lua5.4 <name>.lua`
#   <name>.status    only when the exit status is non-zero:
#                      line 1: exit status
#                      line 2: first stderr line, with the "lua5.4: " prefix removed
#                      line 3: "stack traceback:" if lua5.4 printed a traceback
# Idempotent: running it twice gives the same files.
set -euo pipefail

LUA="${LUA:-lua5.4}"
if ! command -v "$LUA" >/dev/null 2>&1; then
    echo "regen.sh: reference interpreter '$LUA' not found (install lua5.4 or set LUA=/path/to/lua5.4)" >&2
    exit 1
fi
unset LUA_INIT LUA_INIT_5_4
if ! "$LUA" -v 2>&1 | grep -q '^Lua 5\.4'; then
    echo "regen.sh: '$LUA' is not Lua 5.4: $("$LUA" -v 2>&1)" >&2
    exit 1
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lua"
FILTER="${1:-}"
count=0
nonzero=0
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT

while IFS= read -r -d '' script; do
    rel="${script#"$ROOT"/}"
    if [[ -n "$FILTER" && "$rel" != *"$FILTER"* ]]; then
        continue
    fi
    dir="$(dirname "$script")"
    base="$(basename "$script" .lua)"
    set +e
    (cd "$dir" && LC_ALL=C TZ=UTC timeout 60 "$LUA" "$base.lua" </dev/null >"$base.expected" 2>"$tmp")
    rc=$?
    set -e
    if [[ $rc -eq 124 ]]; then
        echo "regen.sh: TIMEOUT in $rel" >&2
        exit 1
    fi
    if [[ $rc -ne 0 ]]; then
        first="$(head -n 1 "$tmp")"
        first="${first#"$LUA: "}"
        first="${first#lua5.4: }"
        {
            echo "$rc"
            echo "$first"
            if grep -qx 'stack traceback:' "$tmp"; then
                echo "stack traceback:"
            fi
        } >"$dir/$base.status"
        nonzero=$((nonzero + 1))
    else
        rm -f "$dir/$base.status"
        if [[ -s "$tmp" ]]; then
            echo "regen.sh: warning: $rel wrote to stderr:" >&2
            sed 's/^/    /' "$tmp" >&2
        fi
    fi
    count=$((count + 1))
done < <(find "$ROOT" -name '*.lua' -print0 | sort -z)

echo "regen.sh: regenerated $count scripts ($nonzero with non-zero exit status) using $("$LUA" -v 2>&1)"
