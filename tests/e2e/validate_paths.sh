#!/usr/bin/env bash
# dp-validate's ways to departments.cells: when every submission is
# accepted as it was read, it is dp-normalize's (a hard link); a rejected
# submission, a superseded one, or a cell the stage fills in make it write
# the accepted rows again, taking the unchanged ones from dp-normalize's
# cells and the changed ones from its candidates' file.
# special_funds.csv.gz likewise: linked unless some fund is left out.
# Every way must give the same departments, and dp-aggregate the same
# rankings.
source "$(dirname "$0")/lib.bash"
"$DP_GEN" --out "$T/g" --seed 7 --year 2021 --forms 0 --bulk 200 --clean >/dev/null
f=bulk/departments-2021.csv
row2=$(sed -n 2p "$T/g/$f")
variant() { # variant NAME [AWK-PROGRAM [replace]]: row 2 through the program, appended or in its place
	cp -r "$T/g" "$T/$1"
	if [ "${3:-}" = replace ]; then
		{ sed -n 1p "$T/g/$f"; printf '%s\n' "$row2" | awk -F, -v OFS=, "$2"; sed 1,2d "$T/g/$f"; } >"$T/$1/$f"
	elif [ -n "${2:-}" ]; then
		printf '%s\n' "$row2" | awk -F, -v OFS=, "$2" >>"$T/$1/$f"
	fi
	local w="$T/w-$1"
	expect_rc 0 "$DP_BIN/dp-ingest" --input "$T/$1" --work "$w"
	set +e
	"$DP_BIN/dp-normalize" --work "$w" >/dev/null 2>&1
	"$DP_BIN/dp-validate" --work "$w" >"$T/v-$1" 2>&1
	set -e
	[ -f "$w/departments.cells" ] || { cat "$T/v-$1" >&2; fail "$1: no departments.cells"; }
	[ ! -e "$w/candidates.cells.tmp" ] || fail "$1: the candidates' spool was left behind"
	[ ! -e "$w/departments.cells.tmp" ] || fail "$1: a temporary cells file was left behind"
}
inode() { stat -c %i "$1"; }
variant clean ''
# an orphan fund: a fund row of a department that filed nothing
ff=bulk/special-funds-2021.csv
cp -r "$T/g" "$T/orphan"
sed -n 2p "$T/g/$ff" | awk -F, -v OFS=, '{ $2 = "445999998"; print }' >>"$T/orphan/$ff"
expect_rc 0 "$DP_BIN/dp-ingest" --input "$T/orphan" --work "$T/w-orphan"
set +e
"$DP_BIN/dp-normalize" --work "$T/w-orphan" >/dev/null 2>&1
"$DP_BIN/dp-validate" --work "$T/w-orphan" >"$T/v-orphan" 2>&1
set -e
# a rejected submission: an unknown department whose income is not a number
variant rejected '{ $1 = "445999999"; $7 = "abc"; print }'
# a superseded one: row 2 again, filed earlier, after it
variant superseded '{ $6 = "2022-01-01"; print }'
# a cell filled in: the first department without 其他收入 (0.00 is written)
variant filled '{ $9 = ""; $7 = $8; print }' replace

[ "$(inode "$T/w-clean/departments.cells")" = "$(inode "$T/w-clean/parsed-departments.cells")" ] ||
	fail "clean: departments.cells was written again, not linked to dp-normalize's"
grep -q "0 rejected + 0 superseded" "$T/v-clean" || fail "clean: $(cat "$T/v-clean")"
grep -q "1 rejected + 0 superseded" "$T/v-rejected" || fail "rejected: $(cat "$T/v-rejected")"
grep -q "0 rejected + 1 superseded" "$T/v-superseded" || fail "superseded: $(cat "$T/v-superseded")"
grep -q "0 rejected + 0 superseded" "$T/v-filled" || fail "filled: $(cat "$T/v-filled")"
for v in rejected superseded filled; do
	[ "$(inode "$T/w-$v/departments.cells")" != "$(inode "$T/w-$v/parsed-departments.cells")" ] ||
		fail "$v: departments.cells is dp-normalize's, with a submission it must not have"
done
# special_funds.csv.gz: the parsed table when every fund is accepted (a
# superseded bulk submission's funds are its key's), written again without
# the orphan; the same funds either way
for v in clean rejected superseded filled; do
	[ "$(inode "$T/w-$v/special_funds.csv.gz")" = "$(inode "$T/w-$v/parsed-special_funds.csv.gz")" ] ||
		fail "$v: special_funds.csv.gz was written again, not linked"
