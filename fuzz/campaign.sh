#!/usr/bin/env bash
# Runs each fuzz target for a fixed time and prints libFuzzer's final statistics.
#
#   fuzz/campaign.sh [SECONDS_PER_TARGET] [TARGET...]    (default: 3600 s, all targets)
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Corpora
# live in fuzz/corpus/<target>; crashes go to fuzz/artifacts/<target>. Every crash
# found becomes a regression test (tests/hostile/ or the conformance corpus).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
secs="${1:-3600}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(compile run slice chunk)
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    # The compiler target starts from the conformance corpus.
    # (Named by section too: several sections have a file of the same name.)
    if [ "$t" = compile ]; then
        for f in ../tests/lua/*/*.lua; do
            cp "$f" "corpus/$t/$(basename "$(dirname "$f")")_$(basename "$f")"
        done
    fi
    echo "== $t for ${secs}s"
    cargo +nightly fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$secs" -max_len=4096 -len_control=20 -timeout=20 \
        -rss_limit_mb=2048 -print_final_stats=1 2>&1 | grep -E '^(stat::|Done|==|SUMMARY|.*ERROR)' || true
done
