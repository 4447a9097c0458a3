#!/usr/bin/env bash
# File names are data (issue #31 item 3): a name that is not UTF-8, one
# with a backslash, a newline, a comma and quotes, one of 255 bytes, and a
# path longer than PATH_MAX.  Each is listed in inputs.csv.gz, the readable
# ones read (a name is written escaped, \xHH and \\, and read back to open
# the file again), the one too long to open rejected, and the batch
# published.
source "$(dirname "$0")/lib.bash"
forms="$DP_SRC/sample-data/inputs/forms"
in="$T/in"
mkdir -p "$in"
cp "$forms/gen-01-440000100-0.csv" "$in/$(printf 'bad\xff\xfe.csv')"
cp "$forms/gen-02-440000101-0.csv" "$in/back\\slash.csv"
cp "$forms/gen-03-440000102-0.csv" "$in/$(printf 'new\nline, "quoted".csv')"
long=$(printf 'n%.0s' $(seq 1 251))
cp "$forms/gen-04-440000103-0.csv" "$in/$long.csv"
# a path past PATH_MAX (4096): 18 folders of 250 bytes, made one by one
(
	cd "$in"
	for _ in $(seq 1 18); do
		d=$(printf 'd%.0s' $(seq 1 250))
		mkdir "$d" && cd "$d"
	done
	cp "$forms/440000015-hrss-service-center.csv" deep.csv
)
expect_rc 1 timeout 300 "$DP_BIN/dp-run" --input "$in" --out "$T/out"
zcat "$T/out/latest/inputs.csv.gz" >"$T/inputs.csv"
zcat "$T/out/latest/findings.csv.gz" >"$T/findings.csv"
grep -q "^$in/bad\\\\xFF\\\\xFE.csv,.*,accepted$" "$T/inputs.csv" || fail "the name that is not UTF-8: $(cat "$T/inputs.csv")"
grep -q "^$in/back\\\\\\\\slash.csv,.*,accepted$" "$T/inputs.csv" || fail "the backslash: $(cat "$T/inputs.csv")"
grep -q "^$in/$long.csv,.*,accepted$" "$T/inputs.csv" || fail "the 255-byte name"
grep -q "line, \"\"quoted\"\".csv\",.*,accepted$" "$T/inputs.csv" || fail "the newline, comma, quotes: $(cat "$T/inputs.csv")"
grep -q ",rejected$" "$T/inputs.csv" || fail "the path past PATH_MAX is not listed: $(cat "$T/inputs.csv")"
grep -q "^error,E-UNREADABLE,.*File name too long" "$T/findings.csv" || fail "no finding for the long path: $(cat "$T/findings.csv")"
[ "$(zcat "$T/out/latest/rankings.csv.gz" | sed 1d | wc -l)" -eq 4 ] || fail "not the four readable forms ranked"
"$DP_CHECK_GUARD" "$T/out/latest/inputs.csv.gz" "$T/out/latest/findings.csv.gz"
echo "file names: not UTF-8, backslash, newline, 255 bytes read; past PATH_MAX rejected; batch published"