done
grep -q "1 orphan" "$T/v-orphan" || fail "orphan: $(cat "$T/v-orphan")"
[ "$(inode "$T/w-orphan/special_funds.csv.gz")" != "$(inode "$T/w-orphan/parsed-special_funds.csv.gz")" ] ||
	fail "orphan: special_funds.csv.gz is the parsed table, with the orphan fund"
zcat "$T/w-orphan/findings.csv.gz" | grep -c "W-ORPHAN-FUND.*445999998" >/dev/null || fail "orphan: no W-ORPHAN-FUND"
zcat "$T/w-clean/special_funds.csv.gz" >"$T/funds.clean"
[ "$(wc -l <"$T/funds.clean")" -gt 200 ] || fail "clean: $(wc -l <"$T/funds.clean") fund lines"
zcat "$T/w-orphan/special_funds.csv.gz" | cmp - "$T/funds.clean" || fail "orphan: the funds differ from the clean run's"
deps() { "$DP_CELLS_CSV" "$1/departments.cells"; }
deps "$T/w-clean" >"$T/dep.clean"
[ "$(wc -l <"$T/dep.clean")" -eq 201 ] || fail "clean: $(wc -l <"$T/dep.clean") lines, want 201"
for v in rejected superseded; do
	deps "$T/w-$v" | cmp - "$T/dep.clean" || fail "$v: departments differ from the clean run's"
done
code=${row2%%,*}
deps "$T/w-filled" | grep -v "^2021,$code," >"$T/dep.filled"
grep -v "^2021,$code," "$T/dep.clean" | cmp - "$T/dep.filled" || fail "filled: the other departments differ"
# 其他收入 0.00 (and 收入合计 = 财政拨款收入) where the clean run has its
# figures, the rest of the row the same
IFS=, read -r _ _ _ _ _ _ total fiscal other _ <<<"$row2"
deps "$T/w-filled" | grep "^2021,$code," |
	sed "s/,$fiscal,$fiscal,0\.00,/,$total,$fiscal,$other,/" >"$T/row.filled"
grep "^2021,$code," "$T/dep.clean" | cmp - "$T/row.filled" || fail "filled: 其他收入 not written as 0.00: $(cat "$T/row.filled")"
# dp-aggregate: the same rankings whichever way departments.cells was made
for v in clean superseded filled; do
	w="$T/w-$v"
	set +e
	"$DP_BIN/dp-score" --work "$w" >/dev/null 2>&1
	"$DP_BIN/dp-aggregate" --work "$w" --out "$T/a-$v" >/dev/null 2>"$T/err"
	set -e
	[ -f "$T/a-$v/rankings.csv.gz" ] || { cat "$T/err" >&2; fail "$v: dp-aggregate published nothing"; }
done
cmp "$T/a-clean/rankings.csv.gz" "$T/a-superseded/rankings.csv.gz" || fail "superseded: rankings differ from the clean run's"
# run again on the same folder, dp-validate reads normalize's tables it kept,
# and gives the same; after ingest and normalize of other inputs there, it
# reads theirs, not the copies it kept of the first
w="$T/w-superseded"
deps "$w" >"$T/dep.first"
set +e
"$DP_BIN/dp-validate" --work "$w" >"$T/v-again" 2>&1
set -e
grep -q "0 rejected + 1 superseded" "$T/v-again" || fail "validate again: $(cat "$T/v-again")"
deps "$w" | cmp - "$T/dep.first" || fail "validate again: other departments"
# (the same number of rows, one of them different: the copies kept would
# be read without a word)
w="$T/w-clean"
expect_rc 0 "$DP_BIN/dp-ingest" --input "$T/filled" --work "$w"
set +e
"$DP_BIN/dp-normalize" --work "$w" >/dev/null 2>&1
"$DP_BIN/dp-validate" --work "$w" >"$T/v-other" 2>&1
set -e
grep -q "200 accepted + 0 rejected + 0 superseded" "$T/v-other" || fail "other inputs in the same folder: $(cat "$T/v-other")"
deps "$w" | cmp - <(deps "$T/w-filled") ||
	fail "other inputs in the same folder: the departments of the inputs before"
echo "validate_paths: departments.cells linked when clean, rewritten when rejected, superseded or filled; funds linked unless one is left out; same departments, funds and rankings"
