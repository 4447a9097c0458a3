#!/usr/bin/env bash
# scripts/install-service as far as a machine without a running systemd
# allows (issue #26 item 2): staged with --root, it installs the programs,
# writes /etc/default/deptperf, the systemd units or the cron file with this
# installation's paths; the command line the unit and the cron job run, as
# written (the staged prefix and folders put in front), prints nothing on a
# clean night (exit 0), one line when the run needs a person (exit 1), and
# one line on a failure (exit 65 for a bad roster named in DEPTPERF_ARGS).
source "$(dirname "$0")/lib.bash"
r="$T/root"
DP_BUILD=$(dirname "$DP_BIN") bash "$DP_SRC/scripts/install-service" --systemd --root "$r" --prefix /opt/dp \
	--home /srv/dp --user dpuser >"$T/log" || fail "install-service --systemd: $(cat "$T/log")"
[ -x "$r/opt/dp/bin/dp-run" ] || fail "dp-run not installed under the prefix"
[ -f "$r/opt/dp/share/deptperf/rules/guangdong-2021.scenarios.csv" ] || fail "the scenarios file not installed"
[ -d "$r/srv/dp/in" ] && [ -d "$r/srv/dp/out" ] || fail "the folders were not made"
svc="$r/etc/systemd/system/deptperf.service"
grep -qx 'ExecStart=/opt/dp/bin/dp-run --quiet --input /srv/dp/in --out /srv/dp/out $DEPTPERF_ARGS' "$svc" ||
	fail "ExecStart: $(grep ExecStart "$svc")"
grep -qx 'User=dpuser' "$svc" && grep -qx 'EnvironmentFile=-/etc/default/deptperf' "$svc" &&
	grep -qx 'SuccessExitStatus=1' "$svc" || fail "the service: $(cat "$svc")"
grep -qx 'OnCalendar=\*-\*-\* 02:30:00' "$r/etc/systemd/system/deptperf.timer" || fail "the timer"
! grep -q '@[A-Z]*@' "$svc" "$r/etc/systemd/system/deptperf.timer" "$r/etc/default/deptperf" || fail "a placeholder left"
if command -v systemd-analyze >/dev/null; then
	# (it also says the staged command and man page are not where the unit
	# names them: they are under the staging root)
	for u in "$svc" "$r/etc/systemd/system/deptperf.timer"; do
		systemd-analyze verify "$u" >/dev/null 2>"$T/verify" || true
		! grep -qi 'unknown\|invalid\|failed to parse\|ignoring' "$T/verify" || fail "systemd-analyze: $(cat "$T/verify")"
	done
fi
# the cron variant, staged beside
DP_BUILD=$(dirname "$DP_BIN") bash "$DP_SRC/scripts/install-service" --cron --root "$T/croot" --prefix /opt/dp \
	--home /srv/dp --user dpuser >"$T/log" || fail "install-service --cron: $(cat "$T/log")"
cronline=$(grep -v '^#' "$T/croot/etc/cron.d/deptperf" | grep '^30 2 ')
[ -n "$cronline" ] || fail "no cron line: $(cat "$T/croot/etc/cron.d/deptperf")"
read -r _ _ _ _ _ cuser ccmd <<<"$cronline"
[ "$cuser" = dpuser ] || fail "the cron job runs as $cuser"
# run each command as written, the staged root in front of its paths
staged() { sed -e "s|/opt/dp|$r/opt/dp|g" -e "s|/srv/dp|$r/srv/dp|g" -e "s|/etc/default|$r/etc/default|g"; }
svc_cmd=$(sed -n 's/^ExecStart=//p' "$svc" | staged)
cron_cmd=$(staged <<<"$ccmd")
night() { # night CMD: run it as systemd (the env file's words) or cron (sh -c)
	set +e
	if [ "$1" = svc ]; then
		(set -a; . "$r/etc/default/deptperf"; eval "$svc_cmd") >"$T/out.txt" 2>&1
	else
		sh -c "$cron_cmd" >"$T/out.txt" 2>&1
	fi
	echo $? >"$T/rc"
	set -e
}
cp "$DP_SRC/sample-data/inputs/forms/440000015-hrss-service-center.csv" "$r/srv/dp/in/"
for how in svc cron; do
	night $how
	[ "$(cat "$T/rc")" = 0 ] && [ ! -s "$T/out.txt" ] || fail "$how, a clean night: exit $(cat "$T/rc"), said: $(cat "$T/out.txt")"
done
[ -L "$r/srv/dp/out/latest" ] || fail "nothing published"
cp -r "$DP_SRC/sample-data/inputs/faults" "$r/srv/dp/in/"
for how in svc cron; do
	night $how
	[ "$(cat "$T/rc")" = 1 ] && [ "$(wc -l <"$T/out.txt")" -eq 1 ] ||
		fail "$how, a night with errors: exit $(cat "$T/rc"), said: $(cat "$T/out.txt")"
done
echo "DEPTPERF_ARGS=\"--roster $r/srv/dp/no-such-roster.csv\"" >"$r/etc/default/deptperf"
for how in svc cron; do
	night $how
	[ "$(cat "$T/rc")" = 65 ] && [ "$(wc -l <"$T/out.txt")" -eq 1 ] && grep -q no-such-roster "$T/out.txt" ||
		fail "$how, a bad roster: exit $(cat "$T/rc"), said: $(cat "$T/out.txt")"
done
echo "install-service: units and cron file staged; as written they say nothing on a clean night, one line otherwise (exit 0, 1, 65)"
