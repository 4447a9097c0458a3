#!/usr/bin/env bash
# Hostile inputs beside a good form (issue #31): a small .csv.gz that
# inflates to one 50 MB field, and one that inflates to 6 000 000 short bulk
# rows.  Each is rejected with E-TOO-LONG, the line and the byte where
# reading stopped (csvread.h's bounds), the good form is published, and no
# stage's memory grows with the bomb (peaks from dp-run's own report).
source "$(dirname "$0")/lib.bash"
mkdir -p "$T/in"
cp "$DP_SRC/sample-data/inputs/forms/440000015-hrss-service-center.csv" "$T/in/"
{ printf '字段,值,单位,分项\n部门名称,"'; head -c 50000000 /dev/zero | tr '\0' x; printf '",,\n'; } |
	gzip -1 >"$T/in/bigfield.csv.gz"
{ printf '部门代码,部门名称,年度\n'; awk 'BEGIN { for (i = 0; i < 6000000; i++) print "A1,x,2021" }'; } | gzip -1 >"$T/in/rows.csv.gz"
expect_rc 1 "$DP_BIN/dp-run" --input "$T/in" --out "$T/out"
run="$T/out/latest"
zcat "$run/findings.csv.gz" >"$T/findings.csv"
grep -q "^error,E-TOO-LONG,$T/in/bigfield.csv.gz,2,.*超过 65536 字节.*第 [0-9]* 字节处停止读取" "$T/findings.csv" ||
	fail "the 50 MB field: $(cat "$T/findings.csv")"
grep -q "^error,E-TOO-LONG,$T/in/rows.csv.gz,5000001,.*行数上限" "$T/findings.csv" ||
	fail "6 000 000 rows: $(cat "$T/findings.csv")"
zcat "$run/inputs.csv.gz" >"$T/inputs.csv"
grep -q "bigfield.csv.gz,.*,rejected$" "$T/inputs.csv" || fail "bigfield not rejected: $(cat "$T/inputs.csv")"
grep -q "rows.csv.gz,.*,rejected$" "$T/inputs.csv" || fail "rows not rejected: $(cat "$T/inputs.csv")"
zcat "$run/rankings.csv.gz" | grep -q ',96.95,优,' || fail "the good form was not published"
# peak memory of each stage, MB, from "peak memory MB: ingest 3 normalize 9 …"
peaks=$(sed -n 's/.*peak memory MB: \(.*\) ([0-9.]* s)$/\1/p' "$T/stderr")
[ -n "$peaks" ] || fail "no peaks in: $(cat "$T/stderr")"
set -- $peaks
while [ $# -ge 2 ]; do
	[ "$2" -le 100 ] || fail "dp-$1 peaked at $2 MB on the bombs"
	shift 2
done
echo "hostile inputs: both bombs rejected where they passed a bound, the good form published; peaks $peaks"
