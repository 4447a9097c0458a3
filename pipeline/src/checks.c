/* The checks of SPEC §4 on one normalized submission or special fund
 * (checks.h): required fields, ranges, the sums of income and expense, the
 * self-scores along the indicator tree, the USCC's check character, the
 * progress mean and the grade.  Each finding names the field's own line
 * in a form.  No I/O; the findings go to the caller's list. */
#include "deptperf/checks.h"

#include <stdlib.h>
#include <string.h>

#include "deptperf/fields.h"
#include "deptperf/rules.h"
#include "deptperf/score.h"
#include "deptperf/uscc.h"

void dp_checks_init(struct dp_checks *c, const struct dp_dict *dict, const struct dp_rules *rules,
		    const struct dp_scorer *scorer)
{
	memset(c, 0, sizeof *c);
	c->dict = dict;
	c->rules = rules;
	c->scorer = scorer;
	/* the fields dp_check_submission looks at, found once */
	size_t nf = dp_dict_count(dict);
	c->required = dp_xcalloc(nf + 1, sizeof *c->required);
	c->ranged = dp_xcalloc(nf + 1, sizeof *c->ranged);
	for (size_t i = 0; i < nf; i++) {
		const struct dp_field *f = dp_dict_field(dict, i);
		if (f->group == DP_FG_DEPT && f->required)
			c->required[c->nrequired++] = i;
		if (dp_field_is_number(f) && (f->has_min || f->has_max))
			c->ranged[c->nranged++] = i;
	}
}

void dp_checks_free(struct dp_checks *c)
{
	if (!c)
		return;
	free(c->required);
	free(c->ranged);
	memset(c, 0, sizeof *c);
}

static const char *fmt_dec(struct dp_buf *b, dp_dec d)
{
	dp_buf_reset(b);
	dp_dec_format(b, d, 2, 8);
	return b->s;
}

static bool in_list(const char *list, const char *code)
{
	size_t n = strlen(code);
	for (const char *p = list; (p = strstr(p, code)); p += n)
		if ((p == list || p[-1] == ';') && (p[n] == ';' || p[n] == '\0'))
			return true;
	return false;
}

/* The line of a field in a form (its own row), else the submission's.
 * field_lines: "first[-last]:line;…", fields first to last on lines line
 * to line + last - first (normalize.c, emit_sub). */
static uint64_t field_line(const struct dp_checks *v, const struct dp_check_site *si, const char *field)
{
	if (!field || !si->field_lines || !si->field_lines[0])
		return si->line;
	int fi = dp_dict_find_code(v->dict, field);
	for (const char *p = si->field_lines; fi >= 0 && *p;) {
		char *end;
		long first = strtol(p, &end, 10), last = first;
		if (*end == '-')
			last = strtol(end + 1, &end, 10);
		if (*end != ':')
			break;
		unsigned long long line = strtoull(end + 1, &end, 10);
		if (fi >= first && fi <= last)
			return line + (unsigned long long)(fi - first);
		p = *end == ';' ? end + 1 : end;
	}
	return si->line;
}

#define ADD(v, si, c, field, value, ...)                                                          \
	do {                                                                                     \
		dp_findings_add((si)->fs, c, (si)->file, field_line(v, si, field), (si)->code, (si)->year, \
				field, value, __VA_ARGS__);                                      \
		if (dp_code_info(c)->error)                                                      \
			(si)->errors++;                                                          \
	} while (0)

static void check_range(const struct dp_checks *v, struct dp_check_site *si, const struct dp_deptrow *d, size_t fi)
{
	const struct dp_field *f = dp_dict_field(v->dict, fi);
	if (!d->has[fi] || !dp_field_is_number(f))
		return;
	dp_dec x = d->val[fi];
	bool low = f->has_min && (f->min_exclusive ? x <= f->min : x < f->min);
	bool high = f->has_max && x > f->max;
	if (!low && !high)
		return;
	struct dp_buf a = DP_BUF_INIT, b = DP_BUF_INIT;
	if (f->indicator >= 0)
		ADD(v, si, DP_E_RANGE, f->code, d->text[fi], "%s %s 超过该指标满分 %s，请核对自评分", f->label,
		    d->text[fi], (dp_dec_format(&b, f->max, 0, 8), b.s));
	else if (f->has_max)
		ADD(v, si, DP_E_RANGE, f->code, d->text[fi], "%s %s 超出范围（应在 %s 到 %s 之间）", f->label,
		    d->text[fi], (dp_dec_format(&a, f->min, 0, 8), a.s), (dp_dec_format(&b, f->max, 0, 8), b.s));
	else if (f->min_exclusive)
		ADD(v, si, DP_E_RANGE, f->code, d->text[fi], "%s %s 应大于 %s", f->label, d->text[fi],
		    (dp_dec_format(&a, f->min, 0, 8), a.s));
	else
		ADD(v, si, DP_E_RANGE, f->code, d->text[fi], "%s %s 不能小于 %s", f->label, d->text[fi],
		    (dp_dec_format(&a, f->min, 0, 8), a.s));
	dp_buf_free(&a);
	dp_buf_free(&b);
}

