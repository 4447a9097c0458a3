#!/usr/bin/env bash
# report.html and the feedback packs (SPEC §6, issue #25 items 3–5), read as
# files (the browser test is report_browser): report.html self-contained
# (one inline style and script, allowed by their hashes, nothing fetched),
# its counts those of the manifest (read = accepted + rejected +
# superseded), every chart and section there, the whole ranking when short;
# a pack for every department that was ranked, rejected, warned or
# missing, one per 主管部门, each in the manifest with its SHA-256, status and
# findings and reasons as the tables say; the same bytes for every thread
# count; and hostile text — markup, </script>, quotes, a right-to-left
# override, 4-byte characters, a control character — shown as text (and
# well-formed in report.xlsx), and a department code ../x
# making no file outside feedback/.
source "$(dirname "$0")/lib.bash"
cd "$DP_SRC"
args=(--input sample-data/inputs --roster sample-data/roster.csv --adjust sample-data/adjust.csv)
expect_rc 1 "$DP_BIN/dp-run" "${args[@]}" --out "$T/a"
R="$T/a/latest"
H="$R/report.html"
[ -f "$H" ] || fail "no report.html"
listed() { # listed FILE: the manifest lists run-relative FILE as it is
	grep -qxF "$1,$(grep "^$1," "$R/manifest.csv" | cut -d, -f2),$(stat -c %s "$R/$1"),$(sha256sum "$R/$1" | cut -d' ' -f1)" "$R/manifest.csv"
}
listed report.html || fail "the manifest does not list report.html as it is"

# self-contained: nothing from elsewhere, the policy allows its own two
[ "$(grep -o '<script' "$H" | wc -l)" -eq 1 ] || fail "more or less than one script"
[ "$(grep -o '<style' "$H" | wc -l)" -eq 1 ] || fail "more or less than one style sheet"
! grep -Eq ' (src|srcset|data|action|xlink:href)=|<link|<iframe|<object|<embed|url\(|@import' "$H" ||
	fail "report.html refers to something outside it: $(grep -Eo ' (src|srcset|data|action)=[^ ]*|<link[^>]*|url\([^)]*' "$H" | head -3)"
