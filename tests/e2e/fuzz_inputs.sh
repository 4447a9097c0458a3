#!/usr/bin/env bash
# Damaged inputs never crash a stage: 40 seeded runs of dp-run, each on 1–4
# files of sample-data/inputs damaged by dp-mutate (bytes changed; quotes,
# commas, line breaks, NULs, BOMs, huge numbers inserted; spans cut or
# repeated; lines repeated; the file cut short).  Every run must end 0
# (clean) or 1 (findings), with no sanitizer report (CI's
# address+undefined build prints one and exits 1), and publish every input
# file in its inputs.csv.gz.
source "$(dirname "$0")/lib.bash"
MUT=$(dirname "$DP_GEN")/dp-mutate
mapfile -t files < <(find "$DP_SRC/sample-data/inputs" -type f ! -name '*.txt' | sort)
[ "${#files[@]}" -ge 10 ] || fail "only ${#files[@]} sample inputs"
runs=40
for seed in $(seq 1 $runs); do
	in="$T/in$seed"
	mkdir -p "$in"
	n=$((seed % 4 + 1))
	for k in $(seq 1 $n); do
		f=${files[$(((seed * 7 + k * 13) % ${#files[@]}))]}
		"$MUT" --seed $((seed * 100 + k)) "$f" "$in/$k-$(basename "$f")"
	done
	set +e
	"$DP_BIN/dp-run" --input "$in" --out "$T/out$seed" >"$T/log" 2>&1
	rc=$?
	set -e
	case $rc in
	0 | 1) ;;
	*) cat "$T/log" >&2; fail "seed $seed: dp-run exited $rc" ;;
	esac
	if grep -q "Sanitizer\|runtime error" "$T/log"; then
		cat "$T/log" >&2
		fail "seed $seed: a sanitizer report"
	fi
	listed=$(zcat "$T/out$seed/latest/inputs.csv.gz" | tail -n +2 | wc -l)
	[ "$listed" -eq "$n" ] || fail "seed $seed: $listed input files published, $n given"
	rm -rf "$in" "$T/out$seed"
done
echo "fuzz_inputs: $runs runs on damaged inputs, none crashed"
