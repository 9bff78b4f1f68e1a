#!/usr/bin/env bash
# How a CI job gates on performance: run the quick suite three times, compare the best run of each figure
# with the committed baseline of this machine, fail on a regression (exit 1) or unusable input (exit 2).
#   scripts/bench-gate.sh [suite] [baseline.json]     (default: the main job, binary-classification)
#   MLCORE_GATE_RUNS=N                                 runs to take the best of (default 3)
#   MLCORE_GATE_WRITE_BASELINE=1                       write the best-of merge to the baseline path instead
# A baseline from another machine (different fingerprint) cannot gate: bench compare says so and exits 2
# (bench compare --across-machines prints the hardware table).
#
# Why three runs, pinned: on this 2-core VM a whole process sometimes runs slow (the same build's batch-1 MLP
# p50 was 7.2 us in one run and 12.2 us in the next; logreg's fit 23 vs 31 ms), which repeats inside one
# process cannot see. The best of three separate processes is what the code can do; the baseline is made the
# same way (MLCORE_GATE_WRITE_BASELINE=1). Each run is pinned to one core (taskset -c $MLCORE_BENCH_CPU,
# default 1) and uses one thread.
set -euo pipefail
cd "$(dirname "$0")/.."
suite=${1:-binary-classification}
baseline=${2:-results/baseline/$suite-quick.json}
runs=${MLCORE_GATE_RUNS:-3}
scripts/setup.sh
swift build -c release --product bench >&2
cpu=${MLCORE_BENCH_CPU:-1}
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c "$cpu"); else echo "taskset not found: not pinned" >&2; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
reports=()
for i in $(seq 1 "$runs"); do
  "${pin[@]}" .build/release/bench --suite "$suite" --quick --threads 1 --out "$out/run$i.json" > /dev/null
  reports+=("$out/run$i.json")
done
if [ "${MLCORE_GATE_WRITE_BASELINE:-0}" = 1 ]; then
  # The merge does not depend on the base: compare with the first run only to write it.
  .build/release/bench compare "${reports[0]}" "${reports[@]}" --merged-out "$baseline" > /dev/null || true
  [ -f "$baseline" ] || { echo "could not write $baseline" >&2; exit 2; }
  echo "baseline written: $baseline (best of $runs runs)"
  exit 0
fi
.build/release/bench compare "$baseline" "${reports[@]}" --max-regression 0.05
