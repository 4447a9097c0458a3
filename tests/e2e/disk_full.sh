#!/usr/bin/env bash
# A full disk (issue #31): dp-run --quiet on the sample inputs with --out on
# a tmpfs of 20 KB, 60 KB, … 980 KB (each in a mount namespace of its own,
# so nothing is left mounted).  Whatever stage the disk fills in, the run
# either publishes completely (exit 0 or 1) or fails with exit 73 or 74 and
# exactly one line on stderr that says once that the disk is full, leaving latest
# absent and nothing under runs/ or .tmp-*.  The sizes sweep across the
# stages, so the test does not depend on where each table's bytes fall.
source "$(dirname "$0")/lib.bash"
if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
	# a tmpfs needs root (CI and scripts/test run as root)
	fail "this test mounts a tmpfs: run it as root"
fi
mkdir -p "$T/mnt"
cd "$DP_SRC"
failed=0 published=0
stages=""
for kb in $(seq 20 40 1000); do
	rc=0
	unshare -m bash -c '
		mount -t tmpfs -o size='"$kb"'k tmpfs "$1" || exit 99
		"$2/dp-run" --quiet --input sample-data/inputs --out "$1/out" --roster sample-data/roster.csv \
			--scenarios pipeline/rules/guangdong-2021.scenarios.csv 2>"$3/err"
		rc=$?
		ls -A "$1/out" >"$3/top" 2>/dev/null
		ls -A "$1/out/runs" >"$3/runs" 2>/dev/null
		[ -L "$1/out/latest" ] && [ -f "$1/out/latest/manifest.csv" ] && echo yes >"$3/latest" || echo no >"$3/latest"
		exit $rc' _ "$T/mnt" "$DP_BIN" "$T" || rc=$?
	[ $rc -ne 99 ] || fail "cannot mount a tmpfs"
	case $rc in
	0 | 1)
		[ "$(cat "$T/latest")" = yes ] || fail "$kb KB: exit $rc but no complete run at latest"
		published=$((published + 1)) ;;
	73 | 74)
		[ "$(wc -l <"$T/err")" -eq 1 ] || fail "$kb KB: exit $rc with $(wc -l <"$T/err") lines: $(cat "$T/err")"
		# one failure told, not one per table glued together
		[ "$(grep -o 'No space left on device' "$T/err" | wc -l)" -eq 1 ] ||
			fail "$kb KB: the line should say once that the disk is full: $(cat "$T/err")"
		[ "$(cat "$T/latest")" = no ] || fail "$kb KB: exit $rc but latest exists"
		! grep -q '^\.tmp-\|^latest' "$T/top" || fail "$kb KB: left behind: $(cat "$T/top")"
		[ ! -s "$T/runs" ] || fail "$kb KB: runs/ holds $(cat "$T/runs")"
		failed=$((failed + 1))
		stages="$stages $(sed 's/:.*//' "$T/err")" ;;
	*) fail "$kb KB: exit $rc: $(cat "$T/err")" ;;
	esac
done
hit=$(tr ' ' '\n' <<<"$stages" | sort -u | grep -c .)
[ "$failed" -ge 3 ] && [ "$published" -ge 1 ] || fail "$failed failed and $published published: the sweep missed"
[ "$hit" -ge 3 ] || fail "the disk filled in only$stages"
echo "disk full: $failed sizes failed with one line (in$(tr ' ' '\n' <<<"$stages" | sort -u | tr '\n' ' ')), $published published"
