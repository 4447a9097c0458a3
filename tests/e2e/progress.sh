#!/usr/bin/env bash
# The progress line (issue #31 item 7, #26): on a terminal (a pty made by
# script(1)) each long stage draws "N of TOTAL unit, rate/s, about S s
# left" on one line it redraws with \r and clears before its report; in a
# pipe or a file, as from cron, and with --quiet, there is none.
# DP_PROGRESS_INTERVAL_MS=0 draws every step, so that a small run shows
# lines however fast the machine is.
source "$(dirname "$0")/lib.bash"
command -v script >/dev/null || fail "script(1) (bsdutils) is needed"
cd "$DP_SRC"
run=("$DP_BIN/dp-run" --input sample-data/inputs --out "$T/out")
DP_PROGRESS_INTERVAL_MS=0 script -qec "$(printf '%q ' "${run[@]}")" /dev/null >"$T/tty" </dev/null || true
for st in dp-ingest dp-normalize dp-validate dp-score; do
	grep -qE $'\r'"$st: [0-9 ]+ of [0-9 ]+ (files|submissions), [0-9 ]+/s" "$T/tty" ||
		fail "$st drew no progress line on the terminal: $(tr '\r' '\n' <"$T/tty" | head -20)"
	# the last drawn is the whole, then the line is cleared for the report
	n=$(tr '\r' '\n' <"$T/tty" | sed -n "s/^$st: \([0-9 ]*\) of \1 .*/\1/p" | tail -1)
	[ -n "$n" ] || fail "$st: no line with all done"
	grep -q $'\r\033\\[K'"$st: " "$T/tty" || fail "$st: the progress line is not cleared before the report"
done
# not on a pipe or a file, nor with --quiet on a terminal
DP_PROGRESS_INTERVAL_MS=0 "${run[@]}" 2>"$T/file" || true
! grep -q $'\r' "$T/file" || fail "progress drawn into a file"
! grep -q ' of [0-9 ]* files' "$T/file" || fail "progress written into a file"
rm -rf "$T/out"
DP_PROGRESS_INTERVAL_MS=0 script -qec "$(printf '%q ' "${run[@]}") --quiet" /dev/null >"$T/quiet" </dev/null || true
! grep -q ' of [0-9 ]* files' "$T/quiet" || fail "progress drawn with --quiet"
[ -L "$T/out/latest" ] || fail "the quiet run did not publish"
echo "progress: drawn and cleared on a terminal by the four long stages; none in a file or with --quiet"