static void check_sum3(const struct dp_checks *v, struct dp_check_site *si, const struct dp_deptrow *d, int tot, int a, int b)
{
	if (!d->has[tot] || !d->has[a] || (!d->has[b] && b != DP_F_INCOME_OTHER))
		return;
	dp_dec vb = d->has[b] ? d->val[b] : 0;
	dp_dec diff = d->val[tot] - d->val[a] - vb;
	if (diff <= DP_CENT && diff >= -DP_CENT)
		return;
	struct dp_buf x = DP_BUF_INIT, z = DP_BUF_INIT;
	ADD(v, si, DP_E_SUM, dp_dict_field(v->dict, (size_t)tot)->code, d->text[tot],
	    "%s %s ≠ %s %s + %s %s（差 %s 万元），请核对这三项", dp_dict_field(v->dict, (size_t)tot)->label,
	    fmt_dec(&x, d->val[tot]), dp_dict_field(v->dict, (size_t)a)->label, d->text[a],
	    dp_dict_field(v->dict, (size_t)b)->label, d->has[b] ? d->text[b] : "0", fmt_dec(&z, diff));
	dp_buf_free(&x);
	dp_buf_free(&z);
}

/* The self-score of indicator i: its own, or the sum of its applicable
 * children's; false when neither can be had. */
static bool self_of(const struct dp_rules *r, const struct dp_score_result *res, int i, dp_dec *out)
{
	if (res->has_self[i]) {
		*out = res->self[i];
		return true;
	}
	const struct dp_indicator *ind = dp_rules_get(r, (size_t)i);
	if (ind->method != DP_M_SUM)
		return false;
	dp_dec s = 0;
	for (size_t c = 0; c < ind->nchildren; c++) {
		dp_dec x;
		int ch = ind->children[c];
		if (!res->applicable[ch])
			continue;
		if (!self_of(r, res, ch, &x))
			return false;
		s += x;
	}
	*out = s;
	return true;
}

