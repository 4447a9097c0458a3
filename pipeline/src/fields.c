/* The field dictionary of SPEC §3 as one table, its lookups, and its
 * Markdown for docs/fields.md (fields.h). */
#include "deptperf/fields.h"

#include <stdlib.h>
#include <string.h>

#include "deptperf/buf.h"
#include "deptperf/rules.h"
#include "deptperf/text.h"

#define D(x) ((dp_dec)(x) * DP_DEC_ONE)
#define NOLIM false, false, false, 0, 0
#define GE0 true, false, false, 0, 0
#define RANGE(a, b) true, true, false, D(a), D(b)

/* SPEC §3, in the column order of departments.csv.gz (then the fund
 * fields).  Keep in step with the DP_F_* indices of fields.h. */
static const struct dp_field fixed[DP_F_FIXED_COUNT] = {
	{ "fiscal_year", "年度", "评价年度", DP_FK_YEAR, DP_UK_NONE, DP_FG_DEPT, true, RANGE(2000, 2100), -1 },
	{ "dept_code", "部门代码", "单位代码|预算单位编码", DP_FK_CODE, DP_UK_NONE, DP_FG_DEPT, true, NOLIM, -1 },
	{ "dept_name", "部门名称", "单位名称", DP_FK_TEXT, DP_UK_NONE, DP_FG_DEPT, true, NOLIM, -1 },
	{ "parent_code", "主管部门代码", "", DP_FK_CODE, DP_UK_NONE, DP_FG_DEPT, false, NOLIM, -1 },
	{ "parent_name", "主管部门", "", DP_FK_TEXT, DP_UK_NONE, DP_FG_DEPT, false, NOLIM, -1 },
	{ "sector", "所属领域", "行业类别", DP_FK_TEXT, DP_UK_NONE, DP_FG_DEPT, false, NOLIM, -1 },
	{ "uscc", "统一社会信用代码", "", DP_FK_USCC, DP_UK_NONE, DP_FG_DEPT, false, NOLIM, -1 },
	{ "unit_count", "预算单位数量", "", DP_FK_INT, DP_UK_COUNT, DP_FG_DEPT, false, true, false, false, D(1), 0, -1 },
	{ "preparer", "填报人", "", DP_FK_TEXT, DP_UK_NONE, DP_FG_DEPT, false, NOLIM, -1 },
	{ "phone", "联系电话", "", DP_FK_TEXT, DP_UK_NONE, DP_FG_DEPT, false, NOLIM, -1 },
	{ "filed_on", "填报日期", "", DP_FK_DATE, DP_UK_NONE, DP_FG_DEPT, true, NOLIM, -1 },
	{ "income_total", "收入合计", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, true, GE0, -1 },
	{ "income_fiscal", "财政拨款收入", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, true, GE0, -1 },
	{ "income_other", "其他收入", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, false, GE0, -1 },
	{ "expense_total", "支出合计", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, true, GE0, -1 },
	{ "expense_basic", "基本支出", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, true, GE0, -1 },
	{ "expense_project", "项目支出", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, true, GE0, -1 },
	{ "income_prev", "上年收入合计", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, false, GE0, -1 },
	{ "expense_prev", "上年支出合计", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, false, GE0, -1 },
	{ "output_completion", "产出指标完成率", "", DP_FK_NUMBER, DP_UK_PERCENT, DP_FG_DEPT, true, RANGE(0, 1000), -1 },
	{ "benefit_completion", "效益指标完成率", "", DP_FK_NUMBER, DP_UK_PERCENT, DP_FG_DEPT, true, RANGE(0, 1000), -1 },
	{ "exec_progress", "平均支出进度", "", DP_FK_NUMBER, DP_UK_PERCENT, DP_FG_DEPT, true, RANGE(0, 100), -1 },
	{ "exec_q1", "一季度支出进度", "", DP_FK_NUMBER, DP_UK_PERCENT, DP_FG_DEPT, false, RANGE(0, 100), -1 },
	{ "exec_q2", "二季度支出进度", "", DP_FK_NUMBER, DP_UK_PERCENT, DP_FG_DEPT, false, RANGE(0, 100), -1 },
	{ "exec_q3", "三季度支出进度", "", DP_FK_NUMBER, DP_UK_PERCENT, DP_FG_DEPT, false, RANGE(0, 100), -1 },
	{ "exec_q4", "四季度支出进度", "", DP_FK_NUMBER, DP_UK_PERCENT, DP_FG_DEPT, false, RANGE(0, 100), -1 },
	{ "cost_table_score", "经济成本分析自评表得分", "", DP_FK_NUMBER, DP_UK_SCORE, DP_FG_DEPT, true, RANGE(0, 10), -1 },
	{ "three_public_budget", "三公经费预算数", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, true, GE0, -1 },
	{ "three_public_actual", "三公经费实际支出数", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, true, GE0, -1 },
	{ "staff_count", "实有人数", "", DP_FK_INT, DP_UK_COUNT, DP_FG_DEPT, false, GE0, -1 },
	{ "floor_area", "办公用房面积", "", DP_FK_NUMBER, DP_UK_AREA, DP_FG_DEPT, false, GE0, -1 },
	{ "cost_energy_per_m2", "单位能耗支出", "", DP_FK_NUMBER, DP_UK_UNITCOST, DP_FG_DEPT, false, GE0, -1 },
	{ "cost_property_per_m2", "物业管理支出", "", DP_FK_NUMBER, DP_UK_UNITCOST, DP_FG_DEPT, false, GE0, -1 },
	{ "cost_admin_pc", "人均行政支出", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, false, GE0, -1 },
	{ "cost_business_pc", "人均业务活动支出", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, false, GE0, -1 },
	{ "cost_field_pc", "人均外勤支出", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, false, GE0, -1 },
	{ "cost_public_pc", "人均公用经费支出", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_DEPT, false, GE0, -1 },
	{ "self_total", "自评总分", "总分得分|总分自评得分", DP_FK_NUMBER, DP_UK_SCORE, DP_FG_DEPT, true, RANGE(0, 100), -1 },
	{ "self_grade", "自评等级", "", DP_FK_GRADE, DP_UK_NONE, DP_FG_DEPT, false, NOLIM, -1 },
	{ "fund_name", "专项资金名称", "分项|item", DP_FK_TEXT, DP_UK_NONE, DP_FG_FUND, true, NOLIM, -1 },
	{ "fund_alloc", "专项资金下达", "实际下达|专项资金实际下达", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_FUND, true, true, false, true, 0, 0, -1 },
	{ "fund_spent", "专项资金支出", "", DP_FK_NUMBER, DP_UK_MONEY, DP_FG_FUND, true, GE0, -1 },
	{ "fund_selfeval", "专项资金绩效自评分", "", DP_FK_NUMBER, DP_UK_SCORE, DP_FG_FUND, true, RANGE(0, 100), -1 },
};

