#!/usr/bin/env bash
# Memory over many load/run/release cycles of an ONNX session (issue 8): resident memory stays flat, and no leak.
#
#   scripts/memory-cycles.sh [cycles]      default 10,000 cycles per model; exit 1 on growth or a leak
#   MEMORY_SKIP_LEAKS=1                    only the resident-memory part (no LeakSanitizer, no valgrind)
#
# 1. RSS: scripts/memory-cycles/main.swift (a standalone program, not a package target) is compiled with swiftc
#    against MLCoreONNX built in release (`swift build -c release --scratch-path .build-memory --target
#    MLCoreONNX`; the program imports the built modules and links their object files, the way scripts/fuzz.sh
#    does). For each model it loads, runs on the fixture's 40 input rows and releases a session `cycles` times,
#    printing VmRSS at the start, after 1,000 cycles and at the end; fails when RSS grew by more than
#    $MEMORY_BOUND_KIB (default 256 KiB: a leak of 32 bytes a cycle fails) between cycle 1,000 and the end.
# 2. Leaks, two independent checks on fewer cycles:
#    - LeakSanitizer: the same program built with -sanitize=address against the modules built with
#      `swift build --sanitize=address --scratch-path .build-asan` (the scratch path scripts/sanitizers.sh uses),
#      500 cycles; LSan reports any block unreachable at exit.
#    - valgrind memcheck on the release program, 100 cycles; "definitely lost" or "indirectly lost" blocks fail
#      the run (--errors-for-leak-kinds=definite,indirect). "Still reachable" blocks are the Swift runtime's
#      metadata caches and Dispatch's globals, alive by design until exit.
set -euo pipefail
cd "$(dirname "$0")/.."

cycles=${1:-10000}
bound=${MEMORY_BOUND_KIB:-256}
models=(lgbm_binary_zipmap skl_mlp_relu skl_random_forest_classifier)
fixtures=Tests/MLCoreONNXTests/Fixtures/parity
out=.build-memory/memory-cycles
mkdir -p "$out"

# Library targets MLCoreONNX depends on (itself included), from the manifest.
read -r -a libraries <<<"$(swift package describe --type json | python3 -c '
import json, sys
t = {x["name"]: x for x in json.load(sys.stdin)["targets"]}
seen = {"MLCoreONNX"}
todo = ["MLCoreONNX"]
while todo:
    for d in t[todo.pop()].get("target_dependencies", []):
        if d not in seen:
            seen.add(d)
            todo.append(d)
print(" ".join(sorted(n for n in seen if t[n]["type"] == "library")))')"

read -r -a pkgconfig <<<"$(sed -n 's/.*pkgConfig: *"\([^"]*\)".*/\1/p' Package.swift | tr '\n' ' ')"

# Compiles the program against the modules in $1 (a build products folder); $2 output; the rest: swiftc flags.
link() {
  local products=$1 output=$2
  shift 2
  local objects=() maps=()
  for lib in "${libraries[@]}"; do
    objects+=("$products/$lib.build"/*.o)
    [ -f "$products/$lib.build/module.modulemap" ] && maps+=(-Xcc "-fmodule-map-file=$products/$lib.build/module.modulemap")
  done
  for map in Sources/C*/module.modulemap; do maps+=(-Xcc "-fmodule-map-file=$map"); done
  swiftc "$@" -use-ld=lld -module-name MemoryCycles scripts/memory-cycles/main.swift -I "$products/Modules" "${maps[@]}" \
    "${objects[@]}" $(pkg-config --libs "${pkgconfig[@]}") -o "$output"
}

echo "== building MLCoreONNX (release, .build-memory)"
swift build -c release --scratch-path .build-memory --target MLCoreONNX >"$out/build.log" 2>&1 \
  || { tail -30 "$out/build.log" >&2; exit 1; }
link .build-memory/release "$out/memory-cycles" -O -g
# valgrind 3.19 (Debian 12) cannot read the DWARF 5 this toolchain writes and gives up: give it a copy without it.
llvm-objcopy --strip-debug "$out/memory-cycles" "$out/memory-cycles-valgrind"

status=0
echo "== resident memory over $cycles load/run/release cycles (threads 1)"
for m in "${models[@]}"; do
  "$out/memory-cycles" "$fixtures/$m/model.onnx" "$fixtures/$m/input.csv" "$cycles" "$bound" || status=1
done

if [ -z "${MEMORY_SKIP_LEAKS:-}" ]; then
  echo "== LeakSanitizer: 500 cycles per model (debug, -sanitize=address, .build-asan)"
  swift build --sanitize=address --scratch-path .build-asan --target MLCoreONNX >"$out/build-asan.log" 2>&1 \
    || { tail -30 "$out/build-asan.log" >&2; exit 1; }
  link .build-asan/debug "$out/memory-cycles-asan" -Onone -g -sanitize=address
  for m in "${models[@]}"; do
    if ASAN_OPTIONS=detect_leaks=1 "$out/memory-cycles-asan" "$fixtures/$m/model.onnx" "$fixtures/$m/input.csv" 500 \
         1000000 >"$out/lsan-$m.log" 2>&1; then
      echo "  $m: no leak reported"
    else
      echo "  $m: FAIL (log: $out/lsan-$m.log)"
      grep -A12 'ERROR: LeakSanitizer' "$out/lsan-$m.log" | head -30 || true
      status=1
    fi
  done

  if command -v valgrind >/dev/null; then
    echo "== valgrind memcheck: 100 cycles per model (release)"
    for m in "${models[@]}"; do
      if valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
           --error-exitcode=3 "$out/memory-cycles-valgrind" "$fixtures/$m/model.onnx" "$fixtures/$m/input.csv" 100 1000000 \
           >"$out/valgrind-$m.log" 2>&1; then
        echo "  $m: $(grep -E 'definitely lost|indirectly lost|possibly lost|still reachable' "$out/valgrind-$m.log" \
          | sed 's/==[0-9]*== *//; s/  */ /g' | paste -sd ';')"
      else
        echo "  $m: FAIL (log: $out/valgrind-$m.log)"
        grep -E 'definitely|indirectly|ERROR SUMMARY' "$out/valgrind-$m.log" | head -20 || true
        status=1
      fi
    done
  else
    echo "== valgrind not installed: skipped (apt-get install valgrind)"
  fi
fi
exit $status
