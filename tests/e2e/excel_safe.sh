#!/usr/bin/env bash
# Excel-safe tables on request (SPEC §6, issue #25 item 2): with --csv-bom
# --headers zh every published table starts with a UTF-8 BOM and has only
# Chinese column headers, its rows byte for byte those of a default run;
# the manifest lists the files as written; a later run reads such a run as
# --prev exactly as a default one; without the options nothing changes.
source "$(dirname "$0")/lib.bash"
cd "$DP_SRC"
args=(--input sample-data/inputs --roster sample-data/roster.csv --adjust sample-data/adjust.csv
	--scenarios pipeline/rules/guangdong-2021.scenarios.csv)
expect_rc 1 "$DP_BIN/dp-run" "${args[@]}" --out "$T/plain"
expect_rc 1 "$DP_BIN/dp-run" "${args[@]}" --out "$T/zh" --csv-bom --headers zh
P="$T/plain/latest" Z="$T/zh/latest"
n=0
for f in "$P"/*.csv.gz; do
	t=$(basename "$f")
	[ "$(zcat "$Z/$t" | head -c 3 | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "$t: no BOM"
	[ "$(zcat "$f" | head -c 3 | od -An -tx1 | tr -d ' ')" != efbbbf ] || fail "$t: a BOM by default"
	# every header cell translated: each holds a byte past ASCII
	untranslated=$(zcat "$Z/$t" | head -1 | tail -c +4 | tr ',' '\n' | LC_ALL=C grep -v $'[\x80-\xff]' || true)
	[ -z "$untranslated" ] || fail "$t: headers left in English: $untranslated"
	cmp <(zcat "$f" | tail -n +2) <(zcat "$Z/$t" | tail -n +2) || fail "$t: rows differ with --csv-bom --headers zh"
	n=$((n + 1))
done
[ "$n" -ge 16 ] || fail "only $n tables"
zcat "$Z/rankings.csv.gz" | head -1 | grep -q '^.\{1\}年度,排名,部门代码,部门名称,' || fail "rankings' headers: $(zcat "$Z/rankings.csv.gz" | head -1)"
sed -n '2,/^$/p' "$Z/manifest.csv" | sed '/^$/d' | while IFS=, read -r file rows bytes sha; do
	[ "$(sha256sum "$Z/$file" | cut -d' ' -f1)" = "$sha" ] && [ "$(stat -c %s "$Z/$file")" = "$bytes" ] ||
		fail "manifest: $file is not as listed"
done
grep -qx 'csv_bom,yes' "$Z/manifest.csv" && grep -qx 'headers,zh' "$Z/manifest.csv" || fail "manifest lacks the options"
# either run as --prev gives the same year-over-year table
expect_rc 1 "$DP_BIN/dp-run" "${args[@]}" --out "$T/next1" --prev "$(readlink -f "$P")"
expect_rc 1 "$DP_BIN/dp-run" "${args[@]}" --out "$T/next2" --prev "$(readlink -f "$Z")"
[ "$(zcat "$T/next1/latest/yoy.csv.gz" | wc -l)" -gt 10 ] || fail "no yoy rows"
cmp <(zcat "$T/next1/latest/yoy.csv.gz") <(zcat "$T/next2/latest/yoy.csv.gz") ||
	fail "yoy differs when the previous run has Chinese headers and a BOM"
expect_rc 64 "$DP_BIN/dp-run" "${args[@]}" --out "$T/bad" --headers en
grep -q -- "--headers takes zh" "$T/stderr" || fail "--headers en: $(cat "$T/stderr")"
echo "excel-safe: $n tables with a BOM and Chinese headers, rows unchanged; either run reads as --prev"
