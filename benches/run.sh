#!/usr/bin/env bash
# The benchmark anyone re-runs: builds release, then measures malbok on generated data at each
# size and writes BENCHMARKS.md (see benches/harness.py for what is measured).
# Usage: bash benches/run.sh [--smoke] [small|medium|national|N ...]   (default: small)
#   --smoke  one run per command, no peer; checks every answer and writes
#            target/bench/BENCHMARKS.smoke.md instead of BENCHMARKS.md (CI runs this on small).
# Exits non-zero on a crash or a wrong answer, never on a time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
cargo bench --bench baseline --no-run --quiet
exec python3 benches/harness.py "$@"
