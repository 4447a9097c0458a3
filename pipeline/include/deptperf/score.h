/* Scoring one submission by a rule set (SPEC §5.2), exactly.
 *
 * dp_score() is a pure function of a const scorer and a const subject into
 * a caller-allocated result: it allocates nothing, touches no global state
 * and may run on any number of threads at once.
 */
#ifndef DEPTPERF_SCORE_H
#define DEPTPERF_SCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "deptperf/decimal.h"
#include "deptperf/fields.h"
#include "deptperf/rules.h"

/* The inputs of one submission.  Field values are indexed like the dict;
 * has[i] says whether field i was given. */
struct dp_subject {
	const dp_dec *val;
	const bool *has;
	/* derived from the accepted special funds; has_special false: no funds */
	bool has_special;
	struct dp_rat special_selfeval;  /* allocation-weighted mean of fund_selfeval */
	struct dp_rat special_spend_pct; /* Σ fund_spent ÷ Σ fund_alloc × 100 */
	const dp_dec *deduction;         /* per indicator, or NULL: review deductions */
};

struct dp_score_result {
	/* per indicator (rule-set index) */
	dp_dec *score;       /* rounded to 0.01; for the root the (rescaled) total */
	bool *applicable;
	dp_dec *self;        /* the self-score, when has_self */
	bool *has_self;
	dp_dec *adjustment;  /* the deduction applied (0 when none) */
	bool overflow;       /* an input too large for exact arithmetic */
	dp_dec total;        /* = score[root] */
	bool has_total;      /* false when nothing is applicable */
	const char *grade;   /* band of total, "" when none */
};

struct dp_scorer;

/* Binds a rule set to a dictionary (input and self-score fields).  Returns
 * NULL only when the two disagree, which dp_rules_load already prevents. */
struct dp_scorer *dp_scorer_new(const struct dp_rules *r, const struct dp_dict *d);
/* A scorer for a variant of base's rule set (a scenario: the same
 * indicators in the same places, other max or param), for
 * dp_score_variant.  NULL when the rule sets' indicators differ. */
struct dp_scorer *dp_scorer_new_variant(const struct dp_rules *r, const struct dp_dict *d, const struct dp_scorer *base);
void dp_scorer_free(struct dp_scorer *s);
/* Sets used[k] for every dictionary field k that scoring may read (inputs,
 * threshold fields, self-scores, the quarters behind exec_progress). */
void dp_scorer_fields(const struct dp_scorer *s, bool *used);
const struct dp_rules *dp_scorer_rules(const struct dp_scorer *s);

/* Allocates a result for the scorer's rule set; free with dp_score_result_free. */
void dp_score_result_init(struct dp_score_result *r, const struct dp_scorer *s);
void dp_score_result_free(struct dp_score_result *r);

/* Scores one subject (thread-safe, allocation-free). */
void dp_score(const struct dp_scorer *s, const struct dp_subject *subj, struct dp_score_result *out);
/* dp_score(s, subj, out), the same result, for a variant scorer given its
 * base's result on the same subject: the leaves whose rule row is the
 * base's are taken from base, not scored again (a scenario changes one or
 * two).  Thread-safe and allocation-free as dp_score. */
void dp_score_variant(const struct dp_scorer *s, const struct dp_subject *subj, const struct dp_score_result *base,
		      struct dp_score_result *out);
/* Which indicators apply to subj, and its self-scores, as dp_score finds
 * them, without computing a score (for dp-validate's check that the
 * self-scores add up): out's applicable, has_self, self and has_total are
 * set, the scores are 0.  A leaf applies when the inputs its method reads
 * are there; a score that would overflow is not computed, so not told apart
 * (dp_score finds such a leaf not applicable and sets overflow: only the
 * funds' fractions can be that large, and dp-validate passes none). */
void dp_score_applicable(const struct dp_scorer *s, const struct dp_subject *subj, struct dp_score_result *out);

/* The funds of one submission summed, for the derived inputs. */
struct dp_fund_sums {
	dp_i128 alloc, spent;     /* in 10^-8 万元 */
	dp_i128 alloc_x_selfeval; /* Σ alloc × selfeval, in 10^-16 */
	size_t n;
};
void dp_fund_sums_add(struct dp_fund_sums *s, dp_dec alloc, dp_dec spent, dp_dec selfeval);
/* Sets the derived inputs of subj from sums; false on overflow. */
bool dp_subject_set_funds(struct dp_subject *subj, const struct dp_fund_sums *s);

/* Fills exec_progress from q1–q4 when it is absent and all four are given
 * (SPEC §3): writes *mean and returns true when it did. */
bool dp_subject_progress_mean(const dp_dec *val, const bool *has, struct dp_rat *mean);

#endif
