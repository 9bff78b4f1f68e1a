#!/usr/bin/env bash
# Builds and runs the consumer package against this checkout of MLCore.
set -euo pipefail
cd "$(dirname "$0")"
# SwiftPM rejects unsafeFlags only in remote dependencies, not in path dependencies like this one,
# so check the manifest directly as well.
if grep -n "unsafeFlags(" ../../Package.swift; then
  echo "consumer: MLCore's Package.swift uses unsafeFlags; dependents could not build it" >&2
  exit 1
fi
swift build --scratch-path ../../.build-consumer
../../.build-consumer/debug/Consumer
