#!/usr/bin/env bash
# dp-aggregate publishes scores.csv.gz as dp-score wrote it (asis.h) when it
# was written at the level asked for and is still the bytes recorded, and
# compresses it again otherwise: the published scores are the same rows
# either way, and the manifest gives the file's own rows, size and SHA-256.
source "$(dirname "$0")/lib.bash"
"$DP_GEN" --out "$T/gen" --seed 9 --bulk 2000 --faults 3 >/dev/null
W="$T/work"
score_work "$W" "$T/gen/bulk"
[ -f "$W/scores.csv.gz.info" ] || fail "no scores.csv.gz.info after dp-score"
cp -r "$W" "$T/noinfo"
rm "$T/noinfo/scores.csv.gz.info"
cp -r "$W" "$T/changed"
# the same rows compressed otherwise: other bytes than those recorded
zcat "$W/scores.csv.gz" | gzip -1 >"$T/changed/scores.csv.gz"
agg() { # WORK OUT [ARGS]: dp-aggregate must publish
	local w=$1 o=$2
	shift 2
	set +e
	"$DP_BIN/dp-aggregate" --work "$w" --out "$o" "$@" >/dev/null 2>"$T/err"
	local rc=$?
	set -e
	[ $rc -le 1 ] || { cat "$T/err" >&2; fail "dp-aggregate --work $w exited $rc"; }
}
agg "$W" "$T/a"
agg "$T/noinfo" "$T/b"
agg "$T/changed" "$T/c"
agg "$W" "$T/d" --gzip-level 9
cmp -s "$W/scores.csv.gz" "$T/a/scores.csv.gz" || fail "scores.csv.gz was not published as written"
cmp -s "$W/scores.csv.gz" "$T/b/scores.csv.gz" && fail "scores.csv.gz copied without a record"
cmp -s "$T/changed/scores.csv.gz" "$T/c/scores.csv.gz" && fail "a changed scores.csv.gz was copied"
cmp -s "$W/scores.csv.gz" "$T/d/scores.csv.gz" && fail "scores.csv.gz copied although written at another level"
rows=$(zcat "$W/scores.csv.gz" | tail -n +2 | wc -l)
for x in a b c d; do
	for f in "$T/a/"*.csv.gz; do
		n=$(basename "$f")
		cmp <(zcat "$f") <(zcat "$T/$x/$n") || fail "$n differs ($x)"
	done
	sum=$(sha256sum "$T/$x/scores.csv.gz" | cut -d' ' -f1)
	bytes=$(stat -c %s "$T/$x/scores.csv.gz")
	grep -qx "scores.csv.gz,$rows,$bytes,$sum" "$T/$x/manifest.csv" ||
		fail "manifest of $x: $(grep '^scores' "$T/$x/manifest.csv"), want $rows rows, $bytes bytes, $sum"
done
echo "asis: scores.csv.gz ($rows rows) published as written, compressed again when it must be"
