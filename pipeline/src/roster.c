/* The roster (--roster): read, its headers in English or Chinese, checked
 * (roster.h). */
#include "deptperf/roster.h"

#include <stdlib.h>
#include <string.h>

#include "deptperf/csvfile.h"
#include "deptperf/fields.h"
#include "deptperf/text.h"

struct load {
	struct dp_roster *r;
	struct dp_buf *err;
	struct dp_dict *dict;
	int col[4];  /* dept_code, dept_name, parent_code, sector */
	bool header, failed;
};

static int on_row(void *ctx, const struct dp_record *rec)
{
	struct load *l = ctx;
	if (!l->header) {
		l->header = true;
		static const int want[4] = { DP_F_DEPT_CODE, DP_F_DEPT_NAME, DP_F_PARENT_CODE, DP_F_SECTOR };
		for (int k = 0; k < 4; k++)
			l->col[k] = -1;
		for (size_t i = 0; i < rec->n; i++) {
			char *h = dp_record_cell(rec, (long)i, true);
			int f = dp_dict_find(l->dict, h);
			free(h);
			for (int k = 0; k < 4; k++)
				if (f == want[k] && l->col[k] < 0)
					l->col[k] = (int)i;
		}
		if (l->col[0] < 0) {
			dp_buf_addf(l->err, "%s:%llu: 名册表头缺少部门代码（dept_code）列；应为 "
					    "dept_code,dept_name,parent_code,sector（或 部门代码,部门名称,主管部门代码,所属领域）",
				    l->r->path, (unsigned long long)rec->line);
			l->failed = true;
			return 1;
		}
		return 0;
	}
	struct dp_roster *r = l->r;
	DP_GROW(r->v, r->n, r->cap);
	struct dp_roster_entry *e = &r->v[r->n];
	e->dept_code = dp_record_cell(rec, l->col[0], true);
	e->dept_name = dp_record_cell(rec, l->col[1], false);
	e->parent_code = dp_record_cell(rec, l->col[2], true);
	e->sector = dp_record_cell(rec, l->col[3], false);
	e->line = rec->line;
	r->n++;
	if (!dp_text_is_code(e->dept_code, strlen(e->dept_code)) ||
	    (e->parent_code[0] && !dp_text_is_code(e->parent_code, strlen(e->parent_code)))) {
		dp_buf_addf(l->err, "%s:%llu: “%s”不是合规的部门代码（应为 1–32 位字母、数字、_ 或 -）",
			    r->path, (unsigned long long)rec->line,
			    dp_text_is_code(e->dept_code, strlen(e->dept_code)) ? e->parent_code : e->dept_code);
		l->failed = true;
		return 1;
	}
	return 0;
}

static int cmp(const void *a, const void *b)
{
	const struct dp_roster_entry *x = a, *y = b;
	int c = strcmp(x->dept_code, y->dept_code);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

struct dp_roster *dp_roster_load(const char *path, struct dp_buf *err)
{
	struct dp_roster *r = dp_xcalloc(1, sizeof *r);
	r->path = dp_xstrdup(path);
	struct load l = { r, err, dp_dict_new(NULL), { -1, -1, -1, -1 }, false, false };
	struct dp_csvfile_result res;
	dp_csvfile_read(path, DP_ENC_AUTO, false, on_row, &l, &res, err);
	if (res.status == DP_CF_BADTEXT && res.encoding == DP_ENC_UTF8 && !l.failed) {
		dp_roster_free(r);
		r = dp_xcalloc(1, sizeof *r);
		r->path = dp_xstrdup(path);
		l.r = r;
		l.header = false;
		dp_csvfile_read(path, DP_ENC_GB18030, false, on_row, &l, &res, err);
	}
	dp_dict_free(l.dict);
	bool ok = !l.failed && dp_csvfile_config_ok(&res, path, l.header, "名册", err);
	if (ok) {
		dp_qsort(r->v, r->n, sizeof *r->v, cmp);
		for (size_t i = 1; i < r->n; i++)
			if (strcmp(r->v[i].dept_code, r->v[i - 1].dept_code) == 0) {
				dp_buf_addf(err, "%s:%llu: 部门 %s 重复列出（首次在第 %llu 行）", path,
					    (unsigned long long)r->v[i].line, r->v[i].dept_code,
					    (unsigned long long)r->v[i - 1].line);
				ok = false;
				break;
			}
	}
	if (!ok) {
		dp_roster_free(r);
		return NULL;
	}
	return r;
}

const struct dp_roster_entry *dp_roster_find(const struct dp_roster *r, const char *dept_code)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->v[mid].dept_code, dept_code);
		if (c == 0)
			return &r->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void dp_roster_free(struct dp_roster *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].dept_code);
		free(r->v[i].dept_name);
		free(r->v[i].parent_code);
		free(r->v[i].sector);
	}
	free(r->v);
	free(r->path);
	free(r);
}
