#!/usr/bin/env bash
# --scenarios FILE (SPEC §6, §7): on generated data over two fiscal years,
# each scenario's totals, grades and ranks in scenarios.csv.gz are those of
# a separate run on the rule-set file edited the same way; the base columns
# are the run's own rankings; scenario_summary.csv.gz and
# rank_stability.csv.gz agree with what awk computes from them (Kendall's
# tau-b by its O(n²) definition); the other tables are those of a run
# without scenarios; the same bytes for 1 and 2 threads; and a bad
# scenarios file is refused with its line, exit 65, nothing published.
source "$(dirname "$0")/lib.bash"
: "${DP_CSV_COLS:?}"
cols() { "$DP_CSV_COLS" "$@"; }
"$DP_GEN" --out "$T/y1" --seed 11 --year 2021 --forms 90 --bulk 260 --faults 1 >/dev/null
"$DP_GEN" --out "$T/y2" --seed 12 --year 2022 --forms 90 --bulk 260 --faults 1 >/dev/null
in=(--input "$T/y1" --input "$T/y2")
rules="$DP_SRC/pipeline/rules/guangdong-2021.csv"
base=(--set B.max=82)
# name, then code:field:value changes (field: 4 max, 7 param of the file)
scen=(
	"基准60|exec_rate:7:60"
	"专项12.5+12.5|special_perf:4:12.5|special_rate:4:12.5"
	"=严格|A:4:92|cost_control:7:8|three_public:7:0"
	"基准75|exec_rate:7:75"
)
{
	echo "scenario,code,column,value"
	for s in "${scen[@]}"; do
		IFS='|' read -r -a p <<<"$s"
		for ch in "${p[@]:1}"; do
			IFS=: read -r code f v <<<"$ch"
			echo "${p[0]},$code,$([ "$f" = 4 ] && echo max || echo param),$v"
		done
	done
	echo "基准60,exec_rate,param,60" # the same change twice is one change
} >"$T/scen.csv"
edit() { # edit OUT CHANGE...: the rule set with B at 82 and the changes
	awk -F, -v OFS=, '$1=="B"{$4=82}1' "$rules" >"$1"
	local out=$1 ch code f v
	shift
	for ch in "$@"; do
		IFS=: read -r code f v <<<"$ch"
		awk -F, -v OFS=, -v c="$code" -v f="$f" -v v="$v" '$1==c{$f=v}1' "$out" >"$out.tmp"
		mv "$out.tmp" "$out"
	done
}
run() { # run OUT ARGS...: dp-run, which must publish
	local out=$1
	shift
	set +e
	"$DP_BIN/dp-run" "${in[@]}" --out "$out" "$@" 2>"$out.err"
	local rc=$?
	set -e
	[ $rc -le 1 ] || fail "dp-run $* exited $rc: $(cat "$out.err")"
}
run "$T/a" "${base[@]}" --scenarios "$T/scen.csv"
run "$T/b" "${base[@]}"
A="$T/a/latest"
for t in scenarios scenario_summary rank_stability; do
	[ -f "$A/$t.csv.gz" ] || fail "$t.csv.gz not published"
	grep -q "^$t.csv.gz,[0-9]*,[0-9]*,$(sha256sum "$A/$t.csv.gz" | cut -d' ' -f1)\$" "$A/manifest.csv" ||
		fail "the manifest does not list $t.csv.gz with its SHA-256"
	[ ! -e "$T/b/latest/$t.csv.gz" ] || fail "$t.csv.gz published without --scenarios"
done
# the run's other tables are those of a run without scenarios
n=0
for f in "$T/b/latest/"*.csv.gz; do
	cmp <(zcat "$f") <(zcat "$A/$(basename "$f")") || fail "$(basename "$f") changed with --scenarios"
	n=$((n + 1))
done
years=$(cols "$A/rankings.csv.gz" fiscal_year | sort -u | wc -l)
[ "$years" -eq 2 ] || fail "$years fiscal years ranked, want 2"

