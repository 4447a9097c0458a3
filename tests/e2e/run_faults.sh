#!/usr/bin/env bash
# dp-run under faults: a killed run (kill -9 in each stage), a second
# concurrent run, an unwritable --out, a missing input, malformed rules,
# roster and adjust files, a --prev that is not a run.  None may change what
# latest points to except a completed run.
source "$(dirname "$0")/lib.bash"
"$DP_GEN" --out "$T/gen" --seed 3 --forms 300 --bulk 20000 --resubmit 2 >/dev/null
in=(--input "$T/gen/forms" --input "$T/gen/bulk")
out="$T/out"
expect_rc 0 "$DP_BIN/dp-run" "${in[@]}" --out "$out" --run-id first
first=$(readlink "$out/latest")
[ "$first" = "runs/first" ] || fail "latest → $first"
# kill -9 while each stage runs: latest stays, nothing half-made under runs/.
# dp-ingest reads only each file's first record: on these inputs it is over
# before it can be seen, so its run gets 5 000 more forms to take its time
"$DP_GEN" --out "$T/many" --seed 4 --forms 5000 >/dev/null
for stage in dp-ingest dp-normalize dp-validate dp-score dp-aggregate; do
	run_in=("${in[@]}")
	[ "$stage" != dp-ingest ] || run_in+=(--input "$T/many/forms")
	"$DP_BIN/dp-run" "${run_in[@]}" --out "$out" --run-id "killed-$stage" 2>/dev/null &
	pid=$!
	disown "$pid"
	seen=false
	for _ in $(seq 1 400); do
		if pgrep -f "$DP_BIN/$stage .*$out" >/dev/null; then seen=true; break; fi
		sleep 0.01
	done
	$seen || fail "$stage was never seen running: the kill would not test it"
	kill -9 "$pid" 2>/dev/null || true
	pkill -9 -f "$DP_BIN/$stage .*$out" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
	[ "$(readlink "$out/latest")" = "$first" ] || fail "latest moved after killing $stage"
	[ ! -e "$out/runs/killed-$stage" ] || fail "a half run is visible after killing $stage"
done
# the next run cleans up what the killed ones left
expect_rc 0 "$DP_BIN/dp-run" "${in[@]}" --out "$out" --run-id second
[ "$(readlink "$out/latest")" = "runs/second" ] || fail "latest not moved by a complete run"
[ -z "$(ls -A "$out" | grep '^\.tmp-')" ] || fail "stale .tmp-* left"
# a second run while one holds the lock exits 75 at once
exec 9>"$out/.lock"
flock -n 9
expect_rc 75 "$DP_BIN/dp-run" "${in[@]}" --out "$out"
grep -q "locked" "$T/stderr" || fail "no word about the lock"
exec 9>&-
# bad command lines and files
expect_rc 64 "$DP_BIN/dp-run" --out "$out"
expect_rc 64 "$DP_BIN/dp-run" "${in[@]}" --out "$out" --threads zero
expect_rc 64 "$DP_BIN/dp-run" "${in[@]}" --out "$out" --bogus
expect_rc 66 "$DP_BIN/dp-run" --input "$T/nonexistent" --out "$out"
printf 'code,parent,label,max,method,input,param\nt,,T,10,sum,,\n' >"$T/rules.csv"
expect_rc 65 "$DP_BIN/dp-run" "${in[@]}" --out "$out" --rules "$T/rules.csv"
grep -q "rules.csv:2:" "$T/stderr" || fail "rules error without its row: $(cat "$T/stderr")"
printf 'name\nx\n' >"$T/roster.csv"
expect_rc 65 "$DP_BIN/dp-run" "${in[@]}" --out "$out" --roster "$T/roster.csv"
printf 'dept_code,fiscal_year,indicator,deduction,reason\nx,2021,assets,lots,\n' >"$T/adjust.csv"
expect_rc 65 "$DP_BIN/dp-run" "${in[@]}" --out "$out" --adjust "$T/adjust.csv"
mkdir -p "$T/notarun"
expect_rc 64 "$DP_BIN/dp-run" "${in[@]}" --out "$out" --prev "$T/notarun"
if [ "$(id -u)" -ne 0 ]; then
	mkdir -p "$T/ro" && chmod 555 "$T/ro"
	expect_rc 73 "$DP_BIN/dp-run" "${in[@]}" --out "$T/ro/out"
fi
expect_rc 73 "$DP_BIN/dp-run" "${in[@]}" --out /proc/deptperf-cannot-be-here
# every non-zero exit said what to do in one line
[ "$(wc -l <"$T/stderr")" -ge 1 ] || fail "no message"
[ "$(readlink "$out/latest")" = "runs/second" ] || fail "a failed run moved latest"
# --prev: year over year against the first run, --keep prunes
expect_rc 0 "$DP_BIN/dp-run" "${in[@]}" --out "$out" --run-id third --prev "$out/runs/first" --keep 2
zcat "$out/latest/yoy.csv.gz" >"$T/yoy.csv"
sed -n 2p "$T/yoy.csv" | grep -q '^44' || fail "yoy.csv.gz has no rows"
[ "$(ls "$out/runs" | wc -l)" -eq 2 ] || fail "--keep 2 kept $(ls "$out/runs")"
echo "run faults: latest intact through kills, lock, bad inputs; prev and keep work"
