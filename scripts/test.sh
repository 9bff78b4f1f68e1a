#!/usr/bin/env bash
# The project's test line: set-up, then the test tiers.
#   scripts/test.sh              default tier: swift test (all unit tests) + the consumer package build
#   MLCORE_TEST_TIERS="default sanitizers" scripts/test.sh   adds the heavier tiers
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
tiers=${MLCORE_TEST_TIERS:-default}

for tier in $tiers; do
  case "$tier" in
    default)
      echo "== swift test"
      swift test
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
