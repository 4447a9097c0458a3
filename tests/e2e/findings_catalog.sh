#!/usr/bin/env bash
# The finding catalogue (pipeline/src/catalog.c) is the single source of
# codes: docs/findings.md is exactly `dp-run --list-findings` (regenerate it
# with scripts/update-docs), every code of the catalogue is shown by the
# sample-data file it names (in the golden findings) or, for one that needs
# a condition of the run, asserted by the e2e test it names, and the golden
# findings use no code outside it.  docs/fields.md is `dp-run --list-fields`.
source "$(dirname "$0")/lib.bash"
cd "$DP_SRC"
expect_rc 0 "$DP_BIN/dp-run" --list-findings
diff -u docs/findings.md "$T/stdout" >"$T/diff" ||
	{ head -20 "$T/diff" >&2; fail "docs/findings.md is not dp-run --list-findings: run scripts/update-docs"; }
sed -n 's/^## \([EW]-[A-Z-]*\) .*/\1/p' "$T/stdout" >"$T/codes"
sed -n 's/^Shown by `\(.*\)`\.$/\1/p' "$T/stdout" >"$T/shown"
n=$(wc -l <"$T/codes")
[ "$n" -ge 20 ] || fail "the catalogue lists $n codes"
[ "$(wc -l <"$T/shown")" -eq "$n" ] || fail "not every code says where it is shown"
golden=sample-data/expected/findings.csv
paste -d' ' "$T/codes" "$T/shown" | while read -r code file; do
	[ -e "$file" ] || fail "$code: $file does not exist"
	case "$file" in
	tests/e2e/*) # a code that needs a condition of the run (an unreadable file): its e2e test asserts it
		grep -q -- "$code" "$file" || fail "$code: $file does not test it" ;;
	*) # the code, in the golden findings, with that file (or the roster's name, as W-MISSING has)
		grep -q "^[a-z]*,$code,$file," "$golden" || fail "$code is not shown by $file in $golden" ;;
	esac
done
cut -d, -f2 "$golden" | sed 1d | sort -u | while read -r code; do
	grep -qx "$code" "$T/codes" || fail "$golden has $code, which the catalogue does not list"
done
# and the field dictionary: docs/fields.md is dp-run --list-fields, a row per field
expect_rc 0 "$DP_BIN/dp-run" --list-fields
diff -u docs/fields.md "$T/stdout" >"$T/diff" ||
	{ head -20 "$T/diff" >&2; fail "docs/fields.md is not dp-run --list-fields: run scripts/update-docs"; }
grep -q '^| `income_total` | 收入合计 | .* | 万元 | ≥ 0 | 必填 yes | departments |$' docs/fields.md ||
	fail "docs/fields.md lacks income_total's row"
grep -q '^| `self.disclosure` | 信息公开得分 |' docs/fields.md || fail "docs/fields.md lacks the self-score rows"
echo "finding catalogue: $n codes, docs/findings.md current, each shown by sample-data; docs/fields.md current"