struct key {
	char *text;
	int field;
};

struct dp_dict {
	struct dp_field *f;
	char **owned;        /* strings of the self fields */
	size_t n, nowned;
	struct key *keys;
	size_t nkeys, capkeys;
};

static int key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = strcmp(x->text, y->text);
	return c ? c : (x->field > y->field) - (x->field < y->field);
}

static void add_key(struct dp_dict *d, const char *text, int field)
{
	struct dp_buf b = DP_BUF_INIT;
	dp_text_norm(&b, text, strlen(text), true);
	DP_GROW(d->keys, d->nkeys, d->capkeys);
	d->keys[d->nkeys].text = dp_buf_detach(&b);
	d->keys[d->nkeys].field = field;
	d->nkeys++;
}

static char *own(struct dp_dict *d, struct dp_buf *b)
{
	d->owned = dp_xrealloc(d->owned, dp_st_mult(d->nowned + 1, sizeof *d->owned));
	return d->owned[d->nowned++] = dp_buf_detach(b);
}

struct dp_dict *dp_dict_new(const struct dp_rules *rules)
{
	struct dp_dict *d = dp_xcalloc(1, sizeof *d);
	size_t nind = rules ? dp_rules_count(rules) : 0;
	d->f = dp_xcalloc(DP_F_FIXED_COUNT + nind, sizeof *d->f);
	memcpy(d->f, fixed, sizeof fixed);
	d->n = DP_F_FIXED_COUNT;
	for (size_t i = 0; i < nind; i++) {
		const struct dp_indicator *ind = dp_rules_get(rules, i);
		if (ind->parent < 0) {
			/* the root's self-score is self_total: also "<root label>得分" */
			struct dp_buf b = DP_BUF_INIT;
			dp_buf_addf(&b, "%s得分", ind->label);
			add_key(d, b.s, DP_F_SELF_TOTAL);
			dp_buf_free(&b);
			continue;
		}
		struct dp_field *f = &d->f[d->n];
		struct dp_buf b = DP_BUF_INIT;
		dp_buf_addf(&b, "self.%s", ind->code);
		f->code = own(d, &b);
		dp_buf_addf(&b, "%s得分", ind->label);
		f->label = own(d, &b);
		dp_buf_addf(&b, "%s自评得分|自评得分.%s", ind->label, ind->label);
		f->aliases = own(d, &b);
		f->kind = DP_FK_NUMBER;
		f->unit = DP_UK_SCORE;
		f->group = DP_FG_DEPT;
		f->required = ind->method == DP_M_SELF;
		f->has_min = f->has_max = true;
		f->min = 0;
		f->max = ind->max;
		f->indicator = (int)i;
		d->n++;
	}
	for (size_t i = 0; i < d->n; i++) {
		add_key(d, d->f[i].code, (int)i);
		add_key(d, d->f[i].label, (int)i);
		const char *a = d->f[i].aliases;
		while (a && *a) {
			const char *bar = strchr(a, '|');
			size_t len = bar ? (size_t)(bar - a) : strlen(a);
			char *one = dp_xmemdup(a, len);
			add_key(d, one, (int)i);
			free(one);
			a += len + (bar ? 1 : 0);
		}
	}
	dp_qsort(d->keys, d->nkeys, sizeof *d->keys, key_cmp);
	return d;
}

