#!/usr/bin/env bash
# Coverage-guided fuzzing of MLCore's input parsers with libFuzzer, under AddressSanitizer (and LeakSanitizer).
#
#   scripts/fuzz.sh [seconds-per-target]   build every target, run each in turn (default 60 s); exit 1 on any finding
#   scripts/fuzz.sh --build                build only
#   scripts/fuzz.sh --seed                 rebuild the committed seed corpora fuzz/corpus/<target> from the test
#                                          fixtures, keeping only inputs that add coverage (libFuzzer -merge=1)
#   FUZZ_TARGETS="onnx csv"                run a subset (targets: onnx csv report npy)
#   FUZZ_NO_BUILD=1                        reuse the binaries in fuzz/out/bin (e.g. while the tree does not build)
#   PROTOBUF_C_SRC=<dir>                   a protobuf-c source tree of the system library's version (Debian 12: v1.4.1);
#                                          its protobuf-c.c is then compiled into the targets with coverage and ASan,
#                                          overriding the uninstrumented libprotobuf-c.so
#
# Targets (fuzz/<Name>.swift, each one `@_cdecl("LLVMFuzzerTestOneInput")` function):
#   onnx    ONNXSession.swift  bytes -> ONNXReader -> InferenceSession (small SessionOptions limits) -> 4 runs on
#                              fixed inputs (finite; NaN/inf; empty batch; rows without columns)
#   csv     NumericCSV.swift   bytes -> NumericCSV and CSVTable (first column categorical)
#   report  Report.swift       bytes -> Report.decode -> ReportComparison (what `bench compare` reads)
#   npy     NpyHeader.swift    bytes -> NpyHeader.parse -> Npy.read when the header matches the data size
#
# How it builds, without touching Package.swift (checked with Swift 6.3.1 on Debian 12, x86_64):
#   1. `swift build -c release --scratch-path .build-fuzz --target MLBench` with
#      `-Xswiftc -sanitize=fuzzer,address` (Swift: coverage + ASan, no libFuzzer main at compile time) and
#      `-Xcc -fsanitize=fuzzer-no-link,address` (the C targets: ONNXProto, MLCoreCKernels). That compiles every
#      library module the targets need, instrumented, as object files.
#   2. Each target: `swiftc -sanitize=fuzzer,address -parse-as-library` on fuzz/<Name>.swift, importing the built
#      modules (-I .build-fuzz/release/Modules, the C module maps, pkg-config's -I flags) and linking the library
#      objects; libFuzzer supplies main(). pkg-config gives the system libraries (C objects carry no autolink
#      entries, so protobuf-c must be named).
#      lld is used because gold prints a warning per ASan symbol.
# Outputs (ignored by git): fuzz/out/bin/<target>, fuzz/out/corpus/<target> (the growing working corpus; the
# committed seeds in fuzz/corpus/<target> are read, never written), fuzz/out/artifacts/<target>/ (crash-*,
# leak-*, timeout-*, oom-* reproducers: run `fuzz/out/bin/<target> <file>`), fuzz/out/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=run
seconds=60
case "${1:-}" in
  --build) mode=build ;;
  --seed) mode=seed ;;
  "") ;;
  *[!0-9]*) echo "usage: $0 [seconds-per-target | --build | --seed]" >&2; exit 2 ;;
  *) seconds=$1 ;;
esac

declare -A source=([onnx]=ONNXSession [csv]=NumericCSV [report]=Report [npy]=NpyHeader)
targets=${FUZZ_TARGETS:-"onnx csv report npy"}
scratch=.build-fuzz
bin=$scratch/release
out=fuzz/out
mkdir -p "$out/bin" "$out/logs"

