/* Review deductions (--adjust): the file read, its headers in English or
 * Chinese, each row checked (adjust.h). */
#include "deptperf/adjust.h"

#include <stdlib.h>
#include <string.h>

#include "deptperf/csvfile.h"
#include "deptperf/fields.h"
#include "deptperf/text.h"

struct load {
	struct dp_adjustments *a;
	const struct dp_rules *r;
	struct dp_dict *dict;  /* for the headers' Chinese names */
	struct dp_buf *err;
	int col[5];            /* dept_code, fiscal_year, indicator, deduction, reason */
	bool header, failed;
};

/* The column a header cell names (0–4 as col[]), or -1: the codes of
 * SPEC §7, the dictionary's names for the department and the year, and the
 * Chinese a finance office writes for the others. */
static int column_of(struct load *l, const char *h)
{
	static const char *const named[3][5] = {
		{ "indicator", "指标", "指标代码", "指标名称", "评价指标" },
		{ "deduction", "扣分", "扣减分值", "扣分值", "复核扣分" },
		{ "reason", "原因", "扣分原因", "扣分理由", "说明" },
	};
	int f = dp_dict_find(l->dict, h);
	if (f == DP_F_DEPT_CODE)
		return 0;
	if (f == DP_F_FISCAL_YEAR)
		return 1;
	for (int c = 0; c < 3; c++)
		for (int k = 0; k < 5; k++)
			if (strcmp(h, named[c][k]) == 0)
				return 2 + c;
	return -1;
}

static int on_header(struct load *l, const struct dp_record *rec)
{
	for (int k = 0; k < 5; k++)
		l->col[k] = -1;
	for (size_t i = 0; i < rec->n; i++) {
		char *h = dp_record_cell(rec, (long)i, true);
		int c = column_of(l, h);
		free(h);
		if (c >= 0 && l->col[c] < 0)
			l->col[c] = (int)i;
	}
	for (int k = 0; k < 4; k++) { /* the reason may be left out */
		if (l->col[k] < 0) {
			dp_buf_addf(l->err,
				    "%s:%llu: 表头应为 dept_code,fiscal_year,indicator,deduction,reason"
				    "（或 部门代码,年度,指标,扣分,原因）",
				    l->a->path, (unsigned long long)rec->line);
			l->failed = true;
			return 1;
		}
	}
	return 0;
}

/* The indicator a cell names: its code, or its label (信息公开). */
static int indicator_of(const struct dp_rules *r, const char *s)
{
	int i = dp_rules_find(r, s);
	for (size_t k = 0; i < 0 && k < dp_rules_count(r); k++)
		if (strcmp(dp_rules_get(r, k)->label, s) == 0)
			i = (int)k;
	return i;
}

static int on_row(void *ctx, const struct dp_record *rec)
{
	struct load *l = ctx;
	if (!l->header) {
		l->header = true;
		return on_header(l, rec);
	}
	struct dp_adjustments *a = l->a;
	DP_GROW(a->v, a->n, a->cap);
	struct dp_adjustment *x = &a->v[a->n++];
	memset(x, 0, sizeof *x);
	x->dept_code = dp_record_cell(rec, l->col[0], true);
	x->fiscal_year = dp_record_cell(rec, l->col[1], true);
	x->indicator = dp_record_cell(rec, l->col[2], true);
	char *d = dp_record_cell(rec, l->col[3], true);
	x->reason = dp_record_cell(rec, l->col[4], false);
	x->line = rec->line;
	x->ind = indicator_of(l->r, x->indicator);
	if (x->ind >= 0 && strcmp(x->indicator, dp_rules_get(l->r, (size_t)x->ind)->code) != 0) {
		free(x->indicator); /* a label: the code is what the tables show */
		x->indicator = dp_xstrdup(dp_rules_get(l->r, (size_t)x->ind)->code);
	}
	bool ok = dp_text_is_code(x->dept_code, strlen(x->dept_code));
	if (!ok)
		dp_buf_addf(l->err, "%s:%llu: “%s”不是合规的部门代码", a->path, (unsigned long long)rec->line,
			    x->dept_code);
	else if (!*d || dp_dec_parse(d, strlen(d), &x->deduction) != DP_DEC_OK || x->deduction <= 0) {
		dp_buf_addf(l->err, "%s:%llu: 扣分“%s”应为正数（分）", a->path,
			    (unsigned long long)rec->line, d);
		ok = false;
	}
	free(d);
	if (!ok) {
		l->failed = true;
		return 1;
	}
	return 0;
}

static int cmp(const void *p, const void *q)
{
	const struct dp_adjustment *x = p, *y = q;
	int c = strcmp(x->fiscal_year, y->fiscal_year);
	if (!c)
		c = strcmp(x->dept_code, y->dept_code);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

struct dp_adjustments *dp_adjust_load(const char *path, const struct dp_rules *r, struct dp_buf *err)
{
	struct dp_adjustments *a = dp_xcalloc(1, sizeof *a);
	a->path = dp_xstrdup(path);
	struct load l = { a, r, dp_dict_new(NULL), err, { -1, -1, -1, -1, -1 }, false, false };
	struct dp_csvfile_result res;
	dp_csvfile_read(path, DP_ENC_AUTO, false, on_row, &l, &res, err);
	dp_dict_free(l.dict);
	if (l.failed || !dp_csvfile_config_ok(&res, path, l.header, "复核扣分", err)) {
		dp_adjust_free(a);
		return NULL;
	}
	dp_qsort(a->v, a->n, sizeof *a->v, cmp);
	return a;
}

struct dp_adjustment *dp_adjust_find(struct dp_adjustments *a, const char *fiscal_year, const char *dept_code,
				     size_t *count)
{
	size_t lo = 0, hi = a->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(a->v[mid].fiscal_year, fiscal_year);
		if (!c)
			c = strcmp(a->v[mid].dept_code, dept_code);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t k = lo;
	while (k < a->n && strcmp(a->v[k].fiscal_year, fiscal_year) == 0 && strcmp(a->v[k].dept_code, dept_code) == 0)
		k++;
	*count = k - lo;
	return k > lo ? &a->v[lo] : NULL;
}

void dp_adjust_free(struct dp_adjustments *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].dept_code);
		free(a->v[i].fiscal_year);
		free(a->v[i].indicator);
		free(a->v[i].reason);
	}
	free(a->v);
	free(a->path);
	free(a);
}
