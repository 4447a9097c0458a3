/* Record normalization (SPEC §2.3, record.c) through the stage: one value per case, in a
 * form of its own, and the canonical text departments.cells gets for it:
 * units inline or in the unit column and converted to the field's unit,
 * full-width digits, thousands separators, percents, the date forms of
 * §2.3, codes trimmed and folded. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "deptperf/memtab.h"
#include "deptperf/stage.h"
#include "helpers.h"

static const struct {
	const char *label, *row, *field, *want;
} cases[] = {
	{ "收入合计", "收入合计,3998.03,万元,", "income_total", "3998.03" },
	{ "收入合计", "收入合计,39980300,元,", "income_total", "3998.03" },      /* 元 → 万元 */
	{ "收入合计", "收入合计,3998.03万元,,", "income_total", "3998.03" },     /* inline */
	{ "收入合计", "收入合计,39980300元,,", "income_total", "3998.03" },
	{ "收入合计", "收入合计,０．４１,万元,", "income_total", "0.41" },        /* full-width */
	{ "收入合计", "收入合计,\"3,998.03\",万元,", "income_total", "3998.03" }, /* thousands */
	{ "收入合计", "收入合计, 3998.03 ,万元,", "income_total", "3998.03" },    /* spaces */
	{ "平均支出进度", "平均支出进度,38.12%,,", "exec_progress", "38.12" },
	{ "平均支出进度", "平均支出进度,38.12,%,", "exec_progress", "38.12" },
	{ "平均支出进度", "平均支出进度,38.12％,,", "exec_progress", "38.12" },  /* full-width % */
	{ "填报日期", "填报日期,2022年6月6日,,", "filed_on", "2022-06-06" },
	{ "填报日期", "填报日期,2022-06-06,,", "filed_on", "2022-06-06" },
	{ "填报日期", "填报日期,2022/6/6,,", "filed_on", "2022-06-06" },
	{ "填报日期", "填报日期,2022.6.6,,", "filed_on", "2022-06-06" },
	{ "填报日期", "填报日期,20220606,,", "filed_on", "2022-06-06" },
	{ "填报日期", "填报日期,44718,,", "filed_on", "2022-06-06" },           /* Excel's serial */
	{ "主管部门代码", "主管部门代码, ４４０００００１０ ,,", "parent_code", "440000010" },
	{ "预算单位数量", "预算单位数量,3,个,", "unit_count", "3" },
	{ "单位能耗支出", "单位能耗支出,50.87,元/平方米,", "cost_energy_per_m2", "50.87" },
};

Test(normalize, canonical_values)
{
	char *dir = t_tmpdir(), *in = dp_path_join(dir, "in"), *work = dp_path_join(dir, "work");
	size_t n = sizeof cases / sizeof *cases;
	for (size_t i = 0; i < n; i++) {
		char *a = t_seed_with(cases[i].label, cases[i].row);
		/* each its own department: N<i> */
		struct dp_buf b = DP_BUF_INIT, name = DP_BUF_INIT;
		const char *p = strstr(a, "部门代码,440000015");
		cr_assert(p);
		dp_buf_add(&b, a, (size_t)(p - a));
		dp_buf_addf(&b, "部门代码,N%02zu", i);
		dp_buf_adds(&b, p + strlen("部门代码,440000015"));
		dp_buf_addf(&name, "n%02zu.csv", i);
		t_writes(in, name.s, b.s);
		dp_buf_free(&b);
		dp_buf_free(&name);
		free(a);
	}
	t_chain(in, work, 2, NULL);
	struct dp_memtab t;
	struct dp_buf err = DP_BUF_INIT;
	cr_assert(dp_memtab_load_cells(&t, dp_path_join(work, "departments.cells"), &err), "%s", dp_buf_str(&err));
	int code = dp_memtab_col(&t, "dept_code");
	cr_assert_geq(code, 0);
	for (size_t i = 0; i < n; i++) {
		char want_code[8];
		snprintf(want_code, sizeof want_code, "N%02zu", i);
		int col = dp_memtab_col(&t, cases[i].field);
		cr_assert_geq(col, 0, "%s", cases[i].field);
		bool found = false;
		for (size_t r = 0; r < t.nrows; r++) {
			if (strcmp(dp_memtab_cell(&t, r, (size_t)code), want_code) != 0)
				continue;
			found = true;
			cr_expect_str_eq(dp_memtab_cell(&t, r, (size_t)col), cases[i].want, "case %zu: %s", i, cases[i].row);
		}
		cr_expect(found, "case %zu (%s) has no row", i, cases[i].row);
	}
	struct dp_findings fs;
	t_findings(work, &fs);
	for (size_t i = 0; i < fs.n; i++)
		cr_expect(!fs.v[i].error, "no case is an error: %s %s line %llu %s", fs.v[i].code, fs.v[i].file,
			  (unsigned long long)fs.v[i].line, fs.v[i].message);
	dp_findings_free(&fs);
	dp_memtab_free(&t);
	dp_buf_free(&err);
}
