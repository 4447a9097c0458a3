#!/usr/bin/env bash
# Hostile and damaged workbooks (issue #24, SPEC §2.1): each is a finding
# naming what is wrong (E-ENCODING, E-TOO-LONG, E-SHAPE) and the workbook
# rejected whole; a good form in the same run is accepted; the reading
# stages' memory stays small; no entity is expanded and nothing is read
# from outside the input; a workbook changed between dp-ingest and
# dp-normalize is E-CHANGED.
source "$(dirname "$0")/lib.bash"
: "${DP_TOBOOK:?}" "${DP_MKXLSX:?}"
S=$DP_SRC/sample-data
in="$T/in"
mkdir -p "$in"
cp "$S/inputs/forms/440000015-hrss-service-center.csv" "$in/good.csv"
"$DP_TOBOOK" --out "$T/good.xlsx" "表1=$S/inputs/forms/gen-01-440000100-0.csv"
head -c 3000 "$T/good.xlsx" >"$in/truncated.xlsx"
head -c 20000 /dev/urandom >"$in/random.xlsx"
cp "$S/workbooks/forms/gen-06-440000105-0.xls" "$in/renamed-xls.xlsx"   # a compound file: what an encrypted .xlsx is
head -c 2000 "$S/workbooks/forms/gen-06-440000105-0.xls" >"$in/truncated.xls"
printf '字段,值\n部门代码,1\n' >"$in/text.xls"
# an .xls sheet that declares 2 437 611 537 rows and no column (fuzz_book's find: refused from
# its metadata, not walked row by row)
cp "$DP_SRC/tests/fuzz/corpus/fuzz_book/freexl-rows-no-columns.xls" "$in/rows-no-columns.xls"
# the .xls that made FreeXL write below its stack (its reader runs in a child: a crash there
# costs that file, as the sanitizer build shows)
cp "$DP_SRC/tests/fuzz/corpus/fuzz_book/freexl-iconv-underflow.xls" "$in/crafted.xls"
for k in dtd xxe sst-range order encrypted bomb strbomb rows sheets nosheet; do
	"$DP_MKXLSX" "$k" "$in/$k.xlsx"
done
# no TMPDIR use: nothing is written outside the work folder
mkdir -p "$T/tmp"
TMPDIR="$T/tmp" expect_rc 1 "$DP_BIN/dp-run" --input "$in" --out "$T/out"
[ -z "$(ls -A "$T/tmp")" ] || fail "files left in TMPDIR: $(ls -A "$T/tmp")"
f=$(zcat "$T/out/latest/findings.csv.gz")
want() { # want FILE CODE PATTERN: the file's one finding
	local got
	got=$(grep -c "^error,$2,$in/$1,.*$3" <<<"$f" || true)
	[ "$got" -eq 1 ] || fail "$1: want one $2 matching \"$3\", got $got in: $(grep "$in/$1" <<<"$f")"
	[ "$(grep -c ",$in/$1," <<<"$f")" -eq 1 ] || fail "$1: more than its one finding: $(grep "$in/$1" <<<"$f")"
}
want truncated.xlsx E-ENCODING '不是有效的 .xlsx 工作簿'
want random.xlsx E-ENCODING '不是有效的 .xlsx 工作簿'
want renamed-xls.xlsx E-ENCODING '已加密（设置了打开密码），或是改了扩展名的 .xls 文件'
want encrypted.xlsx E-ENCODING '工作簿已加密（设置了打开密码）'
want dtd.xlsx E-ENCODING 'xl/worksheets/sheet1.xml 含有 DTD 声明'
want xxe.xlsx E-ENCODING 'xl/worksheets/sheet1.xml 含有 DTD 声明'
want sst-range.xlsx E-ENCODING '单元格 B1 引用了不存在的共享字符串（编号 4000000000'
want order.xlsx E-ENCODING '单元格 A1 排在它右边的单元格之后'
want bomb.xlsx E-TOO-LONG '可能是压缩炸弹'
want strbomb.xlsx E-TOO-LONG '到第 [0-9]* 行为止的单元格文字合计已超过工作簿文件大小的 100 倍'
want rows.xlsx E-TOO-LONG '超过 1048576 行（Excel 的上限），在第 1048577 行停止读取'
want sheets.xlsx E-TOO-LONG '有超过 10000 个工作表'
want nosheet.xlsx E-SHAPE '工作簿中没有可读取的数据表：“图表”（图表工作表'
want truncated.xls E-ENCODING '无法作为 .xls 工作簿读取'
want text.xls E-ENCODING '无法作为 .xls 工作簿读取'
want crafted.xls E-ENCODING '无法作为 .xls 工作簿读取'
want rows-no-columns.xls E-TOO-LONG '声明了 2437611537 行 × 0 列，超过读取上限'
# nothing expanded or read from the disk
! zgrep -q 'root:\|lollol' "$T/out/latest/"*.csv.gz || fail "an entity was expanded"
# each rejected whole and kept in the quarantine; the good form accepted
inputs=$(zcat "$T/out/latest/inputs.csv.gz")
[ "$(grep -c ',rejected\(,[^,]*\)\?$' <<<"$inputs")" -eq 17 ] || fail "want 17 rejected workbooks: $inputs"
grep -q "^$in/good.csv,.*,form,[0-9]*,1,accepted" <<<"$inputs" || fail "the good form is not accepted: $inputs"
[ "$(ls "$T/out/latest/rejected" | wc -l)" -eq 17 ] || fail "the quarantine: $(ls "$T/out/latest/rejected")"
cmp -s "$in/bomb.xlsx" "$T/out/latest/rejected/$(ls "$T/out/latest/rejected" | grep -e "-bomb.xlsx$")" || fail "the quarantine's bomb.xlsx is not the file"
# memory: the bomb inflates 256 MB, the rows sheet 40 MB and the string bomb's cells hold 256 MB
# of text, streamed
peak=$(grep -o 'peak memory MB: ingest [0-9]* normalize [0-9]*' "$T/stderr")
set -- $peak
[ "$5" -le 100 ] && [ "$7" -le 100 ] || fail "reading hostile workbooks took more than 100 MB: $peak"

# a workbook changed between dp-ingest and dp-normalize
mkdir -p "$T/ch"
cp "$T/good.xlsx" "$T/ch/a.xlsx"
expect_rc 0 "$DP_BIN/dp-ingest" --input "$T/ch" --work "$T/w"
"$DP_TOBOOK" --out "$T/ch/a.xlsx" "表1=$S/inputs/forms/gen-02-440000101-0.csv"
expect_rc 1 "$DP_BIN/dp-normalize" --work "$T/w"
zcat "$T/w/findings.csv.gz" | grep -q "^error,E-CHANGED,$T/ch/a.xlsx,.*被修改" ||
	fail "a workbook changed since dp-ingest is not E-CHANGED: $(zcat "$T/w/findings.csv.gz")"
echo "hostile_workbooks: 17 hostile or damaged workbooks rejected with one finding each; $peak"
