#!/usr/bin/env bash
# dp-aggregate orders discrepancies in linear time when deltas.csv.gz comes
# in dp-score's order and with a comparison sort otherwise: both give the
# same tables.  Two fiscal years, so that the per-year grouping is used.
source "$(dirname "$0")/lib.bash"
"$DP_GEN" --out "$T/g1" --seed 5 --year 2021 --forms 200 --bulk 1500 --faults 2 --resubmit 2
"$DP_GEN" --out "$T/g2" --seed 6 --year 2022 --forms 100 --bulk 1200 --faults 2 --resubmit 2
W="$T/work"
expect_rc 0 "$DP_BIN/dp-ingest" --input "$T/g1" --input "$T/g2" --work "$W"
set +e
"$DP_BIN/dp-normalize" --work "$W" >/dev/null 2>&1
"$DP_BIN/dp-validate" --work "$W" >/dev/null 2>&1
"$DP_BIN/dp-score" --work "$W" >/dev/null 2>&1
set -e
[ -f "$W/deltas.csv.gz" ] || fail "dp-score wrote no deltas.csv.gz"
rows=$(zcat "$W/deltas.csv.gz" | wc -l)
[ "$rows" -gt 1000 ] || fail "only $rows discrepancy rows: the test needs more"
cp -r "$W" "$T/shuffled"
# the same rows in another order: header first, then the rows reversed
# (not in (fiscal_year, dept_code, rule-set order) any more)
zcat "$W/deltas.csv.gz" >"$T/deltas.csv"
{ head -1 "$T/deltas.csv"; tail -n +2 "$T/deltas.csv" | tac; } | gzip -1 >"$T/shuffled/deltas.csv.gz"
set +e
"$DP_BIN/dp-aggregate" --work "$W" --out "$T/a" >/dev/null 2>"$T/err.a"
"$DP_BIN/dp-aggregate" --work "$T/shuffled" --out "$T/b" >/dev/null 2>"$T/err.b"
set -e
[ -f "$T/a/discrepancies.csv.gz" ] || { cat "$T/err.a" >&2; fail "no discrepancies.csv.gz"; }
years=$(zcat "$T/a/discrepancies.csv.gz" | tail -n +2 | cut -d, -f1 | sort -u | wc -l)
[ "$years" -eq 2 ] || fail "discrepancies of $years fiscal years, want 2"
for f in "$T/a/"*.csv.gz; do
	cmp "$f" "$T/b/$(basename "$f")" || fail "$(basename "$f") depends on the order of deltas.csv.gz"
done
# and the order is the one SPEC §6 asks for: fiscal_year, |delta| descending, dept_code
zcat "$T/a/discrepancies.csv.gz" | tail -n +2 | awk -F, '
	{ d = $8 < 0 ? -$8 : $8; key = $1 }
	NR > 1 && (key < py || (key == py && (d > pd || (d == pd && $2 < pc)))) { print "out of order at row " NR; bad = 1; exit }
	{ py = key; pd = d; pc = $2 }
	END { exit bad }' || fail "discrepancies.csv.gz is not in (fiscal_year, |delta| desc, dept_code) order"
echo "aggregate_order: $rows discrepancy rows in two years, the same tables from either order"