static void check_self_tree(const struct dp_checks *v, struct dp_check_site *si, const struct dp_deptrow *d,
			    const struct dp_score_result *res)
{
	const struct dp_rules *r = v->rules;
	int root = dp_rules_root(r);
	struct dp_buf a = DP_BUF_INIT, b = DP_BUF_INIT, parts = DP_BUF_INIT;
	for (size_t i = 0; i < dp_rules_count(r); i++) {
		const struct dp_indicator *ind = dp_rules_get(r, i);
		if (ind->method != DP_M_SUM || (int)i == root || !res->has_self[i] || !res->applicable[i])
			continue;
		dp_dec s = 0;
		bool all = true;
		for (size_t c = 0; c < ind->nchildren && all; c++) {
			int ch = ind->children[c];
			if (res->applicable[ch]) {
				all = res->has_self[ch];
				s += res->self[ch];
			}
		}
		dp_dec diff = res->self[i] - s;
		if (all && (diff > DP_CENT || diff < -DP_CENT)) {
			/* the message's terms, made only for a finding (a few
			 * snprintf per child for every submission cost more than
			 * the check) */
			dp_buf_reset(&parts);
			for (size_t c = 0; c < ind->nchildren; c++) {
				int ch = ind->children[c];
				if (res->applicable[ch])
					dp_buf_addf(&parts, "%s%s %s", parts.len ? " + " : "",
						    dp_rules_get(r, (size_t)ch)->label, fmt_dec(&b, res->self[ch]));
			}
			struct dp_buf code = DP_BUF_INIT;
			dp_buf_addf(&code, "self.%s", ind->code);
			ADD(v, si, DP_E_SUM, code.s, d->text[dp_dict_find_code(v->dict, code.s)],
			    "%s得分 %s ≠ 下级得分之和 %s = %s，请核对自评分", ind->label, fmt_dec(&a, res->self[i]),
			    parts.s, fmt_dec(&b, s));
			dp_buf_free(&code);
		}
	}
	if (!res->has_self[root])
		goto out;
	const struct dp_indicator *rt = dp_rules_get(r, (size_t)root);
	dp_dec sum = 0, appmax = 0;
	for (size_t c = 0; c < rt->nchildren; c++) {
		int ch = rt->children[c];
		dp_dec x;
		if (!res->applicable[ch])
			continue;
		if (!self_of(r, res, ch, &x))
			goto out; /* a part has no self-score to add up: nothing to compare */
		sum += x;
	}
	for (size_t i = 0; i < dp_rules_count(r); i++)
		if (dp_rules_get(r, i)->method != DP_M_SUM && res->applicable[i])
			appmax += dp_rules_get(r, i)->max;
	dp_dec expect = sum;
	bool rescaled = appmax && appmax != rt->max;
	if (rescaled) {
		struct dp_rat t;
		if (!dp_rat_mul(dp_rat_dec(sum), dp_rat_dec(rt->max), &t) || !dp_rat_div(t, dp_rat_dec(appmax), &t) ||
		    !dp_rat_round_cent(t, &expect))
			goto out;
	}
	dp_dec diff = res->self[root] - expect;
	if (diff > DP_CENT || diff < -DP_CENT) {
		if (rescaled) {
			struct dp_buf m = DP_BUF_INIT;
			dp_dec_format(&m, appmax, 0, 8);
			ADD(v, si, DP_E_SUM, "self_total", d->text[DP_F_SELF_TOTAL],
			    "自评总分 %s ≠ 各项自评分之和 %s 按适用满分 %s 折算为百分制后的 %s（有指标不适用），请核对",
			    fmt_dec(&a, res->self[root]), fmt_dec(&b, sum), m.s, fmt_dec(&parts, expect));
			dp_buf_free(&m);
		} else
			ADD(v, si, DP_E_SUM, "self_total", d->text[DP_F_SELF_TOTAL],
			    "自评总分 %s ≠ 各项自评分之和 %s，请核对", fmt_dec(&a, res->self[root]), fmt_dec(&b, sum));
	}
out:
	dp_buf_free(&a);
	dp_buf_free(&b);
	dp_buf_free(&parts);
}

