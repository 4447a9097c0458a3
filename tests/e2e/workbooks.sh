#!/usr/bin/env bash
# Excel input (SPEC §2.1, issue #24): a workbook gives the tables its CSV
# gives, and a finding in a workbook names the sheet and the cell.
#  1. every sample file (forms, faults, the bulk export) saved as .xlsx by
#     dp-tobook: every published table equals the CSV run's; findings
#     differ only by the file's name and the position before the message
#  2. the forms again with formulas (cached values) and inline strings
#  3. sample-data/workbooks (xlsx and xls) against its CSV originals
#  4. a hand-made workbook of every cell kind (mkxlsx form): what each cell
#     becomes, and the positions of its findings
#  5. an .xls number that could be a percent's fraction is refused (E-UNIT)
source "$(dirname "$0")/lib.bash"
: "${DP_TOBOOK:?}" "${DP_MKXLSX:?}"
S=$DP_SRC/sample-data
tables="departments special_funds scores rankings summary_grades summary_indicators summary_sectors discrepancies comparisons missing"
same_tables() { # same_tables RUN_A RUN_B WHAT
	local t
	for t in $tables; do
		[ -f "$1/latest/$t.csv.gz" ] || [ -f "$2/latest/$t.csv.gz" ] || continue # (missing: with a roster only)
		cmp -s <(zcat "$1/latest/$t.csv.gz") <(zcat "$2/latest/$t.csv.gz") ||
			{ diff <(zcat "$1/latest/$t.csv.gz") <(zcat "$2/latest/$t.csv.gz") | head -5 >&2; fail "$3: $t.csv.gz differs"; }
	done
}
# a CSV run's findings as the same files' .xlsx run would have them, and
# an .xlsx run's without the sheet and cell before the message
csv_findings() {
	zcat "$1/latest/findings.csv.gz" | sed -E 's#^([^,]*,[^,]*,)'"$2"'/([^,]*)\.csv(\.gz)?,#\1'"$3"'/\2.xlsx,#' |
		grep -v ',E-SHAPE,'
}
book_findings() {
	zcat "$1/latest/findings.csv.gz" | sed -E 's/(Sheet1!([A-Z]+[0-9]+|第 [0-9]+ 行)|工作表“Sheet1”)：//' |
		sed -E 's/ 工作表“Sheet1” 第/ 第/' | grep -v ',E-SHAPE,'
}

# ---- 1. every sample file as .xlsx ----
mkdir -p "$T/csv" "$T/xl" "$T/xlf"
(cd "$S/inputs" && find . -type f \( -name '*.csv' -o -name '*.csv.gz' \) | sort) >"$T/files"
while read -r f; do
	case $f in */e-csv.csv | */e-encoding.csv) continue ;; esac # (not CSV that a spreadsheet would open)
	b=${f%.gz}
	b=${b%.csv}
	mkdir -p "$T/csv/$(dirname "$f")" "$T/xl/$(dirname "$f")" "$T/xlf/$(dirname "$f")"
	cp "$S/inputs/$f" "$T/csv/$f"
	"$DP_TOBOOK" --out "$T/xl/$b.xlsx" "Sheet1=$S/inputs/$f"
	case $f in ./forms/*) "$DP_TOBOOK" --formulas --inline --out "$T/xlf/$b.xlsx" "Sheet1=$S/inputs/$f" ;; esac
done <"$T/files"
expect_rc 1 "$DP_BIN/dp-run" --input "$T/csv" --out "$T/oc" --roster "$S/roster.csv"
expect_rc 1 "$DP_BIN/dp-run" --input "$T/xl" --out "$T/ox" --roster "$S/roster.csv"
same_tables "$T/oc" "$T/ox" "every sample file as .xlsx"
diff <(csv_findings "$T/oc" "$T/csv" "$T/xl" | sed -E 's#'"$T"'/csv/faults/resubmit-late.csv#'"$T"'/xl/faults/resubmit-late.xlsx#') \
	<(book_findings "$T/ox") >&2 || fail "every sample file as .xlsx: the findings differ"
# each sheet read is a row of inputs.csv.gz, as its CSV file was
diff <(zcat "$T/oc/latest/inputs.csv.gz" | tail -n +2 | grep -v 'e-shape' | cut -d, -f5-8) \
	<(zcat "$T/ox/latest/inputs.csv.gz" | tail -n +2 | grep -v 'e-shape' | cut -d, -f5-8) >&2 ||
	fail "every sample file as .xlsx: inputs.csv.gz's shapes, counts or statuses differ"
zcat "$T/ox/latest/inputs.csv.gz" | head -1 | grep -qx 'file,sha256,bytes,encoding,shape,rows,submissions,status,sheet' ||
	fail "inputs.csv.gz of a workbook run has no sheet column"
zcat "$T/oc/latest/inputs.csv.gz" | head -1 | grep -qx 'file,sha256,bytes,encoding,shape,rows,submissions,status' ||
	fail "inputs.csv.gz of a CSV run is not SPEC §6's"
# the positions: a form's value cell, a bulk row's column
zcat "$T/ox/latest/findings.csv.gz" | grep -q '^error,E-NUMBER,.*/faults/e-number.xlsx,12,.*,"\?Sheet1!B12：收入合计“3998.O3”' ||
	fail "E-NUMBER does not name Sheet1!B12"
