#!/usr/bin/env bash
# Training time: MLCore's `bench train` side by side with LightGBM, XGBoost (hist) and scikit-learn.
#
#   scripts/bench-train-peers.sh [--only gbdt,logreg,mlp] [--gbdt-data classification-1m,airline]
#                                [--repeats 3] [--no-2threads] [--mlp-epochs 20] [--skip-build]
#
# What is measured (details in scripts/peers/train_bench.py's docstring):
#   gbdt    100 trees, 31 leaves, 255 bins on 1M x 28 dense rows (make_classification, 250K test rows) and on the
#           airline task, on 1 and on 2 threads: binning (MLCore binning_seconds; LightGBM Dataset construct;
#           XGBoost QuantileDMatrix) and training apart, test AUC, ratios MLCore/peer.
#   logreg  fit time vs scikit-learn on the 100K x 28 synthetic set, 1 thread.
#   mlp     time per epoch vs scikit-learn MLPClassifier on the same set, 1 thread.
# Each case runs --repeats times (MLCore, then the peers, per repeat); min and median are kept. Every Python run has
# OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS set to its thread count, and the libraries get it too.
# Generated CSVs go to datasets/generated/ (git-ignored, written once); the merged JSON to
# results/local/train-peers-<UTC time>.json (git-ignored); the markdown table to stdout.
# `bench train` answering "not implemented yet" (gbdt/mlp before they land) shows as n/a; the peers still run.
# On a shared machine, read the load averages printed with the table: with other processes holding the cores
# (load average 3.5-4.5 on 2 cores), the 2-thread GBDT runs on 1M rows took 3-5x longer than the 1-thread ones
# (LightGBM most; probably OpenMP threads waiting on a descheduled sibling); such runs measure the contention.
set -euo pipefail
cd "$(dirname "$0")/.."
only=gbdt,logreg,mlp gbdt_data=classification-1m,airline repeats=3 two=1 mlp_epochs=20 build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only=$2; shift 2 ;;
    --gbdt-data) gbdt_data=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --no-2threads) two=0; shift ;;
    --mlp-epochs) mlp_epochs=$2; shift 2 ;;
    --skip-build) build=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
py=$(scripts/setup-peers.sh)
[ "$build" = 1 ] && swift build -c release --product bench >&2
helper=scripts/peers/train_bench.py
"$py" "$helper" prepare
out=$(mktemp -d)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
runs=()
for t in 1 2; do
  [ "$t" = 2 ] && [ "$two" = 0 ] && continue
  parts=$only
  if [ "$t" = 2 ]; then  # logreg and mlp are 1-thread comparisons
    parts=$(tr ',' '\n' <<<"$only" | grep -x gbdt || true)
    [ -z "$parts" ] && continue
  fi
  OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t MKL_NUM_THREADS=$t "$py" "$helper" run --threads "$t" --parts "$parts" \
    --gbdt-data "$gbdt_data" --repeats "$repeats" --mlp-epochs "$mlp_epochs" --json "$out/t$t.json"
  runs+=("$out/t$t.json")
done
mkdir -p results/local
"$py" "$helper" report "${runs[@]}" --json "results/local/train-peers-$stamp.json"
rm -rf "$out"