void dp_dict_free(struct dp_dict *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nkeys; i++)
		free(d->keys[i].text);
	for (size_t i = 0; i < d->nowned; i++)
		free(d->owned[i]);
	free(d->keys);
	free(d->owned);
	free(d->f);
	free(d);
}

size_t dp_dict_count(const struct dp_dict *d)
{
	return d->n;
}

const struct dp_field *dp_dict_field(const struct dp_dict *d, size_t i)
{
	return &d->f[i];
}

int dp_dict_find(const struct dp_dict *d, const char *label)
{
	size_t lo = 0, hi = d->nkeys;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(d->keys[mid].text, label);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < d->nkeys && strcmp(d->keys[lo].text, label) == 0)
		return d->keys[lo].field;
	return -1;
}

int dp_dict_find_code(const struct dp_dict *d, const char *code)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->f[i].code, code) == 0)
			return (int)i;
	return -1;
}

const char *dp_dict_suggest(const struct dp_dict *d, const char *label)
{
	const char *best = NULL;
	size_t bestd = 3;
	for (size_t i = 0; i < d->n; i++) {
		size_t e = dp_edit_distance(label, d->f[i].label, 2);
		if (e < bestd) {
			bestd = e;
			best = d->f[i].label;
		}
	}
	return best;
}

bool dp_field_is_guarded(const struct dp_field *f)
{
	return f->kind == DP_FK_TEXT || f->kind == DP_FK_GRADE || f->kind == DP_FK_USCC || f->kind == DP_FK_CODE;
}

bool dp_field_is_number(const struct dp_field *f)
{
	return f->kind == DP_FK_NUMBER || f->kind == DP_FK_INT || f->kind == DP_FK_YEAR;
}

