#!/usr/bin/env bash
# The project's test line: set-up, then the test tiers.
#   scripts/test.sh              default tier: swift test (all unit tests), ThreadSanitizer on the concurrency
#                                tests, and the consumer package build
#   MLCORE_TEST_TIERS="default sanitizers" scripts/test.sh   adds the heavier tiers (whole suite under ASan and TSan)
#
# The default tier's sanitizer step is `scripts/sanitizers.sh thread --filter Concurrency`: the two suites whose
# names contain "Concurrency" (ConcurrencyTests: 16 threads on one ONNX session; ConcurrencyStressTests: 16 threads
# on one trained LR, GBDT and MLP model), built with -sanitize=thread in its own scratch path (.build-tsan).
# Measured on the 2-core machine (load average about 2 from other builds), 2026-11-23: 2 min 19 s from an empty
# .build-tsan (about 2 min 14 s of it is the TSan build, 5 s the tests), 8 s when .build-tsan is up to date. The
# whole suite under TSan is in the sanitizers tier (about 3 min).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
tiers=${MLCORE_TEST_TIERS:-default}

for tier in $tiers; do
  case "$tier" in
    default)
      echo "== swift test"
      swift test
      echo "== ThreadSanitizer: the concurrency tests (sessions and trained models shared by 16 threads)"
      scripts/sanitizers.sh thread --filter Concurrency
      echo "== consumer package (depends on MLCore by path, no unsafe flags)"
      scripts/consumer/check.sh
      ;;
    sanitizers)
      echo "== sanitizers (AddressSanitizer + LeakSanitizer, ThreadSanitizer)"
      scripts/sanitizers.sh
      ;;
    *)
      echo "unknown test tier: $tier" >&2
      exit 2
      ;;
  esac
done
