#!/usr/bin/env bash
# Every program has --help and --version (exit 0), refuses an unknown option
# with 64 and one line that says what to do, and a stage run alone on a work
# folder it cannot use says so with its exit code.
source "$(dirname "$0")/lib.bash"
for p in dp-ingest dp-normalize dp-validate dp-score dp-aggregate dp-run; do
	expect_rc 0 "$DP_BIN/$p" --help
	grep -q "^usage: $p" "$T/stdout" || fail "$p --help has no usage line"
	expect_rc 0 "$DP_BIN/$p" --version
	grep -q "^$p (deptperf) " "$T/stdout" || fail "$p --version"
	expect_rc 64 "$DP_BIN/$p" --no-such-option
	[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "$p: more than one line for a bad option"
done
expect_rc 64 "$DP_BIN/dp-ingest" --work "$T/w"
expect_rc 66 "$DP_BIN/dp-ingest" --input "$T/none" --work "$T/w"
mkdir -p "$T/empty"
expect_rc 74 "$DP_BIN/dp-normalize" --work "$T/empty"
grep -q "run dp-ingest" "$T/stderr" || fail "dp-normalize does not say what to run first"
expect_rc 64 "$DP_BIN/dp-aggregate" --work "$T/empty"
echo "cli: help, version, bad options and missing work folders"
