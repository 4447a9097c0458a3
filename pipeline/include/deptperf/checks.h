/* The checks of SPEC §4 on one submission and on one special fund, as
 * dp-normalize left them (deptrow.h): E-REQUIRED, E-RANGE, E-SUM, E-USCC,
 * W-PROGRESS-MISMATCH, W-GRADE-MISMATCH, W-OVERSPENT.  The checks that need
 * more than one record (W-SUPERSEDED, W-ORPHAN-FUND, the roster's) are
 * dp-validate's (validate.c); the per-value ones (E-NUMBER, E-UNIT, ...)
 * dp-normalize's (value.c).
 *
 * Pure: a check reads a const record and a const context and adds findings
 * to the site's list; no I/O.  Thread-safe with one site (findings list and
 * score result) per thread.
 *
 * Adding a check of one record: a static function in checks.c called from
 * dp_check_submission or dp_check_fund, its finding code in the catalogue
 * (catalog.h), a case in tests/unit/test_checks.c and a sample-data file.
 */
#ifndef DEPTPERF_CHECKS_H
#define DEPTPERF_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "deptperf/deptrow.h"
#include "deptperf/findings.h"

struct dp_dict;
struct dp_rules;
struct dp_scorer;
struct dp_score_result;

/* What the checks read: built once per stage, then only read. */
struct dp_checks {
	const struct dp_dict *dict;
	const struct dp_rules *rules;
	const struct dp_scorer *scorer;
	size_t *required, nrequired; /* the required fields of a submission */
	size_t *ranged, nranged;     /* the numeric fields with a range */
};

/* Fills c for dict, rules and scorer (which must outlive it). */
void dp_checks_init(struct dp_checks *c, const struct dp_dict *dict, const struct dp_rules *rules,
		    const struct dp_scorer *scorer);
/* Frees what dp_checks_init allocated; NULL does nothing. */
void dp_checks_free(struct dp_checks *c);

/* Where a record came from and where its findings go. */
struct dp_check_site {
	const char *file;
	uint64_t line;           /* the record's first line */
	const char *field_lines; /* a form's "first[-last]:line;…" (normalize.c), or "" / NULL */
	const char *code, *year; /* the department and year, for the findings */
	const char *bad_fields;  /* "code;code…": fields dp-normalize already found bad (no E-REQUIRED) */
	size_t errors;           /* incremented for every error finding added */
	struct dp_findings *fs;  /* the caller's list */
	struct dp_score_result *res; /* scratch for the self-score tree (dp_score_result_init) */
};

/* Checks submission d (its special funds: has_funds) and adds its findings
 * to s->fs, counting errors in s->errors. */
void dp_check_submission(const struct dp_checks *c, struct dp_check_site *s, const struct dp_deptrow *d,
			 bool has_funds);
/* Checks special-fund row d (bulk: a bulk row, which must name its
 * department and year). */
void dp_check_fund(const struct dp_checks *c, struct dp_check_site *s, const struct dp_deptrow *d, bool bulk);

#endif