bool dp_field_is_rule_input(const char *code)
{
	if (strcmp(code, "special_selfeval") == 0 || strcmp(code, "special_spend_pct") == 0)
		return true;
	for (size_t i = DP_F_INCOME_TOTAL; i <= DP_F_COST_PUBLIC; i++)
		if (strcmp(fixed[i].code, code) == 0)
			return true;
	return strcmp(code, "unit_count") == 0;
}

size_t dp_dict_dept_columns(const struct dp_dict *d, int *idx)
{
	size_t k = 0;
	for (int i = 0; i < DP_F_SELF_TOTAL; i++)
		idx[k++] = i;
	for (size_t i = DP_F_FIXED_COUNT; i < d->n; i++)
		idx[k++] = (int)i;
	idx[k++] = DP_F_SELF_TOTAL;
	idx[k++] = DP_F_SELF_GRADE;
	return k;
}

static const char *kind_name(const struct dp_field *f)
{
	switch (f->kind) {
	case DP_FK_CODE: return "代码 code";
	case DP_FK_TEXT: return "文本 text";
	case DP_FK_YEAR: return "年度 year";
	case DP_FK_USCC: return "统一社会信用代码 USCC";
	case DP_FK_INT: return "整数 integer";
	case DP_FK_DATE: return "日期 date";
	case DP_FK_NUMBER: return "数值 number";
	case DP_FK_GRADE: return "等级 grade";
	}
	return "";
}

/* "|" would end a Markdown cell */
static void md_cell(struct dp_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			dp_buf_adds(b, " · ");
		else
			dp_buf_addc(b, *s);
	}
}

void dp_dict_markdown(const struct dp_dict *d, struct dp_buf *out)
{
	dp_buf_adds(out,
		    "# Field dictionary / 字段字典\n"
		    "\n"
		    "Every field a form row, a bulk export's header cell or a special-fund export may name.\n"
		    "A label is matched by its code, its Chinese name or any alias, after spaces and full-width\n"
		    "forms are normalized. A number may carry its unit inline (`2500万元`, `38.12%`) or in the\n"
		    "unit column; money is converted to 万元. A field marked required missing is `E-REQUIRED`;\n"
		    "a value outside its range is `E-RANGE` (docs/findings.md).\n"
		    "\n"
		    "填报表的每一行、汇总表的每个表头、专项资金表的每一列，都应是下列字段之一：可写代码、中文名称或任一别名"
		    "（全角、空格不影响）。数值可带单位（`2500万元`、`38.12%`）或写在“单位”列；金额统一折算为万元。"
		    "必填字段缺失为 E-REQUIRED，超出范围为 E-RANGE（见 docs/findings.md）。\n"
		    "\n"
		    "The self-score rows (`self.<indicator>`, named `<指标名称>得分`) are those of the rule set:\n"
		    "this page lists the default Guangdong 2021 set's. It is the output of `dp-run --list-fields`\n"
		    "(scripts/update-docs); the table is the library's own (pipeline/src/fields.c).\n"
		    "\n"
		    "| code | 中文名称 | 别名 aliases | 类型 kind | 单位 unit | 范围 range | 必填 required | 表 table |\n"
		    "|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < d->n; i++) {
		const struct dp_field *f = &d->f[i];
		dp_buf_addf(out, "| `%s` | ", f->code);
		md_cell(out, f->label);
		dp_buf_adds(out, " | ");
		md_cell(out, f->aliases);
		dp_buf_addf(out, " | %s | %s | ", kind_name(f), f->unit == DP_UK_NONE ? "" : dp_unit_default_name(f->unit));
		if (f->has_min || f->has_max) {
			if (f->has_min) {
				dp_buf_adds(out, f->min_exclusive ? "> " : "≥ ");
				dp_dec_format(out, f->min, 0, 8);
			}
			if (f->has_max) {
				dp_buf_adds(out, f->has_min ? ", ≤ " : "≤ ");
				dp_dec_format(out, f->max, 0, 8);
			}
		}
		dp_buf_addf(out, " | %s | %s |\n", f->required ? "必填 yes" : "",
			    f->group == DP_FG_FUND ? "special_funds" : "departments");
	}
}
