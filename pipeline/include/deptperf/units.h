/* Units of SPEC §2.3: which kind a unit measures and the power of ten that
 * brings a value to the field's default unit (万元, %, 分, 个, 平方米, 元/平方米).
 * Pure; thread-safe. */
#ifndef DEPTPERF_UNITS_H
#define DEPTPERF_UNITS_H

#include <stdbool.h>
#include <stddef.h>

enum dp_unit_kind {
	DP_UK_NONE = 0, /* a field that takes no unit (codes, text, dates) */
	DP_UK_MONEY,    /* 万元 */
	DP_UK_PERCENT,  /* % */
	DP_UK_SCORE,    /* 分 */
	DP_UK_COUNT,    /* 个 人 次 项 */
	DP_UK_AREA,     /* 平方米 */
	DP_UK_UNITCOST  /* 元/平方米 */
};

/* Looks up a unit text (already trimmed and folded to ASCII).  Returns true
 * and sets *kind and *shift (value × 10^shift is in the default unit), or
 * false for an unknown unit. */
bool dp_unit_lookup(const char *u, size_t n, enum dp_unit_kind *kind, int *shift);

/* Splits "2500万元" into the number "2500" and the unit "万元": *num_len is
 * the length of the leading number-like text (digits, sign, separators,
 * point, parentheses, exponent). */
void dp_unit_split(const char *s, size_t n, size_t *num_len);

/* The default unit's name for a kind, for messages ("万元"). */
const char *dp_unit_default_name(enum dp_unit_kind k);

#endif
