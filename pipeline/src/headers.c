/* Chinese column headers (headers.h). */
#include "deptperf/headers.h"

#include <stdlib.h>
#include <string.h>

/* The columns that are neither a field of the dictionary nor an indicator,
 * and those whose meaning in one table differs from the field's (table
 * NULL: every table). */
static const struct {
	const char *table, *col, *zh;
} words[] = {
	{ "summary_indicators.csv.gz", "min", "最低分" },
	{ "summary_indicators.csv.gz", "max", "最高分" },
	{ "summary_indicators.csv.gz", "label", "指标名称" },
	{ "discrepancies.csv.gz", "label", "指标名称" },
	{ NULL, "file", "文件" },
	{ NULL, "sha256", "SHA-256校验值" },
	{ NULL, "bytes", "字节数" },
	{ NULL, "encoding", "编码" },
	{ NULL, "shape", "表式" },
	{ NULL, "rows", "行数" },
	{ NULL, "submissions", "填报份数" },
	{ NULL, "status", "处理结果" },
	{ NULL, "severity", "级别" },
	{ NULL, "code", "问题代码" },
	{ NULL, "line", "行号" },
	{ NULL, "field", "字段" },
	{ NULL, "value", "填报值" },
	{ NULL, "message", "说明" },
	{ NULL, "indicator", "指标代码" },
	{ NULL, "parent", "上级指标" },
	{ NULL, "max", "满分" },
	{ NULL, "score", "复核得分" },
	{ NULL, "self", "自评得分" },
	{ NULL, "delta", "差额（自评−复核）" },
	{ NULL, "adjustment", "复核扣分" },
	{ NULL, "applicable", "是否适用" },
	{ NULL, "rank", "排名" },
	{ NULL, "total", "复核总分" },
	{ NULL, "grade", "等级" },
	{ NULL, "rank_in_parent", "主管部门内排名" },
	{ NULL, "rank_in_sector", "所属领域内排名" },
	{ NULL, "percentile", "百分位" },
	{ NULL, "scope", "范围" },
	{ NULL, "count", "个数" },
	{ NULL, "share", "占比（%）" },
	{ NULL, "label", "名称" },
	{ NULL, "max_points", "满分" },
	{ NULL, "n", "部门数" },
	{ NULL, "mean", "平均分" },
	{ NULL, "median", "中位数" },
	{ NULL, "p10", "第10百分位" },
	{ NULL, "p90", "第90百分位" },
	{ NULL, "min", "最低" },
	{ NULL, "full_marks_share", "满分占比（%）" },
	{ NULL, "departments", "部门数" },
	{ NULL, "mean_total", "平均总分" },
	{ NULL, "median_total", "总分中位数" },
	{ NULL, "best_dept_code", "最高分部门代码" },
	{ NULL, "best_total", "最高总分" },
	{ NULL, "worst_dept_code", "最低分部门代码" },
	{ NULL, "worst_total", "最低总分" },
	{ NULL, "expense_rate", "支出率（%）" },
	{ NULL, "fund_spend_rate", "专项资金支出率（%）" },
	{ NULL, "total_change", "总分变化" },
	{ NULL, "rank_change", "排名变化（正数为上升）" },
	{ NULL, "grade_change", "等级变化" },
	{ NULL, "deduction", "扣分" },
	{ NULL, "reason", "原因" },
	{ NULL, "applied", "是否执行" },
	{ NULL, "scenario", "情景" },
	{ NULL, "base_total", "基准总分" },
	{ NULL, "base_grade", "基准等级" },
	{ NULL, "base_rank", "基准排名" },
	{ NULL, "grade_changes", "等级改变的部门数" },
	{ NULL, "grade_up", "等级上升数" },
	{ NULL, "grade_down", "等级下降数" },
	{ NULL, "max_rank_change", "最大排名变化" },
	{ NULL, "mean_abs_rank_change", "平均排名变化（绝对值）" },
	{ NULL, "kendall_tau", "与基准排名的一致性（Kendall τb）" },
	{ NULL, "best_rank", "最好排名" },
	{ NULL, "worst_rank", "最差排名" },
	{ NULL, "grades", "可能等级" },
	{ NULL, "margin", "距等级分界（分）" },
};

static const char *word(const char *table, const char *col)
{
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if ((!words[i].table || (table && strcmp(words[i].table, table) == 0)) && strcmp(words[i].col, col) == 0)
			return words[i].zh;
	return NULL;
}

/* A field's or an indicator's Chinese name, or NULL. */
static const char *named(const char *col, const struct dp_dict *d, const struct dp_rules *r)
{
	int f = d ? dp_dict_find_code(d, col) : -1;
	if (f >= 0)
		return dp_dict_field(d, (size_t)f)->label;
	int k = r ? dp_rules_find(r, col) : -1;
	return k >= 0 ? dp_rules_get(r, (size_t)k)->label : NULL;
}

static bool ends_with(const char *s, const char *suffix, size_t *stem)
{
	size_t n = strlen(s), m = strlen(suffix);
	if (n <= m || strcmp(s + n - m, suffix) != 0)
		return false;
	*stem = n - m;
	return true;
}

void dp_header_zh(const char *table, const char *col, const struct dp_dict *d, const struct dp_rules *r,
		  struct dp_buf *out)
{
	dp_buf_reset(out);
	const char *w = word(table, col), *n = w ? NULL : named(col, d, r);
	if (w || n) {
		dp_buf_adds(out, w ? w : n);
		return;
	}
	/* composed: prev_X (yoy), X_sector_median and X_province_percentile
	 * (comparisons), grade_<label> (scenario_summary) */
	size_t stem;
	struct dp_buf part = DP_BUF_INIT;
	if (strncmp(col, "prev_", 5) == 0) {
		dp_header_zh(table, col + 5, d, r, &part);
		dp_buf_addf(out, "上年%s", part.s);
	} else if (ends_with(col, "_sector_median", &stem) || ends_with(col, "_province_percentile", &stem)) {
		char *base = dp_xmemdup(col, stem);
		dp_header_zh(table, base, d, r, &part);
		dp_buf_addf(out, "%s（%s）", part.s, col[stem + 1] == 's' ? "所属领域中位数" : "全省百分位");
		free(base);
	} else if (strncmp(col, "grade_", 6) == 0 && col[6]) {
		dp_buf_addf(out, "%s的部门数", col + 6);
	} else {
		dp_buf_adds(out, col);
	}
	dp_buf_free(&part);
}

bool dp_header_is(const char *table, const char *cell, const char *col, const struct dp_dict *d,
		  const struct dp_rules *r)
{
	if (strncmp(cell, "\xEF\xBB\xBF", 3) == 0)
		cell += 3;
	if (strcmp(cell, col) == 0)
		return true;
	struct dp_buf zh = DP_BUF_INIT;
	dp_header_zh(table, col, d, r, &zh);
	bool same = strcmp(cell, zh.s) == 0;
	dp_buf_free(&zh);
	return same;
}
