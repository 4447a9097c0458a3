#include "deptperf/adjust.h"

#include <stdlib.h>
#include <string.h>

#include "deptperf/csvfile.h"
#include "deptperf/text.h"

struct load {
	struct dp_adjustments *a;
	const struct dp_rules *r;
	struct dp_buf *err;
	bool header, failed;
};

static int on_row(void *ctx, const struct dp_record *rec)
{
	struct load *l = ctx;
	if (!l->header) {
		l->header = true;
		static const char *want[] = { "dept_code", "fiscal_year", "indicator", "deduction", "reason" };
		for (size_t i = 0; i < 5; i++) {
			char *h = dp_record_cell(rec, i, true);
			bool ok = strcmp(h, want[i]) == 0;
			free(h);
			if (!ok && !(i == 4 && rec->n == 4)) {
				dp_buf_addf(l->err, "%s:%llu: the header should be dept_code,fiscal_year,indicator,deduction,reason",
					    l->a->path, (unsigned long long)rec->line);
				l->failed = true;
				return 1;
			}
		}
		return 0;
	}
	struct dp_adjustments *a = l->a;
	DP_GROW(a->v, a->n, a->cap);
	struct dp_adjustment *x = &a->v[a->n++];
	memset(x, 0, sizeof *x);
	x->dept_code = dp_record_cell(rec, 0, true);
	x->fiscal_year = dp_record_cell(rec, 1, true);
	x->indicator = dp_record_cell(rec, 2, true);
	char *d = dp_record_cell(rec, 3, true);
	x->reason = dp_record_cell(rec, 4, false);
	x->line = rec->line;
	x->ind = dp_rules_find(l->r, x->indicator);
	bool ok = dp_text_is_code(x->dept_code, strlen(x->dept_code));
	if (!ok)
		dp_buf_addf(l->err, "%s:%llu: “%s” is not a department code", a->path, (unsigned long long)rec->line,
			    x->dept_code);
	else if (!*d || dp_dec_parse(d, strlen(d), &x->deduction) != DP_DEC_OK || x->deduction <= 0) {
		dp_buf_addf(l->err, "%s:%llu: the deduction “%s” should be a positive number of points", a->path,
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
	struct load l = { a, r, err, false, false };
	struct dp_csvfile_result res;
	dp_csvfile_read(path, DP_ENC_AUTO, false, on_row, &l, &res, err);
	if (l.failed || !dp_csvfile_config_ok(&res, path, l.header, "adjust", err)) {
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
