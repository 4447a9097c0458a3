#!/usr/bin/env bash
# The same inputs give byte-identical tables for 1 and 2 threads, and for a
# second run (SPEC §6); the manifest's parameters aside.
source "$(dirname "$0")/lib.bash"
# bulk rows over several of dp-normalize's batches of 4096 (normalized in parallel)
"$DP_GEN" --out "$T/gen" --seed 11 --forms 600 --bulk 10000 --faults 3 --resubmit 3 --roster "$T/roster.csv"
for th in 1 2 2; do
	expect_rc 1 "$DP_BIN/dp-run" --input "$T/gen/forms" --input "$T/gen/bulk" --out "$T/out$th" \
		--roster "$T/roster.csv" --threads $th --run-id "r$th$RANDOM"
done
n=0
for f in "$T/out1/latest/"*.csv.gz; do
	b=$(basename "$f")
	cmp "$f" "$T/out2/latest/$b" || fail "$b differs between 1 and 2 threads"
	n=$((n + 1))
done
[ $n -ge 12 ] || fail "only $n tables"
# the manifest's file rows are identical too
cmp <(sed '/^$/q' "$T/out1/latest/manifest.csv") <(sed '/^$/q' "$T/out2/latest/manifest.csv") || fail "manifest file rows differ"
echo "threads: $n tables byte-identical for 1 and 2 threads"
