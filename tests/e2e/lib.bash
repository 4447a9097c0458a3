# Shared by the e2e scripts: where the programs are, a scratch folder, and
# assertions that say what failed.
set -euo pipefail
: "${DP_BIN:?run through ctest}" "${DP_SRC:?}" "${DP_GEN:?}"
T=$(mktemp -d /tmp/dp-e2e-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() { # expect_rc WANT CMD...
	local want=$1; shift
	set +e; "$@" >"$T/stdout" 2>"$T/stderr"; local rc=$?; set -e
	[ "$rc" -eq "$want" ] || { cat "$T/stderr" >&2; fail "$* exited $rc, want $want"; }
}
# score_work WORK INPUT...: ingest (which must succeed), normalize, validate
# and score into WORK; the later stages may report findings (exit 1)
score_work() {
	local w=$1; shift
	local in=()
	for i in "$@"; do in+=(--input "$i"); done
	expect_rc 0 "$DP_BIN/dp-ingest" "${in[@]}" --work "$w"
	set +e
	"$DP_BIN/dp-normalize" --work "$w" >/dev/null 2>&1
	"$DP_BIN/dp-validate" --work "$w" >/dev/null 2>&1
	"$DP_BIN/dp-score" --work "$w" >/dev/null 2>&1
	set -e
}
# same_cells A B: whether two cells files hold the same rows for the same
# table: every byte but the footer's identity of the table file (device,
# inode, size and modification time: its last 40 bytes, memtab.c), which
# differs between two copies of a work folder
same_cells() {
	cmp -s <(head -c -40 "$1") <(head -c -40 "$2")
}

# validated_without_cells WORK: dp-validate again on a copy of the validated
# folder WORK without dp-normalize's departments.cells, so that it parses
# parsed-departments.csv.gz instead; every table it writes must be WORK's,
# byte for byte (the cells are what parsing the table gives)
validated_without_cells() {
	local w=$1 c="$1-parsed"
	[ -f "$w/parsed-departments.cells" ] || fail "$w: dp-normalize left no departments.cells for dp-validate"
	rm -rf "$c"
	cp -r "$w" "$c"
	rm -f "$c/parsed-departments.cells" "$c/departments.cells"
	set +e
	"$DP_BIN/dp-validate" --work "$c" >"$T/stdout-parsed" 2>&1
	set -e
	local t
	for t in departments special_funds findings inputs counts; do
		cmp <(zcat "$w/$t.csv.gz") <(zcat "$c/$t.csv.gz") || fail "$w: $t.csv.gz differs when dp-validate parses the departments"
	done
	same_cells "$w/departments.cells" "$c/departments.cells" ||
		fail "$w: departments.cells differs when dp-validate parses the departments"
	diff -r "$w/rejected" "$c/rejected" >/dev/null || fail "$w: rejected/ differs when dp-validate parses the departments"
}