zcat "$T/ox/latest/findings.csv.gz" | grep -q '^warning,W-FIELD-UNKNOWN,.*,Sheet1!A46：未知字段“收入合记”' ||
	fail "W-FIELD-UNKNOWN does not name the label's cell Sheet1!A46"
zcat "$T/ox/latest/findings.csv.gz" | grep -q '^warning,W-OVERSPENT,.*/bulk/special-funds-2021.xlsx,7,.*,Sheet1!E7：' ||
	fail "a bulk row's finding does not name its column's cell"
zcat "$T/ox/latest/findings.csv.gz" | grep -q '^error,E-REQUIRED,.*,工作表“Sheet1”：缺少必填项' ||
	fail "a missing field names a cell"
# the quarantine keeps the workbook whole
[ -f "$T/ox/latest/rejected/$(zcat "$T/ox/latest/inputs.csv.gz" | awk -F, '/e-number/ {print NR - 2}' | xargs printf '%04d')-e-number.xlsx" ] ||
	fail "the rejected workbook is not in rejected/: $(ls "$T/ox/latest/rejected")"

# ---- 2. formulas with their values, strings inline ----
expect_rc 0 "$DP_BIN/dp-run" --input "$T/xlf/forms" --out "$T/of"
expect_rc 0 "$DP_BIN/dp-run" --input "$T/csv/forms" --out "$T/ocf"
same_tables "$T/ocf" "$T/of" "forms as formulas and inline strings"

# ---- 3. sample-data/workbooks ----
mkdir -p "$T/orig"
for f in forms/440000015-hrss-service-center.csv forms/gen-01-440000100-0.csv forms/gen-02-440000101-0.csv \
	forms/gen-06-440000105-0.csv forms/gen-10-440000109-0.csv bulk/departments-2021.csv bulk/special-funds-2021.csv; do
	cp "$S/inputs/$f" "$T/orig/"
done
expect_rc 0 "$DP_BIN/dp-run" --input "$T/orig" --out "$T/oo"
expect_rc 0 "$DP_BIN/dp-run" --input "$S/workbooks" --out "$T/ow"
same_tables "$T/oo" "$T/ow" "sample-data/workbooks"
[ "$(zcat "$T/ow/latest/inputs.csv.gz" | grep -c ',xls,form,.*,accepted,')" -eq 2 ] || fail "the two .xls forms are not accepted"
zcat "$T/ow/latest/inputs.csv.gz" | grep -q ',xlsx,,0,0,skipped,说明$' || fail "the notes sheet is not listed as skipped"
zcat "$T/ow/latest/findings.csv.gz" | grep -q '^warning,W-SKIPPED,.*工作表“说明”的表头“填表说明”不是可识别的格式' ||
	fail "the notes sheet has no W-SKIPPED"