k=0
for s in "${scen[@]}"; do
	IFS='|' read -r -a p <<<"$s"
	name=${p[0]}
	shown=$name
	[ "${name:0:1}" = "=" ] && shown="'$name" # a formula is written as text
	k=$((k + 1))
	edit "$T/rules$k.csv" "${p[@]:1}"
	run "$T/e$k" --rules "$T/rules$k.csv"
	E="$T/e$k/latest"
	# this scenario's rows, in their order: the edited run's ranking
	cols "$A/scenarios.csv.gz" fiscal_year scenario dept_code total grade rank |
		awk -F'\t' -v OFS='\t' -v s="$shown" '$2==s{print $1,$3,$4,$5,$6}' >"$T/got$k"
	cols "$E/rankings.csv.gz" fiscal_year dept_code total grade rank >"$T/want$k"
	[ -s "$T/want$k" ] || fail "$name: the edited run ranked nobody"
	cmp "$T/got$k" "$T/want$k" || fail "scenario $name differs from a run on the edited rule set"
	# the base columns: the run's own ranking
	cmp <(cols "$A/scenarios.csv.gz" fiscal_year scenario dept_code base_total base_grade base_rank |
		awk -F'\t' -v OFS='\t' -v s="$shown" '$2==s{print $1,$3,$4,$5,$6}' | sort) \
		<(cols "$A/rankings.csv.gz" fiscal_year dept_code total grade rank | sort) ||
		fail "scenario $name: base columns differ from rankings.csv.gz"
	# the grade counts of its summary: the edited run's province counts
	cmp <(cols "$A/scenario_summary.csv.gz" scenario fiscal_year grade_优 grade_良 grade_中 grade_差 |
		awk -F'\t' -v OFS='\t' -v s="$shown" '$1==s{print $2,$3,$4,$5,$6}') \
		<(cols "$E/summary_grades.csv.gz" fiscal_year scope grade count |
			awk -F'\t' '$2=="province"{c[$1]=c[$1] "\t" $4} END{for (y in c) print y c[y]}' | sort) ||
		fail "scenario $name: grade counts differ from the edited run's summary_grades"
done
! cmp -s "$T/got1" "$T/got4" || fail "two scenarios gave the same ranking: the changes changed nothing"

# the summary and the stability, recomputed by awk from scenarios.csv.gz
cols "$A/scenarios.csv.gz" fiscal_year scenario dept_code total grade rank base_total base_grade base_rank \
	total_change rank_change >"$T/rows"
awk -F'\t' -v OFS='\t' '
function cents(x) { return x == "" ? "" : int(x * 100 + (x < 0 ? -0.5 : 0.5)) }
function band(g) { return g == "优" ? 0 : g == "良" ? 1 : g == "中" ? 2 : g == "差" ? 3 : 4 }
function abs(x) { return x < 0 ? -x : x }
{
	key = $2 SUBSEP $1
	if (!(key in n)) order[++no] = key
	i = ++n[key]
	x[key, i] = cents($7); y[key, i] = cents($4)
	if ($5 != $8) ch[key]++
	if (band($5) < band($8)) up[key]++
	if (band($5) > band($8)) down[key]++
	if ($11 != "") { d = abs($11); if (d > mx[key]) mx[key] = d; sum[key] += d; cnt[key]++ }
	if (cents($4) - cents($7) != cents($10)) { print "total_change", $0 > "/dev/stderr"; bad = 1 }
	if ($6 != "" && $9 != "" && $9 - $6 != $11) { print "rank_change", $0 > "/dev/stderr"; bad = 1 }
}
END {
	for (o = 1; o <= no; o++) {
		key = order[o]; split(key, kk, SUBSEP); m = n[key]
		nc = nd = tx = ty = 0
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) {
			dx = x[key, i] - x[key, j]; dy = y[key, i] - y[key, j]
			if (dx == 0 && dy == 0) continue
			if (dx == 0) { tx++; continue }
			if (dy == 0) { ty++; continue }
			if (dx * dy > 0) nc++; else nd++
		}
		tau = (nc - nd) / sqrt((nc + nd + tx) * (nc + nd + ty))
		mean = cnt[key] ? int((sum[key] * 200 + cnt[key]) / (2 * cnt[key])) / 100 : 0
		printf "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%.2f\t%.6f\n", kk[1], kk[2], m, ch[key], up[key], down[key], mx[key], mean, tau
	}
	exit bad
}' "$T/rows" >"$T/awk-summary" || fail "a total_change or rank_change is not the difference of its columns"
cols "$A/scenario_summary.csv.gz" scenario fiscal_year departments grade_changes grade_up grade_down max_rank_change \
	mean_abs_rank_change kendall_tau >"$T/summary"
