#!/usr/bin/env bash
# scripts/bench at 1/100 scale, one run, and scripts/bench-ab on the sample
# data: the benchmark scripts keep working.  (1/100 is enough for every
# section and measurement to be there; at 1/50 it was the slowest test of
# both builds: 66 s, 111 s under the sanitizers, now 35 s and 52 s.)
source "$(dirname "$0")/lib.bash"
DP_BENCH_DIV=100 DP_BENCH_DATA="$T/data" DP_BIN="$DP_BIN" DP_GEN="$DP_GEN" \
	bash "$DP_SRC/scripts/bench" --quick --runs 1 --out "$T/bench.md" >/dev/null
grep -q '^## forms100k' "$T/bench.md" || fail "no forms section"
grep -q '^## bulk1m' "$T/bench.md" || fail "no bulk1m section"
grep -qE '^Ten scenarios cost [0-9.]+× the plain run' "$T/bench.md" || fail "no scenarios section"
grep -qE '^Workbooks cost [0-9.]+× the CSV run' "$T/bench.md" || fail "no workbooks section"
[ "$(grep -c '^## xlsx' "$T/bench.md")" -eq 2 ] || fail "not two workbook sections"
grep -q 'Speed-up 1 → 2 threads' "$T/bench.md" || fail "no speed-up line"
if grep -qE '\| - \||inf|nan|Command' "$T/bench.md"; then fail "a measurement is missing: $(cat "$T/bench.md")"; fi
grep -qE '^[0-9.]+ s → [0-9.]+ s: [0-9.]+×\.$' "$T/bench.md" || fail "no timing of the scoring loop alone"
grep -q '^With libdeflate' "$T/bench.md" || fail "no libdeflate floor"
# bench-ab: the same build twice gives a full table, ratios, and exit 0
bash "$DP_SRC/scripts/bench-ab" --runs 2 "$DP_BIN" "$DP_BIN" "$DP_SRC/sample-data/inputs" >"$T/ab.md" 2>"$T/ab.err" ||
	{ cat "$T/ab.err" >&2; fail "bench-ab exited $?"; }
# (a stage of the small sample may take 0.00 s, its ratio then "-"; the whole run's and the
# CPU's are numbers)
grep -qE '^\| B/A( \| ([0-9.]+|-)){5} \| [0-9.]+ \| [0-9.]+ \|$' "$T/ab.md" || fail "bench-ab: no ratio row: $(cat "$T/ab.md")"
[ "$(grep -c '^run [12], [ab]: ' "$T/ab.err")" -eq 4 ] || fail "bench-ab: not 2 runs of each in turns"
# and reports different tables
mkdir -p "$T/other"
cp -r "$DP_BIN/." "$T/other/"
cat >"$T/other/dp-aggregate" <<'SH'
#!/usr/bin/env bash
# a dp-aggregate whose rankings differ
real=$(dirname "$0")/dp-aggregate.real
"$real" "$@"; rc=$?
for a in "$@"; do [ "$prev" = --out ] && out=$a; prev=$a; done
printf 'x\n' | gzip >"$out/rankings.csv.gz"
exit $rc
SH
cp "$DP_BIN/dp-aggregate" "$T/other/dp-aggregate.real"
chmod +x "$T/other/dp-aggregate"
set +e
bash "$DP_SRC/scripts/bench-ab" --runs 1 "$DP_BIN" "$T/other" "$DP_SRC/sample-data/inputs" >/dev/null 2>"$T/ab2.err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "bench-ab exited $rc for different tables, want 1"
grep -q "rankings.csv.gz differs" "$T/ab2.err" || fail "bench-ab did not name the differing table"
echo "bench: report written; bench-ab compares"
