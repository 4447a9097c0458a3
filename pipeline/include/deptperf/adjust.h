/* Review deductions (--adjust, SPEC §5.2 and §7): CSV
 * dept_code,fiscal_year,indicator,deduction,reason. */
#ifndef DEPTPERF_ADJUST_H
#define DEPTPERF_ADJUST_H

#include <stddef.h>
#include <stdint.h>

#include "deptperf/buf.h"
#include "deptperf/decimal.h"
#include "deptperf/rules.h"

struct dp_adjustment {
	char *dept_code, *fiscal_year, *indicator, *reason;
	int ind;          /* rule-set index, -1 when unknown */
	dp_dec deduction; /* > 0 */
	uint64_t line;
	int used;         /* set by the scorer: the submission was found */
};

struct dp_adjustments {
	char *path;
	struct dp_adjustment *v;  /* sorted by fiscal_year, dept_code, line */
	size_t n, cap;
};

/* Loads the file; NULL with "FILE:LINE: why" in err when it is malformed
 * (header, a code, a deduction that is not a positive number). */
struct dp_adjustments *dp_adjust_load(const char *path, const struct dp_rules *r, struct dp_buf *err);
/* The first adjustment of a submission and how many follow it, or NULL. */
struct dp_adjustment *dp_adjust_find(struct dp_adjustments *a, const char *fiscal_year, const char *dept_code,
				     size_t *count);
void dp_adjust_free(struct dp_adjustments *a);

#endif
