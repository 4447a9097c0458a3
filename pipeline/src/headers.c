/* Chinese column headers (headers.h). */
#include "deptperf/headers.h"

#include <stdlib.h>
#include <string.h>

/* The columns that are neither a field of the dictionary nor an indicator,
 * and those whose meaning in one table differs from the field's (table
 * NULL: every table). */
static const struct {
	const char *table, *col, *zh;
	enum dp_col_kind kind;  /* what report.xlsx writes its cells as */
} words[] = {
	{ "summary_indicators.csv.gz", "min", "最低分", DP_COL_DEC2 },
	{ "summary_indicators.csv.gz", "max", "最高分", DP_COL_DEC2 },
	{ "summary_indicators.csv.gz", "label", "指标名称", DP_COL_TEXT },
	{ "discrepancies.csv.gz", "label", "指标名称", DP_COL_TEXT },
	{ NULL, "file", "文件", DP_COL_TEXT },
	{ NULL, "sha256", "SHA-256校验值", DP_COL_TEXT },
	{ NULL, "bytes", "字节数", DP_COL_WHOLE },
	{ NULL, "encoding", "编码", DP_COL_TEXT },
	{ NULL, "shape", "表式", DP_COL_TEXT },
	{ NULL, "rows", "行数", DP_COL_WHOLE },
	{ NULL, "submissions", "填报份数", DP_COL_WHOLE },
	{ NULL, "status", "处理结果", DP_COL_TEXT },
	{ NULL, "severity", "级别", DP_COL_TEXT },
	{ NULL, "code", "问题代码", DP_COL_TEXT },
	{ NULL, "line", "行号", DP_COL_WHOLE },
	{ NULL, "field", "字段", DP_COL_TEXT },
	{ NULL, "value", "填报值", DP_COL_TEXT },
	{ NULL, "message", "说明", DP_COL_TEXT },
	{ NULL, "indicator", "指标代码", DP_COL_TEXT },
	{ NULL, "parent", "上级指标", DP_COL_TEXT },
	{ NULL, "max", "满分", DP_COL_DEC2 },
	{ NULL, "score", "复核得分", DP_COL_DEC2 },
	{ NULL, "self", "自评得分", DP_COL_DEC2 },
	{ NULL, "delta", "差额（自评−复核）", DP_COL_DEC2 },
	{ NULL, "adjustment", "复核扣分", DP_COL_DEC2 },
	{ NULL, "applicable", "是否适用", DP_COL_WHOLE },
	{ NULL, "rank", "排名", DP_COL_WHOLE },
	{ NULL, "total", "复核总分", DP_COL_DEC2 },
	{ NULL, "grade", "等级", DP_COL_TEXT },
	{ NULL, "rank_in_parent", "主管部门内排名", DP_COL_WHOLE },
	{ NULL, "rank_in_sector", "所属领域内排名", DP_COL_WHOLE },
	{ NULL, "percentile", "百分位", DP_COL_DEC2 },
	{ NULL, "scope", "范围", DP_COL_TEXT },
	{ NULL, "count", "个数", DP_COL_WHOLE },
	{ NULL, "share", "占比（%）", DP_COL_DEC2 },
	{ NULL, "label", "名称", DP_COL_TEXT },
	{ NULL, "max_points", "满分", DP_COL_DEC2 },
	{ NULL, "n", "部门数", DP_COL_WHOLE },
	{ NULL, "mean", "平均分", DP_COL_DEC2 },
	{ NULL, "median", "中位数", DP_COL_DEC2 },
	{ NULL, "p10", "第10百分位", DP_COL_DEC2 },
	{ NULL, "p90", "第90百分位", DP_COL_DEC2 },
	{ NULL, "min", "最低", DP_COL_DEC2 },
	{ NULL, "full_marks_share", "满分占比（%）", DP_COL_DEC2 },
	{ NULL, "departments", "部门数", DP_COL_WHOLE },
	{ NULL, "mean_total", "平均总分", DP_COL_DEC2 },
	{ NULL, "median_total", "总分中位数", DP_COL_DEC2 },
	{ NULL, "best_dept_code", "最高分部门代码", DP_COL_TEXT },
	{ NULL, "best_total", "最高总分", DP_COL_DEC2 },
	{ NULL, "worst_dept_code", "最低分部门代码", DP_COL_TEXT },
	{ NULL, "worst_total", "最低总分", DP_COL_DEC2 },
	{ NULL, "expense_rate", "支出率（%）", DP_COL_DEC2 },
	{ NULL, "fund_spend_rate", "专项资金支出率（%）", DP_COL_DEC2 },
	{ NULL, "total_change", "总分变化", DP_COL_DEC2 },
	{ NULL, "rank_change", "排名变化（正数为上升）", DP_COL_WHOLE },
	{ NULL, "grade_change", "等级变化", DP_COL_TEXT },
	{ NULL, "deduction", "扣分", DP_COL_DEC2 },
	{ NULL, "reason", "原因", DP_COL_TEXT },
	{ NULL, "applied", "是否执行", DP_COL_WHOLE },
	{ NULL, "scenario", "情景", DP_COL_TEXT },
	{ NULL, "base_total", "基准总分", DP_COL_DEC2 },
	{ NULL, "base_grade", "基准等级", DP_COL_TEXT },
	{ NULL, "base_rank", "基准排名", DP_COL_WHOLE },
	{ NULL, "grade_changes", "等级改变的部门数", DP_COL_WHOLE },
	{ NULL, "grade_up", "等级上升数", DP_COL_WHOLE },
	{ NULL, "grade_down", "等级下降数", DP_COL_WHOLE },
	{ NULL, "max_rank_change", "最大排名变化", DP_COL_WHOLE },
	{ NULL, "mean_abs_rank_change", "平均排名变化（绝对值）", DP_COL_DEC2 },
	{ NULL, "kendall_tau", "与基准排名的一致性（Kendall τb）", DP_COL_DEC2 },
	{ NULL, "best_rank", "最好排名", DP_COL_WHOLE },
	{ NULL, "worst_rank", "最差排名", DP_COL_WHOLE },
	{ NULL, "grades", "可能等级", DP_COL_TEXT },
	{ NULL, "margin", "距等级分界（分）", DP_COL_DEC2 },
};

