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
	grep -q "unknown option “--no-such-option”" "$T/stderr" || fail "$p does not name the option: $(cat "$T/stderr")"
	expect_rc 64 "$DP_BIN/$p" --work
	grep -q "option “--work” needs a value" "$T/stderr" || fail "$p: $(cat "$T/stderr")"
done
expect_rc 64 "$DP_BIN/dp-ingest" --input x --work y --roster z
grep -q "dp-ingest does not take --roster" "$T/stderr" || fail "$(cat "$T/stderr")"
expect_rc 64 "$DP_BIN/dp-run" --input x --out y stray
grep -q "unexpected argument “stray”" "$T/stderr" || fail "$(cat "$T/stderr")"
# --quiet (SPEC §7): nothing on stderr for a clean run, one line when it
# needs a person (exit 1), the usual line for a failure
cd "$DP_SRC"
expect_rc 0 "$DP_BIN/dp-run" --input sample-data/inputs/forms --out "$T/q" --quiet
[ ! -s "$T/stderr" ] || fail "--quiet, clean run: $(cat "$T/stderr")"
[ ! -s "$T/stdout" ] || fail "--quiet, clean run wrote to stdout: $(cat "$T/stdout")"
expect_rc 1 "$DP_BIN/dp-run" --input sample-data/inputs --out "$T/q" --quiet
[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "--quiet with findings: not one line: $(cat "$T/stderr")"
grep -q "^dp-run: published .*read findings.csv.gz" "$T/stderr" || fail "--quiet with findings: $(cat "$T/stderr")"
expect_rc 66 "$DP_BIN/dp-run" --input "$T/none" --out "$T/q" --quiet
[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "--quiet, no input: not one line: $(cat "$T/stderr")"
cd - >/dev/null
expect_rc 64 "$DP_BIN/dp-ingest" --work "$T/w"
expect_rc 66 "$DP_BIN/dp-ingest" --input "$T/none" --work "$T/w"
# workbooks are read: two that are not workbooks are rejected with a
# finding each, and the run is published; a folder of nothing readable is
# no input
mkdir -p "$T/books" "$T/notes"
printf 'PK' >"$T/books/a.xlsx"
printf 'x' >"$T/books/b.XLS"
expect_rc 1 "$DP_BIN/dp-run" --input "$T/books" --out "$T/bo"
[ "$(zcat "$T/bo/latest/findings.csv.gz" | grep -c '^error,E-ENCODING,.*不是有效的 \.xlsx 工作簿\|^error,E-ENCODING,.*无法作为 \.xls 工作簿读取')" -eq 2 ] ||
	fail "broken workbooks: $(zcat "$T/bo/latest/findings.csv.gz")"
printf 'x' >"$T/notes/a.txt"
expect_rc 66 "$DP_BIN/dp-run" --input "$T/notes" --out "$T/no"
grep -q "no .csv, .csv.gz, .xlsx or .xls file" "$T/stderr" || fail "nothing readable: $(cat "$T/stderr")"
mkdir -p "$T/empty"
# a stage run before the one it follows says which to run first (exit 66:
# its input is not there), and nothing about the disk
for st in dp-normalize:dp-ingest dp-validate:dp-normalize dp-score:dp-validate; do
	expect_rc 66 "$DP_BIN/${st%%:*}" --work "$T/empty"
	grep -q "run ${st#*:} on this work folder first; nothing done$" "$T/stderr" ||
		fail "${st%%:*} does not say what to run first: $(cat "$T/stderr")"
done
expect_rc 66 "$DP_BIN/dp-aggregate" --work "$T/empty" --out "$T/agg"
grep -q "run dp-score on this work folder first" "$T/stderr" || fail "dp-aggregate: $(cat "$T/stderr")"
expect_rc 64 "$DP_BIN/dp-aggregate" --work "$T/empty"
echo "cli: help, version, bad options and missing work folders"
