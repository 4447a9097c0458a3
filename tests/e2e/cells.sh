#!/usr/bin/env bash
# The departments go from stage to stage as cells files only (memtab.h,
# docs/work-files.md): dp-normalize writes departments.cells, dp-validate
# reads it (kept as parsed-departments.cells) and writes the accepted ones',
# dp-score and dp-aggregate load those.  Names a spreadsheet would take for a
# formula, with commas and quotes, come through to the published tables
# guarded and quoted; the work file holds exactly the published rows; and a
# cells file that is missing, damaged or of another format is refused by the
# stage that needs it — exit 74 and a line naming the file — never read as
# something else.
source "$(dirname "$0")/lib.bash"
"$DP_GEN" --out "$T/g" --seed 5 --year 2021 --forms 20 --bulk 300 >/dev/null
f="$T/g/bulk/departments-2021.csv"
# the first bulk row's name and sector: a formula, a comma, quotes
sed -i '2s/^\([0-9]*\),[^,]*,\([0-9]*\),[^,]*,/\1,"=HYPERLINK(""x""),甲 ""乙""",\2,+教育,/' "$f"
W="$T/work"
score_work "$W" "$T/g"
[ -f "$W/departments.cells" ] || fail "dp-validate wrote no departments.cells"
[ -f "$W/parsed-departments.cells" ] || fail "dp-validate did not keep dp-normalize's departments.cells"
[ ! -e "$W/departments.csv.gz" ] && [ ! -e "$W/parsed-departments.csv.gz" ] ||
	fail "a departments.csv.gz in the work folder: the departments have one form between stages"
"$DP_BIN/dp-aggregate" --work "$W" --out "$T/a" >/dev/null 2>"$T/err.a" || { cat "$T/err.a" >&2; fail "dp-aggregate failed"; }
zcat "$T/a/departments.csv.gz" | grep -cF "\"'=HYPERLINK(\"\"x\"\"),甲 \"\"乙\"\"\"" >/dev/null ||
	fail "the formula-like name is not published guarded and quoted"
zcat "$T/a/rankings.csv.gz" | grep -cF "'=HYPERLINK" >/dev/null || fail "the formula-like name is not ranked, guarded"
# the cells as CSV are the published rows (the published table is sorted)
cmp <("$DP_CELLS_CSV" "$W/departments.cells" | sed 1d | sort) <(zcat "$T/a/departments.csv.gz" | sed 1d | sort) ||
	fail "departments.cells does not hold the published departments"
cmp <("$DP_CELLS_CSV" "$W/departments.cells" | sed -n 1p) <(zcat "$T/a/departments.csv.gz" | sed -n 1p) ||
	fail "departments.cells has other columns than the published table"
# refused: missing, a byte changed (its CRC-32), cut short, another format
refused() { # STAGE WORK FILE WHY
	local rc=0 out=()
	[ "$1" != dp-aggregate ] || out=(--out "$T/o-$4")
	"$DP_BIN/$1" --work "$2" "${out[@]}" >"$T/out-$4" 2>&1 || rc=$?
	[ "$rc" = 74 ] || { cat "$T/out-$4" >&2; fail "$1 with $3 $4: exit $rc, not 74"; }
	grep -c "$3" "$T/out-$4" >/dev/null || { cat "$T/out-$4" >&2; fail "$1 with $3 $4: the message does not name it"; }
	[ ! -e "$T/o-$4/rankings.csv.gz" ] || fail "$1 with $3 $4 published tables"
}
size=$(stat -c %s "$W/departments.cells")
for why in missing flipped cut gzip; do
	for stage in dp-score dp-aggregate; do
		c="$T/$stage-$why"
		rm -rf "$c"
		cp -r "$W" "$c"
		case $why in
		missing) rm "$c/departments.cells" ;;
		flipped) printf 'X' | dd of="$c/departments.cells" bs=1 seek=$((size / 2)) conv=notrunc status=none ;;
		cut) truncate -s $((size - 100)) "$c/departments.cells" ;;
		gzip) zcat "$T/a/departments.csv.gz" | gzip >"$c/departments.cells" ;;
		esac
		refused "$stage" "$c" departments.cells "$why"
	done
	# dp-validate again on the folder: dp-normalize's cells (missing: its
	# own too, which it would otherwise take as dp-normalize's, validate.c)
	c="$T/validate-$why"
	rm -rf "$c"
	cp -r "$W" "$c"
	case $why in
	missing) rm "$c/parsed-departments.cells" "$c/departments.cells" ;;
	flipped) printf 'X' | dd of="$c/parsed-departments.cells" bs=1 seek=$((size / 2)) conv=notrunc status=none ;;
	cut) truncate -s $((size - 100)) "$c/parsed-departments.cells" ;;
	gzip) zcat "$T/a/departments.csv.gz" | gzip >"$c/parsed-departments.cells" ;;
	esac
	refused dp-validate "$c" departments.cells "$why"
done
echo "cells: the published departments are the work file's rows, guards and quotes kept; missing, damaged, cut or foreign cells refused by dp-validate, dp-score and dp-aggregate"
