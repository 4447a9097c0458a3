#!/usr/bin/env bash
# dp-run on sample-data/ must give exactly the tables kept in
# sample-data/expected/ (update them with scripts/update-golden, on purpose),
# the exit code kept there, and a manifest that tells the truth about every
# file it lists.
source "$(dirname "$0")/lib.bash"
cd "$DP_SRC"
want=$(cat sample-data/expected/exit-code)
expect_rc "$want" "$DP_BIN/dp-run" --input sample-data/inputs --out "$T/out" --roster sample-data/roster.csv --adjust sample-data/adjust.csv --scenarios pipeline/rules/guangdong-2021.scenarios.csv
run="$T/out/latest"
n=0
for exp in sample-data/expected/*.csv; do
	b=$(basename "$exp")
	[ -f "$run/$b.gz" ] || fail "$b.gz was not published"
	diff -u "$exp" <(zcat "$run/$b.gz") >"$T/diff" || { head -40 "$T/diff" >&2; fail "$b differs from sample-data/expected"; }
	n=$((n + 1))
done
extra=$(ls "$run" | grep -c '\.csv\.gz$')
[ "$extra" -eq "$n" ] || fail "published $extra tables, expected $n"
# the manifest: rows, bytes and sha256 of each table, then the parameters
sed -n '2,/^$/p' "$run/manifest.csv" | sed '/^$/d' | while IFS=, read -r file rows bytes sha; do
	[ -f "$run/$file" ] || fail "manifest lists missing $file"
	[ "$(stat -c %s "$run/$file")" = "$bytes" ] || fail "$file: bytes"
	[ "$(sha256sum "$run/$file" | cut -d' ' -f1)" = "$sha" ] || fail "$file: sha256"
	case $file in *.csv.gz) [ "$(($(zcat "$run/$file" | wc -l) - 1))" = "$rows" ] || fail "$file: rows" ;; esac
done
grep -q '^submissions_read,' "$run/manifest.csv" || fail "manifest has no counts"
grep -q '^run_id,' "$run/manifest.csv" || fail "manifest has no run id"
[ -d "$run/rejected" ] && [ "$(ls "$run/rejected" | wc -l)" -ge 10 ] || fail "rejected/ holds too little"
# a department name that starts with = is written with a leading '
zcat "$run/rankings.csv.gz" | grep -q "'=HYPERLINK" || fail "formula not guarded in rankings"
echo "sample-data: $n tables as expected, manifest verified"