static int word_at(const char *table, const char *col)
{
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if ((!words[i].table || (table && strcmp(words[i].table, table) == 0)) && strcmp(words[i].col, col) == 0)
			return (int)i;
	return -1;
}

static const char *word(const char *table, const char *col)
{
	int i = word_at(table, col);
	return i >= 0 ? words[i].zh : NULL;
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

enum dp_col_kind dp_header_kind(const char *table, const char *col, const struct dp_dict *d,
				const struct dp_rules *r)
{
	int w = word_at(table, col);
	if (w >= 0)
		return words[w].kind;
	size_t stem;
	if (strncmp(col, "prev_", 5) == 0)
		return dp_header_kind(table, col + 5, d, r);
	if (ends_with(col, "_sector_median", &stem) || ends_with(col, "_province_percentile", &stem))
		return DP_COL_DEC2;
	if (strncmp(col, "grade_", 6) == 0 && col[6])
		return DP_COL_WHOLE; /* a count per grade band */
	int f = d ? dp_dict_find_code(d, col) : -1;
	if (f >= 0) {
		const struct dp_field *fd = dp_dict_field(d, (size_t)f);
		if (fd->kind == DP_FK_INT)
			return DP_COL_WHOLE;
		if (fd->kind == DP_FK_NUMBER)
			return fd->unit == DP_UK_MONEY ? DP_COL_MONEY : DP_COL_DEC2;
		return DP_COL_TEXT;
	}
	return r && dp_rules_find(r, col) >= 0 ? DP_COL_DEC2 : DP_COL_TEXT; /* a sum indicator's score */
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
