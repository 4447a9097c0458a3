#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/fields.h"
#include "deptperf/rules.h"
#include "deptperf/score.h"
#include "deptperf/stage.h"
#include "deptperf/status.h"
#include "helpers.h"

/* A decimal literal, parsed exactly. */
static dp_dec D(const char *s)
{
	dp_dec v;
	cr_assert_eq(dp_dec_parse(s, strlen(s), &v), DP_DEC_OK, "%s", s);
	return v;
}

struct fixture {
	struct dp_rules *r;
	struct dp_dict *d;
	struct dp_scorer *s;
	dp_dec *val;
	bool *has;
	struct dp_score_result res;
};

static void setup(struct fixture *f, const char *rules)
{
	struct dp_buf err = DP_BUF_INIT;
	f->r = dp_rules_load(rules, &err);
	cr_assert(f->r, "%s", dp_buf_str(&err));
	f->d = dp_dict_new(f->r);
	f->s = dp_scorer_new(f->r, f->d);
	cr_assert(f->s);
	f->val = calloc(dp_dict_count(f->d), sizeof *f->val);
	f->has = calloc(dp_dict_count(f->d), sizeof *f->has);
	dp_score_result_init(&f->res, f->s);
}

static void teardown(struct fixture *f)
{
	dp_score_result_free(&f->res);
	free(f->val);
	free(f->has);
	dp_scorer_free(f->s);
	dp_dict_free(f->d);
	dp_rules_free(f->r);
}

static void set(struct fixture *f, const char *code, dp_dec v)
{
	int i = dp_dict_find_code(f->d, code);
	cr_assert_geq(i, 0, "%s", code);
	f->val[i] = v;
	f->has[i] = true;
}

/* Sets a field when the rule set has it (the seed's self-scores are of the
 * Guangdong set only). */
static void set_if(struct fixture *f, const char *code, dp_dec v)
{
	int i = dp_dict_find_code(f->d, code);
	if (i >= 0) {
		f->val[i] = v;
		f->has[i] = true;
	}
}

static dp_dec score_of(struct fixture *f, const char *code)
{
	int i = dp_rules_find(f->r, code);
	cr_assert_geq(i, 0);
	return f->res.applicable[i] ? f->res.score[i] : -1;
}

static void seed(struct fixture *f)
{
	set_if(f, "output_completion", D("100"));
	set_if(f, "benefit_completion", D("100"));
	set_if(f, "exec_progress", D("38.12"));
	set_if(f, "cost_table_score", D("7.30"));
	set_if(f, "three_public_budget", D("33.08"));
	set_if(f, "three_public_actual", D("0.78"));
	set_if(f, "self.budget_prep", D("5"));
	set_if(f, "self.budget_exec", D("4"));
	set_if(f, "self.disclosure", D("3"));
	set_if(f, "self.perf_mgmt", D("15"));
	set_if(f, "self.procurement", D("10"));
	set_if(f, "self.assets", D("10"));
	set_if(f, "self_total", D("96.95"));
}

