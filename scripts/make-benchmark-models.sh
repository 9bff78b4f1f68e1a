#!/usr/bin/env bash
# Train the benchmark models and write them to <repo>/datasets/models/ (git-ignored; nothing here is committed):
#   lgbm-500x127.onnx, xgb-500xd8.onnx, mlp-256-128.onnx, bench-input.csv, MODELS.sha256, MODELS.md
# See scripts/fixtures/make_benchmark_models.py for how each is made. Seeded and deterministic for the pinned
# peers env (scripts/requirements-peers.txt); the ONNX bytes may change with library or converter versions.
# The folder is rebuilt in a temporary sibling and swapped in. Prints the SHA-256 sums (also in MODELS.sha256).
#
#   scripts/make-benchmark-models.sh [--out DIR] [--threads N]
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="$(bash "${script_dir}/setup-peers.sh")"

start=${SECONDS}
PYTHONHASHSEED=0 "${python}" "${script_dir}/fixtures/make_benchmark_models.py" "$@"
echo "make-benchmark-models: done in $((SECONDS - start)) s" >&2
