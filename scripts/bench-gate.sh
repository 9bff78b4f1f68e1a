#!/usr/bin/env bash
# How a CI job gates on performance.
#   scripts/bench-gate.sh --base REF [suite]           build REF and HEAD side by side in this job, run their quick
#                                                      suites interleaved (base, head, base, head, ...) on this
#                                                      machine, compare the best-of merges: the gate that works on
#                                                      whatever machine CI lands on
#   scripts/bench-gate.sh [suite] [baseline.json]     (default: the main job, binary-classification) the quick suite
#                                                      three times against the committed baseline of this machine
#   MLCORE_GATE_RUNS=N                                 runs per side to take the best of (default 3)
#   MLCORE_GATE_WRITE_BASELINE=1                       write the best-of merge to the baseline path instead
# Exit 1 on a regression, 2 on unusable input. A baseline from another machine (different fingerprint) cannot
# gate: bench compare says so and exits 2 (bench compare --across-machines prints the hardware table); use --base.
# Both sides of --base read the same data files (the base's bench runs from this checkout's root).
set -euo pipefail
cd "$(dirname "$0")/.."
base_ref=
if [ "${1:-}" = --base ]; then
  [ $# -ge 2 ] || { echo "bench-gate: --base needs a commit (e.g. origin/main, HEAD~1)" >&2; exit 2; }
  base_ref=$2
  shift 2
fi
suite=${1:-binary-classification}
baseline=${2:-results/baseline/$suite-quick.json}
runs=${MLCORE_GATE_RUNS:-3}
scripts/setup.sh
swift build -c release --product bench >&2
cpu=${MLCORE_BENCH_CPU:-1}
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c "$cpu"); else echo "taskset not found: not pinned" >&2; fi
out=$(mktemp -d)
worktree=
cleanup() {
  rm -rf "$out"
  if [ -n "$worktree" ]; then git worktree remove --force "$worktree" >/dev/null 2>&1 || rm -rf "$worktree"; fi
}
trap cleanup EXIT

if [ -n "$base_ref" ]; then
  commit=$(git rev-parse --verify "$base_ref^{commit}") || { echo "bench-gate: unknown commit $base_ref" >&2; exit 2; }
  worktree=$(mktemp -d)/base
  git worktree add --detach "$worktree" "$commit" >/dev/null
  echo "building the base $base_ref ($commit) in $worktree" >&2
  (cd "$worktree" && swift build -c release --product bench >&2)
  base_bench="$worktree/.build/release/bench"
  base_reports=() head_reports=()
  for i in $(seq 1 "$runs"); do
    # Interleaved, so that a machine whose speed drifts over minutes slows both sides alike.
    "${pin[@]}" "$base_bench" --suite "$suite" --quick --threads 1 --out "$out/base$i.json" > /dev/null
    base_reports+=("$out/base$i.json")
    "${pin[@]}" .build/release/bench --suite "$suite" --quick --threads 1 --out "$out/head$i.json" > /dev/null
    head_reports+=("$out/head$i.json")
  done
  # The base side's best-of merge is the baseline; the head side's runs are merged the same way by compare.
  .build/release/bench compare "${base_reports[0]}" "${base_reports[@]}" --merged-out "$out/base-best.json" > /dev/null || true
  [ -f "$out/base-best.json" ] || { echo "bench-gate: could not merge the base runs" >&2; exit 2; }
  echo "base $base_ref ($commit) vs HEAD ($(git rev-parse HEAD)), $runs interleaved runs each, best of each side:"
  .build/release/bench compare "$out/base-best.json" "${head_reports[@]}" --max-regression 0.05
  exit $?
fi
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