Test(score, the_seed_report_to_every_figure)
{
	struct fixture f;
	setup(&f, DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv");
	seed(&f);
	struct dp_fund_sums fs = { 0 };
	dp_fund_sums_add(&fs, D("2500"), D("2445.41"), D("97.74"));
	struct dp_subject subj = { f.val, f.has, false, { 0, 1 }, { 0, 1 }, NULL };
	cr_assert(dp_subject_set_funds(&subj, &fs));
	dp_score(f.s, &subj, &f.res);
	static const struct {
		const char *code;
		const char *want;
	} want[] = { { "output", "10" },     { "benefit", "10" },      { "exec_rate", "3.05" },    { "overall", "23.05" },
		     { "special_perf", "14.66" }, { "special_rate", "9.78" }, { "special", "24.44" },  { "cost_control", "1.46" },
		     { "three_public", "1" }, { "running_cost", "2.46" }, { "mgmt", "49.46" },    { "total", "96.95" } };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_expect_eq(score_of(&f, want[i].code), D(want[i].want), "%s", want[i].code);
	cr_expect_str_eq(f.res.grade, "优");
	teardown(&f);
}

Test(score, weighted_mean_of_funds_is_exact)
{
	/* 1/3-weights: (1×100 + 2×99.995) / 3 = 99.99666… → 15 × 0.9999666 = 14.9995 → 15.00 */
	struct fixture f;
	setup(&f, DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv");
	seed(&f);
	struct dp_fund_sums fs = { 0 };
	dp_fund_sums_add(&fs, D("1"), D("1"), D("100"));
	dp_fund_sums_add(&fs, D("2"), D("2"), 9999500000LL);
	struct dp_subject subj = { f.val, f.has, false, { 0, 1 }, { 0, 1 }, NULL };
	cr_assert(dp_subject_set_funds(&subj, &fs));
	dp_score(f.s, &subj, &f.res);
	cr_expect_eq(score_of(&f, "special_perf"), D("15"));
	/* a mean of exactly x.xx5 rounds away from zero: 15 × 97.7 / 100 = 14.655 → 14.66 */
	struct dp_fund_sums g = { 0 };
	dp_fund_sums_add(&g, D("10"), D("5"), D("97.7"));
	cr_assert(dp_subject_set_funds(&subj, &g));
	dp_score(f.s, &subj, &f.res);
	cr_expect_eq(score_of(&f, "special_perf"), D("14.66"));
	cr_expect_eq(score_of(&f, "special_rate"), D("5"));
	teardown(&f);
}

Test(score, caps_and_zero)
{
	struct fixture f;
	setup(&f, DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv");
	seed(&f);
	set(&f, "output_completion", D("250"));   /* capped at 100 % */
	set(&f, "benefit_completion", 0);
	set(&f, "three_public_actual", D("33.09")); /* over budget */
	struct dp_subject subj = { f.val, f.has, false, { 0, 1 }, { 0, 1 }, NULL };
	struct dp_fund_sums fs = { 0 };
	dp_fund_sums_add(&fs, D("100"), D("150"), D("100")); /* overspent: rate capped */
	cr_assert(dp_subject_set_funds(&subj, &fs));
	dp_score(f.s, &subj, &f.res);
	cr_expect_eq(score_of(&f, "output"), D("10"));
	cr_expect_eq(score_of(&f, "benefit"), 0);
	cr_expect_eq(score_of(&f, "three_public"), 0);
	cr_expect_eq(score_of(&f, "special_rate"), D("10"));
	teardown(&f);
}

Test(score, no_funds_rescales_the_total)
{
	struct fixture f;
	setup(&f, DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv");
	seed(&f);
	struct dp_subject subj = { f.val, f.has, false, { 0, 1 }, { 0, 1 }, NULL };
	dp_score(f.s, &subj, &f.res);
	cr_expect_eq(score_of(&f, "special"), -1, "专项效能 is not applicable");
	cr_expect_eq(score_of(&f, "duty"), D("23.05"));
	/* (23.05 + 49.46) × 100 / 75 = 96.68 */
	cr_expect_eq(score_of(&f, "total"), D("96.68"));
	teardown(&f);
}

Test(score, quarters_give_the_progress)
{
	struct fixture f;
	setup(&f, DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv");
	seed(&f);
	int ep = dp_dict_find_code(f.d, "exec_progress");
	f.has[ep] = false;
	set(&f, "exec_q1", D("10"));
	set(&f, "exec_q2", D("30"));
	set(&f, "exec_q3", D("50"));
	set(&f, "exec_q4", D("60.01")); /* mean 37.5025 → 5 × 37.5025 / 62.5 = 3.0002 → 3.00 */
	struct dp_subject subj = { f.val, f.has, false, { 0, 1 }, { 0, 1 }, NULL };
	dp_score(f.s, &subj, &f.res);
	cr_expect_eq(score_of(&f, "exec_rate"), D("3"));
	teardown(&f);
}

Test(score, deductions_come_off_leaves_never_below_zero)
{
	struct fixture f;
	setup(&f, DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv");
	seed(&f);
	dp_dec *ded = calloc(dp_rules_count(f.r), sizeof *ded);
	ded[dp_rules_find(f.r, "budget_prep")] = D("2");
	ded[dp_rules_find(f.r, "disclosure")] = D("5"); /* more than its 3 points */
	struct dp_subject subj = { f.val, f.has, false, { 0, 1 }, { 0, 1 }, ded };
	dp_score(f.s, &subj, &f.res);
	cr_expect_eq(score_of(&f, "budget_prep"), D("3"));
	cr_expect_eq(score_of(&f, "disclosure"), 0);
	cr_expect_eq(f.res.adjustment[dp_rules_find(f.r, "disclosure")], D("3"));
	cr_expect_eq(score_of(&f, "mgmt"), D("44.46"));
	free(ded);
	teardown(&f);
}

Test(score, deduct_and_threshold_of_the_second_rule_set)
{
	struct fixture f;
	setup(&f, DP_SOURCE_DIR "/pipeline/rules/caiyu-generic.csv");
	seed(&f);
	set(&f, "exec_progress", D("85"));
	struct dp_subject subj = { f.val, f.has, false, { 0, 1 }, { 0, 1 }, NULL };
	dp_score(f.s, &subj, &f.res);
	/* exec: deduct target=100 per=0.2 on 10 points: 10 − 0.2 × 15 = 7 */
	cr_expect_eq(score_of(&f, "exec"), D("7"));
	set(&f, "exec_progress", D("20")); /* 10 − 16 → clamped to 0 */
	dp_score(f.s, &subj, &f.res);
	cr_expect_eq(score_of(&f, "exec"), 0);
	teardown(&f);
}

Test(score, the_benchmark_scores_the_seed_alike_for_every_thread_count)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	t_writes(in, "a.csv", t_seed_form);
	t_chain(in, work, 3, NULL);
	struct dp_stage_opts o;
	memset(&o, 0, sizeof o);
	o.work = work;
	o.threads = 2;
	struct dp_buf out = DP_BUF_INIT, err = DP_BUF_INIT;
	cr_assert_eq(dp_score_bench(&o, 3, &out, &err), DP_OK, "%s", dp_buf_str(&err));
	const char *s = dp_buf_str(&out);
	cr_expect(strstr(s, "1 submissions loaded"), "%s", s);
	cr_expect(strstr(s, "threads 1: scoring ") && strstr(s, "(median of 3)"), "%s", s);
	const char *t2 = strstr(s, "threads 2: ");
	cr_assert(t2, "%s", s);
	cr_expect(strstr(t2, "sum of totals 96.95\n"), "%s", s);
	cr_expect(strstr(s, "sum of totals 96.95\nthreads 2"), "%s", s);
	dp_buf_free(&out);
	dp_buf_free(&err);
	free(in);
	free(work);
	free(dir);
}

Test(score, the_benchmark_needs_a_validated_folder)
{
	char *dir = t_tmpdir();
	struct dp_stage_opts o;
	memset(&o, 0, sizeof o);
	o.work = dir;
	struct dp_buf out = DP_BUF_INIT, err = DP_BUF_INIT;
	cr_expect_eq(dp_score_bench(&o, 1, &out, &err), DP_NOINPUT);
	cr_expect(strstr(dp_buf_str(&err), "dp-validate"), "%s", dp_buf_str(&err));
	dp_buf_free(&out);
	dp_buf_free(&err);
	free(dir);
}

/* dp-score parses only the fields dp_scorer_fields names: each field a rule
 * reads must be among them (else the score would change), and a field no
 * rule reads must not (else nothing is saved). */
Test(score, the_fields_scoring_reads)
{
	struct fixture f;
	setup(&f, DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv");
	size_t nf = dp_dict_count(f.d);
	bool *used = calloc(nf + 1, sizeof *used);
	dp_scorer_fields(f.s, used);
	static const char *const read[] = { "output_completion", "benefit_completion", "exec_progress",
					    "exec_q1", "exec_q4", "cost_table_score", "three_public_actual",
					    "three_public_budget", "self_total", "self.budget_prep", "self.assets",
					    "self.duty" };
	for (size_t i = 0; i < sizeof read / sizeof *read; i++) {
		int k = dp_dict_find_code(f.d, read[i]);
		cr_assert_geq(k, 0, "%s", read[i]);
		cr_expect(used[k], "%s is read by the rules", read[i]);
	}
	static const char *const unread[] = { "income_total", "expense_total", "dept_name", "cost_admin_pc" };
	for (size_t i = 0; i < sizeof unread / sizeof *unread; i++) {
		int k = dp_dict_find_code(f.d, unread[i]);
		cr_assert_geq(k, 0, "%s", unread[i]);
		cr_expect(!used[k], "%s is read by no rule", unread[i]);
	}
	free(used);
	teardown(&f);
}

/* dp-validate asks only which indicators apply (dp_score_applicable): the
 * same answer as dp_score's for every mix of given and missing inputs, with
 * and without special funds, in both shipped rule sets. */
Test(score, applicable_as_scoring_finds_it)
{
	static const char *const sets[] = { "guangdong-2021.csv", "caiyu-generic.csv" };
	for (size_t k = 0; k < 2; k++) {
		char path[512];
		snprintf(path, sizeof path, "%s/pipeline/rules/%s", DP_SOURCE_DIR, sets[k]);
		struct fixture f;
		setup(&f, path);
		seed(&f);
		size_t nf = dp_dict_count(f.d), nind = dp_rules_count(f.r);
		bool *used = calloc(nf + 1, sizeof *used);
		dp_scorer_fields(f.s, used);
		for (size_t i = 0; i < nf; i++)
			if (used[i] && !f.has[i]) { /* a value for every field scoring reads */
				f.val[i] = D("12.5");
				f.has[i] = true;
			}
		bool *given = calloc(nf + 1, sizeof *given);
		memcpy(given, f.has, nf * sizeof *given);
		struct dp_score_result a;
		dp_score_result_init(&a, f.s);
		uint32_t x = 12345;
		size_t partial = 0; /* rounds with some indicator not applicable */
		for (int round = 0; round < 3000; round++) {
			for (size_t i = 0; i < nf; i++) {
				x = x * 1103515245u + 12345u;
				f.has[i] = given[i] && (round == 0 || (x >> 16) % 4 != 0); /* a quarter missing */
			}
			struct dp_subject subj = { f.val, f.has, round % 2 == 1, dp_rat_int(80), dp_rat_int(90), NULL };
			dp_score(f.s, &subj, &f.res);
			dp_score_applicable(f.s, &subj, &a);
			cr_assert_not(f.res.overflow);
			for (size_t i = 0; i < nind; i++) {
				cr_assert_eq(a.applicable[i], f.res.applicable[i], "%s round %d indicator %s", sets[k], round,
					     dp_rules_get(f.r, i)->code);
				cr_assert_eq(a.has_self[i], f.res.has_self[i]);
				cr_assert_eq(a.self[i], f.res.self[i]);
			}
			cr_assert_eq(a.has_total, f.res.has_total);
			bool all = true;
			for (size_t i = 0; i < nind; i++)
				all = all && f.res.applicable[i];
			partial += !all;
		}
		cr_expect(partial > 0 && partial < 3000u, "%zu of 3000 rounds with an indicator not applicable", partial);
		dp_score_result_free(&a);
		free(used);
		free(given);
		teardown(&f);
	}
}

/* A scenario's scorer (dp_score_variant) takes the leaves its rule set did
 * not change from the base's result: every field of its result is what
 * dp_score gives, with funds or without, deductions, some inputs missing. */
Test(score, a_variant_scores_as_its_rule_set_does)
{
	static const char *const changes[][2] = {
		{ "exec_rate.param=60", NULL },
		{ "special_perf.max=12.5", "special_rate.max=12.5" },
		{ "A.max=92", "cost_control.param=8" },
		{ "three_public.param=0", NULL },
	};
	struct fixture f;
	setup(&f, DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv");
	size_t nind = dp_rules_count(f.r);
	dp_dec *ded = calloc(nind, sizeof *ded);
	ded[dp_rules_find(f.r, "assets")] = D("2.5");
	for (size_t c = 0; c < sizeof changes / sizeof *changes; c++) {
		struct dp_rule_set sets[2];
		struct dp_buf err = DP_BUF_INIT;
		size_t n = 0;
		for (; n < 2 && changes[c][n]; n++)
			cr_assert(dp_rule_set_parse(changes[c][n], &sets[n], &err));
		struct dp_rules *vr = dp_rules_load_set(DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv", sets, n, NULL, &err);
		cr_assert(vr, "%s", dp_buf_str(&err));
		struct dp_scorer *plain = dp_scorer_new(vr, f.d), *variant = dp_scorer_new_variant(vr, f.d, f.s);
		cr_assert(plain && variant);
		struct dp_score_result want, got;
		dp_score_result_init(&want, plain);
		dp_score_result_init(&got, variant);
		for (int k = 0; k < 4; k++) {
			seed(&f);
			if (k & 1)
				f.has[dp_dict_find_code(f.d, "benefit_completion")] = false;
			struct dp_subject subj = { f.val, f.has, false, { 0, 1 }, { 0, 1 }, k >= 2 ? ded : NULL };
			struct dp_fund_sums fs = { 0 };
			dp_fund_sums_add(&fs, D("100"), D("81.5"), D("93.2"));
			if (k >= 2)
				cr_assert(dp_subject_set_funds(&subj, &fs));
			dp_score(f.s, &subj, &f.res);
			dp_score(plain, &subj, &want);
			dp_score_variant(variant, &subj, &f.res, &got);
			for (size_t i = 0; i < nind; i++) {
				cr_expect_eq(got.applicable[i], want.applicable[i], "change %zu case %d ind %zu", c, k, i);
				cr_expect_eq(got.score[i], want.score[i], "change %zu case %d ind %zu", c, k, i);
				cr_expect_eq(got.adjustment[i], want.adjustment[i], "change %zu case %d ind %zu", c, k, i);
				cr_expect_eq(got.self[i], want.self[i]);
			}
			cr_expect_eq(got.total, want.total, "change %zu case %d", c, k);
			cr_expect_str_eq(got.grade, want.grade);
		}
		dp_score_result_free(&want);
		dp_score_result_free(&got);
		dp_scorer_free(plain);
		dp_scorer_free(variant);
		dp_rules_free(vr);
		for (size_t k = 0; k < n; k++)
			dp_rule_set_free(&sets[k]);
		dp_buf_free(&err);
	}
	/* a rule set with other indicators is no variant */
	struct dp_buf err = DP_BUF_INIT;
	struct dp_rules *other = dp_rules_load(DP_SOURCE_DIR "/pipeline/rules/caiyu-generic.csv", &err);
	cr_assert(other, "%s", dp_buf_str(&err));
	struct dp_dict *od = dp_dict_new(other);
	cr_expect_null(dp_scorer_new_variant(other, od, f.s));
	dp_dict_free(od);
	dp_rules_free(other);
	dp_buf_free(&err);
	free(ded);
	teardown(&f);
}
