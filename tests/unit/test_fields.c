#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "deptperf/fields.h"
#include "deptperf/rules.h"
#include "deptperf/shape.h"

static struct dp_rules *gd(void)
{
	struct dp_buf err = DP_BUF_INIT;
	struct dp_rules *r = dp_rules_load(DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv", &err);
	cr_assert(r, "%s", dp_buf_str(&err));
	return r;
}

Test(fields, lookup_by_code_label_alias_and_self_forms)
{
	struct dp_rules *r = gd();
	struct dp_dict *d = dp_dict_new(r);
	static const struct {
		const char *label;
		const char *code;
	} cases[] = {
		{ "dept_code", "dept_code" },     { "部门代码", "dept_code" },         { "单位代码", "dept_code" },
		{ "预算单位编码", "dept_code" },  { "评价年度", "fiscal_year" },       { "收入合计", "income_total" },
		{ "预算编制得分", "self.budget_prep" }, { "预算编制自评得分", "self.budget_prep" },
		{ "自评得分.预算编制", "self.budget_prep" }, { "self.budget_prep", "self.budget_prep" },
		{ "整体效能得分", "self.overall" }, { "自评总分", "self_total" },      { "总分得分", "self_total" },
		{ "实际下达", "fund_alloc" },     { "专项资金名称", "fund_name" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int f = dp_dict_find(d, cases[i].label);
		cr_assert_geq(f, 0, "%s not found", cases[i].label);
		cr_expect_str_eq(dp_dict_field(d, (size_t)f)->code, cases[i].code, "%s", cases[i].label);
	}
	cr_expect_eq(dp_dict_find(d, "收入总额"), -1);
	cr_expect_str_eq(dp_dict_suggest(d, "收入合记"), "收入合计");
	cr_expect_null(dp_dict_suggest(d, "完全无关的栏目名称"));
	int self_required = dp_dict_find_code(d, "self.budget_prep"), self_opt = dp_dict_find_code(d, "self.overall");
	cr_expect(dp_dict_field(d, (size_t)self_required)->required, "a self indicator needs its self-score");
	cr_expect(!dp_dict_field(d, (size_t)self_opt)->required);
	dp_dict_free(d);
	dp_rules_free(r);
}

Test(fields, department_columns_start_with_the_key)
{
	struct dp_rules *r = gd();
	struct dp_dict *d = dp_dict_new(r);
	int *idx = calloc(dp_dict_count(d), sizeof *idx);
	size_t n = dp_dict_dept_columns(d, idx);
	cr_expect_str_eq(dp_dict_field(d, (size_t)idx[0])->code, "fiscal_year");
	cr_expect_str_eq(dp_dict_field(d, (size_t)idx[1])->code, "dept_code");
	cr_expect_str_eq(dp_dict_field(d, (size_t)idx[n - 1])->code, "self_grade");
	cr_expect_str_eq(dp_dict_field(d, (size_t)idx[n - 2])->code, "self_total");
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(dp_dict_field(d, (size_t)idx[i])->group, DP_FG_DEPT);
	free(idx);
	dp_dict_free(d);
	dp_rules_free(r);
}

static struct dp_record rec(const char **cells, size_t *lens, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(cells[i]);
	return (struct dp_record){ n, cells, lens, 1, 0 };
}

Test(fields, numbers_and_guarded_text_by_kind)
{
	struct dp_dict *d = dp_dict_new(NULL);
	static const struct {
		int field;
		bool number, guarded;
	} cases[] = {
		{ DP_F_INCOME_TOTAL, true, false },  /* a decimal */
		{ DP_F_UNIT_COUNT, true, false },    /* an integer */
		{ DP_F_FISCAL_YEAR, true, false },   /* the year */
		{ DP_F_FILED_ON, false, false },     /* a date: our own form, not a decimal */
		{ DP_F_DEPT_NAME, false, true },     /* text from the input */
		{ DP_F_USCC, false, true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct dp_field *f = dp_dict_field(d, (size_t)cases[i].field);
		cr_expect_eq(dp_field_is_number(f), cases[i].number, "%s", f->code);
		cr_expect_eq(dp_field_is_guarded(f), cases[i].guarded, "%s", f->code);
	}
	dp_dict_free(d);
}

Test(shape, header_decides)
{
	struct dp_dict *d = dp_dict_new(NULL);
	static const struct {
		const char *cells[6];
		size_t n;
		enum dp_shape want;
	} cases[] = {
		{ { "字段", "值", "单位", "分项" }, 4, DP_SHAPE_FORM },
		{ { "field", "value" }, 2, DP_SHAPE_FORM },
		{ { "部门代码", "年度", "收入合计(元)", "支出合计（万元）" }, 4, DP_SHAPE_BULK_DEPT },
		{ { "专项资金名称", "部门代码", "年度", "专项资金下达" }, 4, DP_SHAPE_BULK_FUND },
		{ { "姓名", "年龄" }, 2, DP_SHAPE_NONE },
		{ { "部门代码" }, 1, DP_SHAPE_NONE },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t lens[6];
		struct dp_record r = rec((const char **)cases[i].cells, lens, cases[i].n);
		struct dp_header h;
		cr_expect_eq(dp_header_parse(d, &r, &h), cases[i].want, "case %zu", i);
		if (i == 2) {
			cr_expect_str_eq(h.label[2], "收入合计");
			cr_expect_str_eq(h.unit[2], "元");
			cr_expect_str_eq(h.unit[3], "万元");
			cr_expect_eq(h.field[3], DP_F_EXPENSE_TOTAL);
		}
		dp_header_free(&h);
	}
	dp_dict_free(d);
}
