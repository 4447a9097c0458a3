#!/usr/bin/env bash
# An installed deptperf finds its own rule set: cmake --install into a
# prefix other than the configured one, the copy moved to another folder,
# and dp-run run from there reads <prefix>/share/deptperf/rules (its
# manifest says which), not the source tree's nor the configured prefix's.
# DEPTPERF_RULES_DIR, when set, is what is read, or refused.
source "$(dirname "$0")/lib.bash"
build=$(dirname "$DP_BIN")
cmake --install "$build" --prefix "$T/p1" >/dev/null
mv "$T/p1" "$T/moved"
cd "$DP_SRC"
expect_rc 1 "$T/moved/bin/dp-run" --input sample-data/inputs --out "$T/out" --roster sample-data/roster.csv
grep -q "^rule_set,$T/moved/bin/../share/deptperf/rules/guangdong-2021.csv$" "$T/out/latest/manifest.csv" ||
	fail "the installed dp-run read another rule set: $(grep rule_set "$T/out/latest/manifest.csv")"
# the same tables as the build tree's programs
expect_rc 1 "$DP_BIN/dp-run" --input sample-data/inputs --out "$T/out2" --roster sample-data/roster.csv
for t in rankings scores findings; do
	cmp <(zcat "$T/out/latest/$t.csv.gz") <(zcat "$T/out2/latest/$t.csv.gz") || fail "$t differs when installed"
done
# without its rules, an installed program says where it looked
mv "$T/moved/share" "$T/share-gone"
expect_rc 65 "$T/moved/bin/dp-run" --input sample-data/inputs --out "$T/out3"
[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "missing rules: not one line: $(cat "$T/stderr")"
# DEPTPERF_RULES_DIR: read from there, or refused
mkdir -p "$T/rd"
sed 's/^A,,优|优秀,90,/A,,优|优秀,95,/' pipeline/rules/guangdong-2021.csv >"$T/rd/guangdong-2021.csv"
DEPTPERF_RULES_DIR="$T/rd" expect_rc 0 "$T/moved/bin/dp-run" --input sample-data/inputs/forms --out "$T/out4"
grep -q "^rule_set,$T/rd/guangdong-2021.csv$" "$T/out4/latest/manifest.csv" || fail "DEPTPERF_RULES_DIR not read"
DEPTPERF_RULES_DIR="$T/nowhere" expect_rc 65 "$DP_BIN/dp-run" --input sample-data/inputs/forms --out "$T/out5"
grep -q "$T/nowhere/guangdong-2021.csv" "$T/stderr" || fail "DEPTPERF_RULES_DIR elsewhere: $(cat "$T/stderr")"
echo "install: an installed, moved tree reads its own rules; DEPTPERF_RULES_DIR read or refused"