# links: to the page's own sections, and to the packs in feedback/ that exist
for href in $(grep -o ' href="[^"]*"' "$H" | sed 's/^ href="//; s/"$//' | grep -v '^#' | sort -u); do
	case "$href" in
	feedback/*.html) [ -f "$R/$href" ] || fail "report.html links to $href, which is not there" ;;
	*) fail "a link out of report.html: $href" ;;
	esac
done
grep -q '<td><a href="feedback/440000015.html"><bdi>440000015</bdi></a></td>' "$H" || fail "the ranking does not link the packs"
grep -q "Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-" "$H" || fail "no policy"
csp() { printf '%s' "$1" | openssl dgst -sha256 -binary 2>/dev/null | base64; }
if command -v openssl >/dev/null; then
	script=$(sed -n 's:.*<script>\(.*\)</script>.*:\1:p' "$H")
	grep -qF "'sha256-$(csp "$script")'" "$H" || fail "the policy does not hold the script's hash"
fi

# counts as the manifest's
m() { grep "^$1," "$R/manifest.csv" | cut -d, -f2; }
read_=$(m submissions_read) acc=$(m submissions_accepted) rej=$(m submissions_rejected) sup=$(m submissions_superseded)
[ "$read_" -eq $((acc + rej + sup)) ] || fail "the manifest's counts do not add up"
grep -q "读入 $read_ 份 = 受理 $acc + 退回 $rej + 被替代 $sup。" "$H" || fail "report.html's counts are not the manifest's"
for id in counts grades ranking sectors discrepancies missing findings chart-grades-2021 chart-sectors-2021 chart-findings; do
	grep -q "id=\"$id\"" "$H" || fail "report.html has no #$id"
done
! grep -q 'id="yoy"' "$H" || fail "a yoy section without --prev"
# the whole ranking (33 rows, short): every department, in order
ranked=$(zcat "$R/rankings.csv.gz" | tail -n +2 | cut -d, -f3)
shown=$(sed -n '/id="ranking-2021"/,/<\/table>/p' "$H" | grep '^<tr><td class="n">' | sed 's:^<tr><td class="n">[0-9]*</td><td><a href="[^"]*"><bdi>\([^<]*\)</bdi>.*:\1:')
[ "$ranked" = "$shown" ] || fail "the ranking on the page is not rankings.csv.gz's"
# findings by code: each code with its count
zcat "$R/findings.csv.gz" | tail -n +2 | cut -d, -f2 | sort | uniq -c | while read -r n code; do
	grep -q "<td><bdi>$code</bdi></td><td class=\"[a-z]*\">[^<]*</td><td class=\"n\">$n</td>" "$H" ||
		fail "findings by code: $code is not counted $n"
done
grep -q "<h3>2021 年度（共 $(($(zcat "$R/discrepancies.csv.gz" | wc -l) - 1)) 项）</h3>" "$H" ||
	fail "report.html does not count the discrepancies"
grep -q '<td class="n">12</td>' "$R/feedback/F01.html" || fail "F01's pack does not give the finding's line"

# a pack per department with a status: ranked, missing, with findings
codes=$( (zcat "$R/rankings.csv.gz" | tail -n +2 | cut -d, -f3
	zcat "$R/missing.csv.gz" | tail -n +2 | cut -d, -f2
	zcat "$R/findings.csv.gz" | tail -n +2 | cut -d, -f5) | grep . | sort -u)
for c in $codes; do
	[ -f "$R/feedback/$c.html" ] || fail "no feedback/$c.html"
	listed "feedback/$c.html" || fail "the manifest does not list feedback/$c.html as it is"
done
for p in $(zcat "$R/rankings.csv.gz" | tail -n +2 | cut -d, -f5 | sort -u); do
	listed "feedback/$p.units.html" || fail "no 主管部门 pack feedback/$p.units.html in the manifest"
	for c in $(zcat "$R/rankings.csv.gz" | awk -F, -v p="$p" 'NR > 1 && $5 == p { print $3 }'); do
		grep -q "<a href=\"$c.html\"><bdi>$c</bdi></a>" "$R/feedback/$p.units.html" || fail "$p.units.html does not list $c"
	done
done
[ "$(grep -c '^feedback/' "$R/manifest.csv")" -eq "$(find "$R/feedback" -type f | wc -l)" ] ||
	fail "feedback/ holds files the manifest does not list"
# feedback/index.html links every other page of the folder, and nothing else
listed feedback/index.html || fail "no feedback/index.html in the manifest"
diff <(grep -o ' href="[^"#]*"' "$R/feedback/index.html" | sed 's/^ href="//; s/"$//' | sort -u) \
	<(cd "$R/feedback" && ls | grep -v '^index.html$' | sort) >/dev/null ||
	fail "feedback/index.html does not link exactly the folder's pages"
grep -q '状态：<b class="good">已受理</b>' "$R/feedback/440000015.html" || fail "the seed's department is not accepted"
grep -q '<td class="n">96.95</td>' "$R/feedback/440000015.html" || fail "the seed's pack has no 96.95"
grep -q '状态：<b class="bad">退回</b>' "$R/feedback/F01.html" || fail "F01 is not rejected"
grep -q '状态：<b class="bad">缺报</b>' "$R/feedback/F98.html" || fail "F98 is not missing"
grep -q '另有 1 份较早的填报被后来的填报替代' "$R/feedback/F16.html" || fail "F16's superseded submission is not told"
grep -q '下级指标复核得分之和：履职效能 43.24 + 管理效率 45.04 = 88.28' "$R/feedback/440000109.html" ||
	fail "a sum's difference is not explained"
grep -q '复核扣分 1.00 分（复核：固定资产卡片未及时登记）' "$R/feedback/440000100.html" ||
	fail "the review deduction and its reason are not told"

# the same bytes for every thread count
expect_rc 1 "$DP_BIN/dp-run" "${args[@]}" --out "$T/b" --threads 1
cmp "$H" "$T/b/latest/report.html" || fail "report.html differs between thread counts"
diff -r "$R/feedback" "$T/b/latest/feedback" >/dev/null || fail "feedback/ differs between thread counts"

# --prev: year over year against a run whose totals differ (another
# benchmark): the grade changes, and the 10 largest rises and falls in
# yoy.csv.gz's order (total_change, then code), as a chart and a table
expect_rc 1 "$DP_BIN/dp-run" "${args[@]}" --out "$T/p" --set exec_rate.param=70
expect_rc 1 "$DP_BIN/dp-run" "${args[@]}" --out "$T/c" --prev "$(readlink -f "$T/p/latest")"
Y="$T/c/latest/report.html"
grep -q 'id="yoy"' "$Y" && grep -q '<svg id="chart-yoy"' "$Y" || fail "no yoy section or chart with --prev"
movers=$(sed -n '/总分升降最多的部门（各 10 个）/,/<\/table>/p' "$Y" | grep '^<tr><td><bdi>' | sed 's:^<tr><td><bdi>\([^<]*\)</bdi>.*:\1:')
want=$( (zcat "$T/c/latest/yoy.csv.gz" | tail -n +2 | awk -F, '$11 > 0 { print $11, $1 }' | sort -k1,1gr -k2,2 | head -10
	zcat "$T/c/latest/yoy.csv.gz" | tail -n +2 | awk -F, '$11 < 0 { print $11, $1 }' | sort -k1,1g -k2,2 | head -10) | cut -d' ' -f2)
[ -n "$want" ] && [ "$movers" = "$want" ] || fail "the movers are not yoy.csv.gz's largest: got $movers, want $want"

# two years, one long: 2020's 300 departments whole, 2021's 2 100 as their
# first and last 1 000 with the gap said; each year its charts and its own
# count of discrepancies
"$DP_GEN" --out "$T/long/2020" --seed 3 --year 2020 --bulk 300 --clean >/dev/null
"$DP_GEN" --out "$T/long/2021" --seed 5 --year 2021 --bulk 2100 --clean >/dev/null
expect_rc 0 "$DP_BIN/dp-run" --input "$T/long" --out "$T/l"
L="$T/l/latest"
code_rows() { # code_rows YEAR: the department codes of that year's ranking on the page
	sed -n "/id=\"ranking-$1\"/,/<\/table>/p" "$L/report.html" | grep '^<tr><td class="n">' |
		sed 's:^<tr><td class="n">[0-9]*</td><td><a href="[^"]*"><bdi>\([^<]*\)</bdi>.*:\1:'
}
ranked() { zcat "$L/rankings.csv.gz" | awk -F, -v y="$1" '$1 == y { print $3 }'; }
[ "$(code_rows 2020)" = "$(ranked 2020)" ] || fail "2020's 300 departments are not all on the page"
[ "$(code_rows 2021)" = "$(ranked 2021 | sed -n '1,1000p; 1101,2100p')" ] ||
	fail "a ranking of 2 100: not its first and last 1 000 rows"
grep -q '…… 中间 100 个部门未列出 ……' "$L/report.html" || fail "the ranking's gap is not said"
for y in 2020 2021; do
	for id in chart-grades-$y chart-sectors-$y; do
		grep -q "id=\"$id\"" "$L/report.html" || fail "no $id"
	done
	n=$(zcat "$L/discrepancies.csv.gz" | awk -F, -v y="$y" '$1 == y' | wc -l)
	grep -q "<h3>$y 年度（共 $n 项）</h3>" "$L/report.html" || fail "$y's discrepancies are not counted $n"
done

# hostile text
mkdir -p "$T/in"
seed=sample-data/inputs/forms/440000015-hrss-service-center.csv
name=$'<script>alert(1)</script>&"\' \u202eRTL 𠀀😀\001'
sector='</script><svg onload=alert(2)>'
# (awk -v, not sed: the name's & would be sed's match)
awk -v name="\"${name//\"/\"\"}\"" -v sector="\"$sector\"" -F, '
	$1 == "部门代码" { $0 = "部门代码,440000099,," }
	$1 == "部门名称" { $0 = "部门名称," name ",," }
	$1 == "所属领域" { $0 = "所属领域," sector ",," }
	{ print }' "$seed" >"$T/in/hostile.csv"
sed -e "s|^部门代码,440000015,|部门代码,../x,|" "$seed" >"$T/in/traversal.csv"
cp "$seed" "$T/in/"
expect_rc 1 "$DP_BIN/dp-run" --input "$T/in" --out "$T/h"
Rh="$T/h/latest"
zcat "$Rh/rankings.csv.gz" | grep -q '^2021,.*,440000099,' || fail "the hostile form was not accepted: $(zcat "$Rh/findings.csv.gz")"
for f in "$Rh/report.html" "$Rh"/feedback/*.html; do
	! grep -q '<script>alert\|<svg onload\|</script><svg' "$f" || fail "$f: input text became markup"
	[ "$(grep -o '<script' "$f" | wc -l)" -eq 1 ] || fail "$f: more than its one script"
done
esc='&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39; '$'\u202e''RTL 𠀀😀'$'\uFFFD'
grep -qF "<bdi>$esc</bdi>" "$Rh/report.html" || fail "report.html does not show the hostile name as text"
grep -qF "<bdi>$esc</bdi>" "$Rh/feedback/440000099.html" || fail "the pack does not show the hostile name as text"
grep -qF '&lt;/script&gt;&lt;svg onload=alert(2)&gt;' "$Rh/report.html" || fail "the hostile sector is not text in report.html"
# and report.xlsx of the same names is well-formed XML (a control character
# is _x0001_ there)
if command -v python3 >/dev/null; then
	python3 -c 'import sys, zipfile, xml.dom.minidom
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    if n.endswith(".xml") or n.endswith(".rels"):
        xml.dom.minidom.parseString(z.read(n))' "$Rh/report.xlsx" || fail "report.xlsx of hostile names is not well-formed XML"
fi
# ../x: rejected (E-CODE) before any table names it; no page anywhere but
# report.html and feedback/ (a code that is no code would be x-<hash>.html:
# unit test_html)
zcat "$Rh/findings.csv.gz" | grep -q '^error,E-CODE,.*,dept_code,\.\./x,' || fail "../x was not rejected as a code"
[ -z "$(find "$T" -name 'x.html' -o -name '*.html' ! -path '*/feedback/*' ! -name report.html)" ] ||
	fail "a page outside feedback/: $(find "$T" -name '*.html' ! -path '*/feedback/*' ! -name report.html)"
echo "report.html and feedback/: self-contained, counts and sections as the tables, a pack per department and 主管部门 in the manifest, deterministic, hostile text shown as text"