# ---- 4. every kind of cell ----
mkdir -p "$T/kinds"
"$DP_MKXLSX" form "$T/kinds/m001.xlsx"
expect_rc 1 "$DP_BIN/dp-run" --input "$T/kinds" --out "$T/ok"
row=$(zcat "$T/ok/latest/inputs.csv.gz" | grep ',form,')
[[ $row == *",xlsx,form,"*",rejected,表1" ]] || fail "the kinds form: $row"
zcat "$T/ok/latest/inputs.csv.gz" | grep -q ',xlsx,,0,0,skipped,图表$' || fail "the chart sheet is not skipped"
f=$(zcat "$T/ok/latest/findings.csv.gz")
for want in "^error,E-NUMBER,[^,]*,14,M001,2021,expense_basic,'=SUM(X1:X9),\"\\?表1!B14：基本支出“=SUM(X1:X9)”是没有保存计算结果的公式" \
	'^error,E-NUMBER,[^,]*,15,M001,2021,expense_project,#DIV/0!,"\?表1!B15：' \
	'^warning,W-SKIPPED,.*工作表“图表”：图表工作表'; do
	grep -q "$want" <<<"$f" || fail "the kinds form has no finding $want: $f"
done
# the same workbook with its parts where only the package's relationships say
mkdir -p "$T/moved"
"$DP_MKXLSX" moved "$T/moved/m001.xlsx"
expect_rc 1 "$DP_BIN/dp-run" --input "$T/moved" --out "$T/om"
cmp -s <(zcat "$T/ok/latest/findings.csv.gz" | sed 's#/kinds/#/x/#') <(zcat "$T/om/latest/findings.csv.gz" | sed 's#/moved/#/x/#') ||
	fail "a workbook whose parts are in wb/ is read otherwise: $(zcat "$T/om/latest/findings.csv.gz")"
# its values, read through normalize (the form is rejected: read them in the work folder)
w="$T/kw"
score_work "$w" "$T/kinds"
for want in 'filed_on=2022-06-06' 'income_total=3998.03' 'exec_progress=38.12' 'output_completion=109.15' \
	'dept_name=广东省测试 单位' 'cost_public_pc=20.00'; do
	k=${want%%=*} v=${want#*=}
	got=$("$DP_CELLS_CSV" "$w/parsed-departments.cells" "$k" | tail -1)
	[ "$got" = "$v" ] || fail "the kinds form's $k is \"$got\", want \"$v\""
done

# ---- 5. an .xls percent that may be a fraction ----
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import xlwt' 2>/dev/null; then
	mkdir -p "$T/xls"
	sed 's/^平均支出进度,38.12%,,$/平均支出进度,0.3812,%,/' "$S/inputs/forms/440000015-hrss-service-center.csv" >"$T/frac.csv"
	grep -q '^平均支出进度,0.3812,%,' "$T/frac.csv" || fail "the seed form has no 平均支出进度 row to change"
	"$DP_SRC/scripts/csv2xls" "$T/xls/frac.xls" "表1=$T/frac.csv"
	expect_rc 1 "$DP_BIN/dp-run" --input "$T/xls" --out "$T/oxls"
	zcat "$T/oxls/latest/findings.csv.gz" | grep -q '^error,E-UNIT,.*,22,440000015,2021,exec_progress,0.3812,表1!B22：.*来自 .xls 工作簿' ||
		fail "an .xls fraction in a percent field is not refused: $(zcat "$T/oxls/latest/findings.csv.gz")"
else
	fail "python3-xlwt is missing (scripts/deps.sh --with-tests installs it)"
fi
echo "workbooks: every sample file as .xlsx gives the CSV's tables; sample-data/workbooks; cells and positions"
