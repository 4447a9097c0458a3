#!/usr/bin/env bash
# The seed report of shared/: the pipeline must reproduce 96.95 / 优 and every
# sub-score from its figures.
source "$(dirname "$0")/lib.bash"
mkdir -p "$T/in"
cp "$DP_SRC/sample-data/inputs/forms/440000015-hrss-service-center.csv" "$T/in/"
expect_rc 0 "$DP_BIN/dp-run" --input "$T/in" --out "$T/out"
row=$(zcat "$T/out/latest/rankings.csv.gz" | sed -n 2p)
case "$row" in
	2021,1,440000015,*,96.95,优,96.95,0.00,1,1,0.00,47.49,23.05,24.44,49.46,2.46) ;;
	*) fail "rankings row: $row" ;;
esac
got=$(zcat "$T/out/latest/scores.csv.gz" | awk -F, 'NR>1 {printf "%s=%s ", $3, $6}')
want="total=96.95 duty=47.49 overall=23.05 output=10.00 benefit=10.00 exec_rate=3.05 special=24.44 special_perf=14.66 special_rate=9.78 mgmt=49.46 budget_prep=5.00 budget_exec=4.00 disclosure=3.00 perf_mgmt=15.00 procurement=10.00 assets=10.00 running_cost=2.46 cost_control=1.46 three_public=1.00 "
[ "$got" = "$want" ] || fail "scores: $got"
echo "seed: 96.95 / 优 with every sub-score"
