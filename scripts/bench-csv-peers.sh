#!/usr/bin/env bash
# CSV loading side by side on the same files: MLCore's NumericCSV (Benchmarks/CSVBench, release build, 1 thread)
# and pandas.read_csv (pinned peers env), MB/s and the ratio.
#   scripts/bench-csv-peers.sh [--rows 1000000] [--repeats 7] [FILE...]
# Both run pinned to one core (taskset -c $MLCORE_BENCH_CPU, default 0): pandas 3 parses with a helper thread, so
# unpinned it would use two cores. Without FILEs it builds and uses two generated files: the synthetic task (--rows rows, seed 42, train.csv: numeric,
# about 43 bytes a row) and airline-nyc2013's train.csv (one-hot, 129 columns, mostly 0/1 cells).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=1000000
repeats=7
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    -*) echo "unknown argument $1" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
scripts/setup.sh
py=$(scripts/setup-peers.sh)
swift build -c release --product bench >&2
swift build -c release --product CSVBench >&2
if [ ${#files[@]} -eq 0 ]; then
  .build/release/bench datasets build synthetic --rows "$rows" --seed 42 >&2
  .build/release/bench datasets build airline-nyc2013 >&2
  files=("datasets/build/synthetic-$rows-seed42/train.csv" "datasets/build/airline-nyc2013/train.csv")
fi
cpu=${MLCORE_BENCH_CPU:-0}
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c "$cpu"); else echo "taskset not found: not pinned" >&2; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"${pin[@]}" .build/release/CSVBench "${files[@]}" --repeats "$repeats" --json > "$out/mlcore.json"
"${pin[@]}" "$py" scripts/datasets/pandas_read_csv.py "$out/mlcore.json" "${files[@]}" --repeats "$repeats"
