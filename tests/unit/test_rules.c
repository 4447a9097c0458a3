#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "deptperf/rules.h"
#include "helpers.h"

Test(rules, guangdong_loads)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_rules *r = dp_rules_load(DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv", &err);
	cr_assert(r, "%s", dp_buf_str(&err));
	cr_expect_eq(dp_rules_count(r), 19);
	cr_expect_str_eq(dp_rules_get(r, (size_t)dp_rules_root(r))->code, "total");
	cr_expect_eq(dp_rules_grade_count(r), 4);
	cr_expect_str_eq(dp_rules_grade_of(r, 90 * DP_DEC_ONE), "优");
	cr_expect_str_eq(dp_rules_grade_of(r, 8999000000LL), "良");
	cr_expect_str_eq(dp_rules_grade_of(r, 0), "差");
	/* children come before their parent in the scoring order */
	const int *post = dp_rules_postorder(r);
	cr_expect_eq(post[dp_rules_count(r) - 1], dp_rules_root(r));
	const struct dp_indicator *tp = dp_rules_get(r, (size_t)dp_rules_find(r, "three_public"));
	cr_expect_str_eq(tp->param_field, "three_public_budget");
	dp_rules_free(r);
}

Test(rules, second_rule_set_loads)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_rules *r = dp_rules_load(DP_SOURCE_DIR "/pipeline/rules/caiyu-generic.csv", &err);
	cr_assert(r, "%s", dp_buf_str(&err));
	bool deduct = false, thr = false;
	for (size_t i = 0; i < dp_rules_count(r); i++) {
		deduct |= dp_rules_get(r, i)->method == DP_M_DEDUCT;
		thr |= dp_rules_get(r, i)->method == DP_M_THRESHOLD;
	}
	cr_expect(deduct && thr);
	dp_rules_free(r);
}

Test(rules, a_grade_has_its_names)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_rules *r = dp_rules_load(DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv", &err);
	cr_assert(r, "%s", dp_buf_str(&err));
	cr_assert_eq(dp_rules_grade_count(r), 4);
	static const char *const names[][2] = { { "优", "优秀" }, { "良", "良好" }, { "中", "合格" }, { "差", "不合格" } };
	for (size_t g = 0; g < 4; g++) {
		cr_expect_str_eq(dp_rules_grade(r, g)->label, names[g][0]);
		cr_expect_eq(dp_rules_grade_named(r, names[g][0]), (int)g, "%s", names[g][0]);
		cr_expect_eq(dp_rules_grade_named(r, names[g][1]), (int)g, "%s", names[g][1]);
	}
	cr_expect_eq(dp_rules_grade_named(r, "优|优秀"), -1);
	cr_expect_eq(dp_rules_grade_named(r, "A"), -1);
	cr_expect_eq(dp_rules_grade_named(r, ""), -1);
	cr_expect_str_eq(dp_rules_grade_of(r, 9695 * DP_CENT), "优");
	cr_expect_str_eq(dp_rules_grade_of(r, 8999 * DP_CENT), "良");
	dp_rules_free(r);
}

static const struct {
	const char *csv;
	const char *why; /* a part of the message, with the row */
} bad[] = {
	{ "code,parent,label,max,method,input,param\nt,,T,10,sum,,\na,t,A,5,self,,\nb,t,B,4,self,,\n", ":2: sum 指标 t 的满分 10 不等于下级满分之和 9" },
	{ "code,parent,label,max,method,input,param\nt,,T,10,sum,,\na,t,A,10,magic,,\n", ":3: 未知的评分方法" },
	{ "code,parent,label,max,method,input,param\nt,,T,10,sum,,\na,t,A,ten,self,,\n", ":3: max“ten”" },
	{ "code,parent,label,max,method,input,param\nt,,T,10,sum,,\na,t,A,10,ratio,no_such_field,100\n", ":3: 指标 a 的输入字段" },
	{ "code,parent,label,max,method,input,param\nt,,T,10,sum,,\na,t,A,10,ratio,output_completion,0\n", ":3: 指标 a 的 ratio 参数" },
	{ "code,parent,label,max,method,input,param\nt,,T,10,sum,,\nu,,U,10,sum,,\n", ":3: 第二个根指标 u" },
	{ "code,parent,label,max,method,input,param\na,b,A,10,sum,,\nb,a,B,10,sum,,\n", "没有根指标" },
	{ "code,parent,label,max,method,input,param\nt,,T,10,sum,,\na,t,A,10,sum,,\nb,c,B,10,sum,,\nc,b,C,10,sum,,\n", "上级关系形成环" },
	{ "code,parent,label,max,method,input,param\nt,,T,10,sum,,\na,x,A,10,self,,\n", ":3: 指标 a 的上级“x”不存在" },
	{ "code,parent,label,max,method,input,param\nt,,T,10,sum,,\na,t,A,10,deduct,exec_progress,target=90\n", ":3: 指标 a 的 deduct 参数" },
	{ "code,parent,label,max,method,input,param\nt,,T,10,self,,\nA,,优||优秀,90,grade,,\n", ":3: 等级名称“优||优秀”中有空的名称" },
	{ "code,parent,label,max,method,input,param\nt,,T,10,self,,\nA,,优|优秀,90,grade,,\nB,,良|优秀,80,grade,,\n", ":4: 等级名称“优秀”已用于另一个等级" },
	{ "code;parent\n", ":1: 表头应为" },
	{ "", ":1: 评分规则文件为空" },
};

