/* The catalogue of finding codes (SPEC §4): the one place where a code, its
 * severity, the SPEC section it comes from, what it means and what the
 * clerk should do are written, in Chinese and English.  Every finding is
 * made from an enum dp_code (findings.h), so a stage cannot emit a code
 * that is not here; `dp-run --list-findings` prints the table and
 * docs/findings.md is that output (scripts/update-docs).
 *
 * Adding a finding code:
 *   1. add DP_<CODE> to enum dp_code below, in the order of the table;
 *   2. add its row to the table in pipeline/src/catalog.c (the unit test
 *      test_catalog checks that rows and enum agree);
 *   3. make it where it is found, with dp_findings_add(fs, DP_<CODE>, …);
 *   4. add a sample-data file that produces it (or, for a code that needs a
 *      run condition, name the e2e test that does in catalog.c's `shown_by`),
 *      run scripts/update-golden and scripts/update-docs, read the diffs.
 */
#ifndef DEPTPERF_CATALOG_H
#define DEPTPERF_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "deptperf/buf.h"

enum dp_code {
	DP_NO_CODE = 0, /* not a finding: "no problem" where a code is returned */
	DP_E_ENCODING,
	DP_E_CSV,
	DP_E_SHAPE,
	DP_E_REQUIRED,
	DP_E_NUMBER,
	DP_E_UNIT,
	DP_E_DATE,
	DP_E_CODE,
	DP_E_RANGE,
	DP_E_SUM,
	DP_E_CONFLICT,
	DP_E_USCC,
	DP_E_TOO_LONG,
	DP_E_UNREADABLE,
	DP_E_CHANGED,
	DP_W_FIELD_UNKNOWN,
	DP_W_PROGRESS_MISMATCH,
	DP_W_SKIPPED,
	DP_W_OVERSPENT,
	DP_W_ORPHAN_FUND,
	DP_W_GRADE_MISMATCH,
	DP_W_SUPERSEDED,
	DP_W_MISSING,
	DP_W_UNROSTERED,
	DP_W_ADJUST,
	DP_NCODES
};

struct dp_code_info {
	const char *code;       /* "E-CSV" */
	bool error;             /* an error rejects; a warning does not */
	const char *spec;       /* the SPEC section, "§2.1"; "" for the project's own */
	const char *meaning_zh, *action_zh;
	const char *meaning_en, *action_en;
	/* where a run shows it: a sample-data file, or the e2e test that makes
	 * the condition it needs */
	const char *shown_by;
};

/* The row of code (DP_NO_CODE < code < DP_NCODES); a static row. */
const struct dp_code_info *dp_code_info(enum dp_code code);
/* The code whose name is s ("E-CSV"), or DP_NO_CODE. */
enum dp_code dp_code_find(const char *s);
/* Appends the catalogue as docs/findings.md holds it (Markdown). */
void dp_catalog_markdown(struct dp_buf *out);

#endif
