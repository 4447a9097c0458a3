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
# kill -9, SIGTERM and SIGINT while each stage runs.  The stage is held at
# its start by the test hook DP_TEST_HOLD (stages/stage_main.c), which
# writes its pid into a FIFO and waits: it is running by construction when
# the signal comes, whatever the machine's load.  The FIFO is held open
# read-write here, so the hook's open never waits and a run that never gets
# there fails the read, not the whole suite's timeout.
mkfifo "$T/hold"
exec 8<>"$T/hold"
# a failing check must not leave a held run behind (nor ctest waiting on it)
pid='' spid=''
trap 'kill -9 $pid $spid 2>/dev/null || true; rm -rf "$T"' EXIT
# gone PID: no live process has that pid (an orphan's zombie counts as gone)
gone() {
	local s
	s=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	[[ $s == Z* ]]
}
# the kernel kills a stage when its dp-run dies (PR_SET_PDEATHSIG); it may
# take a moment to be scheduled and die.  The bound only ends a failing test.
wait_gone() {
	for _ in $(seq 1 3000); do
		gone "$1" && return 0
		sleep 0.02
	done
	return 1
}
held_run() { # held_run STAGE ID [ENV-OPTION]: dp-run held in STAGE, its pids in pid and spid
	DP_TEST_HOLD="$1:$T/hold" env "${3:---default-signal=INT}" "$DP_BIN/dp-run" "${in[@]}" --out "$out" \
		--run-id "$2" 8<&- 2>"$T/held.err" &
	pid=$!
	read -r -t 300 -u 8 spid || fail "$1 never reached its hold point: $(cat "$T/held.err")"
	[ "$(ps -o comm= -p "$spid")" = "$1" ] || fail "the pid held is not $1's"
	# the lock on --out is dp-run's alone: a stage that held it could keep
	# the next run out
	! find "/proc/$spid/fd" -lname "$out/.lock" | grep -q . || fail "$1 holds $out/.lock"
}
exits() { # exits WANT WHAT: the held dp-run ends with exit WANT
	local rc
	set +e
	wait "$pid"
	rc=$?
	set -e
	[ "$rc" -eq "$1" ] || fail "$2: exit $rc, want $1: $(cat "$T/held.err")"
}
no_run_left() { # no_run_left ID: nothing of run ID is left but what the next run removes
	[ "$(readlink "$out/latest")" = "$first" ] || fail "latest moved after stopping run $1"
	[ ! -e "$out/runs/$1" ] || fail "a half run is visible after stopping run $1"
	! pgrep -f -- "$out/\.tmp-$1/" >/dev/null || fail "a process of run $1 is left: $(pgrep -af -- "$out/\.tmp-$1/")"
}
for stage in dp-ingest dp-normalize dp-validate dp-score dp-aggregate; do
	held_run "$stage" "killed-$stage"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	wait_gone "$spid" || fail "$stage outlived its dp-run killed with -9"
	no_run_left "killed-$stage"
	for sig in TERM INT; do
		held_run "$stage" "$sig-$stage"
		kill -s "$sig" "$pid"
		exits $((128 + $(kill -l "$sig"))) "dp-run stopped by SIG$sig in $stage"
		# dp-run waited for its stage: gone already, not in a moment
		gone "$spid" || fail "dp-run stopped by SIG$sig exited before $stage did"
		no_run_left "$sig-$stage"
		[ ! -e "$out/.tmp-$sig-$stage" ] || fail "SIG$sig in $stage left .tmp-$sig-$stage"
		# the stages before said what they did; dp-run says one line
		[ "$(grep -c '^dp-run:' "$T/held.err")" -eq 1 ] || fail "SIG$sig in $stage: not one line: $(cat "$T/held.err")"
		tail -n 1 "$T/held.err" | grep -q "^dp-run: stopped by SIG$sig during $stage: .*run again" ||
			fail "SIG$sig in $stage: $(cat "$T/held.err")"
	done
done
# SIGHUP stops a run too (a closed terminal), unless the caller ignores it
# (nohup): then it is not passed on, and the stage held still is
held_run dp-score hup
kill -s HUP "$pid"
exits 129 "SIGHUP"
no_run_left hup
held_run dp-score nohup --ignore-signal=HUP
kill -s HUP "$pid"
kill -s HUP "$spid"
kill -s TERM "$pid"
exits 143 "an ignored SIGHUP then SIGTERM"
no_run_left nohup
exec 8<&-
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
# latest that is not dp-run's link is never replaced, and no run is made
# that it could not point at
for kind in file folder; do
	o2="$T/foreign-$kind"
	mkdir -p "$o2"
	if [ $kind = file ]; then echo "someone's notes" >"$o2/latest"; else mkdir "$o2/latest"; fi
	expect_rc 73 "$DP_BIN/dp-run" "${in[@]}" --out "$o2"
	grep -q "latest is a $kind, not the link dp-run keeps" "$T/stderr" || fail "latest a $kind: $(cat "$T/stderr")"
	[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "latest a $kind: not one line"
	[ $kind = folder ] || [ "$(cat "$o2/latest")" = "someone's notes" ] || fail "latest, a file, was changed"
	[ -z "$(ls -A "$o2/runs" 2>/dev/null)" ] || fail "latest a $kind: a run was left in runs/"
	[ -z "$(ls -A "$o2" | grep '^\.tmp-')" ] || fail "latest a $kind: .tmp-* left"
done
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
