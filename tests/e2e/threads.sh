#!/usr/bin/env bash
# The same inputs give byte-identical tables for 1 and 2 threads, and for a
# second run (SPEC §6); the manifest's parameters aside.
source "$(dirname "$0")/lib.bash"
# bulk rows over several of dp-normalize's batches of 4096 (normalized in
# parallel), and over five of dp-validate's (checked while the next is read
# and the one before decided: three in hand at once, so five go round)
"$DP_GEN" --out "$T/gen" --seed 11 --forms 600 --bulk 17000 --faults 3 --resubmit 3 --roster "$T/roster.csv"
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
# The bulk exports cut into 150 files each (their header on every one), named
# so that departments and funds files alternate in path order (a funds file
# first): more streamed files in a row than dp-normalize takes at once (64),
# the two kinds read beside each other.  The departments and the funds must
# be, byte for byte, those of the whole files, for 1 and 2 threads.
mkdir -p "$T/cut"
cut_into() { # cut_into FILE SUFFIX: pieces x-NNN$SUFFIX.csv
	local hdr
	hdr=$(head -n 1 "$1")
	rm -rf "$T/pieces" && mkdir "$T/pieces"
	tail -n +2 "$1" >"$T/body"
	split -n l/150 -d -a 3 "$T/body" "$T/pieces/"
	for f in "$T/pieces/"*; do
		{ echo "$hdr"; cat "$f"; } >"$T/cut/x-$(basename "$f")$2.csv"
	done
}
cut_into "$T/gen/bulk/departments-2021.csv" ""
cut_into "$T/gen/bulk/special-funds-2021.csv" "-funds"
ncut=$(find "$T/cut" -name '*.csv' | wc -l)
[ "$ncut" -eq 300 ] || fail "cut into $ncut files, want 300"
normalized() { # normalized INPUT WORK THREADS
	expect_rc 0 "$DP_BIN/dp-ingest" --input "$1" --work "$2" --threads "$3"
	set +e
	"$DP_BIN/dp-normalize" --work "$2" --threads "$3" >/dev/null 2>&1
	set -e
}
normalized "$T/gen/bulk" "$T/whole" 2
for th in 1 2; do
	normalized "$T/cut" "$T/cw$th" $th
	for t in departments special_funds; do
		cmp <(zcat "$T/whole/$t.csv.gz") <(zcat "$T/cw$th/$t.csv.gz") ||
			fail "$t.csv.gz of the cut exports ($th threads) is not that of the whole files"
	done
	# (the cells' rows and offsets; the footer names a table whose gzip
	# members end elsewhere, as the rows came in other batches)
	cmp <(head -c -40 "$T/whole/departments.cells") <(head -c -40 "$T/cw$th/departments.cells") ||
		fail "departments.cells of the cut exports ($th threads) is not that of the whole files"
done
# (work tables: the same rows; their gzip members end where the rows came in,
# row by row with one thread, a batch at a time with more)
for t in subs fundsrc findings inputs; do
	cmp <(zcat "$T/cw1/$t.csv.gz") <(zcat "$T/cw2/$t.csv.gz") ||
		fail "$t.csv.gz of the cut exports differs between 1 and 2 threads"
done
echo "threads: $n tables byte-identical for 1 and 2 threads; 300 cut exports normalized as the whole files"
