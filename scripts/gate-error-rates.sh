#!/usr/bin/env bash
# Measures the performance gate's error rates (docs/bench-gate-error-rates.md keeps the method and figures).
#   scripts/gate-error-rates.sh [K] [suite]     K quick-suite runs of this build (default 24), pinned to one core,
#                                               one thread, as scripts/bench-gate.sh runs them
# The K reports are split into K/3 best-of-three groups (bench compare's merge). A/A: every ordered pair of
# different groups is compared as the gate compares (--max-regression 0.05); a failure there is a false alarm.
# A/B: for every ordered pair, the new group's reports are copied with ONE system's figures made 10% slower
# (times x 1.1, rates / 1.1; scripts/fixtures/make_slower_report.py --system), cycling through the systems; a pass
# there is a missed detection. Prints both rates with their counts.
set -euo pipefail
cd "$(dirname "$0")/.."
k=${1:-24}
suite=${2:-binary-classification}
[ $((k % 3)) -eq 0 ] && [ "$k" -ge 6 ] || { echo "K must be a multiple of 3, at least 6" >&2; exit 2; }
swift build -c release --product bench >&2
bench=.build/release/bench
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c "${MLCORE_BENCH_CPU:-1}"); fi
out=${MLCORE_GATE_RATES_DIR:-$(mktemp -d)}
mkdir -p "$out"
for i in $(seq 1 "$k"); do
  [ -f "$out/run$i.json" ] || "${pin[@]}" "$bench" --suite "$suite" --quick --threads 1 --out "$out/run$i.json" > /dev/null
  echo "run $i/$k" >&2
done
groups=$((k / 3))
systems=$(python3 -c "import json,sys; print(' '.join(sorted({r['system'] for r in json.load(open(sys.argv[1]))['results'] if r['system'] not in ('null',)})))" "$out/run1.json")
read -r -a sys_list <<< "$systems"
aa=0 aa_fail=0 ab=0 ab_caught=0 s=0
for a in $(seq 0 $((groups - 1))); do
  base=("$out/run$((3 * a + 1)).json" "$out/run$((3 * a + 2)).json" "$out/run$((3 * a + 3)).json")
  "$bench" compare "${base[0]}" "${base[@]}" --merged-out "$out/group$a.json" > /dev/null 2>&1 || true
done
for a in $(seq 0 $((groups - 1))); do
  for b in $(seq 0 $((groups - 1))); do
    [ "$a" = "$b" ] && continue
    new=("$out/run$((3 * b + 1)).json" "$out/run$((3 * b + 2)).json" "$out/run$((3 * b + 3)).json")
    aa=$((aa + 1))
    if ! "$bench" compare "$out/group$a.json" "${new[@]}" --max-regression 0.05 > "$out/aa-$a-$b.txt" 2>&1; then
      aa_fail=$((aa_fail + 1))
      echo "A/A false alarm: group $a vs $b: $(grep REGRESSION "$out/aa-$a-$b.txt" | head -2 | tr -s ' ' | cut -c1-200)" >&2
    fi
    slow=${sys_list[$((s % ${#sys_list[@]}))]}
    s=$((s + 1))
    slowed=()
    for f in "${new[@]}"; do
      python3 scripts/fixtures/make_slower_report.py "$f" "${f%.json}-slow.json" --factor 1.1 --system "$slow"
      slowed+=("${f%.json}-slow.json")
    done
    ab=$((ab + 1))
    if "$bench" compare "$out/group$a.json" "${slowed[@]}" --max-regression 0.05 > "$out/ab-$a-$b.txt" 2>&1; then
      echo "A/B missed: group $a vs $b with $slow 10% slower" >&2
    else
      ab_caught=$((ab_caught + 1))
    fi
  done
done
echo "A/A false alarms: $aa_fail of $aa ordered group pairs ($(python3 -c "print(f'{100*$aa_fail/$aa:.1f}')")%)"
echo "A/B detections (one system 10% slower): $ab_caught of $ab ($(python3 -c "print(f'{100*$ab_caught/$ab:.1f}')")%)"
echo "reports in $out"
