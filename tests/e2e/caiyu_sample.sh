#!/usr/bin/env bash
# The second rule set's sample city (sample-data/caiyu, made by
# scripts/make-sample-data): all eight forms accepted, no finding, exit 0,
# and the scores a clerk can check by hand for 示例市教育局 (C002): 预算执行率
# 10 − 0.2 × (100 − 88) = 7.60, 成本控制 20 × 8.90 ÷ 10 = 17.80, total
# 7 + 7 + 7.60 + 5 + 5 + 4 + 19.60 + 17.80 + 19 = 92.00, 优; 示例市财政局
# (C001) claims the full 10 for 预算执行率 where 7.20 is due: delta 2.80.
source "$(dirname "$0")/lib.bash"
cd "$DP_SRC"
expect_rc 0 "$DP_BIN/dp-run" --input sample-data/caiyu --rules pipeline/rules/caiyu-generic.csv --out "$T/out"
run="$T/out/latest"
[ "$(zcat "$run/rankings.csv.gz" | sed 1d | wc -l)" -eq 8 ] || fail "not eight departments ranked"
[ "$(zcat "$run/findings.csv.gz" | sed 1d | wc -l)" -eq 0 ] || fail "findings: $(zcat "$run/findings.csv.gz")"
zcat "$run/rankings.csv.gz" | grep -q '^2021,2,C002,示例市教育局,C000,综合管理,92.00,优,92.00,0.00,' ||
	fail "C002: $(zcat "$run/rankings.csv.gz" | grep C002)"
zcat "$run/scores.csv.gz" | grep -q '^C002,2021,exec,process,10.00,7.60,7.60,0.00,,1$' || fail "C002 exec"
zcat "$run/scores.csv.gz" | grep -q '^C002,2021,o_cost,output,20.00,17.80,17.80,0.00,,1$' || fail "C002 o_cost"
zcat "$run/scores.csv.gz" | grep -q '^C001,2021,exec,process,10.00,7.20,10.00,2.80,,1$' || fail "C001's claim"
zcat "$run/discrepancies.csv.gz" | grep -q '^2021,C001,示例市财政局,exec,预算执行率,10.00,7.20,2.80$' || fail "C001's claim is not in discrepancies"
echo "caiyu sample: 8 departments ranked by the second rule set, no finding, C002 92.00 as by hand"
