#!/usr/bin/env bash
# How a CI job gates on performance: run the quick suite, compare it with the committed baseline of this
# machine, fail on a regression (exit 1) or unusable input (exit 2).
#   scripts/bench-gate.sh [suite] [baseline.json]     (default: the main job, binary-classification)
# Reports from another machine (different fingerprint) print as a hardware table and do not fail.
set -euo pipefail
cd "$(dirname "$0")/.."
suite=${1:-binary-classification}
baseline=${2:-results/baseline/$suite-quick.json}
scripts/setup.sh
swift build -c release --product bench >&2
new=$(mktemp --suffix=.json)
# Pinned to one core (taskset -c $MLCORE_BENCH_CPU, default 1), as the baseline was: unpinned, the same build's
# single-stream p50 moved by up to 45% between runs here (GBDT 4.6 vs 6.7 us), pinned by 1-2%.
cpu=${MLCORE_BENCH_CPU:-1}
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c "$cpu"); else echo "taskset not found: not pinned" >&2; fi
"${pin[@]}" .build/release/bench --suite "$suite" --quick --threads 1 --out "$new" > /dev/null
.build/release/bench compare "$baseline" "$new" --max-regression 0.05
