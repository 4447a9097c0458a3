#!/usr/bin/env bash
# Formula injection (SPEC §6): input text that a spreadsheet would read as a
# formula (=, +, -, @, the full-width ＝ ＋ － ＠, after spaces) is written with
# a leading ' in every published cell that carries it: names, a fund's name,
# an unknown label, file paths (a relative --input that starts with ＝), a
# scenario's name, the manifest.  check_guard reads every published table and fails on any
# unguarded cell.
source "$(dirname "$0")/lib.bash"
seed="$DP_SRC/sample-data/inputs/forms/440000015-hrss-service-center.csv"
cd "$T"
mkdir -p "＝in" "＝in/@sub"
sed -e 's/^部门名称,.*/部门名称,＝1+1,,/' -e 's/^部门代码,.*/部门代码,G1,,/' \
	-e 's/^主管部门,.*/主管部门,"　=SUM(A1)",,/' -e 's/信息化专项$/@专项/' "$seed" >"＝in/＝a.csv"
sed -e 's/^部门名称,.*/部门名称,－2,,/' -e 's/^部门代码,.*/部门代码,G2,,/' -e 's/^所属领域,.*/所属领域,+教育,,/' \
	"$seed" >"＝in/@sub/+b.csv"
printf '=cmd|x,1,,\n' >>"＝in/@sub/+b.csv" # an unknown label
printf 'x\n' >"＝in/-notes.txt"
printf 'scenario,code,column,value\n＝60,exec_rate,param,60\n" -75",exec_rate,param,75\n' >scen.csv
set +e
"$DP_BIN/dp-run" --input "＝in" --out out --scenarios scen.csv >"$T/log" 2>&1
rc=$?
set -e
[ $rc -le 1 ] || fail "dp-run exited $rc: $(cat "$T/log")"
run=out/latest
zcat "$run/rankings.csv.gz" | grep -q "'＝1+1" || fail "the name ＝1+1 is not guarded in rankings"
zcat "$run/findings.csv.gz" | grep -q "'＝in/-notes.txt" || fail "the file path is not guarded in findings"
zcat "$run/scenario_summary.csv.gz" | grep -q "^'＝60," || fail "the scenario name ＝60 is not guarded"
n=0
for f in "$run"/*.csv.gz "$run/manifest.csv"; do
	"$DP_CHECK_GUARD" "$f" || fail "$(basename "$f") has a cell a spreadsheet would run"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n tables read"
echo "formula guard: $n published tables, every cell safe"
