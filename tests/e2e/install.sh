#!/usr/bin/env bash
# An installed deptperf finds its own rule set: cmake --install into a
# prefix other than the configured one, the copy moved to another folder,
# and dp-run run from there reads <prefix>/share/deptperf/rules (its
# manifest says which), not the source tree's nor the configured prefix's.
# DEPTPERF_RULES_DIR, when set, is what is read, or refused.  Each program's
# man page is installed.
source "$(dirname "$0")/lib.bash"
build=$(dirname "$DP_BIN")
cmake --install "$build" --prefix "$T/p1" >/dev/null
# a man page per program, made from its --help
for p in dp-run dp-ingest dp-normalize dp-validate dp-score dp-aggregate; do
	m="$T/p1/share/man/man1/$p.1"
	[ -f "$m" ] || fail "$p.1 not installed"
	grep -q "^\.TH $(tr a-z A-Z <<<"$p") 1 " "$m" || fail "$p.1 has no .TH line"
	grep -qF "$p \\- " "$m" || fail "$p.1 has no NAME"
	grep -qF -- "--work DIR" "$m" || [ $p = dp-run ] || fail "$p.1 lacks its synopsis"
done
grep -qF -- "--scenarios FILE" "$T/p1/share/man/man1/dp-run.1" || fail "dp-run.1 is not its --help"
if command -v man >/dev/null; then
	MANWIDTH=80 man -l "$T/p1/share/man/man1/dp-run.1" 2>"$T/man.err" | grep -q "^SYNOPSIS" || fail "man cannot read dp-run.1"
	[ ! -s "$T/man.err" ] || fail "man warns: $(cat "$T/man.err")"
fi
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
