#!/usr/bin/env bash
# Run MLCore on every model of the real-world set (datasets/realworld/, written by
# scripts/make-realworld-models.sh) and compare with onnxruntime's pinned outputs; see
# scripts/check-realworld-models.py for the tolerance rules and docs/realworld-models.md for the set.
# For each model folder M it runs exactly
#   .build/release/bench predict --model M/model.onnx --feed NAME=M/inputs/NAME.npy [--feed ...] --output-dir OUT/
# and prints PASS / FAIL / LOAD-ERROR per model, then a summary; exits 1 if any model does not pass.
#
#   scripts/check-realworld-models.sh [--ort-only] [--only a,b] [--root DIR] [--bench PATH]
#
# --ort-only re-runs onnxruntime instead of MLCore (a sanity check of the pinned expected files).
# Build the bench first: swift build -c release --product bench
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="$(bash "${script_dir}/setup-peers.sh")"
cd "${script_dir}/.."
exec "${python}" "${script_dir}/check-realworld-models.py" "$@"
