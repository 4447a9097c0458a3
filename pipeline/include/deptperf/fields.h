/* The field dictionary of SPEC §3, held as one data table.
 *
 * A dp_dict is the fixed dictionary plus one self-score field per indicator
 * of a rule set (self.<code>, labelled "<label>得分", "<label>自评得分" and
 * "自评得分.<label>"; the root's self-score is self_total).  Lookups match a
 * label after text normalization (text.h) by code, label or alias.  A dict is
 * immutable once built and may be shared by threads.
 */
#ifndef DEPTPERF_FIELDS_H
#define DEPTPERF_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "deptperf/decimal.h"
#include "deptperf/units.h"

struct dp_rules;

enum dp_field_kind {
	DP_FK_CODE,    /* [0-9A-Za-z_-]{1,32} */
	DP_FK_TEXT,
	DP_FK_YEAR,    /* 2000–2100 */
	DP_FK_USCC,
	DP_FK_INT,     /* integer ≥ min */
	DP_FK_DATE,
	DP_FK_NUMBER,  /* decimal within [min, max] */
	DP_FK_GRADE
};

enum dp_field_group {
	DP_FG_DEPT,  /* a column of departments.csv.gz */
	DP_FG_FUND   /* a column of special_funds.csv.gz */
};

struct dp_field {
	const char *code;
	const char *label;    /* the Chinese label used in messages */
	const char *aliases;  /* '|'-separated further spellings, or "" */
	enum dp_field_kind kind;
	enum dp_unit_kind unit;
	enum dp_field_group group;
	bool required;
	bool has_min, has_max, min_exclusive;
	dp_dec min, max;
	int indicator;        /* for self.<code>: index in the rule set, else -1 */
};

struct dp_dict;

/* Builds the dictionary for a rule set (NULL: the fixed fields only).
 * Returns a dict the caller frees with dp_dict_free. */
struct dp_dict *dp_dict_new(const struct dp_rules *rules);
void dp_dict_free(struct dp_dict *d);

size_t dp_dict_count(const struct dp_dict *d);
const struct dp_field *dp_dict_field(const struct dp_dict *d, size_t i);
/* The index of a field by normalized label, code or alias; -1 if none. */
int dp_dict_find(const struct dp_dict *d, const char *label);
/* The index of a field by its code only; -1 if none. */
int dp_dict_find_code(const struct dp_dict *d, const char *code);
/* The nearest label (edit distance ≤ 2 code points) of any field, for a
 * W-FIELD-UNKNOWN message; NULL when none is near.  Ties: first in order. */
const char *dp_dict_suggest(const struct dp_dict *d, const char *label);

/* True when the field's values are text from the input that a table must
 * write with the spreadsheet-formula guard (names, free text, codes, the
 * grade and the USCC); numbers and dates are our own canonical forms. */
bool dp_field_is_guarded(const struct dp_field *f);

/* True when the field's values are parsed as exact decimals (numbers,
 * integers, the fiscal year): those with a range checked, those a row
 * loader parses. */
bool dp_field_is_number(const struct dp_field *f);

/* True when code names a numeric field a rule may take as its input: a
 * numeric department field, or a derived input (special_selfeval,
 * special_spend_pct). */
bool dp_field_is_rule_input(const char *code);

/* Fixed field indices used by the stages (positions in every dict). */
enum {
	DP_F_FISCAL_YEAR = 0, DP_F_DEPT_CODE, DP_F_DEPT_NAME, DP_F_PARENT_CODE, DP_F_PARENT_NAME,
	DP_F_SECTOR, DP_F_USCC, DP_F_UNIT_COUNT, DP_F_PREPARER, DP_F_PHONE, DP_F_FILED_ON,
	DP_F_INCOME_TOTAL, DP_F_INCOME_FISCAL, DP_F_INCOME_OTHER, DP_F_EXPENSE_TOTAL,
	DP_F_EXPENSE_BASIC, DP_F_EXPENSE_PROJECT, DP_F_INCOME_PREV, DP_F_EXPENSE_PREV,
	DP_F_OUTPUT_COMPLETION, DP_F_BENEFIT_COMPLETION, DP_F_EXEC_PROGRESS, DP_F_EXEC_Q1,
	DP_F_EXEC_Q2, DP_F_EXEC_Q3, DP_F_EXEC_Q4, DP_F_COST_TABLE_SCORE, DP_F_THREE_PUBLIC_BUDGET,
	DP_F_THREE_PUBLIC_ACTUAL, DP_F_STAFF_COUNT, DP_F_FLOOR_AREA, DP_F_COST_ENERGY,
	DP_F_COST_PROPERTY, DP_F_COST_ADMIN, DP_F_COST_BUSINESS, DP_F_COST_FIELD, DP_F_COST_PUBLIC,
	DP_F_SELF_TOTAL, DP_F_SELF_GRADE,
	DP_F_FUND_NAME, DP_F_FUND_ALLOC, DP_F_FUND_SPENT, DP_F_FUND_SELFEVAL,
	DP_F_FIXED_COUNT /* self.<indicator> fields follow, in rule-set order */
};

struct dp_buf;
/* The dictionary as Markdown (docs/fields.md, dp-run --list-fields): one
 * row per field with its code, Chinese name, aliases, kind, unit, range,
 * whether it is required and its table. */
void dp_dict_markdown(const struct dp_dict *d, struct dp_buf *out);

/* Columns of departments.csv.gz in order: the DP_FG_DEPT fields, with the
 * self.<indicator> fields placed before self_total.  Fills idx (room for
 * dp_dict_count entries) and returns how many. */
size_t dp_dict_dept_columns(const struct dp_dict *d, int *idx);

#endif
