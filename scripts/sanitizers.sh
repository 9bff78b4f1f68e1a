#!/usr/bin/env bash
# The whole test suite under AddressSanitizer (with LeakSanitizer) and under ThreadSanitizer (issue 8).
#
#   scripts/sanitizers.sh              both, one after the other; exit 1 if either fails
#   scripts/sanitizers.sh address      only ASan (scratch path .build-asan)
#   scripts/sanitizers.sh thread       only TSan (scratch path .build-tsan)
#   extra arguments after the sanitizer name go to `swift test` (e.g. `address --filter ONNX`)
#
# Debug builds: what a developer runs, and the configuration in which Swift's own checks are on. Each sanitizer
# has its own scratch path so that the plain .build stays untouched and a rebuild is incremental.
# Measured on the 2-core Debian 12 machine (Swift 6.3.1), from a clean scratch path, see docs/fuzzing.md.
#
# Runtime options and flags, each with its reason:
#   ASan   detect_leaks=1         LeakSanitizer on at exit (the Linux default; stated so that nobody turns it off).
#          suppressions           scripts/sanitizers/lsan.supp: one leak inside swift-corelibs-foundation's
#                                 Process.run (32 bytes a process); the file says why. Nothing of MLCore's.
#          --disable-xctest       when no test imports XCTest (today: none; all tests use swift-testing). The
#                                 XCTest pass would run zero tests and still end with a LeakSanitizer report of
#                                 368 bytes: swift-corelibs-xctest's runner leaks its own (empty) suite objects.
#                                 Suppressing that by module would also hide leaks in future XCTest tests, so the
#                                 empty pass is skipped instead; once a test imports XCTest, the pass runs again.
#   TSan   halt_on_error=1        the first data race fails the run instead of scrolling by.
#   both   -Xswiftc -use-ld=lld: gold, the default linker, prints a warning for each of ASan's ~200 local symbols.
#          SWIFT_BACKTRACE=enable=no: Swift's crash handler reads the crashed process's memory in a way the
#          sanitizers report as an error of their own; the sanitizer's report is the one to read.
set -euo pipefail
cd "$(dirname "$0")/.."

which=${1:-both}
[ $# -gt 0 ] && shift
export SWIFT_BACKTRACE=enable=no
supp=scripts/sanitizers/lsan.supp

run() {
  local name=$1 scratch=$2
  shift 2
  local start=$SECONDS
  echo "== swift test --sanitize=$name --scratch-path $scratch -Xswiftc -use-ld=lld $*"
  if swift test --sanitize="$name" --scratch-path "$scratch" -Xswiftc -use-ld=lld "$@"; then
    echo "== $name: passed in $((SECONDS - start)) s"
  else
    echo "== $name: FAILED after $((SECONDS - start)) s"
    return 1
  fi
}

xctest=()
grep -rlq --include='*.swift' '^import XCTest' Tests || xctest=(--disable-xctest)

status=0
if [ "$which" = both ] || [ "$which" = address ]; then
  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/$supp:print_suppressions=0" \
    run address .build-asan "${xctest[@]}" "$@" || status=1
fi
if [ "$which" = both ] || [ "$which" = thread ]; then
  TSAN_OPTIONS=halt_on_error=1 run thread .build-tsan "${xctest[@]}" "$@" || status=1
fi
exit $status
