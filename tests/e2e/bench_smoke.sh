#!/usr/bin/env bash
# scripts/bench at 1/50 scale, one run: the benchmark script keeps working.
source "$(dirname "$0")/lib.bash"
DP_BENCH_DATA="$T/data" DP_BIN="$DP_BIN" DP_GEN="$DP_GEN" \
	bash "$DP_SRC/scripts/bench" --quick --runs 1 --out "$T/bench.md" >/dev/null
grep -q '^## forms100k' "$T/bench.md" || fail "no forms section"
grep -q '^## bulk1m' "$T/bench.md" || fail "no bulk1m section"
grep -q 'Speed-up 1 → 2 threads' "$T/bench.md" || fail "no speed-up line"
if grep -qE '\| - \||inf|nan|Command' "$T/bench.md"; then fail "a measurement is missing: $(cat "$T/bench.md")"; fi
grep -qE '^[0-9.]+ s → [0-9.]+ s: [0-9.]+×\.$' "$T/bench.md" || fail "no timing of the scoring loop alone"
grep -q '^With libdeflate' "$T/bench.md" || fail "no libdeflate floor"
echo "bench: report written"
