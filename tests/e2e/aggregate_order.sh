#!/usr/bin/env bash
# dp-aggregate orders discrepancies in linear time when deltas.csv.gz comes
# in dp-score's order and with a comparison sort otherwise, and ranks with
# the totals in dept_code order (dp-score's) or not: each gives the same
# tables.  The ranks are checked against sort(1) and awk.  Two fiscal years,
# so that the per-year grouping is used.
source "$(dirname "$0")/lib.bash"
"$DP_GEN" --out "$T/g1" --seed 5 --year 2021 --forms 200 --bulk 1500 --faults 2 --resubmit 2
"$DP_GEN" --out "$T/g2" --seed 6 --year 2022 --forms 100 --bulk 1200 --faults 2 --resubmit 2
W="$T/work"
score_work "$W" "$T/g1" "$T/g2"
[ -f "$W/deltas.csv.gz" ] || fail "dp-score wrote no deltas.csv.gz"
rows=$(zcat "$W/deltas.csv.gz" | wc -l)
[ "$rows" -gt 1000 ] || fail "only $rows discrepancy rows: the test needs more"
cp -r "$W" "$T/shuffled"
cp -r "$W" "$T/codes"
# the same rows in another order: header first, then the rows reversed
# (not in (fiscal_year, dept_code, rule-set order) any more)
zcat "$W/deltas.csv.gz" >"$T/deltas.csv"
{ head -1 "$T/deltas.csv"; tail -n +2 "$T/deltas.csv" | tac; } | gzip -1 >"$T/shuffled/deltas.csv.gz"
# the totals of each year in descending dept_code order (dp-score writes
# them ascending; the ranking must not rely on it)
zcat "$W/totals.csv.gz" >"$T/totals.csv"
{ head -1 "$T/totals.csv"; tail -n +2 "$T/totals.csv" | LC_ALL=C sort -t, -s -k1,1 -k2,2r; } |
	gzip -1 >"$T/codes/totals.csv.gz"
cmp -s <(zcat "$W/totals.csv.gz") <(zcat "$T/codes/totals.csv.gz") && fail "the totals were not reordered"
set +e
"$DP_BIN/dp-aggregate" --work "$W" --out "$T/a" >/dev/null 2>"$T/err.a"
"$DP_BIN/dp-aggregate" --work "$T/shuffled" --out "$T/b" >/dev/null 2>"$T/err.b"
"$DP_BIN/dp-aggregate" --work "$T/codes" --out "$T/c" >/dev/null 2>"$T/err.c"
set -e
[ -f "$T/a/discrepancies.csv.gz" ] || { cat "$T/err.a" >&2; fail "no discrepancies.csv.gz"; }
years=$(zcat "$T/a/discrepancies.csv.gz" | tail -n +2 | cut -d, -f1 | sort -u | wc -l)
[ "$years" -eq 2 ] || fail "discrepancies of $years fiscal years, want 2"
for f in "$T/a/"*.csv.gz; do
	cmp "$f" "$T/b/$(basename "$f")" || fail "$(basename "$f") depends on the order of deltas.csv.gz"
	# comparisons.csv.gz is written in the totals' order, which dp-score
	# makes (fiscal_year, dept_code); the ranks must not depend on it
	[ "$(basename "$f")" = comparisons.csv.gz ] ||
		cmp "$f" "$T/c/$(basename "$f")" || fail "$(basename "$f") depends on the order of totals.csv.gz"
done
# rankings: competition ranks (1, 2, 2, 4) by total descending, ties by
# dept_code, in the year, the parent and the sector; percentile = share of
# the year with a lower total.  Columns: 1 year, 2 rank, 3 code, 5 parent,
# 6 sector, 7 total, 11 rank_in_parent, 12 rank_in_sector, 13 percentile.
zcat "$T/a/rankings.csv.gz" | tail -n +2 >"$T/rk.csv"
awk -F, 'NF != 18 || $7 == "" { bad = 1 } END { exit bad }' "$T/rk.csv" ||
	fail "rankings.csv.gz: a row with a comma in a name or without a total; this check needs neither"
