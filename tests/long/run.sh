#!/usr/bin/env bash
# The long reliability runs of issue 10, one command: from the repository root,
#
#   bash tests/long/run.sh            # 1,000,000 fuzz executions per target, 1,000 kills, 1,000 damaged ledgers
#   FUZZ=20000 KILLS=50 DAMAGE=50 bash tests/long/run.sh   # smaller
#
# Each run prints its seed (MALBOK_FUZZ_SEED, MALBOK_CRASH_SEED, MALBOK_DAMAGE_SEED) so that a
# failure can be replayed, and its counts; the log goes to target/long/<name>.log. The runs go
# one after the other under `nice -n 19` (the machine may be shared). Mount-based tests
# (read-only media, full disk) need root and are part of plain `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
FUZZ=${FUZZ:-1000000}
KILLS=${KILLS:-1000}
DAMAGE=${DAMAGE:-1000}
mkdir -p target/long
nice -n 19 cargo test --test it --no-run
run() {
    local name=$1
    shift
    echo "== $name: $*"
    if env "$@" nice -n 19 cargo test --test it "$name" -- --nocapture --test-threads 6 \
        >"target/long/$name.log" 2>&1; then
        echo "   pass"
    else
        echo "   FAIL (see target/long/$name.log)"
        status=1
    fi
    grep -E "^(fuzz|crash loop|damage loop)" "target/long/$name.log" | sed 's/^/   /' || true
}
status=0
run fuzz:: MALBOK_FUZZ_EXECS="$FUZZ"
run damage:: MALBOK_DAMAGE_CYCLES="$DAMAGE"
run crash::a_crash_loop MALBOK_CRASH_LOOP_CYCLES="$KILLS"
exit $status
