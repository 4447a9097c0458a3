#!/usr/bin/env bash
# dp-validate writes departments.cells beside departments.csv.gz and
# dp-aggregate loads the departments from it (memtab.h): the published
# tables are the same with it and without it, for names a spreadsheet would
# take for a formula and with commas and quotes in them; and a cells file
# left behind after departments.csv.gz changed is not used.
source "$(dirname "$0")/lib.bash"
"$DP_GEN" --out "$T/g" --seed 5 --year 2021 --forms 20 --bulk 300 >/dev/null
f="$T/g/bulk/departments-2021.csv"
# the first bulk row's name and sector: a formula, a comma, quotes
sed -i '2s/^\([0-9]*\),[^,]*,\([0-9]*\),[^,]*,/\1,"=HYPERLINK(""x""),甲 ""乙""",\2,+教育,/' "$f"
W="$T/work"
score_work "$W" "$T/g"
[ -f "$W/departments.cells" ] || fail "dp-validate wrote no departments.cells"
# (grep reads all of its input: grep -q under pipefail could fail on zcat's SIGPIPE)
zcat "$W/departments.csv.gz" | grep -c "HYPERLINK" >/dev/null || fail "the test's department was not accepted"
cp -r "$W" "$T/nocells"
rm "$T/nocells/departments.cells"
cp -r "$W" "$T/stale"
zcat "$W/departments.csv.gz" | sed 's/甲 ""乙""/丙/' | gzip -1 >"$T/stale/departments.csv.gz"
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
echo "cells: $n tables the same with and without departments.cells; a stale one is not used"