[ "$(wc -l <"$T/summary")" -eq $((2 * ${#scen[@]})) ] || fail "scenario_summary: not one row per scenario and year"
paste "$T/summary" "$T/awk-summary" | awk -F'\t' '
{
	for (c = 1; c <= 8; c++) if ($c != $(c + 9)) { print "column " c ": " $0; bad = 1 }
	d = $9 - $18; if (d < 0) d = -d
	if (d > 0.00005 + 1e-9) { print "tau " $9 " vs " $18; bad = 1 }
}
END { exit bad }' || fail "scenario_summary differs from the summary awk computes"
# the identity has tau 1, and some scenario moves someone
cols "$A/scenario_summary.csv.gz" kendall_tau | grep -qv '^1.0000$' || fail "no scenario moved anyone"
# rank_stability: best and worst rank, grades in band order, margin to 90, 82 or 60
awk -F'\t' -v OFS='\t' '
function cents(x) { return int(x * 100 + (x < 0 ? -0.5 : 0.5)) }
function upd(k, r) { if (r == "") return; if (!(k in best) || r < best[k]) best[k] = r; if (r > worst[k]) worst[k] = r }
{
	k = $1 "\t" $3
	if (!(k in base)) { base[k] = $9; t = cents($7); upd(k, $9); g[k, $8] = 1
		m = 100000; split("9000 8200 6000", b, " ")
		for (q in b) { d = t - b[q]; if (d < 0) d = -d; if (d < m) m = d }
		margin[k] = sprintf("%d.%02d", int(m / 100), m % 100) }
	upd(k, $6); g[k, $5] = 1
}
END {
	split("优 良 中 差", lab, " ")
	for (k in base) {
		s = ""
		for (i = 1; i <= 4; i++) if ((k, lab[i]) in g) s = s (s == "" ? "" : "|") lab[i]
		print k, base[k], best[k], worst[k], s, margin[k]
	}
}' "$T/rows" | sort >"$T/awk-stab"
cols "$A/rank_stability.csv.gz" fiscal_year dept_code base_rank best_rank worst_rank grades margin | sort >"$T/stab"
cmp "$T/stab" "$T/awk-stab" || { diff "$T/stab" "$T/awk-stab" | head -30 >&2; fail "rank_stability differs from awk's"; }
# in base rank order within each year
cmp <(cols "$A/rank_stability.csv.gz" fiscal_year dept_code) <(cols "$A/rankings.csv.gz" fiscal_year dept_code) ||
	fail "rank_stability is not in the order of rankings.csv.gz"
grep -q '|' <(cols "$A/rank_stability.csv.gz" grades) || fail "no department's grade depends on a scenario"

# the same bytes with one thread
run "$T/one" "${base[@]}" --scenarios "$T/scen.csv" --threads 1
for t in scenarios scenario_summary rank_stability; do
	cmp "$A/$t.csv.gz" "$T/one/latest/$t.csv.gz" || fail "$t.csv.gz differs with --threads 1"
done

# refused before anything runs: exit 65, the line named, nothing published
refuse() { # refuse PATTERN < file
	cat >"$T/bad.csv"
	expect_rc 65 "$DP_BIN/dp-run" "${in[@]}" --out "$T/r" --scenarios "$T/bad.csv"
	grep -q -- "$1" "$T/stderr" || fail "the refusal does not say “$1”: $(cat "$T/stderr")"
	[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "more than one line: $(cat "$T/stderr")"
	[ ! -e "$T/r/latest" ] && [ -z "$(ls "$T/r/runs" 2>/dev/null)" ] || fail "a refused scenarios file published"
}
printf 'scenario,code,column,value\nx,nosuch,max,1\n' | refuse 'bad.csv:2 .*中没有指标或等级行“nosuch”'
printf 'scenario,code,column,value\nx,exec_rate,param,many\n' | refuse 'bad.csv:2: 情景“x”不成立'
printf 'scenario,code,column,value\nok,exec_rate,param,60\nx,exec_rate,max,-1\n' | refuse 'bad.csv:3: 情景“x”.*不是非负数'
printf 'scenario,code,column,value\nx,special_perf,max,12.5\n' | refuse 'bad.csv:2: 情景“x”.*special'
printf 'scenario,code,column,value\nx,exec_rate,label,y\n' | refuse 'bad.csv:2: 列“label”不可修改'
printf 'scenario,code,column,value\nx,exec_rate,param,60\ny,A,max,91\nx,exec_rate,param,70\n' |
	refuse 'bad.csv:4: 情景“x”在本行把 exec_rate.param 设为“70”，第 2 行却设为“60”'
printf '' | refuse 'bad.csv:1: 情景文件为空'
printf 'x,exec_rate,param,60\n' | refuse 'bad.csv:1: 表头应为 scenario,code,column,value'
printf 'scenario,code,column,value\n' | refuse 'bad.csv: 没有任何情景'
printf 'scenario,code,column,value\n,exec_rate,param,60\n' | refuse 'bad.csv:2: 情景名称'
echo "scenarios: ${#scen[@]} scenarios × 2 years equal their edited-rule-set runs; summary, tau-b and stability" \
	"as awk computes them; $n other tables unchanged; 10 bad files refused"
