#!/usr/bin/env bash
# report.xlsx (SPEC §6, issue #25 item 1): the published run's tables for
# people in one workbook — the sheets in order with Chinese names and
# headers (the ranking's indicator columns by their labels), numbers as
# numbers, text from the input as text (never a formula, the CSVs' leading
# ' taken off), the header row frozen and filtered, listed in the manifest,
# the same bytes for every thread count; 同比 with --prev; past 20 000
# departments its per-department sheets cut to their first 5 000 rows
# unless --report (and feedback/ left out), 说明 saying so.
source "$(dirname "$0")/lib.bash"
command -v unzip >/dev/null || fail "unzip is needed (scripts/deps.sh --with-tests)"
cd "$DP_SRC"
args=(--input sample-data/inputs --roster sample-data/roster.csv --adjust sample-data/adjust.csv
	--scenarios pipeline/rules/guangdong-2021.scenarios.csv)
expect_rc 1 "$DP_BIN/dp-run" "${args[@]}" --out "$T/a"
X="$T/a/latest/report.xlsx"
[ -f "$X" ] || fail "no report.xlsx"
grep -q "^report.xlsx,[0-9]*,$(stat -c %s "$X"),$(sha256sum "$X" | cut -d' ' -f1)\$" "$T/a/latest/manifest.csv" ||
	fail "the manifest does not list report.xlsx as it is"
sheets=$(unzip -p "$X" xl/workbook.xml | grep -o '<sheet name="[^"]*"' | sed 's/<sheet name="//; s/"$//' | tr '\n' ' ')
[ "$sheets" = "排名 得分明细 问题清单 缺报 等级分布 指标统计 领域汇总 成本比较 自评差异 情景分析 排名稳定性 说明 " ] ||
	fail "sheets: $sheets"
s1=$(unzip -p "$X" xl/worksheets/sheet1.xml)
for h in 年度 排名 部门代码 部门名称 复核总分 等级 自评总分 履职效能 管理效率; do
	grep -q "<t>$h</t>" <<<"$s1" || fail "the ranking has no header $h"
done
[ "$(grep -o '<row ' <<<"$s1" | wc -l)" -eq "$(zcat "$T/a/latest/rankings.csv.gz" | wc -l)" ] ||
	fail "the ranking sheet's rows are not the table's"
grep -q '<v>96.95</v>' <<<"$s1" || fail "the seed's 96.95 is not a number"
grep -q 't="inlineStr"><is><t>440000015</t>' <<<"$s1" || fail "a department code is not text"
grep -qF '<t>=HYPERLINK("http://example.invalid")</t>' <<<"$s1" || fail "the name that looks like a formula is not its text"
grep -q 'state="frozen"' <<<"$s1" && grep -q '<autoFilter ref="A1:' <<<"$s1" || fail "no frozen header or filter"
for f in $(unzip -Z1 "$X" | grep '^xl/worksheets/'); do
	! unzip -p "$X" "$f" | grep -q '<f>' || fail "$f holds a formula"
done
expect_rc 1 "$DP_BIN/dp-run" "${args[@]}" --out "$T/b" --threads 1
cmp "$X" "$T/b/latest/report.xlsx" || fail "report.xlsx differs between runs and thread counts"
expect_rc 1 "$DP_BIN/dp-run" "${args[@]}" --out "$T/c" --prev "$(readlink -f "$T/a/latest")"
unzip -p "$T/c/latest/report.xlsx" xl/workbook.xml | grep -q '<sheet name="同比"' || fail "no 同比 with --prev"
# past 20 000 departments: cut (the first 5 000 rows of a per-department
# sheet), feedback/ left out, both said; whole with --report
"$DP_GEN" --out "$T/big" --seed 9 --bulk 20001 --clean >/dev/null
expect_rc 0 "$DP_BIN/dp-run" --input "$T/big" --out "$T/d"
D="$T/d/latest/report.xlsx"
[ -f "$D" ] || fail "no report.xlsx for 20 001 departments"
[ ! -e "$T/d/latest/feedback" ] || fail "feedback/ written for 20 001 departments"
grep -q "more than 20000 departments: report.xlsx's long sheets cut, feedback/ left out (--report writes them whole)" "$T/stderr" ||
	fail "$(cat "$T/stderr")"
grep -q '排名部门超过 20000 个，本次没有生成各部门的反馈意见（feedback/）；加 --report 可生成。' "$T/d/latest/report.html" ||
	fail "report.html does not say the packs were left out"
[ "$(unzip -p "$D" xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l)" -eq 5001 ] || fail "the large run's 排名 is not its first 5 000 rows"
unzip -p "$D" xl/worksheets/sheet1.xml | grep -q "<t>$(zcat "$T/d/latest/rankings.csv.gz" | sed -n 5001p | cut -d, -f3)</t>" ||
	fail "the large run's 排名 does not end with the 5 000th department"
last=$(unzip -Z1 "$D" | grep '^xl/worksheets/sheet' | sort -V | tail -1)
unzip -p "$D" "$last" | grep -q '本次排名部门超过 20000 个：每个部门一行的工作表只收前 5000 行；加 --report 可收全部。' ||
	fail "说明 does not say the sheets were cut"
expect_rc 0 "$DP_BIN/dp-run" --input "$T/big" --out "$T/e" --report
Y="$T/e/latest/report.xlsx"
[ "$(unzip -p "$Y" xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l)" -eq 20002 ] || fail "--report: 排名 is not whole"
[ "$(find "$T/e/latest/feedback" -name '*.html' | wc -l)" -eq "$(grep -c '^feedback/' "$T/e/latest/manifest.csv")" ] &&
	[ "$(find "$T/e/latest/feedback" -name '*.html' ! -name '*.units.html' ! -name index.html | wc -l)" -eq 20001 ] ||
	fail "--report did not write a pack per department"
! unzip -p "$Y" xl/workbook.xml | grep -q '<sheet name="得分明细"' || fail "380 019 score rows were put in a sheet"
last=$(unzip -Z1 "$Y" | grep '^xl/worksheets/sheet' | sort -V | tail -1)
unzip -p "$Y" "$last" | grep -q '得分明细：共 380019 行，超过本工作簿收录的 100000 行，未收入；全部见 scores.csv.gz' ||
	fail "说明 does not say where the scores are"
echo "report.xlsx: 12 sheets as asked, numbers and text as they should be, deterministic; cut past 20 000 departments unless --report"
