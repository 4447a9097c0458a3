#!/usr/bin/env bash
# Large bulk exports in the encodings of SPEC §2.1 (issue #23 item 5): the
# same 20 000-department export and its special funds as UTF-8, as UTF-16LE
# with its BOM (Excel's "Unicode text", over 9 MB) and as GB18030 (a GBK
# export) give the same published tables; inputs.csv.gz names each encoding.
source "$(dirname "$0")/lib.bash"
"$DP_GEN" --out "$T/gen" --seed 5 --bulk 20000 --clean >/dev/null
for enc in utf8 utf16 gb18030; do
	mkdir -p "$T/$enc"
	for f in "$T/gen/bulk/"*.csv; do
		b=$(basename "$f")
		case $enc in
		utf8) cp "$f" "$T/$enc/$b" ;;
		utf16) { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$f"; } >"$T/$enc/$b" ;;
		gb18030) iconv -f UTF-8 -t GB18030 "$f" >"$T/$enc/$b" ;;
		esac
	done
	set +e
	"$DP_BIN/dp-run" --input "$T/$enc" --out "$T/out-$enc" 2>"$T/$enc.err"
	rc=$?
	set -e
	[ $rc -eq 0 ] || fail "$enc: exit $rc: $(cat "$T/$enc.err")"
done
[ "$(stat -c %s "$T/utf16/departments-2021.csv")" -gt 9000000 ] || fail "the UTF-16LE export is under 9 MB"
want=(utf-8 utf-16le gb18030)
i=0
for enc in utf8 utf16 gb18030; do
	zcat "$T/out-$enc/latest/inputs.csv.gz" | sed 1d | cut -d, -f4 | sort -u >"$T/encs"
	[ "$(cat "$T/encs")" = "${want[$i]}" ] || fail "$enc read as $(cat "$T/encs")"
	i=$((i + 1))
	[ $enc = utf8 ] && continue
	n=0
	for t in departments special_funds scores rankings summary_grades summary_indicators summary_sectors comparisons discrepancies; do
		cmp <(zcat "$T/out-utf8/latest/$t.csv.gz") <(zcat "$T/out-$enc/latest/$t.csv.gz") ||
			fail "$t.csv.gz differs between UTF-8 and $enc"
		n=$((n + 1))
	done
done
[ "$(zcat "$T/out-utf8/latest/rankings.csv.gz" | wc -l)" -eq 20001 ] || fail "not 20 000 ranked"
echo "encodings: a 20 000-department export as UTF-8, UTF-16LE ($(($(stat -c %s "$T/utf16/departments-2021.csv") / 1000000)) MB) and GB18030 gives the same $n tables"