build() {
  echo "== building the library modules with -sanitize=fuzzer,address ($scratch)"
  if ! swift build -c release --scratch-path "$scratch" --target MLBench \
      -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address >"$out/logs/build.log" 2>&1; then
    grep -v '^\[' "$out/logs/build.log" | tail -40 >&2
    echo "library build failed (log: $out/logs/build.log)" >&2
    exit 1
  fi

  # The library targets MLBench depends on (itself included), and the system libraries' pkg-config names.
  local libraries pkgconfig objects=() flags=()
  read -r -a libraries <<<"$(swift package describe --type json | python3 -c '
import json, sys
t = {x["name"]: x for x in json.load(sys.stdin)["targets"]}
seen, todo = {"MLBench"}, ["MLBench"]
while todo:
    for d in t[todo.pop()].get("target_dependencies", []):
        if d not in seen:
            seen.add(d)
            todo.append(d)
print(" ".join(sorted(n for n in seen if t[n]["type"] == "library")))')"
  read -r -a pkgconfig <<<"$(sed -n 's/.*pkgConfig: *"\([^"]*\)".*/\1/p' Package.swift | tr '\n' ' ')"

  for lib in "${libraries[@]}"; do
    objects+=("$bin/$lib.build"/*.o)
    [ -f "$bin/$lib.build/module.modulemap" ] && flags+=(-Xcc "-fmodule-map-file=$bin/$lib.build/module.modulemap")
  done
  for map in Sources/C*/module.modulemap; do flags+=(-Xcc "-fmodule-map-file=$map"); done
  for flag in $(pkg-config --cflags "${pkgconfig[@]}"); do flags+=(-Xcc "$flag"); done

  if [ -n "${PROTOBUF_C_SRC:-}" ]; then
    echo "== instrumenting protobuf-c from $PROTOBUF_C_SRC"
    clang -c -O1 -g -fsanitize=fuzzer-no-link,address -I"$PROTOBUF_C_SRC" \
      "$PROTOBUF_C_SRC/protobuf-c/protobuf-c.c" -o "$out/protobuf-c.o"
    objects+=("$out/protobuf-c.o")
  fi

  for t in $targets; do
    [ -n "${source[$t]:-}" ] || { echo "unknown target $t" >&2; exit 2; }
    echo "== linking fuzz/out/bin/$t (fuzz/${source[$t]}.swift)"
    # shellcheck disable=SC2046
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld -module-name "Fuzz${source[$t]}" \
      "fuzz/${source[$t]}.swift" -I "$bin/Modules" "${flags[@]}" "${objects[@]}" \
      $(pkg-config --libs "${pkgconfig[@]}") -o "$out/bin/$t"
  done
}
[ -n "${FUZZ_NO_BUILD:-}" ] || build

[ "$mode" = build ] && exit 0

if [ "$mode" = seed ]; then
  # The onnx target's dictionary: operator types and attribute names from the operator sources.
  {
    echo "# libFuzzer dictionary for the onnx target (written by scripts/fuzz.sh --seed from Sources/MLCoreONNX/Operators)."
    grep -rhoE 'add\((onnx|ml|"[^"]*"), *"[A-Za-z0-9]+"' Sources/MLCoreONNX/Operators | sed -E 's/.*"([A-Za-z0-9]+)"$/\1/' \
      | sort -u | sed 's/.*/op_&="&"/'
    grep -rhoE '(int|ints|float|floats|string|strings|tensor|graph|attribute)\("[a-z_0-9]+"' Sources/MLCoreONNX/Operators \
      | sed -E 's/.*"([a-z_0-9]+)"$/\1/' | sort -u | sed 's/.*/attr_&="&"/'
    echo 'domain_ml="ai.onnx.ml"'
    for w in BRANCH_LEQ BRANCH_LT BRANCH_GTE BRANCH_GT BRANCH_EQ BRANCH_NEQ LEAF SUM AVERAGE MIN MAX SOFTMAX LOGISTIC \
             PROBIT SOFTMAX_ZERO NONE; do echo "kw_$w=\"$w\""; done
  } >fuzz/onnx.dict
  # Candidate inputs from the test fixtures; -merge=1 keeps the ones that add coverage.
  for t in $targets; do
    candidates=$(mktemp -d)
    case $t in
      onnx)
        find Tests/MLCoreONNXTests/Fixtures -name '*.onnx' -size -8k -exec cp --backup=numbered -t "$candidates" {} +
        # The ONNX backend node tests (scripts/generate-onnx-node-tests.sh), when present: one model per test.
        if [ -d .build-onnx-node-tests ]; then
          # Models under 2 KiB: the larger ones are mostly big initializers that add no coverage per byte.
          find .build-onnx-node-tests/ -name model.onnx -size -2k | while read -r m; do
            cp "$m" "$candidates/$(basename "$(dirname "$m")").onnx"
          done
        fi ;;
      csv) find Tests -name '*.csv' -size -8k -exec cp --backup=numbered -t "$candidates" {} + ;;
      report) find Tests/MLBenchTests/Fixtures -name '*.json' -exec cp -t "$candidates" {} + ;;
      npy) find Tests -name '*.npy' -size -16k -exec cp --backup=numbered -t "$candidates" {} + ;;
    esac
    rm -rf "fuzz/corpus/$t"
    mkdir -p "fuzz/corpus/$t"
    "$out/bin/$t" -merge=1 -rss_limit_mb=2048 "fuzz/corpus/$t" "$candidates" >"$out/logs/$t-seed.log" 2>&1
    rm -rf "$candidates"
    echo "$t: $(ls "fuzz/corpus/$t" | wc -l) seeds, $(du -sb "fuzz/corpus/$t" | cut -f1) bytes"
  done
  exit 0
fi

# Swift's own crash handler would print first and then trip ASan while it reads the crashed process's memory;
# libFuzzer's handler prints a symbolized ASan stack instead.
export SWIFT_BACKTRACE=enable=no
status=0
printf '\n%-7s %8s %12s %10s %6s %8s  %s\n' target seconds execs "exec/s" cov corpus findings
for t in $targets; do
  mkdir -p "$out/corpus/$t" "$out/artifacts/$t"
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  before=$(ls "$out/artifacts/$t" | wc -l)
  # -timeout: one input slower than 10 s is a finding. -rss_limit_mb also caps single mallocs at 2 GB, so a lying
  # size header that is believed shows up as an oom-* artifact. -use_value_profile helps through magic numbers.
  set +e
  "$out/bin/$t" "$out/corpus/$t" "fuzz/corpus/$t" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -use_value_profile=1 -print_final_stats=1 -artifact_prefix="$out/artifacts/$t/" \
    >"$out/logs/$t.log" 2>&1
  rc=$?
  set -e
  after=$(ls "$out/artifacts/$t" | wc -l)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/logs/$t.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/logs/$t.log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$out/logs/$t.log" | tail -1 | cut -d' ' -f2)
  corpus=$(ls "$out/corpus/$t" | wc -l)
  findings="none"
  if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
    findings="exit $rc, $((after - before)) new artifact(s) in $out/artifacts/$t (log: $out/logs/$t.log)"
    status=1
  fi
  printf '%-7s %8s %12s %10s %6s %8s  %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$corpus" "$findings"
done
exit $status
