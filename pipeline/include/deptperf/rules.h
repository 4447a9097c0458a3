/* A rule set: the indicator tree of SPEC §5.1, loaded from CSV.
 *
 * Indicators keep the order of the file (the "rule-set order" of the
 * tables); dp_rules_postorder() lists them children first, for scoring.  A
 * loaded rule set is immutable and may be shared by threads.
 *
 * Adding a rule method (a way a leaf indicator is scored):
 *   1. add it to enum dp_method below, with the columns it reads in
 *      struct dp_indicator if it needs new ones;
 *   2. parse and check its row in rules.c (load: its name in the method
 *      column, its param; a refusal names the file's row);
 *   3. score it in score.c: leaf_inputs (which fields it reads, whether it
 *      applies) and its case in leaf_score, in exact decimals (decimal.h),
 *      rounded as SPEC §5.3 says;
 *   4. say why a score differs in agg_feedback.c (the reason of its case),
 *      and name it and its parameters in report.xlsx's 说明 sheet
 *      (agg_report.c, "评分规则（指标与参数）");
 *   5. if a scenario may change its parameter, scenario.h's checklist;
 *   6. document it in README.md "Adding a province's rule set" and add
 *      cases to tests/unit/test_score.c and test_rules.c.
 */
#ifndef DEPTPERF_RULES_H
#define DEPTPERF_RULES_H

#include <stddef.h>

#include "deptperf/buf.h"
#include "deptperf/decimal.h"

enum dp_method { DP_M_SUM, DP_M_SELF, DP_M_RATIO, DP_M_DEDUCT, DP_M_THRESHOLD };

struct dp_indicator {
	char *code, *label;
	int parent;          /* index, or -1 for the root */
	dp_dec max;
	enum dp_method method;
	char *input;         /* field code, or NULL */
	dp_dec param;        /* ratio: the divisor; threshold: a number */
	char *param_field;   /* threshold: a field code instead of a number */
	dp_dec target, per;  /* deduct */
	int *children;
	size_t nchildren;
	size_t row;          /* row of the rules file, for messages */
};

struct dp_grade {
	char *label;         /* the band's name written in outputs: the label's first */
	char **names;        /* every name of the band, label first (SPEC §5.1 "优|优秀") */
	size_t nnames;
	dp_dec min;          /* inclusive lower bound on the total */
};

struct dp_rules;

/* Loads a rule-set CSV.  Returns NULL and appends "FILE:ROW: why" to err
 * when the file is unreadable or refused as a whole (SPEC §5.1: a cycle, an
 * unknown method or input field, a bad number, a sum whose max disagrees
 * with its children's, no root or two).  Caller frees with dp_rules_free. */
struct dp_rules *dp_rules_load(const char *path, struct dp_buf *err);
void dp_rules_free(struct dp_rules *r);

/* One --set CODE.COLUMN=VALUE (SPEC §7): a change to the max or param of
 * an indicator, or to the max (the lower bound) of a grade row. */
struct dp_rule_set {
	char *code;
	int column;          /* 3: max, 6: param (the rule-set file's columns) */
	char *value;
	char *name;          /* how messages name it: "--set ARG", or a scenarios file's row */
};
/* Parses arg; false with err naming what is wrong in it. */
bool dp_rule_set_parse(const char *arg, struct dp_rule_set *out, struct dp_buf *err);
void dp_rule_set_free(struct dp_rule_set *s);

/* Loads path with the changes sets[0..n) made to its rows, then checks the
 * result exactly as dp_rules_load checks a file (a sum that no longer adds
 * up, a bad number, …: "FILE:ROW: why", and the --set named).  A change
 * naming no row of the file is refused.  *by_set (may be NULL) tells
 * whether the refusal is the changes' (the file alone loads).  The rule
 * set keeps the changed file's text (dp_rules_text), so that a later stage
 * reads the same rules.  n == 0 is dp_rules_load. */
struct dp_rules *dp_rules_load_set(const char *path, const struct dp_rule_set *sets, size_t n, bool *by_set,
				   struct dp_buf *err);
/* The CSV text of a rule set changed by --set, or NULL for one loaded as
 * its file is. */
const char *dp_rules_text(const struct dp_rules *r);

/* Where the default rule set (guangdong-2021.csv) lives: $DEPTPERF_RULES_DIR
 * when set (read from there or refused, never another); else, for a
 * program of this build tree, the source tree's pipeline/rules; for any
 * other, its installation's share/deptperf/rules beside its bin/ (so an
 * installed tree can be moved), then the prefix configured at build time.
 * Returns a heap string the caller frees. */
char *dp_rules_default_path(void);

const char *dp_rules_path(const struct dp_rules *r);
size_t dp_rules_count(const struct dp_rules *r);
const struct dp_indicator *dp_rules_get(const struct dp_rules *r, size_t i);
int dp_rules_root(const struct dp_rules *r);
/* Index by code, or -1. */
int dp_rules_find(const struct dp_rules *r, const char *code);
/* Indicators children-first; count is dp_rules_count(). */
const int *dp_rules_postorder(const struct dp_rules *r);
size_t dp_rules_grade_count(const struct dp_rules *r);
/* Grades from the highest band down. */
const struct dp_grade *dp_rules_grade(const struct dp_rules *r, size_t i);
/* The grade label of a total (the highest band whose bound it reaches), or
 * "" when below every band. */
const char *dp_rules_grade_of(const struct dp_rules *r, dp_dec total);
/* The distance from total to the nearest grade boundary: the nearest lower
 * bound of a band that is above 0 (a bound at 0 or below separates no
 * totals).  False when the rule set has no such bound. */
bool dp_rules_grade_margin(const struct dp_rules *r, dp_dec total, dp_dec *margin);
/* The band (index for dp_rules_grade) one of whose names is name, compared
 * as written, or -1. */
int dp_rules_grade_named(const struct dp_rules *r, const char *name);

#endif
