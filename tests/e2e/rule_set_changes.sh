#!/usr/bin/env bash
# --set CODE.COLUMN=VALUE (SPEC §7): a run with changes on the command line
# publishes exactly the tables of a run with the rule-set file edited the
# same way (the manifest aside, which records the --set); a change that
# breaks the rule set is refused like a bad file, with exit 64, the row and
# the indicator named, and nothing published.
source "$(dirname "$0")/lib.bash"
"$DP_GEN" --out "$T/gen" --seed 7 --forms 120 --bulk 300 --faults 1 >/dev/null
in=(--input "$T/gen/forms" --input "$T/gen/bulk")
rules="$DP_SRC/pipeline/rules/guangdong-2021.csv"
# the inferred parameters (SPEC §5.3): benchmark 60, special split 12.5/12.5,
# and the grade 优 from 92
sets=(--set exec_rate.param=60 --set special_perf.max=12.5 --set special_rate.max=12.5 --set A.max=92)
sed -e 's/^exec_rate,\(.*\),62.5$/exec_rate,\1,60/' -e 's/^special_perf,special,\([^,]*\),15,/special_perf,special,\1,12.5,/' \
	-e 's/^special_rate,special,\([^,]*\),10,/special_rate,special,\1,12.5,/' -e 's/^A,,\([^,]*\),90,/A,,\1,92,/' \
	"$rules" >"$T/edited.csv"
[ "$(diff "$rules" "$T/edited.csv" | grep -c '^>')" -eq 4 ] || fail "the edited file does not differ in 4 rows"
set +e
"$DP_BIN/dp-run" "${in[@]}" --out "$T/a" "${sets[@]}" 2>"$T/a.err"; ra=$?
"$DP_BIN/dp-run" "${in[@]}" --out "$T/b" --rules "$T/edited.csv" 2>"$T/b.err"; rb=$?
"$DP_BIN/dp-run" "${in[@]}" --out "$T/c" 2>"$T/c.err"; rc=$?
set -e
[ $ra -le 1 ] && [ $ra -eq $rb ] && [ $rb -eq $rc ] || fail "exits $ra, $rb, $rc: $(cat "$T/a.err")"
n=0
for f in "$T/a/latest/"*.csv.gz; do
	t=$(basename "$f")
	cmp <(zcat "$f") <(zcat "$T/b/latest/$t") || fail "$t differs between --set and the edited file"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n tables compared"
# and the changes changed something
! cmp -s <(zcat "$T/a/latest/scores.csv.gz") <(zcat "$T/c/latest/scores.csv.gz") || fail "--set changed no score"
grep -q '^set,exec_rate.param=60;special_perf.max=12.5;special_rate.max=12.5;A.max=92$' "$T/a/latest/manifest.csv" ||
	fail "the manifest does not record the --set: $(grep '^set' "$T/a/latest/manifest.csv")"
# refused: a sum that no longer adds up, an unknown code or column, a bad number
expect_rc 64 "$DP_BIN/dp-run" "${in[@]}" --out "$T/d" --set special_perf.max=12.5
grep -q ':8: sum 指标 special 的满分 25 不等于下级满分之和 22.5.*--set special_perf.max=12.5' "$T/stderr" ||
	fail "$(cat "$T/stderr")"
[ ! -e "$T/d/latest" ] || fail "a refused --set published"
expect_rc 64 "$DP_BIN/dp-run" "${in[@]}" --out "$T/d" --set nosuch.max=1
grep -q '中没有指标或等级行“nosuch”' "$T/stderr" || fail "$(cat "$T/stderr")"
expect_rc 64 "$DP_BIN/dp-run" "${in[@]}" --out "$T/d" --set exec_rate.label=x
grep -q 'the column “label” cannot be set' "$T/stderr" || fail "$(cat "$T/stderr")"
expect_rc 64 "$DP_BIN/dp-run" "${in[@]}" --out "$T/d" --set exec_rate.max=-1
expect_rc 64 "$DP_BIN/dp-run" "${in[@]}" --out "$T/d" --set exec_rate
# a bad file is still the file's fault: 65
printf 'code,parent,label,max,method,input,param\nt,,T,10,sum,,\n' >"$T/bad.csv"
expect_rc 65 "$DP_BIN/dp-run" "${in[@]}" --out "$T/d" --rules "$T/bad.csv" --set t.max=10
echo "rule-set changes: --set gives the edited file's $n tables; refused changes exit 64 naming the row"
