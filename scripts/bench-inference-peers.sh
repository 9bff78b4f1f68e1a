#!/usr/bin/env bash
# MLCore vs onnxruntime on the benchmark models, single-threaded, in one run:
# batch-1 latency (single-stream) and rows/s on the whole input (offline), then one table.
#   scripts/bench-inference-peers.sh [--min-time 5]
set -euo pipefail
cd "$(dirname "$0")/.."
min_time=5
[ "${1:-}" = "--min-time" ] && min_time=$2
scripts/setup.sh
py=$(scripts/setup-peers.sh)
[ -f datasets/models/bench-input.csv ] || scripts/make-benchmark-models.sh
swift build -c release --product bench >&2
out=$(mktemp -d)
models=(datasets/models/lgbm-500x127.onnx datasets/models/xgb-500xd8.onnx datasets/models/mlp-256-128.onnx)
single=() offline=()
for m in "${models[@]}"; do
  n=$(basename "$m" .onnx)
  .build/release/bench inference --model "$m" --input datasets/models/bench-input.csv --scenario single-stream \
    --threads 1 --min-duration "$min_time" --report "$out/$n-single.json" > /dev/null
  .build/release/bench inference --model "$m" --input datasets/models/bench-input.csv --scenario offline \
    --threads 1 --min-duration "$min_time" --report "$out/$n-offline.json" > /dev/null
  single+=("$out/$n-single.json"); offline+=("$out/$n-offline.json")
done
"$py" scripts/peers/ort_inference.py --input datasets/models/bench-input.csv --min-time "$min_time" --json "${models[@]}" > "$out/ort.json"
"$py" scripts/peers/inference_compare.py "$out/ort.json" "${single[@]}" -- "${offline[@]}"
echo "reports in $out" >&2
