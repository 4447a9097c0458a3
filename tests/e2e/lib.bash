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
