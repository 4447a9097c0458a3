/* Scoring one submission exactly (SPEC §5.2), and a scenario's variant of it
 * (score.h). */
#include "deptperf/score.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define IN_SPECIAL_SELFEVAL (-2)
#define IN_SPECIAL_SPEND (-3)
#define IN_NONE (-1)

struct dp_scorer {
	const struct dp_rules *rules;
	size_t n;
	int *input;      /* dict index, IN_SPECIAL_*, or IN_NONE */
	int *param;      /* threshold: dict index of the param field, or IN_NONE */
	int *self;       /* dict index of the self-score field, or IN_NONE */
	bool *same;      /* a variant's: the leaf's row is its base's (dp_score_variant) */
};

static int input_index(const struct dp_dict *d, const char *code)
{
	if (!code)
		return IN_NONE;
	if (strcmp(code, "special_selfeval") == 0)
		return IN_SPECIAL_SELFEVAL;
	if (strcmp(code, "special_spend_pct") == 0)
		return IN_SPECIAL_SPEND;
	return dp_dict_find_code(d, code);
}

struct dp_scorer *dp_scorer_new(const struct dp_rules *r, const struct dp_dict *d)
{
	struct dp_scorer *s = dp_xcalloc(1, sizeof *s);
	s->rules = r;
	s->n = dp_rules_count(r);
	s->input = dp_xcalloc(s->n, sizeof(int));
	s->param = dp_xcalloc(s->n, sizeof(int));
	s->self = dp_xcalloc(s->n, sizeof(int));
	for (size_t i = 0; i < s->n; i++) {
		const struct dp_indicator *ind = dp_rules_get(r, i);
		s->input[i] = input_index(d, ind->input);
		s->param[i] = input_index(d, ind->param_field);
		if (ind->parent < 0) {
			s->self[i] = DP_F_SELF_TOTAL;
		} else {
			struct dp_buf b = DP_BUF_INIT;
			dp_buf_addf(&b, "self.%s", ind->code);
			s->self[i] = dp_dict_find_code(d, b.s);
			dp_buf_free(&b);
		}
		if ((ind->input && s->input[i] == IN_NONE) || (ind->param_field && s->param[i] == IN_NONE)) {
			dp_scorer_free(s);
			return NULL;
		}
	}
	return s;
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

struct dp_scorer *dp_scorer_new_variant(const struct dp_rules *r, const struct dp_dict *d, const struct dp_scorer *base)
{
	const struct dp_rules *br = base->rules;
	if (dp_rules_count(r) != dp_rules_count(br))
		return NULL;
	for (size_t i = 0; i < dp_rules_count(r); i++)
		if (strcmp(dp_rules_get(r, i)->code, dp_rules_get(br, i)->code) != 0 ||
		    dp_rules_get(r, i)->parent != dp_rules_get(br, i)->parent)
			return NULL;
	struct dp_scorer *s = dp_scorer_new(r, d);
	if (!s)
		return NULL;
	s->same = dp_xcalloc(s->n, sizeof *s->same);
	for (size_t i = 0; i < s->n; i++) {
		const struct dp_indicator *a = dp_rules_get(r, i), *b = dp_rules_get(br, i);
		s->same[i] = a->method != DP_M_SUM && a->method == b->method && a->max == b->max &&
			     a->param == b->param && a->target == b->target && a->per == b->per &&
			     same_text(a->input, b->input) && same_text(a->param_field, b->param_field);
	}
	return s;
}

void dp_scorer_fields(const struct dp_scorer *s, bool *used)
{
	for (size_t i = 0; i < s->n; i++) {
		const int k[3] = { s->input[i], s->param[i], s->self[i] };
		for (int j = 0; j < 3; j++)
			if (k[j] >= 0)
				used[k[j]] = true;
		if (s->input[i] == DP_F_EXEC_PROGRESS) { /* or the mean of the quarters */
			used[DP_F_EXEC_Q1] = used[DP_F_EXEC_Q2] = true;
			used[DP_F_EXEC_Q3] = used[DP_F_EXEC_Q4] = true;
		}
	}
}

void dp_scorer_free(struct dp_scorer *s)
{
	if (!s)
		return;
	free(s->input);
	free(s->param);
	free(s->self);
	free(s->same);
	free(s);
}

const struct dp_rules *dp_scorer_rules(const struct dp_scorer *s)
{
	return s->rules;
}

void dp_score_result_init(struct dp_score_result *r, const struct dp_scorer *s)
{
	memset(r, 0, sizeof *r);
	r->score = dp_xcalloc(s->n, sizeof *r->score);
	r->applicable = dp_xcalloc(s->n, sizeof *r->applicable);
	r->self = dp_xcalloc(s->n, sizeof *r->self);
	r->has_self = dp_xcalloc(s->n, sizeof *r->has_self);
	r->adjustment = dp_xcalloc(s->n, sizeof *r->adjustment);
}

void dp_score_result_free(struct dp_score_result *r)
{
	free(r->score);
	free(r->applicable);
	free(r->self);
	free(r->has_self);
	free(r->adjustment);
	memset(r, 0, sizeof *r);
}

bool dp_subject_progress_mean(const dp_dec *val, const bool *has, struct dp_rat *mean)
{
	if (!has[DP_F_EXEC_Q1] || !has[DP_F_EXEC_Q2] || !has[DP_F_EXEC_Q3] || !has[DP_F_EXEC_Q4])
		return false;
	dp_i128 sum = (dp_i128)val[DP_F_EXEC_Q1] + val[DP_F_EXEC_Q2] + val[DP_F_EXEC_Q3] + val[DP_F_EXEC_Q4];
	struct dp_rat s = { sum, (dp_i128)DP_DEC_ONE * 4 };
	return dp_rat_mul(s, dp_rat_int(1), mean);
}

/* Whether input index k is there: a field given, the special funds'
 * figures when the submission has funds, exec_progress also from its four
 * quarters. */
static bool input_given(const struct dp_subject *subj, int k)
{
	if (k == IN_SPECIAL_SELFEVAL || k == IN_SPECIAL_SPEND)
		return subj->has_special;
	if (k < 0)
		return false;
	if (subj->has[k])
		return true;
	return k == DP_F_EXEC_PROGRESS && subj->has[DP_F_EXEC_Q1] && subj->has[DP_F_EXEC_Q2] &&
	       subj->has[DP_F_EXEC_Q3] && subj->has[DP_F_EXEC_Q4];
}

/* The value of input index k, or false when absent (input_given). */
static bool input_value(const struct dp_subject *subj, int k, struct dp_rat *v)
{
	if (!input_given(subj, k))
		return false;
	if (k == IN_SPECIAL_SELFEVAL || k == IN_SPECIAL_SPEND) {
		*v = k == IN_SPECIAL_SELFEVAL ? subj->special_selfeval : subj->special_spend_pct;
		return true;
	}
	if (subj->has[k]) {
		*v = dp_rat_dec(subj->val[k]);
		return true;
	}
	return dp_subject_progress_mean(subj->val, subj->has, v); /* exec_progress from its quarters */
}

static bool clamp_round(struct dp_rat r, dp_dec max, dp_dec *out)
{
	dp_dec v;
	if (!dp_rat_round_cent(r, &v))
		return false;
	if (v < 0)
		v = 0;
	if (v > max)
		v = max;
	*out = v;
	return true;
}

/* Whether leaf i applies to subj: the self-score of a `self` leaf, else the
 * inputs its method reads are there (*x the input, *p a threshold's
 * parameter; x NULL: only whether they are there, nothing computed). */
static bool leaf_inputs(const struct dp_scorer *s, size_t i, const struct dp_subject *subj, struct dp_rat *x,
			struct dp_rat *p)
{
	const struct dp_indicator *ind = dp_rules_get(s->rules, i);
	switch (ind->method) {
	case DP_M_SELF:
		return s->self[i] >= 0 && subj->has[s->self[i]];
	case DP_M_RATIO:
	case DP_M_DEDUCT:
		return x ? input_value(subj, s->input[i], x) : input_given(subj, s->input[i]);
	case DP_M_THRESHOLD:
		if (!x)
			return input_given(subj, s->input[i]) && (!ind->param_field || input_given(subj, s->param[i]));
		if (!input_value(subj, s->input[i], x))
			return false;
		if (ind->param_field)
			return input_value(subj, s->param[i], p);
		*p = dp_rat_dec(ind->param);
		return true;
	default:
		return false;
	}
}

/* A leaf's exact score rounded to 0.01; false when not applicable. */
static bool leaf_score(const struct dp_scorer *s, size_t i, const struct dp_subject *subj, dp_dec *out,
		       bool *overflow)
{
	const struct dp_indicator *ind = dp_rules_get(s->rules, i);
	struct dp_rat x, p, t;
	struct dp_rat max = dp_rat_dec(ind->max);
	if (!leaf_inputs(s, i, subj, &x, &p))
		return false;
	switch (ind->method) {
	case DP_M_SELF:
		*out = dp_dec_round_cent(subj->val[s->self[i]]);
		if (*out > ind->max)
			*out = ind->max;
		if (*out < 0)
			*out = 0;
		return true;
	case DP_M_RATIO:
		/* max × min(1, input ÷ param), never below 0 */
		if (!dp_rat_div(x, dp_rat_dec(ind->param), &t))
			goto ovf;
		if (dp_rat_cmp(t, dp_rat_int(1)) > 0)
			t = dp_rat_int(1);
		if (!dp_rat_mul(t, max, &t))
			goto ovf;
		break;
	case DP_M_DEDUCT: {
		/* max − per × max(0, target − input), clamped to [0, max] */
		struct dp_rat gap;
		if (!dp_rat_sub(dp_rat_dec(ind->target), x, &gap))
			goto ovf;
		if (gap.n < 0)
			gap = dp_rat_int(0);
		if (!dp_rat_mul(gap, dp_rat_dec(ind->per), &gap) || !dp_rat_sub(max, gap, &t))
			goto ovf;
		break;
	}
	case DP_M_THRESHOLD:
		t = dp_rat_cmp(x, p) <= 0 ? max : dp_rat_int(0);
		break;
	default:
		return false;
	}
	if (!clamp_round(t, ind->max, out))
		goto ovf;
	return true;
ovf:
	*overflow = true;
	return false;
}

/* Indicator i's self-score in out, as given. */
static void set_self(const struct dp_scorer *s, const struct dp_subject *subj, struct dp_score_result *out, size_t i)
{
	int sf = s->self[i];
	out->has_self[i] = sf >= 0 && subj->has[sf];
	out->self[i] = out->has_self[i] ? subj->val[sf] : 0;
	out->adjustment[i] = 0;
}

/* A sum applies when one of its children does. */
static bool any_child(const struct dp_indicator *ind, const struct dp_score_result *out)
{
	for (size_t c = 0; c < ind->nchildren; c++)
		if (out->applicable[ind->children[c]])
			return true;
	return false;
}

void dp_score_applicable(const struct dp_scorer *s, const struct dp_subject *subj, struct dp_score_result *out)
{
	const struct dp_rules *r = s->rules;
	const int *post = dp_rules_postorder(r);
	out->overflow = false;
	for (size_t k = 0; k < s->n; k++) {
		size_t i = (size_t)post[k];
		const struct dp_indicator *ind = dp_rules_get(r, i);
		set_self(s, subj, out, i);
		out->applicable[i] = ind->method == DP_M_SUM ? any_child(ind, out) : leaf_inputs(s, i, subj, NULL, NULL);
		out->score[i] = 0;
	}
	int root = dp_rules_root(r);
	out->has_total = out->applicable[root];
	out->total = 0;
	out->grade = "";
}

/* dp_score, taking from base (when not NULL) the leaves that s->same marks */
static void score(const struct dp_scorer *s, const struct dp_subject *subj, const struct dp_score_result *base,
		  struct dp_score_result *out)
{
	const struct dp_rules *r = s->rules;
	const int *post = dp_rules_postorder(r);
	int root = dp_rules_root(r);
	out->overflow = false;
	dp_dec app_max_root = 0;
	for (size_t k = 0; k < s->n; k++) {
		size_t i = (size_t)post[k];
		const struct dp_indicator *ind = dp_rules_get(r, i);
		set_self(s, subj, out, i);
		if (base && s->same[i]) {
			out->applicable[i] = base->applicable[i];
			out->score[i] = base->score[i];
			out->adjustment[i] = base->adjustment[i];
			continue;
		}
		if (ind->method != DP_M_SUM) {
			dp_dec v = 0;
			out->applicable[i] = leaf_score(s, i, subj, &v, &out->overflow);
			if (out->applicable[i] && subj->deduction && subj->deduction[i] > 0) {
				/* review deductions come off the leaf, never below 0 */
				dp_dec d = subj->deduction[i] < v ? subj->deduction[i] : v;
				out->adjustment[i] = d;
				v -= d;
			}
			out->score[i] = out->applicable[i] ? v : 0;
			continue;
		}
		dp_dec sum = 0;
		bool any = false;
		for (size_t c = 0; c < ind->nchildren; c++) {
			int ch = ind->children[c];
			if (out->applicable[ch]) {
				sum += out->score[ch];
				any = true;
			}
		}
		out->applicable[i] = any;
		out->score[i] = any ? sum : 0;
	}
	/* the applicable max: what the applicable leaves could have scored */
	for (size_t i = 0; i < s->n; i++) {
		const struct dp_indicator *ind = dp_rules_get(r, i);
		if (ind->method != DP_M_SUM && out->applicable[i])
			app_max_root += ind->max;
	}
	const struct dp_indicator *rt = dp_rules_get(r, (size_t)root);
	out->has_total = out->applicable[root];
	if (out->has_total && app_max_root != rt->max && app_max_root > 0) {
		/* not everything applicable: total = applicable score × root max ÷ applicable max */
		struct dp_rat t;
		dp_dec v;
		if (dp_rat_mul(dp_rat_dec(out->score[root]), dp_rat_dec(rt->max), &t) &&
		    dp_rat_div(t, dp_rat_dec(app_max_root), &t) && dp_rat_round_cent(t, &v))
			out->score[root] = v;
		else
			out->overflow = true;
	}
	out->total = out->score[root];
	out->grade = out->has_total ? dp_rules_grade_of(r, out->total) : "";
}

void dp_score(const struct dp_scorer *s, const struct dp_subject *subj, struct dp_score_result *out)
{
	score(s, subj, NULL, out);
}

void dp_score_variant(const struct dp_scorer *s, const struct dp_subject *subj, const struct dp_score_result *base,
		      struct dp_score_result *out)
{
	assert(base && out != base); /* the base's result, not the one being written */
	/* an overflow is not known per leaf: then every leaf is scored */
	score(s, subj, s->same && !base->overflow ? base : NULL, out);
}

void dp_fund_sums_add(struct dp_fund_sums *s, dp_dec alloc, dp_dec spent, dp_dec selfeval)
{
	s->alloc += alloc;
	s->spent += spent;
	s->alloc_x_selfeval += (dp_i128)alloc * selfeval;
	s->n++;
}

bool dp_subject_set_funds(struct dp_subject *subj, const struct dp_fund_sums *s)
{
	subj->has_special = s->n > 0 && s->alloc > 0;
	if (!subj->has_special)
		return true;
	/* Σ(alloc × selfeval) is in 10^-16, Σ alloc in 10^-8: the quotient is
	 * in 10^-8, so divide once more by 10^8 to get the plain value */
	struct dp_rat num = { s->alloc_x_selfeval, 1 }, den = { s->alloc, 1 };
	struct dp_rat unit = { (dp_i128)DP_DEC_ONE, 1 };
	struct dp_rat spent = { s->spent, 1 };
	return dp_rat_div(num, den, &subj->special_selfeval) &&
	       dp_rat_div(subj->special_selfeval, unit, &subj->special_selfeval) &&
	       dp_rat_div(spent, den, &subj->special_spend_pct) &&
	       dp_rat_mul(subj->special_spend_pct, dp_rat_int(100), &subj->special_spend_pct);
}
