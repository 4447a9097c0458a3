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
# same_cells A B: whether two cells files (memtab.h) hold the same rows
same_cells() {
	cmp -s "$1" "$2"
}
