#!/usr/bin/env bash
# MLCore vs onnxruntime on the real-world neural networks (resnet18, resnet50, mobilenet_v2, bert_small,
# lstm_bidirectional), 1 thread, batch 1 and 8, interleaved in rounds; plus resnet50 batch 8 at 2 threads vs 1.
# Prints a Markdown table (for the README) and writes JSON (default results/nn-peers-<UTC time>.json).
#   scripts/bench-nn-peers.sh [--quick] [--json OUT] [--models-dir DIR]
# About 8 minutes (3 rounds of >= 3 s per figure); --quick about 3 (2 rounds of >= 1 s).
# Python: MLCORE_PEERS_PYTHON, else .venv-peers/bin/python (scripts/setup-peers.sh makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
models_dir=datasets/realworld
json="results/nn-peers-$(date -u +%Y-%m-%dT%H%M%SZ).json"
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) extra+=(--quick); shift ;;
    --json) json=$2; shift 2 ;;
    --models-dir) models_dir=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
py=${MLCORE_PEERS_PYTHON:-.venv-peers/bin/python}
if [ ! -x "$py" ]; then
  echo "bench-nn-peers: no pinned Python environment ($py); run scripts/setup-peers.sh or set MLCORE_PEERS_PYTHON" >&2
  exit 1
fi
missing=()
for m in resnet18 resnet50 mobilenet_v2 bert_small lstm_bidirectional; do
  [ -f "$models_dir/$m/model.onnx" ] || missing+=("$m")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench-nn-peers: regenerating ${missing[*]} with scripts/make-realworld-models.sh" >&2
  scripts/make-realworld-models.sh --out "$models_dir" --only "$(IFS=,; echo "${missing[*]}")" --no-fixtures
fi
swift build -c release --product bench >&2
mkdir -p "$(dirname "$json")"
"$py" scripts/peers/nn_side_by_side.py --bench .build/release/bench --models-dir "$models_dir" --json "$json" "${extra[@]}"
echo "JSON written to $json" >&2
