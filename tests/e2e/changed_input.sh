#!/usr/bin/env bash
# A file that changes or vanishes between dp-ingest and dp-normalize (SPEC
# §2.1, E-CHANGED) is rejected whole, its old and new contents never mixed,
# and the rest of the run goes on.  The stages are run by hand, the files
# changed between them: no race.
source "$(dirname "$0")/lib.bash"
forms="$DP_SRC/sample-data/inputs/forms"
mkdir -p "$T/in"
cp "$forms/440000015-hrss-service-center.csv" "$forms/gen-01-440000100-0.csv" "$forms/gen-02-440000101-0.csv" "$T/in/"
w="$T/work"
expect_rc 0 "$DP_BIN/dp-ingest" --input "$T/in" --work "$w"
# the same header, another figure; and one file gone
sed -i 's/^收入合计,3998.03,/收入合计,3999.03,/' "$T/in/440000015-hrss-service-center.csv"
rm "$T/in/gen-02-440000101-0.csv"
expect_rc 1 "$DP_BIN/dp-normalize" --work "$w"
zcat "$w/findings.csv.gz" >"$T/findings.csv"
grep -q "^error,E-CHANGED,$T/in/440000015-hrss-service-center.csv,,.*SHA-256" "$T/findings.csv" ||
	fail "the changed file: $(cat "$T/findings.csv")"
grep -q "^error,E-CHANGED,$T/in/gen-02-440000101-0.csv,,.*消失" "$T/findings.csv" ||
	fail "the vanished file: $(cat "$T/findings.csv")"
[ "$(grep -c ',E-SUM,' "$T/findings.csv")" -eq 0 ] || fail "the changed file's new figures were checked"
for s in dp-validate dp-score; do
	set +e; "$DP_BIN/$s" --work "$w" >/dev/null 2>&1; set -e
done
expect_rc 1 "$DP_BIN/dp-aggregate" --work "$w" --out "$T/run"
zcat "$T/run/inputs.csv.gz" >"$T/inputs.csv"
grep -q "440000015-hrss-service-center.csv,.*,rejected$" "$T/inputs.csv" || fail "$(cat "$T/inputs.csv")"
grep -q "gen-02-440000101-0.csv,.*,rejected$" "$T/inputs.csv" || fail "$(cat "$T/inputs.csv")"
grep -q "gen-01-440000100-0.csv,.*,accepted$" "$T/inputs.csv" || fail "$(cat "$T/inputs.csv")"
[ "$(zcat "$T/run/rankings.csv.gz" | sed 1d | cut -d, -f3)" = "440000100" ] || fail "ranked: $(zcat "$T/run/rankings.csv.gz")"
echo "changed input: a changed and a vanished file rejected with E-CHANGED, the other published"