ties=$(cut -d, -f1,7 "$T/rk.csv" | sort | uniq -d | wc -l)
[ "$ties" -gt 10 ] || fail "only $ties tied totals: the test needs ties"
# rank_check GROUP_COLUMN RANK_COLUMN: in (year, group, total desc, code)
# order, each rank is 1 + the rows before it in the group with a higher total
rank_check() {
	local by=()
	[ "$1" -eq 0 ] || by=(-k"$1,$1")
	LC_ALL=C sort -t, -k1,1 "${by[@]}" -k7,7gr -k3,3 "$T/rk.csv" | awk -F, -v g="$1" -v r="$2" '
		{ grp = $1 SUBSEP (g ? $g : "") }
		grp != pg { n = 0; pg = grp }
		{ n++; want = ($7 == pt && n > 1) ? prank : n }
		$r != want { print "row " $3 ": column " r " is " $r ", want " want; bad = 1; exit }
		{ pt = $7; prank = want }
		END { exit bad }'
}
rank_check 0 2 || fail "rank is not the competition rank of the year"
rank_check 5 11 || fail "rank_in_parent is not the competition rank within the parent"
rank_check 6 12 || fail "rank_in_sector is not the competition rank within the sector"
# the table's own order is (year, rank, code)
LC_ALL=C sort -t, -c -k1,1 -k2,2n -k3,3 "$T/rk.csv" || fail "rankings.csv.gz is not in (fiscal_year, rank, dept_code) order"
LC_ALL=C sort -t, -k1,1 -k7,7g "$T/rk.csv" | awk -F, '
	NR == FNR { n[$1]++; next }
	$1 != py { seen = 0; py = $1; pt = "" }
	$7 != pt { below = seen; pt = $7 }
	{ seen++; num = below * 10000; q = int(num / n[$1]); if (2 * (num - q * n[$1]) >= n[$1]) q++
	  want = sprintf("%d.%02d", int(q / 100), q % 100)
	  if ($13 != want) { print "row " $3 ": percentile " $13 ", want " want; bad = 1; exit } }
	END { exit bad }' "$T/rk.csv" - || fail "percentile is not the share of the year with a lower total"
# discrepancies: each row is a row of deltas.csv.gz, under the name of its
# department (the rows are written in |delta| order, far from their
# departments' rows in memory)
zcat "$T/a/departments.csv.gz" >"$T/dep.csv"
col() { head -1 "$1" | tr , '\n' | grep -nx "$2" | cut -d: -f1; }
cn=$(col "$T/dep.csv" dept_name) ci=$(col "$T/dep.csv" income_total) ce=$(col "$T/dep.csv" expense_total)
cs=$(col "$T/dep.csv" sector)
zcat "$T/a/discrepancies.csv.gz" | tail -n +2 | cut -d, -f1,2,4,6,7,8 | sort >"$T/disc.rows"
tail -n +2 "$T/deltas.csv" | sort | cmp -s - "$T/disc.rows" ||
	fail "discrepancies.csv.gz does not hold the rows of deltas.csv.gz"
awk -F, -v n="$cn" 'NR == FNR { if (FNR > 1) name[$1 "," $2] = $n; next }
	FNR > 1 && name[$1 "," $2] != $3 { print "row " FNR ": " $2 " named " $3; bad = 1; exit }
	END { exit bad }' "$T/dep.csv" <(zcat "$T/a/discrepancies.csv.gz") ||
	fail "a discrepancy under another department's name"
# summary_sectors: each sector's departments, income and expense totals
# (columns 3, 10, 11) are those of its departments
awk -F, -v s="$cs" -v i="$ci" -v e="$ce" 'NR == FNR { if (FNR > 1) { k = $1 "," $s; n[k]++; inc[k] += $i; ex[k] += $e }; next }
	FNR > 1 { k = $1 "," $2; d = $10 - inc[k]; d2 = $11 - ex[k]
		  if ($3 != n[k] || d > 0.005 || d < -0.005 || d2 > 0.005 || d2 < -0.005) {
			print "sector " k ": " $3 " departments, " $10 ", " $11 "; want " n[k] ", " inc[k] ", " ex[k]; bad = 1; exit } }
	END { exit bad }' "$T/dep.csv" <(zcat "$T/a/summary_sectors.csv.gz") ||
	fail "summary_sectors.csv.gz: a sector's totals are not its departments'"
# a damaged deltas.csv.gz (a score that is not whole cents) is refused, not rounded
cp -r "$W" "$T/damaged"
{ head -1 "$T/deltas.csv"; tail -n +2 "$T/deltas.csv" | sed '5s/,\([0-9.-]*\)$/,\1001/'; } | gzip -1 >"$T/damaged/deltas.csv.gz"
set +e
"$DP_BIN/dp-aggregate" --work "$T/damaged" --out "$T/x" >/dev/null 2>"$T/err.x"
rc=$?
set -e
[ $rc -ge 70 ] || fail "a damaged deltas.csv.gz: dp-aggregate exited $rc"
grep -q "deltas.csv.gz: a score that is not a number of cents" "$T/err.x" || { cat "$T/err.x" >&2; fail "no message for a damaged deltas.csv.gz"; }
# and the order is the one SPEC §6 asks for: fiscal_year, |delta| descending, dept_code
zcat "$T/a/discrepancies.csv.gz" | tail -n +2 | awk -F, '
	{ d = $8 < 0 ? -$8 : $8; key = $1 }
	NR > 1 && (key < py || (key == py && (d > pd || (d == pd && $2 < pc)))) { print "out of order at row " NR; bad = 1; exit }
	{ py = key; pd = d; pc = $2 }
	END { exit bad }' || fail "discrepancies.csv.gz is not in (fiscal_year, |delta| desc, dept_code) order"
echo "aggregate_order: $rows discrepancy rows in two years, the same tables from either order"
