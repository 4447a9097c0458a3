/* Chinese column headers (headers.h): fields, indicators, the project's own
 * words, a word that means another thing in one table, composed names, and
 * reading a header back by code or Chinese, with or without a BOM. */
#include <criterion/criterion.h>
#include <string.h>

#include "deptperf/headers.h"

#define RULES DP_SOURCE_DIR "/pipeline/rules/guangdong-2021.csv"

Test(headers, chinese_names)
{
	struct dp_buf err = DP_BUF_INIT, out = DP_BUF_INIT;
	struct dp_rules *r = dp_rules_load(RULES, &err);
	cr_assert(r, "%s", dp_buf_str(&err));
	struct dp_dict *d = dp_dict_new(r);
	static const struct {
		const char *table, *col, *zh;
	} cases[] = {
		{ "rankings.csv.gz", "dept_code", "部门代码" },       /* a field */
		{ "rankings.csv.gz", "self.disclosure", "信息公开得分" },
		{ "rankings.csv.gz", "duty", "履职效能" },            /* an indicator */
		{ "rankings.csv.gz", "total", "复核总分" },           /* a word before the root's label */
		{ "scores.csv.gz", "max", "满分" },
		{ "summary_indicators.csv.gz", "max", "最高分" },     /* another meaning there */
		{ "yoy.csv.gz", "prev_rank", "上年排名" },
		{ "comparisons.csv.gz", "cost_energy_per_m2_sector_median", "单位能耗支出（所属领域中位数）" },
		{ "comparisons.csv.gz", "cost_admin_pc_province_percentile", "人均行政支出（全省百分位）" },
		{ "scenario_summary.csv.gz", "grade_优", "优的部门数" },
		{ "x.csv.gz", "no_such_column", "no_such_column" },  /* kept */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		dp_header_zh(cases[i].table, cases[i].col, d, r, &out);
		cr_expect_str_eq(dp_buf_str(&out), cases[i].zh, "%s %s", cases[i].table, cases[i].col);
	}
	cr_expect(dp_header_is("rankings.csv.gz", "rank", "rank", d, r));
	cr_expect(dp_header_is("rankings.csv.gz", "排名", "rank", d, r));
	cr_expect(dp_header_is("rankings.csv.gz", "\xEF\xBB\xBF年度", "fiscal_year", d, r));
	cr_expect(dp_header_is("rankings.csv.gz", "\xEF\xBB\xBF" "fiscal_year", "fiscal_year", d, r));
	cr_expect_not(dp_header_is("rankings.csv.gz", "等级", "rank", d, r));
	dp_buf_free(&out);
	dp_buf_free(&err);
	dp_dict_free(d);
	dp_rules_free(r);
}
