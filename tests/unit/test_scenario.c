/* The scenarios file (scenario.h) and the grade margin (rules.h): what is
 * loaded, in which order, and every refusal naming its line. */
#include <criterion/criterion.h>
#include <string.h>

#include "deptperf/scenario.h"
#include "helpers.h"

#define RULES DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv"

static struct dp_scenarios *load(const char *text, const struct dp_rule_set *base, size_t nbase, struct dp_buf *err)
{
	char *dir = t_tmpdir();
	char *p = t_writes(dir, "s.csv", text);
	struct dp_scenarios *s = dp_scenarios_load(p, RULES, base, nbase, err);
	free(p);
	free(dir);
	return s;
}

static dp_dec param_of(const struct dp_rules *r, const char *code)
{
	return dp_rules_get(r, (size_t)dp_rules_find(r, code))->param;
}

static dp_dec max_of(const struct dp_rules *r, const char *code)
{
	return dp_rules_get(r, (size_t)dp_rules_find(r, code))->max;
}

Test(scenario, scenarios_in_the_order_first_named_on_the_base)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_rule_set base;
	cr_assert(dp_rule_set_parse("exec_rate.param=50", &base, &err));
	struct dp_scenarios *s = load("scenario,code,column,value\n"
				      "split,special_perf,max,12.5\n"
				      "b60,exec_rate,param,60\n"
				      "split,special_rate,MAX,12.5\n"
				      "b60,exec_rate,param,60\n" /* the same change twice */
				      "strict,A,max,92\n",
				      &base, 1, &err);
	cr_assert(s, "%s", dp_buf_str(&err));
	cr_assert_eq(s->n, 3);
	cr_expect_str_eq(s->v[0].name, "split");
	cr_expect_str_eq(s->v[1].name, "b60");
	cr_expect_str_eq(s->v[2].name, "strict");
	cr_expect_eq(s->v[0].line, 2);
	cr_expect_eq(s->v[2].line, 6);
	/* each is the base (--set) with its own changes after */
	cr_expect_eq(max_of(s->v[0].rules, "special_perf"), 125 * DP_DEC_ONE / 10);
	cr_expect_eq(max_of(s->v[0].rules, "special_rate"), 125 * DP_DEC_ONE / 10);
	cr_expect_eq(param_of(s->v[0].rules, "exec_rate"), 50 * DP_DEC_ONE);
	cr_expect_eq(param_of(s->v[1].rules, "exec_rate"), 60 * DP_DEC_ONE);
	cr_expect_eq(dp_rules_grade(s->v[2].rules, 0)->min, 92 * DP_DEC_ONE);
	cr_expect_eq(param_of(s->v[2].rules, "exec_rate"), 50 * DP_DEC_ONE);
	dp_scenarios_free(s);
	dp_rule_set_free(&base);
	dp_buf_free(&err);
}

Test(scenario, refusals_name_the_line)
{
	static const struct {
		const char *text, *says;
	} cases[] = {
		{ "", ":1: 情景文件为空" },
		{ "name,code,column,value\nx,A,max,91\n", ":1: 表头应为 scenario,code,column,value" },
		{ "scenario,code,column,value\n", ": 没有任何情景" },
		{ "scenario,code,column,value\n,A,max,91\n", ":2: 情景名称“”" },
		{ "scenario,code,column,value\nx,A,label,y\n", ":2: 列“label”不可修改" },
		{ "scenario,code,column,value\nx,,max,1\n", ":2: code 为空" },
		{ "scenario,code,column,value\nx,A,max,\n", ":2: value 为空" },
		{ "scenario,code,column,value\nx,A,max,91\nx,A,max,92\n",
		  ":3: 情景“x”在本行把 A.max 设为“92”，第 2 行却设为“91”" },
		{ "scenario,code,column,value\nok,A,max,91\nx,nosuch,param,1\n",
		  ":3: 情景“x”不成立：" },
		{ "scenario,code,column,value\nx,special_perf,max,12.5\n", "special" },
		{ "scenario,code,column,value\nx,exec_rate,param,0\n", "ratio 参数“0”应为正数" },
		{ "scenario,code,column,value\nx,exec_rate,max,-5\n", "不是非负数" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct dp_buf err = DP_BUF_INIT;
		struct dp_scenarios *s = load(cases[i].text, NULL, 0, &err);
		cr_expect_null(s, "case %zu loaded", i);
		cr_expect(strstr(dp_buf_str(&err), cases[i].says), "case %zu: %s", i, dp_buf_str(&err));
		cr_expect_null(strchr(dp_buf_str(&err), '\n'), "case %zu: one line", i);
		dp_scenarios_free(s);
		dp_buf_free(&err);
	}
}

Test(scenario, too_many_scenarios)
{
	struct dp_buf text = DP_BUF_INIT, err = DP_BUF_INIT;
	dp_buf_adds(&text, "scenario,code,column,value\n");
	for (int i = 0; i <= DP_SCENARIOS_MAX; i++)
		dp_buf_addf(&text, "s%d,exec_rate,param,%d\n", i, 50 + i);
	cr_expect_null(load(text.s, NULL, 0, &err));
	cr_expect(strstr(dp_buf_str(&err), "情景超过 100 个"), "%s", dp_buf_str(&err));
	dp_buf_free(&text);
	dp_buf_free(&err);
}

/* The margin: to the nearest lower bound of a band above 0 (90, 80, 60). */
Test(scenario, grade_margin)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_rules *r = dp_rules_load(RULES, &err);
	cr_assert(r, "%s", dp_buf_str(&err));
	static const struct {
		long cents, want;
	} cases[] = { { 8992, 8 }, { 9000, 0 }, { 9695, 695 }, { 7500, 500 }, { 6999, 999 }, { 0, 6000 }, { 10000, 1000 } };
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		dp_dec m = -1;
		cr_assert(dp_rules_grade_margin(r, cases[i].cents * DP_CENT, &m));
		cr_expect_eq(m, cases[i].want * DP_CENT, "total %ld: margin %lld", cases[i].cents, (long long)m);
	}
	dp_rules_free(r);
	/* one band at 0: no boundary */
	char *dir = t_tmpdir();
	char *p = t_writes(dir, "r.csv", "code,parent,label,max,method,input,param\nt,,T,5,self,,\nA,,合格,0,grade,,\n");
	r = dp_rules_load(p, &err);
	cr_assert(r, "%s", dp_buf_str(&err));
	dp_dec m;
	cr_expect_not(dp_rules_grade_margin(r, 3 * DP_DEC_ONE, &m));
	dp_rules_free(r);
	free(p);
	free(dir);
	dp_buf_free(&err);
}
