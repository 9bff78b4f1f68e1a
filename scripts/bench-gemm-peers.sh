#!/usr/bin/env bash
# GEMM side by side in one run: MLCore's paths (GEMMBench, release build) then NumPy and onnxruntime
# (scripts/peers/gemm_peers.py in the pinned peers environment), all on 1 thread, then one table.
# OPENBLAS_CORETYPE is left exactly as the environment has it, and printed.
#   scripts/bench-gemm-peers.sh [--sizes 8,64,256,1024] [--min-time 0.5]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=8,64,256,1024
min_time=0.5
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --min-time) min_time=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
scripts/setup.sh
py=$(scripts/setup-peers.sh)
swift build -c release --product GEMMBench >&2
out=$(mktemp -d)
.build/release/GEMMBench --sizes "$sizes" --threads 1 --min-time "$min_time" --json > "$out/mlcore.json"
"$py" scripts/peers/gemm_peers.py --sizes "$sizes" --min-time "$min_time" --json > "$out/peers.json"
"$py" scripts/peers/gemm_compare.py "$out/mlcore.json" "$out/peers.json"