Test(rules, refused_with_the_row)
{
	char *dir = t_tmpdir();
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char name[32];
		snprintf(name, sizeof name, "bad%zu.csv", i);
		char *p = t_writes(dir, name, bad[i].csv);
		struct dp_buf err = DP_BUF_INIT;
		struct dp_rules *r = dp_rules_load(p, &err);
		cr_expect_null(r, "case %zu was accepted", i);
		cr_expect(strstr(dp_buf_str(&err), bad[i].why), "case %zu: %s", i, dp_buf_str(&err));
		dp_rules_free(r);
		dp_buf_free(&err);
	}
}

Test(rules, a_set_is_parsed_and_applied_as_an_edit)
{
	static const struct {
		const char *arg;
		bool ok;
		const char *code, *value;
		int column;
	} cases[] = {
		{ "exec_rate.param=60", true, "exec_rate", "60", 6 },
		{ "A.max=92", true, "A", "92", 3 },
		{ "a.b.max=1", true, "a.b", "1", 3 },     /* the last dot before = splits */
		{ "x.max=", true, "x", "", 3 },           /* an empty value: the loader refuses it */
		{ "exec_rate.label=x", false, NULL, NULL, 0 },
		{ "exec_rate=60", false, NULL, NULL, 0 },
		{ ".max=1", false, NULL, NULL, 0 },
		{ "exec_rate.param", false, NULL, NULL, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct dp_rule_set s;
		struct dp_buf err = DP_BUF_INIT;
		bool ok = dp_rule_set_parse(cases[i].arg, &s, &err);
		cr_expect_eq(ok, cases[i].ok, "%s", cases[i].arg);
		if (ok && cases[i].ok) {
			cr_expect_str_eq(s.code, cases[i].code);
			cr_expect_str_eq(s.value, cases[i].value);
			cr_expect_eq(s.column, cases[i].column);
		} else if (!ok) {
			cr_expect(strstr(dp_buf_str(&err), cases[i].arg), "the message names it: %s", dp_buf_str(&err));
		}
		dp_rule_set_free(&s);
		dp_buf_free(&err);
	}
	/* applied: the changed max and param are the rules' */
	struct dp_rule_set sets[2];
	struct dp_buf err = DP_BUF_INIT;
	cr_assert(dp_rule_set_parse("exec_rate.param=60", &sets[0], &err));
	cr_assert(dp_rule_set_parse("A.max=92", &sets[1], &err));
	bool by_set = true;
	struct dp_rules *r = dp_rules_load_set(DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv", sets, 2, &by_set, &err);
	cr_assert(r, "%s", dp_buf_str(&err));
	cr_expect_not(by_set);
	const struct dp_indicator *ind = dp_rules_get(r, (size_t)dp_rules_find(r, "exec_rate"));
	cr_expect_eq(ind->param, 60 * DP_DEC_ONE);
	cr_expect_eq(dp_rules_grade(r, 0)->min, 92 * DP_DEC_ONE);
	cr_expect(dp_rules_text(r) && strstr(dp_rules_text(r), "exec_rate,overall,部门预算资金支出率,5,ratio,exec_progress,60\n"),
		  "%s", dp_rules_text(r) ? dp_rules_text(r) : "(no text)");
	dp_rules_free(r);
	for (int k = 0; k < 2; k++)
		dp_rule_set_free(&sets[k]);
	dp_buf_free(&err);
}
