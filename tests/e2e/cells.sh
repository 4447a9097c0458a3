#!/usr/bin/env bash
# dp-normalize and dp-validate write departments.cells beside
# departments.csv.gz; dp-validate reads dp-normalize's, and dp-score and
# dp-aggregate load the departments from dp-validate's (memtab.h): the
# scores and the published tables are the same with it and without it, for
# names a spreadsheet would take for a formula and with commas and quotes in
# them; and a cells file left behind after departments.csv.gz changed is not
# used.
source "$(dirname "$0")/lib.bash"
"$DP_GEN" --out "$T/g" --seed 5 --year 2021 --forms 20 --bulk 300 >/dev/null
f="$T/g/bulk/departments-2021.csv"
# the first bulk row's name and sector: a formula, a comma, quotes
sed -i '2s/^\([0-9]*\),[^,]*,\([0-9]*\),[^,]*,/\1,"=HYPERLINK(""x""),甲 ""乙""",\2,+教育,/' "$f"
W="$T/work"
score_work "$W" "$T/g"
[ -f "$W/departments.cells" ] || fail "dp-validate wrote no departments.cells"
# dp-validate read the departments from dp-normalize's cells: the same as
# parsing its table, guards, commas and quotes included
validated_without_cells "$W"
# (grep reads all of its input: grep -q under pipefail could fail on zcat's SIGPIPE)
zcat "$W/departments.csv.gz" | grep -c "HYPERLINK" >/dev/null || fail "the test's department was not accepted"
cp -r "$W" "$T/nocells"
rm "$T/nocells/departments.cells"
cp -r "$W" "$T/stale"
zcat "$W/departments.csv.gz" | sed 's/甲 ""乙""/丙/' | gzip -1 >"$T/stale/departments.csv.gz"
# dp-score: the same scores without the cells file; a stale one (its table
# has lost its first department since) is not read
cp -r "$W" "$T/stale-score"
first=$(zcat "$W/departments.csv.gz" | sed -n '2{s/^[^,]*,\([^,]*\),.*/\1/;p}')
zcat "$W/departments.csv.gz" | sed '2d' | gzip -1 >"$T/stale-score/departments.csv.gz"
set +e
"$DP_BIN/dp-score" --work "$T/nocells" >/dev/null 2>"$T/err.s"
"$DP_BIN/dp-score" --work "$T/stale-score" >/dev/null 2>>"$T/err.s"
set -e
[ -n "$first" ] && zcat "$W/scores.csv.gz" | grep -c "^$first," >/dev/null || fail "the first department was not scored"
for t in scores totals deltas; do
	zcat "$W/$t.csv.gz" | cmp - <(zcat "$T/nocells/$t.csv.gz") || fail "dp-score: $t differs without departments.cells"
done
zcat "$T/stale-score/scores.csv.gz" | { ! grep "^$first,"; } >/dev/null ||
	fail "dp-score read a departments.cells older than departments.csv.gz"
set +e
"$DP_BIN/dp-aggregate" --work "$W" --out "$T/a" >/dev/null 2>"$T/err.a"
"$DP_BIN/dp-aggregate" --work "$T/nocells" --out "$T/b" >/dev/null 2>"$T/err.b"
"$DP_BIN/dp-aggregate" --work "$T/stale" --out "$T/c" >/dev/null 2>"$T/err.c"
set -e
[ -f "$T/a/rankings.csv.gz" ] || { cat "$T/err.a" >&2; fail "dp-aggregate published nothing"; }
n=0
for t in "$T/a/"*.csv.gz; do
	cmp "$t" "$T/b/$(basename "$t")" || fail "$(basename "$t") differs without departments.cells"
	n=$((n + 1))
done
zcat "$T/a/departments.csv.gz" | grep -cF "\"'=HYPERLINK(\"\"x\"\"),甲 \"\"乙\"\"\"" >/dev/null ||
	fail "the formula-like name is not published guarded and quoted"
zcat "$T/c/departments.csv.gz" | grep -c "丙" >/dev/null || fail "a departments.cells older than departments.csv.gz was used"
zcat "$T/c/rankings.csv.gz" | grep -c "丙" >/dev/null || fail "a departments.cells older than departments.csv.gz was used"
echo "cells: scores and $n published tables the same with and without departments.cells; a stale one is not used"
