#!/usr/bin/env bash
# report.html and the feedback packs in a real browser (issue #25 item 3):
# Debian's chromium, headless, opens them from file:// with every network
# request sent to a dead proxy, as on an offline machine.  Each page's
# script runs to its end (data-ready) with no page error and nothing on the
# console (a style or script the policy refused, a request, an exception
# would all be there); every chart is drawn; report.html#q=<name> finds
# one department; a page of hostile names runs nothing of them; and a
# screenshot of report.html looks like the committed reference
# (tests/e2e/report-reference.png; DP_UPDATE_REFERENCE=1 writes it).
# Skips (77) without chromium or pngdiff, unless DP_REQUIRE_BROWSER=1 (set
# by scripts/test, which installs them: scripts/deps.sh --with-browser).
source "$(dirname "$0")/lib.bash"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ] || [ ! -x "${DP_PNGDIFF:-}" ]; then
	[ "${DP_REQUIRE_BROWSER:-0}" = 1 ] && fail "chromium or pngdiff missing (scripts/deps.sh --with-browser)"
	echo "skipped: no chromium or pngdiff (scripts/deps.sh --with-browser)"
	exit 77
fi
cd "$DP_SRC"
chrome() { # chrome OUT ERR ARGS…: headless, offline, a profile of its own
	local out=$1 err=$2; shift 2
	# the test's own time bound: a browser that hangs fails this test, not ctest's
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
		--disable-background-networking --disable-sync --disable-component-update --no-default-browser-check \
		--proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' --user-data-dir="$T/profile" \
		--enable-logging=stderr --v=0 --hide-scrollbars --force-device-scale-factor=1 --lang=zh-CN \
		--virtual-time-budget=5000 "$@" >"$out" 2>"$err"
}
# page URL WHAT: the DOM after the page's script, no console message
page() {
	local url=$1 what=$2
	chrome "$T/dom" "$T/console" --dump-dom "$url" || fail "$what: chromium failed: $(tail -3 "$T/console")"
	grep -q '<body[^>]*data-ready="1"' "$T/dom" || fail "$what: the page's script did not run to its end"
	! grep -q 'data-error=' "$T/dom" || fail "$what: page error: $(grep -o 'data-error="[^"]*"' "$T/dom")"
	! grep -q 'CONSOLE' "$T/console" || fail "$what: console: $(grep CONSOLE "$T/console" | head -3)"
}
args=(--input sample-data/inputs --roster sample-data/roster.csv --adjust sample-data/adjust.csv)
expect_rc 1 "$DP_BIN/dp-run" "${args[@]}" --out "$T/a" --set exec_rate.param=70 # last year: other totals
R=$(readlink -f "$T/a/latest")
expect_rc 1 "$DP_BIN/dp-run" "${args[@]}" --out "$T/b" --prev "$R"
Rb=$(readlink -f "$T/b/latest")

page "file://$Rb/report.html" "report.html"
for id in chart-grades-2021 chart-sectors-2021 chart-findings chart-yoy; do
	grep -q "<svg id=\"$id\"" "$T/dom" || fail "report.html: no chart $id"
done
[ "$(grep -c '<rect x=' "$T/dom")" -gt 30 ] || fail "report.html: the charts have no bars"
# the search box, filled from the address
page "file://$Rb/report.html#q=%E5%B9%BF%E4%B8%9C%E7%9C%81%E6%B0%B4%E6%96%87%E5%B1%80" "report.html#q=广东省水文局"
rows=$(sed -n '/id="ranking-2021"/,/<\/table>/p' "$T/dom" | grep -c '^<tr>\|^<tr hidden' || true)
shown=$(sed -n '/id="ranking-2021"/,/<\/table>/p' "$T/dom" | grep -c '^<tr><td' || true)
[ "$rows" -eq 33 ] && [ "$shown" -eq 1 ] || fail "the search for 广东省水文局 shows $shown of $rows rows"
grep -q '找到 1 行' "$T/dom" || fail "the search does not say how many rows it found"
page "file://$R/feedback/F01.html" "feedback/F01.html"
page "file://$R/feedback/440000010.units.html" "feedback/440000010.units.html"
page "file://$R/feedback/index.html#q=F01" "feedback/index.html#q=F01"
shown=$(grep -c '^<tr><td><a href' "$T/dom" || true)
[ "$shown" -eq 1 ] || fail "feedback/index.html's search for F01 shows $shown rows"

# hostile names: shown, never run (a script run or refused would be on the console)
mkdir -p "$T/in"
awk -F, '$1 == "部门名称" { $0 = "部门名称,\"<script>document.title=1</script><img src=x onerror=alert(1)>\u202e\",," }
	$1 == "所属领域" { $0 = "所属领域,</script><script>alert(2)</script>,," } { print }' \
	sample-data/inputs/forms/440000015-hrss-service-center.csv >"$T/in/hostile.csv"
expect_rc 0 "$DP_BIN/dp-run" --input "$T/in" --out "$T/h"
Rh=$(readlink -f "$T/h/latest")
page "file://$Rh/report.html" "report.html of hostile names"
grep -q '<title>部门整体支出绩效自评 汇总报告</title>' "$T/dom" || fail "a hostile name's script ran"
page "file://$Rh/feedback/440000015.html" "the pack of hostile names"

# looks as it should: the top of report.html against the reference
chrome "$T/shot.out" "$T/shot.err" --window-size=1200,1800 --screenshot="$T/report.png" "file://$Rb/report.html" ||
	fail "no screenshot: $(tail -3 "$T/shot.err")"
ref="$DP_SRC/tests/e2e/report-reference.png"
if [ "${DP_UPDATE_REFERENCE:-0}" = 1 ]; then
	cp "$T/report.png" "$ref"
	echo "wrote $ref"
fi
if ! "$DP_PNGDIFF" "$ref" "$T/report.png" 1 >"$T/diff"; then
	cp "$T/report.png" "${TMPDIR:-/tmp}/report_browser-got.png"
	fail "the screenshot is not like $ref: $(cat "$T/diff") (got: ${TMPDIR:-/tmp}/report_browser-got.png)"
fi
echo "report.html and packs in chromium: scripts ran, no console message, charts drawn, search works, hostile names inert; screenshot like the reference ($(cat "$T/diff"))"