void dp_check_submission(const struct dp_checks *v, struct dp_check_site *si, const struct dp_deptrow *d, bool has_funds)
{
	bool all_q = d->has[DP_F_EXEC_Q1] && d->has[DP_F_EXEC_Q2] && d->has[DP_F_EXEC_Q3] && d->has[DP_F_EXEC_Q4];
	for (size_t k = 0; k < v->nrequired; k++) {
		size_t i = v->required[k];
		const struct dp_field *f = dp_dict_field(v->dict, i);
		if (d->text[i][0] || in_list(si->bad_fields, f->code))
			continue;
		if (i == DP_F_EXEC_PROGRESS && all_q)
			continue;
		if (i == DP_F_EXEC_PROGRESS)
			ADD(v, si, DP_E_REQUIRED, f->code, "", "缺少必填项：%s（或一至四季度支出进度四项）", f->label);
		else
			ADD(v, si, DP_E_REQUIRED, f->code, "", "缺少必填项：%s", f->label);
	}
	for (size_t k = 0; k < v->nranged; k++)
		check_range(v, si, d, v->ranged[k]);
	check_sum3(v, si, d, DP_F_INCOME_TOTAL, DP_F_INCOME_FISCAL, DP_F_INCOME_OTHER);
	check_sum3(v, si, d, DP_F_EXPENSE_TOTAL, DP_F_EXPENSE_BASIC, DP_F_EXPENSE_PROJECT);
	if (d->has[DP_F_USCC]) {
		char expect;
		if (!dp_uscc_valid(d->text[DP_F_USCC], &expect)) {
			if (expect)
				ADD(v, si, DP_E_USCC, "uscc", d->text[DP_F_USCC],
				    "统一社会信用代码 %s 校验位错误（按前 17 位应为 %c），请核对", d->text[DP_F_USCC], expect);
			else
				ADD(v, si, DP_E_USCC, "uscc", d->text[DP_F_USCC],
				    "统一社会信用代码 %s 应为 18 位，且只含数字和除 I、O、S、V、Z 外的大写字母",
				    d->text[DP_F_USCC]);
		}
	}
	struct dp_rat mean;
	if (d->has[DP_F_EXEC_PROGRESS] && dp_subject_progress_mean(d->val, d->has, &mean)) {
		struct dp_rat diff;
		if (dp_rat_sub(dp_rat_dec(d->val[DP_F_EXEC_PROGRESS]), mean, &diff)) {
			if (diff.n < 0)
				diff.n = -diff.n;
			if (dp_rat_cmp(diff, dp_rat_dec(DP_CENT)) > 0) {
				dp_dec m = 0;
				dp_rat_round_cent(mean, &m);
				struct dp_buf b = DP_BUF_INIT;
				ADD(v, si, DP_W_PROGRESS_MISMATCH, "exec_progress", d->text[DP_F_EXEC_PROGRESS],
				    "平均支出进度 %s%% 与四个季度支出进度的平均值 %s%% 不一致，评分按所填的平均支出进度计",
				    d->text[DP_F_EXEC_PROGRESS], fmt_dec(&b, m));
				dp_buf_free(&b);
			}
		}
	}
	/* the indicator tree: self-scores must add up where given */
	struct dp_subject subj = { d->val, d->has, has_funds, dp_rat_int(100), dp_rat_int(100), NULL };
	dp_score_applicable(v->scorer, &subj, si->res);
	check_self_tree(v, si, d, si->res);
	if (d->has[DP_F_SELF_TOTAL] && d->text[DP_F_SELF_GRADE][0]) {
		/* any name of the band counts: 优秀 is 优 (SPEC §5.1) */
		const char *g = dp_rules_grade_of(v->rules, d->val[DP_F_SELF_TOTAL]);
		int named = dp_rules_grade_named(v->rules, d->text[DP_F_SELF_GRADE]);
		if (named < 0)
			ADD(v, si, DP_W_GRADE_MISMATCH, "self_grade", d->text[DP_F_SELF_GRADE],
			    "自评等级“%s”不是评分规则中的等级名称；自评总分 %s 对应的等级是“%s”",
			    d->text[DP_F_SELF_GRADE], d->text[DP_F_SELF_TOTAL], g);
		else if (strcmp(dp_rules_grade(v->rules, (size_t)named)->label, g) != 0)
			ADD(v, si, DP_W_GRADE_MISMATCH, "self_grade", d->text[DP_F_SELF_GRADE],
			    "自评等级“%s”与自评总分 %s 对应的等级“%s”不一致", d->text[DP_F_SELF_GRADE],
			    d->text[DP_F_SELF_TOTAL], g);
	}
}

void dp_check_fund(const struct dp_checks *v, struct dp_check_site *si, const struct dp_deptrow *d, bool bulk)
{
	static const int req[] = { DP_F_FUND_NAME, DP_F_FUND_ALLOC, DP_F_FUND_SPENT, DP_F_FUND_SELFEVAL,
				   DP_F_DEPT_CODE, DP_F_FISCAL_YEAR };
	for (size_t k = 0; k < (bulk ? 6u : 4u); k++) {
		const struct dp_field *f = dp_dict_field(v->dict, (size_t)req[k]);
		if (!d->text[req[k]][0] && !in_list(si->bad_fields, f->code))
			ADD(v, si, DP_E_REQUIRED, f->code, "", "专项资金“%s”缺少必填项：%s", d->text[DP_F_FUND_NAME],
			    f->label);
	}
	check_range(v, si, d, DP_F_FUND_ALLOC);
	check_range(v, si, d, DP_F_FUND_SPENT);
	check_range(v, si, d, DP_F_FUND_SELFEVAL);
	if (d->has[DP_F_FUND_ALLOC] && d->has[DP_F_FUND_SPENT] && d->val[DP_F_FUND_SPENT] > d->val[DP_F_FUND_ALLOC])
		ADD(v, si, DP_W_OVERSPENT, "fund_spent", d->text[DP_F_FUND_SPENT],
		    "专项资金“%s”支出 %s 万元超过下达 %s 万元（支出率按 100%% 封顶计分），请核实",
		    d->text[DP_F_FUND_NAME], d->text[DP_F_FUND_SPENT], d->text[DP_F_FUND_ALLOC]);
}

