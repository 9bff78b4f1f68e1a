#!/usr/bin/env bash
# Build the real-world ONNX model set into datasets/realworld/ (git-ignored) and refresh the small ones in
# Tests/MLCoreONNXTests/Fixtures/realworld/; every file's SHA-256 is checked against
# scripts/realworld-models.sha256 (exit 1 on a difference). See docs/realworld-models.md.
#
#   scripts/make-realworld-models.sh [--out DIR] [--only a,b] [--write-manifest] [--no-fixtures] [--list]
#
# Creates the pinned env first (scripts/setup-peers.sh); nothing is downloaded at run time.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="$(bash "${script_dir}/setup-peers.sh")"

start=${SECONDS}
PYTHONHASHSEED=0 "${python}" "${script_dir}/make-realworld-models.py" "$@"
echo "make-realworld-models: done in $((SECONDS - start)) s" >&2
