/* adjust.c: the --adjust file of review deductions (SPEC §5.2), found by
 * indicator code or label, and the files it refuses. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "deptperf/adjust.h"
#include "helpers.h"

Test(adjust, loads_and_finds)
{
	char *dir = t_tmpdir();
	struct dp_buf err = DP_BUF_INIT;
	struct dp_rules *rules = dp_rules_load(DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv", &err);
	char *p = t_writes(dir, "a.csv", "dept_code,fiscal_year,indicator,deduction,reason\n"
					 "x1,2021,budget_prep,1,复核发现\nx1,2021,nope,2,笔误\nx0,2021,assets,0.5,\n");
	struct dp_adjustments *a = dp_adjust_load(p, rules, &err);
	cr_assert(a, "%s", dp_buf_str(&err));
	size_t n;
	struct dp_adjustment *x = dp_adjust_find(a, "2021", "x1", &n);
	cr_assert(x);
	cr_expect_eq(n, 2);
	cr_expect_eq(x[1].ind, -1, "an unknown indicator is kept, to be reported");
	cr_expect_null(dp_adjust_find(a, "2022", "x1", &n));
	dp_adjust_free(a);
	char *q = t_writes(dir, "b.csv", "dept_code,fiscal_year,indicator,deduction,reason\nx1,2021,assets,-1,\n");
	dp_buf_reset(&err);
	cr_expect_null(dp_adjust_load(q, rules, &err));
	cr_expect(strstr(dp_buf_str(&err), "b.csv:2:"), "%s", dp_buf_str(&err));
	dp_rules_free(rules);
}

/* The headers a finance office writes (部门代码,年度,指标,扣分,原因, any
 * order, the reason left out) and an indicator named by its label. */
Test(adjust, chinese_headers_and_indicator_labels)
{
	char *dir = t_tmpdir();
	struct dp_buf err = DP_BUF_INIT;
	struct dp_rules *rules = dp_rules_load(DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv", &err);
	char *p = t_writes(dir, "a.csv", "年度,单位代码,指标名称,扣分,扣分原因\n"
					 "2021,x1,信息公开,1,未按期公开\n2021,x1,assets,0.5,\n2021,x2,不存在的指标,1,\n");
	struct dp_adjustments *a = dp_adjust_load(p, rules, &err);
	cr_assert(a, "%s", dp_buf_str(&err));
	size_t n;
	struct dp_adjustment *x = dp_adjust_find(a, "2021", "x1", &n);
	cr_assert(x && n == 2);
	cr_expect_str_eq(x[0].indicator, "disclosure", "the label's code is kept");
	cr_expect_eq(x[0].ind, dp_rules_find(rules, "disclosure"));
	cr_expect_str_eq(x[0].reason, "未按期公开");
	cr_expect_str_eq(x[1].indicator, "assets");
	x = dp_adjust_find(a, "2021", "x2", &n);
	cr_assert(x && n == 1);
	cr_expect_eq(x->ind, -1);
	cr_expect_str_eq(x->indicator, "不存在的指标", "an unknown one as written, for its W-ADJUST");
	dp_adjust_free(a);
	char *q = t_writes(dir, "b.csv", "部门代码,指标,扣分\nx1,assets,1\n"); /* no year */
	dp_buf_reset(&err);
	cr_expect_null(dp_adjust_load(q, rules, &err));
	cr_expect(strstr(dp_buf_str(&err), "b.csv:1: 表头应为") &&
			  strstr(dp_buf_str(&err), "部门代码,年度,指标,扣分,原因"),
		  "%s", dp_buf_str(&err));
	char *r2 = t_writes(dir, "c.csv", "部门代码,年度,指标,扣分\nx1,2021,assets,1\n"); /* no reason: fine */
	dp_buf_reset(&err);
	a = dp_adjust_load(r2, rules, &err);
	cr_expect(a, "%s", dp_buf_str(&err));
	dp_adjust_free(a);
	dp_rules_free(rules);
}
